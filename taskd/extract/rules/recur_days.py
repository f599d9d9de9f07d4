"""Which days: "every Monday", "Tuesdays and Thursdays", "the 1st and 15th of each month",
"first Monday of the month", "last weekday of the month", "every Dec 25", "every weekday except
Friday" -> the BY parts of the rule."""

from __future__ import annotations

from collections.abc import Iterable

from taskd.errors import BadInput
from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.calendar import check_day, month_name
from taskd.extract.rules.lexicon import (
    MONTH,
    ORD,
    ORDINAL_UNITS,
    ORDINALS,
    RRULE_DAYS,
    WEEKDAY,
    WEEKDAY_NAMES,
    WEEKDAYS,
    WORKDAYS,
    month_number,
    ordinal,
    weekday_number,
)
from taskd.extract.rules.recur_common import EVERY, matches_at, merge
from taskd.extract.rules.scan import Found, Scan

_WEEKDAY_LIST = rf"{WEEKDAY}s?(?:(?:,\s?|\s?,?\s(?:and|or)\s){WEEKDAY}s?)*"
_WEEKDAYS = lazy(
    rf"\b(?P<lead>{EVERY}\s(?:(?P<other>other|second|alternate)\s)?|on\s)?"
    rf"(?P<list>{_WEEKDAY_LIST})(?![\w'])(?P<dp>\s(?:morning|afternoon|evening|night)s\b)?")
_NTH = lazy(
    rf"\b(?:(?:every|each|on)\s)?(?:the\s)?(?P<ords>(?:{ORD}|last|second[\s-]to[\s-]last)"
    rf"(?:(?:,|\sand|\s&|\sor)\s(?:the\s)?(?:{ORD}|last))*)\s(?P<what>{WEEKDAY}|weekday|"
    r"business\sday|working\sday|work\sday|day|weekend\sday)(?:\sof\s(?:(?P<each>every|each|"
    rf"the|a)\s)?(?P<period>month|quarter|{MONTH}))?\b")
_MONTHDAYS = lazy(
    rf"\b(?:(?:on|every|each)\s)?(?:the\s)?(?P<ords>{ORD}(?:(?:,|\sand|\s&)\s(?:the\s)?{ORD})*)"
    r"(?:\sday)?\s(?:of\s)?(?:every|each|a|per)\smonth\b|\b(?:every|each)\smonth\s(?:on\s)?"
    rf"(?:the\s)?(?P<ords2>{ORD}(?:(?:,|\sand|\s&)\s(?:the\s)?{ORD})*)\b")
_EVERY_DATE = lazy(
    rf"\b(?:every|each)\s(?:year\s)?(?:on\s)?(?:the\s)?(?:(?P<m1>{MONTH})\s(?P<d1>{ORD}|\d{{1,2}})"
    rf"|(?P<d2>{ORD}|\d{{1,2}})\s(?:of\s)?(?P<m2>{MONTH}))(?![\w:])")
_EXCEPT = lazy(
    rf",?\s(?:except|but\snot|excluding|other\sthan|apart\sfrom)\s(?:on\s)?(?:for\s)?(?:the\s)?"
    rf"(?P<list>{_WEEKDAY_LIST}|weekends?|weekdays)\b")
_EXCEPT_GROUPS = {"weekend": ["SA", "SU"], "weekends": ["SA", "SU"], "weekdays": WORKDAYS.split(",")}

_RANGE = lazy(rf"\b(?:(?:every|each|on|from)\s)?(?P<a>{WEEKDAY})s?\.?(?:\s?-\s?|\s(?:to|through|till|"
                    rf"until)\s)(?P<b>{WEEKDAY})s?\b(?![\w'])")
_RANGE_WORDS = frozenset({"to", "through", "till", "until"})
_DAY_SPLIT = lazy(r",\s?|\s?,?\s(?:and|or)\s")
_ORDINAL_SPLIT = lazy(r",\s?|\s(?:and|&|or)\s")
_SECOND_TO_LAST = lazy(r"second[\s-]to[\s-]last")


def _day_form(item: str) -> tuple[str | None, bool]:
    """One item of a weekday list: its RRULE day, and whether it is a plural ("Mondays")."""
    number = weekday_number(item)
    return (None if number is None else RRULE_DAYS[number]), item.endswith("s") and item[:-1] in WEEKDAYS


# Every way _WEEKDAY_LIST writes one weekday, read once here instead of once per sentence.
_DAY_FORMS = {form: _day_form(form) for name in WEEKDAY_NAMES
              for form in (name, f"{name}.", f"{name}s", f"{name}.s")}


def weekday_list(listed: str) -> tuple[list[str], bool]:
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


def _day_range(scan: Scan, found: Found) -> None:
    """"Monday to Friday", "mon-fri", "from Tuesday through Thursday": each day of the range, every
    week (as "weekdays" is); a range that wraps ("Friday to Monday") goes over the weekend."""
    for match in _RANGE.finditer(scan.text):
        start, end = match.span()
        first, last = weekday_number(match.group("a")), weekday_number(match.group("b"))
        if first is None or last is None or first == last or not scan.free(start, end):
            continue
        span = range(first, (last if last > first else last + 7) + 1)
        merge(found, "WEEKLY", 1, {"BYDAY": ",".join(RRULE_DAYS[d % 7] for d in span)})
        scan.consume(start, end)


def weekdays(scan: Scan, found: Found, leads: Iterable[str]) -> None:
    if "-" in scan.text or not scan.words.isdisjoint(_RANGE_WORDS):
        _day_range(scan, found)
    for match in matches_at(_WEEKDAYS, scan.text, leads):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        lead, other, listed, daypart = match.groups()
        days, plural = weekday_list(listed)
        if not plural and not daypart and len(days) < 2 and (lead is None or lead.strip() == "on"):
            continue
        if not days:
            continue
        merge(found, "WEEKLY", 2 if other else 1, {"BYDAY": ",".join(days)})
        if daypart:
            found.dayparts.append(daypart.strip()[:-1])
        scan.consume(start, end)


def nth(scan: Scan, found: Found) -> None:
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


def monthdays(scan: Scan, found: Found) -> None:
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


def every_date(scan: Scan, found: Found) -> None:
    for match in matches_at(_EVERY_DATE, scan.text, ("every", "each")):
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


def take_exceptions(scan: Scan) -> tuple[set[str], str] | None:
    """The days after "except" ("every day except weekends", "... but not Friday"), consumed
    before the day recognizers run: they would read "saturday and sunday" as the days it recurs on.
    Returns the days and the words, or None."""
    drop: set[str] = set()
    shown = []
    for match in _EXCEPT.finditer(scan.text):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        listed = match.group("list")
        drop.update(_EXCEPT_GROUPS.get(listed) or weekday_list(listed)[0])
        shown.append(match.group(0).strip(" ,"))
        scan.consume(start, end)
    return (drop, " ".join(shown)) if drop else None


def except_days(found: Found, rule: dict[str, str], drop: set[str], shown: str) -> None:
    current = rule.get("BYDAY", ",".join(RRULE_DAYS)).split(",")
    kept = [d for d in current if d not in drop]
    if kept and rule["FREQ"] in ("DAILY", "WEEKLY") and "INTERVAL" not in rule:
        rule["BYDAY"] = ",".join(kept)
        if rule["FREQ"] == "DAILY":
            rule["FREQ"] = "WEEKLY"
    else:  # nothing left, or a rule that skipping days would change the count of
        found.question = f"I did not understand “{shown}” here: which days should it be?"
