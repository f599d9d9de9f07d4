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
from collections.abc import Iterable

from taskd.errors import BadInput
from taskd.extract.rules import times
from taskd.extract.rules.amounts import DURATION, amount_value
from taskd.extract.rules.amounts import parse as parse_duration
from taskd.extract.rules.calendar import check_day, month_name
from taskd.extract.rules.lexicon import (
    MONTH,
    MONTH_WORDS,
    NUM,
    ORD,
    ORDINAL_TOKENS,
    ORDINAL_UNITS,
    ORDINALS,
    QTY,
    RRULE_DAYS,
    WEEKDAY,
    WEEKDAY_NAMES,
    WEEKDAY_WORDS,
    WEEKDAYS,
    WORKDAYS,
    cardinal,
    month_number,
    ordinal,
    weekday_number,
)
from taskd.extract.rules.scan import Found, Scan, word_positions

_FINENESS = {freq: n for n, freq in enumerate(
    ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"])}
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
    rf"\bfor\s(?:the\s)?(?P<next>next\s|following\s)?(?P<d>{DURATION})(?![\w])")
# "every 2h", "every 90m", "every 1h30", "each 3 wks": any duration of `amounts`.
_EVERY_DURATION = re.compile(rf"\b(?:every|each)\s(?P<d>{DURATION})(?![\w])(?!\s(?:of|before|after)\b)")
_DURATION_FREQ = {"seconds": "SECONDLY", "minutes": "MINUTELY", "hours": "HOURLY", "days": "DAILY",
                  "weeks": "WEEKLY", "months": "MONTHLY", "years": "YEARLY"}
_SECONDS_IN = {"minutes": 60, "hours": 3600, "days": 86400}


_DAY_SPLIT = re.compile(r",\s?|\s?,?\s(?:and|or)\s")
_ORDINAL_SPLIT = re.compile(r",\s?|\s(?:and|&|or)\s")
_SECOND_TO_LAST = re.compile(r"second[\s-]to[\s-]last")
_RANGE_SEP = re.compile(r"\s?(?:and|to|-|until|till)\s?")
_NEXT = re.compile(r"\b(?:next|following|coming)\b")


def merge(found: Found, freq: str, interval: int = 1, by: dict[str, str] | None = None) -> None:
    """Add a recurrence piece; the finer frequency wins and BY parts accumulate."""
    rule = found.rule
    if rule is None:
        found.rule = rule = {"FREQ": freq}
        if interval > 1:
            rule["INTERVAL"] = str(interval)
    else:
        if _FINENESS[freq] < _FINENESS[rule["FREQ"]]:
            rule["FREQ"] = freq
        if interval > int(rule.get("INTERVAL", "1")):
            rule["INTERVAL"] = str(interval)
    if by:
        rule.update(by)


def _matches_at(pattern: re.Pattern[str], text: str, leads: Iterable[str]) -> list[re.Match[str]]:
    """What `pattern.finditer(text)` finds, for a pattern that can only start where one of `leads` is
    written: tried there only, because a complex pattern tried at every position of a sentence
    costs several times more than a few anchored `match` calls (like `Scan.finditer`, without
    its walk over every word of the sentence)."""
    found: list[re.Match[str]] = []
    end = -1
    for at in word_positions(text, leads):
        if at >= end:
            match = pattern.match(text, at)
            if match is not None:
                end = match.end()
                found.append(match)
    return found


def _day_form(item: str) -> tuple[str | None, bool]:
    """One item of a weekday list: its RRULE day, and whether it is a plural ("Mondays")."""
    number = weekday_number(item)
    return (None if number is None else RRULE_DAYS[number]), item.endswith("s") and item[:-1] in WEEKDAYS


# Every way _WEEKDAY_LIST writes one weekday, read once here instead of once per sentence.
_DAY_FORMS = {form: _day_form(form) for name in WEEKDAY_NAMES
              for form in (name, f"{name}.", f"{name}s", f"{name}.s")}


def _weekday_list(listed: str) -> tuple[list[str], bool]:
    """The RRULE days of a weekday list, in order without repeats, and whether one is a plural."""
    form = _DAY_FORMS.get(listed)
    if form is not None:  # a single weekday, the usual case
        return ([] if form[0] is None else [form[0]]), form[1]
    days: list[str] = []
    plural = False
    for item in _DAY_SPLIT.split(listed):
        code, item_plural = _DAY_FORMS.get(item) or _day_form(item)
        plural = plural or item_plural
        if code is not None and code not in days:
            days.append(code)
    return days, plural


def _ordinal_value(word: str) -> int | None:
    if _SECOND_TO_LAST.fullmatch(word):
        return -2
    return ordinal(word)


# The usual ordinals, read once here ("15th", "first", "twenty first", "last"); others as they come.
_ORDINAL_VALUES: dict[str, int] = {
    **{f"{day}{suffix}": day for day in range(1, 32) for suffix in ("st", "nd", "rd", "th")},
    **{word: ORDINALS[word] for word in ORDINALS},
    **{f"{tens} {unit}": base + ORDINALS[unit] for tens, base in (("twenty", 20), ("thirty", 30))
       for unit in ORDINAL_UNITS},
}


def _ordinals(text: str) -> list[int]:
    values: list[int] = []
    for word in _ORDINAL_SPLIT.split(text):
        word = word.removeprefix("the ").strip()
        value = _ORDINAL_VALUES.get(word)
        if value is None:
            value = _ordinal_value(word)
        if value is not None:
            values.append(value)
    return values


def _every_duration(scan: Scan, found: Found) -> None:
    """"every 2h", "every 1h30", "every 1.5 days": a rule whose interval is the duration, in the
    finest unit it names (a mix of units becomes minutes or hours)."""
    for match in _matches_at(_EVERY_DURATION, scan.text, ("every", "each")):
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


def _every_unit(scan: Scan, found: Found, leads: Iterable[str]) -> None:
    for match in _matches_at(_EVERY_UNIT, scan.text, leads):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        other, half, n, unit = match.groups()
        # Scan.text has single spaces, so a unit matched by "business\sday" is written as the key.
        freq, interval, by = _UNIT_RULES[unit]
        if half:
            if unit not in ("hour", "hr"):
                continue
            freq, interval = "MINUTELY", 30
        elif other:
            interval *= 2
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


def _weekdays(scan: Scan, found: Found, leads: Iterable[str]) -> None:
    for match in _matches_at(_WEEKDAYS, scan.text, leads):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        lead, other, listed, daypart = match.groups()
        days, plural = _weekday_list(listed)
        if not plural and not daypart and len(days) < 2 and (lead is None or lead.strip() == "on"):
            continue
        if not days:
            continue
        merge(found, "WEEKLY", 2 if other else 1, {"BYDAY": ",".join(days)})
        if daypart:
            found.dayparts.append(daypart.strip()[:-1])
        scan.consume(start, end)


def _nth(scan: Scan, found: Found) -> None:
    for match in _NTH.finditer(scan.text):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        ords_text, what, _, period = match.groups()
        has_every = match.group(0).startswith(("every", "each"))
        if period is None and not has_every:
            continue
        if period and period not in ("month", "quarter") and found.rule is None and not has_every:
            continue  # "the first Monday of September": a one-time date (dates.py)
        ords = _ordinals(ords_text)
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
        _check_ordinals(ords, what, number, period)
        if number is not None:
            day = RRULE_DAYS[number]
            by["BYDAY"] = ",".join(f"{n}{day}" for n in ords)
        elif what == "day":
            by["BYMONTHDAY"] = ",".join(map(str, ords))
        else:
            by["BYDAY"] = "SA,SU" if what == "weekend day" else WORKDAYS
            by["BYSETPOS"] = ",".join(map(str, ords))
        merge(found, freq, 1, by)
        scan.consume(start, end)


def _check_ordinals(ords: list[int], what: str, weekday_no: int | None, period: str | None) -> None:
    """A month has at most five of each weekday and 31 days: "every 29th Sunday" names none, and
    an RRULE with BYDAY=29SU cannot be expanded."""
    weekday = weekday_no is not None
    most = 5 if weekday else 31 if what == "day" else 23
    if period == "quarter" and not weekday:
        most = 92 if what == "day" else 66
    for n in ords:
        if not 1 <= abs(n) <= most:
            unit = list(WEEKDAYS)[weekday_no].capitalize() if weekday_no is not None else \
                f"{what} of the month"
            raise BadInput(f"there is no {_nth_word(n)} {unit} in a month "
                           f"(a month has at most {most}): say which one")


def _nth_word(n: int) -> str:
    n = abs(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _monthdays(scan: Scan, found: Found) -> None:
    text = scan.text
    # Both forms say "every/each/a/per month"; it is usually gone already ("the first Monday of
    # every month" is _nth's), and then the slow pattern need not run.
    if not ("every month" in text or "each month" in text or "a month" in text or "per month" in text):
        return
    for match in _MONTHDAYS.finditer(text):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        days = _ordinals(match.group(1) or match.group(2))
        if not days or any(not 1 <= d <= 31 for d in days):
            continue
        merge(found, "MONTHLY", 1, {"BYMONTHDAY": ",".join(map(str, days))})
        scan.consume(start, end)


def _every_date(scan: Scan, found: Found) -> None:
    for match in _matches_at(_EVERY_DATE, scan.text, ("every", "each")):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        m1, d1, d2, m2 = match.groups()
        month = month_number(m1 or m2)
        day_text = d1 or d2
        if day_text.isdigit():
            day = int(day_text)
        else:
            day = _ORDINAL_VALUES.get(day_text)
            if day is None:
                day = ordinal(day_text)
        if month is None or day is None:
            continue
        if not 1 <= day <= 28:  # every month has the days up to the 28th
            check_day(month, day, f"{month_name(month)} {day}")
        merge(found, "YEARLY", 1, {"BYMONTH": str(month), "BYMONTHDAY": str(day)})
        scan.consume(start, end)


def _freq_words(scan: Scan, found: Found, leads: Iterable[str]) -> None:
    for match in _matches_at(_FREQ_WORD, scan.text, leads):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        word = (match.group(1) or "quarterly").replace("-", "").replace(" ", "")
        word = word.removeprefix("on").removeprefix("every")
        if word == "annual" and found.rule is not None:
            continue
        freq, interval, by = _WORDS[word]
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
_PER_UNITS = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year", "hourly": "hour"}
_PER_FREQ = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY", "hour": "HOURLY"}
_PER_WEEK_DAYS = {2: "MO,TH", 3: "MO,WE,FR", 4: "MO,TU,TH,FR", 5: WORKDAYS, 6: "MO,TU,WE,TH,FR,SA"}


def _per(scan: Scan, found: Found) -> None:
    for match in _PER.finditer(scan.text):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        word, unit, ly = match.groups()
        n = _PER_COUNTS.get(word)
        if n is None:
            n = cardinal(word.removesuffix(" times")) or 0
        unit = unit or _PER_UNITS[ly]
        freq = _PER_FREQ[unit]
        if n < 1:
            continue
        by: dict[str, str] = {}
        if unit == "week" and n > 1:
            by["BYDAY"] = _PER_WEEK_DAYS.get(n, "MO,TU,WE,TH,FR,SA,SU")
        elif unit == "day" and n > 1:
            found.per_day = n
        merge(found, freq, 1, by)
        scan.consume(start, end)


def _except(scan: Scan, found: Found, rule: dict[str, str]) -> None:
    for match in _EXCEPT.finditer(scan.text):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        drop = set(_weekday_list(match.group(1))[0])
        current = rule.get("BYDAY", ",".join(RRULE_DAYS)).split(",")
        kept = [d for d in current if d not in drop]
        if kept:
            rule["BYDAY"] = ",".join(kept)
            if rule["FREQ"] == "DAILY":
                rule["FREQ"] = "WEEKLY"
            scan.consume(start, end)


def _between(scan: Scan, found: Found, rule: dict[str, str]) -> None:
    for match in _BETWEEN.finditer(scan.text):
        first = times._atom_at(scan, found, match.end())
        if first is None:
            continue
        sep = _RANGE_SEP.match(scan.text, first[1])
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
        rule["BYHOUR"] = ",".join(map(str, range(start, end + 1)))
        rule.setdefault("BYMINUTE", str(low.minute))
        found.window_start = (start, low.minute)
        scan.consume(match.start(), second[1])
        return


_EVERY_WORDS = frozenset({"every", "each", "any", "all"})
# The words a _WEEKDAYS match can open with; with their prefixes, because Scan.finditer (which
# this replaces) also tried the places where a prefix such as "sund" is written.
_WEEKDAYS_OPENERS = _EVERY_WORDS | {"on"} | set(WEEKDAY_NAMES) | {f"{name}s" for name in WEEKDAY_NAMES}
_WEEKDAYS_LEADS = frozenset(
    word[:n] for word in _WEEKDAYS_OPENERS for n in range(1, len(word) + 1)
    if word[:n].startswith(("every", "each", "any", "all", "on", "mon", "tue", "wed", "thu", "fri", "sat",
                            "sun")))
# The words a _FREQ_WORD match can open with ("bi" of "bi-weekly", "week" of "week days").
_FREQ_LEADS = frozenset({"on", "every", "each", "daily", "nightly", "weekly", "bi", "biweekly",
                         "fortnightly", "monthly", "bimonthly", "quarterly", "semiannually", "semiannual",
                         "biannually", "yearly", "annually", "annual", "hourly", "week", "weekdays",
                         "weekends"})
_UNIT_WORDS = frozenset({"minute", "min", "hour", "hr", "day", "night", "week", "fortnight",
                         "month", "year", "quarter", "weekday", "business", "working", "work",
                         "workday", "weekend"})
_UNIT_TRIGGERS = _UNIT_WORDS | frozenset(w + "s" for w in _UNIT_WORDS)
_PER_WORDS = frozenset({"once", "one", "twice", "thrice", "times"})
_PER_UNIT_WORDS = frozenset(_PER_FREQ) | frozenset(_PER_UNITS)
_FREQ_WORDS = frozenset(_WORDS) | {"biweekly", "bimonthly"}
_NTH_WORDS = frozenset({"month", "quarter", "every", "each"}) | MONTH_WORDS
_NTH_WHAT = WEEKDAY_WORDS | {"weekday", "day"}  # what _NTH counts: a weekday, a (business) day
_ORDINALS = ORDINAL_TOKENS | {"last"}
_PLURAL_DAYPARTS = frozenset({"mornings", "afternoons", "evenings", "nights"})
_EXCEPT_WORDS = frozenset({"except", "but", "excluding", "other", "apart"})  # one opens every _EXCEPT
_BETWEEN_WORDS = frozenset({"between", "from"})


_PLURAL_WEEKDAYS = frozenset(f"{name}s" for name in WEEKDAYS)
# A sentence without one of these words has no recurrence phrase.
_TRIGGERS = _EVERY_WORDS | _ORDINALS | WEEKDAY_WORDS | _PER_WORDS | _FREQ_WORDS | {"week"}
# Every word the checks below ask about: the sentence's words are narrowed to these once, so that
# each check looks through a few words instead of the whole sentence.
_ASKED = _TRIGGERS | MONTH_WORDS | _UNIT_TRIGGERS | _NTH_WORDS | _NTH_WHAT | _PLURAL_DAYPARTS | \
    _PER_UNIT_WORDS | _EXCEPT_WORDS | _WEEKDAYS_LEADS | _FREQ_LEADS | _BETWEEN_WORDS | \
    {"month", "days", "ends", "quarter"}


def find_recurrence(scan: Scan, found: Found) -> None:
    words = scan.words & _ASKED
    if words.isdisjoint(_TRIGGERS):
        return
    every_words = words & _EVERY_WORDS
    if every_words:
        if not words.isdisjoint(MONTH_WORDS):
            _every_date(scan, found)
        if scan.has_digit and not every_words.isdisjoint(("every", "each")):
            _every_duration(scan, found)
        if not words.isdisjoint(_UNIT_TRIGGERS):
            _every_unit(scan, found, every_words)
    if not words.isdisjoint(_ORDINALS):
        if not words.isdisjoint(_NTH_WORDS) and not words.isdisjoint(_NTH_WHAT):
            _nth(scan, found)
        if "month" in words:
            _monthdays(scan, found)
    weekdays = words & WEEKDAY_WORDS
    # A weekday recurs only as "every Monday", "Mondays", "Tuesdays and Thursdays", "Monday
    # mornings": one singular weekday word and nothing else is a date (dates.py).
    if weekdays and (every_words or len(weekdays) > 1 or not weekdays.isdisjoint(_PLURAL_WEEKDAYS)
                     or not words.isdisjoint(_PLURAL_DAYPARTS)):
        _weekdays(scan, found, words & _WEEKDAYS_LEADS)
    if not words.isdisjoint(_PER_WORDS) and not words.isdisjoint(_PER_UNIT_WORDS):
        _per(scan, found)
    if not words.isdisjoint(_FREQ_WORDS) or ("week" in words and ("days" in words or "ends" in words)) \
            or (every_words and "quarter" in words):
        # Scan.words (which `words` narrows) holds every word a match can open with: the pattern
        # opens at a word boundary, and nothing consumed so far started or ended inside a word.
        _freq_words(scan, found, words & _FREQ_LEADS)
    rule = found.rule
    if rule is not None:
        if not words.isdisjoint(_EXCEPT_WORDS):
            _except(scan, found, rule)
        if rule["FREQ"] in ("HOURLY", "MINUTELY") and not words.isdisjoint(_BETWEEN_WORDS):
            _between(scan, found, rule)


def find_bounds(scan: Scan, found: Found) -> None:
    """COUNT and 'for N days' spans; only meaningful once a rule exists."""
    if found.rule is None:
        return
    text = scan.text
    # Each pattern needs one of these words; checked first because both are slow to run.
    if "times" in text or "occurrences" in text or "sessions" in text:
        for match in _COUNT.finditer(text):
            if scan.free(*match.span()):
                n = cardinal(match.group(1))
                if n and n > 0:
                    found.count = n
                    scan.consume(*match.span())
    text = scan.text
    if "for" in text:
        for match in _FOR_SPAN.finditer(text):
            if scan.free(*match.span()):
                fields = parse_duration(match.group("d"))
                if fields is None or len(fields) != 1:
                    continue
                field, amount = next(iter(fields.items()))
                if field in ("days", "weeks", "months", "years"):
                    found.span = (field[:-1], amount, match.group("next") is not None)
                    scan.consume(*match.span())
