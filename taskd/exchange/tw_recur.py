"""Taskwarrior `recur` values -> RFC 5545 rule parts. One small recogniser per form, composed.

Forms (Taskwarrior's duration syntax, https://taskwarrior.org/docs/durations/): a named period
("daily", "weekdays", "biweekly", "quarterly", "semiannual", "annual"...), a count and a unit
("3d", "2wk", "6 months", "1.5h"), or an ISO-8601 duration ("P1D", "P2W", "PT30M").
Taskwarrior reads months and years on the calendar, which is what FREQ=MONTHLY/YEARLY do; days
and weeks it adds as seconds, where taskd keeps the wall-clock time through DST (its policy for
daily and coarser rules).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

Period = tuple[str, int]  # (FREQ, INTERVAL); ("WEEKDAYS", 1) for Monday to Friday

NAMED: dict[str, Period] = {
    "daily": ("DAILY", 1), "day": ("DAILY", 1),
    "weekdays": ("WEEKDAYS", 1),
    "weekly": ("WEEKLY", 1), "week": ("WEEKLY", 1), "wk": ("WEEKLY", 1), "sennight": ("WEEKLY", 1),
    "biweekly": ("WEEKLY", 2), "fortnight": ("WEEKLY", 2),
    "monthly": ("MONTHLY", 1), "month": ("MONTHLY", 1), "mo": ("MONTHLY", 1),
    "bimonthly": ("MONTHLY", 2),
    "quarterly": ("MONTHLY", 3), "quarter": ("MONTHLY", 3), "qtr": ("MONTHLY", 3),
    "semiannual": ("MONTHLY", 6),
    "annual": ("YEARLY", 1), "yearly": ("YEARLY", 1), "year": ("YEARLY", 1), "yr": ("YEARLY", 1),
    "biannual": ("YEARLY", 2), "biyearly": ("YEARLY", 2),
    "hourly": ("HOURLY", 1), "hour": ("HOURLY", 1), "hr": ("HOURLY", 1),
    "minute": ("MINUTELY", 1), "min": ("MINUTELY", 1),
}

# unit word -> (FREQ, how many of that FREQ one unit is)
UNITS: dict[str, tuple[str, int]] = {}
for _words, _unit in (
    (("s", "sec", "secs", "second", "seconds"), ("SECONDLY", 1)),
    (("min", "mins", "minute", "minutes"), ("MINUTELY", 1)),
    (("h", "hr", "hrs", "hour", "hours"), ("HOURLY", 1)),
    (("d", "day", "days"), ("DAILY", 1)),
    (("w", "wk", "wks", "week", "weeks"), ("WEEKLY", 1)),
    (("m", "mo", "mos", "mth", "mths", "mnths", "month", "months"), ("MONTHLY", 1)),
    (("q", "qtr", "qtrs", "qrtrs", "quarter", "quarters"), ("MONTHLY", 3)),
    (("y", "yr", "yrs", "year", "years"), ("YEARLY", 1)),
):
    for _word in _words:
        UNITS[_word] = _unit

# A fractional count moves down to a unit that makes it whole ("1.5d" is 36 hours).
FINER = {"WEEKLY": ("DAILY", 7), "DAILY": ("HOURLY", 24), "HOURLY": ("MINUTELY", 60),
         "MINUTELY": ("SECONDLY", 60)}
_COUNTED = re.compile(r"^(\d+(?:\.\d+)?)\s*([a-z]+)$")
_ISO = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
_ISO_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")


class Untranslatable(ValueError):
    """A recur value with no RRULE that fires the same times; the message says why."""


def _whole(freq: str, count: Fraction) -> Period:
    while count.denominator != 1:
        if freq not in FINER:
            raise Untranslatable(f"a fraction of a {freq.lower().removesuffix('ly')} has no calendar rule")
        freq, factor = FINER[freq]
        count *= factor
    return freq, int(count)


def _named(value: str) -> Period | None:
    return NAMED.get(value)


def _counted(value: str) -> Period | None:
    match = _COUNTED.match(value)
    if not match or match.group(2) not in UNITS:
        return None
    freq, per = UNITS[match.group(2)]
    return _whole(freq, Fraction(match.group(1)) * per)


def _iso(value: str) -> Period | None:
    match = _ISO.match(value.upper())
    if not match:
        return None
    given = [(freq, int(n)) for freq, n in zip(_ISO_FREQS, match.groups(), strict=True) if n]
    if len(given) != 1:
        raise Untranslatable("an ISO duration with more than one unit has no single RRULE period")
    return given[0]


RECOGNISERS: tuple[Callable[[str], Period | None], ...] = (_named, _counted, _iso)


def period(recur: str) -> Period:
    """(FREQ, INTERVAL) for a Taskwarrior recur value, or Untranslatable."""
    value = " ".join(recur.strip().lower().split())
    for recognise in RECOGNISERS:
        found = recognise(value)
        if found is not None:
            break
    else:
        raise Untranslatable(f"{recur!r} is not a Taskwarrior duration taskd knows")
    freq, interval = found
    if interval < 1:
        raise Untranslatable(f"{recur!r} is not a positive period")
    if freq == "SECONDLY":
        if interval % 60:
            raise Untranslatable("taskd fires at most once a minute")
        freq, interval = "MINUTELY", interval // 60
    return freq, interval
