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
