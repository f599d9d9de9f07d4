"""Sub-daily probe families for tests/grammar_probes.py (which composes them into `all_probes`):
minute anchor × hourly form × interval × position ("every 2 hours at quarter past"), and minute
step × window form × clock forms of the window's ends ("every 20 minutes from 9:30 to 5pm").
The fires are computed here with datetime arithmetic from the parameters alone: an hourly rule
fires at the next anchor minute after now, then every N elapsed hours (the wall-clock reading
across a DST change is accepted too); a window fires at X, X+step, ... up to Y (Y included when
it falls on the step), every day or every weekday.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.grammar_probes import NOWS, TASKS, ZONE, Probe, place

_UTC = ZoneInfo("UTC")
_NUMBER_WORDS = {5: "five", 10: "ten", 20: "twenty", 25: "twenty five"}


def anchor_forms(rng: random.Random) -> list[tuple[str, int]]:
    """(words, minute of the hour) for every way of naming the minute an hourly rule fires at."""
    n = rng.choice([5, 10, 20, 25])
    spelled = rng.choice([str(n), _NUMBER_WORDS[n]])
    mm = rng.choice([5, 15, 40, 45, 50])
    hour = rng.choice(["the hour", "each hour", "every hour"])
    return [
        ("on the hour", 0), ("at the top of the hour", 0), ("on the half hour", 30),
        ("on the half-hour", 30), ("at half past", 30), ("at half past the hour", 30),
        ("at quarter past", 15), ("at a quarter past the hour", 15), ("at quarter to", 45),
        ("at a quarter to the hour", 45), (f"at {spelled} past", n), (f"at {spelled} past {hour}", n),
        (f"{spelled} minutes past {hour}", n), (f"{spelled} minutes after {hour}", n),
        (f"at {spelled} minutes past", n), (f"{spelled} mins past {hour}", n),
        (f"{spelled} minutes before {hour}", 60 - n), (f"at {spelled} to the hour", 60 - n),
        (f"at :{mm:02d}", mm), (f"at xx:{mm:02d}", mm), (f"at minute {mm}", mm),
        (f"at the {mm}th minute", mm), (f"at the {mm}th minute of {hour}", mm),
    ]


HOURLY_FORMS = {1: ["every hour", "hourly", "each hour", "every single hour"],
                2: ["every 2 hours", "every two hours", "every other hour"],
                3: ["every 3 hours", "every three hours", "each 3 hours"]}


def _elapsed(first: datetime, hours: int, n: int) -> tuple[datetime, ...]:
    start = first.replace(tzinfo=ZONE).astimezone(_UTC)
    return tuple((start + timedelta(hours=hours * k)).astimezone(ZONE).replace(tzinfo=None)
                 for k in range(n))


def _anchor_fires(now: datetime, minute: int, hours: int, n: int = 4) -> frozenset[tuple[datetime, ...]]:
    first = now.replace(minute=minute, second=0, microsecond=0)
    if first <= now:
        first += timedelta(hours=1)
    wall = tuple(first + timedelta(hours=hours * k) for k in range(n))
    return frozenset({_elapsed(first, hours, n), wall})


def anchor_probes(seed: int = 7, count: int = 500) -> list[Probe]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        now = rng.choice(NOWS)
        anchor, minute = rng.choice(anchor_forms(rng))
        hours = rng.choice(list(HOURLY_FORMS))
        every = rng.choice(HOURLY_FORMS[hours])
        if "each hour" in anchor or "every hour" in anchor:
            # "10 minutes past each hour" says the hour itself: only an interval goes with it
            phrase = anchor if hours == 1 else f"{every} {anchor}"
        else:
            phrase = f"{every} {anchor}" if rng.random() < 0.6 else f"{anchor} {every}"
        task = rng.choice(TASKS)
        out.append(Probe("minute anchor", place(rng, phrase, task), now,
                         _anchor_fires(now, minute, hours), task))
    return out


# (words, minutes per step)
STEPS = [("every 5 minutes", 5), ("every 5 min", 5), ("every ten minutes", 10), ("every 10 mins", 10),
         ("every 15 minutes", 15), ("every 15 min", 15), ("every fifteen minutes", 15),
         ("every 20 minutes", 20), ("every twenty minutes", 20), ("every 30 minutes", 30),
         ("every 30 min", 30), ("every half hour", 30), ("every 45 minutes", 45),
         ("every 90 minutes", 90), ("every 1.5 hours", 90), ("every hour", 60), ("every 2 hours", 120)]
WINDOWS = ["between {x} and {y}", "from {x} to {y}", "from {x} till {y}", "from {x} until {y}"]


def _clock_words(rng: random.Random, hour: int, minute: int, end: bool, start_hour: int) -> str:
    """One way of writing hour:minute as a window's end: 24-hour, am/pm, or a bare hour that the
    reader places after the start ("between 9 and 5" ends at 17:00)."""
    twelve = hour % 12 or 12
    suffix = "am" if hour < 12 else "pm"
    forms = [f"{hour}:{minute:02d}", f"{hour:02d}:{minute:02d}",
             f"{twelve}:{minute:02d}{suffix}", f"{twelve}:{minute:02d} {suffix}"]
    if minute == 0:
        forms += [f"{twelve}{suffix}", f"{twelve} {suffix}"]
        bare_ok = (not end and 7 <= hour <= 11) or (end and (hour == twelve or hour - 12 > start_hour))
        if bare_ok:
            forms.append(str(twelve))
        if hour == 12:
            forms.append("noon")
    return rng.choice(forms)


def _window_fires(now: datetime, start: time, end: time, step: int, weekdays: bool,
                  n: int = 4) -> tuple[datetime, ...]:
    fires: list[datetime] = []
    day: date = now.date()
    while len(fires) < n:
        if not weekdays or day.weekday() < 5:
            when = datetime.combine(day, start)
            last = datetime.combine(day, end)
            while when <= last and len(fires) < n:
                if when > now:
                    fires.append(when)
                when += timedelta(minutes=step)
        day += timedelta(days=1)
    return tuple(fires)


def window_probes(seed: int = 8, count: int = 500) -> list[Probe]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        now = rng.choice(NOWS)
        words, step = rng.choice(STEPS)
        start = time(rng.choice([7, 8, 9, 10]), rng.choice([0, 0, 30]))
        end = time(rng.choice([11, 12, 13, 15, 17, 18]), rng.choice([0, 0, 30]))
        x = _clock_words(rng, start.hour, start.minute, False, start.hour)
        y = _clock_words(rng, end.hour, end.minute, True, start.hour)
        window = rng.choice(WINDOWS).format(x=x, y=y)
        weekdays = rng.random() < 0.25
        phrase = f"{words} {window}" if rng.random() < 0.7 else f"{window} {words}"
        if weekdays:
            phrase += " on weekdays"
        task = rng.choice(TASKS)
        out.append(Probe("minute window", place(rng, phrase, task), now,
                         frozenset({_window_fires(now, start, end, step, weekdays)}), task))
    return out
