"""resolve: draft + now + zone (+ preferences) -> concrete, aware fire times.

Pure and deterministic: `now` is passed in, nothing reads a clock or a database.
Relative offsets: years/months/weeks/days move the local calendar (so "in 2 days" keeps the wall
time across DST); hours/minutes/seconds are elapsed time ("in 2 hours" is 7200 real seconds).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from taskd.errors import BadInput, NeedsClarification, PastTime
from taskd.resolve import recurrence
from taskd.resolve.dayparts import TimePref, choose, describe
from taskd.resolve.zones import get_zone, localize, wall

if TYPE_CHECKING:
    from taskd.draft import Draft, Offset, Schedule

__all__ = ["Resolved", "resolve", "upcoming"]

DEFAULT_QUESTION = "When should this happen?"


@dataclass(frozen=True)
class Resolved:
    """A task's concrete schedule: an IANA zone, the first instant and the rule it repeats by."""

    zone: str
    first: datetime
    rrule: str | None = None
    dtstart: datetime | None = None  # naive local wall clock the rule expands from
    upcoming: tuple[datetime, ...] = ()
    assumptions: tuple[str, ...] = field(default=())

    @property
    def recurring(self) -> bool:
        return self.rrule is not None


def upcoming(rrule: str | None, dtstart: datetime | None, zone_name: str, first: datetime,
             moment: datetime, count: int) -> list[datetime]:
    """Fire instants strictly after `moment`: the stored form of a task, expanded."""
    if count <= 0:
        return []
    if rrule is None or dtstart is None:
        return [first] if first > moment else []
    return recurrence.after(rrule, dtstart, get_zone(zone_name), moment, count)


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(f"{value} is not a real date") from exc


def _parse_time(value: str) -> time:
    return time.fromisoformat(value)


def _time_of_day(schedule: Schedule, prefs: Mapping[str, TimePref] | None,
                 notes: list[str]) -> time:
    if schedule.time is not None:
        return _parse_time(schedule.time)
    key = schedule.daypart if schedule.daypart else "default_time"
    pref = choose(key, prefs)
    notes.append(describe(key, pref))
    return pref.as_time


def _apply_offset(now: datetime, offset: Offset, zone_name: str) -> datetime:
    zone = get_zone(zone_name)
    calendar = relativedelta(years=offset.years, months=offset.months, weeks=offset.weeks,
                             days=offset.days)
    moved = localize(wall(now, zone) + calendar, zone) if calendar else now
    elapsed = timedelta(hours=offset.hours, minutes=offset.minutes, seconds=offset.seconds)
    # In UTC: Python adds to an aware datetime on its wall clock when the zone stays the same.
    return (moved.astimezone(UTC) + elapsed).astimezone(zone)


def _resolve_once(schedule: Schedule, now: datetime, zone_name: str,
                  prefs: Mapping[str, TimePref] | None, notes: list[str]) -> datetime:
    zone = get_zone(zone_name)
    local_now = wall(now, zone)
    if schedule.date is None and schedule.time is None and schedule.daypart is None:
        raise NeedsClarification(DEFAULT_QUESTION)
    clock = _time_of_day(schedule, prefs, notes)
    if schedule.date is not None:
        when = localize(datetime.combine(_parse_date(schedule.date), clock), zone)
        if when <= now:
            shown = when.strftime("%a %d %b %Y %H:%M %Z")
            raise PastTime(f"that time has passed ({shown})")
        return when
    # A time without a date: its next occurrence.
    candidate = datetime.combine(local_now.date(), clock)
    when = localize(candidate, zone)
    if when <= now:
        when = localize(candidate + timedelta(days=1), zone)
    return when


def _resolve_rule(schedule: Schedule, now: datetime, zone_name: str,
                  prefs: Mapping[str, TimePref] | None,
                  notes: list[str]) -> tuple[str, datetime]:
    assert schedule.rrule is not None
    zone = get_zone(zone_name)
    parts = recurrence.validate_rule(schedule.rrule)
    local_now = wall(now, zone).replace(microsecond=0)
    start_day = _parse_date(schedule.date) if schedule.date else None
    if parts["FREQ"] in recurrence.SUB_DAILY:
        if schedule.time is not None or start_day is not None:
            clock = _parse_time(schedule.time) if schedule.time else time(0, 0)
            dtstart = datetime.combine(start_day or local_now.date(), clock)
        else:
            unit = {"HOURLY": "hours", "MINUTELY": "minutes", "SECONDLY": "seconds"}[parts["FREQ"]]
            step = timedelta(**{unit: int(parts.get("INTERVAL", "1"))})
            # "every 10 hours" is elapsed time, also across a DST change: step in UTC.
            target = now.replace(second=0, microsecond=0) + step
            dtstart = wall(target, zone)
            if localize(dtstart, zone) != target:
                # The second pass of a repeated hour has no naive name of its own; start one
                # step earlier on the same grid (a time already past, so never fired).
                dtstart = wall(target - step, zone)
        return recurrence.join_rule(parts), dtstart
    if "BYHOUR" not in parts:
        clock = _time_of_day(schedule, prefs, notes)
        parts["BYHOUR"] = str(clock.hour)
        parts["BYMINUTE"] = str(clock.minute)
        parts["BYSECOND"] = str(clock.second)
    else:
        parts.setdefault("BYMINUTE", "0")
        parts.setdefault("BYSECOND", "0")
    # The rule expands from the start day, or from now: COUNT then counts only future fires.
    earliest = local_now + timedelta(seconds=1)
    dtstart = earliest if start_day is None else max(datetime.combine(start_day, time()), earliest)
    return recurrence.join_rule(parts), dtstart


def resolve(draft: Draft, now: datetime, tz: str,
            prefs: Mapping[str, TimePref] | None = None, count: int = 3) -> Resolved:
    """Turn a draft into concrete fire times. `now` must be aware; `tz` is the user's zone."""
    if now.tzinfo is None:
        raise ValueError("resolve() needs an aware `now`")
    now = now.astimezone(UTC)  # compare instants, never two wall clocks sharing a ZoneInfo
    if draft.schedule is None:
        raise NeedsClarification(draft.question or DEFAULT_QUESTION)
    zone_name = draft.tz or tz
    zone = get_zone(zone_name)
    schedule = draft.schedule
    notes = list(draft.assumptions)
    if schedule.offset is not None:
        first = _apply_offset(now, schedule.offset, zone_name)
        return Resolved(zone_name, first, upcoming=(first,), assumptions=tuple(notes))
    if schedule.rrule is None:
        first = _resolve_once(schedule, now, zone_name, prefs, notes)
        return Resolved(zone_name, first, upcoming=(first,), assumptions=tuple(notes))
    rule, dtstart = _resolve_rule(schedule, now, zone_name, prefs, notes)
    fires = recurrence.after(rule, dtstart, zone, now, max(count, 1))
    if not fires:
        raise BadInput("that recurrence never fires again")
    return Resolved(zone_name, fires[0], rule, dtstart, tuple(fires[:count]), tuple(notes))
