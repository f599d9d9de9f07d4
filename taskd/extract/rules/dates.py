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

from dateutil.relativedelta import relativedelta

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules import calendar as cal
from taskd.extract.rules import week_dates
from taskd.extract.rules.day_hits import (
    _NOT_AFTER_DAY,
    _add,
    _day_value,
    _matches,
    _month_day,
    _ordinal_value,
    _search,
)
from taskd.extract.rules.lexicon import (
    DAY,
    MONTH,
    MONTH_NAMES,
    MONTH_WORDS,
    NOUN_AFTER,
    NUMBER_WORDS,
    ORD,
    ORDINAL_TEENS,
    ORDINAL_TOKENS,
    ORDINAL_UNITS,
    TEEN_WORDS,
    UNIT_WORDS,
    WEEKDAY,
    WEEKDAY_NAMES,
    YEAR,
    month_number,
    ordinal,
    weekday_number,
    year_number,
)
from taskd.extract.rules.numeric_dates import _iso, _numeric, _triples
from taskd.extract.rules.scan import BLANK, Found, Scan

_YEAR_TAIL = rf"(?:(?:,\s?|\s|\s?[/.-]\s?)(?:in\s|of\s)?(?P<y>{YEAR}|[1-9]\d{{3}}(?![\d:])))?(?![\w])"
_MONTH_DAY = lazy(
    rf"(?<![\w])(?P<next>next\s)?(?P<m>{MONTH})(?:,?\s|\s?[/-]\s?|(?=\d))(?:the\s)?(?P<d>{DAY})"
    rf"{_NOT_AFTER_DAY}{_YEAR_TAIL}")
_DAY_MONTH = lazy(
    rf"(?<![\w$.,])(?<!\d:)(?<!\$\s)(?P<next>next\s)?(?:the\s)?(?P<d>{DAY})(?:\sday)?"
    rf"(?:\sof\s|\s?[/-]\s?|\.?\s|(?<=\d))"
    rf"(?P<m>{MONTH})(?![\w]){_YEAR_TAIL}")
_WEEKDAY_DAY = lazy(
    rf"(?<![\w])(?:on\s)?(?P<wd>{WEEKDAY}),?\s(?:the\s)?(?P<d>{ORD}|\d{{1,2}}){_NOT_AFTER_DAY}")
_THE_NTH = lazy(
    rf"(?<![\w])(?:(?:on|by|for|around|before|until|till)\s(?:the\s)?|the\s)(?P<d>{ORD})"
    r"(?:\sday)?(?:\sof\s(?:the\s)?(?P<w>this|next|coming|following)\smonth|"
    r"\s(?P<w2>this|next)\smonth)?(?![\w])(?!\s(?:of|week|time|floor|century|row|place|grade|"
    r"anniversary|birthday|edition|attempt)\b)")
_RELATIVE = lazy(
    r"\b(?:(?:the\s)?(?<![\s\x1f]\d\s)(?<!^\d\s)(?<![\s\x1f]\d\d\s)(?<!^\d\d\s)day\safter\stomorrow|overmorrow|tomorrow|today|otd|on\sthis\sday|"
    r"(?:the\s)?(?<!\d\s)day\safter(?!\s\w+\s(?:from|after)))\b")
_WEAK_TODAY = lazy(r"\b(?:(?:for|of)\sthe\sday|my\sday)\b")
_WEEKDAY_ONLY = lazy(
    r"(?<![\w])(?P<mod>(?:this\s(?:coming\s|upcoming\s)?|next\s|coming\s|upcoming\s|"
    r"(?:the\s)?following\s|last\s|past\s|previous\s)?)(?P<wd>monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|mon|tues?|weds?|thu|thurs?|fri|(?<!the\s)(?:sat|sun)(?=\.|\s(?:at\s|around\s|by\s|\d|\x1f))|"
    r"(?<=next\s|this\s)(?:sat|sun)|^(?:sat|sun)(?=\s)|(?<=\x1f\s)(?:sat|sun)|(?<=\x1f\son\s)(?:sat|sun)|"
    r"(?<=\bon\s)(?:sat|sun)(?=\s(?:in\sthe\s)?(?:morning|afternoon|evening|night)\b)|"
    r"(?P<cap>(?<=\bon\s)(?:sat|sun)|(?:sat|sun)"
    r"(?=[.!?]?$|\s(?:in\sthe\s)?(?:morning|afternoon|evening|night)\b)))\.?"
    r"(?P<post>,?\s(?:of\s)?(?:next|the\sfollowing|following|this|the\scoming)\sweek)?"
    rf"(?:\sof(?=\s?{BLANK}))?(?![\w'])")
_HOLIDAY = lazy(
    r"\b(?:(?:on|for|at|by)\s)?(?P<mod>(?:the\s)?(?:next|following|coming|this)\s)?"
    r"(?P<h>" + "|".join(re.escape(h) for h in sorted(cal.HOLIDAYS, key=len, reverse=True))
    + r")(?:\s(?P<y>\d{4}))?\b")
_NTH_WEEKDAY_OF = lazy(
    rf"\b(?:on\s)?(?:the\s)?(?P<n>{ORD}|last)\s(?P<wd>{WEEKDAY})\s(?:of|in)\s(?P<m>{MONTH})(?!\w)")
_DIGIT_SEP_DIGIT = lazy(r"\d[/.\-]\d")
_DIGIT = lazy(r"\d")

# Where a match of each pattern can start, for _matches and _search: its first words, whole.
_WEAK_TODAY_FIRSTS = frozenset({"for", "of", "my"})
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
# A holiday name's first word is whole in the text ("new", "valentine" of "valentine's").
_HOLIDAY_FIRSTS = frozenset({"on", "for", "at", "by", "the", "next", "following", "coming", "this"}) | \
    frozenset(re.match(r"[a-z]+", name).group() for name in cal.HOLIDAYS)  # type: ignore[union-attr]
# A day of the month in words opens with one of these: "fifth", "twenty-first", "twentyfirst".
_DAY_MONTH_FIRSTS = frozenset([*ORDINAL_UNITS, *ORDINAL_TEENS, *UNIT_WORDS, *TEEN_WORDS, "twentieth",
                               "thirtieth", "twenty", "thirty", "next", "the"]) | \
    {tens + unit for tens in ("twenty", "thirty") for unit in ORDINAL_UNITS}
_MONTH_OR_DOT = {**MONTH_NAMES, **{name + ".": number for name, number in MONTH_NAMES.items()}}
_DIGIT_OR_ORD = lazy(r"\d|" + ORD)
# -- recognizers -----------------------------------------------------------------------------
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


# "finish the 1st draft", "read the 3rd chapter": "the Nth" between two words of the task is an
# ordinal of the noun after it. A day would open the phrase ("the 3rd call bob") or end it ("pay
# rent the 3rd"), or go on with words of time ("the 3rd at 9", "the 3rd of each month").
_TASK_WORD_BEFORE = lazy(r"[a-z']+\s$")


def text_before_is_the(text: str, start: int) -> bool:
    """Whether "the" stands right before `start`, after a word of the task ("plan the ..."), not
    after a preposition of time ("on the Monday")."""
    if not text.endswith(" the ", 0, start):
        return False
    word = text[:start - 5].rsplit(" ", 1)[-1]
    return word.isalpha() and word not in ("on", "by", "for", "until", "till", "from", "before",
                                           "after")


def _ordinal_of_a_noun(text: str, start: int, end: int) -> bool:
    return text.startswith("the ", start) and _TASK_WORD_BEFORE.search(text, max(0, start - 20), start) \
        is not None and NOUN_AFTER.match(text, end) is not None


def _nth_of_month(scan: Scan, found: Found, words: frozenset[str]) -> None:
    today = found.today
    for match in _matches(_THE_NTH, scan.text, words & _THE_NTH_FIRSTS):
        start, end = match.span()
        if _ordinal_of_a_noun(scan.text, start, end):
            continue
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
        if cap and cap.capitalize() not in scan.raw_words and cap.upper() not in scan.raw_words:
            continue  # "on sun cream", "sit in the sun": only "on Sat", "... Sun" are days
        if not mod and text_before_is_the(scan.text, start) and NOUN_AFTER.match(scan.text, end):
            continue  # "plan the monday meeting": the meeting's name, not a day
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
        plan.append(week_dates.nth_week)
    if bits & _HAS_RELATIVE_DAY or (bits & _HAS_DAY and bits & _HAS_DAY_COMPANION):
        plan.append(_relative_words)
    if bits & _HAS_MONTH_WORD and bits & _HAS_LAST:
        plan.append(week_dates.last_day_of)
    if bits & _HAS_WEEK_UNIT and bits & (_HAS_WEEKEND | _HAS_WEEK_SHIFT):
        plan.append(week_dates.week_words)
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
