"""Relative offsets: "in 20 minutes", "in 1 hour 30 minutes", "in half an hour", "in a fortnight",
"3 minutes from now", "two years later", and "now"/"right now" (an all-zero offset).

The extractor never adds an offset to a clock: it emits relativedelta fields and the resolver does
the arithmetic (calendar units keep the wall time, hours/minutes/seconds are elapsed time).
"""

from __future__ import annotations

import re

from taskd.extract.rules.lexicon import DURATION_WORDS, QTY, UNIT, UNITS, quantity
from taskd.extract.rules.scan import Found, Scan

_PIECE = (rf"(?:(?:a|one|three)\squarters?\sof\san\shour|half\san?\s(?:hour|minute|day|year)|"
          rf"{QTY}\s{UNIT}s?(?:\sand\sa\shalf)?)")
DURATION = rf"(?:{_PIECE}(?:(?:,\s?|\s|\sand\s|,\sand\s){_PIECE})*)"
# Each preposition's \b is a lookbehind after it, so that the pattern opens with plain letters
# and `re` skips to where they are instead of trying every position.
_IN = re.compile(r"(?:in(?<!\win)|within(?<!\wwithin)|after(?<!\wafter))\s(?:another\s|about\s|around\s|"
                 rf"roughly\s|just\s)?(?P<d>{DURATION})(?:'s?)?(?:\s(?:time|from\snow|from\stoday))?(?![\w])")
_FROM_NOW_WORDS = r"(?:from\snow|from\stoday|later|hence|after\stoday|after\snow)(?![\w])"
_FROM_NOW = re.compile(rf"(?<![\w])(?P<d>{DURATION})\s{_FROM_NOW_WORDS}")
# _FROM_NOW's closing words alone: a quick search (it opens with letters) that rules most text out.
_FROM_NOW_END = re.compile(_FROM_NOW_WORDS)
_NOW = re.compile(r"\b(?:right\snow|right\saway|straight\saway|immediately|asap|now|"
                  r"at\sthe\s(?:present\s)?moment|at\spresent|at\sthe\spresent\stime|"
                  r"at\sthis\stime|at\sthe\sminute)\b")
_PIECE_RE = re.compile(rf"(?P<qn>a|one|three)\squarters?\sof\san\shour|"
                       rf"half\san?\s(?P<hu>hour|minute|day|year)|(?P<q>{QTY})\s(?P<u>{UNIT})s?"
                       r"(?P<half>\sand\sa\shalf)?")
_DOWN = {"years": ("months", 12), "months": ("days", 30), "weeks": ("days", 7),
         "days": ("hours", 24), "hours": ("minutes", 60), "minutes": ("seconds", 60)}


def parse_duration(text: str) -> dict[str, int] | None:
    number, _, unit = text.partition(" ")
    if number.isdecimal() and unit in UNITS:  # "20 minutes", most of them: what the loop reads
        field, scale = UNITS[unit]
        return {field: int(float(number) * scale)}
    fields: dict[str, float] = {}
    for piece in _PIECE_RE.finditer(text):
        quarters, half_unit, amount_text, unit, and_half = piece.groups()
        if quarters:
            field, scale = "minutes", 1
            amount = 45 if quarters == "three" else 15
        elif half_unit:
            field, scale = UNITS[half_unit]
            amount = 0.5
        else:
            field, scale = UNITS[unit]
            value = float(amount_text) if amount_text.isdecimal() else quantity(amount_text)
            if value is None:
                return None
            amount = value + (0.5 if and_half else 0)
        fields[field] = fields.get(field, 0) + amount * scale
    out: dict[str, int] = {}
    for field, amount in fields.items():
        whole = int(amount)
        out[field] = out.get(field, 0) + whole
        rest = amount - whole
        while rest > 1e-9 and field in _DOWN:
            field, scale = _DOWN[field]
            amount = rest * scale
            whole = int(round(amount, 6))
            out[field] = out.get(field, 0) + whole
            rest = amount - whole
    if not out or min(out.values()) < 0:
        return None
    return out


_OFFSET_WORDS = frozenset({"in", "within", "after", "from", "later", "hence"})
_NOW_WORDS = frozenset({"now", "away", "immediately", "asap", "moment", "present", "time",
                        "minute"})


def find_offsets(scan: Scan, found: Found) -> None:
    if scan.words.isdisjoint(_OFFSET_WORDS) or scan.words.isdisjoint(DURATION_WORDS):
        return
    _take_offset(scan, found, _IN)
    if found.offset is None and _FROM_NOW_END.search(scan.text) is not None:
        _take_offset(scan, found, _FROM_NOW)


def _take_offset(scan: Scan, found: Found, pattern: re.Pattern[str]) -> None:
    """The first offset `pattern` finds in what is left (none after one is found)."""
    if found.offset is not None:
        return
    text = scan.text
    pos = 0
    while (match := pattern.search(text, pos)) is not None:  # finditer, without building one
        pos = match.end()
        if scan.free(*match.span()) and (offset := parse_duration(match.group("d"))):
            found.offset = offset
            scan.consume(*match.span())
            return


def find_now(scan: Scan, found: Found) -> None:
    if scan.words.isdisjoint(_NOW_WORDS):
        return
    for match in _NOW.finditer(scan.text):
        if scan.free(*match.span()):
            found.now_word = True
            scan.consume(*match.span())
            return
