"""prefs: what taskd knows about the user's time habits, with its evidence. Nothing hidden."""

from __future__ import annotations

import click

from taskd.cli import render
from taskd.cli.common import clean_text_type, emit, emit_json, json_option, load_settings, make_core


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def prefs(ctx: click.Context, as_json: bool) -> None:
    """What was learned about you, and why. `prefs set KEY VALUE` states a value; it wins."""
    if ctx.invoked_subcommand is not None:
        return
    settings = load_settings()
    core = make_core(settings)
    if as_json:  # the rows only; the learner's questions are for a person reading them
        emit_json(core.prefs())
        return
    render.emit(render.render_prefs(core.prefs_report(ask=True), settings.timezone))


@prefs.command(name="set")
@click.argument("key", type=clean_text_type("key"))
@click.argument("value", type=clean_text_type("value"))
@json_option
def set_(key: str, value: str, as_json: bool) -> None:
    """State a preference, e.g. `taskd prefs set morning 07:30`."""
    emit(make_core().set_pref(key, value), as_json, render.render_pref_set)


@prefs.command()
@click.argument("key", type=clean_text_type("key"))
@json_option
def forget(key: str, as_json: bool) -> None:
    """Forget a preference and its evidence; the default applies again."""
    emit(make_core().forget_pref(key), as_json, render.render_pref_forget)


COMMANDS = [prefs]
