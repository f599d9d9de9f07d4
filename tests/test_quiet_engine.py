"""Quiet hours end to end: the real engine ticking on a FakeClock, the real SQLite store, the real
CLI (`taskd prefs set`, `taskd history`, `taskd parse`). A held run shows as held in history and
is delivered when quiet hours end; a time the user stated is never held."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from taskd.clock import FakeClock
from taskd.resolve import Resolved, upcoming
from taskd.schedule.engine import Engine
from taskd.store import repo
from taskd.store.db import session
from taskd.store.tables import Preference
from tests.cli import taskd
from tests.conftest import local
from tests.conftest_service import RecordingChannel

EVENING = local("2026-11-20T19:30:00")


@pytest.fixture
def fake() -> FakeClock:  # the `engine` and `rec` fixtures (tests/conftest.py) build on it
    return FakeClock(EVENING)


def add(engine: Engine, now: datetime, *, time_source: str, first: datetime | None = None,
        rrule: str | None = None, dtstart: datetime | None = None, daypart: str | None = None,
        title: str = "stretch") -> int:
    """A task as `taskd add` stores it, with how its time was chosen."""
    tz = "Europe/Berlin"
    if rrule is not None:
        assert dtstart is not None
        first = upcoming(rrule, dtstart.replace(tzinfo=None), tz, now, now, 1)[0]
    assert first is not None
    resolved = Resolved(tz, first, rrule, dtstart.replace(tzinfo=None) if dtstart else None)
    with session(engine.url, write=True) as db:
        task = repo.create(db, text=title, draft_json="{}", backend="test", title=title,
                           kind="reminder", message=title, resolved=resolved,
                           time_source=time_source, daypart=daypart, now=now)
        assert task.id is not None
        return task.id


def run_until(engine: Engine, clock: FakeClock, end: datetime) -> None:
    """Tick at every moment something falls due, as the service does, up to `end`."""
    while True:
        wakes = engine.next_wakes(1)
        if not wakes or wakes[0] > end:
            clock.advance(max(timedelta(0), end - clock.now()))
            return
        if wakes[0] > clock.now():
            clock.advance(wakes[0] - clock.now())
        engine.tick(clock.now())


def delivered(rec: RecordingChannel, task_id: int) -> list[str]:
    """Local "HH:MM" of when each of the task's deliveries went out."""
    return [f"{m.fired_at:%H:%M}" for m in rec.sent if m.task_id == task_id]


def set_quiet(capsys: pytest.CaptureFixture[str], clock: FakeClock, value: str) -> None:
    result = taskd(capsys, clock, "prefs", "set", "quiet_hours", value)
    assert result.code == 0, result.err


def when(run: dict) -> datetime:
    """A history row's scheduled instant, in Berlin."""
    return datetime.fromisoformat(run["scheduled_for"]).astimezone(local("2026-01-01T00:00").tzinfo)


def history(capsys: pytest.CaptureFixture[str], clock: FakeClock, task_id: int) -> list[dict]:
    result = taskd(capsys, clock, "history", str(task_id), "--json")
    assert result.code == 0, result.err
    return sorted(result.json(), key=lambda r: r["scheduled_for"])


def test_every_hour_is_held_overnight_and_delivered_once_at_the_end(
        engine: Engine, fake: FakeClock, rec: RecordingChannel,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    set_quiet(capsys, fake, "22:00-07:00")
    hourly = add(engine, fake.now(), time_source="default", rrule="FREQ=HOURLY",
                 dtstart=local("2026-11-20T20:00:00"))
    run_until(engine, fake, local("2026-11-21T09:30:00"))
    assert delivered(rec, hourly) == ["20:00", "21:00", "07:00", "08:00", "09:00"]
    runs = history(capsys, fake, hourly)
    held = [r for r in runs if r["state"] == "held"]
    assert len(held) == 1 and when(held[0]) == local("2026-11-20T22:00:00")
    assert held[0]["outcome"] == "held: quiet hours 22:00-07:00; delivered at 07:00"
    assert held[0]["fired_at"] is None
    at_seven = next(r for r in runs if when(r) == local("2026-11-21T07:00:00"))
    assert at_seven["state"] == "delivered" and at_seven["late"] is False
    # The human table says so too.
    monkeypatch.setenv("COLUMNS", "200")
    table = taskd(capsys, fake, "history", str(hourly)).out
    assert "held" in table and "delivered at 07:00" in table


def test_stated_times_ring_inside_quiet_hours(engine: Engine, fake: FakeClock,
                                              rec: RecordingChannel,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    set_quiet(capsys, fake, "22:00-07:00")
    daily = add(engine, fake.now(), time_source="explicit",
                rrule="FREQ=DAILY;BYHOUR=23;BYMINUTE=0;BYSECOND=0",
                dtstart=local("2026-11-20T23:00:00"))
    once = add(engine, fake.now(), time_source="explicit", first=local("2026-11-20T23:30:00"))
    run_until(engine, fake, local("2026-11-21T08:00:00"))
    assert delivered(rec, daily) == ["23:00"] and delivered(rec, once) == ["23:30"]
    assert not [r for t in (daily, once) for r in history(capsys, fake, t) if r["state"] == "held"]


def test_a_snooze_into_quiet_hours_rings_when_asked(engine: Engine, fake: FakeClock,
                                                    rec: RecordingChannel,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    set_quiet(capsys, fake, "22:00-07:00")
    tonight = add(engine, fake.now(), time_source="daypart", daypart="evening",
                  first=local("2026-11-20T21:45:00"))
    run_until(engine, fake, local("2026-11-20T21:50:00"))
    assert delivered(rec, tonight) == ["21:45"]
    assert taskd(capsys, fake, "snooze", str(tonight), "30m").code == 0  # "in 30 minutes": stated
    run_until(engine, fake, local("2026-11-21T08:00:00"))
    assert delivered(rec, tonight) == ["21:45", "22:20"]


def test_a_one_time_daypart_reminder_waits_for_the_morning(engine: Engine, fake: FakeClock,
                                                           rec: RecordingChannel,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    set_quiet(capsys, fake, "22:00-07:00")
    late = add(engine, fake.now(), time_source="daypart", daypart="night",
               first=local("2026-11-20T23:00:00"))
    run_until(engine, fake, local("2026-11-20T23:05:00"))
    assert delivered(rec, late) == []
    shown = taskd(capsys, fake, "show", str(late), "--json").json()
    assert shown["next"] == [local("2026-11-21T07:00:00").isoformat()]  # list and show tell the truth
    run_until(engine, fake, local("2026-11-21T08:00:00"))
    assert delivered(rec, late) == ["07:00"]
    assert [r["state"] for r in history(capsys, fake, late)] == ["held", "delivered"]


def test_a_daily_default_time_rule_keeps_its_schedule_after_a_hold(
        engine: Engine, fake: FakeClock, rec: RecordingChannel,
        capsys: pytest.CaptureFixture[str]) -> None:
    # Quiet until 10:00 and a default time of 09:00: today's is held to 10:00, tomorrow's stays
    # planned at 09:00 (and is held again).
    set_quiet(capsys, fake, "22:00-10:00")
    daily = add(engine, fake.now(), time_source="default",
                rrule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0", dtstart=local("2026-11-21T09:00:00"))
    run_until(engine, fake, local("2026-11-22T12:00:00"))
    assert delivered(rec, daily) == ["10:00", "10:00"]
    states = [(f"{when(r):%H:%M}", r["state"]) for r in history(capsys, fake, daily)]
    assert states == [("09:00", "held"), ("10:00", "delivered"), ("09:00", "held"),
                      ("10:00", "delivered")]


def test_done_during_the_hold_drops_the_held_delivery(engine: Engine, fake: FakeClock,
                                                      rec: RecordingChannel,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    set_quiet(capsys, fake, "22:00-10:00")
    daily = add(engine, fake.now(), time_source="default",
                rrule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0", dtstart=local("2026-11-21T09:00:00"))
    run_until(engine, fake, local("2026-11-21T09:30:00"))
    assert taskd(capsys, fake, "done", str(daily)).code == 0
    run_until(engine, fake, local("2026-11-21T12:00:00"))
    assert delivered(rec, daily) == []


def test_off_by_default_and_while_only_learning(engine: Engine, fake: FakeClock,
                                                rec: RecordingChannel) -> None:
    hourly = add(engine, fake.now(), time_source="default", rrule="FREQ=HOURLY",
                 dtstart=local("2026-11-20T20:00:00"))
    run_until(engine, fake, local("2026-11-20T23:30:00"))
    assert delivered(rec, hourly) == ["20:00", "21:00", "22:00", "23:00"]
    with session(engine.url, write=True) as db:  # seen, but not with confidence yet
        db.add(Preference(key="quiet_hours", value="22:00-07:00", source="learning", evidence=30,
                          confidence=0.4, updated_at=fake.now()))
    run_until(engine, fake, local("2026-11-21T00:30:00"))
    assert delivered(rec, hourly)[-1] == "00:00"
    with session(engine.url, write=True) as db:  # now learned with confidence: it acts
        row = db.get(Preference, "quiet_hours")
        assert row is not None
        row.source, row.confidence = "learned", 0.7
        db.add(row)
    run_until(engine, fake, local("2026-11-21T07:30:00"))
    assert delivered(rec, hourly)[-2:] == ["00:00", "07:00"]


def test_parse_shows_the_effect(fake: FakeClock, capsys: pytest.CaptureFixture[str],
                                taskd_home: Path) -> None:
    set_quiet(capsys, fake, "22:00-07:00")
    result = taskd(capsys, fake, "parse", "every 2 hours stretch", "--json", "--count", "4")
    assert result.code == 0, result.err
    data = result.json()
    held = data["held_by_quiet_hours"]
    assert held["quiet_hours"] == "22:00-07:00" and held["applies"] is True
    human = taskd(capsys, fake, "parse", "every 2 hours stretch").out
    assert "not between 22:00 and 07:00" in human
    stated = taskd(capsys, fake, "parse", "stretch at 23:30", "--json").json()
    assert stated["held_by_quiet_hours"]["applies"] is False
    assert stated["held_by_quiet_hours"]["held"] == []
    assert "not between" not in taskd(capsys, fake, "parse", "stretch at 23:30").out
    assert json.dumps(data)  # one JSON document


def test_the_long_autumn_night_is_held_to_seven_local(engine: Engine, fake: FakeClock,
                                                      rec: RecordingChannel,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET, a 10-hour quiet night; "every hour"
    # still rings last at 21:00 and next at 07:00 local, nothing in between.
    fake.jump_wall(local("2026-10-24T19:30:00") - fake.now())
    engine.watch.check()
    set_quiet(capsys, fake, "22:00-07:00")
    hourly = add(engine, fake.now(), time_source="default", rrule="FREQ=HOURLY",
                 dtstart=local("2026-10-24T20:00:00"))
    run_until(engine, fake, local("2026-10-25T07:30:00"))
    assert delivered(rec, hourly) == ["20:00", "21:00", "07:00"]
    fired = [m.fired_at for m in rec.sent if m.task_id == hourly]
    assert span(fired[1], fired[2]) == timedelta(hours=11)


def span(start: datetime, end: datetime) -> timedelta:
    from datetime import UTC

    return end.astimezone(UTC) - start.astimezone(UTC)
