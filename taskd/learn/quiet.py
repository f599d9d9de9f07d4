"""Quiet hours that act: a delivery whose moment the user did not state waits until they end.

Pure functions; no database (taskd.learn.acting applies them to claimed runs).

What the user stated is never held: a clock time ("at 23:30", "every day at 23:00", BYHOUR in the
rule), an offset ("in 10 minutes"), a snooze they asked for, `taskd run`. What they did not state
for that moment is held: a daypart or the default time (the words chose it, not the user), and
each run of a sub-daily rule without stated hours ("every hour": they stated a rhythm, not that
it should ring at 03:00). Agent tasks follow the same rule: a routine check ("every 15 minutes")
waits, a check "every day at 23:00" does not.

Quiet hours are wall-clock times in the user's zone and may wrap midnight ("22:00-07:00"); the
start is inside, the end is not. The end of a hold is the first instant after the delivery at
which the wall clock reads the end time, by the DST policy of taskd.resolve.zones (an end time in
a spring-forward gap ends at the jump; one in an autumn fold at the occurrence that comes next).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Protocol

from taskd.resolve.recurrence import SUB_DAILY, split_rule
from taskd.resolve.zones import exists, get_zone, localize, wall

STATED_ORIGINS = ("snooze", "manual")  # the user asked for that moment themselves
UNSTATED_SOURCES = ("daypart", "default")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class Timed(Protocol):
    """What the decision reads from a task (a stored Task, or a preview of one)."""

    time_source: str
    rrule: str | None
    kind: str
    tz: str


@dataclass(frozen=True)
class Timing:
    """A task that is not stored yet (the `parse`/`add` preview)."""

    time_source: str
    rrule: str | None
    kind: str
    tz: str


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time
    source: str  # "explicit" (taskd prefs set) or "learned" (confident)
    zone: str | None = None  # None: the task's own zone

    @classmethod
    def parse(cls, value: str, source: str, zone: str | None = None) -> QuietHours | None:
        """"22:00-07:00" -> QuietHours; None for anything malformed or empty (start == end)."""
        match = _SPAN.match(value.replace(" ", ""))
        if not match:
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) == (h2, m2):
            return None
        return cls(time(h1, m1), time(h2, m2), source, zone)

    @property
    def text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def words(self) -> str:
        return f"not between {self.start:%H:%M} and {self.end:%H:%M}"

    def contains(self, clock: time) -> bool:
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end


def stated(task: Timed, origin: str = "schedule") -> bool:
    """Whether the user stated this delivery's moment (then quiet hours never touch it)."""
    if origin in STATED_ORIGINS:
        return True
    if task.rrule:
        parts = split_rule(task.rrule)
        if parts.get("FREQ") in SUB_DAILY and "BYHOUR" not in parts:
            return False
    return task.time_source not in UNSTATED_SOURCES


def _end_after(at: datetime, quiet: QuietHours, zone_name: str) -> datetime:
    """The first instant after `at` at which the wall clock in the zone reads `quiet.end` (in UTC:
    an aware datetime with fold=1 never equals one in another zone)."""
    zone = get_zone(zone_name)
    day = wall(at, zone).date()
    # In UTC: aware datetimes that share a tzinfo compare by wall clock, blind to the fold.
    start = at.astimezone(UTC)
    candidates: list[datetime] = []
    for offset in (0, 1, 2):
        naive = datetime.combine(day + timedelta(days=offset), quiet.end)
        candidates.append(localize(naive, zone).astimezone(UTC))
        if exists(naive, zone):  # the second reading of a wall time in an autumn fold
            candidates.append(naive.replace(tzinfo=zone, fold=1).astimezone(UTC))
    return min(c for c in candidates if c > start)


def hold_until(task: Timed, at: datetime, quiet: QuietHours | None, *,
               origin: str = "schedule") -> datetime | None:
    """When a delivery due at `at` may go out instead, or None when it goes out at `at`: no quiet
    hours in force, a moment the user stated, or `at` outside them."""
    if quiet is None or stated(task, origin):
        return None
    zone_name = quiet.zone or task.tz
    local = wall(at, get_zone(zone_name))
    if not quiet.contains(local.time()):
        return None
    return _end_after(at, quiet, zone_name)


@dataclass(frozen=True)
class Held:
    due: datetime
    until: datetime


def preview(task: Timed, upcoming: list[datetime], quiet: QuietHours | None) -> dict[str, object] | None:
    """What `parse`/`add` show: whether quiet hours apply to this task and which of its next fires
    they hold. None when no quiet hours are in force."""
    if quiet is None:
        return None
    applies = not stated(task)
    held = [Held(at, end) for at in upcoming
            if applies and (end := hold_until(task, at, quiet)) is not None]
    if not applies:
        why = "you stated the time, so quiet hours never hold it"
    elif task.rrule and split_rule(task.rrule).get("FREQ") in SUB_DAILY:
        why = f"runs that fall in quiet hours wait until {quiet.end:%H:%M}"
    else:
        why = f"the time was chosen for you, so it waits until {quiet.end:%H:%M} in quiet hours"
    return {"quiet_hours": quiet.text, "source": quiet.source, "applies": applies, "why": why,
            "held": [{"due": h.due.isoformat(), "until": h.until.isoformat()} for h in held]}


def preview_words(task: Timed, upcoming: list[datetime], quiet: QuietHours | None) -> str | None:
    """The human line's addition: ", not between 22:00 and 07:00" for a rule that crosses them,
    "held until 07:00 (quiet hours)" for a one-time fire in them; None when nothing changes."""
    if quiet is None or stated(task):
        return None
    if task.rrule and split_rule(task.rrule).get("FREQ") in SUB_DAILY:
        return quiet.words
    first = upcoming[0] if upcoming else None
    end = hold_until(task, first, quiet) if first is not None else None
    if end is None:
        return None
    local = wall(end, get_zone(quiet.zone or task.tz))
    return f"held until {local:%H:%M} (quiet hours {quiet.text})"
