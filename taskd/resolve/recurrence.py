"""RRULE expansion in a zone, with the DST policy of `zones`.

Daily and coarser rules expand on the local wall clock ("every day at 9am" stays 09:00 across DST;
each wall time then goes through `localize`). Sub-daily rules (HOURLY, MINUTELY, SECONDLY) expand
on elapsed time from the start instant, so "every 30 minutes" stays 30 real minutes apart through
a fold instead of stalling or firing twice; their BY parts (BYHOUR, BYDAY...) filter on local time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import HOURLY, MINUTELY, SECONDLY, rrule, rrulestr

from taskd.errors import BadInput
from taskd.resolve.zones import localize, wall

SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
MIN_INTERVAL = timedelta(minutes=1)
# A rule that matches nothing for this long is treated as empty. 100 years holds 10 fires of
# "every February 29" (24 leap days), which the eval's 10-fire comparison needs.
SEARCH_HORIZON = timedelta(days=366 * 100)
# Sub-daily candidates are filtered one by one; a year of misses in a row means the BY parts can
# never meet the elapsed-time grid ("every hour at 17:30" on whole hours from 10:00).
MISS_SPAN = timedelta(days=366)


def split_rule(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for part in rule.upper().removeprefix("RRULE:").split(";"):
        if not part:
            continue
        name, _, value = part.partition("=")
        parts[name] = value
    return parts


def join_rule(parts: dict[str, str]) -> str:
    order = ["FREQ", "INTERVAL", "BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY",
             "BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS", "WKST", "COUNT", "UNTIL"]
    names = sorted(parts, key=lambda n: order.index(n) if n in order else len(order))
    return ";".join(f"{name}={parts[name]}" for name in names)


def _until_local(value: str, zone: ZoneInfo) -> str:
    """UNTIL as a floating local time, which is how dateutil wants it beside a naive DTSTART."""
    if value.endswith("Z"):
        instant = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return wall(instant, zone).strftime("%Y%m%dT%H%M%S")
    if "T" not in value:  # a date: "until Friday" includes Friday
        return value + "T235959"
    return value


def _build(rule: str, dtstart: datetime, zone: ZoneInfo) -> rrule:
    parts = split_rule(rule)
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_local(parts["UNTIL"], zone)
    try:
        built = rrulestr(join_rule(parts), dtstart=dtstart, cache=False)
    except (ValueError, TypeError, KeyError) as exc:
        raise BadInput(f"invalid recurrence {rule!r}: {exc}") from exc
    if not isinstance(built, rrule):
        raise BadInput(f"invalid recurrence {rule!r}")
    return built


def _wall_clock_instants(rule: rrule, zone: ZoneInfo) -> Iterator[datetime]:
    last: datetime | None = None
    for naive in rule:
        instant = localize(naive, zone)
        # Two wall times in one gap land on the same instant: fire once. Compared in UTC,
        # because two datetimes sharing a ZoneInfo compare by wall clock, ignoring fold.
        utc = instant.astimezone(UTC)
        if last is not None and utc <= last:
            continue
        last = utc
        yield instant


_FREQ_CONST = {"HOURLY": HOURLY, "MINUTELY": MINUTELY, "SECONDLY": SECONDLY}
_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _matches_local(local: datetime, parts: dict[str, str]) -> bool:
    def ints(name: str) -> set[int] | None:
        return {int(v) for v in parts[name].split(",")} if name in parts else None

    checks = {
        "BYMONTH": local.month,
        "BYHOUR": local.hour,
        "BYMINUTE": local.minute,
        "BYSECOND": local.second,
    }
    for name, value in checks.items():
        allowed = ints(name)
        if allowed is not None and value not in allowed:
            return False
    days = ints("BYMONTHDAY")
    if days is not None:
        last = (date(local.year + local.month // 12, local.month % 12 + 1, 1) - timedelta(days=1)).day
        if local.day not in days and local.day - last - 1 not in days:
            return False
    if "BYDAY" in parts:
        names = {d[-2:] for d in parts["BYDAY"].split(",")}
        if _WEEKDAYS[local.weekday()] not in names:
            return False
    return True


def _elapsed_instants(rule: str, start: datetime, zone: ZoneInfo) -> Iterator[datetime]:
    parts = split_rule(rule)
    unsupported = {"BYSETPOS", "BYYEARDAY", "BYWEEKNO"} & parts.keys()
    if unsupported:
        raise BadInput(f"{', '.join(sorted(unsupported))} is not supported with {parts['FREQ']}")
    interval = int(parts.get("INTERVAL", "1"))
    base = rrule(_FREQ_CONST[parts["FREQ"]], interval=interval,
                 dtstart=start.astimezone(UTC).replace(tzinfo=None))
    until = None
    if "UNTIL" in parts:
        until = datetime.strptime(_until_local(parts["UNTIL"], zone), "%Y%m%dT%H%M%S")
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    emitted = misses = 0
    step = {"HOURLY": 3600, "MINUTELY": 60, "SECONDLY": 1}[parts["FREQ"]] * interval
    max_misses = int(MISS_SPAN.total_seconds()) // step
    for utc_naive in base:
        instant = utc_naive.replace(tzinfo=UTC)
        local = wall(instant, zone)
        if until is not None and local > until:
            return
        if not _matches_local(local, parts):
            misses += 1
            if misses > max_misses:
                raise BadInput("that recurrence never fires")
            continue
        misses = 0
        yield instant.astimezone(zone)
        emitted += 1
        if count is not None and emitted >= count:
            return


def validate_rule(rule: str) -> dict[str, str]:
    parts = split_rule(rule)
    freq = parts.get("FREQ")
    if freq not in ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", *SUB_DAILY):
        raise BadInput(f"invalid recurrence frequency {freq!r}")
    if "COUNT" in parts and "UNTIL" in parts:
        raise BadInput("a recurrence cannot have both COUNT and UNTIL")
    interval = int(parts.get("INTERVAL", "1")) if parts.get("INTERVAL", "1").isdigit() else 0
    if interval < 1:
        raise BadInput(f"invalid INTERVAL in {rule!r}")
    step = {"SECONDLY": timedelta(seconds=1), "MINUTELY": timedelta(minutes=1)}.get(freq)
    if step is not None and step * interval < MIN_INTERVAL:
        raise BadInput("taskd fires at most once a minute")
    return parts


def instants(rule: str, dtstart: datetime, zone: ZoneInfo) -> Iterator[datetime]:
    """Every fire instant of `rule`, in order, from `dtstart` (naive local wall clock)."""
    parts = validate_rule(rule)
    if parts["FREQ"] in SUB_DAILY:
        yield from _elapsed_instants(rule, localize(dtstart, zone), zone)
    else:
        yield from _wall_clock_instants(_build(rule, dtstart, zone), zone)


_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7}


def fast_forward(rule: str, dtstart: datetime, target: datetime) -> datetime:
    """A later DTSTART that expands to the same fires from `target` (naive local) on.

    Expanding an old task's rule from its first day costs a step per past period; a task that
    has run daily for years would pay that on every wake-up. Moving DTSTART by whole multiples
    of the rule's period keeps its phase (every other week stays on the same weeks). Rules with
    COUNT must count from their real start, and month or year steps are taken only where the
    start day cannot be clamped (the 31st, Feb 29), so those keep their DTSTART.
    """
    parts = split_rule(rule)
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1"))
    if "COUNT" in parts or target <= dtstart:
        return dtstart
    # Stop two periods short of the target, so nothing at or after it can be skipped.
    if freq in _PERIOD_DAYS:
        step = _PERIOD_DAYS[freq] * interval
        periods = (target - dtstart).days // step - 2
        return dtstart + timedelta(days=step * periods) if periods > 0 else dtstart
    if freq in SUB_DAILY:
        return dtstart  # elapsed-time rules step in UTC: see _elapsed_from
    months = (target.year - dtstart.year) * 12 + target.month - dtstart.month
    step = interval * (12 if freq == "YEARLY" else 1)
    periods = months // step - 2
    if periods <= 0 or dtstart.day > 28:
        return dtstart
    total = dtstart.month - 1 + step * periods
    return dtstart.replace(year=dtstart.year + total // 12, month=total % 12 + 1)


def _elapsed_from(parts: dict[str, str], start: datetime, moment: datetime) -> datetime:
    """A later start on the same elapsed-time grid, a couple of steps before `moment`."""
    if "COUNT" in parts:
        return start
    seconds = {"HOURLY": 3600, "MINUTELY": 60, "SECONDLY": 1}[parts["FREQ"]]
    step = timedelta(seconds=seconds * int(parts.get("INTERVAL", "1")))
    start = start.astimezone(UTC)  # step on elapsed time, not on the zone's wall clock
    periods = (moment.astimezone(UTC) - start) // step - 2
    return start + step * periods if periods > 0 else start


def after(rule: str, dtstart: datetime, zone: ZoneInfo, moment: datetime,
          count: int) -> list[datetime]:
    """Up to `count` fire instants strictly after the aware `moment`."""
    moment = moment.astimezone(UTC)
    horizon = moment + SEARCH_HORIZON
    found: list[datetime] = []
    parts = validate_rule(rule)
    if parts["FREQ"] in SUB_DAILY:
        stream = _elapsed_instants(rule, _elapsed_from(parts, localize(dtstart, zone), moment), zone)
    else:
        dtstart = fast_forward(rule, dtstart, wall(moment, zone) - timedelta(days=1))
        stream = _wall_clock_instants(_build(rule, dtstart, zone), zone)
    for instant in stream:
        if instant > horizon:
            break
        if instant > moment:
            found.append(instant)
            if len(found) >= count:
                break
    return found


def first_n(rule: str, dtstart: datetime, zone: ZoneInfo, count: int) -> list[datetime]:
    return list(islice(instants(rule, dtstart, zone), count))

