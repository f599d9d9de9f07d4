"""prefs: what taskd knows about the user's time habits, with its evidence. Nothing hidden."""

from __future__ import annotations

import json

import click

from taskd.cli import render
from taskd.cli.common import db, emit_json, json_option, load_settings, now


def _rows(settings_obj: object) -> list[dict[str, object]]:
    from taskd.learn.prefs import defaults
    from taskd.store import repo

    with db(settings_obj) as handle:  # type: ignore[arg-type]
        stored = {p.key: p for p in repo.preferences(handle)}
    rows: list[dict[str, object]] = []
    for key, default in defaults().items():
        pref = stored.get(key)
        rows.append({
            "key": key,
            "value": pref.value if pref else default,
            "source": pref.source if pref else "default",
            "evidence": pref.evidence if pref else 0,
            "confidence": round(pref.confidence, 3) if pref else None,
            "updated_at": pref.updated_at.isoformat() if pref else None,
            "detail": json.loads(pref.detail_json) if pref and pref.detail_json else None,
        })
    return rows


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def prefs(ctx: click.Context, as_json: bool) -> None:
    """What was learned about you, and why. `prefs set KEY VALUE` states a value; it wins."""
    if ctx.invoked_subcommand is not None:
        return
    rows = _rows(load_settings())
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("key", "value", "source", "evidence", "confidence"):
        table.add_column(name)
    for row in rows:
        style = {"explicit": "green", "learned": "cyan"}.get(str(row["source"]), "dim")
        table.add_row(str(row["key"]), str(row["value"] or "—"), str(row["source"]),
                      str(row["evidence"]),
                      "—" if row["confidence"] is None else f"{row['confidence']:.2f}",
                      style=style)
    render.console().print(table)


@prefs.command(name="set")
@click.argument("key")
@click.argument("value")
@json_option
def set_(key: str, value: str, as_json: bool) -> None:
    """State a preference, e.g. `taskd prefs set morning 07:30`."""
    from taskd.learn.prefs import set_explicit

    settings = load_settings()
    with db(settings, write=True) as handle:
        clean = set_explicit(handle, key, value, now())
    if as_json:
        emit_json({"key": key, "value": clean, "source": "explicit"})
        return
    render.console().print(f"[green]✓[/green] {key} = {clean} [dim](set by you)[/dim]")


@prefs.command()
@click.argument("key")
@json_option
def forget(key: str, as_json: bool) -> None:
    """Forget a preference and its evidence; the default applies again."""
    from taskd.learn.prefs import forget as forget_pref

    settings = load_settings()
    with db(settings, write=True) as handle:
        existed = forget_pref(handle, key, now())
    if as_json:
        emit_json({"key": key, "forgotten": existed})
        return
    render.console().print(f"[green]✓[/green] forgot {key}" if existed
                           else f"nothing stored for {key}; the default applies")


COMMANDS = [prefs]
