"""Expected-time arithmetic for the eval generator.

Everything here works from structured parameters (a clock time, a weekday code, a
relativedelta, an RRULE string) with python-dateutil and zoneinfo. Nothing here reads text,
and nothing imports taskd: the expectations must not depend on the code they grade.

DST policy (the one taskd documents):
- a wall time that does not exist (spring-forward gap) fires at the next valid instant, i.e.
  its local reading is the end of the gap;
- a wall time that happens twice (autumn fold) fires once, at its first occurrence (fold=0).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

UTC = UTC
DAYCODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def fmt(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S")


def exists(t: datetime, z: ZoneInfo) -> bool:
    """Whether the naive wall time t happens at all in z (False inside a spring-forward gap)."""
    return t.replace(tzinfo=z, fold=0).astimezone(UTC).astimezone(z).replace(tzinfo=None) == t


def ambiguous(t: datetime, z: ZoneInfo) -> bool:
    """Whether the wall time t happens twice in z (inside an autumn fold)."""
    if not exists(t, z):
        return False
    return t.replace(tzinfo=z, fold=0).utcoffset() != t.replace(tzinfo=z, fold=1).utcoffset()


def shift(t: datetime, z: ZoneInfo) -> datetime:
    """The wall reading of the instant at which wall time t fires: t itself, or the end of
    the gap when t does not exist. Transitions in the tz database fall on whole minutes, so
    stepping minute by minute from t (seconds dropped) lands on the first valid reading."""
    if exists(t, z):
        return t
    u = t.replace(second=0)
    for _ in range(24 * 60):
        u += timedelta(minutes=1)
        if exists(u, z):
            return u
    raise ValueError(f"no valid wall time after {t} in {z}")


def instant(t: datetime, z: ZoneInfo) -> datetime:
    """UTC instant of a wall time under the policy above."""
    return shift(t, z).replace(tzinfo=z, fold=0).astimezone(UTC)


def to_wall(u: datetime, z: ZoneInfo) -> datetime:
    return u.astimezone(z).replace(tzinfo=None)


def convert(t: datetime, src: ZoneInfo, dst: ZoneInfo) -> datetime:
    """Wall time t in src, read on a clock in dst."""
    return to_wall(instant(t, src), dst)


def is_first_pass(t: datetime, u: datetime, z: ZoneInfo) -> bool:
    """Whether instant u is the first (fold=0) occurrence of its wall reading t.
    A wall reading can only describe an instant unambiguously when this holds."""
    return t.replace(tzinfo=z, fold=0).astimezone(UTC) == u.astimezone(UTC)


# ------------------------------------------------------------------ one-time expectations
def elapsed(now: datetime, z: ZoneInfo, seconds: int) -> datetime:
    """'in N minutes/hours/seconds': absolute elapsed time."""
    u = now.replace(tzinfo=z, fold=0).astimezone(UTC) + timedelta(seconds=seconds)
    return to_wall(u, z)


def wall_offset(now: datetime, z: ZoneInfo, rd: relativedelta) -> datetime:
    """'in N days/weeks/months/years': the same wall time later (month ends clamp)."""
    return shift(now + rd, z)


def _after(now: datetime, z: ZoneInfo, d: date, clock: time) -> datetime | None:
    t = shift(datetime.combine(d, clock), z)
    return t if instant(t, z) > instant(now, z) else None


def on_date(d: date, clock: time, z: ZoneInfo) -> datetime:
    return shift(datetime.combine(d, clock), z)


def next_clock(now: datetime, z: ZoneInfo, clock: time) -> datetime:
    """A time without a date: today when still ahead, else tomorrow."""
    return _after(now, z, now.date(), clock) or _after(now, z, now.date() + timedelta(days=1), clock)


def next_weekday(now: datetime, z: ZoneInfo, wd: int, clock: time) -> datetime:
    """'Friday' / 'this Friday': the next such day, today included when the time is ahead."""
    for k in range(0, 8):
        d = now.date() + timedelta(days=k)
        if d.weekday() == wd:
            r = _after(now, z, d, clock)
            if r:
                return r
    raise AssertionError("unreachable")


def next_week_weekday(now: datetime, wd: int) -> date:
    """'next Friday': that day in the next Monday-start week."""
    monday = now.date() - timedelta(days=now.weekday())
    return monday + timedelta(days=7 + wd)


def next_monthday(now: datetime, z: ZoneInfo, day: int, clock: time) -> datetime:
    """'on the 21st': the next month (this one included) that has that day, time ahead."""
    first = now.date().replace(day=1)
    for k in range(0, 14):
        m = first + relativedelta(months=k)
        try:
            d = m.replace(day=day)
        except ValueError:
            continue
        r = _after(now, z, d, clock)
        if r:
            return r
    raise ValueError(day)


def next_month_day(now: datetime, z: ZoneInfo, month: int, day: int, clock: time) -> datetime:
    """'on March 3' (no year): the next such date, this year included when ahead."""
    for y in range(now.year, now.year + 9):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        r = _after(now, z, d, clock)
        if r:
            return r
    raise ValueError((month, day))


def last_day(now: datetime, z: ZoneInfo, clock: time) -> datetime:
    for k in range(0, 3):
        first = now.date().replace(day=1) + relativedelta(months=k)
        d = first + relativedelta(months=1) - timedelta(days=1)
        r = _after(now, z, d, clock)
        if r:
            return r
    raise AssertionError("unreachable")


# ------------------------------------------------------------------ recurring expectations
def strip_parts(rule: str, names: tuple[str, ...]) -> str:
    return ";".join(p for p in rule.split(";") if p.split("=", 1)[0] not in names)


def rule_first(rule: str, now: datetime, z: ZoneInfo, start: datetime | None = None) -> datetime | None:
    """First occurrence (naive wall) of the rule strictly after now (and not before start).

    COUNT/UNTIL/INTERVAL bound or space the series from its first fire, so the search uses
    the rule without them; dtstart lies two days back so that BYSETPOS sets are whole."""
    base = strip_parts(rule, ("COUNT", "UNTIL", "INTERVAL"))
    ds = datetime.combine(now.date() - timedelta(days=2), time(0))
    n_inst = instant(now, z)
    horizon = now + relativedelta(years=10)
    for occ in rrulestr(base, dtstart=ds):
        if occ > horizon:
            return None
        if instant(occ, z) > n_inst and (start is None or occ >= start):
            return occ
    return None


def expand(rule: str, first: datetime, n: int) -> list[datetime]:
    out: list[datetime] = []
    for occ in rrulestr(rule, dtstart=first):
        out.append(occ)
        if len(out) >= n:
            break
    return out
