"""Daypart words and the end of the day: "in the morning", "tonight", "Monday evenings", "early
in the afternoon", "mid-morning", "by end of day", "EOD", "close of business". Each is a daypart
the resolver turns into the user's learned time for it (taskd.resolve.dayparts)."""

from __future__ import annotations

import re

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.lexicon import WEEKDAY
from taskd.extract.rules.scan import BLANK, Found, Scan
from taskd.resolve.dayparts import daypart_shift

_DAYPART_WORDS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening",
                  "night": "night", "tonight": "tonight", "nite": "night"}
_DAYPART_RE = lazy(
    r"(?P<q>(?:(?:later\s)?this|in\sthe(?:\s(?:early|late))?|early(?:\sin\sthe)?|late(?:\sin\sthe)?|on|by|at|"
    r"during\sthe|every|each|the)\s)?(?:\b(?P<mid>mid)[- ]?|\b)(?P<dp>morning|afternoon|evening|"
    r"night|tonight)"
    r"(?P<pl>s)?\b(?!\s(?:shift|class|routine|run|person|owl|club|market|shows?|news|flight)\b)"
    r"(?P<more>(?:(?:,\s?|\s)(?:and\s)?(?:morning|afternoon|evening|night)s?\b)*)")
# A daypart word anywhere: where _DAYPART_RE can match at the earliest, given its longest qualifier.
_DAYPART_WORD = lazy(r"morning|afternoon|evening|night|tonight")
_DAYPART_QUALIFIER = len("early in the ")
_MORE_DAYPARTS = lazy(r"morning|afternoon|evening|night")
_EOD_RE = lazy(
    r"(?:(?:by|at|before|until|till|around)\s)?(?:the\s)?(?:end\sof\s(?:the\s)?(?:business\s|"
    r"work(?:ing)?\s)?day|eod|cob|close\sof\sbusiness|end\sof\sbusiness)\b")
_EOD_CORE = lazy(r"end\sof\s|eod|cob|close\sof\sbusiness")
_EOD_LEAD = len("before the ")
_EOD_OF_DATE = lazy(
    rf"(?:(?:by|at|before|until|till)\s)?(?:the\s)?end\sof\s(?:the\s|this\s)?(?={BLANK}|{WEEKDAY})")

DAYPART_SET = frozenset({"morning", "afternoon", "evening", "night", "tonight", "nite"})
_DAYPART_TRIGGERS = DAYPART_SET | frozenset(w + "s" for w in DAYPART_SET) | \
    frozenset("mid" + w for w in DAYPART_SET)
_EOD_WORDS = frozenset({"end", "eod", "cob", "close"})
_EOD_OR_DAYPART = _EOD_WORDS | _DAYPART_TRIGGERS
# The words _DAYPART_RE can start with.
_DAYPART_LEADS = _DAYPART_TRIGGERS | frozenset({"later", "this", "in", "early", "late", "on", "by", "mid",
                                                "at", "during", "every", "each", "the"})


def find_dayparts(scan: Scan, found: Found) -> None:
    words = scan.words
    if words.isdisjoint(_EOD_OR_DAYPART):
        return
    if not words.isdisjoint(_EOD_WORDS):
        _end_of_day(scan, found)
    if words.isdisjoint(_DAYPART_TRIGGERS):
        return
    # _DAYPART_RE.finditer(text, scan.start_of(_DAYPART_LEADS, 0)), searched only from where a
    # daypart word can be close ahead: the pattern is tried at every position it is searched from.
    text = scan.text
    word = _DAYPART_WORD.search(text)
    if word is None:
        return
    pos = max(word.start() - _DAYPART_QUALIFIER, scan.start_of(_DAYPART_LEADS, 0))
    while (match := _DAYPART_RE.search(text, pos)) is not None:
        pos = match.end()
        _take_daypart(scan, found, match)
        word = _DAYPART_WORD.search(text, pos)
        if word is None:
            return
        pos = max(pos, word.start() - _DAYPART_QUALIFIER)


def _take_daypart(scan: Scan, found: Found, match: re.Match[str]) -> None:
    if not scan.free(*match.span()):
        return
    qualifier, mid, word, plural, more = match.groups()
    if not (qualifier or mid or word == "tonight" or plural):
        head = scan.text[:match.start()].rstrip(" ,")
        near_date = head.endswith(BLANK)
        edge = not head.strip(BLANK + " ,") or match.end() == len(scan.text.rstrip(BLANK + " .!?"))
        if not (near_date or edge):
            return
    every = (qualifier or "").strip() in ("every", "each")
    if (plural or every) and found.rule is None:
        found.rule = {"FREQ": "DAILY"}  # "mornings", "every morning"
    found.dayparts.append(_DAYPART_WORDS[word])
    edge = "mid" if mid else next((w for w in (qualifier or "").split() if w in ("early", "late")), "")
    if edge and not more:
        found.daypart_shift = daypart_shift(edge, _DAYPART_WORDS[word])
    if more:
        for extra in _MORE_DAYPARTS.findall(more):
            found.dayparts.append(_DAYPART_WORDS[extra])
    scan.consume(*match.span())


def _end_of_day(scan: Scan, found: Found) -> None:
    # Both patterns hold one of these words at most _EOD_LEAD characters from their start: a search
    # for them (it opens with letters) rules most text out and tells where the patterns can start.
    core = _EOD_CORE.search(scan.text)
    if core is None:
        return
    start = max(0, core.start() - _EOD_LEAD)
    for pattern in (_EOD_RE, _EOD_OF_DATE):
        for match in pattern.finditer(scan.text, start):
            if scan.free(*match.span()):
                found.dayparts.append("end_of_day")
                scan.consume(*match.span())
