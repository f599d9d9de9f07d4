"""DST days and a 400-day sweep, driven by tick(now) on a FakeClock: no sleeping.

The engine is woken the way the service wakes it (at each next due instant, plus stray polls),
and every fire is checked against the wall clock it should have in its zone.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.resolve.zones import get_zone, localize
from taskd.schedule.engine import Engine
from tests.conftest_service import RecordingChannel, add_task


def make_engine(home: Path, start: datetime) -> tuple[Engine, FakeClock, RecordingChannel]:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('default_channels = ["rec"]\n')
    fake, rec = FakeClock(start), RecordingChannel()
    return Engine(settings_mod.load(), fake, {"rec": rec}, workers=1), fake, rec


def drive(engine: Engine, fake: FakeClock, until: datetime, poll: timedelta | None = None) -> None:
    """Tick at every next due instant (a second after it), and every `poll` in between."""
    while True:
        wakes = engine.next_wakes(1)
        target = wakes[0] + timedelta(seconds=1) if wakes else until
        if poll is not None:
            target = min(target, fake.now() + poll)
        if target > until:
            break
        fake.advance(max(target - fake.now(), timedelta(0)))
        engine.tick()


# zone, wall time of a daily task, the DST day, the wall time it must fire at that day.
CASES = [
    pytest.param("America/New_York", "02:30", "2025-03-09", "03:00", id="ny-spring-gap"),
    pytest.param("America/New_York", "01:30", "2025-11-02", "01:30", id="ny-autumn-fold"),
    pytest.param("Europe/Berlin", "02:30", "2025-03-30", "03:00", id="berlin-spring-gap"),
    pytest.param("Europe/Berlin", "02:30", "2025-10-26", "02:30", id="berlin-autumn-fold"),
    pytest.param("Australia/Lord_Howe", "02:15", "2025-10-05", "02:30", id="lordhowe-spring-30min"),
    pytest.param("Australia/Lord_Howe", "01:45", "2025-04-06", "01:45", id="lordhowe-autumn-30min"),
]


@pytest.mark.parametrize(("zone", "at", "day", "fires_at"), CASES)
def test_daily_across_dst_day_fires_once_at_policy_time(taskd_home: Path, zone: str, at: str,
                                                        day: str, fires_at: str) -> None:
    tz = get_zone(zone)
    dst_day = date.fromisoformat(day)
    start = localize(datetime.combine(dst_day - timedelta(days=2), datetime.min.time()), tz)
    engine, fake, rec = make_engine(taskd_home, start)
    hour, minute = (int(p) for p in at.split(":"))
    add_task(engine.url, start, tz=zone, rrule=f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0",
             dtstart=datetime.combine(dst_day - timedelta(days=2), datetime.min.time()))
    # Poll every 25 minutes too, as the service does: extra wake-ups must not add fires.
    drive(engine, fake, start + timedelta(days=5), poll=timedelta(minutes=25))
    walls = [m.scheduled_for.astimezone(tz) for m in rec.sent]
    per_day = Counter(w.date() for w in walls)
    assert all(n == 1 for n in per_day.values()), per_day
    assert len(per_day) == 5
    on_day = [w for w in walls if w.date() == dst_day]
    assert [w.strftime("%H:%M") for w in on_day] == [fires_at]
    assert on_day[0].fold == 0
    others = {w.strftime("%H:%M") for w in walls if w.date() != dst_day}
    assert others == {at}
    assert not any(m.late for m in rec.sent)


def test_every_30_minutes_across_fold_keeps_elapsed_time(taskd_home: Path) -> None:
    tz = get_zone("America/New_York")
    start = localize(datetime(2025, 11, 1, 23, 0), tz)
    engine, fake, rec = make_engine(taskd_home, start)
    add_task(engine.url, start, tz="America/New_York", rrule="FREQ=MINUTELY;INTERVAL=30",
             dtstart=datetime(2025, 11, 1, 23, 30))
    drive(engine, fake, start + timedelta(hours=6))
    # In UTC: Python subtracts two datetimes of one zone on the wall clock, not in elapsed time.
    instants = [m.scheduled_for.astimezone(UTC) for m in rec.sent]
    gaps = {b - a for a, b in itertools.pairwise(instants)}
    # 23:30 EDT to 04:30 EST is 6.5 wall hours but 7 real hours: 13 fires, 30 minutes apart.
    assert gaps == {timedelta(minutes=30)} and len(instants) == 13


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe"])
def test_400_day_sweep_daily_and_monthly(taskd_home: Path, zone: str) -> None:
    """Exactly one fire per matching day at the right wall time; no day skipped (#606, cronie#218)."""
    tz = get_zone(zone)
    start = localize(datetime(2025, 1, 1, 0, 0), tz)
    engine, fake, rec = make_engine(taskd_home, start)
    daily = add_task(engine.url, start, title="daily", tz=zone,
                     rrule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0", dtstart=datetime(2025, 1, 1))
    monthly = add_task(engine.url, start, title="monthly", tz=zone,
                       rrule="FREQ=MONTHLY;BYMONTHDAY=31;BYHOUR=8;BYMINUTE=0;BYSECOND=0",
                       dtstart=datetime(2025, 1, 1))
    drive(engine, fake, start + timedelta(days=400))
    by_task: dict[int, list[datetime]] = {daily: [], monthly: []}
    for message in rec.sent:
        by_task[message.task_id].append(message.scheduled_for.astimezone(tz))
    days = [w.date() for w in by_task[daily]]
    assert days == [date(2025, 1, 1) + timedelta(days=i) for i in range(400)]
    assert {w.strftime("%H:%M") for w in by_task[daily]} == {"09:00"}
    months = [(w.year, w.month) for w in by_task[monthly]]
    assert all(w.day == 31 and w.strftime("%H:%M") == "08:00" for w in by_task[monthly])
    assert months == [(2025, 1), (2025, 3), (2025, 5), (2025, 7), (2025, 8), (2025, 10),
                      (2025, 12), (2026, 1)]
    assert len(set(rec.keys())) == len(rec.sent) and not any(m.late for m in rec.sent)
