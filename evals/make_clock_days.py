#!/usr/bin/env python3
"""Writes evals/cases/clock-days.jsonl: the clock-time and day families of issue 12, one case per
(family, parameters), each expectation computed here from the parameters with dateutil (never
by running taskd). `meta.calc` holds the re-derivable form that evals/check_cases.py checks.

Usage: python evals/make_clock_days.py
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

RD = [MO, TU, WE, TH, FR, SA, SU]
CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TZ = "Europe/Berlin"
NOW = datetime(2026, 12, 2, 10, 0)  # a Wednesday
OUT = Path(__file__).parent / "cases" / "clock-days.jsonl"


def next_time(now: datetime, hour: int, minute: int) -> datetime:
    candidate = datetime.combine(now.date(), time(hour, minute))
    return candidate if candidate > now else candidate + timedelta(days=1)


def on(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def cases() -> list[tuple[str, datetime, datetime, str, dict, bool]]:
    """(text, now, first, title, calc, date_only)"""
    out: list[tuple[str, datetime, datetime, str, dict, bool]] = []
    # 24-hour with h, military, words around noon: the next time the clock shows it
    for text, hour, minute, title in [
            ("meet Anna at 16h00", 16, 0, "meet Anna"), ("13h30 call the bank", 13, 30, "call bank"),
            ("dinner with Sam 19h", 19, 0, "dinner Sam"), ("standup at 1030", 10, 30, "standup"),
            ("at 2215 lock the door", 22, 15, "lock door"),
            ("at 730 in the evening call grandma", 19, 30, "call grandma"),
            # (quarter past noon, three quarters past 9pm: tests/test_grammar_clock.py; the
            # checker's clock reader takes "noon"/"9pm" in them for the whole time)
            ("8 in the night take the pills", 20, 0, "take pills"),
            ("half three pick up the kids", 15, 30, "pick up kids"),
            ("call mom at 7 today", 19, 0, "call mom")]:
        out.append((text, NOW, next_time(NOW, hour, minute), title,
                    {"op": "time", "h": hour, "m": minute}, False))
    # weekday after next, N weekdays from now, Nth weekday of next month
    for wd in range(7):
        after_next = NOW.date() + relativedelta(days=+1, weekday=RD[wd](+2))
        out.append((f"{NAMES[wd].lower()} after next dentist", NOW, on(after_next), "dentist",
                    {"op": "date", "date": after_next.isoformat()}, True))
        n = wd % 3 + 2
        counted = NOW.date() + relativedelta(days=+1, weekday=RD[wd](+n))
        out.append((f"{n} {NAMES[wd].lower()}s from now renew the passport", NOW, on(counted),
                    "renew passport", {"op": "date", "date": counted.isoformat()}, True))
        nth = wd % 4 + 1
        first_next = NOW.date().replace(day=1) + relativedelta(months=1)
        day = first_next + relativedelta(weekday=RD[wd](+nth))
        ordinal = ["first", "second", "third", "fourth"][nth - 1]
        out.append((f"{ordinal} {NAMES[wd].lower()} of next month book club", NOW, on(day),
                    "book club", {"op": "date", "date": day.isoformat()}, True))
    # an explicit year anywhere, and a weekday that fixes the year
    for text, day, title in [
            ("third tuesday of september 2027 dentist", date(2027, 9, 1) +
             relativedelta(weekday=TU(+3)), "dentist"),
            ("call mom on 31 December 9999 at 9am", date(9999, 12, 31), "call mom"),
            ("16. Nov. 2027 pay the invoice", date(2027, 11, 16), "pay invoice"),
            ("2028 March 18 file the taxes", date(2028, 3, 18), "file taxes")]:
        out.append((text, NOW, on(day), title, {"op": "date", "date": day.isoformat()},
                    "9am" not in text))
    for month, dom, year in [(7, 18, 2028), (9, 15, 2027), (3, 3, 2028)]:
        wd = date(year, month, dom).weekday()
        nxt = date(NOW.year, month, dom)
        if nxt < NOW.date():
            nxt = date(NOW.year + 1, month, dom)
        day = next(date(y, month, dom) for y in range(nxt.year, nxt.year + 3)
                   if date(y, month, dom).weekday() == wd)
        text = f"{NAMES[wd][:3]}, {date(2000, month, 1):%b} {dom} party"
        out.append((text, NOW, on(day), "party", {"op": "date", "date": day.isoformat()}, True))
    for dom in (15, 28):
        out.append((f"pay the rent on the {dom}", NOW, on(date(2026, 12, dom)), "pay rent",
                    {"op": "monthday", "day": dom}, True))
    return out


def main() -> None:
    lines = []
    for number, (text, now, first, title, calc, date_only) in enumerate(cases(), 1):
        expect: dict = {"first": first.isoformat(), "recurring": False, "title": title}
        if date_only:
            expect["date_only"] = True
        lines.append(json.dumps({"id": f"clock-days-{number:03d}", "text": text,
                                 "now": now.isoformat(), "tz": TZ, "category": "clock-days",
                                 "expect": expect, "meta": {"calc": calc}}))
    OUT.write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} cases -> {OUT}")


if __name__ == "__main__":
    main()
