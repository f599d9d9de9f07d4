#!/usr/bin/env python3
"""Independent validator for evals/cases/*.jsonl.

It does not parse any text into a schedule. It re-derives the expectations from the
structured parameters stored with each case (`meta`, the expected `rrule`) using
python-dateutil (rrule, relativedelta) and zoneinfo, and runs consistency checks against the
text (weekday names, month names, clock times, dayparts).

Usage: python evals/check_cases.py [FILE...]   (default: evals/cases/*.jsonl)
Exit status 0 when every case passes.
"""
from __future__ import annotations

import glob
import json
import os
import re
import sys
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

from dateutil.relativedelta import relativedelta, MO, TU, WE, TH, FR, SA, SU
from dateutil.rrule import rrulestr

CATEGORIES = {
    "absolute", "time-only", "relative", "today-tomorrow", "weekday", "daypart",
    "recurring-daily", "recurring-weekly", "recurring-monthly", "recurring-yearly",
    "recurring-interval", "recurring-multi", "recurring-bounds", "dst", "edge-dates",
    "kind-title", "clarify",
}
MIN_PER_CATEGORY = 12
EXPECT_KEYS = {"first", "date_only", "next", "recurring", "rrule", "kind", "title", "clarify"}
DAYNAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DAYCODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
RD_WD = [MO, TU, WE, TH, FR, SA, SU]
MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"])}
MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()}
DAYPART = {"morning": 9, "afternoon": 15, "evening": 19, "tonight": 20, "night": 21,
           "end of day": 17, "noon": 12, "midnight": 0}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
UTC = timezone.utc


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
def rederive(calc: dict, now: datetime, z: ZoneInfo) -> datetime:
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
        if calc.get("next"):
            monday_next_week = now.date() + relativedelta(weekday=MO(-1)) + relativedelta(weeks=1)
            return gap_shift(datetime.combine(monday_next_week + relativedelta(weekday=RD_WD[w](+1)), hm), z)
        d = now.date() + relativedelta(weekday=RD_WD[w](+1))
        return after_now(d) or after_now(d + relativedelta(weeks=1))
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
def check_case(c: dict, errs: list[str]) -> None:
    cid = c.get("id", "?")

    def err(msg):
        errs.append(f"{cid}: {msg}")

    for k in ("id", "text", "now", "tz", "category", "expect"):
        if k not in c:
            err(f"missing key {k}")
            return
    cat = c["category"]
    if cat not in CATEGORIES:
        err(f"unknown category {cat}")
    if not re.fullmatch(re.escape(cat) + r"-\d{3}", cid):
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
            if w not in low:
                err(f"title word {w!r} not in text")

    if e.get("clarify") is True:
        if any(k in e for k in ("first", "next", "rrule", "date_only")):
            err("clarify case must not carry a schedule")
        if cat != "clarify":
            err("clarify:true outside the clarify category")
        if re.search(r"\b\d{1,2}(:\d{2})?\s*(am|pm)\b|\b(tomorrow|tonight|today|every|daily|weekly)\b", low):
            err("clarify text contains schedulable words")
        return
    if cat == "clarify":
        err("clarify category needs clarify:true")
        return
    if "first" not in e:
        err("non-clarify case without first")
        return

    # ---- fire times are well formed, exist, ordered, and after now
    times = [e["first"]] + list(e.get("next", []))
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
        if not (meta.get("calc", {}).get("op") == "elapsed"):
            err("first is not strictly after now")
    for a, b in zip(parsed, parsed[1:]):
        if not b > a:
            err("next not strictly increasing")
    if e.get("date_only"):
        if first.time() != time(9, 0):
            err("date_only first must be written at 09:00:00")
        if "calc" in meta and meta["calc"].get("h", 9) != 9:
            err("date_only case with an explicit time")

    # ---- recurring / one-time consistency
    rule = e.get("rrule")
    if rule is not None and e.get("recurring") is not True:
        err("rrule given but recurring is not true")
    if e.get("recurring") is True and rule is None:
        err("recurring case without rrule")
    if e.get("recurring") is False and "next" in e:
        err("one-time case with next")
    if cat.startswith("recurring-") and e.get("recurring") is not True:
        err("recurring category but recurring is not true")

    # ---- one-time: re-derive first from the structured parameters
    if "calc" in meta:
        try:
            want = rederive(meta["calc"], now, z)
        except Exception as ex:  # noqa: BLE001
            err(f"re-derivation failed: {ex}")
        else:
            if want != first:
                err(f"first {first.isoformat()} != re-derived {want.isoformat()}")
        if meta["calc"]["op"] == "elapsed":
            if "next" in e:
                err("elapsed one-time with next")

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
        except Exception as ex:  # noqa: BLE001
            err(f"rrule does not parse: {ex}")
            return
        if not occ or occ[0] != first:
            err(f"rrule expanded from first does not start at first (got {occ[:1]})")
        shifted = [gap_shift(o, z) for o in occ]
        if shifted[:len(parsed)] != parsed:
            err(f"expansion {[o.isoformat() for o in shifted[:len(parsed)]]} != expected {times}")
        if "COUNT" in parts and len(parsed) > int(parts["COUNT"]):
            err("more fire times than COUNT")
        if "UNTIL" in parts:
            until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%S")
            if until.time() != time(23, 59, 59):
                err("UNTIL should be end of the named day (inclusive)")
            if any(t > until for t in parsed):
                err("fire time after UNTIL")
        interval = int(parts.get("INTERVAL", "1"))
        if "anchor_sec" in meta:
            unit = {"HOURLY": 3600, "MINUTELY": 60}.get(freq)
            if unit is None or unit * interval != meta["anchor_sec"]:
                err("anchor does not match FREQ/INTERVAL")
            want = (now.replace(tzinfo=z, fold=0).astimezone(UTC)
                    + timedelta(seconds=meta["anchor_sec"])).astimezone(z).replace(tzinfo=None)
            if want != first:
                err(f"interval first {first} != now + interval {want}")
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
        # BYDAY vs text
        if "BYDAY" in parts and not re.search(r"\d", parts["BYDAY"]) and "BYSETPOS" not in parts:
            rule_days = set(parts["BYDAY"].split(","))
            text_days = {DAYCODES[i] for i, d in enumerate(DAYNAMES) if re.search(rf"\b{d}s?\b", low)}
            if re.search(r"\bweekdays?\b", low):
                text_days |= set(DAYCODES[:5])
            if re.search(r"\bweekends?\b", low):
                text_days |= {"SA", "SU"}
            if text_days != rule_days:
                err(f"BYDAY {rule_days} does not match days named in text {text_days}")
        # BYMONTH vs text
        if "BYMONTH" in parts:
            mtext = months_in(low)
            if mtext and {int(x) for x in parts["BYMONTH"].split(",")} != mtext:
                err("BYMONTH does not match month named in text")
        # clock times named in the text
        hours = {int(x) for x in parts.get("BYHOUR", str(first.hour)).split(",")}
        minutes = {int(x) for x in parts.get("BYMINUTE", str(first.minute)).split(",")}
        check_clock(low, hours, minutes, err, meta)
    else:
        check_clock(low, {first.hour}, {first.minute}, err, meta, first=first, z=z)

    # ---- weekday / month names in the text against first
    if not meta.get("skip_wd"):
        named = {i for i, d in enumerate(DAYNAMES) if re.search(rf"\b{d}s?\b", low)}
        if named and first.weekday() not in named:
            err(f"text names {[DAYNAMES[i] for i in named]} but first is a {DAYNAMES[first.weekday()]}")
        if re.search(r"\bnext (monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", low) and rule is None:
            monday_next = now.date() + relativedelta(weekday=MO(-1), weeks=1)
            if not (monday_next <= first.date() < monday_next + timedelta(days=7)):
                err("'next <weekday>' must fall in the week after the current one")
        if re.search(r"\bweekends?\b", low) and first.weekday() < 5:
            err("weekend case whose first is a weekday")
    if rule is None:
        mtext = months_in(low)
        if mtext and first.month not in mtext:
            err(f"month named in text {mtext} != month of first {first.month}")

    # ---- category-specific
    if cat == "dst":
        probe = parsed + [now]
        if not has_transition_near(probe, z):
            err("dst case without a DST transition nearby")
    if cat == "edge-dates":
        pass


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


def check_clock(low, hours, minutes, err, meta, first=None, z=None):
    """Every clock time written in the text must be one of the expected fire times
    (for one-time cases shifted by a DST gap, the pre-shift wall time is accepted)."""
    found = []
    for m in CLOCK.finditer(low):
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
        if not ok and first is None and meta.get("start"):
            ok = True  # "starting at 8am" on an interval rule
        if not ok:
            err(f"clock time {h:02d}:{mi:02d} in text not matched by expectation")
    if not found and not re.search(r"\bat \d{1,2}\b|\b\d{1,2}( and \d{1,2})+\b|, \d{1,2}\b|\b\d{1,2} in the\b", low):
        for word, hh in DAYPART.items():
            if re.search(rf"\b{word}\b", low):
                want = hh  # note: \bnight\b does not match inside "tonight"
                if want not in hours and not calc.get("h") == want:
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
