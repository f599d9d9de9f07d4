"""Generation machinery: reference times, the per-case context, and the two case builders.

A template picks STRUCTURED parameters (a clock time, a weekday, an RRULE...), renders them
as text, and hands the parameters (never the text) to `one_time` / `recurring`, which compute
the expected fire times with timecalc (dateutil + zoneinfo). The parameters are also stored in
`meta` in the format evals/check_cases.py re-derives from, so each case is validated twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from . import timecalc as tc
from . import vocab as V

ZONES = [
    "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago", "Asia/Tokyo",
    "UTC", "Europe/London", "America/Los_Angeles", "Australia/Sydney", "Asia/Kolkata",
]
DST_ZONES = [z for z in ZONES if z not in ("Asia/Tokyo", "UTC", "Asia/Kolkata")]
YEARS = (2026, 2027, 2028)
REF_KINDS = [("random", 40), ("late", 15), ("dst", 17), ("month_end", 11), ("leap", 5),
             ("year_end", 5), ("early", 7)]


class Reject(Exception):
    """These parameters do not make a clean case (ambiguous, in the past...); draw again."""


@cache
def transitions(tz: str) -> tuple[date, ...]:
    """Local dates on which the UTC offset of tz changes, 2026-2028."""
    z = ZoneInfo(tz)
    out = []
    d = date(YEARS[0], 1, 1)
    end = date(YEARS[-1], 12, 31)
    while d <= end:
        a = datetime.combine(d, time(0)).replace(tzinfo=z).utcoffset()
        b = datetime.combine(d + timedelta(days=1), time(0)).replace(tzinfo=z).utcoffset()
        # a change between midnights: the transition is on d (or at d+1 00:00, Santiago)
        if a != b:
            out.append(d)
            out.append(d + timedelta(days=1))
        d += timedelta(days=1)
    return tuple(out)


@dataclass
class Ctx:
    rng: random.Random
    tz: str
    now: datetime
    ref: str
    z: ZoneInfo = field(init=False)

    def __post_init__(self) -> None:
        self.z = ZoneInfo(self.tz)

    # ---- random helpers
    def choice(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def hm(self) -> tuple[int, int]:
        """A clock time; on DST reference days often one near the transition."""
        r = self.rng
        if self.ref == "dst" and r.random() < 0.55:
            return r.choice([0, 1, 2, 2, 3, 23]), r.choice([0, 15, 30, 45, 10])
        h = r.choice([6, 7, 7, 8, 8, 9, 9, 10, 11, 12, 13, 14, 15, 16, 17, 17, 18, 19, 20, 21, 22, 23, 0, 5])
        m = (r.choice([0, 0, 0, 0, 30, 30, 15, 45, 5, 10, 20, 40, 50]) if r.random() < 0.85
             else r.randrange(60))
        return h, m


def pick_now(rng: random.Random, tz: str) -> tuple[datetime, str]:
    z = ZoneInfo(tz)
    kinds, weights = zip(*REF_KINDS, strict=False)
    for _ in range(100):
        kind = rng.choices(kinds, weights)[0]
        if kind == "dst" and tz not in DST_ZONES:
            kind = "random"
        year = rng.choice(YEARS)
        if kind == "random":
            d = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            t = time(rng.randrange(24), rng.randrange(60))
        elif kind == "late":
            d = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            t = time(rng.randrange(21, 24), rng.randrange(60))
        elif kind == "early":
            d = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            t = time(rng.randrange(0, 7), rng.randrange(60))
        elif kind == "dst":
            td = rng.choice(transitions(tz))
            d = td - timedelta(days=rng.choice([0, 0, 1, 1, 2]))
            t = time(rng.choice([0, 1, 8, 12, 18, 20, 21, 22, 23]), rng.choice([0, 15, 30, 45, 59]))
        elif kind == "month_end":
            m = rng.randrange(1, 13)
            last = (date(year, m, 1) + relativedelta(months=1)) - timedelta(days=1)
            d = last - timedelta(days=rng.choice([0, 0, 1, 2]))
            t = time(rng.randrange(24), rng.choice([0, 10, 30, 45, 55]))
        elif kind == "leap":
            d = rng.choice([date(2028, 2, 28), date(2028, 2, 29), date(2028, 2, 27), date(2027, 2, 28),
                            date(2028, 1, 31), date(2027, 1, 31)])
            t = time(rng.randrange(24), rng.choice([0, 15, 30, 45]))
        else:  # year_end
            d = date(year, 12, rng.choice([29, 30, 31, 31]))
            t = time(rng.randrange(24), rng.choice([0, 15, 30, 45]))
        now = datetime.combine(d, t)
        if tc.exists(now, z) and not tc.ambiguous(now, z):
            return now, kind
    raise RuntimeError("no reference time")


# ------------------------------------------------------------------ text composition
def content_words(phrase: str) -> str:
    return " ".join(w for w in phrase.replace(",", "").split() if w.lower() not in V.STOP)


def compose(ctx: Ctx, sched: str, kind: str | None = None, prefix: bool | None = None,
            sched_first: bool | None = None) -> tuple[str, dict]:
    """Put a task phrase around the schedule words. Returns text and the title/kind expects."""
    kind = kind or ("agent" if ctx.chance(0.15) else "reminder")
    if kind == "agent":
        title = ctx.choice(V.AGENT_TITLES)
        pre = ctx.choice(V.AGENT_PREFIXES) if (prefix or (prefix is None and ctx.chance(0.3))) else ""
    else:
        title = ctx.choice(V.REMINDER_TITLES)
        pre = ctx.choice(V.REMIND_PREFIXES) if (prefix or (prefix is None and ctx.chance(0.55))) else ""
    task = f"{pre} {title}".strip()
    if sched_first is None:
        sched_first = ctx.chance(0.4)
    if sched_first:
        sep = ", " if ctx.chance(0.3) else " "
        text = f"{sched}{sep}{task}"
    elif pre.endswith("remind me to") and ctx.chance(0.3):
        text = f"{pre[:-3]} {sched} to {title}"
    else:
        text = f"{task} {sched}"
    if ctx.chance(0.3):
        text = text[0].upper() + text[1:]
    return " ".join(text.split()), {"kind": kind, "title": content_words(title)}


# ------------------------------------------------------------------ builders
def one_time(ctx: Ctx, text_expect: tuple[str, dict], calc: dict, date_only: bool = False) -> dict:
    """A one-time case; `calc` holds the structured parameters (check_cases.py format)."""
    text, tk = text_expect
    now, z = ctx.now, ctx.z
    first = compute_one(calc, now, z)
    if tc.instant(first, z) <= tc.instant(now, z):
        raise Reject("not after now")
    if not tc.exists(first, z):
        raise Reject("first in a gap")
    # the wall reading must name the instant: never the second pass of a fold
    if (calc["op"] == "elapsed" or calc.get("zone")) and tc.ambiguous(first, z):
        raise Reject("fire time inside a fold")
    expect = {"first": tc.fmt(first)}
    if date_only:
        if first.time() != time(9, 0):
            raise Reject("date-only not at 09:00")
        expect["date_only"] = True
    expect["recurring"] = False
    expect.update(tk)
    return {"text": text, "expect": expect, "meta": {"calc": calc}}


def instant_of(calc: dict, now: datetime, z: ZoneInfo) -> datetime:
    if calc["op"] == "elapsed":
        return now.replace(tzinfo=z, fold=0).astimezone(tc.UTC) + timedelta(seconds=calc["sec"])
    if calc.get("zone"):
        zz = ZoneInfo(calc["zone"])
        inner = dict(calc)
        inner.pop("zone")
        local_now = tc.convert(now, z, zz)
        if tc.ambiguous(local_now, zz):
            raise Reject("now inside a fold of the named zone")
        return tc.instant(compute_one(inner, local_now, zz), zz)
    return tc.instant(compute_one(calc, now, z), z)


def compute_one(calc: dict, now: datetime, z: ZoneInfo) -> datetime:
    """Expected first fire (naive wall in z) from structured parameters."""
    if calc.get("zone"):
        return tc.to_wall(instant_of(calc, now, z), z)
    op = calc["op"]
    clock = time(calc.get("h", 9), calc.get("m", 0))
    if op == "elapsed":
        return tc.elapsed(now, z, calc["sec"])
    if op == "wall":
        rd = relativedelta(years=calc.get("years", 0), months=calc.get("months", 0),
                           weeks=calc.get("weeks", 0), days=calc.get("days", 0))
        return tc.wall_offset(now, z, rd)
    if op == "date":
        return tc.on_date(date.fromisoformat(calc["date"]), clock, z)
    if op == "rel_day":
        return tc.on_date(now.date() + timedelta(days=calc["days"]), clock, z)
    if op == "time":
        return tc.next_clock(now, z, clock)
    if op == "weekday":
        wd = tc.DAYCODES.index(calc["wd"])
        if calc.get("next"):
            d = tc.next_week_weekday(now, wd)
            t = tc.on_date(d + timedelta(weeks=calc.get("plus_weeks", 0)), clock, z)
            return t
        t = tc.next_weekday(now, z, wd, clock)
        if calc.get("plus_weeks"):
            t = tc.on_date(t.date() + timedelta(weeks=calc["plus_weeks"]), clock, z)
        return t
    if op == "monthday":
        return tc.next_monthday(now, z, calc["day"], clock)
    if op == "nextdate":
        return tc.next_month_day(now, z, calc["month"], calc["day"], clock)
    if op == "lastday":
        return tc.last_day(now, z, clock)
    raise ValueError(op)


def hms(h, m=0) -> str:
    hs = ",".join(str(x) for x in h) if isinstance(h, (list, tuple)) else str(h)
    ms = ",".join(str(x) for x in m) if isinstance(m, (list, tuple)) else str(m)
    return f"BYHOUR={hs};BYMINUTE={ms};BYSECOND=0"


def recurring(ctx: Ctx, text_expect: tuple[str, dict], rule: str, n: int | None = None,
              start: datetime | None = None, anchor: int | None = None, zone: str | None = None,
              meta: dict | None = None) -> dict:
    text, tk = text_expect
    now, z = ctx.now, ctx.z
    n = n if n is not None else ctx.rng.choice([2, 3])
    if zone:  # the rule runs in a named zone; expectations are read on the user's clock
        zz = ZoneInfo(zone)
        local_now = tc.convert(now, z, zz)
        if tc.ambiguous(local_now, zz):
            raise Reject("now inside a fold of the named zone")
        f = tc.rule_first(rule, local_now, zz, start)
        if f is None or not tc.exists(f, zz):
            raise Reject("no first / first in gap")
        occ = [tc.shift(o, zz) for o in tc.expand(rule, f, n + 1)]
        us = [tc.instant(o, zz) for o in occ]
        walls = [tc.to_wall(u, z) for u in us]
        for w, u in zip(walls, us, strict=False):
            if not tc.is_first_pass(w, u, z):
                raise Reject("fold on the user's clock")
    elif anchor is not None:
        first = tc.elapsed(now, z, anchor)
        if tc.ambiguous(first, z) or not tc.exists(first, z):
            raise Reject("anchor in fold")
        naive = [tc.shift(o, z) for o in tc.expand(rule, first, n + 1)]
        el = [tc.elapsed(now, z, anchor * (k + 1)) for k in range(n + 1)]
        if naive != el:
            raise Reject("DST inside an elapsed interval series")
        walls = el
    else:
        f = tc.rule_first(rule, now, z, start)
        if f is None:
            raise Reject("no occurrence")
        if not tc.exists(f, z):
            raise Reject("first in a gap")
        walls = [tc.shift(o, z) for o in tc.expand(rule, f, n + 1)]
    if not walls:
        raise Reject("bound ends before the first occurrence")
    if tc.instant(walls[0], z) <= tc.instant(now, z):
        raise Reject("not after now")
    if any(b <= a for a, b in pairwise(walls)):
        raise Reject("fire times collapse")
    expect = {"first": tc.fmt(walls[0])}
    if len(walls) > 1:
        expect["next"] = [tc.fmt(w) for w in walls[1:n + 1]]
    expect["recurring"] = True
    m = dict(meta or {})
    if zone:
        m["zone"] = zone
        m["zone_rule"] = rule
    else:
        expect["rrule"] = rule
    expect.update(tk)
    if start is not None:
        m["start"] = tc.fmt(start)
    if anchor is not None:
        m["anchor_sec"] = anchor
    return {"text": text, "expect": expect, "meta": m}
