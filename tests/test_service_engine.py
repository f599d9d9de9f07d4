"""The engine at unit level: tick(now) with a FakeClock, a recording channel, a real SQLite file."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import col, select

from taskd.clock import FakeClock
from taskd.schedule.engine import Engine
from taskd.store import repo
from taskd.store.db import session
from taskd.store.delivery_tables import Delivery, TaskPolicy
from taskd.store.tables import Event, Run, Task
from tests.conftest import local
from tests.conftest_service import RecordingChannel, add_task

START = local("2026-03-02T08:00:00")
HOURLY = "FREQ=HOURLY"


@pytest.fixture
def fake() -> FakeClock:  # the `engine` and `rec` fixtures (tests/conftest.py) build on it
    return FakeClock(START)


def runs(engine: Engine, task_id: int) -> list[Run]:
    with session(engine.url) as db:
        return list(db.exec(select(Run).where(Run.task_id == task_id)
                            .order_by(col(Run.scheduled_for))))


def states(engine: Engine, task_id: int) -> list[str]:
    return [r.state for r in runs(engine, task_id)]


def test_due_reminder_fires_once_on_time(engine: Engine, fake: FakeClock,
                                         rec: RecordingChannel) -> None:
    task = add_task(engine.url, START, first=START + timedelta(minutes=5))
    assert engine.tick().delivered == []
    fake.advance(timedelta(minutes=5, seconds=1))
    report = engine.tick()
    assert len(report.delivered) == 1 and len(rec.sent) == 1
    assert rec.sent[0].late is False and rec.sent[0].title == "stretch"
    fake.advance(timedelta(minutes=1))
    engine.tick()
    assert len(rec.sent) == 1
    (run,) = runs(engine, task)
    assert (run.state, run.attempt, run.late) == ("delivered", 1, False)
    assert run.fired_at == fake.now() - timedelta(minutes=1)


def test_sleep_8h_one_shot_late_once_hourly_coalesced(engine: Engine, fake: FakeClock,
                                                      rec: RecordingChannel) -> None:
    """Design case 6: wall +8 h, monotonic +0. One-shot fires once late; hourly fires once."""
    one = add_task(engine.url, START, title="one-shot", first=START + timedelta(hours=2))
    hourly = add_task(engine.url, START, title="hourly", rrule=HOURLY,
                      dtstart=datetime(2026, 3, 2, 8, 30))
    engine.tick()
    fake.jump_wall(timedelta(hours=8))
    report = engine.tick()
    assert report.clock_jump == pytest.approx(8 * 3600)
    assert sorted(m.title for m in rec.sent) == ["hourly", "one-shot"]
    assert all(m.late for m in rec.sent)
    assert states(engine, one) == ["delivered"]
    hourly_states = states(engine, hourly)
    # 08:30 .. 15:30 missed (8 runs) minus the coalesced one fired, then 16:30 pending.
    assert hourly_states == ["missed"] * 7 + ["delivered", "pending"]
    fired = next(r for r in runs(engine, hourly) if r.state == "delivered")
    assert fired.scheduled_for == local("2026-03-02T15:30:00") and fired.late
    engine.tick()
    assert len(rec.sent) == 2
    with session(engine.url) as db:
        assert db.exec(select(Event).where(Event.kind == "service.clock_jump")).first()


def test_catch_up_skip_policy_records_missed_fires_nothing(engine: Engine, fake: FakeClock,
                                                           rec: RecordingChannel) -> None:
    task = add_task(engine.url, START, rrule=HOURLY, dtstart=datetime(2026, 3, 2, 8, 30))
    with session(engine.url, write=True) as db:
        db.add(TaskPolicy(task_id=task, catch_up="skip"))
    fake.jump_wall(timedelta(hours=3))
    engine.tick()
    assert rec.sent == []
    assert states(engine, task) == ["missed"] * 3 + ["pending"]


def test_grace_exceeded_one_shot_is_missed_not_fired(engine: Engine, fake: FakeClock,
                                                     rec: RecordingChannel) -> None:
    task = add_task(engine.url, START, first=START + timedelta(minutes=1))
    with session(engine.url, write=True) as db:
        db.add(TaskPolicy(task_id=task, catch_up="once", grace_seconds=3600))
    fake.jump_wall(timedelta(hours=5))
    engine.tick()
    assert rec.sent == [] and states(engine, task) == ["missed"]


def test_backward_clock_step_fires_nothing_again(engine: Engine, fake: FakeClock,
                                                 rec: RecordingChannel) -> None:
    add_task(engine.url, START, rrule=HOURLY, dtstart=datetime(2026, 3, 2, 8, 30))
    fake.advance(timedelta(minutes=31))
    engine.tick()
    assert len(rec.sent) == 1
    fake.jump_wall(timedelta(hours=-1))
    for _ in range(3):
        fake.advance(timedelta(minutes=20))
        engine.tick()
    assert len(rec.sent) == 1  # 08:30 fired already; the clock reads 08:31 again
    fake.advance(timedelta(minutes=61))
    engine.tick()
    assert len(rec.sent) == 2 and len(set(rec.keys())) == 2


def test_paused_runs_are_skipped_and_pause_ends_by_itself(engine: Engine, fake: FakeClock,
                                                          rec: RecordingChannel) -> None:
    task = add_task(engine.url, START, rrule=HOURLY, dtstart=datetime(2026, 3, 2, 8, 30))
    with session(engine.url, write=True) as db:
        repo.pause(db, repo.get(db, task), START, START + timedelta(hours=2))
    for _ in range(5):  # 08:30, 09:30 due while paused; pause ends at 10:00; 10:30 fires
        fake.advance(timedelta(minutes=31))
        engine.tick()
    assert [m.scheduled_for.hour for m in rec.sent] == [10]
    assert states(engine, task)[:2] == ["skipped", "skipped"]
    with session(engine.url) as db:
        assert repo.get(db, task).status == "active"


def test_retries_then_delivered_each_attempt_recorded(engine: Engine, fake: FakeClock,
                                                      rec: RecordingChannel) -> None:
    rec.retries, rec.fail_times = 3, 2
    task = add_task(engine.url, START, first=START + timedelta(seconds=10))
    fake.advance(timedelta(seconds=11))
    engine.tick()
    (run,) = runs(engine, task)
    assert run.state == "delivered"
    with session(engine.url) as db:
        rows = db.exec(select(Delivery).where(Delivery.run_id == run.id)
                       .order_by(col(Delivery.attempt))).all()
    assert [(d.attempt, d.ok) for d in rows] == [(1, False), (2, False), (3, True)]
    assert rows[0].detail == "receiver down"


def test_retries_exhausted_marks_failed_with_error(engine: Engine, fake: FakeClock,
                                                   rec: RecordingChannel) -> None:
    rec.retries, rec.fail_times = 1, 5
    task = add_task(engine.url, START, first=START + timedelta(seconds=10))
    fake.advance(timedelta(seconds=11))
    report = engine.tick()
    (run,) = runs(engine, task)
    assert run.state == "failed" and run.error == "rec: receiver down"
    assert report.failed == [run.id] and engine.last_error and "receiver down" in engine.last_error


def test_agent_task_without_model_fails_with_reason(engine: Engine, fake: FakeClock,
                                                    rec: RecordingChannel) -> None:
    task = add_task(engine.url, START, kind="agent", first=START + timedelta(seconds=5))
    fake.advance(timedelta(seconds=6))
    engine.tick()
    (run,) = runs(engine, task)
    assert run.state == "failed"
    assert run.error and run.error.startswith("agent tasks need a model endpoint")
    # The user is told once (tests/test_agent_engine.py: not at every run).
    assert len(rec.sent) == 1 and "need a model endpoint" in rec.sent[0].message


def test_unknown_channel_fails_the_run_with_its_name(engine: Engine, fake: FakeClock) -> None:
    task = add_task(engine.url, START, first=START + timedelta(seconds=5), channels=["nope"])
    fake.advance(timedelta(seconds=6))
    engine.tick()
    (run,) = runs(engine, task)
    assert run.state == "failed" and "no channel named 'nope'" in (run.error or "")


def test_stale_claim_is_requeued_and_refired_with_attempt_2(engine: Engine, fake: FakeClock,
                                                            rec: RecordingChannel) -> None:
    task = add_task(engine.url, START, first=START + timedelta(seconds=5))
    fake.advance(timedelta(seconds=6))
    with session(engine.url, write=True) as db:  # what a service killed after its claim leaves
        run = db.exec(select(Run).where(Run.task_id == task)).one()
        run.state, run.attempt, run.claimed_at = "claimed", 1, fake.now()
        db.add(run)
    engine.tick()
    assert rec.sent == []  # a claimed row belongs to someone until recovery says otherwise
    assert engine.recover() == 1
    engine.tick()
    (run,) = runs(engine, task)
    assert (run.state, run.attempt) == ("delivered", 2) and len(rec.sent) == 1


def test_stop_releases_claimed_runs_instead_of_sending(engine: Engine, fake: FakeClock,
                                                       rec: RecordingChannel) -> None:
    task = add_task(engine.url, START, first=START + timedelta(seconds=5))
    fake.advance(timedelta(seconds=6))
    engine._fire_one = lambda item: (engine.stop.set(), Engine._fire_one(engine, item))[1]  # type: ignore[method-assign]
    report = engine.tick()
    (run,) = runs(engine, task)
    assert report.released == [run.id] and (run.state, run.attempt) == ("pending", 0)
    assert rec.sent == []


def test_manual_run_fires_now_and_keeps_the_schedule(engine: Engine, fake: FakeClock,
                                                     rec: RecordingChannel) -> None:
    task = add_task(engine.url, START, first=START + timedelta(days=1))
    run_id = engine.fire_manual(task)
    assert len(rec.sent) == 1 and rec.sent[0].origin == "manual"
    by_state = {r.state: r for r in runs(engine, task)}
    assert by_state["delivered"].id == run_id and by_state["pending"].scheduled_for > START


def test_removed_task_never_fires(engine: Engine, fake: FakeClock, rec: RecordingChannel) -> None:
    task = add_task(engine.url, START, first=START + timedelta(seconds=5))
    with session(engine.url, write=True) as db:
        repo.remove(db, repo.get(db, task), START)
    fake.advance(timedelta(seconds=6))
    engine.tick()
    assert rec.sent == [] and states(engine, task) == ["cancelled"]
    with session(engine.url) as db:
        assert db.get(Task, task).status == "deleted"  # type: ignore[union-attr]
