"""pause, resume, rm, done, snooze: a task's life after it is added."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from taskd.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlmodel import Session

    from taskd.core import Core
    from taskd.store.tables import Task


def _until(words: str, moment: datetime, tz: str) -> datetime:
    """A one-off instant for `pause --until`: ISO-8601 (naive: the task's wall clock), or words
    ("tomorrow 9am", "monday"). A refusal names the pause: the extractor's questions are about a
    task to add, not about a pause."""
    import re

    from taskd.errors import NeedsClarification, PastTime
    from taskd.extract import clean_text
    from taskd.extract.rules import RulesExtractor
    from taskd.pipeline import parse, require_schedule

    words = clean_text(words, "time")
    iso = _iso(words, tz)
    if iso is not None:
        return iso
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


def _iso(text: str, tz: str) -> datetime | None:
    """An ISO-8601 date-time (what the API and the web page send); None for words."""
    if not (text[:4].isdigit() and "T" in text):
        return None
    from taskd.resolve.zones import get_zone, localize

    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadInput(f"pause until: {text!r} is not an ISO-8601 date-time") from exc
    return parsed if parsed.tzinfo else localize(parsed, get_zone(tz))


def change(core: Core, task_id: int, action: Callable[[Session, Task, datetime], object], *,
           live_only: bool = True) -> dict[str, Any]:
    """One lifecycle change in one write transaction, then `on_change`. Returns the task."""
    from taskd.core.views import checked_id, task_json
    from taskd.store import repo

    task_id = checked_id(task_id)
    moment = core.now()
    with core.db(write=True) as handle:
        task = repo.get(handle, task_id, live_only=live_only)
        action(handle, task, moment)
        data = task_json(task, moment)
    core.changed()
    return data


def pause(core: Core, task_id: int, *, until: str | None = None) -> dict[str, Any]:
    """Pause a task; runs due while paused are skipped. `until`: it resumes by itself then."""
    from taskd.store import repo

    def act(handle: Session, task: Task, moment: datetime) -> None:
        repo.pause(handle, task, moment, _until(until, moment, task.tz) if until else None)

    return change(core, task_id, act)


def resume(core: Core, task_id: int) -> dict[str, Any]:
    from taskd.store import repo

    return change(core, task_id, repo.resume)


def remove(core: Core, task_id: int) -> dict[str, Any]:
    """Delete a task (its history stays)."""
    from taskd.store import repo

    data = change(core, task_id, repo.remove, live_only=False)
    return {"id": data["id"], "status": "deleted", "title": data["title"]}


def check_via(value: str) -> str:
    """Who carried the answer: "cli", or the channel an integration answered through."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", value):
        raise BadInput(f"--via {value!r}: give a channel name such as cli, hook or mail")
    return value


def _learn(handle: Session, moment: datetime, zone: str) -> list[str]:
    """Preferences follow every answer; returns the (rare) questions the learner wants asked."""
    from taskd.learn.learner import refresh

    return refresh(handle, moment, zone)


def done(core: Core, task_id: int, *, via: str = "cli") -> dict[str, Any]:
    """Mark a task done (for a recurring task: this occurrence). Adds the learner's `questions`."""
    from taskd.store import repo

    via = check_via(via)
    zone = core.settings.timezone
    questions: list[str] = []

    def act(handle: Session, task: Task, moment: datetime) -> None:
        repo.mark_done(handle, task, moment, via=via)
        questions.extend(_learn(handle, moment, zone))

    return change(core, task_id, act, live_only=False) | {"questions": questions}


def snooze(core: Core, task_id: int, *, duration: str | None = None,
           via: str = "cli") -> dict[str, Any]:
    """Remind again after `duration` (default: the snooze preference, else 10 minutes).

    Adds `snoozed_until`, `questions`, `snoozed_for` ("1h30m") and `planned`: the planned fire
    the snooze moved when that had not come yet (the snooze counts from it), else None."""
    from taskd.core.views import checked_id, task_json
    from taskd.extract import clean_text
    from taskd.learn.prefs import current
    from taskd.resolve.durations import parse_duration
    from taskd.store import repo

    via = check_via(via)
    task_id = checked_id(task_id)
    chosen = duration is not None
    if duration is not None:
        duration = clean_text(duration, "duration")
    moment = core.now()
    with core.db(write=True) as handle:
        delta = parse_duration(duration or current(handle, "snooze") or "10m")
        task = repo.get(handle, task_id)
        done = repo.snooze(handle, task, moment, delta, chosen=chosen, via=via)
        questions = _learn(handle, moment, core.settings.timezone)
        data = task_json(task, moment)
    core.changed()
    ahead = done.planned is not None and done.planned > moment
    return data | {"snoozed_until": done.until.isoformat(), "questions": questions,
                   "snoozed_for": length(delta),
                   "planned": done.planned.isoformat() if ahead and done.planned else None}


def length(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours and minutes else f"{hours}h" if hours \
        else f"{minutes}m" if minutes else f"{int(delta.total_seconds())}s"
