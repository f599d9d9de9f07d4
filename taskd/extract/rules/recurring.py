"""Recurrence phrases -> RRULE parts (RFC 5545), merged into `Found.rule`.

- "every day", "daily", "each two days", "every other week", "every 3 months", "every 2 hours",
  "every 30 minutes", "weekly", "monthly", "quarterly" (MONTHLY;INTERVAL=3), "semiannually"
  (MONTHLY;INTERVAL=6), "annually", "biweekly"/"fortnightly" (WEEKLY;INTERVAL=2).
- weekdays: "every Monday", "on Mondays", "Tuesdays and Thursdays", "every weekday"
  (BYDAY=MO,TU,WE,TH,FR), "weekends" (BYDAY=SA,SU), "every weekday except Friday".
- month days: "on the 15th of every month" (BYMONTHDAY=15), "on the 1st and 15th of each month",
  "the last day of the month" (BYMONTHDAY=-1), "first Monday of the month" (BYDAY=1MO),
  "every 2nd and 4th Tuesday" (BYDAY=2TU,4TU), "last weekday of the month"
  (BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1), "first business day of every quarter"
  (BYMONTH=1,4,7,10 with BYSETPOS=1).
- "every year on June 14", "every Dec 25" (YEARLY;BYMONTH=6;BYMONTHDAY=14).
- "once a day", "twice a day" (09:00 and 21:00 unless times are given), "three times a day"
  (08:00, 14:00, 20:00), "twice a week" (Monday and Thursday), "three times a week" (Mon/Wed/Fri).
- "every hour between 9 and 5": BYHOUR=9..17.
Bounds: "for 5 times"/", 3 times" -> COUNT; "for 4 weeks" -> COUNT when the unit is the rule's
own, else UNTIL; "for the next 30 days" -> UNTIL; "until <date>" -> UNTIL (see `assemble`).
"""

from __future__ import annotations

import re

from taskd.extract.rules import times
from taskd.extract.rules.lexicon import (
    MONTH,
    MONTH_WORDS,
    NUM,
    ORD,
    ORDINAL_TOKENS,
    QTY,
    RRULE_DAYS,
    WEEKDAY,
    WEEKDAY_WORDS,
    WEEKDAYS,
    WORKDAYS,
    cardinal,
    month_number,
    ordinal,
    quantity,
    weekday_number,
)
from taskd.extract.rules.scan import Found, Scan

_FINENESS = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]
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
_WORDS: dict[str, tuple[str, int, dict[str, str]]] = {
    "daily": ("DAILY", 1, {}), "nightly": ("DAILY", 1, {}), "weekly": ("WEEKLY", 1, {}),
    "biweekly": ("WEEKLY", 2, {}), "fortnightly": ("WEEKLY", 2, {}),
    "monthly": ("MONTHLY", 1, {}), "bimonthly": ("MONTHLY", 2, {}),
    "quarterly": ("MONTHLY", 3, {}), "semiannually": ("MONTHLY", 6, {}),
    "semiannual": ("MONTHLY", 6, {}), "biannually": ("MONTHLY", 6, {}),
    "yearly": ("YEARLY", 1, {}), "annually": ("YEARLY", 1, {}), "annual": ("YEARLY", 1, {}),
    "hourly": ("HOURLY", 1, {}), "weekdays": ("WEEKLY", 1, {"BYDAY": WORKDAYS}),
    "weekends": ("WEEKLY", 1, {"BYDAY": "SA,SU"}),
}

_EVERY = r"(?:every|each|any|all)"
_EVERY_UNIT = re.compile(
    rf"(?<!\bof\s)\b{_EVERY}\s(?:single\s)?(?:(?P<other>other|second|alternate)\s|(?P<half>half\s(?:an\s)?)|"
    rf"(?P<n>{QTY})\s)?(?P<unit>minute|min|"
    r"hour|hr|day|night|week|fortnight|month|year|quarter|weekday|business\sday|working\sday|"
    r"work\sday|workday|weekend)s?\b(?!\s(?:of|before|after)\b)")
_WEEKDAY_LIST = rf"{WEEKDAY}s?(?:(?:,\s?|\s?,?\s(?:and|or)\s){WEEKDAY}s?)*"
_WEEKDAYS = re.compile(
    rf"\b(?P<lead>{_EVERY}\s(?:(?P<other>other|second|alternate)\s)?|on\s)?"
    rf"(?P<list>{_WEEKDAY_LIST})(?![\w'])(?P<dp>\s(?:morning|afternoon|evening|night)s\b)?")
_FREQ_WORD = re.compile(
    r"\b(?:on\s)?(?P<w>daily|nightly|weekly|bi-?weekly|fortnightly|monthly|bimonthly|quarterly|"
    r"semiannually|semiannual|biannually|yearly|annually|annual|hourly|(?:on\s|every\s)?"
    r"week\s?days|(?:on\s|every\s)?weekends)\b|\b(?:each|every)\squarter\b")
_PER = re.compile(
    rf"\b(?P<n>once|one|twice|thrice|{NUM}\stimes)\s(?:(?:a|per|each|every)\s"
    r"(?P<unit>day|week|month|year|hour)\b|(?P<ly>daily|weekly|monthly|yearly|hourly)\b)")
_NTH = re.compile(
    rf"\b(?:(?:every|each|on)\s)?(?:the\s)?(?P<ords>(?:{ORD}|last|second[\s-]to[\s-]last)"
    rf"(?:(?:,|\sand|\s&|\sor)\s(?:the\s)?(?:{ORD}|last))*)\s(?P<what>{WEEKDAY}|weekday|"
    r"business\sday|working\sday|work\sday|day|weekend\sday)(?:\sof\s(?:(?P<each>every|each|"
    rf"the|a)\s)?(?P<period>month|quarter|{MONTH}))?\b")
_MONTHDAYS = re.compile(
    rf"\b(?:(?:on|every|each)\s)?(?:the\s)?(?P<ords>{ORD}(?:(?:,|\sand|\s&)\s(?:the\s)?{ORD})*)"
    r"(?:\sday)?\s(?:of\s)?(?:every|each|a|per)\smonth\b|\b(?:every|each)\smonth\s(?:on\s)?"
    rf"(?:the\s)?(?P<ords2>{ORD}(?:(?:,|\sand|\s&)\s(?:the\s)?{ORD})*)\b")
_EVERY_DATE = re.compile(
    rf"\b(?:every|each)\s(?:year\s)?(?:on\s)?(?:the\s)?(?:(?P<m1>{MONTH})\s(?P<d1>{ORD}|\d{{1,2}})"
    rf"|(?P<d2>{ORD}|\d{{1,2}})\s(?:of\s)?(?P<m2>{MONTH}))(?![\w:])")
_EXCEPT = re.compile(
    rf",?\s(?:except|but\snot|excluding|other\sthan|apart\sfrom)\s(?:on\s)?(?:for\s)?"
    rf"(?P<list>{_WEEKDAY_LIST})\b")
_ADJECTIVE = re.compile(r"\b(?:a|an|the|my|our|your|his|her|their|this|that)\s$")
_BETWEEN = re.compile(r"\b(?:between|from)\s(?=\S)")
_COUNT = re.compile(rf"(?:,\s?|\b)(?:for\s)?(?P<n>{NUM})\s(?:times|occurrences|sessions)\b(?!\s(?:a|per)\s)")
_FOR_SPAN = re.compile(
    rf"\bfor\s(?:the\s)?(?:next\s|following\s)?(?P<n>{QTY})\s(?P<unit>day|week|month|year)s?\b")


def merge(found: Found, freq: str, interval: int = 1, by: dict[str, str] | None = None) -> None:
    """Add a recurrence piece; the finer frequency wins and BY parts accumulate."""
    rule = found.rule
    if rule is None:
        found.rule = {"FREQ": freq, **({"INTERVAL": str(interval)} if interval > 1 else {})}
        rule = found.rule
    else:
        if _FINENESS.index(freq) < _FINENESS.index(rule["FREQ"]):
            rule["FREQ"] = freq
        if interval > int(rule.get("INTERVAL", "1")):
            rule["INTERVAL"] = str(interval)
    for name, value in (by or {}).items():
        rule[name] = value


def _days(text: str) -> list[str]:
    out: list[str] = []
    for word in re.split(r",\s?|\s?,?\s(?:and|or)\s", text):
        number = weekday_number(word)
        if number is not None and RRULE_DAYS[number] not in out:
            out.append(RRULE_DAYS[number])
    return out


def _ordinals(text: str) -> list[int]:
    values: list[int] = []
    for word in re.split(r",\s?|\s(?:and|&|or)\s", text):
        word = word.removeprefix("the ").strip()
        if re.fullmatch(r"second[\s-]to[\s-]last", word):
            values.append(-2)
            continue
        value = ordinal(word)
        if value is not None:
            values.append(value)
    return values


def _every_unit(scan: Scan, found: Found) -> None:
    for match in scan.finditer(_EVERY_UNIT, _EVERY_LEADS):
        if not scan.free(*match.span()):
            continue
        unit = match.group("unit").replace("\n", " ")
        freq, interval, by = _UNIT_RULES[" ".join(unit.split())]
        if match.group("half"):
            if unit not in ("hour", "hr"):
                continue
            freq, interval = "MINUTELY", 30
        elif match.group("other"):
            interval *= 2
        elif match.group("n"):
            amount = quantity(match.group("n"))
            if amount is None or amount < 1 or amount != int(amount):
                continue
            interval *= int(amount)
        merge(found, freq, interval, by)
        found.quarterly = found.quarterly or unit == "quarter"
        if unit == "night":
            found.dayparts.append("night")
        scan.consume(*match.span())


def _weekdays(scan: Scan, found: Found) -> None:
    for match in scan.finditer(_WEEKDAYS, _WEEKDAYS_LEADS):
        if not scan.free(*match.span()):
            continue
        items = re.split(r",\s?|\s?,?\s(?:and|or)\s", match.group("list"))
        plural = any(w.endswith("s") and w[:-1] in WEEKDAYS for w in items)
        lead = (match.group("lead") or "").strip()
        days = _days(match.group("list"))
        if not plural and lead in ("", "on") and not match.group("dp") and len(days) < 2:
            continue
        if not days:
            continue
        merge(found, "WEEKLY", 2 if match.group("other") else 1, {"BYDAY": ",".join(days)})
        if match.group("dp"):
            found.dayparts.append(match.group("dp").strip()[:-1])
        scan.consume(*match.span())


def _nth(scan: Scan, found: Found) -> None:
    for match in _NTH.finditer(scan.text):
        if not scan.free(*match.span()):
            continue
        period = match.group("period")
        has_every = match.group(0).startswith(("every", "each"))
        if period is None and not has_every:
            continue
        if period and period not in ("month", "quarter") and found.rule is None and not has_every:
            continue  # "the first Monday of September": a one-time date (dates.py)
        ords = _ordinals(match.group("ords"))
        what = match.group("what")
        if not ords:
            continue
        by: dict[str, str] = {}
        freq = "MONTHLY"
        if period == "quarter":
            by["BYMONTH"] = "1,4,7,10"
        elif period and period != "month":
            month = month_number(period)
            if month is None:
                continue
            by["BYMONTH"] = str(month)
            freq = "YEARLY"
        number = weekday_number(what)
        if number is not None:
            by["BYDAY"] = ",".join(f"{n}{RRULE_DAYS[number]}" for n in ords)
        elif what == "day":
            by["BYMONTHDAY"] = ",".join(str(n) for n in ords)
        else:
            by["BYDAY"] = "SA,SU" if what == "weekend day" else WORKDAYS
            by["BYSETPOS"] = ",".join(str(n) for n in ords)
        merge(found, freq, 1, by)
        scan.consume(*match.span())


def _monthdays(scan: Scan, found: Found) -> None:
    for match in _MONTHDAYS.finditer(scan.text):
        if not scan.free(*match.span()):
            continue
        days = _ordinals(match.group("ords") or match.group("ords2"))
        if not days or any(not 1 <= d <= 31 for d in days):
            continue
        merge(found, "MONTHLY", 1, {"BYMONTHDAY": ",".join(str(d) for d in days)})
        scan.consume(*match.span())


def _every_date(scan: Scan, found: Found) -> None:
    for match in _EVERY_DATE.finditer(scan.text):
        if not scan.free(*match.span()):
            continue
        month = month_number(match.group("m1") or match.group("m2"))
        day_text = match.group("d1") or match.group("d2")
        day = int(day_text) if day_text.isdigit() else ordinal(day_text)
        if month is None or day is None:
            continue
        from taskd.extract.rules.calendar import check_day, month_name

        check_day(month, day, f"{month_name(month)} {day}")
        merge(found, "YEARLY", 1, {"BYMONTH": str(month), "BYMONTHDAY": str(day)})
        scan.consume(*match.span())


def _freq_words(scan: Scan, found: Found) -> None:
    for match in _FREQ_WORD.finditer(scan.text):
        if not scan.free(*match.span()):
            continue
        word = (match.group("w") or "quarterly").replace("-", "").replace(" ", "")
        word = word.removeprefix("on").removeprefix("every")
        if word == "annual" and found.rule is not None:
            continue
        freq, interval, by = _WORDS[word]
        if _ADJECTIVE.search(scan.text[:match.start()]):
            # "the weekly newsletter": a recurrence only when nothing else schedules the task
            if found.rule is None and found.weak_rule is None:
                found.weak_rule = {"FREQ": freq, **({"INTERVAL": str(interval)}
                                                    if interval > 1 else {}), **by}
            continue
        merge(found, freq, interval, by)
        found.quarterly = found.quarterly or word == "quarterly"
        if word == "nightly":
            found.dayparts.append("night")
        scan.consume(*match.span())


def _per(scan: Scan, found: Found) -> None:
    for match in _PER.finditer(scan.text):
        if not scan.free(*match.span()):
            continue
        word = match.group("n")
        n = {"once": 1, "one": 1, "twice": 2, "thrice": 3}.get(word)
        if n is None:
            n = cardinal(word.removesuffix(" times")) or 0
        unit = match.group("unit") or {"daily": "day", "weekly": "week", "monthly": "month",
                                        "yearly": "year", "hourly": "hour"}[match.group("ly")]
        freq = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY",
                "hour": "HOURLY"}[unit]
        if n < 1:
            continue
        by: dict[str, str] = {}
        if unit == "week" and n > 1:
            by["BYDAY"] = {2: "MO,TH", 3: "MO,WE,FR", 4: "MO,TU,TH,FR", 5: WORKDAYS,
                           6: "MO,TU,WE,TH,FR,SA"}.get(n, "MO,TU,WE,TH,FR,SA,SU")
        elif unit == "day" and n > 1:
            found.per_day = n
        merge(found, freq, 1, by)
        scan.consume(*match.span())


def _except(scan: Scan, found: Found) -> None:
    if found.rule is None:
        return
    for match in _EXCEPT.finditer(scan.text):
        if not scan.free(*match.span()):
            continue
        drop = set(_days(match.group("list")))
        current = found.rule.get("BYDAY", ",".join(RRULE_DAYS)).split(",")
        kept = [d for d in current if d not in drop]
        if kept:
            found.rule["BYDAY"] = ",".join(kept)
            if found.rule["FREQ"] == "DAILY":
                found.rule["FREQ"] = "WEEKLY"
            scan.consume(*match.span())


def _between(scan: Scan, found: Found) -> None:
    if found.rule is None or found.rule["FREQ"] not in ("HOURLY", "MINUTELY"):
        return
    for match in _BETWEEN.finditer(scan.text):
        first = times._atom_at(scan, found, match.end())
        if first is None:
            continue
        sep = re.compile(r"\s?(?:and|to|-|until|till)\s?").match(scan.text, first[1])
        if sep is None:
            continue
        second = times._atom_at(scan, found, sep.end())
        if second is None:
            continue
        low, high = first[0], second[0]
        start, end = low.hour, high.hour
        if high.ambiguous and end <= start and end + 12 <= 23:
            end += 12
        if end < start:
            continue
        found.rule["BYHOUR"] = ",".join(str(h) for h in range(start, end + 1))
        found.rule.setdefault("BYMINUTE", str(low.minute))
        found.window_start = (start, low.minute)
        scan.consume(match.start(), second[1])
        return


_EVERY_WORDS = frozenset({"every", "each", "any", "all"})
# How the words that can open _EVERY_UNIT / _WEEKDAYS begin (Scan.finditer tries them there only).
_EVERY_LEADS = ("every", "each", "any", "all")
_WEEKDAYS_LEADS = (*_EVERY_LEADS, "on", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_UNIT_WORDS = frozenset({"minute", "min", "hour", "hr", "day", "night", "week", "fortnight",
                         "month", "year", "quarter", "weekday", "business", "working", "work",
                         "workday", "weekend"})
_UNIT_TRIGGERS = _UNIT_WORDS | frozenset(w + "s" for w in _UNIT_WORDS)
_PER_WORDS = frozenset({"once", "one", "twice", "thrice", "times"})
_FREQ_WORDS = frozenset(_WORDS) | {"biweekly", "bimonthly"}
_NTH_WORDS = frozenset({"month", "quarter", "every", "each"}) | MONTH_WORDS
_ORDINALS = ORDINAL_TOKENS | {"last"}
_PLURAL_DAYPARTS = frozenset({"mornings", "afternoons", "evenings", "nights"})
_LEADS_AND_DAYS = _EVERY_WORDS | {"on"} | WEEKDAY_WORDS


def _weekday_rule_possible(scan: Scan, every: bool) -> bool:
    """A weekday recurs only as "every Monday", "Mondays", "Tuesdays and Thursdays", "Monday
    mornings": one singular weekday word and nothing else is a date (dates.py)."""
    days = scan.words & WEEKDAY_WORDS
    if not days:
        return False
    return every or len(days) > 1 or any(d.endswith("s") and d[:-1] in WEEKDAYS for d in days) \
        or not scan.words.isdisjoint(_PLURAL_DAYPARTS)


def find_recurrence(scan: Scan, found: Found) -> None:
    words = scan.words
    every = not words.isdisjoint(_EVERY_WORDS)
    if every:
        if not words.isdisjoint(MONTH_WORDS):
            _every_date(scan, found)
        if not words.isdisjoint(_UNIT_TRIGGERS):
            _every_unit(scan, found)
    ordinals = not words.isdisjoint(_ORDINALS)
    if ordinals and not words.isdisjoint(_NTH_WORDS):
        _nth(scan, found)
    if ordinals and "month" in words:
        _monthdays(scan, found)
    if _weekday_rule_possible(scan, every):
        _weekdays(scan, found)
    if not words.isdisjoint(_PER_WORDS):
        _per(scan, found)
    if not words.isdisjoint(_FREQ_WORDS) or ("week" in words and ("days" in words or
                                                                  "ends" in words)) or \
            (every and "quarter" in words):
        _freq_words(scan, found)
    if found.rule is not None:
        _except(scan, found)
        _between(scan, found)


def find_bounds(scan: Scan, found: Found) -> None:
    """COUNT and 'for N days' spans; only meaningful once a rule exists."""
    if found.rule is None:
        return
    for match in _COUNT.finditer(scan.text):
        if scan.free(*match.span()):
            n = cardinal(match.group("n"))
            if n and n > 0:
                found.count = n
                scan.consume(*match.span())
    for match in _FOR_SPAN.finditer(scan.text):
        if scan.free(*match.span()):
            amount = quantity(match.group("n"))
            if amount and amount == int(amount):
                next_word = re.search(r"\b(?:next|following|coming)\b", match.group(0))
                found.span = (match.group("unit"), int(amount), bool(next_word))
                scan.consume(*match.span())
