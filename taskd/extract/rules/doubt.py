"""Doubt: words left in the title that say the reading is wrong or incomplete.

Once the recognizers are done, what is left is the title. A number of units ("in hours",
"15 minute"), a unit glued to digits ("16h00", "2hrs"), a clock-ish word ("until", "pm",
"yesterday"), "at"/"in" before a number, or a bare year there means a time phrase was read only
in part, or not at all: scheduling anyway would be silently wrong. `unread` returns those words
(as they stand in the lower-case title) so that the extractor asks a question naming them, and the
hybrid, which looks for words of the model's time phrase left in the title, reads the model's
plain words instead. A question is not a wrong answer; a wrong time is.
"""

from __future__ import annotations

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.lexicon import DETERMINERS, NOUN_AFTER, NUM_WORD

_UNIT = (r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|years?|yrs?|"
         r"fortnights?)")
_AMOUNT = rf"(?:\d+(?:[.,/]\d+)?|{NUM_WORD}|an?|half|couple|few|several|more)"
_EVIDENCE = lazy(
    # a number of units, or a unit after a preposition of time: "in hours", "15 minute out"
    rf"\b(?:(?:in|within|after|every|each|another)\s(?:{_AMOUNT}\s)?|{_AMOUNT}\s?){_UNIT}\b|"
    # a unit or meridiem glued to digits, a clock time: "16h00", "2hrs", "7pm", "10:30"
    r"(?<![\w.])\d+(?:[.,]\d+)?(?:h\d*|hrs?|m|mins?|secs?|d|w|wks?|mo|mos|y|yrs?|am|pm)\b|"
    r"(?<![\w:])\d{1,2}:\d\d\b|"
    # words that only ever belong to a time phrase
    r"\b(?:until|till|untill|yesterday|tomorrow|tonight|o'clock|pm|ago)\b|(?<!\w)[ap]\.m\.|"
    # a preposition of time before a number, and a bare year
    r"\b(?:at|in|by|until|till|before|after|from|every|each)\s\d+\b|"
    # (a year before a word is a count: "transfer 2000 euros")
    r"(?<![\w#])(?:19|20|21)\d\d\b(?![\w/-])(?!\s[a-z])|"
    # nothing but a number: what was left of a phrase ("2" of "2 day after tomorrow")
    r"^\d+$")
# "for 10 minutes" says how long the task takes, not when: not a missed time.
_DURATION_OF_TASK = lazy(rf"\bfor\s(?:about\s|around\s)?(?:{_AMOUNT}\s)?{_UNIT}\b")


_TRAIL = lazy(r"\s(?:before|after|from|later|earlier|ago|since)\b")
# A unit right after what a recognizer consumed: "1/2 sec" read as a date, "sec" left over.
# ... or an alternative amount after it: "in an hour or two".
# ... or "sat"/"sun" after a time ("at 9 sat"): a day, unless it is a word of the task, which the
# day recognizers (they read "Sat" and "on Sat" before a time) cannot tell.
_UNIT_AFTER_GAP = lazy(
    rf"\x1f\s?(?P<u>{_UNIT}|or\s(?:{_AMOUNT})(?:\s{_UNIT})?|(?:on\s)?(?:sat|sun))\b")
# "sat in the morning": a day, or "I sat" ("the sun in the morning" is no day)
_DAY_BEFORE_GAP = lazy(r"\b(?<!the\s)(?P<u>sat|sun)\s\x1f")
_LEAD = lazy(r"\b(?:at|in|on|by|from|until|till|for|every|each|after|before)\s$")


def _describes_a_noun(title: str, start: int, end: int) -> bool:
    """"the 8am meeting notes", "the 5 minute summary", "a 1 year pass": after a determiner and
    before a noun, time words name the task, not when it is."""
    if title[start - 1:start] == " " and title[start - 2:start - 1].isdecimal():  # "the 7 o'clock table"
        start = title.rfind(" ", 0, start - 1) + 1
    return title.endswith(_DETERMINERS, 0, start) and NOUN_AFTER.match(title, end) is not None


_DETERMINERS = tuple(" " + d for d in DETERMINERS) + DETERMINERS


def unread(title: str) -> str | None:
    """The stretch of `title` (lower case, as `wording.plain_words` makes it) that holds time words
    the recognizers did not read, or None when there are none."""
    spans = [m.span() for m in _EVIDENCE.finditer(title)]
    if not spans:
        return None
    kept = [(a, b) for a, b in spans
            if not any(m.start() <= a and b <= m.end() for m in _DURATION_OF_TASK.finditer(title))
            and not _describes_a_noun(title, a, b)]
    if not kept:
        return None
    start = kept[0][0]
    lead = _LEAD.search(title, 0, start)
    if lead is not None:  # "at 16h00": the preposition goes with the words it leads
        start = lead.start()
    end = kept[-1][1]
    trail = _TRAIL.match(title, end)
    if trail is not None:  # "2 weeks before": the word that says which way goes with them
        end = trail.end()
    return title[start:end]


def unit_after_gap(scan_text: str) -> str | None:
    """A unit word standing right after consumed text: its amount was read as something else."""
    if "\x1f" not in scan_text:
        return None
    match = _UNIT_AFTER_GAP.search(scan_text) or _DAY_BEFORE_GAP.search(scan_text)
    return match.group("u") if match is not None else None


def without(title: str, words: str) -> str:
    """The title with the unread words taken out, for the question that names them."""
    at = title.lower().find(words)
    if at < 0:
        return title
    rest = " ".join((title[:at] + " " + title[at + len(words):]).split())
    return rest.strip(" ,.;:-")
