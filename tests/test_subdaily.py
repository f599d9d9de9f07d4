"""Sub-daily windows and minute anchors: the rule `minute_steps` builds fires exactly at X, X+step,
... up to Y on every day (across both DST changes too), and the preview names those same fires."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from taskd.extract.rules.minute_steps import window_parts
from taskd.resolve.recurrence import after, join_rule
from taskd.resolve.words import describe_rule
from taskd.resolve.zones import get_zone

ZONE = get_zone("Europe/Berlin")
# An ordinary day, the days before the clocks go forward and back (the rule runs over the change).
DAYS = [date(2026, 12, 2), date(2027, 3, 27), date(2027, 10, 30)]
STEPS = [("MINUTELY", 5), ("MINUTELY", 7), ("MINUTELY", 15), ("MINUTELY", 20), ("MINUTELY", 30),
         ("MINUTELY", 45), ("MINUTELY", 90), ("HOURLY", 1), ("HOURLY", 2), ("HOURLY", 5)]
WINDOWS = [((9, 0), (11, 0)), ((9, 0), (17, 0)), ((9, 30), (12, 0)), ((7, 0), (10, 45)),
           ((0, 0), (4, 0))]


def _expected(day: date, start: tuple[int, int], end: tuple[int, int], step: int) -> list[datetime]:
    fires = []
    for offset in range(3):
        when = datetime.combine(day + timedelta(days=offset), time(*start))
        while when <= datetime.combine(day + timedelta(days=offset), time(*end)):
            fires.append(when)
            when += timedelta(minutes=step)
    return fires


# A window over the hour the clocks change (0:00-4:00 on a DST night) has no one wall-clock answer
# to compare with (the steps skip or repeat an hour): only the ordinary day has it.
CASES = [(day, start, end) for day in DAYS for start, end in WINDOWS
         if start != (0, 0) or day == DAYS[0]]


@pytest.mark.parametrize("freq,interval", STEPS)
@pytest.mark.parametrize("day,start,end", CASES)
def test_a_window_fires_at_each_step_and_nowhere_else(freq: str, interval: int, start: tuple[int, int],
                                                       end: tuple[int, int], day: date) -> None:
    step = interval * (60 if freq == "HOURLY" else 1)
    parts = window_parts({"FREQ": freq, **({"INTERVAL": str(interval)} if interval > 1 else {})},
                         start, end)
    assert parts is not None
    rule = join_rule(parts)
    # As the resolver starts them: a sub-daily rule at the window's start, a daily one from now.
    dtstart = datetime.combine(day, time(*start)) if parts["FREQ"] != "DAILY" else \
        datetime.combine(day, time(0, 0))
    moment = datetime.combine(day, time(0, 0)).replace(tzinfo=ZONE) - timedelta(seconds=1)
    wanted = _expected(day, start, end, step)
    got = [t.astimezone(ZONE).replace(tzinfo=None) for t in after(rule, dtstart, ZONE, moment, len(wanted))]
    assert got == wanted, rule
    fires = _expected(day, start, end, step)
    first, last = fires[0], [f for f in fires if f.date() == day][-1]
    words = describe_rule(rule)
    day_fires = [f"{f:%H:%M}" for f in fires if f.date() == day]
    listed = ", ".join(day_fires[:-1]) + " and " + day_fires[-1] if len(day_fires) > 1 else day_fires[0]
    assert f"from {first:%H:%M} to {last:%H:%M}" in words or words.endswith(f"at {listed}"), words

def test_a_window_with_too_many_fires_for_one_rule_asks() -> None:
    assert window_parts({"FREQ": "MINUTELY"}, (0, 0), (23, 0)) is None


@pytest.mark.parametrize("rule,words", [
    ("FREQ=HOURLY;BYMINUTE=30", "every hour at :30"),
    ("FREQ=HOURLY;INTERVAL=2;BYMINUTE=45", "every other hour at :45"),
    ("FREQ=HOURLY;BYHOUR=9,10,11,12,13,14,15,16,17;BYMINUTE=0", "every hour from 09:00 to 17:00"),
    ("FREQ=DAILY;BYHOUR=9,10,11;BYMINUTE=0,30;BYSETPOS=1,2,3,4,5",
     "every day, every 30 minutes from 09:00 to 11:00"),
    ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,10,12,13,15,16;BYMINUTE=0,30;BYSETPOS=1,4,5,8,9,12",
     "every weekday, every 90 minutes from 09:00 to 16:30"),
    ("FREQ=DAILY;BYHOUR=9,21;BYMINUTE=0", "every day at 09:00 and 21:00"),
])
def test_the_preview_says_the_fires(rule: str, words: str) -> None:
    assert describe_rule(rule) == words
