"""taskd's own export format: everything a home needs to carry on elsewhere.

Always: every task that is not deleted (its schedule, state, pending runs and catch-up policy),
the preferences, and the events (they are the preferences' evidence: the learner re-derives
learned values from them). With `include_all`: deleted tasks too, and every past run with its
delivery attempts (`taskd history`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskd.exchange import FORMAT, VERSION

if TYPE_CHECKING:
    from sqlmodel import Session

    from taskd.store.tables import Run, Task

RUN_FIELDS = ("state", "origin", "attempt", "claimed_at", "fired_at", "finished_at", "late",
              "outcome", "output", "error", "prompt", "answer", "notify", "prompt_tokens",
              "completion_tokens", "latency_ms", "model")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _loads(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text  # kept as it was: an export never drops what it cannot read


def _value(value: Any) -> Any:
    return _iso(value) if isinstance(value, datetime) else value


def run_record(run: Run, deliveries: list[Any]) -> dict[str, Any]:
    record: dict[str, Any] = {"scheduled_for": _iso(run.scheduled_for)}
    record.update({name: _value(getattr(run, name)) for name in RUN_FIELDS})
    record["deliveries"] = [{"channel": d.channel, "attempt": d.attempt, "at": _iso(d.at),
                             "ok": d.ok, "detail": d.detail} for d in deliveries]
    return record


def task_record(task: Task, pending: list[Run], policy: Any | None,
                runs: list[dict[str, Any]] | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "uid": task.uid,
        "title": task.title,
        "kind": task.kind,
        "message": task.message,
        "source_text": task.source_text,
        "draft": _loads(task.draft_json),
        "backend": task.backend,
        "tz": task.tz,
        "rrule": task.rrule,
        "dtstart": task.dtstart,
        "first_at": _iso(task.first_at),
        "next_fire_at": _iso(task.next_fire_at),
        "status": task.status,
        "paused_until": _iso(task.paused_until),
        "time_source": task.time_source,
        "daypart": task.daypart,
        "channels": _loads(task.channels_json),
        "created_at": _iso(task.created_at),
        "updated_at": _iso(task.updated_at),
        "policy": {"catch_up": policy.catch_up, "grace_seconds": policy.grace_seconds}
        if policy is not None else None,
        "pending": [{"scheduled_for": _iso(r.scheduled_for), "origin": r.origin,
                     "attempt": r.attempt} for r in pending],
    }
    if runs is not None:
        record["runs"] = runs
    return record


def export_data(db: Session, now: datetime, *, include_all: bool = False) -> dict[str, Any]:
    """The whole home as one JSON-ready document (see the module docstring for what is in it)."""
    from sqlmodel import col, select

    from taskd.store.delivery_tables import Delivery, TaskPolicy
    from taskd.store.tables import Event, Preference, Run, Task

    query = select(Task).order_by(col(Task.id))
    if not include_all:
        query = query.where(Task.status != "deleted")
    tasks = db.exec(query).all()
    uids = {task.id: task.uid for task in db.exec(select(Task)).all()}
    runs_by_task: dict[int, list[Run]] = {}
    for run in db.exec(select(Run).order_by(col(Run.scheduled_for), col(Run.id))):
        runs_by_task.setdefault(run.task_id, []).append(run)
    policies = {p.task_id: p for p in db.exec(select(TaskPolicy))}
    deliveries: dict[int, list[Any]] = {}
    if include_all:
        for row in db.exec(select(Delivery).order_by(col(Delivery.id))):
            deliveries.setdefault(row.run_id, []).append(row)
    records = []
    for task in tasks:
        assert task.id is not None
        own = runs_by_task.get(task.id, [])
        history = [run_record(r, deliveries.get(r.id or 0, [])) for r in own
                   if r.state != "pending"] if include_all else None
        records.append(task_record(task, [r for r in own if r.state == "pending"],
                                   policies.get(task.id), history))
    preferences = [{"key": p.key, "value": p.value, "source": p.source, "evidence": p.evidence,
                    "confidence": p.confidence, "updated_at": _iso(p.updated_at),
                    "detail": _loads(p.detail_json)}
                   for p in db.exec(select(Preference).order_by(col(Preference.key)))]
    events = [{"task": uids.get(e.task_id) if e.task_id is not None else None, "kind": e.kind,
               "at": _iso(e.at), "data": _loads(e.data_json)}
              for e in db.exec(select(Event).order_by(col(Event.at), col(Event.id)))]
    return {"format": FORMAT, "version": VERSION, "exported_at": now.isoformat(),
            "all": include_all, "tasks": records, "preferences": preferences, "events": events}
