"""prefs: what taskd knows about the user's time habits, with its evidence. Nothing hidden."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

import click

from taskd.cli import render
from taskd.cli.common import clean_text_type, db, emit_json, json_option, load_settings, now

if TYPE_CHECKING:
    from taskd.settings import Settings


def _rows(settings: Settings, ask: bool) -> tuple[list[dict[str, object]], list[str]]:
    """Every key, even untouched ones: nothing learned is hidden, and neither is a default."""
    from taskd.learn.learner import USE_BAR, explain, refresh
    from taskd.learn.prefs import defaults
    from taskd.store import repo

    moment = now()
    with db(settings, write=True) as handle:
        questions = refresh(handle, moment, settings.timezone, ask=ask)
        stored = {p.key: p for p in repo.preferences(handle)}
    rows: list[dict[str, object]] = []
    for key, default in defaults().items():
        pref = stored.get(key)
        detail = json.loads(pref.detail_json) if pref and pref.detail_json else None
        why = explain(key, pref.source if pref else "default", detail, moment)
        row: dict[str, object] = {
            "key": key, "value": default, "source": "default", "evidence": 0, "confidence": None,
            "updated_at": None, "why": why, "learning": None, "detail": detail,
        }
        if pref is not None and pref.source == "learning":
            row |= {"evidence": pref.evidence,
                    "learning": {"value": pref.value, "confidence": round(pref.confidence, 3),
                                 "needs": USE_BAR},
                    "why": f"learning {pref.value} (confidence {pref.confidence:.2f} < "
                           f"{USE_BAR:.2f}): {why}",
                    "updated_at": pref.updated_at.isoformat()}
        elif pref is not None:
            row |= {"value": pref.value, "source": pref.source, "evidence": pref.evidence,
                    "confidence": round(pref.confidence, 3),
                    "updated_at": pref.updated_at.isoformat()}
        rows.append(row)
    return rows, questions


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def prefs(ctx: click.Context, as_json: bool) -> None:
    """What was learned about you, and why. `prefs set KEY VALUE` states a value; it wins."""
    if ctx.invoked_subcommand is not None:
        return
    settings = load_settings()
    rows, questions = _rows(settings, ask=not as_json)
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("key", "value", "source", "evidence", "confidence", "updated", "why"):
        table.add_column(name, overflow="fold")
    for row in rows:
        style = {"explicit": "green", "learned": "cyan"}.get(str(row["source"]), "dim")
        updated = row["updated_at"]
        table.add_row(str(row["key"]), str(row["value"] or "—"), str(row["source"]),
                      str(row["evidence"]),
                      "—" if row["confidence"] is None else f"{row['confidence']:.2f}",
                      render.when(datetime.fromisoformat(str(updated)), settings.timezone)
                      if updated else "—",
                      render._escape(str(row["why"])), style=style)
    out = render.console()
    out.print(table)
    for question in questions:
        out.print(f"[yellow]?[/yellow] {render._escape(question)}")


@prefs.command(name="set")
@click.argument("key", type=clean_text_type("key"))
@click.argument("value", type=clean_text_type("value"))
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
@click.argument("key", type=clean_text_type("key"))
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
