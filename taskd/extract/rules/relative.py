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
_IN = re.compile(rf"\b(?:in|within|after)\s(?:another\s|about\s|around\s|roughly\s|just\s)?"
                 rf"(?P<d>{DURATION})(?:'s?)?(?:\s(?:time|from\snow|from\stoday))?(?![\w])")
_FROM_NOW = re.compile(rf"(?<![\w])(?P<d>{DURATION})\s(?:from\snow|from\stoday|later|hence|"
                       r"after\stoday|after\snow)(?![\w])")
_NOW = re.compile(r"\b(?:right\snow|right\saway|straight\saway|immediately|asap|now|"
                  r"at\sthe\s(?:present\s)?moment|at\spresent|at\sthe\spresent\stime|"
                  r"at\sthis\stime|at\sthe\sminute)\b")
_PIECE_RE = re.compile(rf"(?P<qn>a|one|three)\squarters?\sof\san\shour|"
                       rf"half\san?\s(?P<hu>hour|minute|day|year)|(?P<q>{QTY})\s(?P<u>{UNIT})s?"
                       r"(?P<half>\sand\sa\shalf)?")
_DOWN = {"years": ("months", 12), "months": ("days", 30), "weeks": ("days", 7),
         "days": ("hours", 24), "hours": ("minutes", 60), "minutes": ("seconds", 60)}


def parse_duration(text: str) -> dict[str, int] | None:
    fields: dict[str, float] = {}
    for piece in _PIECE_RE.finditer(text):
        if piece.group("qn"):
            field, scale = "minutes", 1
            amount = 45 if piece.group("qn") == "three" else 15
        elif piece.group("hu"):
            field, scale = UNITS[piece.group("hu")]
            amount = 0.5
        else:
            field, scale = UNITS[piece.group("u")]
            value = quantity(piece.group("q"))
            if value is None:
                return None
            amount = value + (0.5 if piece.group("half") else 0)
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
    if not out or any(v < 0 for v in out.values()):
        return None
    return out


_OFFSET_WORDS = frozenset({"in", "within", "after", "from", "later", "hence"})
_NOW_WORDS = frozenset({"now", "away", "immediately", "asap", "moment", "present", "time",
                        "minute"})


def find_offsets(scan: Scan, found: Found) -> None:
    if scan.words.isdisjoint(_OFFSET_WORDS) or scan.words.isdisjoint(DURATION_WORDS):
        return
    for pattern in (_IN, _FROM_NOW):
        for match in pattern.finditer(scan.text):
            if not scan.free(*match.span()) or found.offset is not None:
                continue
            offset = parse_duration(match.group("d"))
            if offset:
                found.offset = offset
                scan.consume(*match.span())


def find_now(scan: Scan, found: Found) -> None:
    if not scan.has(_NOW_WORDS):
        return
    for match in _NOW.finditer(scan.text):
        if scan.free(*match.span()):
            found.now_word = True
            scan.consume(*match.span())
            return
