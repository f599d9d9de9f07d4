"""Several engines (as several services would run them) on one real SQLite file or PostgreSQL:
claims never collide, a live node's claims are never touched, an expired lease is taken back and
re-sent under the same run id, planning stays one row per (task, instant), and m007 migrates an
existing database."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, UniqueConstraint, create_engine, insert, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.fire.run import FireResult
from taskd.schedule import claims, nodes, planning
from taskd.schedule.claims import Owner
from taskd.schedule.engine import Engine, TickReport
from taskd.schedule.policy import Defaults
from taskd.store.db import dispose_all, engine_for, session
from taskd.store.delivery_tables import Delivery
from taskd.store.tables import Run, Task
from tests import postgres
from tests.conftest import local
from tests.conftest_service import RecordingChannel, add_task, wait_for

START = local("2026-03-02T08:00:00")


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    yield from postgres.cluster_or_skip()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, taskd_home: Path) -> Iterator[str]:
    taskd_home.mkdir(parents=True, exist_ok=True)
    (taskd_home / "config.toml").write_text('default_channels = ["rec"]\n[service]\nlease = 30\n')
    if request.param == "sqlite":
        yield f"sqlite:///{taskd_home}/taskd.db"
        return
    pg = request.getfixturevalue("pg_url")
    yield pg
    dispose_all()
    engine = create_engine(pg)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def _engine(url: str, clock: FakeClock, channel: RecordingChannel, node: str) -> Engine:
    os.environ["TASKD_DB"] = url
    try:
        return Engine(settings_mod.load(), clock, {"rec": channel}, workers=1, node_id=node)
    finally:
        del os.environ["TASKD_DB"]


def _owners(url: str) -> dict[int, str | None]:
    with session(url) as db:
        return {r.id: r.owner for r in db.exec(select(Run)) if r.id is not None}


def test_two_nodes_claiming_at_once_get_disjoint_batches(url: str) -> None:
    for index in range(300):
        add_task(url, START, title=f"t{index}", first=START + timedelta(seconds=1))
    now = START + timedelta(seconds=2)
    got: dict[str, list[int]] = {"a": [], "b": []}
    barrier = threading.Barrier(2)

    def claim(node: str) -> None:
        barrier.wait()
        while True:
            with session(url, write=True) as db:
                batch, _ = claims.claim_due(db, now, Defaults(), 25, Owner(node, now + timedelta(30)))
            if not batch:
                return
            got[node] += [item.run.id for item in batch if item.run.id is not None]

    threads = [threading.Thread(target=claim, args=(n,)) for n in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not set(got["a"]) & set(got["b"]), "a run was claimed by both nodes"
    assert len(got["a"]) + len(got["b"]) == 300
    owners = _owners(url)
    assert all(owners[r] == n for n, ids in got.items() for r in ids)


def test_live_claims_are_left_alone_and_expired_ones_resent_with_the_same_id(url: str) -> None:
    fake = FakeClock(START)
    dead_channel, live_channel = RecordingChannel(), RecordingChannel()
    dead = _engine(url, fake, dead_channel, "dead")
    live = _engine(url, fake, live_channel, "live")
    dead.recover()
    live.recover()
    task = add_task(url, START, first=START + timedelta(seconds=5))
    fake.advance(timedelta(seconds=6))
    with session(url, write=True) as db:  # `dead` claims and then stops (SIGKILL before sending)
        (held,), _ = claims.claim_due(db, fake.now(), Defaults(), 10, dead._owner())
    fake.advance(timedelta(seconds=20))
    live.heartbeat()
    live.tick()
    assert live_channel.sent == [] and _owners(url)[held.run.id or 0] == "dead"
    dead.heartbeat()  # still alive: the lease moves on
    fake.advance(timedelta(seconds=20))
    assert live.heartbeat() == 0
    live.tick()
    assert live_channel.sent == [], "a live node's claim was taken"
    fake.advance(timedelta(seconds=11))  # 31 s without a heartbeat: the lease of 30 s ran out
    assert live.heartbeat() == 1
    live.tick()
    assert [m.run_id for m in live_channel.sent] == [held.run.id]
    with session(url) as db:
        (run,) = db.exec(select(Run).where(Run.task_id == task)).all()
    assert (run.state, run.owner, run.attempt) == ("delivered", "live", 2)
    # The dead one wakes up and reports its send: the run is no longer its own to record.
    dead._finish([FireResult(held.run.id or 0, False, fake.now(), error="late")], TickReport())
    with session(url) as db:
        assert db.get(Run, held.run.id).state == "delivered"  # type: ignore[union-attr]
    listed = {n["id"]: n for n in _nodes(url, fake.now())}
    assert listed["live"]["alive"] and not listed["dead"]["alive"]


def _nodes(url: str, now: datetime) -> list[dict[str, object]]:
    with session(url) as db:
        return nodes.listing(db, now)


def test_recurring_task_planned_once_when_two_nodes_fire_it(url: str) -> None:
    fake = FakeClock(START)
    a = _engine(url, fake, RecordingChannel(), "a")
    b = _engine(url, fake, RecordingChannel(), "b")
    task = add_task(url, START, rrule="FREQ=MINUTELY", dtstart=START.replace(tzinfo=None))
    for _ in range(5):
        fake.advance(timedelta(minutes=1))
        a.tick()
        b.tick()
    with session(url) as db:
        rows = db.exec(select(Run).where(Run.task_id == task)).all()
    instants = [r.scheduled_for for r in rows]
    assert len(instants) == len(set(instants)) == 6
    assert sorted(r.state for r in rows) == ["delivered"] * 5 + ["pending"]


def test_only_live_rows_hold_their_instant(url: str) -> None:
    task = add_task(url, START, first=START + timedelta(hours=1))
    at = START + timedelta(hours=1)
    with session(url, write=True) as db:
        (run,) = db.exec(select(Run).where(Run.task_id == task)).all()
        run.state = "cancelled"  # an edit cancelled it; planning that instant again is fine
        db.add(run)
        db.add(Run(task_id=task, scheduled_for=at))
    with pytest.raises(IntegrityError), session(url, write=True) as db:
        db.add(Run(task_id=task, scheduled_for=at, state="delivered"))


@pytest.mark.parametrize("planner", ["one by one", "in bulk"])
def test_losing_the_planning_race_keeps_the_winners_row(url: str, planner: str) -> None:
    if not url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: there is no race to lose")
    task = add_task(url, START, rrule="FREQ=HOURLY", dtstart=START.replace(tzinfo=None))
    next_at = START + timedelta(hours=2)
    with session(url, write=True) as db:  # the first run (09:00) is fired: nothing pending now
        for run in db.exec(select(Run).where(Run.task_id == task)):
            run.state = "delivered"
            db.add(run)
    winner = engine_for(url).connect()
    tx = winner.begin()
    winner.execute(insert(Run.__table__), {"task_id": task, "scheduled_for": next_at,  # type: ignore[attr-defined]
                                           "state": "pending", "origin": "schedule",
                                           "attempt": 0, "late": False})
    errors: list[BaseException] = []

    def loser() -> None:
        try:
            with session(url, write=True) as db:
                row = db.get(Task, task)
                assert row is not None
                if planner == "in bulk":  # what a claim batch does for its recurring tasks
                    planning.plan_after(db, [row], START + timedelta(hours=1))
                else:
                    planning.plan_next_tolerant(db, row, START + timedelta(hours=1))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=loser)
    thread.start()
    assert wait_for(lambda: _lock_waiters(url) > 0, 10), "the loser never reached the index"
    tx.commit()
    winner.close()
    thread.join(30)
    assert not errors, errors
    with session(url) as db:
        rows = db.exec(select(Run).where(Run.task_id == task, Run.state == "pending")).all()
        assert [r.scheduled_for for r in rows] == [next_at]
        assert db.get(Task, task).next_fire_at == next_at  # type: ignore[union-attr]


def _lock_waiters(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'").scalar() or 0)
    finally:
        engine.dispose()


def test_m007_migrates_a_database_with_the_old_constraint(url: str) -> None:
    # The runs table as shipped before m007: a plain UNIQUE (task_id, scheduled_for), no lease.
    old = MetaData()
    Task.__table__.to_metadata(old)  # type: ignore[attr-defined]
    Table("runs", old, *[c._copy() for c in Run.__table__.columns  # type: ignore[attr-defined]
                         if c.name not in ("owner", "lease_until")],
          UniqueConstraint("task_id", "scheduled_for", name="uq_runs_task_instant"))
    Delivery.__table__.to_metadata(old)  # type: ignore[attr-defined]
    raw = create_engine(url)
    now = datetime(2026, 3, 2, 7, tzinfo=UTC)
    with raw.begin() as conn:
        old.create_all(conn)
        conn.execute(text("CREATE TABLE _taskd_migrations (name VARCHAR(200) PRIMARY KEY, "
                          "applied_at VARCHAR(40))"))
        for name in ("m001_initial", "m002_deliveries", "m003_task_policies", "m004_agent_runs"):
            conn.execute(text("INSERT INTO _taskd_migrations VALUES (:n, 'then')"), {"n": name})
        conn.execute(insert(old.tables["tasks"]), {
            "id": 1, "title": "t", "kind": "reminder", "source_text": "t", "draft_json": "{}",
            "backend": "rules", "tz": "UTC", "first_at": now, "status": "active",
            "time_source": "explicit", "created_at": now, "updated_at": now})
        conn.execute(insert(old.tables["runs"]), [
            {"id": 7, "task_id": 1, "scheduled_for": now, "state": "cancelled", "origin": "schedule",
             "attempt": 0, "late": False},
            {"id": 9, "task_id": 1, "scheduled_for": now + timedelta(1), "state": "claimed",
             "origin": "schedule", "attempt": 1, "late": False}])
        conn.execute(insert(old.tables["deliveries"]), {"run_id": 9, "channel": "hook",
                                                        "attempt": 1, "at": now, "ok": True})
    raw.dispose()
    with session(url, write=True) as db:  # opening it migrates
        assert {r.id: r.state for r in db.exec(select(Run))} == {7: "cancelled", 9: "claimed"}
        assert db.exec(select(Delivery.run_id)).all() == [9]
        db.add(Run(task_id=1, scheduled_for=now))  # the cancelled row no longer holds 07:00
    with session(url, write=True) as db:
        count = nodes.take_back_expired(db, now, unleased=True)  # the old claim had no lease
    assert count == 1
    with pytest.raises(IntegrityError), session(url, write=True) as db:
        db.add(Run(task_id=1, scheduled_for=now))
    with session(url) as db:
        assert len(db.exec(select(Run).where(col(Run.task_id) == 1)).all()) == 3
