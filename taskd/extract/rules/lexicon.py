"""Words the grammar knows: numbers, ordinals, months, weekdays, units, as values and as regex.

Every regex fragment here is a non-capturing group, so patterns that embed them keep their own
group numbering. Text is matched lower-cased (see `scan.normalize`).
"""

from __future__ import annotations

import re

from taskd.extract.lazy_pattern import lazy

UNIT_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEEN_WORDS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
              "seventeen", "eighteen", "nineteen"]
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
              "eighty": 80, "ninety": 90}

CARDINALS: dict[str, int] = {w: i + 1 for i, w in enumerate(UNIT_WORDS)}
CARDINALS.update({w: i + 10 for i, w in enumerate(TEEN_WORDS)})
CARDINALS.update(TENS_WORDS)
CARDINALS.update({"zero": 0, "a": 1, "an": 1, "a couple of": 2, "a couple": 2, "couple of": 2,
                  "a few": 3, "few": 3, "several": 3, "half a dozen": 6, "a dozen": 12})

ORDINAL_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                 "ninth"]
ORDINAL_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
                 "sixteenth", "seventeenth", "eighteenth", "nineteenth"]
ORDINALS: dict[str, int] = {w: i + 1 for i, w in enumerate(ORDINAL_UNITS)}
ORDINALS.update({w: i + 10 for i, w in enumerate(ORDINAL_TEENS)})
ORDINALS.update({"twentieth": 20, "thirtieth": 30, "last": -1})

MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
          "august": 8, "september": 9, "october": 10, "november": 11, "december": 12}
MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
              "sept": 9, "oct": 10, "nov": 11, "dec": 12}
MONTH_NAMES = {**MONTHS, **MONTH_ABBR}

WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
            "saturday": 5, "sunday": 6}
WEEKDAY_ABBR = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3,
                "thurs": 3, "fri": 4, "sat": 5, "sun": 6}
WEEKDAY_NAMES = {**WEEKDAYS, **WEEKDAY_ABBR}
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WORKDAYS = "MO,TU,WE,TH,FR"

# relativedelta field per unit word (singular, plural and short forms).
UNITS: dict[str, tuple[str, int]] = {}
for _field, _words in {
    "seconds": ["second", "seconds", "sec", "secs", "s"],
    "minutes": ["minute", "minutes", "min", "mins", "m"],
    "hours": ["hour", "hours", "hr", "hrs", "h"],
    "days": ["day", "days", "d"],
    "weeks": ["week", "weeks", "wk", "wks", "w"],
    "months": ["month", "months", "mo", "mos"],
    "years": ["year", "years", "yr", "yrs", "y"],
}.items():
    for _word in _words:
        UNITS[_word] = (_field, 1)
UNITS["fortnight"] = ("weeks", 2)
UNITS["fortnights"] = ("weeks", 2)
UNITS["decade"] = ("years", 10)
UNITS["decades"] = ("years", 10)


def _alt(words: list[str] | set[str] | dict[str, int]) -> str:
    """A regex alternation, longest first so that 'sept' wins over 'sep'."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


_UNIT_ALT = _alt(UNIT_WORDS)
_TEEN_ALT = _alt(TEEN_WORDS)
_TENS_ALT = _alt(TENS_WORDS)

# A cardinal up to 99 in words or any digits: "twenty nine", "twenty-nine", "12".
NUM_WORD = rf"(?:{_TENS_ALT}(?:[ -]{_UNIT_ALT})?|{_TEEN_ALT}|{_UNIT_ALT}|zero)"
NUM = rf"(?:\d+|{NUM_WORD})"
# A quantity in a duration: also "a", "an", "a couple of", "a few".
QTY = rf"(?:\d+(?:\.\d+)?|{NUM_WORD}|a couple(?: of)?|couple of|a few|few|several|an?)"
# A day of the month as a cardinal: 1-31.
DAY_WORD = rf"(?:thirty(?:[ -]one)?|twenty(?:[ -]{_UNIT_ALT})?|{_TEEN_ALT}|{_UNIT_ALT})"
_ORD_UNIT_ALT = _alt(ORDINAL_UNITS)
ORD_WORD = (rf"(?:(?:twenty|thirty)[ -]?{_ORD_UNIT_ALT}|{_alt(ORDINAL_TEENS)}|twentieth|"
            rf"thirtieth|{_ORD_UNIT_ALT})")
ORD = rf"(?:\d{{1,2}}(?:st|nd|rd|th)|{ORD_WORD})"
# A day of the month: ordinal, digits or cardinal words.
DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{ORD_WORD}|{DAY_WORD})"
MONTH = rf"(?:{_alt(MONTH_NAMES)}\.?)"
WEEKDAY = rf"(?:{_alt(WEEKDAY_NAMES)}\.?)"
UNIT = _alt(UNITS)
# A year: four digits, or "two thousand (and) thirty two".
YEAR = rf"(?:(?:19|20)\d\d|two thousand(?: and)?(?: {NUM_WORD})?)"


def cardinal(text: str) -> int | None:
    """'twenty nine' -> 29, '12' -> 12, 'a' -> 1; None when it is not a number."""
    word = " ".join(text.strip().lower().replace("-", " ").split())
    if not word:
        return None
    if word.isdigit():
        return int(word)
    if word in CARDINALS:
        return CARDINALS[word]
    parts = word.split(" ")
    if len(parts) == 2 and parts[0] in TENS_WORDS and parts[1] in UNIT_WORDS:
        return TENS_WORDS[parts[0]] + CARDINALS[parts[1]]
    return None


def ordinal(text: str) -> int | None:
    """'21st' -> 21, 'twenty first' -> 21, 'third' -> 3, 'last' -> -1."""
    word = " ".join(text.strip().lower().replace("-", " ").split())
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", word)
    if match:
        return int(match.group(1))
    if word in ORDINALS:
        return ORDINALS[word]
    for tens, value in (("twenty", 20), ("thirty", 30)):
        rest = word.removeprefix(tens).strip()
        if rest != word and rest in ORDINAL_UNITS:
            return value + ORDINALS[rest]
    return None


def day_number(text: str) -> int | None:
    """A day of the month in any of the forms DAY accepts."""
    word = text.strip().lower()
    if word.isdigit():
        return int(word)
    return ordinal(word) or cardinal(word)


def year_number(text: str) -> int | None:
    word = " ".join(text.strip().lower().split())
    if word.isdigit():
        return int(word)
    if word.startswith("two thousand"):
        rest = word.removeprefix("two thousand").removeprefix(" and").strip()
        extra = cardinal(rest) if rest else 0
        return None if extra is None else 2000 + extra
    return None


def month_number(text: str) -> int | None:
    return MONTH_NAMES.get(text.strip().lower().rstrip("."))


def weekday_number(text: str) -> int | None:
    word = text.strip().lower().rstrip(".")
    if word.endswith("s") and word[:-1] in WEEKDAYS:
        word = word[:-1]
    return WEEKDAY_NAMES.get(word)


def quantity(text: str) -> float | None:
    word = " ".join(text.strip().lower().split())
    try:
        return float(word)
    except ValueError:
        value = cardinal(word)
        return None if value is None else float(value)


# Word sets for the cheap checks that let a recognizer skip its regexes (see Scan.words): a
# sentence can only hold a number in words, an ordinal or a duration unit if it has one of these.
NUMBER_WORDS = frozenset(w for w in CARDINALS if " " not in w and w not in ("a", "an")) | \
    frozenset({"dozen"})
ORDINAL_TOKENS = frozenset(ORDINALS) | frozenset({"st", "nd", "rd", "th"})
DURATION_WORDS = frozenset(UNITS) | frozenset(w + "s" for w in UNITS) | \
    frozenset({"quarter", "quarters", "half"})
WEEKDAY_WORDS = frozenset(WEEKDAY_NAMES) | frozenset(w + "s" for w in WEEKDAYS)
MONTH_WORDS = frozenset(MONTH_NAMES)


# "the 8am meeting", "the monday call", "the 1st draft": after a determiner, a time or day word
# followed by a noun describes the noun. NOUN_AFTER matches at the end of the time or day word
# when a word follows that cannot go on with a time phrase (it says nothing of nouns: any other
# word is taken for one).
DETERMINERS = ("the ", "a ", "an ", "my ", "our ", "your ", "his ", "her ", "their ")
NOUN_AFTER = lazy(
    r"\s(?!(?:at|in|of|on|by|and|or|to|from|for|every|each|before|after|until|till|next|this|"
    r"please|pls|morning|afternoon|evening|night|noon|midnight|around|about|then|so|if|when|"
    r"today|tomorrow|tonight|sharp|am|pm|a|p|o'clock|daily|weekly|monthly|week|month|year|"
    r"mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|hrs|hours|h)\b)[a-z]")
