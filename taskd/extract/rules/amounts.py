"""Amounts and durations: the one recogniser every "number of units" in the grammar goes through.

An amount is digits ("2"), a decimal ("2.5"), a fraction ("1/2", "½", "half", "a quarter",
"three quarters"), a number in words ("twenty five"), "a"/"an", "a couple/pair of", "a few", with
"and a half" after it ("2 and a half"). A duration is one or more `amount unit` pieces, the unit in
any spelling or abbreviation of `lexicon.UNITS`, glued or spaced ("1h", "90 m", "1h30", "1d 2hr
5min", "an hour and a half", "half an hour", "3/4 of an hour"). `parse` turns a matched duration
into relativedelta fields with whole numbers (a fraction of an hour becomes minutes).
"""

from __future__ import annotations

import re

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.lexicon import CARDINALS, NUM_WORD, UNITS, _alt, cardinal

# After an amount, "mon" is a month ("in 1 mon"): a weekday never follows a number of units.
_UNITS = {**UNITS, "mon": ("months", 1), "mons": ("months", 1)}
UNIT = _alt(_UNITS)

_FRACTION_CHARS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
# What a fraction word is worth: "half an hour", "a quarter of an hour", "three quarters".
_FRACTION_WORDS = {"half": 0.5, "a half": 0.5, "one half": 0.5, "a quarter": 0.25,
                   "one quarter": 0.25, "quarter": 0.25, "three quarters": 0.75,
                   "three quarter": 0.75, "a third": 1 / 3, "two thirds": 2 / 3}
# A plain amount: a number with an optional fraction after it ("2½", "2 1/2", "2 and a half").
# Digits may be glued to their unit ("1h", "90m"); words never are ("am" is no "a minute").
_DIGITS = r"(?:\d+(?:\.\d+)?|\.\d+)"
_WORDS = (rf"(?:{NUM_WORD}|a\scouple(?:\sof)?|couple\sof|a\spair\sof|a\sfew|few|several|an?)")
_AND_PART = r"(?:\sand\s(?:a\s)?half|\sand\sa\squarter|\sand\sthree\squarters)"
_DIGIT_AMOUNT = (rf"(?:{_DIGITS}(?:\s?[½¼¾]|\s\d+/\d+|{_AND_PART})?|(?:\d+/\d+|[½¼¾⅓⅔])"
                 r"(?:\sof\san?|\san?)?)")
_WORD_AMOUNT = (rf"(?:{_WORDS}{_AND_PART}?|(?:half|(?:a|one)\s(?:half|quarter|third)|quarter|"
                r"three\squarters?|two\sthirds)(?:\sof)?(?:\san?)?)")
AMOUNT = rf"(?:{_DIGIT_AMOUNT}|{_WORD_AMOUNT})"
# "2 more minutes", "5 extra minutes": the same amount.
_MORE = r"(?:\s(?:more|extra|additional|further))?"
_UNIT_AFTER = rf"(?:{_DIGIT_AMOUNT}{_MORE}\s?|{_WORD_AMOUNT}{_MORE}\s)"
_PIECE = rf"(?:{_UNIT_AFTER}{UNIT}s?(?:\sand\s(?:a\s)?half)?(?![\w]))"
# "1h30", "2h15m": hours with minutes glued on.
_GLUED = r"(?:\d{1,2}h\d{1,2}(?:m|min)?(?![\w]))"
_SEPARATOR = r"(?:,\s?and\s|,\s?|\sand\s|\s)"
DURATION = rf"(?:(?:{_GLUED}|{_PIECE})(?:{_SEPARATOR}(?:{_GLUED}|{_PIECE}))*)"

_PIECE_RE = lazy(
    rf"(?P<glued>(?P<gh>\d{{1,2}})h(?P<gm>\d{{1,2}})(?:m|min)?(?![\w]))|"
    rf"(?:(?P<amount>{_DIGIT_AMOUNT}){_MORE}\s?|(?P<words>{_WORD_AMOUNT}){_MORE}\s)(?P<unit>{UNIT})s?(?P<half>\sand\s(?:a\s)?half)?(?![\w])")
_DOWN = {"years": ("months", 12), "months": ("days", 30), "weeks": ("days", 7),
         "days": ("hours", 24), "hours": ("minutes", 60), "minutes": ("seconds", 60)}
_TAIL = lazy(r"^(?P<head>.*?)(?:\s?(?P<char>[½¼¾])|\s(?P<num>\d+)/(?P<den>\d+)|"
                   r"\sand\s(?:a\s)?(?P<half>half)|\sand\sa\s(?P<quarter>quarter)|"
                   r"\sand\s(?P<three>three\squarters))$")


def amount_value(text: str) -> float | None:
    """'2.5' -> 2.5, '1/2' -> 0.5, 'an' -> 1, 'two and a half' -> 2.5, 'three quarters of an'
    -> 0.75; None when it is not an amount (or divides by zero)."""
    word = " ".join(text.strip().lower().split())
    word = re.sub(r"(?:\sof)?(?:\san?)?$", "", word) if word not in ("a", "an") and \
        not word.startswith(("a couple", "couple", "a pair", "a few")) else word
    tail = _TAIL.match(word)
    if tail is not None and tail.group("head"):
        base = amount_value(tail.group("head"))
        if base is None:
            return None
        if tail.group("char"):
            return base + _FRACTION_CHARS[tail.group("char")]
        if tail.group("num"):
            den = int(tail.group("den"))
            return None if den == 0 else base + int(tail.group("num")) / den
        return base + (0.5 if tail.group("half") else 0.25 if tail.group("quarter") else 0.75)
    if word in _FRACTION_CHARS:
        return _FRACTION_CHARS[word]
    if word in _FRACTION_WORDS:
        return _FRACTION_WORDS[word]
    if "/" in word:
        num, _, den = word.partition("/")
        if num.isdigit() and den.isdigit() and int(den):
            return int(num) / int(den)
        return None
    if word in ("a pair of", "a couple", "a couple of", "couple of"):
        return 2.0
    if word in CARDINALS:
        return float(CARDINALS[word])
    try:
        return float(word)
    except ValueError:
        value = cardinal(word)
        return None if value is None else float(value)


def parse(text: str) -> dict[str, int] | None:
    """A matched DURATION as relativedelta fields, e.g. {"hours": 1, "minutes": 30}; None when a
    piece is not a number of units or the whole is zero."""
    number, _, unit = text.partition(" ")
    if number.isdecimal() and unit in _UNITS:  # "20 minutes", most of them: the loop's answer
        field, scale = _UNITS[unit]
        value = int(number) * scale
        return {field: value} if value else None
    fields: dict[str, float] = {}
    for piece in _PIECE_RE.finditer(text):
        if piece.group("glued"):
            fields["hours"] = fields.get("hours", 0) + int(piece.group("gh"))
            fields["minutes"] = fields.get("minutes", 0) + int(piece.group("gm"))
            continue
        amount = amount_value(piece.group("amount") or piece.group("words"))
        if amount is None:
            return None
        unit_word = piece.group("unit")
        if unit_word not in _UNITS and unit_word.endswith("s"):
            unit_word = unit_word[:-1]
        field, scale = _UNITS[unit_word]
        amount += 0.5 if piece.group("half") else 0
        fields[field] = fields.get(field, 0) + amount * scale
    out: dict[str, int] = {}
    for field, amount in fields.items():
        whole = int(amount + 1e-9)
        out[field] = out.get(field, 0) + whole
        rest = amount - whole
        while rest > 1e-6 and field in _DOWN:
            field, scale = _DOWN[field]
            amount = rest * scale
            whole = int(round(amount, 6))
            out[field] = out.get(field, 0) + whole
            rest = amount - whole
    out = {k: v for k, v in out.items() if v}
    if not out or min(out.values()) < 0:
        return None
    return out
