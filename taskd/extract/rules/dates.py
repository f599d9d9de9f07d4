"""Calendar days: "Dec 24", "24 December 2026", "12/25", "2026-12-01", "the 15th", "Friday",
"next Friday", "Mon 13th", "tomorrow", "the day after tomorrow", "next week", "this weekend",
"end of the month", holidays ("Easter 2018", "Christmas"), and anchored spans ("2 weeks from
January 15", "3 days after Christmas", "a week from Monday").

Numeric dates are month-first (12/25) unless the extractor is built with day_first=True; a first
number above 12 is always read day-first (22/04), and so is d.m.yyyy (1.3.2027). "on the 15th"
said on the 15th after its time is next month's (`assemble`). Weekday words: see `calendar`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from taskd.extract.rules import calendar as cal
from taskd.extract.rules.lexicon import (
    DAY,
    MONTH,
    MONTH_NAMES,
    MONTH_WORDS,
    NUMBER_WORDS,
    ORD,
    ORDINAL_TEENS,
    ORDINAL_TOKENS,
    ORDINAL_UNITS,
    QTY,
    TEEN_WORDS,
    TENS_WORDS,
    UNIT,
    UNIT_WORDS,
    UNITS,
    WEEKDAY,
    WEEKDAY_NAMES,
    YEAR,
    day_number,
    month_number,
    ordinal,
    quantity,
    weekday_number,
    year_number,
)
from taskd.extract.rules.scan import BLANK, DateHit, Found, Scan, lead_start

_NOT_AFTER_DAY = (r"(?![\w:]|\s?(?:am|pm|a\.m|p\.m)\b|\s(?:minutes?|mins?|hours?|hrs?|days?|"
                  r"weeks?|months?|years?|times|people|percent)\b|[./-]\d)")
_YEAR_TAIL = rf"(?:(?:,\s?|\s|\s?[/.-]\s?)(?:in\s|of\s)?(?P<y>{YEAR}|[1-9]\d{{3}}(?![\d:])))?(?![\w])"
_ISO = re.compile(r"(?<![\d.])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)|"
                  r"(?<![\d.])(?P<y2>\d{4})/(?P<m2>\d{1,2})/(?P<d2>\d{1,2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])"
                      r"(?!\d)")
_NUMERIC = re.compile(
    r"(?<![\d$/.:,])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?"
    r"(?![\d/:%]|\.\d|-\d)")
_TRIPLE = re.compile(r"(?<![\w/-])(?P<p1>[a-z]+\.?|\d{1,4})(?P<sep>[/-])(?P<p2>[a-z]+|\d{1,4})"
                     r"(?P=sep)(?P<p3>[a-z]+|\d{1,4})(?![\w/])")
_MONTH_DAY = re.compile(
    rf"(?<![\w])(?P<next>next\s)?(?P<m>{MONTH})(?:,?\s|\s?[/-]\s?|(?=\d))(?:the\s)?(?P<d>{DAY})"
    rf"{_NOT_AFTER_DAY}{_YEAR_TAIL}")
_DAY_MONTH = re.compile(
    rf"(?<![\w$.,])(?<!\d:)(?<!\$\s)(?P<next>next\s)?(?:the\s)?(?P<d>{DAY})(?:\sday)?"
    rf"(?:\sof\s|\s?[/-]\s?|\.?\s|(?<=\d))"
    rf"(?P<m>{MONTH})(?![\w]){_YEAR_TAIL}")
_WEEKDAY_DAY = re.compile(
    rf"(?<![\w])(?:on\s)?(?P<wd>{WEEKDAY}),?\s(?:the\s)?(?P<d>{ORD}|\d{{1,2}}){_NOT_AFTER_DAY}")
_THE_NTH = re.compile(
    rf"(?<![\w])(?:(?:on|by|for|around|before|until|till)\s(?:the\s)?|the\s)(?P<d>{ORD})"
    r"(?:\sday)?(?:\sof\s(?:the\s)?(?P<w>this|next|coming|following)\smonth|"
    r"\s(?P<w2>this|next)\smonth)?(?![\w])(?!\s(?:of|week|time|floor|century|row|place|grade|"
    r"anniversary|birthday|edition|attempt)\b)")
_RELATIVE = re.compile(
    r"\b(?:(?:the\s)?day\safter\stomorrow|overmorrow|tomorrow|today|otd|on\sthis\sday|"
    r"(?:the\s)?day\safter(?!\s\w+\s(?:from|after)))\b")
_WEAK_TODAY = re.compile(r"\b(?:(?:for|of)\sthe\sday|my\sday)\b")
_WEEKDAY_ONLY = re.compile(
    r"(?<![\w])(?P<mod>(?:this\s(?:coming\s|upcoming\s)?|next\s|coming\s|upcoming\s|"
    r"(?:the\s)?following\s|last\s|past\s|previous\s)?)(?P<wd>monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|mon|tues?|weds?|thu|thurs?|fri|(?:sat|sun)(?=\.|\s(?:at\s|\d|\x1f))|"
    r"(?<=next\s|this\s)(?:sat|sun)|^(?:sat|sun)(?=\s)|(?P<cap>(?<=\bon\s)(?:sat|sun)|(?:sat|sun)"
    r"(?=[.!?]?$)))\.?"
    r"(?P<post>,?\s(?:of\s)?(?:next|the\sfollowing|following|this|the\scoming)\sweek)?(?![\w'])")
_WEEK_WORDS = re.compile(
    r"\b(?:(?P<shift>next|this|the\sfollowing|following|the\scoming|coming)\s(?P<unit>week|"
    r"weekend|month|year)|(?:(?:at|by|around|on|for|towards?)\s)?(?:the\s)?(?P<end>end|beginning|"
    r"start)\sof\s(?:the\s|this\s|next\s)?(?P<eunit>week|month|year)|(?:on\s|at\s|over\s)?"
    r"the\sweekend)\b")
# "the last day of this month" is one date; "the last day of the month" recurs (recurring.py).
_LAST_DAY_OF = re.compile(
    r"\b(?:(?:on|by|for|around)\s)?(?:the\s)?last\sday\sof\s(?:the\s)?(?P<w>this|next|coming|"
    r"following)\smonth\b")
_HOLIDAY = re.compile(
    r"\b(?:(?:on|for|at|by)\s)?(?P<mod>(?:the\s)?(?:next|following|coming|this)\s)?"
    r"(?P<h>" + "|".join(re.escape(h) for h in sorted(cal.HOLIDAYS, key=len, reverse=True))
    + r")(?:\s(?P<y>\d{4}))?\b")
_NTH_WEEK = re.compile(rf"\b(?:the\s)?(?P<n>{ORD}|last)\sweek\sof\s(?P<m>{MONTH})(?!\w)")
_NTH_WEEKDAY_OF = re.compile(
    rf"\b(?:on\s)?(?:the\s)?(?P<n>{ORD}|last)\s(?P<wd>{WEEKDAY})\s(?:of|in)\s(?P<m>{MONTH})(?!\w)")
_ANCHOR = re.compile(
    rf"(?<![\w.])(?P<q>{QTY})\s(?P<u>{UNIT})(?:\s(?:and\s)?(?P<q2>{QTY})\s(?P<u2>{UNIT}))?"
    rf"(?:\s(?:and\s)?(?P<q3>{QTY})\s(?P<u3>{UNIT}))?\s(?P<dir>from|after|before)\s(?:the\s)?$")
_ROLE_START = re.compile(r"\b(?:starting|start|beginning|begin|from|as\sof|effective|commencing)"
                         r"(?:\s(?:on|from|at))?\s$")
_ROLE_UNTIL = re.compile(r"\b(?:until|till|through|to|ending|ends|up\sto)(?:\s(?:on|the))?\s$")
_DIGIT_SEP_DIGIT = re.compile(r"\d[/.\-]\d")
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d\d*")  # not \d+: a leading \d lets the engine skip to the digits

# Where a match of each pattern can start, for _matches and _search: its first words, whole.
_ROLE_START_FIRSTS = frozenset({"starting", "start", "beginning", "begin", "from", "as", "effective",
                                "commencing"})
_ROLE_UNTIL_FIRSTS = frozenset({"until", "till", "through", "to", "ending", "ends", "up"})
_WEAK_TODAY_FIRSTS = frozenset({"for", "of", "my"})
# The words an amount can open with: "two", "twenty-one", "a few", "a couple of", "several".
_QTY_FIRSTS = frozenset([*UNIT_WORDS, *TEEN_WORDS, *TENS_WORDS, "zero", "a", "an", "couple", "few",
                         "several"])
_WEEKDAY_DAY_FIRSTS = frozenset(WEEKDAY_NAMES) | {"on"}
_WEEKDAY_ONLY_FIRSTS = frozenset(WEEKDAY_NAMES) | {"this", "next", "coming", "upcoming", "following",
                                                   "last", "past", "previous"}
# "the" opens only "the following Friday".
_WEEKDAY_ONLY_FIRSTS_THE = _WEEKDAY_ONLY_FIRSTS | {"the"}
_THE_NTH_FIRSTS = frozenset({"on", "by", "for", "around", "before", "until", "till", "the"})
_RELATIVE_WORDS = frozenset({"overmorrow", "tomorrow", "today", "otd"})
# "the" and "on" open only phrases with "day": "the day after", "on this day".
_RELATIVE_FIRSTS_DAY = _RELATIVE_WORDS | {"the", "day", "on"}
_NEXT = frozenset({"next"})
_NO_WORDS: frozenset[str] = frozenset()
_WEEK_WORDS_FIRSTS = frozenset({"next", "this", "the", "following", "coming", "at", "by", "around",
                                "on", "for", "toward", "towards", "end", "beginning", "start", "over"})
# A holiday name's first word is whole in the text ("new", "valentine" of "valentine's").
_HOLIDAY_FIRSTS = frozenset({"on", "for", "at", "by", "the", "next", "following", "coming", "this"}) | \
    frozenset(re.match(r"[a-z]+", name).group() for name in cal.HOLIDAYS)  # type: ignore[union-attr]
# A day of the month in words opens with one of these: "fifth", "twenty-first", "twentyfirst".
_DAY_MONTH_FIRSTS = frozenset([*ORDINAL_UNITS, *ORDINAL_TEENS, *UNIT_WORDS, *TEEN_WORDS, "twentieth",
                               "thirtieth", "twenty", "thirty", "next", "the"]) | \
    {tens + unit for tens in ("twenty", "thirty") for unit in ORDINAL_UNITS}
# What _add looks for right before a date: an anchor ("2 weeks from ") or lead words ("on ").
_ANCHOR_ENDS = ("from ", "after ", "before ", "from the ", "after the ", "before the ")
_LEAD_WORDS = frozenset({"on", "by", "for", "this", "sometime", "due", "around"})
_LEAD_ENDS = tuple(word + " " for word in _LEAD_WORDS)
_ANCHOR_OR_LEAD_ENDS = _ANCHOR_ENDS + _LEAD_ENDS
_MONTH_OR_DOT = {**MONTH_NAMES, **{name + ".": number for name, number in MONTH_NAMES.items()}}
_DIGIT_OR_ORD = re.compile(r"\d|" + ORD)
# Values of the day-of-month words and numbers the patterns capture ("15", "15th", "fifteenth",
# "twenty-first"), filled as they are met: the captures are a few hundred spellings, and the
# lexicon functions that read them cost a regex call (or an exception) and several string copies.
_DAY_VALUES: dict[str, int | None] = {}
_ORDINAL_VALUES: dict[str, int | None] = {}
_QUANTITY_VALUES: dict[str, float | None] = {}  # "a", "a few", "twenty-one": amounts in words


def _day_value(text: str) -> int | None:
    try:
        return _DAY_VALUES[text]
    except KeyError:
        value = _DAY_VALUES[text] = day_number(text)
        return value


def _ordinal_value(text: str) -> int | None:
    try:
        return _ORDINAL_VALUES[text]
    except KeyError:
        value = _ORDINAL_VALUES[text] = ordinal(text)
        return value


def _quantity_value(text: str) -> float | None:
    if text[0].isdigit():
        return float(text)  # what quantity makes of "3" or "1.5", without its exception for words
    try:
        return _QUANTITY_VALUES[text]
    except KeyError:
        value = _QUANTITY_VALUES[text] = quantity(text)
        return value


def _starts(text: str, firsts: set[str] | frozenset[str], numbers: bool = False) -> list[int]:
    """Where a match of a pattern that starts at a whole word of `firsts` (or, with `numbers`, at
    a run of digits) can start in `text`, in order: see _matches."""
    starts: list[int] = []
    for word in firsts:
        at = text.find(word)
        while at >= 0:
            if not (at and text[at - 1].isalpha()):  # inside a longer word: no match there
                starts.append(at)
            at = text.find(word, at + 1)
    if numbers:
        for run in _DIGITS.finditer(text):
            starts.append(run.start())
    if len(starts) > 1:
        starts.sort()
    return starts


def _matches(pattern: re.Pattern[str], text: str, firsts: set[str] | frozenset[str],
             numbers: bool = False) -> list[re.Match[str]]:
    """The matches `pattern.finditer(text)` gives that are clear of consumed text (Scan.free), for
    a pattern that matches only at the start of a word (it opens with `\\b` or `(?<![\\w])`) and
    whose first word is whole and one of `firsts` (already cut down to the sentence's words).
    It is tried at those words only: a complex pattern tried at every position of a sentence
    costs several times more than a few anchored `match` calls. Like Scan.finditer, but from
    whole words, which skips "the" inside "there". With `numbers`, it is also tried where a run
    of digits starts.

    A match over consumed text still ends where the next may start, as in finditer; recognizers
    consume only up to the end of their match, so the later matches stay clear."""
    if len(firsts) == 1 and not numbers:  # the usual case, one word once: no list to sort
        (word,) = firsts
        at = text.find(word)
        if at < 0:
            return []
        if text.find(word, at + 1) < 0:
            if at and text[at - 1].isalpha():
                return []
            match = pattern.match(text, at)
            return [] if match is None or BLANK in match.group() else [match]
    matches = []
    end = -1
    for at in _starts(text, firsts, numbers):
        if at >= end:
            match = pattern.match(text, at)
            if match is not None:
                end = match.end()
                if BLANK not in text[at:end]:
                    matches.append(match)
    return matches


def _search(pattern: re.Pattern[str], text: str, firsts: set[str] | frozenset[str],
            numbers: bool = False) -> re.Match[str] | None:
    """`pattern.search(text)`, consumed text or not, for a pattern like those of _matches: the
    first of its possible starts where it matches is where search would find it."""
    for at in _starts(text, firsts, numbers):
        match = pattern.match(text, at)
        if match is not None:
            return match
    return None


# -- bookkeeping -----------------------------------------------------------------------------
def _add(scan: Scan, found: Found, start: int, end: int, day: date, kind: str) -> DateHit:
    """Record a date found at text[start:end] and consume it, with the role and anchor words
    before it ("until", "2 weeks from"); the caller sets the hit's other fields."""
    text = scan.text
    role = "on"
    # Role words, anchors and lead words all end in a space right before the date.
    if start > 1 and text[start - 1].isspace():
        # A role word ends in a letter and that space: checked before two searches of the head.
        if found.rule is not None and text[start - 2].isalpha():
            head, words = text[:start], scan.words
            match = _search(_ROLE_START, head, words & _ROLE_START_FIRSTS)
            if match:
                role, start = "start", match.start()
            else:
                match = _search(_ROLE_UNTIL, head, words & _ROLE_UNTIL_FIRSTS)
                if match:
                    role, start = "until", match.start()
        # Most dates have neither an anchor nor a lead word before them: one test for both.
        if text.endswith(_ANCHOR_OR_LEAD_ENDS, 0, start):
            # "2 weeks from ...": only worth the (slow, end-anchored) search when the word is there.
            if role == "on" and text.endswith(_ANCHOR_ENDS, 0, start):
                anchor = _search(_ANCHOR, text[:start], scan.words & _QTY_FIRSTS, scan.has_digit)
                if anchor:
                    day = _shift(day, anchor)
                    start = anchor.start()
                    kind = "anchored"
            if text.endswith(_LEAD_ENDS, 0, start):  # lead_start walks back letter by letter
                start = lead_start(text, start, _LEAD_WORDS)
    hit = DateHit(day, start, kind, role)
    found.dates.append(hit)
    scan.consume(start, end)
    return hit


def _shift(day: date, anchor: re.Match[str]) -> date:
    """`day` moved by the anchor's amounts, as relativedelta would move it (months first, a month
    end clipped: "a month after January 31" is the end of February), by hand: this is cheaper."""
    months = days = 0
    q1, u1, q2, u2, q3, u3 = anchor.group("q", "u", "q2", "u2", "q3", "u3")
    for q, u in ((q1, u1), (q2, u2), (q3, u3)):
        if q is None:
            continue
        amount = _quantity_value(q) or 0
        field, scale = UNITS[u]
        if field == "days":
            days += int(amount * scale)
        elif field == "weeks":
            days += 7 * int(amount * scale)
        elif field == "months":
            months += int(amount * scale)
        elif field == "years":
            months += 12 * int(amount * scale)
    if anchor.group("dir") == "before":
        months, days = -months, -days
    if months:
        year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
        month += 1
        day = date(year, month, min(day.day, cal.days_in(year, month)))
    return day + timedelta(days)


def _month_day(today: date, month: int, day: int, year: int | None, shown: str,
               skip_this_year: bool = False) -> date:
    if year is not None:
        return cal.make(year, month, day, shown)
    result = cal.next_month_day(today, month, day, shown)
    if skip_this_year and result.year == today.year and result == today:
        result = cal.next_month_day(today + timedelta(1), month, day, shown)
    return result


# -- recognizers -----------------------------------------------------------------------------
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
        if sep == "." and y is None and scan.text[end:end + 1].isalnum():
            continue
        year = None
        if y:
            year = int(y)
            year += 2000 if year < 100 else 0
        value = _month_day(found.today, month, day, year, match.group(0))
        hit = _add(scan, found, start, end, value, "monthdate")
        hit.month, hit.monthday = month, day


def _named(scan: Scan, found: Found, words: frozenset[str]) -> None:
    month_words = words & MONTH_WORDS
    _named_dates(scan, found, _matches(_MONTH_DAY, scan.text, month_words | (words & _NEXT)),
                 False)
    # "24 December": its month word must still be in the text.
    text = scan.text
    for word in month_words:
        if word in text:
            matches = _matches(_DAY_MONTH, text, words & _DAY_MONTH_FIRSTS, numbers=scan.has_digit)
            _named_dates(scan, found, matches, True)
            break


def _named_if_digits(scan: Scan, found: Found, words: frozenset[str]) -> None:
    # Often the only digits were a clock time, consumed by now.
    if _DIGIT.search(scan.text):
        _named(scan, found, words)


def _named_dates(scan: Scan, found: Found, matches: list[re.Match[str]], day_month: bool) -> None:
    for match in matches:
        start, end = match.span()
        m, d, y, next_ = match.group("m", "d", "y", "next")
        month = _MONTH_OR_DOT.get(m)
        day = _day_value(d)
        if month is None or day is None:
            continue
        if day_month and month in (3, 5) and m.startswith(("may", "mar")) and \
                not _DIGIT_OR_ORD.match(d):
            continue  # "one may ..." is not May 1st
        year = year_number(y) if y else None
        # No separate check_day: make and next_month_day raise the same error for Feb 30.
        shown = f"{cal.month_name(month)} {day}"
        value = _month_day(found.today, month, day, year, shown, bool(next_))
        hit = _add(scan, found, start, end, value, "full" if year else "monthdate")
        hit.month, hit.monthday = month, day


def _nth_weekday_of(scan: Scan, found: Found, words: frozenset[str]) -> None:
    today = found.today
    for match in _NTH_WEEKDAY_OF.finditer(scan.text):
        if not scan.free(*match.span()):
            continue
        n = -1 if match.group("n") == "last" else ordinal(match.group("n"))
        wd, month = weekday_number(match.group("wd")), month_number(match.group("m"))
        if n is None or wd is None or month is None or not -1 <= n <= 5 or n == 0:
            continue
        day = cal.nth_weekday(today.year, month, wd, n)
        if day < today or day.month != month:
            day = cal.nth_weekday(today.year + 1, month, wd, n)
        _add(scan, found, *match.span(), day, "special")


def _weekday_day(scan: Scan, found: Found, words: frozenset[str]) -> None:
    for match in _matches(_WEEKDAY_DAY, scan.text, words & _WEEKDAY_DAY_FIRSTS):
        start, end = match.span()
        wd = weekday_number(match.group("wd"))
        day = _day_value(match.group("d"))
        if wd is None or day is None or not 1 <= day <= 31:
            continue
        value = cal.next_weekday_and_day(found.today, wd, day, match.group(0))
        _add(scan, found, start, end, value, "special")


def _weekday_day_if_digits(scan: Scan, found: Found, words: frozenset[str]) -> None:
    if _DIGIT.search(scan.text):
        _weekday_day(scan, found, words)


def _nth_of_month(scan: Scan, found: Found, words: frozenset[str]) -> None:
    today = found.today
    for match in _matches(_THE_NTH, scan.text, words & _THE_NTH_FIRSTS):
        start, end = match.span()
        d, which, which2 = match.group("d", "w", "w2")
        day = _ordinal_value(d)
        if day is None or not 1 <= day <= 31:
            continue
        which = which or which2
        if which and which != "this":
            first = today.replace(day=1) + relativedelta(months=1)
            value = cal.make(first.year, first.month, day, match.group(0))
        elif which == "this":
            value = cal.make(today.year, today.month, day, match.group(0))
        else:
            value = cal.next_day_of_month(today, day, match.group(0))
        hit = _add(scan, found, start, end, value, "monthday")
        hit.monthday, hit.rolls = day, not which


def _relative_words(scan: Scan, found: Found, words: frozenset[str]) -> None:
    firsts = words & (_RELATIVE_FIRSTS_DAY if "day" in words else _RELATIVE_WORDS)
    for match in _matches(_RELATIVE, scan.text, firsts):
        start, end = match.span()
        word = match.group(0)
        if "after tomorrow" in word or word == "overmorrow":
            shift = 2
        elif word == "tomorrow" or word.endswith("day after"):
            shift = 1
        else:
            shift = 0
        _add(scan, found, start, end, found.today + cal.STEPS[shift], "relative")
    if "day" in words and _search(_WEAK_TODAY, scan.text, words & _WEAK_TODAY_FIRSTS):
        found.weak_today = True


# What a modifier makes of a weekday ("next Friday"): which Friday, whether it is a plain weekday
# (it may sit in a week named elsewhere), whether it rolls to next week once its time has passed;
# None for one in the past ("last Friday").
_THIS_WEEK, _NEXT_WEEK, _AFTER_TODAY = range(3)
_WEEKDAY_MODS: dict[str, tuple[int, bool, bool] | None] = {
    "": (_THIS_WEEK, True, True), "this": (_THIS_WEEK, False, True),
    "next": (_NEXT_WEEK, False, False), "following": (_NEXT_WEEK, False, False),
    "the following": (_NEXT_WEEK, False, False),
    "coming": (_AFTER_TODAY, False, False), "upcoming": (_AFTER_TODAY, False, False),
    "this coming": (_AFTER_TODAY, False, False), "this upcoming": (_AFTER_TODAY, False, False),
    "last": None, "past": None, "previous": None}


def _weekdays(scan: Scan, found: Found, words: frozenset[str]) -> None:
    today = found.today
    firsts = words & (_WEEKDAY_ONLY_FIRSTS_THE if "following" in words else _WEEKDAY_ONLY_FIRSTS)
    for match in _matches(_WEEKDAY_ONLY, scan.text, firsts):
        start, end = match.span()
        mod, name, cap, post = match.groups()
        if cap and cap.capitalize() not in scan.raw_words:
            continue  # "on sun cream", "sit in the sun": only "on Sat", "... Sun" are days
        meaning = _WEEKDAY_MODS[mod.strip()]
        if meaning is None:
            continue
        which, plain, rolls = meaning
        wd = WEEKDAY_NAMES[name]  # every spelling the pattern takes is a key
        if post and "this" not in post:  # "Friday next week"
            value = cal.weekday_of_next_week(today, wd)
            plain = False
        elif which == _THIS_WEEK:
            value = cal.next_weekday(today, wd)
        elif which == _NEXT_WEEK:
            value = cal.weekday_of_next_week(today, wd)
            found.assumptions.append(
                f"next {name.capitalize()} = {cal.short_date(value)} (next week)")
        else:
            value = cal.next_weekday(today, wd, include_today=False)
        hit = _add(scan, found, start, end, value, "weekday")
        hit.weekday, hit.plain_weekday, hit.rolls = wd, plain, rolls


def _last_day_of(scan: Scan, found: Found, words: frozenset[str]) -> None:
    for match in _LAST_DAY_OF.finditer(scan.text):
        if not scan.free(*match.span()):
            continue
        value = cal.last_day_of_month(found.today)
        if match.group("w") != "this":
            value = cal.last_day_of_month(value + timedelta(1))
        _add(scan, found, *match.span(), value, "special")


def _week_words(scan: Scan, found: Found, words: frozenset[str]) -> None:
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


def _nth_week(scan: Scan, found: Found, words: frozenset[str]) -> None:
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


def _holidays(scan: Scan, found: Found, words: frozenset[str]) -> None:
    if not _holiday_possible(words) or any(not h.plain_weekday for h in found.dates):
        return
    for match in _matches(_HOLIDAY, scan.text, words & _HOLIDAY_FIRSTS):
        year = int(match.group("y")) if match.group("y") else None
        value = cal.holiday(match.group("h"), found.today, year)
        _add(scan, found, *match.span(), value, "special")
        return


# -- which recognizers run ---------------------------------------------------------------------
_WEEKDAY_WORDS = frozenset(WEEKDAY_NAMES)
# A holiday can only match when every word of its name is in the text; each name is filed under
# its longest word that is rare in other sentences ("good" of "good friday", not "friday"), so a
# sentence is checked against the few names that word starts.
_HOLIDAY_NEEDS: dict[str, list[frozenset[str]]] = {}
_COMMON = _WEEKDAY_WORDS | MONTH_WORDS | {"new", "eve"}
_COMMONEST = frozenset({"day", "year", "s"})
for _name in cal.HOLIDAYS:
    _needs = frozenset(re.findall(r"[a-z]+", _name))
    _key = max(sorted(_needs), key=lambda word: (word not in _COMMONEST, word not in _COMMON, len(word)))
    _HOLIDAY_NEEDS.setdefault(_key, []).append(_needs)
_HOLIDAY_KEYS = frozenset(_HOLIDAY_NEEDS)
# What the words of a sentence say about the dates it can hold, one bit per kind of word: one pass
# over the sentence's few such words sets them all, where a set test per condition costs more.
_BITS: dict[str, int] = {}


def _bit(number: int, words: frozenset[str] | set[str]) -> int:
    for word in words:
        _BITS[word] = _BITS.get(word, 0) | 1 << number
    return 1 << number


_HAS_MONTH = _bit(0, MONTH_WORDS)
_HAS_WEEKDAY = _bit(1, _WEEKDAY_WORDS)
_HAS_ORDINAL = _bit(2, ORDINAL_TOKENS | {"last"})
_HAS_NUMBER = _bit(3, NUMBER_WORDS)
_HAS_NTH_LEAD = _bit(4, _THE_NTH_FIRSTS)
_HAS_WEEK = _bit(5, {"week"})
_HAS_RELATIVE_DAY = _bit(6, _RELATIVE_WORDS)
_HAS_DAY = _bit(7, {"day"})
# "the day after", "on this day", "for the day", "of the day", "my day"
_HAS_DAY_COMPANION = _bit(8, {"after", "this", "for", "of", "my"})
_HAS_MONTH_WORD = _bit(9, {"month"})
_HAS_LAST = _bit(10, {"last"})
_HAS_WEEK_UNIT = _bit(11, {"week", "weekend", "month", "year"})
_HAS_WEEKEND = _bit(12, {"weekend"})
_HAS_WEEK_SHIFT = _bit(13, {"next", "this", "following", "coming", "end", "beginning", "start"})
_HAS_HOLIDAY = _bit(14, _HOLIDAY_KEYS)
# "twentyfirst": a day in words that is no ordinal or number word; with a digit anywhere in the
# sentence, the day recognizers run as they would for "21st".
_HAS_JOINED_ORDINAL = _bit(15, {tens + unit for tens in ("twenty", "thirty") for unit in ORDINAL_UNITS})
_BIT_WORDS = frozenset(_BITS)
# Every recognizer below the numeric ones needs one of these.
_DATE_WORDS = frozenset(word for word, bits in _BITS.items() if bits & (
    _HAS_MONTH | _HAS_WEEKDAY | _HAS_ORDINAL | _HAS_RELATIVE_DAY | _HAS_WEEK_UNIT | _HAS_DAY | _HAS_HOLIDAY))


def _holiday_possible(words: frozenset[str]) -> bool:
    for key in _HOLIDAY_KEYS & words:
        for need in _HOLIDAY_NEEDS[key]:
            if need <= words:
                return True
    return False


Recognizer = Callable[[Scan, Found, frozenset[str]], None]
# The recognizers a sentence runs, in order, by the kinds of word it has (see _BITS): worked out once
# for each combination met, instead of a dozen tests per sentence.
_PLANS: dict[int, tuple[Recognizer, ...]] = {}


def _plan(bits: int, digits: bool) -> tuple[Recognizer, ...]:
    months, weekdays, ordinals = bits & _HAS_MONTH, bits & _HAS_WEEKDAY, bits & _HAS_ORDINAL
    plan: list[Recognizer] = []
    if months:
        plan.append(_triples)
        if weekdays and ordinals:
            plan.append(_nth_weekday_of)
        if ordinals or bits & _HAS_NUMBER:
            plan.append(_named)
        elif digits:
            plan.append(_named if bits & _HAS_JOINED_ORDINAL else _named_if_digits)
    if weekdays and (ordinals or digits):
        plan.append(_weekday_day if ordinals or bits & _HAS_JOINED_ORDINAL else _weekday_day_if_digits)
    if ordinals and bits & _HAS_NTH_LEAD:
        plan.append(_nth_of_month)
    if months and bits & _HAS_WEEK:
        plan.append(_nth_week)
    if bits & _HAS_RELATIVE_DAY or (bits & _HAS_DAY and bits & _HAS_DAY_COMPANION):
        plan.append(_relative_words)
    if bits & _HAS_MONTH_WORD and bits & _HAS_LAST:
        plan.append(_last_day_of)
    if bits & _HAS_WEEK_UNIT and bits & (_HAS_WEEKEND | _HAS_WEEK_SHIFT):
        plan.append(_week_words)
    if weekdays:
        plan.append(_weekdays)
    if bits & _HAS_HOLIDAY:
        plan.append(_holidays)
    _PLANS[bits << 1 | digits] = result = tuple(plan)
    return result


def find_dates(scan: Scan, found: Found, day_first: bool) -> None:
    """Each recognizer runs only when the words it needs are in the text (Scan.words): most
    sentences name one kind of date, and a regex that cannot match still costs a scan."""
    digits = scan.has_digit
    if digits:
        text = scan.text
        if scan.longest_number >= 4:
            _iso(scan, found)
        if ("/" in text or "." in text or "-" in text) and _DIGIT_SEP_DIGIT.search(text):
            _numeric(scan, found, day_first)
    words = scan.words
    if words.isdisjoint(_DATE_WORDS):
        return  # the usual sentence
    bits = 0
    for word in words & _BIT_WORDS:
        bits |= _BITS[word]
    plan = _PLANS.get(bits << 1 | digits)
    for recognize in plan if plan is not None else _plan(bits, digits):
        recognize(scan, found, words)
