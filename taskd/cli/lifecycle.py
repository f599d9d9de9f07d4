"""pause, resume, rm, done, snooze, history: options in, `taskd.core` called, data rendered."""

from __future__ import annotations

import click

from taskd.cli import render
from taskd.cli.common import TASK_ID, clean_text_type, emit, json_option, make_core


@click.command()
@click.argument("task_id", type=TASK_ID)
@click.option("--until", "until_words", type=clean_text_type("time"),
              help="Resume by itself then (\"monday 9am\").")
@json_option
def pause(task_id: int, until_words: str | None, as_json: bool) -> None:
    """Pause a task; runs due while paused are skipped."""
    emit(make_core().pause(task_id, until=until_words), as_json, render.render_pause)


@click.command()
@click.argument("task_id", type=TASK_ID)
@json_option
def resume(task_id: int, as_json: bool) -> None:
    """Resume a paused task."""
    emit(make_core().resume(task_id), as_json, render.render_resume)


@click.command()
@click.argument("task_id", type=TASK_ID)
@json_option
def rm(task_id: int, as_json: bool) -> None:
    """Delete a task (its history stays)."""
    emit(make_core().remove(task_id), as_json, render.render_rm)


_VIA_HELP = "The channel the answer came through (default: cli); for channel integrations."


@click.command()
@click.argument("task_id", type=TASK_ID)
@click.option("--via", default="cli", show_default=True, help=_VIA_HELP)
@json_option
def done(task_id: int, via: str, as_json: bool) -> None:
    """Mark a task done (for a recurring task: this occurrence)."""
    emit(make_core().done(task_id, via=via), as_json, render.render_done)


@click.command()
@click.argument("task_id", type=TASK_ID)
@click.argument("duration", required=False, type=clean_text_type("duration"))
@click.option("--via", default="cli", show_default=True, help=_VIA_HELP)
@json_option
def snooze(task_id: int, duration: str | None, via: str, as_json: bool) -> None:
    """Remind again after DURATION (10m, 1h30m, "2 hours"; default: your snooze preference)."""
    emit(make_core().snooze(task_id, duration=duration, via=via), as_json, render.render_snooze)


@click.command()
@click.argument("task_id", type=TASK_ID, required=False)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--verbose", "-v", is_flag=True, help="Agent runs: the whole prompt and answer.")
@json_option
def history(task_id: int | None, limit: int, verbose: bool, as_json: bool) -> None:
    """Runs: when scheduled, when fired, outcome, output (agent runs: tokens and latency)."""
    emit(make_core().history(task_id, limit=limit), as_json,
         lambda rows: render.render_history(rows, verbose=verbose))


COMMANDS = [pause, resume, rm, done, snooze, history]
