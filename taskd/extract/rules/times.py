"""Clock times (daypart words are daypart_words.py).

Times: "17:30", "5pm", "5 p.m.", "8a", "9p", "8.30pm", "1140 am", "noon", "midnight",
"half past four", "quarter to seven", "ten past 9", "seven pm", "one thirty pm", "5 o'clock",
"at 9", lists such as "at 9 and 21" or "at 8, 14 and 20".

A time without am/pm is ambiguous; `assemble` settles it: a pm daypart ("evening", "tonight")
moves 1-11 to the afternoon (but "tonight at 1"-"4" stays after midnight), and a bare hour with no
context reads 1-5 as afternoon ("at 3" = 15:00) and 6-12 as morning ("at 9" = 09:00).
HH:MM without am/pm is a 24-hour clock reading ("at 2:30" = 02:30).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.clock_forms import find_clock_forms, find_glued_clock, no_such_time
from taskd.extract.rules.lexicon import (
    NOUN_AFTER,
    NUM_WORD,
    NUMBER_WORDS,
    QTY,
    cardinal,
    quantity,
)
from taskd.extract.rules.scan import BLANK, Found, Scan, TimeHit, lead_start

PREP = r"(?:\b(?:at|around|about|by|circa|from|before|after|until|till|to|approximately|approx)\s+)"
_AP = r"(?:\s?(?P<ap>am|pm)\b|(?P<ap1>[ap])\b)"
_WORD_MIN = r"(?:o'?\s?(?:one|two|three|four|five|six|seven|eight|nine)|" + NUM_WORD + ")"

# The atoms: a time with no leading preposition. Readers take their groups by position.
# The atoms that open with a run of digits test the character before it with a lookbehind placed
# after the first digit, `\d(?<![...]\d)`: a pattern that opens with a plain `\d` lets `re` skip to
# the digits of the text instead of trying the lookbehind at every position.
_WORDS = lazy(  # mins, dir, h, ap, ap1
    rf"(?P<mins>(?:a\s)?quarter|three\squarters|half|{QTY})(?:\s(?:minutes?|mins?))?\s"
    rf"(?P<dir>past|after|to|before|till)\s(?P<h>12\snoon|\d{{1,2}}|{NUM_WORD}|noon|midday|midnight)"
    rf"(?![\d:]|\.\d|\s(?:thirty|fifteen|forty|twenty|o'\s?[a-z]+)\b)(?:\so'clock)?{_AP}?")
MINUTES_PAST_OR_TO = _WORDS  # "ten to five", which ranges.py tells from "from 10 to 5"
_CLOCK = lazy(  # h, m, s, ap, ap1
    rf"(?P<h>\d(?<![\d:/.\-]\d)\d?):(?P<m>\d{{2}})(?::(?P<s>\d{{2}}))?(?![\d:]){_AP}?")
_MERIDIEM_ATOM = lazy(rf"(?P<h>\d(?<![\d:/.\-]\d)\d?)(?:\.(?P<m>\d{{2}}))?{_AP}")  # h, m, ap, ap1
_COMPACT = lazy(r"(?P<hm>\d(?<![\d:/.\-]\d)\d{2,3})\s?(?P<ap>am|pm)\b")  # hm, ap
_OCLOCK = lazy(r"(?P<h>\d(?<![\d:/.\-$]\d)\d?)\so'clock(?:\s(?P<ap>am|pm)\b)?")  # h, ap
_SPOKEN = lazy(  # h, m, oc, ap
    rf"\b(?P<h>{NUM_WORD})(?:\s(?P<m>{_WORD_MIN}))?\s?(?:(?P<oc>o'clock)\s?)?"
    rf"(?:(?P<ap>am|pm)\b|(?<=o'clock))")
_NAMED = lazy(r"\b(?:12\s)?(?P<noon>noon|midday)\b|\b(?P<midnight>midnight)\b")  # noon, midnight
_NAMED_WORD = lazy(r"noon|midday|midnight")
BARE = lazy(
    rf"(?P<h>\d{{1,2}}|{NUM_WORD})(?:[.:](?P<m>\d{{2}})|\s(?P<wm>thirty|fifteen|forty[ -]five|"
    rf"forty|twenty|ten|five|o'?\s?five))?(?:\so'clock)?(?![\w:/%\-]|\.\w|\s?(?:st|nd|rd|th)\b|"
    r"\s(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|times|people|of)\b)")
PREP_RE = lazy(PREP)
PREP_LEADS = frozenset({"at", "around", "about", "by", "circa", "from", "before", "after",
                         "until", "till", "to", "approximately", "approx"})
_SEPARATOR = lazy(r"\s?(?:,\s?and|,|and|&|or)\s")


_RANGE_OPENERS = ("from ", "between ")
_THE = (" the ", " a ", " an ", " my ", " our ", " your ")
_NAMED_HOURS = {"12 noon": 12, "noon": 12, "midday": 12, "midnight": 0}
_MINUTE_WORDS = {"quarter": 15, "a quarter": 15, "half": 30, "three quarters": 45}


def _hour_value(text: str) -> int | None:
    value = cardinal(text)
    return value if value is not None and 0 <= value <= 24 else None


def _minute_word(text: str | None) -> int | None:
    if not text:
        return 0
    word = text.replace("o'", "").replace("o ", "").strip()
    value = cardinal(word)
    return value if value is not None and 0 <= value < 60 else None


def _meridiem(hour: int, ap: str | None) -> int | None:
    if ap is None:
        return hour
    if not 1 <= hour <= 12:
        return None
    if ap.startswith("a"):
        return 0 if hour == 12 else hour
    return hour if hour == 12 else hour + 12


# One reader per atom: its match's groups (by position, see the patterns) -> a TimeHit or None.
# TimeHit(hour, minute, second, ambiguous, bare_hour) takes its fields by position: keywords cost
# twice as much to pass.

def _read_words(match: re.Match[str], found: Found) -> TimeHit | None:
    mins_text, direction, h, ap, ap1 = match.groups()
    if mins_text[0].isdecimal() and match.string.endswith(_RANGE_OPENERS, 0, match.start()):
        return None  # "from 9 to 5", "between 2 and 3": a range of hours, not 4:51
    ap = ap or ap1
    named = _NAMED_HOURS.get(h)
    hour = named if named is not None else _hour_value(h)
    mins = _MINUTE_WORDS[mins_text] if mins_text in _MINUTE_WORDS else quantity(mins_text)
    if hour is None or mins is None or not 0 < mins < 60 or not (1 <= hour <= 12 or named is not None):
        return None
    minute = int(mins)
    if named is not None:  # "quarter past noon", "half past midnight", "quarter to midnight"
        if ap is not None:
            return None
        if direction in ("to", "before", "till"):
            hour, minute = (hour - 1) % 24, 60 - minute
        if hour == 0:
            found.midnight = True
        return TimeHit(hour, minute)
    if direction in ("to", "before", "till"):
        hour, minute = (hour - 1) % 24 or 12, 60 - minute
    value = _meridiem(hour, ap)
    return None if value is None else TimeHit(value, minute, 0, ap is None, ap is None)


def _read_clock(match: re.Match[str], found: Found) -> TimeHit | None:
    h, m, s, ap, ap1 = match.groups()
    hour, minute = int(h), int(m)
    second = int(s) if s else 0
    if hour == 24 and minute == 0 and not second and not (ap or ap1):
        found.midnight = True  # "24:00": the end of the day, as "midnight" is
        return TimeHit(0, 0)
    if minute > 59 or second > 59 or hour > 23 or (ap and not 1 <= hour <= 12):
        no_such_time(match.string, match.start(), match.group().strip(), ap is not None)
        return None
    ap = ap or ap1
    if ap is None:
        return TimeHit(hour, minute, second, 1 <= hour <= 12)
    value = _meridiem(hour, ap)
    return None if value is None else TimeHit(value, minute, second)


def _read_meridiem(match: re.Match[str], found: Found) -> TimeHit | None:
    h, m, ap, ap1 = match.groups()
    hour = int(h)
    minute = int(m) if m else 0
    if minute > 59 or not 1 <= hour <= 12:
        no_such_time(match.string, match.start(), match.group().strip(), ap is not None)
        return None
    if (ap or ap1)[0] == "a":  # _meridiem(), inlined: the atom always has am/pm
        return TimeHit(0 if hour == 12 else hour, minute)
    return TimeHit(hour if hour == 12 else hour + 12, minute)


def _read_compact(match: re.Match[str], found: Found) -> TimeHit | None:
    digits, ap = match.groups()
    hour, minute = int(digits[:-2]), int(digits[-2:])
    value = _meridiem(hour, ap)
    return None if value is None or minute > 59 else TimeHit(value, minute)


def _read_oclock(match: re.Match[str], found: Found) -> TimeHit | None:
    h, ap = match.groups()
    hour = int(h)
    if ap is not None:
        value = _meridiem(hour, ap)
        return None if value is None else TimeHit(value, 0)
    return TimeHit(hour, 0, 0, 1 <= hour <= 12, True) if hour <= 23 else None


def _read_spoken(match: re.Match[str], found: Found) -> TimeHit | None:
    h, m, _, ap = match.groups()
    hour = _hour_value(h)
    minute = _minute_word(m)
    if hour is None or minute is None or not 1 <= hour <= 12:
        return None
    value = _meridiem(hour, ap)
    return None if value is None else TimeHit(value, minute, 0, ap is None, ap is None and not m)


def _read_named(match: re.Match[str], found: Found) -> TimeHit:
    if match.group(2):
        found.midnight = found.midnight_word = True
        return TimeHit(0, 0)
    return TimeHit(12, 0)


def read_bare(h: str, m: str | None, wm: str | None) -> TimeHit | None:
    """A bare hour's groups: hour ("9", "nine"), minute digits ("9.30") or minute words ("nine thirty")."""
    hour = int(h) if h.isdigit() else _hour_value(h)
    if hour is None or hour > 23:
        return None
    if m:
        minute = int(m)
        if minute > 59:
            return None
        return TimeHit(hour, minute, 0, 1 <= hour <= 12)
    if wm:
        return TimeHit(hour, _minute_word(wm) or 0, 0, 1 <= hour <= 12)
    return TimeHit(hour, 0, 0, 1 <= hour <= 12, True)


_Reader = Callable[[re.Match[str], Found], TimeHit | None]
# The atoms in the order they are tried; each pattern has no leading preposition.
_ATOMS: tuple[tuple[re.Pattern[str], _Reader], ...] = (
    (_WORDS, _read_words), (_CLOCK, _read_clock), (_MERIDIEM_ATOM, _read_meridiem),
    (_COMPACT, _read_compact), (_OCLOCK, _read_oclock), (_SPOKEN, _read_spoken), (_NAMED, _read_named))


def atom_at(scan: Scan, found: Found, pos: int, words: bool = True) -> tuple[TimeHit, int] | None:
    """The time written at `pos`; `words=False` skips "ten to five" ("from 10 to 5" is a range)."""
    text = scan.text
    for pattern, read in _ATOMS if words else _ATOMS[1:]:
        match = pattern.match(text, pos)
        if match:
            hit = read(match, found)
            if hit is not None:
                return hit, match.end()
    match = BARE.match(text, pos)
    if match:
        hit = read_bare(*match.groups())
        if hit is not None:
            return hit, match.end()
    return None


def take(scan: Scan, found: Found, start: int, end: int, hit: TimeHit) -> None:
    """Record `hit` read at start-end with the preposition before it, and any list after it."""
    text = scan.text
    if text.endswith(_THE, 0, start) and NOUN_AFTER.match(text, end):
        return  # "review the 8am meeting notes", "the 10:30 appointment": the task's words
    if start > 1 and text[start - 1] == " ":
        # lead_start(text, start, PREP_LEADS, repeat=False), without its letter-by-letter walk
        # back when the word before is a plain run of letters (nearly always)
        space = text.rfind(" ", 0, start - 1)
        word = text[space + 1:start - 1]
        if word in PREP_LEADS:
            start = space + 1
        elif not word.isalpha():
            start = lead_start(text, start, PREP_LEADS, repeat=False)
    hit.start = start
    found.times.append(hit)
    scan.consume(start, end)
    if _SEPARATOR.match(scan.text, end) is not None:
        _continue(scan, found, end)


def _continue(scan: Scan, found: Found, end: int) -> None:
    """Read a list after a time: "at 9 and 21", "at 8, 14 and 20", "6am, 12pm and 6pm"."""
    while True:
        sep = _SEPARATOR.match(scan.text, end)
        if not sep:
            return
        got = atom_at(scan, found, sep.end())
        if got is None:
            return
        hit, stop = got
        hit.start = sep.end()
        found.times.append(hit)
        scan.consume(end, stop)
        end = stop


def _search_all(scan: Scan, found: Found, pattern: re.Pattern[str], read: _Reader, pos: int = 0,
                near: re.Pattern[str] | None = None, reach: int = 0) -> None:
    """Take what `read` reads in each match of pattern.finditer(scan.text, pos), found by a search
    loop (cheaper than a finditer for the one match there usually is). `near`: the words a match
    holds at most `reach` characters from its start, searched for first."""
    text = scan.text
    dollar = "$" in text  # consuming never adds one
    while True:
        if near is not None:
            word = near.search(text, pos)
            if word is None:
                return
            pos = max(pos, word.start() - reach)
        match = pattern.search(text, pos)
        if match is None:
            return
        # _take_match, inlined: one call fewer for the one match there usually is
        start, pos = match.span()
        current = scan.text  # the search goes on in `text`, as it was before this loop consumed
        if BLANK in current[start:pos] or (dollar and "$" in current[max(0, start - 2):start]):
            continue
        hit = read(match, found)
        if hit is not None:
            take(scan, found, start, pos, hit)


def _take_match(scan: Scan, found: Found, match: re.Match[str], read: _Reader, dollar: bool) -> None:
    start, end = match.span()
    text = scan.text
    if BLANK in text[start:end] or (dollar and "$" in text[max(0, start - 2):start]):
        return
    hit = read(match, found)
    if hit is not None:
        take(scan, found, start, end, hit)


_DIRECTIONS = frozenset({"past", "after", "to", "before", "till"})
_GLUE = lazy(r"\d[.:\-t]\d{1,2}:")  # a date and a clock time written together
_NUMBERS_OR_HALVES = NUMBER_WORDS | {"quarter", "half"}
_NUMBER_LEADS = tuple(sorted(NUMBER_WORDS))  # the "spoken" atom opens with a number word
# Without a digit, an atom needs one of these words.
_DIGITLESS_ATOM_WORDS = _NUMBERS_OR_HALVES | {"noon", "midday", "midnight"}
_DIGIT_AP = lazy(r"\d[ap]\b")  # "8a", "9p"
_MINUTES_REACH = len("seventy-seven minutes ")  # a _WORDS match's start to its direction word
# \b(?:past|after|to|before|till)\s(?:\d|NUM_WORD), with each word's \b a lookbehind after it: a
# pattern that opens with plain letters lets `re` skip to where they are.
_DIR_HOUR = lazy("(?:" + "|".join(rf"{word}(?<!\w{word})" for word in sorted(_DIRECTIONS))
                       + rf")\s(?:\d|{NUM_WORD}|noon|midday|midnight)")


def find_explicit_times(scan: Scan, found: Found) -> None:
    """Times that cannot be anything else: with a colon, am/pm, o'clock, noon, 'past'/'to'.

    Each atom reads what the ones before it left, in the order of _ATOMS. Before each, a few set
    look-ups and substring tests tell whether the text has what its pattern spells out (words,
    a digit, a colon; "am" or "pm" still unconsumed): most sentences need none of the patterns."""
    words = scan.words
    digit = scan.has_digit
    if not digit and words.isdisjoint(_DIGITLESS_ATOM_WORDS):
        return
    meridiem = "am" in words or "pm" in words
    if digit and scan.longest_number >= 2 and ":" in scan.text and _GLUE.search(scan.text):
        find_glued_clock(scan, found)
    if not words.isdisjoint(_DIRECTIONS) and (digit or not words.isdisjoint(_NUMBERS_OR_HALVES)) \
            and (direction := _DIR_HOUR.search(scan.text)) is not None:
        # Each match holds a _DIR_HOUR match, _MINUTES_REACH after its start unless its minutes
        # are a longer run of digits.
        start = max(0, direction.start() - _MINUTES_REACH)
        while start and (scan.text[start - 1].isdecimal() or scan.text[start - 1] == "."):
            start -= 1
        _search_all(scan, found, _WORDS, _read_words, start)
    if digit:
        if ":" in scan.text:
            _search_all(scan, found, _CLOCK, _read_clock)
        text = scan.text
        if (meridiem and ("am" in text or "pm" in text)) or \
                ((meridiem or "a" in words or "p" in words) and _DIGIT_AP.search(text) is not None):
            _search_all(scan, found, _MERIDIEM_ATOM, _read_meridiem)
        text = scan.text
        if meridiem and scan.longest_number >= 3 and ("am" in text or "pm" in text):
            _search_all(scan, found, _COMPACT, _read_compact)
        if "clock" in words and "o'clock" in scan.text:
            _search_all(scan, found, _OCLOCK, _read_oclock)
    text = scan.text
    if (meridiem or "clock" in words) and not words.isdisjoint(NUMBER_WORDS) and \
            ("am" in text or "pm" in text or "o'clock" in text):
        dollar = "$" in text
        for match in scan.finditer(_SPOKEN, _NUMBER_LEADS):
            _take_match(scan, found, match, _read_spoken, dollar)
    if "noon" in words or "midday" in words or "midnight" in words:
        _search_all(scan, found, _NAMED, _read_named, near=_NAMED_WORD, reach=len("12 "))
    find_clock_forms(scan, found)
