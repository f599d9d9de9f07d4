"""Quiet hours, the pure decision (taskd.learn.quiet.hold_until), by families: how the time was
chosen (stated or not) x where the delivery falls (inside, outside, on an edge) x zone (DST
changes, spans that wrap midnight)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from taskd.learn.quiet import QuietHours, Timing, hold_until, preview, preview_words, stated
from tests.conftest import local

NIGHT = QuietHours.parse("22:00-07:00", "explicit")
AFTERNOON = QuietHours.parse("13:00-15:00", "learned")

# How the time was chosen: (time_source, rrule, kind), and whether the user stated the moment.
UNSTATED = {
    "daypart": ("daypart", None, "reminder"),
    "default time": ("default", None, "reminder"),
    "daily daypart rule": ("daypart", "FREQ=DAILY;BYHOUR=21;BYMINUTE=0;BYSECOND=0", "reminder"),
    "every hour": ("default", "FREQ=HOURLY", "reminder"),
    "every 2 hours, imported as explicit": ("explicit", "FREQ=HOURLY;INTERVAL=2", "reminder"),
    "agent routine check": ("default", "FREQ=MINUTELY;INTERVAL=15", "agent"),
}
STATED = {
    "at 23:30": ("explicit", None, "reminder"),
    "in 10 minutes": ("explicit", None, "reminder"),
    "every day at 23:00": ("explicit", "FREQ=DAILY;BYHOUR=23;BYMINUTE=0;BYSECOND=0", "reminder"),
    "every hour from 8 to 23": ("explicit", "FREQ=HOURLY;BYHOUR=8,9,10,22,23", "reminder"),
    "agent every day at 23:00": ("explicit", "FREQ=DAILY;BYHOUR=23;BYMINUTE=0", "agent"),
}


def span(start: datetime, end: datetime | None) -> timedelta:
    """Real time between two instants (same-zone aware subtraction reads the wall clock)."""
    assert end is not None
    return end.astimezone(UTC) - start.astimezone(UTC)


def timing(family: tuple[str, str | None, str], tz: str = "Europe/Berlin") -> Timing:
    source, rrule, kind = family
    return Timing(source, rrule, kind, tz)


@pytest.mark.parametrize("name", UNSTATED)
def test_unstated_inside_is_held_until_the_end(name: str) -> None:
    at = local("2026-11-21T23:30:00")
    assert hold_until(timing(UNSTATED[name]), at, NIGHT) == local("2026-11-22T07:00:00")
    after_midnight = local("2026-11-22T03:10:00")
    assert hold_until(timing(UNSTATED[name]), after_midnight, NIGHT) == local("2026-11-22T07:00:00")


@pytest.mark.parametrize("name", STATED)
@pytest.mark.parametrize("at", ["2026-11-21T22:00:00", "2026-11-21T23:30:00", "2026-11-22T06:59:59"])
def test_a_stated_time_is_never_held(name: str, at: str) -> None:
    assert stated(timing(STATED[name]))
    assert hold_until(timing(STATED[name]), local(at), NIGHT) is None


@pytest.mark.parametrize("origin", ["snooze", "manual"])
def test_what_the_user_asked_for_now_is_never_held(origin: str) -> None:
    # "snooze 30m" at 21:50, `taskd run 3` at midnight: the user chose that moment
    task = timing(UNSTATED["daypart"])
    assert hold_until(task, local("2026-11-21T23:00:00"), NIGHT, origin=origin) is None


@pytest.mark.parametrize("name", UNSTATED)
@pytest.mark.parametrize("at", ["2026-11-21T21:59:59", "2026-11-22T07:00:00", "2026-11-22T12:00:00"])
def test_outside_and_on_the_end_edge_goes_out_at_once(name: str, at: str) -> None:
    assert hold_until(timing(UNSTATED[name]), local(at), NIGHT) is None


def test_the_start_edge_is_inside() -> None:
    assert hold_until(timing(UNSTATED["daypart"]), local("2026-11-21T22:00:00"), NIGHT) == \
        local("2026-11-22T07:00:00")


def test_a_span_that_does_not_wrap() -> None:
    task = timing(UNSTATED["every hour"])
    assert hold_until(task, local("2026-11-21T13:00:00"), AFTERNOON) == local("2026-11-21T15:00:00")
    assert hold_until(task, local("2026-11-21T12:59:00"), AFTERNOON) is None
    assert hold_until(task, local("2026-11-21T15:00:00"), AFTERNOON) is None
    assert hold_until(task, local("2026-11-21T23:00:00"), AFTERNOON) is None


def test_off_when_nothing_is_in_force() -> None:
    assert hold_until(timing(UNSTATED["every hour"]), local("2026-11-21T23:30:00"), None) is None


@pytest.mark.parametrize("value", ["", "22-07", "25:00-07:00", "22:00-22:00", "22:00–07:00"])
def test_malformed_or_empty_spans_are_off(value: str) -> None:
    assert QuietHours.parse(value, "explicit") is None


def test_spring_forward_night_is_an_hour_shorter_but_ends_at_seven() -> None:
    # Berlin, 2026-03-29: 02:00 becomes 03:00. A run at 01:30 waits until 07:00 CEST: 4.5 hours.
    at = local("2026-03-29T01:30:00")
    end = hold_until(timing(UNSTATED["every hour"]), at, NIGHT)
    assert end == local("2026-03-29T07:00:00") and span(at, end) == timedelta(hours=4, minutes=30)


def test_fall_back_night_is_an_hour_longer_but_ends_at_seven() -> None:
    at = local("2026-10-25T01:30:00")
    end = hold_until(timing(UNSTATED["every hour"]), at, NIGHT)
    assert end == local("2026-10-25T07:00:00") and span(at, end) == timedelta(hours=6, minutes=30)


def test_an_end_in_the_spring_gap_ends_at_the_jump() -> None:
    # New York, 2026-03-08: 02:00 EST becomes 03:00 EDT; quiet until 02:30 ends at 03:00 EDT.
    quiet = QuietHours.parse("23:00-02:30", "explicit", "America/New_York")
    end = hold_until(timing(UNSTATED["daypart"], "America/New_York"),
                     local("2026-03-08T01:00:00", "America/New_York"), quiet)
    assert end == local("2026-03-08T03:00:00", "America/New_York")


def test_an_end_in_the_autumn_fold_is_the_next_reading_of_it() -> None:
    # New York, 2026-11-01: 01:00-02:00 happens twice. Quiet until 01:30; a run at the second
    # 01:10 (EST) waits for the second 01:30, not the first one (which has passed).
    zone = "America/New_York"
    quiet = QuietHours.parse("23:00-01:30", "explicit", zone)
    second_pass = datetime.fromisoformat("2026-11-01T01:10:00-05:00")
    end = hold_until(timing(UNSTATED["every hour"], zone), second_pass, quiet)
    assert end == datetime.fromisoformat("2026-11-01T01:30:00-05:00")
    first_pass = datetime.fromisoformat("2026-11-01T01:10:00-04:00")
    assert hold_until(timing(UNSTATED["every hour"], zone), first_pass, quiet) == \
        datetime.fromisoformat("2026-11-01T01:30:00-04:00")


def test_quiet_hours_are_read_in_the_users_zone_not_the_tasks() -> None:
    # A default-time task stored in Tokyo; the user sleeps in Berlin.
    quiet = QuietHours.parse("22:00-07:00", "learned", "Europe/Berlin")
    task = timing(UNSTATED["default time"], "Asia/Tokyo")
    at = local("2026-11-21T23:00:00")  # Berlin night, Tokyo morning
    assert hold_until(task, at, quiet) == local("2026-11-22T07:00:00")
    assert hold_until(task, at, QuietHours.parse("22:00-07:00", "learned")) is None  # Tokyo's zone


def test_preview_names_the_effect_for_a_sub_daily_rule() -> None:
    task = timing(("default", "FREQ=HOURLY;INTERVAL=2", "reminder"))
    fires = [local("2026-11-21T20:00:00") + timedelta(hours=2 * i) for i in range(3)]
    shown = preview(task, fires, NIGHT)
    assert shown is not None and shown["applies"] is True
    assert [h["due"] for h in shown["held"]] == [f.isoformat() for f in fires[1:]]
    assert preview_words(task, fires, NIGHT) == "not between 22:00 and 07:00"


def test_preview_of_a_stated_time_says_it_is_never_held() -> None:
    task = timing(STATED["at 23:30"])
    shown = preview(task, [local("2026-11-21T23:30:00")], NIGHT)
    assert shown is not None and shown["applies"] is False and shown["held"] == []
    assert "stated" in str(shown["why"])
    assert preview_words(task, [local("2026-11-21T23:30:00")], NIGHT) is None
    assert preview(task, [local("2026-11-21T23:30:00")], None) is None


def test_preview_of_a_one_time_daypart_in_quiet_hours() -> None:
    quiet = QuietHours.parse("20:00-07:00", "learned")
    task = timing(UNSTATED["daypart"])
    assert preview_words(task, [local("2026-11-21T21:00:00")], quiet) == \
        "held until 07:00 (quiet hours 20:00-07:00)"
    assert preview_words(task, [local("2026-11-21T19:00:00")], quiet) is None
