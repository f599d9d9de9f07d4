"""The resolver: DST policy, recurrences in the wall clock, offsets, past times."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from taskd.draft import Draft, Offset, Schedule
from taskd.errors import BadInput, NeedsClarification, PastTime
from taskd.resolve import recurrence, resolve, upcoming
from taskd.resolve.dayparts import TimePref
from taskd.resolve.zones import get_zone, localize
from tests.conftest import local


def _draft(**schedule: object) -> Draft:
    return Draft(title="t", schedule=Schedule(**schedule))  # type: ignore[arg-type]


def _wall(instants: list[datetime] | tuple[datetime, ...], zone: str) -> list[str]:
    return [str(t.astimezone(get_zone(zone))) for t in instants]


# Compared as strings: == on aware datetimes compares instants, which would hide a wrong offset.
DST_ONE_TIME = [
    ("ny_spring_gap", "America/New_York", "2025-03-08T12:00", "2025-03-09", "02:30",
     "2025-03-09 03:00:00-04:00"),
    ("ny_autumn_fold", "America/New_York", "2025-11-01T12:00", "2025-11-02", "01:30",
     "2025-11-02 01:30:00-04:00"),
    ("berlin_spring_gap", "Europe/Berlin", "2026-03-28T12:00", "2026-03-29", "02:15",
     "2026-03-29 03:00:00+02:00"),
    ("berlin_autumn_fold", "Europe/Berlin", "2026-10-24T12:00", "2026-10-25", "02:30",
     "2026-10-25 02:30:00+02:00"),
    ("lord_howe_half_hour_gap", "Australia/Lord_Howe", "2026-10-03T12:00", "2026-10-04", "02:10",
     "2026-10-04 02:30:00+11:00"),
    ("santiago_midnight_gap", "America/Santiago", "2026-09-05T12:00", "2026-09-06", "00:00",
     "2026-09-06 01:00:00-03:00"),
]


@pytest.mark.parametrize(("zone", "now", "day", "clock", "expected"),
                         [case[1:] for case in DST_ONE_TIME], ids=[c[0] for c in DST_ONE_TIME])
def test_one_time_dst(zone: str, now: str, day: str, clock: str, expected: str) -> None:
    got = resolve(_draft(date=day, time=clock, time_source="explicit"), local(now, zone), zone)
    assert str(got.first.astimezone(get_zone(zone))) == expected


def test_daily_9am_stays_9am_across_both_transitions() -> None:
    zone = "America/New_York"
    got = resolve(_draft(rrule="FREQ=DAILY", time="09:00", time_source="explicit"),
                  local("2025-03-07T12:00", zone), zone, count=4)
    assert _wall(got.upcoming, zone) == [
        "2025-03-08 09:00:00-05:00", "2025-03-09 09:00:00-04:00",
        "2025-03-10 09:00:00-04:00", "2025-03-11 09:00:00-04:00"]


def test_daily_in_the_gap_fires_once_at_the_jump_then_normally() -> None:
    zone = "America/New_York"
    got = resolve(_draft(rrule="FREQ=DAILY", time="02:30", time_source="explicit"),
                  local("2025-03-08T12:00", zone), zone, count=2)
    assert _wall(got.upcoming, zone) == ["2025-03-09 03:00:00-04:00", "2025-03-10 02:30:00-04:00"]


def test_daily_in_the_fold_fires_once() -> None:
    zone = "America/New_York"
    got = resolve(_draft(rrule="FREQ=DAILY", time="01:30", time_source="explicit"),
                  local("2025-11-01T12:00", zone), zone, count=3)
    assert _wall(got.upcoming, zone) == [
        "2025-11-02 01:30:00-04:00", "2025-11-03 01:30:00-05:00", "2025-11-04 01:30:00-05:00"]


def test_every_30_minutes_across_the_fold_is_30_elapsed_minutes() -> None:
    zone = "America/New_York"
    got = resolve(_draft(rrule="FREQ=MINUTELY;INTERVAL=30"), local("2025-11-02T00:40", zone),
                  zone, count=6)
    utc = [t.astimezone(UTC) for t in got.upcoming]
    assert {b - a for a, b in itertools.pairwise(utc)} == {timedelta(minutes=30)}
    assert _wall(got.upcoming, zone)[:3] == [
        "2025-11-02 01:10:00-04:00", "2025-11-02 01:40:00-04:00", "2025-11-02 01:10:00-05:00"]


@pytest.mark.parametrize(("zone", "now", "first"), [
    ("America/Los_Angeles", "2026-10-31T18:59", "2026-11-01 03:59:00-08:00"),  # fall back
    ("Europe/London", "2027-03-28T00:59", "2027-03-28 07:59:00+01:00"),  # spring forward
])
def test_every_n_hours_starts_n_elapsed_hours_from_now_across_dst(zone: str, now: str,
                                                                    first: str) -> None:
    start = local(now, zone)
    rule = "FREQ=HOURLY;INTERVAL=10" if zone.startswith("America") else "FREQ=HOURLY;INTERVAL=6"
    got = resolve(_draft(rrule=rule), start, zone, count=2)
    assert _wall(got.upcoming, zone)[0] == first
    assert got.upcoming[0].astimezone(UTC) - start.astimezone(UTC) == timedelta(
        hours=int(rule.rsplit("=", 1)[1]))


def test_every_hour_landing_in_the_repeated_hour_fires_there() -> None:
    zone = "America/New_York"  # 01:30 EDT + 1h = 01:30 EST, a wall time that happens twice
    got = resolve(_draft(rrule="FREQ=HOURLY"), local("2025-11-02T01:30", zone), zone, count=2)
    assert _wall(got.upcoming, zone) == ["2025-11-02 01:30:00-05:00", "2025-11-02 02:30:00-05:00"]


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
                                  "America/Santiago"])
def test_400_day_sweep_daily_and_monthly(zone: str) -> None:
    start = local("2026-01-01T12:00", zone)
    daily = resolve(_draft(rrule="FREQ=DAILY", time="09:15", time_source="explicit"), start, zone)
    fires = upcoming(daily.rrule, daily.dtstart, zone, daily.first, start, 400)
    days = [f.astimezone(get_zone(zone)).date() for f in fires]
    assert len(set(days)) == 400 and days == sorted(days)
    assert all((b - a).days == 1 for a, b in itertools.pairwise(days))
    assert {f.astimezone(get_zone(zone)).strftime("%H:%M") for f in fires} == {"09:15"}
    monthly = resolve(_draft(rrule="FREQ=MONTHLY;BYMONTHDAY=-1", time="23:30",
                             time_source="explicit"), start, zone)
    ends = upcoming(monthly.rrule, monthly.dtstart, zone, monthly.first, start, 13)
    for fire in ends:
        local_fire = fire.astimezone(get_zone(zone))
        assert (local_fire + timedelta(days=1)).day == 1 and local_fire.strftime("%H:%M") == "23:30"


def test_offsets_split_calendar_and_elapsed_time() -> None:
    zone = "Europe/Berlin"
    now = local("2026-03-28T12:00", zone)  # the night after is the spring-forward night
    in_a_day = resolve(_draft(offset=Offset(days=1), time_source="explicit"), now, zone).first
    in_24h = resolve(_draft(offset=Offset(hours=24), time_source="explicit"), now, zone).first
    assert str(in_a_day) == "2026-03-29 12:00:00+02:00"
    assert str(in_24h) == "2026-03-29 13:00:00+02:00"


def test_an_explicit_past_time_is_an_error_not_a_move() -> None:
    with pytest.raises(PastTime, match="that time has passed"):
        resolve(_draft(date="2026-11-20", time="09:00", time_source="explicit"),
                local("2026-11-21T10:00"), "Europe/Berlin")


def test_a_time_without_a_date_is_its_next_occurrence() -> None:
    got = resolve(_draft(time="09:00", time_source="explicit"), local("2026-11-21T10:00"),
                  "Europe/Berlin")
    assert str(got.first) == "2026-11-22 09:00:00+01:00"


def test_learned_daypart_fills_the_time_and_says_so() -> None:
    prefs = {"morning": TimePref("07:30", "learned")}
    got = resolve(_draft(date="2026-11-22", daypart="morning", time_source="daypart"),
                  local("2026-11-21T10:00"), "Europe/Berlin", prefs)
    assert str(got.first) == "2026-11-22 07:30:00+01:00"
    assert got.assumptions == ("07:30 — your usual morning",)


def test_count_counts_from_the_first_fire() -> None:
    got = resolve(_draft(rrule="FREQ=DAILY;BYHOUR=9,21;COUNT=3"), local("2026-11-21T10:00"),
                  "Europe/Berlin", count=10)
    assert [t.strftime("%d %H") for t in got.upcoming] == ["21 21", "22 09", "22 21"]


def test_until_a_date_includes_that_day() -> None:
    got = resolve(_draft(rrule="FREQ=DAILY;UNTIL=20261124", time="18:00", time_source="explicit"),
                  local("2026-11-21T10:00"), "Europe/Berlin", count=10)
    assert [t.day for t in got.upcoming] == [21, 22, 23, 24]


def test_a_question_is_raised_as_clarification() -> None:
    with pytest.raises(NeedsClarification, match="When"):
        resolve(Draft(title="t", question="When should I remind you?"),
                local("2026-11-21T10:00"), "Europe/Berlin")


@pytest.mark.parametrize("rule", ["FREQ=SECONDLY", "FREQ=FORTNIGHTLY", "FREQ=DAILY;INTERVAL=0",
                                  "FREQ=DAILY;COUNT=2;UNTIL=20270101"])
def test_bad_rules_are_bad_input(rule: str) -> None:
    with pytest.raises(BadInput):
        resolve(_draft(rrule=rule), local("2026-11-21T10:00"), "Europe/Berlin")


def test_unknown_zone_is_bad_input() -> None:
    with pytest.raises(BadInput, match="unknown time zone"):
        get_zone("Mars/Olympus_Mons")


def test_localize_matches_dateutil_on_ordinary_times() -> None:
    zone = get_zone("Asia/Tokyo")
    assert str(localize(datetime(2026, 1, 1, 9), zone)) == "2026-01-01 09:00:00+09:00"
    assert recurrence.split_rule("RRULE:FREQ=DAILY;BYHOUR=9") == {"FREQ": "DAILY", "BYHOUR": "9"}


def test_a_sub_daily_rule_that_never_meets_its_grid_is_refused_not_searched_forever() -> None:
    # Whole hours from 10:00 never land on minute 30: this used to spin for a century of hours.
    draft = Draft(title="x", schedule=Schedule(
        rrule="FREQ=HOURLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=17;BYMINUTE=30", time_source="explicit"))
    with pytest.raises(BadInput, match="never fires"):
        resolve(draft, local("2026-11-21T10:00:00"), "Europe/Berlin")
