"""pause, resume, rm, done, snooze, history: a task's life after it is added."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from taskd.cli import render
from taskd.cli.common import db, emit_json, json_option, load_settings, notify_service, now
from taskd.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlmodel import Session

    from taskd.store.delivery_tables import Delivery
    from taskd.store.tables import Task


def _when_from_words(words: str, moment: datetime, tz: str) -> datetime:
    """A one-off instant from words ("tomorrow 9am", "monday"), for --until."""
    from taskd.extract.rules import RulesExtractor
    from taskd.pipeline import parse, require_schedule

    resolved = require_schedule(parse(words, extractor=RulesExtractor(), now=moment, tz=tz))
    if resolved.recurring:
        raise BadInput(f"{words!r} repeats; give one moment")
    return resolved.first


def _done_line(message: str, as_json: bool, data: dict[str, object]) -> None:
    if as_json:
        emit_json(data)
    else:
        render.console().print(message)


def _change(task_id: int, action: Callable[[Session, Task, datetime], object], *,
            live_only: bool = True) -> dict[str, Any]:
    """One lifecycle change: a write transaction, then a poke to the service. Returns the task."""
    from taskd.store import repo

    settings = load_settings()
    moment = now()
    with db(settings, write=True) as handle:
        task = repo.get(handle, task_id, live_only=live_only)
        action(handle, task, moment)
        data = render.task_json(task, moment)
    notify_service(settings)
    return data


@click.command()
@click.argument("task_id", type=int)
@click.option("--until", "until_words", help="Resume by itself then (\"monday 9am\").")
@json_option
def pause(task_id: int, until_words: str | None, as_json: bool) -> None:
    """Pause a task; runs due while paused are skipped."""
    from taskd.store import repo

    def act(handle: Session, task: Task, moment: datetime) -> None:
        until = _when_from_words(until_words, moment, task.tz) if until_words else None
        repo.pause(handle, task, moment, until)

    data = _change(task_id, act)
    until = data["paused_until"]
    tail = f" until {render.when(datetime.fromisoformat(until), data['tz'])}" if until else ""
    _done_line(f"[yellow]⏸[/yellow] paused #{task_id} {render._escape(data['title'])}{tail}",
               as_json, data)


@click.command()
@click.argument("task_id", type=int)
@json_option
def resume(task_id: int, as_json: bool) -> None:
    """Resume a paused task."""
    from taskd.store import repo

    data = _change(task_id, repo.resume)
    nxt = render.when(datetime.fromisoformat(data["next"][0]), data["tz"]) if data["next"] else "—"
    _done_line(f"[green]▶[/green] resumed #{task_id} (next: {nxt})", as_json, data)


@click.command()
@click.argument("task_id", type=int)
@json_option
def rm(task_id: int, as_json: bool) -> None:
    """Delete a task (its history stays)."""
    from taskd.store import repo

    data = _change(task_id, repo.remove, live_only=False)
    _done_line(f"[red]✗[/red] removed #{task_id} {render._escape(data['title'])}", as_json,
               {"id": task_id, "status": "deleted"})


@click.command()
@click.argument("task_id", type=int)
@json_option
def done(task_id: int, as_json: bool) -> None:
    """Mark a task done (for a recurring task: this occurrence)."""
    from taskd.store import repo

    data = _change(task_id, repo.mark_done, live_only=False)
    _done_line(f"[green]✓[/green] done #{task_id} {render._escape(data['title'])}", as_json, data)


@click.command()
@click.argument("task_id", type=int)
@click.argument("duration", required=False)
@json_option
def snooze(task_id: int, duration: str | None, as_json: bool) -> None:
    """Remind again after DURATION (10m, 1h30m, "2 hours"; default: your snooze preference)."""
    from taskd.learn.prefs import OTHER_KEYS
    from taskd.resolve.durations import parse_duration
    from taskd.store import repo
    from taskd.store.tables import Preference

    settings = load_settings()
    moment = now()
    with db(settings, write=True) as handle:
        if duration is None:
            pref = handle.get(Preference, "snooze")
            duration = pref.value if pref else str(OTHER_KEYS["snooze"])
        delta = parse_duration(duration)
        task = repo.get(handle, task_id)
        until = moment + delta
        repo.snooze(handle, task, moment, until, int(delta.total_seconds()))
        data = render.task_json(task, moment)
    notify_service(settings)
    _done_line(f"[cyan]⏰[/cyan] snoozed #{task_id} until {render.when(until, data['tz'])}",
               as_json, data)


@click.command()
@click.argument("task_id", type=int, required=False)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@json_option
def history(task_id: int | None, limit: int, as_json: bool) -> None:
    """Runs: when scheduled, when fired, outcome, output."""
    from taskd.store import repo

    settings = load_settings()
    with db(settings) as handle:
        if task_id is not None and handle.get(repo.Task, task_id) is None:
            repo.get(handle, task_id)  # raises "no task #N"; a removed task's runs stay visible
        runs = list(repo.runs_for(handle, task_id, limit=limit))
        tasks = {r.task_id: t for r in runs if (t := handle.get(repo.Task, r.task_id))}
        titles = {task_id: t.title for task_id, t in tasks.items()}
        zones = {task_id: t.tz for task_id, t in tasks.items()}
        attempts = repo.deliveries_for(handle, [r.id for r in runs if r.id is not None])
    if as_json:
        emit_json([render.run_json(r) | {"title": titles.get(r.task_id), "deliveries": [
            {"channel": d.channel, "attempt": d.attempt, "at": d.at.isoformat(), "ok": d.ok,
             "detail": d.detail} for d in attempts.get(r.id or 0, [])]} for r in runs])
        return
    out = render.console()
    if not runs:
        out.print("No runs yet.")
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("run", "task", "scheduled", "fired", "state", "channels", "output"):
        table.add_column(name)
    for run in runs:
        zone = zones.get(run.task_id, "UTC")
        fired = render.when(run.fired_at, zone) if run.fired_at else "—"
        state = run.state + (" (late)" if run.late else "")
        table.add_row(str(run.id), f"#{run.task_id} {render._escape(titles.get(run.task_id, ''))}",
                      render.when(run.scheduled_for, zone), fired, state,
                      _channels(attempts.get(run.id or 0, [])),
                      render._escape((run.output or run.error or run.outcome or "")[:60]))
    out.print(table)


def _channels(attempts: list[Delivery]) -> str:
    """"hook ✓ (2 tries), mail ✗": the last attempt per channel and how many it took."""
    last: dict[str, Delivery] = {}
    for attempt in attempts:
        last[attempt.channel] = attempt
    def mark(d: Delivery) -> str:
        if d.ok and (d.detail or "").startswith("skipped"):
            return "–"
        return "✓" if d.ok else "✗"

    return ", ".join(f"{name} {mark(d)}" + (f" ({d.attempt} tries)" if d.attempt > 1 else "")
                     for name, d in last.items())


COMMANDS = [pause, resume, rm, done, snooze, history]
