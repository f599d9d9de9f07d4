"""Preferences: keys, validation, and the view the resolver uses. Explicit values always win.

Forgetting deletes the row and records `pref_forgotten`; the learner ignores every event up to
that moment for that key (taskd.learn.signals), so the old evidence cannot bring it back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from taskd.errors import BadInput
from taskd.resolve.dayparts import DEFAULT_TIMES, TimePref
from taskd.resolve.durations import parse_duration

if TYPE_CHECKING:
    from sqlmodel import Session

TIME_KEYS = tuple(DEFAULT_TIMES)
OTHER_KEYS = {
    "snooze": "10m",
    "channel": None,
    "quiet_hours": None,
}
KEYS = (*TIME_KEYS, *OTHER_KEYS)
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
_QUIET = re.compile(r"^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$")


def normalise_time(value: str) -> str:
    match = _CLOCK.match(value.strip())
    if not match:
        raise BadInput(f"{value!r} is not a time of day such as 07:30 or 7:30am")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower()
    if suffix:
        if not 1 <= hour <= 12:
            raise BadInput(f"{value!r} is not a time of day")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise BadInput(f"{value!r} is not a time of day")
    return f"{hour:02d}:{minute:02d}"


def validate(key: str, value: str) -> str:
    key = key.replace("-", "_")
    if key not in KEYS:
        raise BadInput(f"unknown preference {key!r}; known: {', '.join(KEYS)}")
    if key in TIME_KEYS:
        return normalise_time(value)
    if key == "snooze":
        parse_duration(value)
        return value.strip()
    if key == "quiet_hours":
        match = _QUIET.match(value.replace(" ", ""))
        if not match:
            raise BadInput("quiet_hours looks like 22:00-07:00")
        return "-".join(normalise_time(t) for t in match.groups())
    return value.strip()


IN_USE = ("explicit", "learned")  # "learning": shown by `taskd prefs`, not used yet


def time_prefs(db: Session) -> dict[str, TimePref]:
    """The time preferences in force: what the user stated, and what was learned with enough
    confidence. Keys without one fall back to the defaults in the resolver."""
    from taskd.store.repo import preferences

    return {p.key: TimePref(p.value, p.source) for p in preferences(db)
            if p.key in TIME_KEYS and p.source in IN_USE}


def current(db: Session, key: str) -> str | None:
    """The value in force for one key: stated, else confidently learned, else the default."""
    from taskd.store.tables import Preference

    row = db.get(Preference, key)
    if row is not None and row.source in IN_USE:
        return row.value
    return defaults()[key]


def set_explicit(db: Session, key: str, value: str, now: datetime, *, said: str | None = None) -> str:
    """State a preference; it wins over anything learned until the user forgets it.

    `said` is the user's own words when the value came from text rather than `prefs set` (the model
    pipeline reads "I start work at 8" in an add): `set_explicit(db, "morning", "08:00", now,
    said="I start work at 8")`. Raises BadInput for an unknown key or a malformed value.
    """
    from taskd.store.repo import record
    from taskd.store.tables import Preference

    key = key.replace("-", "_")
    clean = validate(key, value)
    row = db.get(Preference, key) or Preference(key=key, value=clean, updated_at=now)
    previous = {"value": row.value, "source": row.source} if row.evidence else None
    row.value, row.source, row.confidence, row.updated_at = clean, "explicit", 1.0, now
    row.evidence = 1
    row.detail_json = json.dumps({"stated": clean, "said": said.strip()[:200] if said else None,
                                  "previous": previous})
    db.add(row)
    record(db, "pref_set", now, key=key, value=clean, said=said)
    return clean


def forget(db: Session, key: str, now: datetime) -> bool:
    from taskd.store.repo import record
    from taskd.store.tables import Preference

    key = key.replace("-", "_")
    if key not in KEYS:
        raise BadInput(f"unknown preference {key!r}; known: {', '.join(KEYS)}")
    row = db.get(Preference, key)
    if row is None:
        return False
    db.delete(row)
    record(db, "pref_forgotten", now, key=key)
    return True


def defaults() -> Mapping[str, str | None]:
    return {**DEFAULT_TIMES, **OTHER_KEYS}
