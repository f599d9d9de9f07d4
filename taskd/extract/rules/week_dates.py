"""Days named by their week, month or year: "next week", "this weekend", "the end of the month",
"beginning of next year", "the last day of this month", "the 2nd week of March"."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules import calendar as cal
from taskd.extract.rules.day_hits import _add, _matches
from taskd.extract.rules.lexicon import MONTH, ORD, month_number, ordinal
from taskd.extract.rules.scan import Found, Scan

_WEEK_WORDS = lazy(
    r"\b(?:(?P<shift>next|this|the\sfollowing|following|the\scoming|coming)\s(?P<unit>week|"
    r"weekend|month|year)|(?:(?:at|by|around|on|for|towards?)\s)?(?:the\s)?(?P<end>end|beginning|"
    r"start)\sof\s(?:the\s|this\s|next\s)?(?P<eunit>week|month|year)|(?:on\s|at\s|over\s)?"
    r"the\sweekend)\b")
# "the last day of this month" is one date; "the last day of the month" recurs (recurring.py).
_LAST_DAY_OF = lazy(
    r"\b(?:(?:on|by|for|around)\s)?(?:the\s)?last\sday\sof\s(?:the\s)?(?P<w>this|next|coming|"
    r"following)\smonth\b")
_NTH_WEEK = lazy(rf"\b(?:the\s)?(?P<n>{ORD}|last)\sweek\sof\s(?P<m>{MONTH})(?!\w)")
_WEEK_WORDS_FIRSTS = frozenset({"next", "this", "the", "following", "coming", "at", "by", "around",
                                "on", "for", "toward", "towards", "end", "beginning", "start", "over"})


def last_day_of(scan: Scan, found: Found, words: frozenset[str]) -> None:
    for match in _LAST_DAY_OF.finditer(scan.text):
        if not scan.free(*match.span()):
            continue
        value = cal.last_day_of_month(found.today)
        if match.group("w") != "this":
            value = cal.last_day_of_month(value + timedelta(1))
        _add(scan, found, *match.span(), value, "special")


def week_words(scan: Scan, found: Found, words: frozenset[str]) -> None:
    today = found.today
    for match in _matches(_WEEK_WORDS, scan.text, words & _WEEK_WORDS_FIRSTS):
        shift = (match.group("shift") or "").replace("the ", "")
        unit = match.group("unit")
        if match.group("end") or match.group("eunit"):
            eunit, edge = match.group("eunit"), match.group("end")
            if eunit == "week":
                value = cal.next_weekday(today, 4) if edge == "end" else \
                    cal.weekday_of_next_week(today, 0)
            elif eunit == "month":
                value = cal.last_day_of_month(today) if edge == "end" else \
                    (today.replace(day=1) + relativedelta(months=1))
            else:
                value = date(today.year, 12, 31) if edge == "end" else \
                    date(today.year + 1, 1, 1)
            if "next" in match.group(0):
                value = {"week": value + timedelta(weeks=1),
                         "month": cal.last_day_of_month(value + relativedelta(months=1)),
                         "year": value.replace(year=value.year + 1)}[eunit] \
                    if edge == "end" else value
            _add(scan, found, *match.span(), value, "special")
        elif unit in ("week", "month", "year"):
            weeks = 0 if shift == "this" else 1
            if unit == "week":
                found.week_shift = weeks
                scan.consume(*match.span())
                continue
            if unit == "month":
                value = today.replace(day=1) + relativedelta(months=weeks)
            else:
                value = date(today.year + weeks, 1, 1)
            if value < today:
                value = today
            _add(scan, found, *match.span(), value, "special")
        else:  # weekend
            if shift in ("next", "following"):
                value = cal.weekday_of_next_week(today, 5)
            elif today.weekday() == 6:
                value = today
            else:
                value = cal.next_weekday(today, 5)
            _add(scan, found, *match.span(), value, "special")


def nth_week(scan: Scan, found: Found, words: frozenset[str]) -> None:
    today = found.today
    for match in _NTH_WEEK.finditer(scan.text):
        if not scan.free(*match.span()):
            continue
        n = ordinal(match.group("n"))
        month = month_number(match.group("m"))
        if n is None or month is None or not 1 <= n <= 5:
            continue
        first = cal.next_month_day(today.replace(day=1), month, 1, match.group(0))
        if first < today.replace(day=1):
            first = first.replace(year=first.year + 1)
        _add(scan, found, *match.span(), first + timedelta(weeks=n - 1), "week")
