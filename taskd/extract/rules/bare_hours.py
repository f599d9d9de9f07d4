"""Hours that are times only by their context: "at 9", "around 7", "by 10", "5 in the morning",
"10, tonight". A bare number is a time here only next to a preposition or a daypart; elsewhere it
is a count, a day or an amount (the clock forms with am/pm or a colon are times.py's)."""

from __future__ import annotations

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.daypart_words import DAYPART_SET
from taskd.extract.rules.lexicon import NUM_WORD, NUMBER_WORDS, TEEN_WORDS, TENS_WORDS, UNIT_WORDS
from taskd.extract.rules.scan import BLANK, Found, Scan, TimeHit, word_positions
from taskd.extract.rules.times import BARE, PREP_LEADS, PREP_RE, read_bare, take

_ANY_DIGIT = lazy(r"\d")

# What makes an hour a time when it comes right before it: "7 in the morning", "10 tonight".
_DAYPART_AFTER = (r"in\sthe\s(?:morning|afternoon|evening|night)|at\snight|tonight|this\s(?:morning|"
                  r"afternoon|evening)|early\s(?:morning|evening)|late\s(?:morning|evening)")
_HOUR_BEFORE_DAYPART = lazy(
    rf"(?<![\w:.])(?P<h>\d{{1,2}}|{NUM_WORD})(?:\so'clock)?(?=,?\s(?:{_DAYPART_AFTER}))")
# The daypart words alone: a search for them (it opens with letters, so `re` skips to where they
# are) tells whether, and from where on, the hour pattern is worth trying at every position.
_DAYPART_AFTER_RE = lazy(_DAYPART_AFTER)
_HOUR_REACH = len("seventy-seven o'clock, ")  # the most an hour match starts before its daypart
# How an hour in words begins, and how an hour ends (besides a digit): a number word's last
# letter or o'clock's.
_HOUR_INITIALS = frozenset(word[0] for word in [*UNIT_WORDS, *TEEN_WORDS, *TENS_WORDS, "zero"])
_HOUR_ENDINGS = frozenset(word[-1] for word in [*UNIT_WORDS, *TEEN_WORDS, *TENS_WORDS, "zero", "o'clock"])

_HOUR_BEFORE_TONIGHT = lazy(r"(\d(?<![\w$:.,/]\d)\d?),?\s(?=tonight\b)")  # \d first: see the atoms


_PREP_OR_DAYPART = PREP_LEADS | DAYPART_SET
# "to" and "from" also follow verbs ("reply to", "hear from"): the number after them is an hour
# only when no plain word follows it ("from 9 to 5", "move it to 4", "to 4 on friday").
_VERB_PREPS = ("to ", "from ")
_COUNTED_NOUN = lazy(
    r"\s(?!(?:am|pm|a|p|o'clock|and|or|to|till|until|through|on|at|in|by|every|each|today|"
    r"tomorrow|tonight|this|next|the|sharp|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
    r"(?:day|s|nesday|rsday|urday|sday)?s?)\b)[a-z]")


def find_bare_times(scan: Scan, found: Found) -> None:
    """Hours that are times only by context: "at 9", "around 7", "10, tonight", "5 in the morning"."""
    words = scan.words
    if words.isdisjoint(_PREP_OR_DAYPART) or (words.isdisjoint(NUMBER_WORDS) and (
            not scan.has_digit or _ANY_DIGIT.search(scan.text) is None)):
        return  # no hour to read: the earlier passes often consumed every number there was
    if not words.isdisjoint(PREP_LEADS):
        _after_prepositions(scan, found)
    if not words.isdisjoint(DAYPART_SET):
        _before_dayparts(scan, found)


# The words that can open a PREP_RE match: the prepositions, and the prefixes of one that begin
# with another ("approxim"). `scan.finditer(PREP_RE, leads)` tries every word that begins with a
# preposition ("today", "attic"); the pattern can only match where one of these words is.
_PREP_STARTS = frozenset(prep[:n] for prep in PREP_LEADS for n in range(2, len(prep) + 1)
                         if prep[:n].startswith(tuple(PREP_LEADS)))


def _after_prepositions(scan: Scan, found: Found) -> None:
    # Scan.finditer(PREP_RE, ...) by hand, tried at the few words in _PREP_STARTS only.
    text = scan.text
    end = -1
    for at in word_positions(text, scan.words & _PREP_STARTS):
        if at < end:
            continue
        prep = PREP_RE.match(text, at)
        if prep is None:
            continue
        end = prep.end()
        current = scan.text
        if BLANK in current[at:end]:
            continue
        after = current[end:end + 1]
        if not (after in _HOUR_INITIALS or after.isdecimal()):  # BARE opens with an hour
            continue
        match = BARE.match(current, end)
        if match and current.startswith(_VERB_PREPS, at) and _COUNTED_NOUN.match(current, match.end()):
            continue  # "reply to 4 emails", "quotes from 3 suppliers": a count, not a time
        if match:
            hit = read_bare(*match.groups())
            if hit is not None:
                take(scan, found, at, match.end(), hit)


def _before_dayparts(scan: Scan, found: Found) -> None:
    start = _hour_before_daypart_start(scan.text)
    if start is not None:
        for match in _HOUR_BEFORE_DAYPART.finditer(scan.text, start):
            if scan.free(*match.span()):
                hit = read_bare(match.group(1), None, None)
                if hit is not None:
                    take(scan, found, match.start(), match.end(), hit)
    if "tonight" not in scan.words or not scan.has_digit:
        return
    for match in _HOUR_BEFORE_TONIGHT.finditer(scan.text):
        if scan.free(*match.span()) and int(match.group(1)) <= 12:
            hit = TimeHit(int(match.group(1)), 0, 0, True, True)
            take(scan, found, match.start(), match.end(), hit)


def _hour_before_daypart_start(text: str) -> int | None:
    """Where _HOUR_BEFORE_DAYPART can first match: before the first daypart words that follow
    ",?\\s" and what can end an hour. None when no daypart words do."""
    after = _DAYPART_AFTER_RE.search(text)
    while after is not None:
        at = after.start()
        if at >= 2 and text[at - 1].isspace():
            last = text[at - 3] if text[at - 2] == "," and at >= 3 else text[at - 2]
            if last in _HOUR_ENDINGS or last.isdecimal():
                return max(0, at - _HOUR_REACH)
        after = _DAYPART_AFTER_RE.search(text, at + 1)
    return None
