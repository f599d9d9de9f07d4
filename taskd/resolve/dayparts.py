"""What a vague time means: daypart words and the time used when none is given.

These defaults are what a new user gets; learned or explicit preferences (taskd.learn) replace
them per key, and the resolver reports which one decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time

DEFAULT_TIMES: dict[str, str] = {
    "morning": "09:00",
    "afternoon": "15:00",
    "evening": "19:00",
    "tonight": "20:00",
    "night": "21:00",
    "end_of_day": "17:00",
    "default_time": "09:00",
}

WORDS = {
    "morning": "morning",
    "afternoon": "afternoon",
    "evening": "evening",
    "tonight": "tonight",
    "night": "night",
    "end_of_day": "end of day",
    "default_time": "usual time",
}


# "early/mid/late <daypart>": minutes from that daypart's time, default or learned, so that a
# user whose morning is 07:30 gets mid-morning at 09:00.
SHIFTS: dict[tuple[str, str], int] = {
    ("early", "morning"): -120, ("mid", "morning"): 90, ("late", "morning"): 120,
    ("early", "afternoon"): -120, ("mid", "afternoon"): 0, ("late", "afternoon"): 120,
    ("early", "evening"): -60, ("mid", "evening"): 30, ("late", "evening"): 120,
    ("early", "night"): -60, ("mid", "night"): 0, ("late", "night"): 120,
    ("early", "tonight"): -60, ("mid", "tonight"): 0, ("late", "tonight"): 120,
}


def daypart_shift(edge: str, key: str) -> int:
    return SHIFTS.get((edge, key), 0)


def shifted(key: str, minutes: int, prefs: Mapping[str, TimePref] | None) -> str:
    """The daypart's time moved by `minutes`, as HH:MM, kept inside the day."""
    base = choose(key, prefs).as_time
    total = min(max(base.hour * 60 + base.minute + minutes, 0), 23 * 60 + 59)
    return f"{total // 60:02d}:{total % 60:02d}"


@dataclass(frozen=True)
class TimePref:
    """A time of day with where it came from: default, learned or explicit."""

    value: str
    source: str = "default"

    @property
    def as_time(self) -> time:
        hour, minute = (int(x) for x in self.value.split(":")[:2])
        return time(hour, minute)


def choose(key: str, prefs: Mapping[str, TimePref] | None) -> TimePref:
    if prefs and key in prefs:
        return prefs[key]
    return TimePref(DEFAULT_TIMES[key])


def describe(key: str, pref: TimePref) -> str:
    """How a preview explains a chosen time: "07:30 — your usual morning"."""
    word = WORDS[key]
    if pref.source == "default":
        return f"{pref.value} — the default time" if key == "default_time" else \
            f"{pref.value} — default for {word}"
    if pref.source == "explicit":
        return f"{pref.value} — your {word} (set by you)"
    return f"{pref.value} — your usual {word}"
