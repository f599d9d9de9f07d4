"""export, import: the whole home as JSON (or the live tasks as iCalendar), and back."""

from __future__ import annotations

import sys

import click

from taskd.cli import render
from taskd.cli.common import emit, emit_json, json_option, make_core
from taskd.errors import BadInput


@click.command("export")
@click.option("--all", "include_all", is_flag=True, help="Also deleted tasks and every past run.")
@click.option("--format", "fmt", type=click.Choice(["json", "ics"]), default="json",
              show_default=True, help="json: taskd's format (for import); ics: an iCalendar feed.")
def export(include_all: bool, fmt: str) -> None:
    """Print every task, its schedule and state, and the preferences, to stdout."""
    core = make_core()
    if fmt == "ics":
        sys.stdout.buffer.write(core.calendar())
        sys.stdout.flush()
        return
    emit_json(core.export(include_all=include_all))


@click.command("import")
@click.argument("source", type=click.Path(dir_okay=False, allow_dash=True))
@json_option
def import_(source: str, as_json: bool) -> None:
    """Add the tasks of a taskd export or a Taskwarrior `task export` file (FILE, or - for stdin).

    Tasks match on their uid, so importing the same file twice adds nothing."""
    core = make_core()
    try:
        with click.open_file(source, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {source}: {getattr(exc, 'strerror', None) or exc}") from None
    emit(core.import_text(text), as_json, render.render_import)


COMMANDS = [export, import_]
