"""Planning after a claim: every task a claim batch touched points at its next run, and a
recurring task gets that run. In bulk for the common cases (one statement per batch, not a few
per task), repo.plan_next for the rest. Runs inside the claim's write transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, select, text, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from taskd.resolve import upcoming
from taskd.store import repo
from taskd.store.tables import LIVE_INSTANT, Run, Task
from taskd.store.types import UTCDateTime

_RUNS = Run.__table__  # type: ignore[attr-defined]
_TASKS = Task.__table__  # type: ignore[attr-defined]
_NOW = bindparam("now", type_=UTCDateTime())
_IDS = bindparam("ids", expanding=True)
_PENDING_FIRST = (select(_RUNS.c.task_id, func.min(_RUNS.c.scheduled_for))
                  .where(_RUNS.c.task_id.in_(_IDS), _RUNS.c.state == "pending")
                  .group_by(_RUNS.c.task_id))
_FINISHED = (update(_TASKS).where(_TASKS.c.id.in_(_IDS))
             .values(next_fire_at=None, updated_at=case((_TASKS.c.updated_at < _NOW, _NOW),
                                                        else_=_TASKS.c.updated_at)))
_RUNS_AT = select(_RUNS.c.task_id, _RUNS.c.scheduled_for).where(
    _RUNS.c.task_id.in_(_IDS), _RUNS.c.scheduled_for.in_(bindparam("ats", expanding=True)))
_POINT = (update(_TASKS).where(_TASKS.c.id == bindparam("tid"))
          .values(next_fire_at=bindparam("next_at", type_=UTCDateTime()),
                  updated_at=case((_TASKS.c.updated_at < _NOW, _NOW), else_=_TASKS.c.updated_at)))


def plan_after(db: Session, tasks: list[Task], now: datetime) -> None:
    """repo.plan_next for each task, with the common cases answered in bulk: a task with a
    pending run points at it; a one-time task without one has nothing left to plan; an active
    recurring task whose next instant holds no row yet gets it in one insert for all. The rest
    (paused, an instant that already has a row) takes repo.plan_next one by one."""
    if not tasks:
        return
    conn = db.connection()
    ids = [t.id for t in tasks]
    pending: dict[int, datetime] = dict(conn.execute(_PENDING_FIRST, {"ids": ids}).all())  # type: ignore[arg-type]
    finished: list[int] = []
    pointed: list[tuple[Task, datetime]] = []  # next_fire_at known: one executemany for all
    recurring: list[tuple[Task, datetime]] = []
    one_by_one: list[Task] = []
    for task in tasks:
        assert task.id is not None
        if task.id in pending:
            pointed.append((task, pending[task.id]))
        elif task.rrule is None and task.first_at <= now:
            finished.append(task.id)
        elif task.rrule is not None and task.status == "active" and task.dtstart:
            fires = upcoming(task.rrule, datetime.fromisoformat(task.dtstart), task.tz,
                             task.first_at, now, 1)
            if fires:
                recurring.append((task, fires[0]))
            else:
                one_by_one.append(task)
        else:
            one_by_one.append(task)
    if recurring:
        # A row at that instant (it ran before a backward clock step, or a snooze sits there)
        # needs repo's rules; none: a new pending run, as repo.plan_next would insert.
        held = {(r[0], r[1]) for r in conn.execute(_RUNS_AT, {
            "ids": [t.id for t, _ in recurring], "ats": list({at for _, at in recurring})})}
        one_by_one += [t for t, at in recurring if (t.id, at) in held]
        fresh = [(t, at) for t, at in recurring if (t.id, at) not in held]
        if fresh:
            conn.execute(_plan_insert(conn.dialect.name), [
                {"task_id": t.id, "scheduled_for": at, "state": "pending", "origin": "schedule",
                 "attempt": 0, "late": False} for t, at in fresh])
            pointed += fresh
    if pointed:
        conn.execute(_POINT, [{"tid": t.id, "next_at": at, "now": now} for t, at in pointed])
        for task, at in pointed:  # the detached copies say what the rows now say
            set_committed_value(task, "next_fire_at", at)
            set_committed_value(task, "updated_at", max(task.updated_at, now))
    for task in one_by_one:
        plan_next_tolerant(db, task, now)
        task.updated_at = max(task.updated_at, now)
        db.add(task)
    if finished:
        # Core, so no session sync: these tasks' objects are not written again in this session.
        conn.execute(_FINISHED, {"ids": finished, "now": now})


def _plan_insert(dialect: str) -> Any:
    """PostgreSQL: another service planning the same instant at the same moment wins quietly
    (its row is the one planned); SQLite has one writer, so the check above is enough."""
    if dialect != "postgresql":
        return _RUNS.insert()
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    return pg_insert(_RUNS).on_conflict_do_nothing(
        index_elements=["task_id", "scheduled_for"], index_where=text(LIVE_INSTANT))


def plan_next_tolerant(db: Session, task: Task, now: datetime) -> None:
    """repo.plan_next where another service may plan the same run at the same moment.

    On PostgreSQL the loser's insert meets the unique index (ux_runs_task_instant_live): its
    savepoint rolls back and the winner's row, committed by then, is the one planned. SQLite
    has one writer at a time, so the second planner simply finds the first one's row.
    """
    if db.get_bind().dialect.name == "sqlite":
        repo.plan_next(db, task, now)
        return
    from sqlalchemy.exc import IntegrityError

    try:
        with db.begin_nested():
            repo.plan_next(db, task, now)
            db.flush()
    except IntegrityError:
        repo.plan_next(db, task, now)
