"""Calendar days named by a weekday with a modifier, or whose year the words fix.

- "2 fridays from now", "three mondays from today": the Nth such weekday after today.
- "friday after next": the Friday after the coming one (from Wed 2 Dec: Fri 11 Dec).
- "the first friday of next month", "the last monday of this month", "the third tuesday of
  september 2027": the Nth weekday of that month.
- "2018 March 18": a year written first.
- "Fri, Jul 18", "Sun 15Sep", "Friday 18 July 2031": the weekday says which year; when no year
  near enough has that date on that weekday, or a given year contradicts it, the extractor asks.
- "on the 15", "on 15": a day of the month written as a bare number after "on".

`find_weekday_days` runs before recurrence ("fridays" alone would be a weekly rule) and
`find_bare_month_days` after the other day recognizers, on what they left.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from taskd.errors import BadInput
from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules import calendar as cal
from taskd.extract.rules.day_hits import _NOT_AFTER_DAY, _add
from taskd.extract.rules.lexicon import (
    DAY,
    MONTH,
    MONTH_WORDS,
    ORD,
    QTY,
    WEEKDAY,
    WEEKDAY_WORDS,
    day_number,
    month_number,
    ordinal,
    quantity,
    weekday_number,
)
from taskd.extract.rules.scan import BLANK, Found, Scan

_COUNTED = lazy(
    rf"(?<![\w])(?P<n>{QTY})\s(?P<wd>{WEEKDAY})s?\s(?:from\s(?:now|today)|later|after\stoday|"
    r"ahead)\b")
_AFTER_NEXT = lazy(rf"(?<![\w])(?:(?:on|by|for)\s)?(?:the\s)?(?P<wd>{WEEKDAY})\safter\snext\b")
# British "Monday week", "a week on Friday": that weekday's next occurrence, a week on.
_WEEK_ON = lazy(
    rf"(?<![\w])(?<!next\s)(?<!this\s)(?<!last\s)(?<!every\s)(?:(?:on|by|for)\s)?"
    rf"(?:(?P<wd>{WEEKDAY})\sweek(?![\w'])(?!\s(?:of|after|from|before|day)\b)|"
    rf"a\sweek\son\s(?P<wd2>{WEEKDAY})(?![\w]))")
_NTH_OF_MONTH = lazy(
    rf"(?<![\w])(?:(?:on|by|for)\s)?(?:the\s)?(?P<n>{ORD}|last)\s(?P<wd>{WEEKDAY})\s(?:of|in)\s"
    rf"(?:(?:the\s)?(?P<w>next|this|following|coming)\smonth|(?P<m>{MONTH})(?:,?\s(?P<y>\d{{4}}))?)"
    r"(?![\w])")
_YEAR_FIRST = lazy(
    rf"(?<![\w.:/-])(?:(?:on|by|for)\s)?(?P<y>[1-9]\d{{3}}),?\s(?P<m>{MONTH}),?\s(?P<d>{DAY})"
    rf"{_NOT_AFTER_DAY}")
_WEEKDAY_DATE = lazy(
    rf"(?<![\w])(?:(?:on|by|for)\s)?(?P<wd>{WEEKDAY}),?\s(?:the\s)?(?:(?P<m>{MONTH})\s?(?:the\s)?"
    rf"(?P<d>{DAY})|(?P<d2>{DAY})\.?\s?(?:of\s)?(?P<m2>{MONTH}))(?![\w])"
    rf"(?:(?:,\s?|\s)(?:{BLANK}+\s?)?(?P<y>[12]\d{{3}})(?![\w:]))?")
_BARE_DAY = lazy(
    rf"(?<![\w])on\s(?:the\s)?(?P<d>\d{{1,2}}){_NOT_AFTER_DAY}"
    # only where nothing follows that the number could count ("turn on 15 lights", "the 15 bus")
    rf"(?=\s*$|\s?[,!?;]|\.(?!\d)|\s?{BLANK}|\s(?:at|by|please|and|to|for|remind|then)\b)")
_NEAR_YEARS = 3  # how many years past the next occurrence a weekday may pick


def _weekday_of_next(today: date, weekday: int) -> date:
    """The next such weekday after today (never today)."""
    return cal.next_weekday(today, weekday, include_today=False)


def _counted(scan: Scan, found: Found) -> None:
    for match in list(_COUNTED.finditer(scan.text)):
        if not scan.free(*match.span()):
            continue
        n, wd = quantity(match.group("n")), weekday_number(match.group("wd"))
        if n is None or wd is None or n != int(n) or not 1 <= n <= 52:
            continue
        day = _weekday_of_next(found.today, wd) + timedelta(weeks=int(n) - 1)
        hit = _add(scan, found, *match.span(), day, "special")
        hit.weekday = wd


def _after_next(scan: Scan, found: Found) -> None:
    for match in list(_AFTER_NEXT.finditer(scan.text)):
        if not scan.free(*match.span()):
            continue
        wd = weekday_number(match.group("wd"))
        if wd is None:
            continue
        hit = _add(scan, found, *match.span(), _weekday_of_next(found.today, wd) + timedelta(7),
                   "special")
        hit.weekday = wd
        found.assumptions.append(f"{match.group('wd').capitalize()} after next = "
                                 f"{cal.short_date(hit.day)}")


def _week_on(scan: Scan, found: Found) -> None:
    for match in list(_WEEK_ON.finditer(scan.text)):
        if not scan.free(*match.span()):
            continue
        wd = weekday_number(match.group("wd") or match.group("wd2"))
        if wd is None:
            continue
        day = _weekday_of_next(found.today, wd) + timedelta(7)
        hit = _add(scan, found, *match.span(), day, "special")
        hit.weekday = wd
        found.assumptions.append(f"{cal.weekday_name(wd)} week = {cal.short_date(day)}")


def _nth_of_month(scan: Scan, found: Found) -> None:
    today = found.today
    for match in list(_NTH_OF_MONTH.finditer(scan.text)):
        if not scan.free(*match.span()):
            continue
        n = -1 if match.group("n") == "last" else ordinal(match.group("n"))
        wd = weekday_number(match.group("wd"))
        if n is None or wd is None or n == 0 or not -1 <= n <= 5:
            continue
        which, m, y = match.group("w", "m", "y")
        if not which and not y:
            continue  # "the first Monday of September": dates' own, after recurrence ("every year on ...")
        if which:
            first = today.replace(day=1) + relativedelta(months=0 if which == "this" else 1)
            year, month = first.year, first.month
        else:
            month = month_number(m) or 0
            year = int(y) if y else today.year
        day = cal.nth_weekday(year, month, wd, n)
        if not which and not y and day < today:
            year += 1
            day = cal.nth_weekday(year, month, wd, n)
        if day.month != month:
            raise BadInput(f"{cal.month_name(month)} {year} has no {match.group('n')} "
                           f"{cal.weekday_name(wd)}")
        hit = _add(scan, found, *match.span(), day, "special")
        hit.weekday = wd


def _year_first(scan: Scan, found: Found) -> None:
    for match in list(_YEAR_FIRST.finditer(scan.text)):
        if not scan.free(*match.span()):
            continue
        month, day = month_number(match.group("m")), day_number(match.group("d"))
        if month is None or day is None:
            continue
        value = cal.make(int(match.group("y")), month, day, match.group(0).strip())
        hit = _add(scan, found, *match.span(), value, "full")
        hit.month, hit.monthday = month, day


def _weekday_dates(scan: Scan, found: Found) -> None:
    today = found.today
    for match in list(_WEEKDAY_DATE.finditer(scan.text)):
        # A consumed clock time may sit between the date and its year: "Thu Oct 26 11:00 2023".
        if not scan.free(match.start(), max(match.end("d"), match.end("m2"))):
            continue
        wd = weekday_number(match.group("wd"))
        month = month_number(match.group("m") or match.group("m2"))
        day = day_number(match.group("d") or match.group("d2"))
        if wd is None or month is None or day is None or not 1 <= day <= 31:
            continue
        shown = f"{cal.month_name(month)[:3]} {day}"
        name = cal.weekday_name(wd)
        y = match.group("y")
        if y:
            value = cal.make(int(y), month, day, shown)
            if value.weekday() != wd:
                found.question = (f"{shown} {y} is a {cal.weekday_name(value.weekday())}, not a "
                                  f"{name}: which day do you mean?")
                value = None
        else:
            first = cal.next_month_day(today, month, day, shown)
            value = next((date(year, month, day) for year in range(first.year, first.year +
                                                                     _NEAR_YEARS)
                          if cal.valid(year, month, day) and date(year, month, day) >= today and
                          date(year, month, day).weekday() == wd), None)
            if value is None:
                found.question = (f"{shown} is not a {name} in the next few years ({shown} "
                                  f"{first.year} is a {cal.weekday_name(first.weekday())}): "
                                  f"which day do you mean?")
        if value is None:
            scan.consume(*match.span())
            continue
        hit = _add(scan, found, *match.span(), value, "full")
        hit.month, hit.monthday = month, day


def find_weekday_days(scan: Scan, found: Found) -> None:
    """The weekday constructions above; each needs a weekday word in the text."""
    words = scan.words
    if words.isdisjoint(WEEKDAY_WORDS) and not (scan.has_digit and not words.isdisjoint(MONTH_WORDS)):
        return
    if not words.isdisjoint(WEEKDAY_WORDS):
        if "after" in words and "next" in words:
            _after_next(scan, found)
        if "week" in words:
            _week_on(scan, found)
        if "month" in words or not words.isdisjoint(MONTH_WORDS):
            _nth_of_month(scan, found)
        if "from" in words or "later" in words or "after" in words or "ahead" in words:
            _counted(scan, found)
    if scan.has_digit and scan.longest_number >= 4 and not words.isdisjoint(MONTH_WORDS):
        _year_first(scan, found)


def find_weekday_dates(scan: Scan, found: Found) -> None:
    """"Fri, Jul 18": before the other day recognizers, after the clock times (so that the year
    after a time in "Thu Oct 26 11:00:09 2023" is next to the date)."""
    words = scan.words
    if not words.isdisjoint(WEEKDAY_WORDS) and not words.isdisjoint(MONTH_WORDS):
        _weekday_dates(scan, found)


def find_late_days(scan: Scan, found: Found) -> None:
    """After every other day recognizer: "next day", "next weekday", and "on the 15"."""
    if "next" in scan.words:
        _next_day(scan, found)
    if scan.has_digit and not found.dates:
        _bare_month_days(scan, found)


_NEXT_DAY = lazy(r"(?<![\w])(?:the\s)?next\s(?P<u>day|weekday|business\sday|working\sday|"
                       r"work\sday)(?![\w])(?!\s(?:of|after|before)\b)")


def _next_day(scan: Scan, found: Found) -> None:
    for match in list(_NEXT_DAY.finditer(scan.text)):
        if not scan.free(*match.span()):
            continue
        day = found.today + timedelta(1)
        if match.group("u") != "day":
            while day.weekday() >= 5:
                day += timedelta(1)
        _add(scan, found, *match.span(), day, "relative")


def _bare_month_days(scan: Scan, found: Found) -> None:
    for match in list(_BARE_DAY.finditer(scan.text)):
        if BLANK in match.group() or not scan.free(*match.span()):
            continue
        day = int(match.group("d"))
        if not 1 <= day <= 31:
            continue
        value = cal.next_day_of_month(found.today, day, f"the {day}th")
        hit = _add(scan, found, *match.span(), value, "monthday")
        hit.monthday, hit.rolls = day, True
