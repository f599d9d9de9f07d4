"""The live tasks as an iCalendar (RFC 5545) feed, built with the `icalendar` library.

One VEVENT per live task: UID from the task's uid (stable across exports), DTSTART in the task's
zone (TZID, with a VTIMEZONE), its RRULE, and a VALARM at the fire time.

Agreeing with taskd's own fires where RFC 5545 reads times differently:
- a wall time in a spring-forward gap: RFC 5545 reads it with the offset before the gap (02:30 in
  New York becomes 03:30 EDT); taskd fires at the next valid instant (03:00). Such occurrences get
  an EXDATE and an RDATE at taskd's instant, for the next CORRECTION_YEARS;
- hourly and minutely rules follow elapsed time in taskd. Without local BY parts their DTSTART is
  written in UTC, where RFC expansion is elapsed time too; with BY parts (BYHOUR, BYDAY...) the
  occurrences that DST moves are corrected with EXDATE/RDATE for the next SUB_DAILY_YEARS.
A fold (a wall time that happens twice) fires the first time in both, so it needs nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from taskd import __version__

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlmodel import Session

    from taskd.store.tables import Task

CORRECTION_YEARS = 10
SUB_DAILY_YEARS = 2
LOCAL_BY_PARTS = {"BYMONTH", "BYMONTHDAY", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND", "BYYEARDAY",
                  "BYWEEKNO", "BYSETPOS"}


def event_uid(task: Task) -> str:
    return f"{task.uid}@taskd"


def _rule_value(rule: str) -> Any:
    from icalendar import vRecur

    return vRecur.from_ical(rule)


def _naive_stream(task: Task, zone: ZoneInfo) -> Any:
    """The rule's occurrences as an RFC 5545 reader expands them: naive local wall clock."""
    from dateutil.rrule import rrulestr

    from taskd.resolve.recurrence import _until_local, join_rule, split_rule

    assert task.rrule is not None and task.dtstart is not None
    parts = split_rule(task.rrule)
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_local(parts["UNTIL"], zone)
    return rrulestr(join_rule(parts), dtstart=datetime.fromisoformat(task.dtstart), cache=False)


def _rfc_instant(naive: datetime, zone: ZoneInfo) -> datetime:
    # zoneinfo's fold=0 is RFC 5545's reading: the offset before a gap, the first pass of a fold.
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


@lru_cache(maxsize=64)
def _gaps(zone_name: str, first: date, last: date) -> tuple[tuple[datetime, datetime], ...]:
    """The zone's spring-forward gaps between two dates, as naive local [start, end) windows."""
    from taskd.resolve.zones import get_zone

    zone = get_zone(zone_name)
    found = []
    moment = datetime.combine(first, datetime.min.time(), UTC)
    end = datetime.combine(last, datetime.min.time(), UTC)
    day = timedelta(days=1)
    while moment < end:
        before, after = moment.astimezone(zone).utcoffset(), (moment + day).astimezone(zone).utcoffset()
        if before is not None and after is not None and after > before:
            low, high = moment, moment + day
            while high - low > timedelta(seconds=1):  # the jump, to the second
                mid = low + (high - low) / 2
                low, high = (mid, high) if mid.astimezone(zone).utcoffset() == before else (low, mid)
            start = (high + before).replace(tzinfo=None)
            found.append((start, start + (after - before)))
        moment += day
    return tuple(found)


def _gap_corrections(task: Task, zone: ZoneInfo, start: datetime,
                     horizon: datetime) -> tuple[list[datetime], list[datetime]]:
    """Wall-clock rules: occurrences in a gap move to taskd's instant (EXDATE + RDATE in UTC)."""
    from dateutil.rrule import rrulestr

    from taskd.resolve.recurrence import _until_local, fast_forward, join_rule, split_rule
    from taskd.resolve.zones import localize

    assert task.rrule is not None and task.dtstart is not None
    parts = split_rule(task.rrule)
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_local(parts["UNTIL"], zone)
    rule, dtstart = join_rule(parts), datetime.fromisoformat(task.dtstart)
    ex: list[datetime] = []
    r: list[datetime] = []
    for gap_start, gap_end in _gaps(task.tz, date(start.year, 1, 1), date(horizon.year + 1, 1, 1)):
        if gap_end <= start:
            continue
        # From a start with the same phase shortly before the gap: a few steps, not years of them.
        near = fast_forward(task.rrule, dtstart, gap_start - timedelta(days=1))
        built = rrulestr(rule, dtstart=near, cache=False)
        for naive in built.between(gap_start, gap_end - timedelta(seconds=1), inc=True):
            if naive < dtstart:
                continue
            ex.append(naive)
            moved = localize(naive, zone).astimezone(UTC)
            if moved not in r:  # two wall times in one gap land on one instant: fire once
                r.append(moved)
    return ex, r


def _elapsed_corrections(task: Task, zone: ZoneInfo, start: datetime,
                         horizon: datetime) -> tuple[list[datetime], list[datetime]]:
    """Sub-daily rules with local BY parts: where DST makes wall-clock and elapsed time differ."""
    from taskd.resolve.recurrence import instants

    assert task.dtstart is not None
    theirs: dict[datetime, datetime] = {}
    for naive in _naive_stream(task, zone):
        if naive < start:
            continue
        instant = _rfc_instant(naive, zone)
        if instant > horizon:
            break
        theirs.setdefault(instant, naive)
    ours: set[datetime] = set()
    for instant in instants(task.rrule or "", datetime.fromisoformat(task.dtstart), zone):
        utc = instant.astimezone(UTC)
        if utc > horizon:
            break
        ours.add(utc)
    first = min(theirs, default=None)
    ex = [naive for instant, naive in theirs.items() if instant not in ours]
    r = sorted(i for i in ours if i not in theirs and (first is None or i >= first))
    return sorted(ex), r


def _event(task: Task, now: datetime) -> Any:
    from icalendar import Alarm, Event

    from taskd.resolve.recurrence import SUB_DAILY, split_rule
    from taskd.resolve.zones import get_zone

    zone = get_zone(task.tz)
    event = Event()
    event.add("uid", event_uid(task))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("created", task.created_at.astimezone(UTC))
    event.add("last-modified", task.updated_at.astimezone(UTC))
    event.add("summary", task.title)
    if task.message or task.source_text:
        event.add("description", task.message or task.source_text)
    if task.rrule is None or task.dtstart is None:
        when = task.next_fire_at or task.first_at
        event.add("dtstart", when.astimezone(zone))
    else:
        parts = split_rule(task.rrule)
        sub_daily = parts["FREQ"] in SUB_DAILY
        first_naive = next(iter(_naive_stream(task, zone)), None)
        if first_naive is None:
            return None
        if sub_daily and not LOCAL_BY_PARTS & parts.keys():
            from taskd.resolve.zones import localize

            start = localize(datetime.fromisoformat(task.dtstart), zone).astimezone(UTC)
            event.add("dtstart", start)  # elapsed time: UTC, where RFC expansion is elapsed too
        else:
            event.add("dtstart", first_naive.replace(tzinfo=zone))
            years = SUB_DAILY_YEARS if sub_daily else CORRECTION_YEARS
            horizon = now.astimezone(UTC) + timedelta(days=366 * years)
            correct = _elapsed_corrections if sub_daily else _gap_corrections
            exdates, rdates = correct(task, zone, first_naive, horizon)
            for naive in exdates:
                event.add("exdate", naive.replace(tzinfo=zone))
            for instant in rdates:
                event.add("rdate", instant)
        event.add("rrule", _rule_value(task.rrule))
    if task.status == "paused":
        event.add("status", "TENTATIVE")  # shown, but it will not remind until resumed
    else:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", task.title)
        alarm.add("trigger", timedelta(0))  # at the fire time itself
        event.add_component(alarm)
    return event


def calendar_for(tasks: list[Task], now: datetime) -> bytes:
    """The iCalendar document of these tasks (the caller picks the live ones)."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", f"-//taskd//taskd {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "taskd")
    earliest = now.date()
    for task in tasks:
        event = _event(task, now)
        if event is not None:
            cal.add_component(event)
            start = event.decoded("dtstart")
            earliest = min(earliest, start.date() if isinstance(start, datetime) else start)
    cal.add_missing_timezones(first_date=date(earliest.year - 1, 1, 1),
                              last_date=date(now.year + CORRECTION_YEARS + 1, 1, 1))
    return bytes(cal.to_ical())


def calendar(db: Session, now: datetime) -> bytes:
    """The feed of the live tasks (active and paused), as GET /calendar.ics will serve it."""
    from taskd.store.repo import list_tasks

    return calendar_for(list(list_tasks(db)), now)
