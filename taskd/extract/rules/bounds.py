"""Ends and days that cannot be scheduled: "until 2027", "until the end of 2027", an end that has
passed, and a day in the past ("yesterday", "3 days ago").

A past end or day is an error with one line that says so, like a time that has passed: moving it
silently (or dropping it and repeating forever) would schedule something the user did not say.
"""

from __future__ import annotations

from datetime import date, timedelta

from taskd.errors import BadInput, PastTime
from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.amounts import DURATION, parse
from taskd.extract.rules.day_hits import anchored
from taskd.extract.rules.scan import DateHit, Found, Scan

_UNTIL_YEAR = lazy(r"\b(?:until|till|through|to)\s(?:the\s)?(?:end\sof\s)?(?P<y>\d{4})\b"
                         r"(?![\w/.:-])")
_YESTERDAY = lazy(r"\b(?:(?:the\s)?day\sbefore\s)?yesterday\b")
_AGO = lazy(rf"(?<![\w])(?P<d>{DURATION})\sago\b")
_PAST_WORDS = frozenset({"yesterday", "ago"})


def find_until_year(scan: Scan, found: Found) -> None:
    """"until 2027": the last day of that year (a full date is the date recognizer's)."""
    if found.rule is None or not scan.has_digit or found.until is not None:
        return
    for match in _UNTIL_YEAR.finditer(scan.text):
        if scan.free(*match.span()):
            year = int(match.group("y"))
            if not 1 <= year <= 9999:
                raise BadInput(f"there is no year {year}")
            found.until = date(year, 12, 31)
            scan.consume(*match.span())
            return


def find_past_day(scan: Scan, found: Found) -> None:
    """"meeting yesterday at 5pm": a day that has passed is an error, as a past time is. With
    another day named as well, the word is left in the title and the reading is doubted."""
    if scan.words.isdisjoint(_PAST_WORDS) or found.dates or found.rule is not None:
        return
    for pattern in (_YESTERDAY, _AGO):
        match = pattern.search(scan.text)
        if match is None or not scan.free(*match.span()):
            continue
        if pattern is _YESTERDAY:
            days = 2 if match.group(0).endswith("before yesterday") else 1
            day = found.today - timedelta(days=days)
            moved = anchored(scan, match.start(), day)
            if moved is not None and moved[0] >= found.today:
                # "2 weeks after yesterday": a day ahead, counted from one that has passed
                found.dates.append(DateHit(moved[0], moved[1], "anchored"))
                scan.consume(moved[1], match.end())
                return
        if scan.text[:match.start()].endswith(("after ", "from ", "since ")):
            continue  # "the day after yesterday", "since yesterday": doubted, not refused
        if pattern is _AGO:
            offset = parse(match.group("d"))
            if offset is None:
                continue
            from dateutil.relativedelta import relativedelta

            day = (found.now - relativedelta(**offset)).date()  # type: ignore[arg-type]
        raise PastTime(f"that day has passed ({match.group(0)}, {day:%a %-d %b %Y}): "
                       "say a day still ahead")


def check_until(found: Found, first: date | None) -> None:
    """A recurrence whose end is before it could first fire."""
    until = found.until
    if until is not None and until < (first or found.today):
        raise BadInput(f"that end has passed (until {until:%a %-d %b %Y}): say an end still ahead, "
                       "or leave it out")
