#!/usr/bin/env python3
"""Independent validator for evals/cases/*.jsonl.

It does not parse any text into a schedule. It re-derives the expectations from the
structured parameters stored with each case (`meta`, the expected `rrule`) using
python-dateutil (rrule, relativedelta) and zoneinfo, and runs consistency checks against the
text (weekday names, month names, clock times, dayparts).

Usage: python evals/check_cases.py [FILE...]   (default: evals/cases/*.jsonl)
Exit status 0 when every case passes. evals/check_generated.py runs the same checks over the
synthetic cases (categories "gen-*").

Besides the re-derivation it reads a few things back out of the text, with its own small
readers (not taskd's): clock times in digits and in words ("half past four pm", "8a"),
"in <quantity> <unit>" offsets with number words, numeric dates (month-first, or day-first
when the first number cannot be a month), ordinal days ("the twenty-first"), weekday names
and abbreviations, and explicit zones (a case whose `meta.calc.zone` / `meta.zone` is set is
checked on that zone's clock, then converted to the case's `tz`).
"""
from __future__ import annotations

import glob
import itertools
import json
import os
import re
import sys
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo
from zoneinfo import available_timezones as _available_timezones

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta
from dateutil.rrule import rrulestr

CATEGORIES = {
    "absolute", "time-only", "relative", "today-tomorrow", "weekday", "daypart",
    "recurring-daily", "recurring-weekly", "recurring-monthly", "recurring-yearly",
    "recurring-interval", "recurring-multi", "recurring-bounds", "dst", "edge-dates",
    "kind-title", "clarify",
    # families of issue 3
    "numbers-words", "times-words", "ordinals", "weekend-fortnight", "weekday-abbrev",
    "clock-days",  # issue 12: clock times and days (evals/make_clock_days.py)
    "numeric-dates", "zones", "filler-titles", "recurrence-longtail", "dst-more", "month-end-leap",
    # families of issue 12 (amounts and units; clarify-doubt uses "clarify")
    "amounts-units",
}
DST_CATEGORIES = {"dst", "dst-more"}
MIN_PER_CATEGORY = 12
EXPECT_KEYS = {"first", "date_only", "next", "recurring", "rrule", "kind", "title", "clarify"}
DAYNAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DAYCODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAYABBR = [("mon",), ("tue", "tues"), ("wed",), ("thu", "thur", "thurs"), ("fri",), ("sat",), ("sun",)]
RD_WD = [MO, TU, WE, TH, FR, SA, SU]
MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"])}
MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()}
DAYPART = {"morning": 9, "afternoon": 15, "evening": 19, "tonight": 20, "night": 21,
           "end of day": 17, "noon": 12, "midnight": 0}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
UTC = UTC


@lru_cache(maxsize=1)
def available_timezones() -> frozenset[str]:
    return frozenset(_available_timezones())


# ---------------------------------------------------------------- time helpers
def wall_exists(t: datetime, z: ZoneInfo) -> bool:
    for fold in (0, 1):
        u = t.replace(tzinfo=z, fold=fold).astimezone(UTC)
        if u.astimezone(z).replace(tzinfo=None) == t:
            return True
    return False


def gap_shift(t: datetime, z: ZoneInfo) -> datetime:
    """Local wall time of the next valid instant for a wall time t (t itself when it exists).

    For a nonexistent t, zoneinfo maps fold=0 with the offset before the gap and fold=1 with
    the offset after it; the transition instant lies between the two and is found by
    bisection in UTC. Its local time is the end of the gap."""
    if wall_exists(t, z):
        return t
    a = t.replace(tzinfo=z, fold=1).astimezone(UTC)  # earlier instant
    b = t.replace(tzinfo=z, fold=0).astimezone(UTC)  # later instant
    if a > b:
        a, b = b, a
    off_after = b.astimezone(z).utcoffset()
    lo, hi = a - timedelta(hours=3), b
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(z).utcoffset() == off_after and mid.astimezone(z).replace(tzinfo=None) > t - timedelta(hours=3):
            hi = mid
        else:
            lo = mid
    # transitions fall on whole seconds; hi is the first instant with the new offset
    hi = hi.replace(microsecond=0)
    res = hi.astimezone(z).replace(tzinfo=None)
    assert res > t and wall_exists(res, z), (t, res)
    return res


def instant(t: datetime, z: ZoneInfo) -> datetime:
    """UTC instant of a wall time (a repeated wall time means its first occurrence)."""
    return gap_shift(t, z).replace(tzinfo=z, fold=0).astimezone(UTC)


def has_transition_near(ts: list[datetime], z: ZoneInfo, days: int = 2) -> bool:
    for t in ts:
        base = instant(t, z)
        offs = {(base + timedelta(hours=h)).astimezone(z).utcoffset() for h in range(-24 * days, 24 * days + 1)}
        if len(offs) > 1:
            return True
    return False


# ---------------------------------------------------------------- one-time re-derivation
def on_clock(t: datetime, src: ZoneInfo, dst: ZoneInfo) -> datetime:
    """Wall time t in src as read on a clock in dst."""
    return instant(t, src).astimezone(dst).replace(tzinfo=None)


def rederive(calc: dict, now: datetime, z: ZoneInfo) -> datetime:
    if calc.get("zone"):  # "9am Tokyo time": resolve on Tokyo's clock, read on the user's
        zz = ZoneInfo(calc["zone"])
        inner = {k: v for k, v in calc.items() if k != "zone"}
        return on_clock(rederive(inner, on_clock(now, z, zz), zz), zz, z)
    op = calc["op"]
    hm = time(calc.get("h", 9), calc.get("m", 0))
    n_inst = instant(now, z)

    def after_now(d: date) -> datetime | None:
        t = gap_shift(datetime.combine(d, hm), z)
        return t if instant(t, z) > n_inst else None

    if op == "elapsed":
        u = now.replace(tzinfo=z, fold=0).astimezone(UTC) + relativedelta(seconds=calc["sec"])
        return u.astimezone(z).replace(tzinfo=None)
    if op == "wall":
        rd = relativedelta(years=calc.get("years", 0), months=calc.get("months", 0),
                           weeks=calc.get("weeks", 0), days=calc.get("days", 0))
        return gap_shift(now + rd, z)
    if op == "date":
        return gap_shift(datetime.combine(date.fromisoformat(calc["date"]), hm), z)
    if op == "rel_day":
        return gap_shift(datetime.combine(now.date() + relativedelta(days=calc["days"]), hm), z)
    if op == "time":
        return after_now(now.date()) or after_now(now.date() + relativedelta(days=1))
    if op == "weekday":
        w = DAYCODES.index(calc["wd"])
        plus = relativedelta(weeks=calc.get("plus_weeks", 0))
        if calc.get("next"):
            monday_next_week = now.date() + relativedelta(weekday=MO(-1)) + relativedelta(weeks=1)
            return gap_shift(datetime.combine(monday_next_week + relativedelta(weekday=RD_WD[w](+1)) + plus, hm), z)
        d = now.date() + relativedelta(weekday=RD_WD[w](+1))
        t = after_now(d) or after_now(d + relativedelta(weeks=1))
        return gap_shift(datetime.combine(t.date() + plus, hm), z) if calc.get("plus_weeks") else t
    if op == "monthday":
        for k in range(0, 14):
            first_of = now.date().replace(day=1) + relativedelta(months=k)
            try:
                d = first_of.replace(day=calc["day"])
            except ValueError:
                continue
            r = after_now(d)
            if r:
                return r
    if op == "nextdate":
        for y in range(now.year, now.year + 9):
            try:
                d = date(y, calc["month"], calc["day"])
            except ValueError:
                continue
            r = after_now(d)
            if r:
                return r
    if op == "lastday":
        for k in range(0, 3):
            d = now.date() + relativedelta(months=k, day=31)
            r = after_now(d)
            if r:
                return r
    raise ValueError(f"cannot re-derive {calc}")


# ---------------------------------------------------------------- rule helpers
def rule_parts(rule: str) -> dict[str, str]:
    return dict(p.split("=", 1) for p in rule.upper().split(";") if p)


def rule_str(parts: dict[str, str]) -> str:
    return ";".join(f"{k}={v}" for k, v in parts.items())


def expand(rule: str, dtstart: datetime, n: int) -> list[datetime]:
    out = []
    for occ in rrulestr(rule, dtstart=dtstart):
        out.append(occ)
        if len(out) >= n:
            break
    return out


# ---------------------------------------------------------------- the checks
def zone_series(rule: str, now: datetime, z: ZoneInfo, zz: ZoneInfo, n: int) -> list[datetime]:
    """A rule that runs on zone zz's clock: its first n fires after now, read on z's clock."""
    local_now = on_clock(now, z, zz)
    ds = datetime.combine(local_now.date(), time(0)) - relativedelta(days=2)
    n_inst = instant(now, z)
    base = rule_str({k: v for k, v in rule_parts(rule).items() if k not in ("COUNT", "UNTIL", "INTERVAL")})
    first = None
    for o in rrulestr(base, dtstart=ds):
        if instant(o, zz) > n_inst:
            first = o
            break
        if o > local_now + relativedelta(years=10):
            break
    if first is None:
        return []
    return [on_clock(o, zz, z) for o in expand(rule, first, n)]


def day_names_in(low: str) -> set[int]:
    out = {i for i, d in enumerate(DAYNAMES) if re.search(rf"\b{d}s?\b", low)}
    for i, abbrs in enumerate(DAYABBR):
        if any(re.search(rf"\b{a}\b\.?", low) for a in abbrs):
            out.add(i)
    return out


def check_case(c: dict, errs: list[str], generated: bool = False) -> None:
    cid = c.get("id", "?")

    def err(msg):
        errs.append(f"{cid}: {msg}")

    for k in ("id", "text", "now", "tz", "category", "expect"):
        if k not in c:
            err(f"missing key {k}")
            return
    cat = c["category"]
    if generated:
        if not cat.startswith("gen-"):
            err(f"generated category {cat} must start with gen-")
    elif cat not in CATEGORIES:
        err(f"unknown category {cat}")
    if not re.fullmatch(re.escape(cat) + r"-\d{3,5}", cid):
        err("id must be <category>-NNN")
    if c["tz"] not in available_timezones():
        err(f"unknown tz {c['tz']}")
        return
    z = ZoneInfo(c["tz"])
    if not ISO.match(c["now"]):
        err("now not YYYY-MM-DDTHH:MM:SS")
        return
    now = datetime.fromisoformat(c["now"])
    if not wall_exists(now, z):
        err("now lies in a DST gap")
    e = c["expect"]
    meta = c.get("meta", {})
    calc = meta.get("calc", {})
    text = c["text"]
    low = text.lower()
    extra = set(e) - EXPECT_KEYS
    if extra:
        err(f"unknown expect keys {extra}")
    if e.get("kind") not in (None, "reminder", "agent"):
        err("bad kind")
    if "title" in e and (not isinstance(e["title"], str) or not e["title"].strip()):
        err("bad title")
    if "title" in e:
        for w in e["title"].lower().split():
            if not re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", low):
                err(f"title word {w!r} not in text")
    zone_rule = meta.get("zone_rule")
    zz = None
    if calc.get("zone") or zone_rule:
        zname = calc.get("zone") or meta.get("zone")
        if zname not in available_timezones():
            err(f"unknown named zone {zname}")
            return
        zz = ZoneInfo(zname)

    if e.get("clarify") is True:
        if any(k in e for k in ("first", "next", "rrule", "date_only")):
            err("clarify case must not carry a schedule")
        if cat != "clarify":
            err("clarify:true outside the clarify category")
        # A case that names a day and times on purpose says why it is still a question
        # (meta.ambiguous: "between 2 and 4pm tomorrow" names a range, not a time).
        if re.search(r"\b\d{1,2}(:\d{2})?\s*(am|pm)\b|\b(tomorrow|tonight|today|every|daily|weekly)\b",
                     low) and not meta.get("ambiguous"):
            err("clarify text contains schedulable words")
        return
    if cat == "clarify":
        err("clarify category needs clarify:true")
        return
    if "first" not in e:
        err("non-clarify case without first")
        return

    # ---- fire times are well formed, exist, ordered, and after now
    times = [e["first"], *list(e.get("next", []))]
    parsed = []
    for s in times:
        if not ISO.match(s):
            err(f"bad timestamp {s}")
            return
        t = datetime.fromisoformat(s)
        if not wall_exists(t, z):
            err(f"{s} does not exist in {c['tz']} (DST gap) - write the shifted time")
        parsed.append(t)
    first = parsed[0]
    if instant(first, z) <= instant(now, z):
        # a repeated (fold) wall time reached by elapsed arithmetic may be the 2nd pass
        if not (calc.get("op") == "elapsed" and not generated):
            err("first is not strictly after now")
    for a, b in itertools.pairwise(parsed):
        if not b > a:
            err("next not strictly increasing")
    if e.get("date_only"):
        if first.time() != time(9, 0):
            err("date_only first must be written at 09:00:00")
        if "calc" in meta and calc.get("h", 9) != 9:
            err("date_only case with an explicit time")
        if zz is not None:
            err("date_only with a named zone")

    # ---- recurring / one-time consistency
    rule = e.get("rrule")
    if rule is not None and e.get("recurring") is not True:
        err("rrule given but recurring is not true")
    if e.get("recurring") is True and rule is None and not zone_rule:
        err("recurring case without rrule")
    if zone_rule and rule is not None:
        err("a rule on a named zone's clock must not be compared as an rrule in tz")
    if e.get("recurring") is False and "next" in e:
        err("one-time case with next")
    if (cat.startswith("recurring-") or cat in ("gen-daily", "gen-weekly", "gen-monthly", "gen-yearly",
                                                "gen-interval", "gen-multi", "gen-bounds", "gen-longtail")) \
            and e.get("recurring") is not True:
        err("recurring category but recurring is not true")

    # ---- one-time: re-derive first from the structured parameters
    if "calc" in meta:
        try:
            want = rederive(calc, now, z)
        except Exception as ex:
            err(f"re-derivation failed: {ex}")
        else:
            if want != first:
                err(f"first {first.isoformat()} != re-derived {want.isoformat()}")
        if calc["op"] == "elapsed" and "next" in e:
            err("elapsed one-time with next")
        check_quantity(low, calc, err)
        check_dates_in_text(low, calc, first if zz is None else on_clock(first, z, zz), err)

    # ---- a rule on a named zone's clock
    if zone_rule:
        want = zone_series(zone_rule, now, z, zz, len(parsed))
        if want != parsed:
            err(f"zone rule fires {[w.isoformat() for w in want]} != expected {times}")
        parts = rule_parts(zone_rule)
        hours = {int(x) for x in parts.get("BYHOUR", "9").split(",")}
        minutes = {int(x) for x in parts.get("BYMINUTE", "0").split(",")}
        check_clock(low, hours, minutes, err, meta)

    # ---- recurring: expansion from first, minimality of first
    if rule is not None:
        parts = rule_parts(rule)
        freq = parts.get("FREQ")
        if freq not in {"MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}:
            err(f"bad FREQ {freq}")
            return
        if freq in {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}:
            for k in ("BYHOUR", "BYMINUTE", "BYSECOND"):
                if k not in parts:
                    err(f"rule lacks {k}")
        try:
            occ = expand(rule, first, len(parsed) + 1)
        except Exception as ex:
            err(f"rrule does not parse: {ex}")
            return
        if not occ or occ[0] != first:
            err(f"rrule expanded from first does not start at first (got {occ[:1]})")
        shifted = [gap_shift(o, z) for o in occ]
        if shifted[:len(parsed)] != parsed:
            err(f"expansion {[o.isoformat() for o in shifted[:len(parsed)]]} != expected {times}")
        if "COUNT" in parts and len(parsed) > int(parts["COUNT"]):
            err("more fire times than COUNT")
        if "COUNT" in parts:
            m = (re.search(r"\b([a-z0-9-]+) times\b", low) or re.search(r"\bfor the next ([a-z0-9-]+) days\b", low)
                 or re.search(r"\bfor ([a-z0-9-]+) (?:weeks|days)\b", low))
            q = words_to_int(m.group(1)) if m else None
            if q is None:
                err("COUNT without a count in the text")
            elif q != int(parts["COUNT"]):
                err(f"COUNT={parts['COUNT']} but text says {m.group(0)!r}")
        if "UNTIL" in parts:
            until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%S")
            if until.time() != time(23, 59, 59):
                err("UNTIL should be end of the named day (inclusive)")
            if any(t > until for t in parsed):
                err("fire time after UNTIL")
            if "end of the year" in low and until.strftime("%m%d") != "1231":
                err("'until the end of the year' must end on Dec 31")
        interval = int(parts.get("INTERVAL", "1"))
        if "anchor_sec" in meta:
            unit = {"HOURLY": 3600, "MINUTELY": 60}.get(freq)
            if unit is None or unit * interval != meta["anchor_sec"]:
                err("anchor does not match FREQ/INTERVAL")
            want = (now.replace(tzinfo=z, fold=0).astimezone(UTC)
                    + timedelta(seconds=meta["anchor_sec"])).astimezone(z).replace(tzinfo=None)
            if want != first:
                err(f"interval first {first} != now + interval {want}")
            check_quantity(low, {"op": "interval", "sec": meta["anchor_sec"]}, err)
        else:
            base = {k: v for k, v in parts.items() if k not in ("COUNT", "UNTIL", "INTERVAL")}
            lo = datetime.fromisoformat(meta["start"]) if "start" in meta else None
            if lo is not None and lo <= now and lo.date() != now.date():
                err("start not after now")
            ds = datetime.combine(now.date(), time(0)) - relativedelta(days=2)
            n_inst = instant(now, z)
            found = None
            for o in rrulestr(rule_str(base), dtstart=ds):
                if instant(o, z) > n_inst and (lo is None or o >= lo):
                    found = o
                    break
                if o > now + relativedelta(years=10):
                    break
            if found is None or gap_shift(found, z) != first:
                err(f"first {first} is not the first occurrence after now/start ({found})")
            if interval > 1:
                m = re.search(r"\bevery (other|[a-z0-9-]+) (days?|weeks?|months?|years?|hours?|minutes?)\b", low)
                q = 2 if m and m.group(1) == "other" else (words_to_int(m.group(1)) if m else None)
                if m and q is not None and q != interval:
                    err(f"INTERVAL={interval} but text says {m.group(0)!r}")
        # BYDAY vs text
        if "BYDAY" in parts and not re.search(r"\d", parts["BYDAY"]) and "BYSETPOS" not in parts:
            rule_days = set(parts["BYDAY"].split(","))
            ex = re.search(r"\bexcept (?:on )?([a-z]+)", low)
            pre = low[:ex.start()] if ex else low
            text_days = {DAYCODES[i] for i in day_names_in(pre)}
            if re.search(r"\bweekdays?\b|\bworkdays?\b", pre):
                text_days |= set(DAYCODES[:5])
            if re.search(r"\bweekends?\b", pre):
                text_days |= {"SA", "SU"}
            if ex:
                if re.search(r"\bevery day\b|\bdaily\b", pre):
                    text_days |= set(DAYCODES)
                text_days -= {DAYCODES[i] for i in day_names_in(ex.group(1))}
            if text_days != rule_days:
                err(f"BYDAY {rule_days} does not match days named in text {text_days}")
        if "BYDAY" in parts and re.search(r"[+-]?\d", parts["BYDAY"]):
            ords = re.findall(r"\b(1st|2nd|3rd|4th|first|second|third|fourth|last)\b(?= (?:and|&|[a-z]+day))", low)
            want_n = sorted({ORD_N[o] for o in ords})
            got_n = sorted({int(re.match(r"[+-]?\d+", d).group()) for d in parts["BYDAY"].split(",")
                            if re.match(r"[+-]?\d", d)})
            if want_n != got_n:
                err(f"ordinals {want_n} in text != BYDAY {parts['BYDAY']}")
        window = re.search(r"\bevery ([a-z0-9.-]+) (minutes?|min|hours?)\b.*\b(?:between|from)\b", low)
        if "BYSETPOS" in parts and freq == "DAILY" and "BYHOUR" in parts and window:
            # A sub-daily window as one daily rule: the picked times must be the text's step apart.
            grid = [int(h) * 60 + int(mi) for h in sorted(parts["BYHOUR"].split(","), key=int)
                    for mi in sorted(parts["BYMINUTE"].split(","), key=int)]
            picked = sorted(grid[int(n) - 1 if int(n) > 0 else len(grid) + int(n)]
                            for n in parts["BYSETPOS"].split(","))
            amount = float(window.group(1)) if window.group(1)[0].isdigit() else words_to_int(window.group(1))
            step = round((amount or 0) * (60 if window.group(2).startswith("hour") else 1))
            if {b - a for a, b in itertools.pairwise(picked)} != {step}:
                err(f"BYSETPOS={parts['BYSETPOS']} does not pick times {step} minutes apart")
        elif "BYSETPOS" in parts:
            m = re.search(r"\b(first|last) (business|working|week) ?day\b|\b(first|last) weekday\b", low)
            pos = {"first": "1", "last": "-1"}.get((m.group(1) or m.group(3)) if m else "")
            if pos != parts["BYSETPOS"]:
                err(f"BYSETPOS={parts['BYSETPOS']} but text says {m.group(0) if m else None!r}")
        if interval == 1 and re.search(r"\bevery (other|second)\b(?! (business|working|week)| [a-z]+ of| and)", low):
            err("'every other' but no INTERVAL")
        if re.search(r"\bevery other\b", low) and interval != 2:
            err("'every other' must be INTERVAL=2")
        m = re.search(r"\b(twice|two times|three times|thrice) (a|per) day\b|\btwice daily\b", low)
        if m:
            k = 3 if m.group(1) in ("three times", "thrice") else 2
            if len(parts.get("BYHOUR", "").split(",")) * len(parts.get("BYMINUTE", "").split(",")) != k:
                err(f"{m.group(0)!r} but the rule fires a different number of times a day")
        if re.search(r"\b(every|each) quarter\b", low) and parts.get("BYMONTH") != "1,4,7,10":
            err("a quarter rule must name BYMONTH=1,4,7,10")
        # BYMONTH vs text
        if "BYMONTH" in parts:
            mtext = months_in(low)
            if mtext and {int(x) for x in parts["BYMONTH"].split(",")} != mtext:
                err("BYMONTH does not match month named in text")
        # clock times named in the text
        hours = {int(x) for x in parts.get("BYHOUR", str(first.hour)).split(",")}
        minutes = {int(x) for x in parts.get("BYMINUTE", str(first.minute)).split(",")}
        if freq in ("HOURLY",) and "BYHOUR" in parts:
            m = re.search(r"\b(?:between|from) (\d{1,2})(?::00)?\s*(am|pm)? (?:and|to) (\d{1,2})(?::00)?\s*(am|pm)?", low)
            if m:
                a = int(m.group(1)) % 12 + (12 if m.group(2) == "pm" else 0)
                b = int(m.group(3))
                b = b % 12 + 12 if (m.group(4) == "pm" or (m.group(4) is None and b < a)) else b
                if hours != set(range(a, b + 1)):
                    err(f"hours {sorted(hours)} != the span {a}..{b} named in text")
                hours = hours | {a, b}
        check_rule_dates(low, parts, meta, err)
        check_clock(low, hours, minutes, err, meta, lenient_start="BYHOUR" not in parts)
    elif not zone_rule:
        check_clock(low, {first.hour}, {first.minute}, err, meta, first=first, z=z)

    # ---- weekday / month names in the text against first (on the named zone's clock if any)
    view = on_clock(first, z, zz) if zz is not None else first
    if not meta.get("skip_wd"):
        named = day_names_in(low)
        ex = re.search(r"\bexcept (?:on )?([a-z]+)", low)
        if ex:
            named -= day_names_in(ex.group(1))
        if named and view.weekday() not in named:
            err(f"text names {[DAYNAMES[i] for i in named]} but first is a {DAYNAMES[view.weekday()]}")
        if re.search(r"\bnext (monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", low) and rule is None \
                and not zone_rule and not calc.get("plus_weeks"):
            base_now = on_clock(now, z, zz) if zz is not None else now
            monday_next = base_now.date() + relativedelta(weekday=MO(-1), weeks=1)
            if not (monday_next <= view.date() < monday_next + timedelta(days=7)):
                err("'next <weekday>' must fall in the week after the current one")
        if re.search(r"\bweekends?\b", low) and view.weekday() < 5:
            err("weekend case whose first is a weekday")
    if rule is None and not zone_rule:
        mtext = months_in(low)
        if mtext and view.month not in mtext:
            err(f"month named in text {mtext} != month of first {view.month}")

    # ---- category-specific
    if cat in DST_CATEGORIES:
        probe = [*parsed, now]
        if not has_transition_near(probe, z):
            err("dst case without a DST transition nearby")
    if cat == "weekend-fortnight" and "fortnight" in low and calc.get("op") == "wall":
        if relativedelta(years=calc.get("years", 0), months=calc.get("months", 0),
                         days=calc.get("days", 0) + 7 * calc.get("weeks", 0)) != relativedelta(days=14):
            err("a fortnight is 14 days")


# ---------------------------------------------------------------- small text readers (checker-only)
_ONES = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])}
_TENS = {w: 10 * i for i, w in enumerate(["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]) if i >= 2}
_ORD = {w: i + 1 for i, w in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"])}
_ORD.update({"twentieth": 20, "thirtieth": 30})
ORD_N = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}


def words_to_int(s: str) -> int | None:
    """'20', 'twenty', 'twenty-one', 'twenty one', 'a', 'an' -> int; None when not a number."""
    s = s.strip().lower()
    if s.isdigit():
        return int(s)
    if s in ("a", "an", "one"):
        return 1
    total = 0
    parts = re.split(r"[\s-]+", s)
    for p in parts:
        if p in _ONES:
            total += _ONES[p]
        elif p in _TENS:
            total += _TENS[p]
        else:
            return None
    return total


def ordinal_to_int(s: str) -> int | None:
    s = s.lower()
    m = re.fullmatch(r"(\d{1,2})(st|nd|rd|th)", s)
    if m:
        return int(m.group(1))
    if s in _ORD:
        return _ORD[s]
    m = re.fullmatch(r"(twenty|thirty)[\s-](\w+)", s)
    if m and m.group(2) in _ORD:
        return _TENS[m.group(1)] + _ORD[m.group(2)]
    return None


UNIT_SEC = {"second": 1, "sec": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600}
UNIT_CAL = {"day": "days", "week": "weeks", "month": "months", "year": "years"}


def check_quantity(low: str, calc: dict, err) -> None:
    """'in twenty minutes' / 'every 3 hours' in the text against the structured offset."""
    op = calc.get("op")
    if op not in ("elapsed", "wall", "interval"):
        return
    lead = "every" if op == "interval" else "in"
    specials = {"half an hour": 1800, "an hour and a half": 5400, "a quarter of an hour": 900,
                "quarter of an hour": 900, "half hour": 1800}
    got_sec, got_rd = None, None
    for phr, sec in specials.items():
        if re.search(rf"\b{lead} {phr}\b", low):
            got_sec = sec
            break
    if got_sec is None and re.search(rf"\b{lead} a fortnight\b", low):
        got_rd = relativedelta(days=14)
    if got_sec is None and got_rd is None:
        m = re.findall(rf"\b{lead} ((?:[a-z]+[\s-])?[a-z0-9]+) (seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|"
                       r"months?|years?)\b", low)
        if op == "interval" and not m:
            m = [("1", "hour")] if re.search(r"\bevery hour\b|\bhourly\b", low) else []
        if len(m) != 1:
            return
        if re.search(rf"\b{lead} {re.escape(m[0][0])} {m[0][1]},? (and )?[a-z0-9]+ (seconds?|minutes?|hours?)\b", low):
            return  # a compound offset ("in 1 hour 30 minutes"): not read here
        q = words_to_int(m[0][0])
        if q is None:
            return
        unit = m[0][1].rstrip("s") if m[0][1] not in ("secs", "mins", "hrs") else m[0][1][:-1]
        if unit in UNIT_SEC:
            got_sec = q * UNIT_SEC[unit]
        else:
            got_rd = relativedelta(**{UNIT_CAL[unit]: q})
    if op in ("elapsed", "interval"):
        if got_rd is not None or got_sec != calc["sec"]:
            err(f"text offset {got_sec or got_rd} != {calc['sec']} s")
    else:
        want = relativedelta(years=calc.get("years", 0), months=calc.get("months", 0),
                             days=calc.get("days", 0) + 7 * calc.get("weeks", 0))
        if got_rd is None or got_rd != want:
            err(f"text offset {got_sec or got_rd} != {want}")


_MONTH_RE = ("(january|february|march|april|may|june|july|august|september|october|november|december|"
             "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)")
NAMED_DATE = re.compile(
    rf"\b{_MONTH_RE}\.? (\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (\d{{4}}))?"
    rf"|\b(\d{{1,2}})(?:st|nd|rd|th)?(?: of)? {_MONTH_RE}\b(?:,? (\d{{4}}))?")


def named_dates(low: str) -> list[tuple[int, int, int | None, int]]:
    """(month, day, year or None, position) for 'March 3rd, 2027', '3 March', 'the 3rd of March'."""
    out = []
    for m in NAMED_DATE.finditer(low):
        if m.group(1):
            mon, day, year = m.group(1), m.group(2), m.group(3)
        else:
            mon, day, year = m.group(5), m.group(4), m.group(6)
        if mon == "may" and not (day and (m.group(1) or m.group(5))):
            continue
        mnum = MONTHS.get(mon) or MONTH_ABBR.get(mon[:3])
        out.append((mnum, int(day), int(year) if year else None, m.start()))
    return out


def check_rule_dates(low: str, parts: dict, meta: dict, err) -> None:
    """Dates in a recurring text: after 'until' -> UNTIL, after 'starting' -> start, else the
    yearly BYMONTH/BYMONTHDAY; ordinal days -> BYMONTHDAY."""
    for mon, day, year, pos in named_dates(low):
        before = low[:pos]
        if re.search(r"\b(until|till|through|to) (the )?$", before):
            until = parts.get("UNTIL", "")
            if until[4:8] != f"{mon:02d}{day:02d}" or (year and until[:4] != str(year)):
                err(f"'until {mon}/{day}' != UNTIL={until}")
        elif re.search(r"\b(starting|from|beginning) (on )?(the )?$", before):
            st = meta.get("start", "")
            if st[5:10] != f"{mon:02d}-{day:02d}" or (year and st[:4] != str(year)):
                err(f"'starting {mon}/{day}' != start {st}")
        else:
            if parts.get("BYMONTH") != str(mon) or parts.get("BYMONTHDAY") != str(day):
                err(f"date {mon}/{day} in text != BYMONTH={parts.get('BYMONTH')} BYMONTHDAY={parts.get('BYMONTHDAY')}")
    if "BYMONTHDAY" in parts and not named_dates(low):
        days = set()
        for m in re.finditer(r"\b(?:the|and) ((?:twenty|thirty)[\s-][a-z]+|[a-z]+|\d{1,2}(?:st|nd|rd|th))\b", low):
            v = ordinal_to_int(m.group(1))
            if v:
                days.add(v)
        if re.search(r"\blast day\b", low):
            days.add(-1)
        want = {int(x) for x in parts["BYMONTHDAY"].split(",")}
        if days != want:
            err(f"days named {sorted(days)} != BYMONTHDAY {sorted(want)}")


def check_dates_in_text(low: str, calc: dict, first: datetime, err) -> None:
    """Numeric dates (month-first, day-first only when the first number cannot be a month;
    dotted dates day-first), ISO dates and ordinal days against the expected date."""
    d = first.date()
    for m in re.finditer(r"(?<![\d/.:-])(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])", low):
        a, b = int(m.group(1)), int(m.group(2))
        mo, dy = (a, b) if a <= 12 else (b, a)
        if (d.month, d.day) != (mo, dy) or (m.group(3) and int(m.group(3)) != d.year):
            err(f"numeric date {m.group(0)!r} != {d}")
    for m in re.finditer(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})?(?![\d])", low):
        if (d.month, d.day) != (int(m.group(2)), int(m.group(1))) or (m.group(3) and int(m.group(3)) != d.year):
            err(f"dotted date {m.group(0)!r} != {d}")
    for m in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", low):
        if date(int(m.group(1)), int(m.group(2)), int(m.group(3))) != d:
            err(f"ISO date {m.group(0)} != {d}")
    for mon, day, year, _pos in named_dates(low):
        if (d.month, d.day) != (mon, day) or (year and year != d.year):
            err(f"date {mon}/{day}/{year} in text != {d}")
    if calc.get("op") in ("monthday", "nextdate", "date"):
        days = set()
        for m in re.finditer(r"\bthe ((?:twenty|thirty)[\s-][a-z]+|[a-z]+|\d{1,2}(?:st|nd|rd|th))\b", low):
            v = ordinal_to_int(m.group(1))
            if v:
                days.add(v)
        if days and d.day not in days:
            err(f"ordinal day(s) {sorted(days)} in text but first is on day {d.day}")


def months_in(low: str) -> set[int]:
    """Month numbers named in the text (full names or 3-letter abbreviations; 'may' is skipped)."""
    out = set()
    for w in re.findall(r"[a-z]+", low):
        if w == "may":
            continue
        if w in MONTHS:
            out.add(MONTHS[w])
        elif w in MONTH_ABBR:
            out.add(MONTH_ABBR[w])
    return out


CLOCK = re.compile(r"(?<![\d/:-])(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b|(?<![\d/:-])(\d{1,2}):(\d{2})(?![\d:])")


_HOURWORD = r"(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
_QUAL = r"(am|pm|in the morning|in the afternoon|in the evening|at night)"
WORD_CLOCK = re.compile(
    rf"\b(half past|quarter past|quarter to) {_HOURWORD} {_QUAL}"
    rf"|\b{_HOURWORD} o'clock {_QUAL}"
    rf"|(?<![\d:])\b(\d{{1,2}})(a|p)\b"
    rf"|\bat (\d{{1,2}}) (in the morning|in the afternoon|in the evening)")


def _pm(qual: str, h12: int) -> int:
    """12-hour h12 with a qualifier -> 0..23 (checker's own reading)."""
    pm = qual in ("pm", "p", "in the afternoon", "in the evening") or (qual == "at night" and h12 >= 6)
    return h12 % 12 + (12 if pm else 0)


def word_clocks(low: str) -> list[tuple[int, int]]:
    out = []
    for m in WORD_CLOCK.finditer(low):
        if m.group(1):
            hw = words_to_int(m.group(2))
            if m.group(1) == "half past":
                out.append((_pm(m.group(3), hw), 30))
            elif m.group(1) == "quarter past":
                out.append((_pm(m.group(3), hw), 15))
            else:  # quarter to seven pm = 18:45
                h = _pm(m.group(3), hw)
                out.append(((h - 1) % 24, 45))
        elif m.group(4):
            out.append((_pm(m.group(5), words_to_int(m.group(4))), 0))
        elif m.group(6):
            out.append((_pm(m.group(7), int(m.group(6))), 0))
        elif m.group(8):
            out.append((_pm(m.group(9), int(m.group(8))), 0))
    if re.search(r"\bnoon\b", low):
        out.append((12, 0))
    if re.search(r"\bmidnight\b", low):
        out.append((0, 0))
    return out


def check_clock(low, hours, minutes, err, meta, first=None, z=None, lenient_start=False):
    """Every clock time written in the text must be one of the expected fire times
    (for one-time cases shifted by a DST gap, the pre-shift wall time is accepted)."""
    found = word_clocks(low)
    for m in CLOCK.finditer(WORD_CLOCK.sub(" ", low)):
        if m.group(3):
            h = int(m.group(1)) % 12 + (12 if m.group(3) == "pm" else 0)
            mi = int(m.group(2) or 0)
        else:
            h, mi = int(m.group(4)), int(m.group(5))
        found.append((h, mi))
    calc = meta.get("calc", {})
    if calc.get("op") in ("elapsed", "wall"):
        return
    for h, mi in found:
        ok = h in hours and mi in minutes
        if not ok and calc:
            ok = (calc.get("h"), calc.get("m")) == (h, mi)  # gap-shifted one-time
        if not ok and first is None and meta.get("start") and lenient_start:
            ok = True  # "starting at 8am" on an interval rule
        if not ok:
            err(f"clock time {h:02d}:{mi:02d} in text not matched by expectation")
    if not found and not re.search(r"\bat \d{1,2}\b|\b\d{1,2}( and \d{1,2})+\b|, \d{1,2}\b|\b\d{1,2} in the\b", low):
        for word, hh in DAYPART.items():
            if re.search(rf"\b{word}\b", low):
                want = hh  # note: \bnight\b does not match inside "tonight"
                if want not in hours and calc.get("h") != want:
                    err(f"daypart {word!r} expects hour {want}, got {sorted(hours)}")


def main(argv: list[str]) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    files = argv or sorted(glob.glob(os.path.join(here, "cases", "*.jsonl")))
    errs: list[str] = []
    seen: set[str] = set()
    per_cat: dict[str, int] = {}
    n = 0
    for fn in files:
        with open(fn, encoding="utf-8") as f:
            for ln, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    c = json.loads(line)
                except json.JSONDecodeError as ex:
                    errs.append(f"{os.path.basename(fn)}:{ln}: invalid JSON: {ex}")
                    continue
                n += 1
                cid = c.get("id")
                if cid in seen:
                    errs.append(f"{cid}: duplicate id")
                seen.add(cid)
                per_cat[c.get("category")] = per_cat.get(c.get("category"), 0) + 1
                check_case(c, errs)
    for cat in sorted(CATEGORIES):
        if per_cat.get(cat, 0) < MIN_PER_CATEGORY:
            errs.append(f"category {cat}: only {per_cat.get(cat, 0)} cases (< {MIN_PER_CATEGORY})")
    for cat in sorted(per_cat):
        print(f"{cat:22s} {per_cat[cat]}")
    print(f"total {n} cases in {len(files)} files")
    for e in errs:
        print("ERROR", e)
    print("OK" if not errs else f"{len(errs)} problem(s)")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
