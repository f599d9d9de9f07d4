"""How the day recognizers (`dates`, `numeric_dates`, `days`) find and record what they read.

`_matches`/`_search` try a pattern only where its first word is; `_add` records a day with the
role ("until", "starting") and the anchor ("2 weeks from") written before it, and consumes it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules import calendar as cal
from taskd.extract.rules.lexicon import (
    QTY,
    TEEN_WORDS,
    TENS_WORDS,
    UNIT,
    UNIT_WORDS,
    UNITS,
    day_number,
    ordinal,
    quantity,
)
from taskd.extract.rules.scan import BLANK, DateHit, Found, Scan, lead_start

_NOT_AFTER_DAY = (r"(?![\w:]|\s?(?:am|pm|a\.m|p\.m)\b|\s(?:minutes?|mins?|hours?|hrs?|days?|"
                  r"weeks?|months?|years?|times|people|percent)\b|[./-]\d)")
_ANCHOR = lazy(
    # (not after "at"/"around": "at 7 day after tomorrow" is a clock time and a day)
    rf"(?<![\w.$])(?<!\bat\s)(?<!\baround\s)(?P<q>{QTY})\s(?P<u>{UNIT})(?:\s(?:and\s)?(?P<q2>{QTY})\s(?P<u2>{UNIT}))?"
    rf"(?:\s(?:and\s)?(?P<q3>{QTY})\s(?P<u3>{UNIT}))?\s(?P<dir>from|after|before)\s(?:the\s)?$")
_ROLE_START = lazy(r"\b(?:starting|start|beginning|begin|from|as\sof|effective|commencing)"
                         r"(?:\s(?:on|from|at))?\s$")
_ROLE_UNTIL = lazy(r"\b(?:until|till|through|to|ending|ends|up\sto)(?:\s(?:on|the))?\s$")
_DIGITS = lazy(r"\d\d*")  # not \d+: a leading \d lets the engine skip to the digits

# Where a match of each pattern can start, for _matches and _search: its first words, whole.
_ROLE_START_FIRSTS = frozenset({"starting", "start", "beginning", "begin", "from", "as", "effective",
                                "commencing"})
_ROLE_UNTIL_FIRSTS = frozenset({"until", "till", "through", "to", "ending", "ends", "up"})
# The words an amount can open with: "two", "twenty-one", "a few", "a couple of", "several".
_QTY_FIRSTS = frozenset([*UNIT_WORDS, *TEEN_WORDS, *TENS_WORDS, "zero", "a", "an", "couple", "few",
                         "several"])
# What _add looks for right before a date: an anchor ("2 weeks from ") or lead words ("on ").
_ANCHOR_ENDS = ("from ", "after ", "before ", "from the ", "after the ", "before the ")
_LEAD_WORDS = frozenset({"on", "by", "for", "this", "sometime", "due", "around"})
_LEAD_ENDS = tuple(word + " " for word in _LEAD_WORDS)
_ANCHOR_OR_LEAD_ENDS = _ANCHOR_ENDS + _LEAD_ENDS
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
                if anchor and _count_of_the_task(text, anchor):
                    anchor = None
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


_WORD_BEFORE = lazy(r"[a-z]\s$")


def _count_of_the_task(text: str, anchor: re.Match[str]) -> bool:
    """"read chapter 7 day after tomorrow", "room 101 day after": a number after a word of the
    task, with a singular unit, counts the task's noun, not days ("2 day after tomorrow" is read)."""
    unit, q = anchor.group("u"), anchor.group("q")
    return not unit.endswith("s") and anchor.group("q2") is None and q[0].isdecimal() and \
        q != "1" and _WORD_BEFORE.search(text, max(0, anchor.start() - 2), anchor.start()) is not None


def anchored(scan: Scan, start: int, day: date) -> tuple[date, int] | None:
    """"2 weeks after <day at start>": the day moved, and where the amount begins; or None."""
    text = scan.text
    if not text.endswith(_ANCHOR_ENDS, 0, start):
        return None
    anchor = _search(_ANCHOR, text[:start], scan.words & _QTY_FIRSTS, scan.has_digit)
    if anchor is None or _count_of_the_task(text, anchor) or not scan.free(anchor.start(), start):
        return None
    return _shift(day, anchor), anchor.start()


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
