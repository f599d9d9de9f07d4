"""Store rows as the plain data every face returns (the objects `--json` prints)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskd.core import MAX_ID
from taskd.resolve import upcoming
from taskd.resolve.words import describe_once, describe_rule
from taskd.resolve.zones import get_zone

if TYPE_CHECKING:
    from taskd.store.tables import Run, Task

def checked_id(task_id: int) -> int:
    """An id no task can have (0, or past the key's range, which SQLite and PostgreSQL would
    refuse with an overflow) names no task: "no task #N", as for any other."""
    from taskd.errors import NotFound

    if isinstance(task_id, bool) or not isinstance(task_id, int) or not 1 <= task_id <= MAX_ID:
        raise NotFound(f"no task #{str(task_id)[:30]}")
    return task_id


def schedule_words(rrule: str | None, first: datetime, zone_name: str) -> str:
    if rrule:
        return describe_rule(rrule)
    return describe_once(first.astimezone(get_zone(zone_name)))


def task_next(task: Task, moment: datetime, count: int) -> list[datetime]:
    """The next fires as the engine will fire them: the first is the store's next_fire_at (kept
    true by taskd.store.repo through edits, snoozes and pauses), then the rule after it."""
    if task.status not in ("active", "paused") or task.next_fire_at is None:
        return []
    first = task.next_fire_at
    if not task.rrule or count <= 1:
        return [first]
    dtstart = datetime.fromisoformat(task.dtstart) if task.dtstart else None
    return [first, *upcoming(task.rrule, dtstart, task.tz, task.first_at, max(first, moment),
                             count - 1)]


def task_json(task: Task, moment: datetime, count: int = 3) -> dict[str, Any]:
    zone = get_zone(task.tz)
    return {
        "id": task.id,
        "title": task.title,
        "kind": task.kind,
        "message": task.message,
        "status": task.status,
        "tz": task.tz,
        "rrule": task.rrule,
        "schedule": schedule_words(task.rrule, task.first_at, task.tz),
        "next": [t.astimezone(zone).isoformat() for t in task_next(task, moment, count)],
        "paused_until": task.paused_until.astimezone(zone).isoformat() if task.paused_until else None,
        "source_text": task.source_text,
        "backend": task.backend,
        "created_at": task.created_at.isoformat(),
    }


def run_json(run: Run) -> dict[str, Any]:
    return {
        "run_id": run.id,
        "task_id": run.task_id,
        "scheduled_for": run.scheduled_for.isoformat(),
        "fired_at": run.fired_at.isoformat() if run.fired_at else None,
        "state": run.state,
        "attempt": run.attempt,
        "late": run.late,
        "outcome": run.outcome,
        "output": run.output,
        "error": run.error,
        "agent": agent_json(run),
    }


def agent_json(run: Run) -> dict[str, Any] | None:
    """What an agent run sent the model and got back; None for runs that asked no model."""
    if run.model is None and run.prompt is None:
        return None
    return {"model": run.model, "prompt": run.prompt, "answer": run.answer, "notify": run.notify,
            "prompt_tokens": run.prompt_tokens, "completion_tokens": run.completion_tokens,
            "latency_ms": run.latency_ms}
