"""The run table as the service's queue. Every function runs inside the caller's write session.

State machine of a run: pending -> claimed (attempt+1) -> delivered | failed; pending -> missed |
skipped | cancelled. A claim is committed before anything is sent: a crash after it leaves a
`claimed` row whose lease runs out, and a live service puts it back (taskd.schedule.nodes), so the
run is re-sent (never lost) with the same run id (an idempotent receiver never shows it twice).

Claims cannot collide between services: one UPDATE takes pending rows only, and on PostgreSQL
its inner SELECT locks them with SKIP LOCKED, so two services claiming at once get disjoint
batches instead of waiting on each other; SQLite serialises writers with BEGIN IMMEDIATE.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, insert, update
from sqlmodel import Session, col, select

from taskd.fire.run import FireResult
from taskd.resolve import recurrence
from taskd.resolve.zones import get_zone
from taskd.schedule import planning
from taskd.schedule.policy import Defaults, Policy, for_row
from taskd.store import repo
from taskd.store.delivery_tables import Delivery, TaskPolicy
from taskd.store.tables import Run, Task
from taskd.store.types import UTCDateTime

# Rows that no longer hold their instant (see tables.LIVE_INSTANT).
_DEAD = ("cancelled", "superseded")
# A minutely task down for a year would otherwise write half a million `missed` rows.
MAX_MISSED_ROWS = 1000

# The wake-up path's statements, built once: building and cache-keying a statement costs more
# than SQLite takes to run it, and a lone reminder's latency is mostly this path.
_RUNS = Run.__table__  # type: ignore[attr-defined]
_TASKS = Task.__table__  # type: ignore[attr-defined]
_NOW = bindparam("now", type_=UTCDateTime())
_IDS = bindparam("ids", expanding=True)


def _take_statement(skip_locked: bool) -> Any:
    due = (select(_RUNS.c.id).where(_RUNS.c.state == "pending", _RUNS.c.scheduled_for <= _NOW)
           .order_by(_RUNS.c.scheduled_for, _RUNS.c.id).limit(bindparam("limit")))
    if skip_locked:
        due = due.with_for_update(skip_locked=True)
    return (update(_RUNS).where(_RUNS.c.id.in_(due.scalar_subquery()), _RUNS.c.state == "pending")
            .values(state="claimed", attempt=_RUNS.c.attempt + 1, claimed_at=_NOW,
                    owner=bindparam("node"), lease_until=bindparam("until", type_=UTCDateTime()))
            .returning(_RUNS.c.id))


_TAKE = {False: _take_statement(False), True: _take_statement(True)}
_RUNS_BY_ID = select(Run).where(col(Run.id).in_(_IDS)).order_by(col(Run.scheduled_for),
                                                                 col(Run.id))
_TASKS_BY_ID = select(Task).where(col(Task.id).in_(_IDS))
_RESUMABLE = select(Task).where(Task.status == "paused", col(Task.paused_until).is_not(None),
                                col(Task.paused_until) <= _NOW)
_WAKE_RUNS = (select(_RUNS.c.scheduled_for).where(_RUNS.c.state == "pending").distinct()
              .order_by(_RUNS.c.scheduled_for).limit(bindparam("limit")))
# SET expressions see the row as it was (claimed): whether it worked comes as a parameter.
_RECORD = (update(_RUNS).where(_RUNS.c.id == bindparam("rid"), _RUNS.c.state == "claimed",
                               _RUNS.c.owner == bindparam("holder"))
           .values(state=bindparam("new_state"), fired_at=bindparam("fired", type_=UTCDateTime()),
                   finished_at=_NOW, output=bindparam("out"), error=bindparam("err"),
                   lease_until=None,
                   outcome=case((bindparam("ok_flag") == "y",
                                 case((_RUNS.c.late, "delivered late"), else_="delivered")),
                                else_="failed")))
_ADD_DELIVERIES = insert(Delivery.__table__)  # type: ignore[attr-defined]
_WAKE_ENDS = select(func.min(_TASKS.c.paused_until)).where(_TASKS.c.status == "paused")


@dataclass
class Claimed:
    """A claimed run with detached copies of what firing it needs (no session in the fire path)."""

    run: Run
    task: Task
    already_ok: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Owner:
    """Who claims: a node id, and until when its claims hold unless it renews them."""

    node: str
    until: datetime


@dataclass
class ClaimStats:
    claimed: int = 0
    missed: int = 0
    skipped: int = 0
    cancelled: int = 0
    resumed: int = 0
    notes: list[str] = field(default_factory=list)


def auto_resume(db: Session, now: datetime) -> int:
    """Paused tasks whose `paused_until` has come resume by themselves."""
    tasks = db.execute(_RESUMABLE, {"now": now}).scalars().all()
    for task in tasks:
        repo.resume(db, task, now)
        db.add(task)
    return len(tasks)


def has_due(db: Session, now: datetime) -> bool:
    return db.exec(select(Run.id).where(Run.state == "pending", Run.scheduled_for <= now)
                   .limit(1)).first() is not None


def next_wakes(db: Session, limit: int) -> list[datetime]:
    """The next distinct instants at which something is due: pending runs and pause ends."""
    conn = db.connection()  # Core: plain values, no ORM round
    runs = conn.execute(_WAKE_RUNS, {"limit": limit}).scalars().all()
    ends = conn.execute(_WAKE_ENDS).scalar()
    wakes = sorted({*runs, *([ends] if ends else [])})
    return wakes[:limit]


def _policies(db: Session, task_ids: Iterable[int], defaults: Defaults) -> dict[int, Policy]:
    ids = list(set(task_ids))
    rows = {p.task_id: p for p in db.exec(select(TaskPolicy).where(col(TaskPolicy.task_id).in_(ids)))}
    return {i: for_row(rows[i].catch_up, rows[i].grace_seconds, defaults) if i in rows
            else defaults.policy for i in ids}


def _instants_between(task: Task, start: datetime, end: datetime) -> Iterator[datetime]:
    """Fire instants of a recurring task strictly after `start`, up to and including `end`."""
    if task.rrule is None or task.dtstart is None:
        return
    zone = get_zone(task.tz)
    for instant in recurrence.instants(task.rrule, datetime.fromisoformat(task.dtstart), zone):
        if instant <= start:
            continue
        if instant > end:
            return
        yield instant


def _claim(db: Session, run: Run, now: datetime, late: bool, owner: Owner) -> None:
    run.state = "claimed"
    run.attempt += 1
    run.claimed_at = now
    run.late = late
    run.owner = owner.node
    run.lease_until = owner.until
    db.add(run)


def _take(db: Session, now: datetime, limit: int, owner: Owner) -> list[Run]:
    """Atomically claim up to `limit` due pending rows for `owner`; only those come back.

    The rows are decided afterwards in the same transaction (fire, miss, skip, cancel): a row
    this statement did not return is someone else's or not pending, and is never touched.
    """
    conn = db.connection()  # Core: the session holds nothing yet that the UPDATE could stale
    statement = _TAKE[conn.dialect.name == "postgresql"]
    taken = conn.execute(statement, {"now": now, "limit": limit, "node": owner.node,
                                     "until": owner.until}).scalars().all()
    if not taken:
        return []
    return list(db.execute(_RUNS_BY_ID, {"ids": list(taken)}).scalars().all())


def _miss(db: Session, run: Run, now: datetime, why: str) -> None:
    run.state = "missed"
    run.late = True
    run.finished_at = now
    run.outcome = why
    db.add(run)


def _catch_up(db: Session, run: Run, task: Task, now: datetime, policy: Policy,
              stats: ClaimStats) -> Run | None:
    """A late scheduled run of a recurring task: coalesce everything missed into at most one fire.

    Returns the run to fire (the latest missed instant, so the reminder is as fresh as it can
    be), having recorded every earlier instant as `missed`: nothing is dropped silently.
    """
    later = list(_instants_between(task, run.scheduled_for, now))
    instants = [run.scheduled_for, *later]
    target_at = instants[-1]
    fire = policy.catch_up == "once" and (policy.grace is None or now - target_at <= policy.grace)
    # FOR UPDATE (PostgreSQL): another service must not claim one of these while we decide it.
    existing = {r.scheduled_for: r for r in db.exec(
        select(Run).where(Run.task_id == task.id, Run.scheduled_for > run.scheduled_for,
                          Run.scheduled_for <= now, col(Run.state).not_in(_DEAD))
        .with_for_update())}
    why = (f"missed: coalesced into the run due {target_at.isoformat()}" if fire
           else f"missed: catch-up policy {policy.catch_up}, grace {policy.grace}")
    to_record = instants if not fire else instants[:-1]
    for index, instant in enumerate(to_record):
        row = run if instant == run.scheduled_for else existing.get(instant)
        if row is None:
            if index >= MAX_MISSED_ROWS:
                continue
            row = Run(task_id=task.id, scheduled_for=instant, origin="schedule")
        elif row.state != "pending":
            continue
        _miss(db, row, now, why)
        stats.missed += 1
    if len(to_record) > MAX_MISSED_ROWS:
        stats.notes.append(f"task #{task.id}: {len(to_record)} runs missed, "
                           f"first {MAX_MISSED_ROWS} recorded")
    if not fire:
        return None
    if target_at == run.scheduled_for:
        return run
    target = existing.get(target_at)
    if target is not None and target.state != "pending":
        return None  # that instant was already handled (fired before a backward clock step)
    return target or Run(task_id=task.id, scheduled_for=target_at, origin="schedule", late=True)


def claim_due(db: Session, now: datetime, defaults: Defaults, limit: int,
              owner: Owner) -> tuple[list[Claimed], ClaimStats]:
    """Take up to `limit` due pending runs for `owner` and decide each: claim, skip, miss, cancel."""
    stats = ClaimStats()
    due = _take(db, now, limit, owner)
    if not due:
        return [], stats
    tasks = {t.id: t for t in db.execute(_TASKS_BY_ID,
                                         {"ids": list({r.task_id for r in due})}).scalars()}
    # The common case needs no second write: an active task's run on time (or a manual one) is
    # claimed exactly as the UPDATE left it. Everything else is decided row by row below.
    chosen = [r for r in due if tasks[r.task_id].status == "active"
              and (r.origin == "manual" or now - r.scheduled_for <= defaults.on_time)]
    fast = {id(r) for r in chosen}
    due = [r for r in due if id(r) not in fast]
    for run in due:  # ours now; decided below as if still pending, and written back once
        run.state, run.attempt = "pending", run.attempt - 1
        run.claimed_at, run.owner, run.lease_until = None, None, None
    policies = _policies(db, {r.task_id for r in due}, defaults) if due else {}
    touched: dict[int, Task] = {r.task_id: tasks[r.task_id] for r in chosen}
    for run in due:
        if run.state != "pending":  # already decided by an earlier run's catch-up
            continue
        task = tasks[run.task_id]
        touched[run.task_id] = task
        if task.status not in repo.LIVE:
            run.state = "cancelled"
            run.outcome = f"task is {task.status}"
            db.add(run)
            stats.cancelled += 1
            continue
        if run.origin == "manual":  # the user asked for it now: no lateness, no pause rules
            _claim(db, run, now, False, owner)
            chosen.append(run)
            continue
        if task.status == "paused":
            run.state = "skipped"
            run.outcome = "paused"
            run.finished_at = now
            db.add(run)
            stats.skipped += 1
            continue
        policy = policies[run.task_id]
        if now - run.scheduled_for <= defaults.on_time:
            _claim(db, run, now, False, owner)
            chosen.append(run)
        elif task.rrule is not None and run.origin == "schedule":
            target = _catch_up(db, run, task, now, policy, stats)
            if target is not None:
                _claim(db, target, now, True, owner)
                chosen.append(target)
        elif policy.catch_up == "once" and (policy.grace is None
                                            or now - run.scheduled_for <= policy.grace):
            _claim(db, run, now, True, owner)  # a one-time reminder: better late than never
            chosen.append(run)
        else:
            _miss(db, run, now, f"missed: catch-up policy {policy.catch_up}, grace {policy.grace}")
            stats.missed += 1
    db.flush()
    # Plan each task's next run now, in the claim transaction: a crash while sending cannot
    # leave a recurring task with nothing planned.
    planning.plan_after(db, [t for t in touched.values() if t.status in repo.LIVE], now)
    db.flush()
    # Only a run claimed before (attempt > 1 now) can have deliveries: a first claim skips the query.
    ok = _delivered_channels(db, [r.id for r in chosen if r.id is not None and r.attempt > 1])
    stats.claimed = len(chosen)
    # expire_on_commit is off, so these rows stay readable after the session closes.
    claimed = [Claimed(r, tasks[r.task_id], ok.get(r.id or 0, frozenset())) for r in chosen]
    return claimed, stats


def _delivered_channels(db: Session, run_ids: list[int]) -> dict[int, frozenset[str]]:
    """Channels that already took a run (before a crash): a re-fire does not repeat them."""
    if not run_ids:
        return {}
    found: dict[int, set[str]] = {}
    for delivery in db.exec(select(Delivery).where(col(Delivery.run_id).in_(run_ids),
                                                   Delivery.ok == True)):  # noqa: E712
        found.setdefault(delivery.run_id, set()).add(delivery.channel)
    return {k: frozenset(v) for k, v in found.items()}


def create_manual(db: Session, task: Task, now: datetime, *, owner: Owner | None) -> Run:
    """`taskd run ID`: a run due now, origin manual. Microseconds keep it apart from a scheduled
    run at the same second (the unique key is (task, instant))."""
    when = now
    while db.exec(select(Run.id).where(Run.task_id == task.id, Run.scheduled_for == when)).first():
        when += timedelta(microseconds=1)
    run = Run(task_id=task.id, scheduled_for=when, origin="manual")
    if owner is not None:
        _claim(db, run, now, False, owner)
    db.add(run)
    db.flush()
    return run


def finish(db: Session, results: Iterable[FireResult], now: datetime, owner: str) -> None:
    """Record fired runs in one go: their delivery attempts, then delivered, failed or released.

    Only runs `owner` still holds are changed: a run taken back after this node lost its lease
    (a long freeze) now belongs to whoever took it, and only its attempts are recorded here.
    The owner stays on a finished row: it says which service sent it.
    """
    results = list(results)
    attempts = [{"run_id": r.run_id, "channel": a.channel, "attempt": a.attempt, "at": a.at,
                 "ok": a.ok, "detail": a.detail[:2000]} for r in results for a in r.attempts]
    conn = db.connection()  # Core executemany: nothing here needs ORM objects back
    if attempts:
        conn.execute(_ADD_DELIVERIES, attempts)
    done = [r for r in results if not (r.interrupted and not r.ok)]
    if done:
        conn.execute(_RECORD, [{"rid": r.run_id, "new_state": "delivered" if r.ok else "failed",
                                "fired": r.fired_at, "out": r.output,
                                "err": None if r.ok else r.error, "ok_flag": "y" if r.ok else "n",
                                "now": now, "holder": owner} for r in done])
    released = [r for r in results if r.interrupted and not r.ok]
    if not released:
        return
    runs = {run.id: run for run in db.exec(select(Run).where(
        col(Run.id).in_([r.run_id for r in released]), Run.state == "claimed",
        Run.owner == owner))}
    for result in released:
        run = runs.get(result.run_id)
        if run is None:
            continue
        # SIGTERM mid-run: give it back untouched so the next start sends it (at least once).
        run.state = "pending"
        run.claimed_at, run.owner, run.lease_until = None, None, None
        if not result.attempts:
            run.attempt = max(0, run.attempt - 1)
        db.add(run)
