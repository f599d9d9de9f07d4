"""How often: "every 2 hours", "every other week", "every 1h30", "daily", "quarterly",
"twice a week", "three times a day" -> FREQ and INTERVAL (and the BYDAY of "twice a week")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from taskd.errors import BadInput
from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.amounts import DURATION, amount_value
from taskd.extract.rules.amounts import parse as parse_duration
from taskd.extract.rules.lexicon import NUM, ORD, QTY, WORKDAYS, cardinal, ordinal
from taskd.extract.rules.recur_common import EVERY, matches_at, merge
from taskd.extract.rules.scan import Found, Scan

_UNIT_RULES: dict[str, tuple[str, int, dict[str, str]]] = {
    "minute": ("MINUTELY", 1, {}), "min": ("MINUTELY", 1, {}), "hour": ("HOURLY", 1, {}),
    "hr": ("HOURLY", 1, {}), "day": ("DAILY", 1, {}), "night": ("DAILY", 1, {}),
    "week": ("WEEKLY", 1, {}), "fortnight": ("WEEKLY", 2, {}), "month": ("MONTHLY", 1, {}),
    "year": ("YEARLY", 1, {}), "quarter": ("MONTHLY", 3, {}),
    "weekday": ("WEEKLY", 1, {"BYDAY": WORKDAYS}), "business day": ("WEEKLY", 1,
                                                                   {"BYDAY": WORKDAYS}),
    "working day": ("WEEKLY", 1, {"BYDAY": WORKDAYS}), "work day": ("WEEKLY", 1,
                                                                   {"BYDAY": WORKDAYS}),
    "workday": ("WEEKLY", 1, {"BYDAY": WORKDAYS}), "weekend": ("WEEKLY", 1, {"BYDAY": "SA,SU"}),
}
WORDS: dict[str, tuple[str, int, dict[str, str]]] = {
    "daily": ("DAILY", 1, {}), "nightly": ("DAILY", 1, {}), "weekly": ("WEEKLY", 1, {}),
    "biweekly": ("WEEKLY", 2, {}), "fortnightly": ("WEEKLY", 2, {}),
    "monthly": ("MONTHLY", 1, {}), "bimonthly": ("MONTHLY", 2, {}),
    "quarterly": ("MONTHLY", 3, {}), "semiannually": ("MONTHLY", 6, {}),
    "semiannual": ("MONTHLY", 6, {}), "biannually": ("MONTHLY", 6, {}),
    "yearly": ("YEARLY", 1, {}), "annually": ("YEARLY", 1, {}), "annual": ("YEARLY", 1, {}),
    "hourly": ("HOURLY", 1, {}), "weekdays": ("WEEKLY", 1, {"BYDAY": WORKDAYS}),
    "weekends": ("WEEKLY", 1, {"BYDAY": "SA,SU"}),
}

_EVERY_UNIT = lazy(
    rf"(?<!\bof\s)\b{EVERY}\s(?:single\s)?(?:(?P<other>other|second|alternate)\s|(?P<half>half\s(?:an\s)?)|"
    rf"(?P<n>{QTY})\s|(?P<nth>{ORD})\s)?(?P<unit>minute|min|"
    r"hour|hr|day|night|week|fortnight|month|year|quarter|weekday|business\sday|working\sday|"
    r"work\sday|workday|weekend)s?\b(?!\s(?:of|before|after)\b)"
    r"(?!\s(?:past|to|till)\s(?:the|each|every)\shour\b)")
_FREQ_WORD = lazy(
    r"\b(?:on\s)?(?P<w>daily|nightly|weekly|bi-?weekly|fortnightly|monthly|bimonthly|quarterly|"
    r"semiannually|semiannual|biannually|yearly|annually|annual|hourly|(?:on\s|every\s)?"
    r"week\s?days|(?:on\s|every\s)?weekends)\b|\b(?:each|every)\squarter\b")
_PER = lazy(
    # (not the hour of "half past one daily", "at half one a week from today")
    rf"\b(?P<n>once|(?<!\bpast\s)(?<!\bhalf\s)(?<!\bto\s)(?<!\bafter\s)(?<!\bbefore\s)one|twice|thrice|"
    rf"{NUM}\stimes)\s(?:(?:a|per|each|every)\s"
    r"(?P<unit>day|week|month|year|hour)\b|(?P<ly>daily|weekly|monthly|yearly|hourly)\b)")
_ADJECTIVE = lazy(r"\b(?:a|an|the|my|our|your|his|her|their|this|that)\s$")
# "every 2h", "every 90m", "every 1h30", "each 3 wks": any duration of `amounts`.
# Not "every 2 hours 5 minutes past the hour": that is every 2 hours at :05 (minute_anchors).
_EVERY_DURATION = lazy(rf"\b(?:every|each)\s(?P<d>{DURATION})(?![\w])(?!\s(?:of|before|after)\b)"
                             r"(?!\s(?:past|to|till)\s(?:the|each|every)\shour\b)")
_DURATION_FREQ = {"seconds": "SECONDLY", "minutes": "MINUTELY", "hours": "HOURLY", "days": "DAILY",
                  "weeks": "WEEKLY", "months": "MONTHLY", "years": "YEARLY"}
_SECONDS_IN = {"minutes": 60, "hours": 3600, "days": 86400}


def every_duration(scan: Scan, found: Found) -> None:
    """"every 2h", "every 1h30", "every 1.5 days": a rule whose interval is the duration, in the
    finest unit it names (a mix of units becomes minutes or hours)."""
    for match in matches_at(_EVERY_DURATION, scan.text, ("every", "each")):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        text = match.group("d")
        if " " not in text and not any(c.isdigit() for c in text):
            continue
        fields = parse_duration(text)
        if fields is None:
            if re.match(r"0+(?:\.0+)?\s?[a-z]", text):
                raise BadInput(f"“{match.group(0)}” is no interval: say how often, "
                               "e.g. every 5 minutes")
            continue
        if len(fields) > 1:
            if not set(fields) <= set(_SECONDS_IN):
                continue  # "every 1 month 2 days": no single interval
            minutes = sum(fields[f] * _SECONDS_IN[f] for f in fields) // 60
            unit, amount = ("hours", minutes // 60) if minutes % 60 == 0 else ("minutes", minutes)
        else:
            unit, amount = next(iter(fields.items()))
        merge(found, _DURATION_FREQ[unit], amount)
        scan.consume(start, end)


def every_unit(scan: Scan, found: Found, leads: Iterable[str]) -> None:
    for match in matches_at(_EVERY_UNIT, scan.text, leads):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        other, half, n, nth, unit = match.groups()
        # Scan.text has single spaces, so a unit matched by "business\sday" is written as the key.
        freq, interval, by = _UNIT_RULES[unit]
        if half:
            if unit not in ("hour", "hr"):
                continue
            freq, interval = "MINUTELY", 30
        elif other:
            interval *= 2
        elif nth:  # "every 2nd day", "every third week": every N days, weeks
            step = ordinal(nth)
            if not step:
                continue
            interval *= step
        elif n:
            amount = amount_value(n)
            if amount is None:
                continue
            if amount <= 0:
                raise BadInput(f"“{match.group(0)}” is no interval: say how often, "
                               f"e.g. every 5 {unit}s")
            if amount != int(amount) and freq in ("HOURLY", "DAILY") and \
                    (amount * (60 if freq == "HOURLY" else 24)).is_integer():
                # "every 1.5 hours" = every 90 minutes; "every 1.5 days" = every 36 hours
                freq = "MINUTELY" if freq == "HOURLY" else "HOURLY"
                amount *= 60 if freq == "MINUTELY" else 24
            elif amount != int(amount):
                raise BadInput(f"“{match.group(0)}” is not a whole number of {unit}s: "
                               "say it in a smaller unit")
            interval *= int(amount)
        merge(found, freq, interval, by)
        if unit == "quarter":
            found.quarterly = True
        elif unit == "night":
            found.dayparts.append("night")
        scan.consume(start, end)


def freq_words(scan: Scan, found: Found, leads: Iterable[str]) -> None:
    for match in matches_at(_FREQ_WORD, scan.text, leads):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        word = (match.group(1) or "quarterly").replace("-", "").replace(" ", "")
        word = word.removeprefix("on").removeprefix("every")
        if word == "annual" and found.rule is not None:
            continue
        freq, interval, by = WORDS[word]
        # The longest adjective is 5 letters and a space; \b may look one character further back.
        if _ADJECTIVE.search(scan.text, max(0, start - 6), start):
            # "the weekly newsletter": a recurrence only when nothing else schedules the task
            if found.rule is None and found.weak_rule is None:
                found.weak_rule = {"FREQ": freq, **({"INTERVAL": str(interval)}
                                                    if interval > 1 else {}), **by}
            continue
        merge(found, freq, interval, by)
        if word == "quarterly":
            found.quarterly = True
        elif word == "nightly":
            found.dayparts.append("night")
        scan.consume(start, end)


_PER_COUNTS = {"once": 1, "one": 1, "twice": 2, "thrice": 3}
PER_UNITS = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year", "hourly": "hour"}
PER_FREQ = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY", "hour": "HOURLY"}
_PER_WEEK_DAYS = {2: "MO,TH", 3: "MO,WE,FR", 4: "MO,TU,TH,FR", 5: WORKDAYS, 6: "MO,TU,WE,TH,FR,SA"}


def per(scan: Scan, found: Found) -> None:
    for match in _PER.finditer(scan.text):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        word, unit, ly = match.groups()
        n = _PER_COUNTS.get(word)
        if n is None:
            n = cardinal(word.removesuffix(" times")) or 0
        unit = unit or PER_UNITS[ly]
        freq = PER_FREQ[unit]
        if n < 1:
            continue
        by: dict[str, str] = {}
        if unit == "week" and n > 1:
            by["BYDAY"] = _PER_WEEK_DAYS.get(n, "MO,TU,WE,TH,FR,SA,SU")
        elif unit == "day" and n > 1:
            found.per_day = n
        merge(found, freq, 1, by)
        scan.consume(start, end)
