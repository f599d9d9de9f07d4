"""pause, resume, rm, done, snooze, history: a task's life after it is added."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import click

from taskd.cli import render
from taskd.cli.common import (
    TASK_ID,
    clean_text_type,
    db,
    emit_json,
    json_option,
    load_settings,
    notify_service,
    now,
)
from taskd.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlmodel import Session

    from taskd.store.delivery_tables import Delivery
    from taskd.store.tables import Task


def _when_from_words(words: str, moment: datetime, tz: str) -> datetime:
    """A one-off instant from words ("tomorrow 9am", "monday"), for --until. A refusal names
    --until: the extractor's questions are about a task to add, not about a pause."""
    import re

    from taskd.errors import NeedsClarification, PastTime
    from taskd.extract.rules import RulesExtractor
    from taskd.pipeline import parse, require_schedule

    try:
        resolved = require_schedule(parse(words, extractor=RulesExtractor(), now=moment, tz=tz))
    except PastTime as exc:
        raise BadInput(f"pause until: {exc.message}") from exc
    except NeedsClarification as exc:
        if re.search(r"\b(yesterday|ago|last|earlier)\b", words.lower()):
            raise BadInput(f"pause until: that time has passed ({words!r}); give a moment "
                           "ahead, such as \"monday 9am\"") from exc
        raise BadInput(f"pause until: {words!r} is not a moment I can read; give one such as "
                       "\"monday 9am\" or \"in 2 hours\"") from exc
    if resolved.recurring:
        raise BadInput(f"pause until: {words!r} repeats; give one moment")
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
@click.argument("task_id", type=TASK_ID)
@click.option("--until", "until_words", type=clean_text_type("time"),
              help="Resume by itself then (\"monday 9am\").")
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
@click.argument("task_id", type=TASK_ID)
@json_option
def resume(task_id: int, as_json: bool) -> None:
    """Resume a paused task."""
    from taskd.store import repo

    data = _change(task_id, repo.resume)
    nxt = render.when(datetime.fromisoformat(data["next"][0]), data["tz"]) if data["next"] else "—"
    _done_line(f"[green]▶[/green] resumed #{task_id} (next: {nxt})", as_json, data)


@click.command()
@click.argument("task_id", type=TASK_ID)
@json_option
def rm(task_id: int, as_json: bool) -> None:
    """Delete a task (its history stays)."""
    from taskd.store import repo

    data = _change(task_id, repo.remove, live_only=False)
    _done_line(f"[red]✗[/red] removed #{task_id} {render._escape(data['title'])}", as_json,
               {"id": task_id, "status": "deleted"})


def _via(value: str) -> str:
    """Who carried the answer: "cli", or the channel an integration answered through."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", value):
        raise BadInput(f"--via {value!r}: give a channel name such as cli, hook or mail")
    return value


def _learn(handle: Session, moment: datetime, zone: str) -> list[str]:
    """Preferences follow every answer; returns the (rare) questions the learner wants asked."""
    from taskd.learn.learner import refresh

    return refresh(handle, moment, zone)


def _answered(line: str, as_json: bool, data: dict[str, Any], questions: list[str]) -> None:
    _done_line(line, as_json, {**data, "questions": questions})
    if not as_json:
        for question in questions:
            render.console().print(f"  [yellow]?[/yellow] {render._escape(question)}")


_VIA_HELP = "The channel the answer came through (default: cli); for channel integrations."


@click.command()
@click.argument("task_id", type=TASK_ID)
@click.option("--via", default="cli", show_default=True, help=_VIA_HELP)
@json_option
def done(task_id: int, via: str, as_json: bool) -> None:
    """Mark a task done (for a recurring task: this occurrence)."""
    from taskd.store import repo

    via = _via(via)
    zone = load_settings().timezone
    questions: list[str] = []

    def act(handle: Session, task: Task, moment: datetime) -> None:
        repo.mark_done(handle, task, moment, via=via)
        questions.extend(_learn(handle, moment, zone))

    data = _change(task_id, act, live_only=False)
    _answered(f"[green]✓[/green] done #{task_id} {render._escape(data['title'])}", as_json, data,
              questions)


@click.command()
@click.argument("task_id", type=TASK_ID)
@click.argument("duration", required=False, type=clean_text_type("duration"))
@click.option("--via", default="cli", show_default=True, help=_VIA_HELP)
@json_option
def snooze(task_id: int, duration: str | None, via: str, as_json: bool) -> None:
    """Remind again after DURATION (10m, 1h30m, "2 hours"; default: your snooze preference)."""
    from taskd.learn.prefs import current
    from taskd.resolve.durations import parse_duration
    from taskd.store import repo

    via = _via(via)
    settings = load_settings()
    moment = now()
    with db(settings, write=True) as handle:
        chosen = duration is not None
        delta = parse_duration(duration or current(handle, "snooze") or "10m")
        task = repo.get(handle, task_id)
        done = repo.snooze(handle, task, moment, delta, chosen=chosen, via=via)
        questions = _learn(handle, moment, settings.timezone)
        data = render.task_json(task, moment)
    notify_service(settings)
    length = _length(delta)
    why = (f"it had not fired yet: {length} after its planned "
           f"{render.when(done.planned, data['tz'])}"
           if done.planned is not None and done.planned > moment else f"in {length}")
    _answered(f"[cyan]⏰[/cyan] snoozed #{task_id} until {render.when(done.until, data['tz'])} "
              f"({why})", as_json, data | {"snoozed_until": done.until.isoformat()}, questions)


def _length(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours and minutes else f"{hours}h" if hours \
        else f"{minutes}m" if minutes else f"{int(delta.total_seconds())}s"


@click.command()
@click.argument("task_id", type=TASK_ID, required=False)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--verbose", "-v", is_flag=True, help="Agent runs: the whole prompt and answer.")
@json_option
def history(task_id: int | None, limit: int, verbose: bool, as_json: bool) -> None:
    """Runs: when scheduled, when fired, outcome, output (agent runs: tokens and latency)."""
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
        from taskd.agent import receipts  # agent runs: tool calls and whether they are grounded

        receipt = receipts.load(handle, [r.id for r in runs if r.id is not None])
    if as_json:
        emit_json([render.run_json(r) | {"title": titles.get(r.task_id), "deliveries": [
            {"channel": d.channel, "attempt": d.attempt, "at": d.at.isoformat(), "ok": d.ok,
             "detail": d.detail} for d in attempts.get(r.id or 0, [])],
            "receipt": receipts.as_json(receipt.get(r.id or 0))} for r in runs])
        return
    out = render.console()
    if not runs:
        out.print("No runs yet.")
        return
    from rich.table import Table

    agents = [r for r in runs if render.agent_json(r) is not None]
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("run", "task", "scheduled", "fired", "state", "channels", "output"):
        table.add_column(name)
    if agents:
        table.add_column("model")
    if receipt:
        table.add_column("tools")
    for run in runs:
        zone = zones.get(run.task_id, "UTC")
        fired = render.when(run.fired_at, zone) if run.fired_at else "—"
        state = run.state + (" (late)" if run.late else "")
        cells = [str(run.id), f"#{run.task_id} {render._escape(titles.get(run.task_id, ''))}",
                 render.when(run.scheduled_for, zone), fired, state,
                 _channels(attempts.get(run.id or 0, [])),
                 render._escape((run.output or run.error or run.outcome or "")[:60])]
        table.add_row(*cells, *([render.agent_cost(run)] if agents else []),
                      *([render._escape(receipts.cell(receipt.get(run.id or 0)))] if receipt else []))
    out.print(table)
    for run in runs:
        if lines := receipts.details(receipt.get(run.id or 0), verbose):
            out.print(f"[bold]run {run.id}[/bold] tool calls:\n" + render._escape("\n".join(lines)))
    if agents and verbose:
        for run in agents:
            out.print(render.agent_details(run))
    elif agents:
        out.print("[dim]--verbose shows each agent run's prompt and answer[/dim]")


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
