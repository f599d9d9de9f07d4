"""Task lifecycle in the database. Every function runs inside the caller's session (one transaction).

The first planned run of a task is written with the task, so a task that `add` stored is ready for
the service even if the service never hears about it directly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from taskd.errors import BadInput, Conflict, NotFound
from taskd.resolve import Resolved, upcoming
from taskd.store.tables import Event, Preference, Run, Task

LIVE = ("active", "paused")
# Run states that never happened: the instant is free again and must never be read as "handled".
# superseded: a planned run that a change of plan replaced (an edit, a second snooze);
# cancelled: a planned run dropped because its task ended (rm, done, not live when it fell due).
# Every other state (claimed, delivered, failed, quiet, missed, skipped) is a run that happened.
DROPPED = ("cancelled", "superseded")
_TICK = timedelta(microseconds=1)


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


def pending_runs(db: Session, task: Task) -> list[Run]:
    return list(db.exec(select(Run).where(Run.task_id == task.id, Run.state == "pending")
                        .order_by(col(Run.scheduled_for), col(Run.id))))


def _drop(run: Run, state: str, why: str) -> None:
    run.state = state
    run.outcome = why


def _has_deliveries(db: Session, run: Run) -> bool:
    from taskd.store.delivery_tables import Delivery

    return db.exec(select(Delivery.id).where(Delivery.run_id == run.id).limit(1)).first() is not None


def _take(db: Session, task: Task, at: datetime, origin: str, moving: Run | None = None) -> Run:
    """A pending run of `task` at `at`: `moving` moved there (a change of plan keeps the run's id,
    so ids are not burnt by edits), a dropped row there revived, or a new row. A pending row
    already there is the run (the other is superseded). One never lands on a run that happened:
    it goes a microsecond later, as manual runs do."""
    while True:
        here = [r for r in db.exec(select(Run).where(Run.task_id == task.id,
                                                     Run.scheduled_for == at)) if r is not moving]
        pending = [r for r in here if r.state == "pending"]
        if pending:
            if moving is not None:
                _drop(moving, "superseded", f"merged into the run due {at.isoformat()}")
                db.add(moving)
            return pending[0]
        if not here:
            run = moving or Run(task_id=task.id, scheduled_for=at, origin=origin)
            run.scheduled_for, run.origin = at, origin
            db.add(run)
            db.flush()
            return run
        dropped = [r for r in here if r.state in DROPPED and not _has_deliveries(db, r)]
        if dropped:
            run = dropped[0]
            run.state, run.origin, run.attempt, run.late = "pending", origin, 0, False
            run.claimed_at = run.fired_at = run.finished_at = None
            run.outcome = run.error = run.output = None
            db.add(run)
            if moving is not None:
                _drop(moving, "superseded", f"replaced by run {run.id}")
                db.add(moving)
            return run
        at += _TICK


def _handled(db: Session, task: Task, at: datetime) -> Run | None:
    """The run at that instant that happened or is planned (dropped rows do not count)."""
    return db.exec(select(Run).where(Run.task_id == task.id, Run.scheduled_for == at,
                                     col(Run.state).not_in(DROPPED))).first()


def next_occurrence(db: Session, task: Task, after: datetime) -> datetime | None:
    """The rule's first instant after `after` that has not already happened."""
    if task.rrule is None:
        return None
    dtstart = datetime.fromisoformat(task.dtstart) if task.dtstart else None
    cursor = after
    for _ in range(1000):
        try:
            fires = upcoming(task.rrule, dtstart, task.tz, task.first_at, cursor, 1)
        except OverflowError:  # after 31 Dec 9999 (a pause until then): the calendar has ended
            return None
        if not fires:
            return None
        found = _handled(db, task, fires[0])
        if found is None or found.state == "pending":
            return fires[0]
        cursor = fires[0]  # that instant really happened (before a backward clock step)
    return None


def _plan_occurrence(db: Session, task: Task, after: datetime,
                     moving: Run | None = None) -> Run | None:
    at = next_occurrence(db, task, after)
    if at is None:
        return None
    return _take(db, task, at, "schedule", moving)


def next_fire(db: Session, task: Task) -> datetime | None:
    """What will fire next, exactly as the engine will: the one truth list, show and status print.

    A pause skips every fire before its end (an open pause: everything); the first fire after
    it is a pending run at or after the end, or the rule's first occurrence from the end on."""
    if task.status not in LIVE:
        return None
    floor = None
    if task.status == "paused":
        if task.paused_until is None:
            return None
        floor = task.paused_until
    pending = [r for r in pending_runs(db, task) if floor is None or r.scheduled_for >= floor]
    candidates = [r.scheduled_for for r in pending]
    if floor is not None and not any(r.origin == "schedule" for r in pending):
        occurrence = next_occurrence(db, task, floor - _TICK)
        if occurrence is not None:
            candidates.append(occurrence)
    return min(candidates, default=None)


def refresh_next(db: Session, task: Task) -> None:
    db.flush()
    task.next_fire_at = next_fire(db, task)
    db.add(task)


def plan_next(db: Session, task: Task, after: datetime) -> Run | None:
    """Make sure a recurring task's next occurrence after `after` is a pending run (snoozed runs
    are extra: they never stand in for the schedule); keep next_fire_at true. Returns the
    task's first pending run. A one-time task is planned once, by create/edit."""
    assert task.id is not None
    if task.rrule is not None and task.status in LIVE and not any(
            r.origin == "schedule" for r in pending_runs(db, task)):
        _plan_occurrence(db, task, after)
    refresh_next(db, task)
    pending = pending_runs(db, task)
    return pending[0] if pending else None


def cancel_pending(db: Session, task: Task, state: str = "cancelled", why: str | None = None,
                   origin: str | None = None) -> None:
    for run in pending_runs(db, task):
        if origin is None or run.origin == origin:
            _drop(run, state, why or state)
            db.add(run)
    refresh_next(db, task)


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
    """Replace a task's schedule (edit): the planned run moves to the new first fire (keeping
    its id); other planned runs (snoozes of the old schedule) are superseded."""
    from taskd.resolve.zones import get_zone, wall

    # How the old time was chosen and the new local time: moving a "morning" task from 09:00 to
    # 07:30 is what preference learning calls the strongest evidence for "morning".
    before = {"rrule": task.rrule, "first": task.first_at.isoformat(),
              "next": task.next_fire_at.isoformat() if task.next_fire_at else None,
              "time_source": task.time_source, "daypart": task.daypart}
    old = pending_runs(db, task)
    _apply_schedule(task, resolved)
    for name, value in changes.items():
        setattr(task, name, value)
    task.updated_at = now
    if task.status == "done":
        task.status = "active"
    moving = next((r for r in old if r.origin == "schedule"), old[0] if old else None)
    if task.rrule is None:
        kept = _take(db, task, resolved.first, "schedule", moving)
    else:
        kept = _plan_occurrence(db, task, now, moving)
    for run in old:
        if run is not kept and run.state == "pending":
            _drop(run, "superseded", "superseded by an edit")
            db.add(run)
    refresh_next(db, task)
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
        raise Conflict(f"task #{task.id} is {task.status}; only active tasks can be paused")
    if until is not None and until <= now:
        from taskd.resolve.zones import get_zone, wall

        shown = wall(until, get_zone(task.tz)).strftime("%a %d %b %Y %H:%M")
        raise BadInput(f"pause until: that time has passed ({shown}); give a moment ahead, "
                       "such as \"monday 9am\"")
    task.status = "paused"
    task.paused_until = until
    task.updated_at = now
    refresh_next(db, task)
    record(db, "paused", now, task.id, until=until.isoformat() if until else None)


def resume(db: Session, task: Task, now: datetime) -> None:
    """End a pause. Fires due before its end are skipped, not fired late; a pause that ended by
    itself (`paused_until`) ends then, so a fire after it that the service has not reached yet
    stays due (and the catch-up policy applies), rather than being skipped as well."""
    if task.status != "paused":
        raise Conflict(f"task #{task.id} is not paused")
    cutoff = min(now, task.paused_until) if task.paused_until else now
    task.status = "active"
    task.paused_until = None
    task.updated_at = now
    for run in pending_runs(db, task):
        if run.scheduled_for < cutoff:
            run.state = "skipped"
            run.outcome = "paused"
            run.finished_at = now
            db.add(run)
    db.flush()
    plan_next(db, task, cutoff - _TICK)
    record(db, "resumed", now, task.id)


def remove(db: Session, task: Task, now: datetime) -> None:
    task.status = "deleted"
    cancel_pending(db, task, why="task removed")
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
    """One-time tasks are finished; a recurring task records that this occurrence was done, and
    a snoozed repeat of it that is still pending goes (the schedule itself carries on)."""
    context = _answer_context(db, task, now, via)
    last_fired = _last_fired(db, task)
    delay = (now - last_fired.fired_at).total_seconds() if last_fired and last_fired.fired_at else None
    if task.rrule is None:
        task.status = "done"
        cancel_pending(db, task, why="done")
    else:
        cancel_pending(db, task, why="done", origin="snooze")
    task.updated_at = now
    record(db, "done", now, task.id, seconds_after_fire=delay, **context)


def _plan_began(db: Session, task: Task) -> datetime:
    """When the task's current schedule was set: added, edited to a new time, resumed."""
    events = db.exec(select(Event).where(Event.task_id == task.id,
                                         col(Event.kind).in_(("created", "edited", "resumed")))
                     .order_by(col(Event.at).desc(), col(Event.id).desc()).limit(50))
    for event in events:
        data = json.loads(event.data_json) if event.data_json else {}
        if event.kind != "edited" or "rrule" in (data.get("before") or {}):
            return event.at
    return task.created_at


def _fired_since_plan(db: Session, task: Task) -> bool:
    fired = _last_fired(db, task)
    return bool(fired and fired.fired_at and fired.fired_at >= _plan_began(db, task))


@dataclass(frozen=True)
class Snoozed:
    run: Run
    until: datetime
    planned: datetime | None  # the time it was going to fire, when the snooze postponed it


def snooze(db: Session, task: Task, now: datetime, delta: timedelta, *, chosen: bool = True,
           via: str = "cli") -> Snoozed:
    """Remind again `delta` later. Never earlier than planned:
    * a reminder that has not fired yet (a one-time task's pending run, a pending snooze, or a
      recurring task's next occurrence when nothing has fired since its schedule was set) moves
      to `delta` after the later of its planned time and now;
    * after a reminder fired, it comes again at now + `delta`; a recurring task's next
      occurrences keep their times.

    `chosen` is False when the user took the default snooze: learning the default from it would
    only confirm itself."""
    if task.status == "paused":
        raise Conflict(f"task #{task.id} is paused, so nothing fires to snooze: "
                       f"`taskd resume {task.id}` first")
    if task.status not in LIVE and task.status != "done":
        raise Conflict(f"task #{task.id} is {task.status}")
    context = _answer_context(db, task, now, via)
    pending = pending_runs(db, task) if task.status != "done" else []
    snoozes = [r for r in pending if r.origin == "snooze"]
    target: Run | None
    if task.rrule is None:
        target = pending[0] if pending else None
    elif snoozes:
        target = snoozes[0]
    elif not _fired_since_plan(db, task):
        target = next((r for r in pending if r.origin == "schedule"), None)
    else:
        target = None
    planned = target.scheduled_for if target is not None else None
    until = max(planned, now) + delta if planned is not None else now + delta
    task.status = "active"
    was_scheduled = target is not None and target.origin == "schedule"
    run = _take(db, task, until, "snooze", target)
    if task.rrule is not None and was_scheduled and planned is not None:
        # The postponed occurrence left the schedule: the one after it is planned now.
        following = _plan_occurrence(db, task, planned)
        if following is None or following is run:
            run.origin = "schedule"  # it is (or met) the schedule's own run
    for extra in pending:
        if extra is not run and extra is not target and task.rrule is None:
            _drop(extra, "superseded", "superseded by a snooze")
            db.add(extra)
    refresh_next(db, task)
    task.updated_at = now
    from taskd.resolve.zones import get_zone, wall

    if planned is not None:  # it answers no fire: say so, or learning reads an old one
        context |= {"fired_at": None, "fired_local": None}
    record(db, "snoozed", now, task.id, seconds=int(delta.total_seconds()),
           until=until.isoformat(), chosen=chosen, postponed=planned is not None,
           until_local=wall(until, get_zone(task.tz)).isoformat(timespec="minutes"), **context)
    return Snoozed(run, until, planned)


def runs_for(db: Session, task_id: int | None, limit: int = 50) -> Sequence[Run]:
    query = select(Run).where(col(Run.state).not_in(("pending", *DROPPED)))
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
