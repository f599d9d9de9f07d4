"""add, parse, list, show, edit: text in, tasks out."""

from __future__ import annotations

from datetime import datetime
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
from taskd.errors import BadInput, NeedsClarification

if TYPE_CHECKING:
    from taskd.extract.edits import ChangeRequest
    from taskd.pipeline import Parsed
    from taskd.resolve.dayparts import TimePref
    from taskd.settings import Settings
    from taskd.store.tables import Task


def extract(settings: Settings, text: str, moment: datetime, tz: str,
            prefs: dict[str, TimePref] | None, count: int = 3, *,
            backend: str | None = None) -> Parsed:
    from taskd.extract import get_extractor
    from taskd.pipeline import parse

    extractor = get_extractor(backend or settings.effective_backend(), settings)
    return parse(text, extractor=extractor, now=moment, tz=tz, prefs=prefs, count=count)


def extract_time(settings: Settings, words: str, moment: datetime, tz: str,
                 prefs: dict[str, TimePref] | None) -> Parsed:
    """Words that only say when ("7pm", "Friday morning"): the parser reads them without a
    model round trip; the model is asked only when the parser cannot."""
    from taskd.errors import TaskdError

    if settings.effective_backend() != "rules":
        try:
            parsed = extract(settings, words, moment, tz, prefs, backend="rules")
            if parsed.resolved is not None:
                return parsed
        except TaskdError:
            pass
    return extract(settings, words, moment, tz, prefs)


def stored_prefs(settings: Settings) -> dict[str, TimePref]:
    from taskd.learn.prefs import time_prefs

    with db(settings) as handle:
        return time_prefs(handle)


def _ask(parsed: Parsed, as_json: bool) -> None:
    question = parsed.draft.question or "When should this happen?"
    if as_json:
        emit_json(parsed.to_json())
    raise NeedsClarification(question)


NEEDS_MODEL = ("agent tasks need a model endpoint: set OPENAI_BASE_URL (or run `taskd model "
               "serve`); until then each run is recorded as failed and you are told once")


def _title(parsed: Parsed) -> str:
    return parsed.draft.title or "Reminder"


@click.command()
@click.argument("text", type=clean_text_type("text"))
@click.option("--tz", type=clean_text_type("zone"), help="IANA time zone for this task (default: yours).")
@click.option("--dry-run", is_flag=True, help="Show what would be stored; store nothing.")
@json_option
def add(text: str, tz: str | None, dry_run: bool, as_json: bool) -> None:
    """Add a task from one line of text ("move my gym reminder to 7pm" changes that task)."""
    settings = load_settings(tz=tz)
    from taskd.extract.edits import change_request

    request = change_request(text)
    if request is not None and not request.points_at_it and not dry_run:
        target = _pick_target(settings, text, request)
        if target is not None:
            apply_edit(settings, target, None, None, request.when, as_json, keep_day=True)
            return
        if request.names_a_task:
            raise BadInput(f"no task matches “{request.what}”: `taskd list` shows your tasks, "
                           "`taskd edit ID` changes one")
    moment = now()
    prefs = _prefs_if_any(settings)
    parsed = extract(settings, text, moment, settings.timezone, prefs)
    if parsed.resolved is None:
        _ask(parsed, as_json)
    resolved = parsed.resolved
    assert resolved is not None
    task_id = None
    if not dry_run:
        from taskd.store import repo

        schedule = parsed.draft.schedule
        assert schedule is not None
        with db(settings, write=True) as handle:
            task = repo.create(
                handle, text=parsed.text, draft_json=parsed.draft.model_dump_json(),
                backend=parsed.backend, title=_title(parsed), kind=parsed.draft.kind,
                message=parsed.draft.message, resolved=resolved,
                time_source=schedule.time_source, daypart=schedule.daypart, now=moment)
            task_id = task.id
            if parsed.said is not None:  # "I start work at 8": an explicit statement, kept
                from taskd.learn.prefs import set_explicit

                set_explicit(handle, parsed.said.key, parsed.said.value, moment,
                             said=parsed.said.words)
        notify_service(settings)
    words = render.schedule_words(resolved.rrule, resolved.first, resolved.zone)
    # An agent task without a model would only ever fail: say so now, not at its first run.
    warnings = [NEEDS_MODEL] if parsed.draft.kind == "agent" and not settings.model_configured else []
    if parsed.draft.kind == "agent":  # needs outside data no configured tool provides: say so now
        from taskd.agent.receipts import add_warnings

        warnings += add_warnings(parsed.text, settings)
    if as_json:
        emit_json({"id": task_id, "saved": not dry_run, "schedule": words, **parsed.to_json(),
                   "warnings": warnings})
        return
    out = render.console()
    out.print(render.added_line(_title(parsed), words, resolved.first, resolved.zone, task_id))
    for note in resolved.assumptions:
        out.print(f"  [dim]· {render._escape(note)}[/dim]")
    for warning in warnings:
        out.print(f"  [yellow]! {render._escape(warning)}[/yellow]")
    if parsed.said is not None and not dry_run:
        out.print(f"  [dim]· saved as your {parsed.said.key.replace('_', ' ')} "
                  f"(`taskd prefs forget {parsed.said.key}` undoes it)[/dim]")


def _pick_target(settings: Settings, text: str, request: ChangeRequest) -> int | None:
    """The one active task a change request is about: the model picks when there is one, else
    the task whose title holds every word of the request's object."""
    from taskd.extract.edits import matching_tasks
    from taskd.store import repo

    if not _have_database(settings):
        return None
    with db(settings) as handle:
        tasks = [(t.id, t.title) for t in repo.list_tasks(handle) if t.id is not None]
    if not tasks:
        return None
    if settings.effective_backend() == "openai":
        from taskd.extract.model import ModelExtractor

        return ModelExtractor(settings).pick_task(text, tasks)
    found = matching_tasks(request.what, tasks)
    return found[0] if len(found) == 1 else None


def _have_database(settings: Settings) -> bool:
    if settings.database_url.startswith("sqlite:///"):
        from pathlib import Path

        return Path(settings.database_url.removeprefix("sqlite:///")).exists()
    return True


def _prefs_if_any(settings: Settings) -> dict[str, TimePref] | None:
    return stored_prefs(settings) if _have_database(settings) else None


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
    from taskd.clock import parse_now

    settings = load_settings(tz=tz, backend=backend)
    moment = parse_now(now_iso, settings.timezone) if now_iso else now()
    parsed = extract(settings, text, moment, settings.timezone, _prefs_if_any(settings), count)
    if parsed.resolved is None:
        _ask(parsed, as_json)
    resolved = parsed.resolved
    assert resolved is not None
    if as_json:
        emit_json(parsed.to_json())
        return
    out = render.console()
    words = render.schedule_words(resolved.rrule, resolved.first, resolved.zone)
    out.print(render.added_line(_title(parsed), words, resolved.first, resolved.zone, None))
    out.print(f"  kind: {parsed.draft.kind}   zone: {resolved.zone}"
              + (f"   rrule: {resolved.rrule}" if resolved.rrule else ""))
    for instant in resolved.upcoming[:count]:
        out.print(f"  → {render.when(instant, resolved.zone)}")
    for note in resolved.assumptions:
        out.print(f"  [dim]· {render._escape(note)}[/dim]")


@click.command(name="list")
@click.option("--all", "include_all", is_flag=True, help="Include finished tasks.")
@json_option
def list_(include_all: bool, as_json: bool) -> None:
    """Tasks with their next fire times."""
    from taskd.store import repo

    settings = load_settings()
    moment = now()
    with db(settings) as handle:
        tasks = list(repo.list_tasks(handle, include_all=include_all))
    if as_json:
        emit_json([render.task_json(t, moment) for t in tasks])
        return
    out = render.console()
    if not tasks:
        out.print('No tasks yet. Try: taskd add "remind me to stretch in 2 minutes"')
        return
    out.print(render.tasks_table(tasks, moment))


@click.command()
@click.argument("task_id", type=TASK_ID)
@click.option("--count", default=5, show_default=True, type=click.IntRange(1, 100))
@json_option
def show(task_id: int, count: int, as_json: bool) -> None:
    """One task in full, with its next fire times and recent runs."""
    from taskd.store import repo

    settings = load_settings()
    moment = now()
    with db(settings) as handle:
        task = repo.get(handle, task_id)
        runs = list(repo.runs_for(handle, task_id, limit=5))
    data: dict[str, Any] = render.task_json(task, moment, count)
    data["runs"] = [render.run_json(r) for r in runs]
    if as_json:
        emit_json(data)
        return
    out = render.console()
    out.print(f"[bold]#{task.id} {render._escape(task.title)}[/bold]  [dim]{task.status}[/dim]")
    out.print(f"  {data['schedule']}  ({task.tz})")
    if task.rrule:
        out.print(f"  [dim]RRULE:{task.rrule}[/dim]")
    out.print(f"  kind: {task.kind}   from: {render._escape(task.source_text)!s}")
    for iso in data["next"]:
        out.print(f"  → {render.when(datetime.fromisoformat(iso), task.tz)}")
    for run in runs:
        out.print(f"  [dim]{render.when(run.scheduled_for, task.tz)}  {run.state}"
                  f"{' (late)' if run.late else ''}[/dim]")


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
    if text:
        from taskd.extract.edits import change_request

        request = change_request(text)
        if request is not None and request.names_a_task:
            apply_edit(load_settings(), task_id, None, title, request.when, as_json, keep_day=True)
            return
    apply_edit(load_settings(), task_id, text, title, at_text, as_json)


def _same_day(task: Task, parsed: Parsed, moment: datetime,
              prefs: dict[str, TimePref] | None) -> Parsed:
    """"move it to 7pm" changes the clock time only: the task keeps its day or its rule."""
    from dataclasses import replace

    from taskd.resolve import resolve
    from taskd.resolve.recurrence import join_rule, split_rule
    from taskd.resolve.zones import get_zone, wall

    new = parsed.draft.schedule
    if new is None or new.date or new.rrule or new.offset or not (new.time or new.daypart):
        return parsed
    if task.rrule:  # the stored rule carries the old clock time in BYHOUR/BYMINUTE: drop it
        parts = split_rule(task.rrule)
        for name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            parts.pop(name, None)
        day, rule = None, join_rule(parts)
    else:  # the day it is planned for; a one-time task that has fired keeps its own day
        planned = task.next_fire_at or task.first_at
        day, rule = wall(planned, get_zone(task.tz)).date().isoformat(), None
    schedule = new.model_copy(update={"date": day, "rrule": rule})
    draft = parsed.draft.model_copy(update={"schedule": schedule})
    return replace(parsed, draft=draft, resolved=resolve(draft, moment, task.tz, prefs))


def apply_edit(settings: Settings, task_id: int, text: str | None, title: str | None,
               at_text: str | None, as_json: bool, *, keep_day: bool = False) -> None:
    from taskd.store import repo

    moment = now()
    with db(settings, write=True) as handle:
        task = repo.get(handle, task_id, live_only=True)
        from taskd.learn.prefs import time_prefs

        prefs = time_prefs(handle)
        source = text or at_text
        changes: dict[str, Any] = {}
        if source:
            parsed = (extract(settings, source, moment, task.tz, prefs) if text
                      else extract_time(settings, source, moment, task.tz, prefs))
            if parsed.resolved is None:
                raise NeedsClarification(parsed.draft.question or "When should this happen?")
            if keep_day:
                parsed = _same_day(task, parsed, moment, prefs)
            if text:
                changes = {"source_text": parsed.text, "draft_json": parsed.draft.model_dump_json()}
                if parsed.draft.title:  # "every Friday at 6pm" names no task: keep this one's
                    changes |= {"title": parsed.draft.title, "kind": parsed.draft.kind,
                                "message": parsed.draft.message}
                if title:
                    changes["title"] = title
            elif title:
                changes = {"title": title}
            schedule = parsed.draft.schedule
            if schedule is not None:  # how the new time was chosen: what preference learning reads
                changes |= {"time_source": schedule.time_source, "daypart": schedule.daypart}
            repo.reschedule(handle, task, parsed.resolved, moment, **changes)
            from taskd.learn.learner import refresh

            refresh(handle, moment, settings.timezone, ask=False)
        elif title:
            if not title.strip():
                raise BadInput("the title is empty")
            old = task.title
            task.title = title.strip()
            task.updated_at = moment
            repo.record(handle, "edited", moment, task.id, before={"title": old},
                        after={"title": task.title})
        data = render.task_json(task, moment)
    notify_service(settings)
    if as_json:
        emit_json(data)
        return
    nxt = datetime.fromisoformat(data["next"][0]) if data["next"] else None
    render.console().print(render.added_line(data["title"], data["schedule"], nxt,
                                             data["tz"], task_id))


COMMANDS = [add, parse, list_, show, edit]
