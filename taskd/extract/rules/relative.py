"""Relative offsets: "in 20 minutes", "in 1h30", "in 2.5 hours", "in 1/2 hour", "in 2 more minutes",
"in another 10 minutes", "3 minutes from now", "two years later", "3w later", "+15min", "set a
timer for 5 minutes", "15 minutes from 1pm", "next hour", and "now"/"right now" (an all-zero offset).
The durations themselves are `amounts`'; each construction here is one rule over them.

The extractor never adds an offset to a clock: it emits relativedelta fields and the resolver does
the arithmetic (calendar units keep the wall time, hours/minutes/seconds are elapsed time).
"""

from __future__ import annotations

import re

from dateutil.relativedelta import relativedelta

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules import amounts
from taskd.extract.rules.amounts import DURATION
from taskd.extract.rules.lexicon import DURATION_WORDS
from taskd.extract.rules.scan import BLANK, DateHit, Found, Scan

# Each construction is a small rule over the one DURATION of `amounts`, so every way of writing a
# duration works in each of them. Each preposition's \b is a lookbehind after it, so that the
# pattern opens with plain letters and `re` skips to where they are.
# (not "after" right after a duration: "two hours after 19h30" counts from a clock time)
_IN = lazy(r"(?:in(?<!\win)|within(?<!\wwithin)|after(?<!\wafter)(?<!hours\safter)(?<!hour\safter)"
                 r"(?<!hrs\safter)(?<!\dh\safter)(?<!minutes\safter)(?<!mins\safter)(?<!min\safter)"
                 r"(?<!\dm\safter))\s(?:another\s|about\s|the\snext\s|the\scoming\s|next\s|"
                 r"around\s|roughly\s|approximately\s|just\s|~\s?|only\s)*"
                 rf"(?P<d>{DURATION})(?:'s?)?(?:\s(?:time|from\snow|from\stoday))?(?![\w])")
_FROM_NOW_WORDS = (r"(?:from\snow|from\stoday|later|hence|after\stoday|after\snow|after\sthat|"
                   r"out)(?![\w])")
_FROM_NOW = lazy(rf"(?<![\w])(?<!\bat\s)(?P<d>{DURATION})\s{_FROM_NOW_WORDS}")
# _FROM_NOW's closing words alone: a quick search (it opens with letters) that rules most text out.
_FROM_NOW_END = lazy(_FROM_NOW_WORDS)
# "+15min", "now + 40 minutes", "another 10 minutes", "set a timer for 5 minutes", "give it 2 months"
_OTHER = lazy(rf"(?:(?<![\w+])(?:now\s?)?\+\s?|\b(?:another|(?:set\s)?(?:a\s|the\s)?timer\s"
                    rf"(?:for\s)?|wait\s(?:for\s)?|give\sit\s))(?P<d>{DURATION})(?![\w])")
# "15 minutes from 1pm", "2 hours after 9am": the clock time itself is a time recognizer's; what
# it consumed is blank, so the offset is what stands right before the gap.
# The time recognizer may have taken "from" with the time, as it takes "at".
_FROM_TIME = lazy(rf"(?<![\w])(?P<d>{DURATION})\s(?:(?:from|after|past|before)\s)?(?=\x1f)")
_TIME_WAYS = ("from", "after", "past", "before")
_NEXT_UNIT = lazy(r"(?<![\w])(?<!in\s)(?<!within\s)(?<!in\sthe\s)(?<!within\sthe\s)"
                        r"(?:the\s)?next\s(?P<u>hour|minute|day)\b(?!\s(?:after|of)\b)")
# "within the hour", "in the next hour", "within the next minute": by the end of one unit, as
# "within 2 hours" is two hours from now.
# ("within the day", "within the week" end with the day or week: not read here)
_WITHIN_UNIT = lazy(r"\bwithin\sthe\s(?P<u>hour|minute)\b|"
                          r"\b(?:in|within)\sthe\s(?:next|coming)\s(?P<u2>hour|minute|day|week|month|year)\b")
_WITHIN_UNITS = frozenset({"hour", "minute", "day", "week", "month", "year"})
_NOW = lazy(r"\b(?:right\snow|right\saway|straight\saway|immediately|asap|now|"
                  r"at\sthe\s(?:present\s)?moment|at\spresent|at\sthe\spresent\stime|"
                  r"at\sthis\stime|at\sthe\sminute)\b")


def parse_duration(text: str) -> dict[str, int] | None:
    return amounts.parse(text)


_OFFSET_WORDS = frozenset({"in", "within", "after", "from", "later", "hence", "out",
                           "another", "timer", "wait", "give", "that", "past"})
_NOW_WORDS = frozenset({"now", "away", "immediately", "asap", "moment", "present", "time",
                        "minute"})


def find_offsets(scan: Scan, found: Found) -> None:
    text = scan.text
    if not scan.words.isdisjoint(_WITHIN_UNITS) and ("within" in scan.words or "in" in scan.words):
        match = _WITHIN_UNIT.search(text)
        if match is not None and scan.free(*match.span()):
            found.offset = {(match.group("u") or match.group("u2")) + "s": 1}
            scan.consume(*match.span())
            return
    if "next" in scan.words and ("hour" in scan.words or "minute" in scan.words or
                                 "day" in scan.words):
        match = _NEXT_UNIT.search(text)
        if match is not None and scan.free(*match.span()):
            found.offset = {match.group("u") + "s": 1}
            scan.consume(*match.span())
            return
    glued = scan.has_digit  # "1h", "90m": a unit glued to digits is no word of its own
    if scan.words.isdisjoint(DURATION_WORDS) and not glued:
        return
    plus = "+" in text
    if scan.words.isdisjoint(_OFFSET_WORDS) and not plus:
        return
    _take_offset(scan, found, _IN)
    if found.offset is None and _FROM_NOW_END.search(text) is not None:
        _take_offset(scan, found, _FROM_NOW)
    if found.offset is None:
        _take_offset(scan, found, _OTHER)


def find_offset_from_time(scan: Scan, found: Found) -> None:
    """"15 minutes from 1pm", "2 hours before 9pm": runs once the clock times are consumed."""
    if not found.times or BLANK not in scan.text or scan.words.isdisjoint(_TIME_WAYS):
        return
    calendar = found.offset
    if calendar is not None and (any(calendar.get(u) for u in ("hours", "minutes", "seconds"))
                                 or found.dates):
        return
    way = _before_time(scan, found)
    if way is None:
        return
    found.offset = None
    if not _take_offset(scan, found, _FROM_TIME):
        found.offset = calendar
        return
    found.offset_from_time = True
    if calendar:  # "30 minutes before 8.30pm in three days": the day, and the time moved
        found.dates.append(DateHit(found.today + relativedelta(**calendar), 0, "relative"))
    if way == "before" and found.offset:
        found.offset = {unit: -amount for unit, amount in found.offset.items()}


def _before_time(scan: Scan, found: Found) -> str | None:
    """The word of _TIME_WAYS that stands right before the clock time (or was taken with it)."""
    start = found.times[0].start
    head = scan.original[:start].rstrip()
    for word in _TIME_WAYS:
        if head.endswith(word) or scan.original.startswith(word + " ", start):
            return word
    return None


def _take_offset(scan: Scan, found: Found, pattern: re.Pattern[str]) -> bool:
    """The first offset `pattern` finds in what is left (none after one is found)."""
    if found.offset is not None:
        return False
    text = scan.text
    pos = 0
    while (match := pattern.search(text, pos)) is not None:  # finditer, without building one
        pos = match.end()
        if scan.free(*match.span()) and (offset := parse_duration(match.group("d"))):
            found.offset = offset
            scan.consume(*match.span())
            return True
    return False


# A duration alone: "1 hour", "tea 10 minutes". Not after "for" ("meditate for 10 minutes" says
# how long), and only when nothing else in the text says when.
_BARE = lazy(rf"(?<![\w])(?<!\bat\s)(?<!for\s)(?<!every\s)(?<!each\s)(?P<d>{DURATION})(?![\w])"
                   r"(?!\s(?:after|before|from|ago|since)\b)")


def find_bare_duration(scan: Scan, found: Found) -> None:
    if found.offset is not None or found.times or found.dates or found.rule is not None or \
            found.dayparts or found.now_word or found.week_shift is not None or found.weak_today:
        return
    if not scan.has_digit and scan.words.isdisjoint(DURATION_WORDS):
        return
    matches = [m for m in _BARE.finditer(scan.text) if scan.free(*m.span())]
    if len(matches) == 1:
        _take_offset(scan, found, _BARE)


def find_now(scan: Scan, found: Found) -> None:
    if scan.words.isdisjoint(_NOW_WORDS):
        return
    for match in _NOW.finditer(scan.text):
        if scan.free(*match.span()):
            found.now_word = True
            scan.consume(*match.span())
            return
