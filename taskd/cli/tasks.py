"""add, parse, list, show, edit: options in, `taskd.core` called, its data rendered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from taskd.cli import render
from taskd.cli.common import (
    TASK_ID,
    clean_text_type,
    emit,
    emit_json,
    json_option,
    make_core,
)
from taskd.errors import NeedsClarification


def _asking(as_json: bool, call: Callable[[], Any]) -> Any:
    """A text that needs a clarification: with --json, the parse object goes to stdout before the
    question (exit 3), so a script sees what was understood."""
    try:
        return call()
    except NeedsClarification as exc:
        if as_json and exc.payload is not None:
            emit_json(exc.payload)
        raise


@click.command()
@click.argument("text", type=clean_text_type("text"))
@click.option("--tz", type=clean_text_type("zone"), help="IANA time zone for this task (default: yours).")
@click.option("--dry-run", is_flag=True, help="Show what would be stored; store nothing.")
@json_option
def add(text: str, tz: str | None, dry_run: bool, as_json: bool) -> None:
    """Add a task from one line of text ("move my gym reminder to 7pm" changes that task)."""
    core = make_core()
    data = _asking(as_json, lambda: core.add(text, tz=tz, dry_run=dry_run))
    emit(data, as_json, render.render_add)


@click.command()
@click.argument("text", type=clean_text_type("text"))
@click.option("--now", "now_iso", help="Pretend it is this ISO-8601 time (naive = local in --tz).")
@click.option("--tz", type=clean_text_type("zone"), help="IANA time zone (default: yours).")
@click.option("--count", default=3, show_default=True, type=click.IntRange(0, 100),
              help="How many upcoming fire times to show.")
@click.option("--backend", type=click.Choice(["rules", "openai", "auto"]),
              help="Extractor to use (default: TASKD_BACKEND or auto).")
@json_option
def parse(text: str, now_iso: str | None, tz: str | None, count: int, backend: str | None,
          as_json: bool) -> None:
    """Extract and resolve TEXT without storing it."""
    core = make_core()
    data = _asking(as_json, lambda: core.parse(text, now=now_iso, tz=tz, count=count,
                                                backend=backend))
    emit(data, as_json, render.render_parse)


@click.command(name="list")
@click.option("--all", "include_all", is_flag=True, help="Include finished tasks.")
@json_option
def list_(include_all: bool, as_json: bool) -> None:
    """Tasks with their next fire times."""
    emit(make_core().list_tasks(include_all=include_all), as_json, render.render_list)


@click.command()
@click.argument("task_id", type=TASK_ID)
@click.option("--count", default=5, show_default=True, type=click.IntRange(1, 100))
@json_option
def show(task_id: int, count: int, as_json: bool) -> None:
    """One task in full, with its next fire times and recent runs."""
    emit(make_core().show(task_id, count=count), as_json, render.render_show)


@click.command()
@click.argument("task_id", type=TASK_ID)
@click.argument("text", required=False, type=clean_text_type("text"))
@click.option("--title", type=clean_text_type("title"), help="New title.")
@click.option("--at", "at_text", type=clean_text_type("time"),
              help="New time, in words (\"tomorrow 7pm\", \"every Monday 9am\").")
@json_option
def edit(task_id: int, text: str | None, title: str | None, at_text: str | None,
         as_json: bool) -> None:
    """Change a task: by new text ("move it to 7pm" keeps the title), or by --title / --at."""
    if not (text or title or at_text):
        raise click.UsageError("give new TEXT, --title or --at")
    if text and at_text:
        raise click.UsageError("give either TEXT or --at, not both")
    data = make_core().edit(task_id, text=text, title=title, at=at_text)
    emit(data, as_json, render.render_edit)


COMMANDS = [add, parse, list_, show, edit]
