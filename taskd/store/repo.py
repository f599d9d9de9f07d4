"""Task lifecycle in the database. Every function runs inside the caller's session (one transaction).

The first planned run of a task is written with the task, so a task that `add` stored is ready for
the service even if the service never hears about it directly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from taskd.errors import BadInput, NotFound
from taskd.resolve import Resolved, upcoming
from taskd.store.tables import Event, Preference, Run, Task

LIVE = ("active", "paused")


def record(db: Session, kind: str, at: datetime, task_id: int | None = None,
           **data: Any) -> Event:
    row = Event(task_id=task_id, kind=kind, at=at,
                data_json=json.dumps(data, default=str) if data else None)
    db.add(row)
    return row


def get(db: Session, task_id: int, *, live_only: bool = False) -> Task:
    task = db.get(Task, task_id)
    if task is None or task.status == "deleted" or (live_only and task.status not in LIVE):
        raise NotFound(f"no task #{task_id}")
    return task


def _apply_schedule(task: Task, resolved: Resolved) -> None:
    task.tz = resolved.zone
    task.rrule = resolved.rrule
    task.dtstart = resolved.dtstart.isoformat() if resolved.dtstart else None
    task.first_at = resolved.first


def plan_next(db: Session, task: Task, after: datetime) -> Run | None:
    """Make sure the task's next fire after `after` is a pending run; return it."""
    assert task.id is not None
    pending = db.exec(select(Run).where(Run.task_id == task.id, Run.state == "pending")
                      .order_by(col(Run.scheduled_for))).first()
    if pending is not None:
        task.next_fire_at = pending.scheduled_for
        return pending
    dtstart = datetime.fromisoformat(task.dtstart) if task.dtstart else None
    fires = upcoming(task.rrule, dtstart, task.tz, task.first_at, after, 1)
    if not fires:
        task.next_fire_at = None
        return None
    existing = db.exec(select(Run).where(Run.task_id == task.id,
                                         Run.scheduled_for == fires[0])).first()
    if existing is not None:  # that instant was already handled; look past it
        return plan_next(db, task, fires[0]) if existing.state != "pending" else existing
    run = Run(task_id=task.id, scheduled_for=fires[0])
    db.add(run)
    task.next_fire_at = fires[0]
    return run


def cancel_pending(db: Session, task: Task, state: str = "cancelled") -> None:
    for run in db.exec(select(Run).where(Run.task_id == task.id, Run.state == "pending")):
        run.state = state
        db.add(run)
    task.next_fire_at = None


def create(db: Session, *, text: str, draft_json: str, backend: str, title: str, kind: str,
           message: str | None, resolved: Resolved, time_source: str, daypart: str | None,
           now: datetime) -> Task:
    task = Task(title=title, kind=kind, message=message, source_text=text,
                draft_json=draft_json, backend=backend, tz=resolved.zone,
                first_at=resolved.first, time_source=time_source, daypart=daypart,
                created_at=now, updated_at=now)
    _apply_schedule(task, resolved)
    db.add(task)
    db.flush()
    assert task.id is not None
    db.add(Run(task_id=task.id, scheduled_for=resolved.first))
    task.next_fire_at = resolved.first
    record(db, "created", now, task.id, text=text, backend=backend,
           first=resolved.first.isoformat(), time_source=time_source, daypart=daypart)
    return task


def reschedule(db: Session, task: Task, resolved: Resolved, now: datetime, **changes: Any) -> None:
    """Replace a task's schedule (edit): old pending runs go, the new first run is planned."""
    from taskd.resolve.zones import get_zone, wall

    # How the old time was chosen and the new local time: moving a "morning" task from 09:00 to
    # 07:30 is what preference learning calls the strongest evidence for "morning".
    before = {"rrule": task.rrule, "first": task.first_at.isoformat(),
              "next": task.next_fire_at.isoformat() if task.next_fire_at else None,
              "time_source": task.time_source, "daypart": task.daypart}
    cancel_pending(db, task)
    db.flush()
    _apply_schedule(task, resolved)
    for name, value in changes.items():
        setattr(task, name, value)
    task.updated_at = now
    if task.status == "done":
        task.status = "active"
    plan_next(db, task, now)
    record(db, "edited", now, task.id, before=before,
           after={"rrule": task.rrule, "first": resolved.first.isoformat(),
                  "local": wall(resolved.first, get_zone(task.tz)).isoformat(timespec="minutes"),
                  "time_source": task.time_source, "daypart": task.daypart},
           changed=sorted(changes))


def list_tasks(db: Session, *, include_all: bool = False) -> Sequence[Task]:
    query = select(Task)
    if not include_all:
        query = query.where(col(Task.status).in_(LIVE))
    else:
        query = query.where(Task.status != "deleted")
    return db.exec(query.order_by(col(Task.next_fire_at).is_(None), col(Task.next_fire_at),
                                  col(Task.id))).all()


def pause(db: Session, task: Task, now: datetime, until: datetime | None) -> None:
    if task.status not in LIVE:
        raise BadInput(f"task #{task.id} is {task.status}; only active tasks can be paused")
    if until is not None and until <= now:
        raise BadInput("the pause must end in the future")
    task.status = "paused"
    task.paused_until = until
    task.updated_at = now
    record(db, "paused", now, task.id, until=until.isoformat() if until else None)


def resume(db: Session, task: Task, now: datetime) -> None:
    if task.status != "paused":
        raise BadInput(f"task #{task.id} is not paused")
    task.status = "active"
    task.paused_until = None
    task.updated_at = now
    # Runs that fell due while paused are skipped, not fired late.
    for run in db.exec(select(Run).where(Run.task_id == task.id, Run.state == "pending",
                                         Run.scheduled_for <= now)):
        run.state = "skipped"
        run.outcome = "paused"
        db.add(run)
    db.flush()
    plan_next(db, task, now)
    record(db, "resumed", now, task.id)


def remove(db: Session, task: Task, now: datetime) -> None:
    cancel_pending(db, task)
    task.status = "deleted"
    task.updated_at = now
    record(db, "removed", now, task.id)


def _last_fired(db: Session, task: Task, origin: str | None = None) -> Run | None:
    query = select(Run).where(Run.task_id == task.id, col(Run.fired_at).is_not(None))
    if origin is not None:
        query = query.where(Run.origin == origin)
    return db.exec(query.order_by(col(Run.fired_at).desc())).first()


def _answer_context(db: Session, task: Task, now: datetime, via: str) -> dict[str, Any]:
    """What preference learning needs to know about a user's answer to a reminder (done, snooze):
    the local wall time, how the task's time was chosen, the scheduled fire it answers (not a
    snoozed repeat: a chain of snoozes answers one fire) and the channels that had really delivered
    the latest reminder (skips do not count)."""
    from taskd.resolve.zones import get_zone, wall
    from taskd.store.delivery_tables import Delivery

    zone = get_zone(task.tz)
    fired = _last_fired(db, task, "schedule")
    latest = _last_fired(db, task)
    channels: list[str] = []
    if latest is not None and latest.id is not None:
        rows = db.exec(select(Delivery).where(Delivery.run_id == latest.id, col(Delivery.ok))
                       .order_by(col(Delivery.id))).all()
        channels = sorted({d.channel for d in rows if not (d.detail or "").startswith("skipped")})
    return {
        "via": via,
        "local": wall(now, zone).isoformat(timespec="minutes"),
        "time_source": task.time_source,
        "daypart": task.daypart,
        "recurring": task.rrule is not None,
        "fired_at": fired.fired_at.isoformat() if fired and fired.fired_at else None,
        "fired_local": wall(fired.scheduled_for, zone).isoformat(timespec="minutes")
        if fired else None,
        "channels": channels,
    }


def mark_done(db: Session, task: Task, now: datetime, *, via: str = "cli") -> None:
    """One-time tasks are finished; a recurring task records that this occurrence was done."""
    context = _answer_context(db, task, now, via)
    last_fired = _last_fired(db, task)
    delay = (now - last_fired.fired_at).total_seconds() if last_fired and last_fired.fired_at else None
    if task.rrule is None:
        cancel_pending(db, task)
        task.status = "done"
    task.updated_at = now
    record(db, "done", now, task.id, seconds_after_fire=delay, **context)


def snooze(db: Session, task: Task, now: datetime, until: datetime, seconds: int, *,
           chosen: bool = True, via: str = "cli") -> Run:
    """Remind again at `until`. A one-time task that has not fired yet moves instead.

    `chosen` is False when the user took the default snooze: learning the default from it would
    only confirm itself."""
    if task.status not in LIVE and task.status != "done":
        raise BadInput(f"task #{task.id} is {task.status}")
    context = _answer_context(db, task, now, via)
    if task.rrule is None:
        cancel_pending(db, task)
        db.flush()
    if task.status == "done":
        task.status = "active"
    existing = db.exec(select(Run).where(Run.task_id == task.id,
                                         Run.scheduled_for == until)).first()
    run = existing or Run(task_id=task.id, scheduled_for=until, origin="snooze")
    run.state = "pending"
    db.add(run)
    if task.next_fire_at is None or until < task.next_fire_at:
        task.next_fire_at = until
    task.updated_at = now
    from taskd.resolve.zones import get_zone, wall

    record(db, "snoozed", now, task.id, seconds=seconds, until=until.isoformat(), chosen=chosen,
           until_local=wall(until, get_zone(task.tz)).isoformat(timespec="minutes"), **context)
    return run


def runs_for(db: Session, task_id: int | None, limit: int = 50) -> Sequence[Run]:
    query = select(Run).where(col(Run.state).not_in(("pending", "cancelled")))
    if task_id is not None:
        query = query.where(Run.task_id == task_id)
    return db.exec(query.order_by(col(Run.scheduled_for).desc()).limit(limit)).all()


def preferences(db: Session) -> Sequence[Preference]:
    return db.exec(select(Preference).order_by(col(Preference.key))).all()


def deliveries_for(db: Session, run_ids: list[int]) -> dict[int, list[Any]]:
    """Every delivery attempt of these runs, oldest first, by run id."""
    from taskd.store.delivery_tables import Delivery

    found: dict[int, list[Any]] = {}
    if not run_ids:
        return found
    query = select(Delivery).where(col(Delivery.run_id).in_(run_ids)).order_by(col(Delivery.id))
    for row in db.exec(query):
        found.setdefault(row.run_id, []).append(row)
    return found
