"""Days written in digits: "2026-12-01", "2026/12/01", "20261201", "12/25", "25.12.2026",
"25-Dec-2026". Month-first unless the extractor is built day-first; a first number above 12 is
always a day, and so is d.m.yyyy (1.3.2027)."""

from __future__ import annotations

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules import calendar as cal
from taskd.extract.rules.day_hits import _add, _matches, _month_day
from taskd.extract.rules.lexicon import month_number
from taskd.extract.rules.scan import Found, Scan

_NO_WORDS: frozenset[str] = frozenset()
_ISO = lazy(r"(?<![\d.])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)|"
                  r"(?<![\d.])(?P<y2>\d{4})/(?P<m2>\d{1,2})/(?P<d2>\d{1,2})(?!\d)")
_COMPACT = lazy(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])"
                      r"(?!\d)")
_NUMERIC = lazy(
    r"(?<![\d$/.:,])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?"
    r"(?![\d/:%]|\.\d|-\d)")
_TRIPLE = lazy(r"(?<![\w/-])(?P<p1>[a-z]+\.?|\d{1,4})(?P<sep>[/-])(?P<p2>[a-z]+|\d{1,4})"
                     r"(?P=sep)(?P<p3>[a-z]+|\d{1,4})(?![\w/])")

# After these, a dotted pair without a year is a clock time ("at 7.30"), not 30 July.
_CLOCK_LEADS = ("at ", "around ", "circa ", "approx ", "approximately ")


def _iso(scan: Scan, found: Found) -> None:
    # 2026-12-01 and 2026/12/01 need their separator, 20261201 eight digits in a row.
    for pattern, possible in ((_ISO, "-" in scan.text or "/" in scan.text),
                              (_COMPACT, scan.longest_number >= 8)):
        if not possible:
            continue
        for match in _matches(pattern, scan.text, _NO_WORDS, numbers=True):
            y = match.group("y") or match.group("y2")
            m = match.group("m") or match.group("m2")
            d = match.group("d") or match.group("d2")
            day = cal.make(int(y), int(m), int(d), match.group(0))
            _add(scan, found, *match.span(), day, "full")


def _triples(scan: Scan, found: Found, words: frozenset[str]) -> None:
    if "/" not in scan.text and "-" not in scan.text:
        return
    for match in _TRIPLE.finditer(scan.text):
        parts = [match.group("p1"), match.group("p2"), match.group("p3")]
        months = [month_number(p) for p in parts]
        if sum(m is not None for m in months) != 1 or not scan.free(*match.span()):
            continue
        month = next(m for m in months if m is not None)
        numbers = [p for p in parts if p.isdigit()]
        years = [int(p) for p in numbers if len(p) == 4]
        days = [int(p) for p in numbers if len(p) <= 2]
        if len(years) != 1 or len(days) != 1:
            continue
        _add(scan, found, *match.span(), cal.make(years[0], month, days[0], match.group(0)), "full")


def _numeric(scan: Scan, found: Found, day_first: bool) -> None:
    for match in _matches(_NUMERIC, scan.text, _NO_WORDS, numbers=True):
        start, end = match.span()
        a, sep, b, y = match.group("a", "sep", "b", "y")
        a, b = int(a), int(b)
        # d.m.yyyy is the European form (1.3.2027 is 1 March); month-first writers use
        # slashes. Without a year ("5.12") the setting decides.
        month, day = (b, a) if day_first or (sep == "." and len(y or "") == 4) else (a, b)
        if month > 12 and day <= 12:
            month, day = day, month
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            continue
        if sep == "." and y is None and (scan.text[end:end + 1].isalnum() or (
                len(match.group("b")) == 2 and scan.text.endswith(_CLOCK_LEADS, 0, start))):
            continue  # "at 7.30", "@ 10.30": a clock time, which bare_hours reads
        year = None
        if y:
            year = int(y)
            year += 2000 if year < 100 else 0
        value = _month_day(found.today, month, day, year, match.group(0))
        hit = _add(scan, found, start, end, value, "monthdate")
        hit.month, hit.monthday = month, day
