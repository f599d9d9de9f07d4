"""Probes for clock-time ranges: range form × clock form of each end × day or interval context ×
title position. The expectations are computed here from the parameters, never from taskd's code:

- "range": a one-time day, a daily/weekly recurrence or no day at all. One reminder at a range is
  ambiguous (its start, its end, throughout?), so only a question is right; any schedule is wrong.
- "range×interval": "every hour", "every 30 minutes", "hourly"...: the range is the window the
  interval runs in. The first fires are the steps from the window's start to its end (the end
  itself included or not: both are read), each day, for every reading of the ends that makes a
  span of at most 12 hours ("9 to 5" is 09:00-17:00, "2 and 4pm" 14:00-16:00).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from tests.grammar_probes import (
    NOWS,
    TASKS,
    WEEKDAY_SPELLINGS,
    WEEKDAYS,
    Probe,
    place,
)

HM = tuple[int, int]
# (template, whether it is a dash between the ends, whether an end may carry daypart words)
FORMS = [("from {a} to {b}", False), ("from {a} till {b}", False), ("from {a} until {b}", False),
         ("from {a} til {b}", False), ("between {a} and {b}", False), ("{a}-{b}", True),
         ("{a}\u2013{b}", True), ("{a} - {b}", True), ("{a} to {b}", False), ("from {a}-{b}", True),
         ("{a} till {b}", False), ("{a} until {b}", False), ("from {a} thru {b}", False)]
# (context, step in minutes or None for a day without an interval)
CONTEXTS: list[tuple[str, int | None]] = [
    ("tomorrow", None), ("on WEEKDAY", None), ("every day", None), ("every weekday", None),
    ("every WEEKDAY", None), ("", None), ("daily", None), ("every hour", 60), ("hourly", 60),
    ("every 30 minutes", 30), ("every 2 hours", 120), ("every 15 minutes", 15),
    ("each hour", 60), ("every 20 minutes", 20), ("every hour on weekdays", 60),
    ("every 30 minutes on weekdays", 30)]


def end_forms(hour: int, minute: int, dash: bool) -> list[tuple[str, frozenset[HM]]]:
    """Every way to write one end at hour:minute (24-hour), with the readings each allows."""
    h12 = hour % 12 or 12
    ap = "am" if hour < 12 else "pm"
    both = frozenset({(h12 % 12, minute), (h12 % 12 + 12, minute)})
    exact = frozenset({(hour, minute)})
    out: list[tuple[str, frozenset[HM]]] = [
        (f"{h12}:{minute:02d}{ap}", exact), (f"{h12}:{minute:02d} {ap}", exact),
        (f"{hour:02d}:{minute:02d}", both if hour < 12 else exact),
        (f"{h12}:{minute:02d}", both), (f"{h12}.{minute:02d}", both) if minute else
        (f"{h12}:{minute:02d}", both)]
    if hour >= 13:
        out.append((f"{hour}:{minute:02d}", exact))
    if not minute:
        out += [(f"{h12}", both), (f"{h12}{ap}", exact), (f"{h12} {ap}", exact),
                (f"{h12} o'clock", both)]
        if hour == 12:
            out.append(("noon", exact))
        if not dash:
            part = "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"
            out.append((f"{h12} in the {part}", exact))
    return out


def _windows(starts: frozenset[HM], ends: frozenset[HM]) -> set[tuple[int, int]]:
    """The readings of a range, in minutes of the day: an end after the start, within 12 hours."""
    out = set()
    for sh, sm in starts:
        for eh, em in ends:
            s, e = sh * 60 + sm, eh * 60 + em
            if 0 < e - s <= 12 * 60:
                out.add((s, e))
    return out


def _fires(now: datetime, start: int, end: int, step: int, inclusive: bool, weekdays_only: bool,
           n: int = 6) -> tuple[datetime, ...]:
    out: list[datetime] = []
    day = now.date()
    while len(out) < n:
        if weekdays_only and day.weekday() >= 5:
            day += timedelta(days=1)
            continue
        t = start
        while t < end or (inclusive and t == end):
            when = datetime.combine(day, datetime.min.time()) + timedelta(minutes=t)
            if when > now and len(out) < n:
                out.append(when)
            t += step
        day += timedelta(days=1)
    return tuple(out)


def _names_a_date(a: int, b: int, weekday: int, today: date) -> bool:
    """"friday 7-6" where 6 July or 7 June is a coming Friday: a numeric date, not hours."""
    for year in (today.year, today.year + 1):
        for month, day in ((a, b), (b, a)):
            try:
                when = date(year, month, day)
            except ValueError:
                continue
            if when >= today and when.weekday() == weekday:
                return True
    return False


def range_probes(seed: int = 7, count: int = 1500) -> list[Probe]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        now = rng.choice(NOWS)
        template, dash = rng.choice(FORMS)
        if rng.random() < 0.75:
            sh, eh = rng.randint(6, 11), rng.randint(13, 19)  # a working day: "9 to 5"
        else:
            sh = rng.randint(12, 16)
            eh = rng.randint(sh + 1, 20)  # an afternoon: "between 2 and 4pm"
        sm, em = rng.choice([0, 0, 0, 30]), rng.choice([0, 0, 0, 30])
        a, starts = rng.choice(end_forms(sh, sm, dash))
        b, ends = rng.choice(end_forms(eh, em, dash))
        windows = _windows(starts, ends)
        if not windows:
            continue
        phrase = template.format(a=a, b=b)
        context, step = rng.choice(CONTEXTS)
        wd = rng.randrange(7)
        context = context.replace("WEEKDAY", rng.choice(WEEKDAY_SPELLINGS[wd]) if context.startswith(
            "on") else WEEKDAYS[wd])
        bare_dash = dash and not template.startswith("from") and a.isdigit() and b.isdigit()
        if bare_dash and (not context or (context.startswith("on") and _names_a_date(
                int(a), int(b), wd, now.date()))):
            continue  # "call bob 9-5", "on friday 7-6": a numeric date, which dates.py reads
        before = rng.random() < 0.5
        if context:
            phrase = f"{context} {phrase}" if before else f"{phrase} {context}"
        task = rng.choice(TASKS)
        text = place(rng, phrase, task)
        if step is None:
            out.append(Probe("range", text, now, frozenset(), task))
            continue
        accept = frozenset(_fires(now, s, e, step, inclusive, "weekdays" in context)
                           for s, e in windows for inclusive in (True, False))
        out.append(Probe("range×interval", text, now, accept, task))
    return out
