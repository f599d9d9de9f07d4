"""The working text of one extraction and what has been found in it so far.

`normalize` lower-cases and regularises spelling ("p . m ." -> "pm", "tmrw" -> "tomorrow").
Recognizers match on `Scan.text` and `consume` what they understood: consumed characters become
`BLANK`, which no pattern matches, so a later recognizer can never join words across a gap and the
title is simply what is left.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.lexicon import NUM_WORD

BLANK = "\x1f"

_DASHES = "-\u2013\u2014"


def _single_spaced(text: str) -> bool:
    """Whether the only white space in `text` is single spaces between words, as `clean_text`
    leaves it. Every white space character but the space is unprintable, so no regex is needed."""
    return text.isprintable() and "  " not in text and not text.startswith(" ") and \
        not text.endswith(" ")


def _meridiem_may_change(text: str) -> bool:
    """Whether the "5 p m" -> "5 pm" rewrite below can change `text`. It needs " am", " pm",
    " a m" or " p m"; in single-spaced text "5 pm" is already what it makes, so it can only join
    "a m"/"p m" or drop a dot after "am"/"pm". Most times are written "5 pm" or "5pm", and the
    pattern is among the slowest to run."""
    if " a m" in text or " p m" in text:
        return True
    return (" am" in text or " pm" in text) and (
        "am." in text or "pm." in text or not _single_spaced(text))


# (pattern, replacement, words, chars[, guard]): a substitution runs only when the text has one of
# its trigger words (if any are given), one of its trigger characters (if any are given) and the
# guard (if given) says yes. Words and characters are checked against sets built once, so an
# ordinary sentence costs a few set look-ups here; some of these patterns are slow to run.
_SUBSTITUTIONS: list[tuple[re.Pattern[str], str, frozenset[str], str] |
                     tuple[re.Pattern[str], str, frozenset[str], str, Callable[[str], bool]]] = [
    (lazy(r"[\u2018\u2019\u02bc`]"), "'", frozenset(), "\u2018\u2019\u02bc`"),
    (lazy(r"[\u201c\u201d]"), '"', frozenset(), "\u201c\u201d"),
    (lazy(r"[\u2013\u2014]"), "-", frozenset(), "\u2013\u2014"),
    # "p . m .", "a.m.", "p m" after a number -> "pm"
    (lazy(rf"(\d|\b{NUM_WORD})\s*\.?\s*([ap])\s?\.\s?m\b\.?"), r"\1 \2m", frozenset({"m"}),
     "."),
    (lazy(rf"(\d|\b{NUM_WORD})\s+([ap])\s?m\b\.?"), r"\1 \2m", frozenset({"am", "pm", "m"}),
     "", _meridiem_may_change),
    (lazy(r"\b(?:tmrw|tmr|tmrow|tmw|tomorow|tommorow|tommorrow|2morrow|2moro|2morow|2mrw|"
                r"tomm)\b"),
     "tomorrow", frozenset({"tmrw", "tmr", "tmrow", "tmw", "tomorow", "tommorow", "tommorrow",
                            "morrow", "moro", "morow", "mrw", "tomm"}), ""),
    (lazy(r"\b(?:tonite|2nite|tonigh)\b"), "tonight", frozenset({"tonite", "nite", "tonigh"}),
     ""),
    (lazy(r"\bmid[ -]night\b"), "midnight", frozenset({"mid"}), ""),
    (lazy(r"\bmid[ -]day\b"), "midday", frozenset({"mid"}), ""),
    (lazy(r"\beveryday\b"), "every day", frozenset({"everyday"}), ""),
    (lazy(r"\bo'?\s?clock\b"), "o'clock", frozenset({"clock", "oclock"}), ""),
    # "sharp" and "on the dot" say a time is exact, which every time here is
    (lazy(r"\b(\d{1,2}(?:[:.]\d\d)?(?:\s?[ap]m)?|noon|midnight|o'clock)\s(?:sharp|on the dot)\b"),
     r"\1", frozenset({"sharp", "dot"}), ""),
    # "at 8:00 hrs", "at 14:30 hours": a 24-hour clock time, said the military way
    (lazy(r"(?<=\bat\s)(\d{1,2}:\d\d)\s?(?:hrs|hours)\b"), r"\1", frozenset({"hrs", "hours"}), ":"),
    # "7ish", "at 7ish", "around 7ish": around 7 (one preposition, as the hour readers expect)
    (lazy(r"(?:\b(?:at|around|about)\s)?\b(\d{1,2}(?::\d\d)?(?:\s?[ap]m)?)ish\b"),
     r"around \1", frozenset({"ish", "amish", "pmish"}), ""),
    (lazy(r"\bnoonish\b"), "around noon", frozenset({"noonish"}), ""),
    (lazy(r"(\d)\.([ap]m)\b\.?"), r"\1\2", frozenset({"am", "pm"}), "."),
    (lazy(r"\b(?:week-?ends)\b"), "weekends", frozenset({"week"}), _DASHES),
    (lazy(r"\bweek-end\b"), "weekend", frozenset({"week"}), _DASHES),
    (lazy(r"\bweek-?days\b"), "weekdays", frozenset({"week"}), _DASHES),
    (lazy(rf"\b({NUM_WORD})-(?=[a-z])"), r"\1 ", frozenset(), _DASHES),
    (lazy(r"\bsemi-annual"), "semiannual", frozenset({"semi"}), _DASHES),
    (lazy(r"\bbi-weekly\b"), "biweekly", frozenset({"bi"}), _DASHES),
    (lazy(r"\bst\.? patrick'?s?\b|\bsaint patrick'?s?\b"), "saint patrick",
     frozenset({"patrick", "patricks"}), ""),
    (lazy(r"(?<=\w)'s\b(?= time\b)"), "", frozenset({"s"}), "'\u2018\u2019\u02bc`",
     lambda text: "'s time" in text),  # "it's" and "mom's" are common, "it's time" is not
    (lazy(r"\s*@\s*"), " at ", frozenset(), "@"),
    (lazy(r"\s+&\s+"), " and ", frozenset(), "&"),
    (lazy(r"\bthru\b"), "through", frozenset({"thru"}), ""),
    (lazy(r"\btil+\b"), "till", frozenset({"til", "till", "tilll", "tillll"}), ""),
]
_WORD = lazy(r"[a-z]+")
_NUMBER = lazy(r"\d+")


def normalize(text: str) -> str:
    return _normalize(text)[0]


def _index(position: int) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for number, entry in enumerate(_SUBSTITUTIONS):
        for trigger in entry[position]:  # type: ignore[attr-defined]
            index.setdefault(trigger, []).append(number)
    return index


_BY_WORD, _BY_CHAR = _index(2), _index(3)
_TRIGGER_WORDS = frozenset(_BY_WORD)
# Every substitution as (pattern, replacement, words, chars, guard), unpacked without a star.
_ENTRIES = [(*entry, None) if len(entry) == 4 else entry for entry in _SUBSTITUTIONS]

# The quick test that most sentences pass: no substitution has both its trigger words and its
# trigger characters. It looks at three groups: characters that trigger on their own, words that
# do, and the pairs (a word of an entry and a character of the same entry). "am" and "pm" are no
# triggers there: without "." the meridiem rewrite only turns "a m" into "am", which needs the
# word "m", or collapses white space, as the final join does anyway. White space other than
# single spaces (clean_text leaves no other, but Scan takes any text) takes the full path too.
_ODD_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + \
    "".join(map(chr, range(0x2000, 0x200b)))  # what str.split and \s take for white space, but " "


def _any_char(chars: str) -> re.Pattern[str]:
    return lazy("[" + re.escape(chars) + "]")


_LONE_CHARS = "".join(entry[3] for entry in _SUBSTITUTIONS if not entry[2]) + _ODD_SPACES
# Runs of digits and of lone trigger characters: in a sentence without the latter, as nearly all
# are, one pass finds its numbers too.
_DIGITS_OR_LONE_CHARS = lazy(r"[\d" + re.escape(_LONE_CHARS) + "]+")
_LONE_WORDS = frozenset(word for entry in _SUBSTITUTIONS if not entry[3]
                        for word in entry[2] if word not in ("am", "pm"))
_PAIRED_WORDS = frozenset(word for entry in _SUBSTITUTIONS if entry[3] for word in entry[2])
_PAIRED_CHAR = _any_char("".join(entry[3] for entry in _SUBSTITUTIONS if entry[2]))
_TRIGGER_CHAR = _any_char("".join(_BY_CHAR))


# The same for ASCII text, by byte tables: a translate and a split cost a third of a findall,
# which tries its pattern at every character. One table keeps the letters, the other the digits and
# turns the lone trigger characters into "@".
_LETTERS_ONLY = bytes(byte if 97 <= byte <= 122 else 32 for byte in range(256))
_DIGITS_OR_AT = bytes(byte if 48 <= byte <= 57 else 64 if chr(byte) in _LONE_CHARS else 32
                      for byte in range(256))
_AT = ord("@")


def _normalize(text: str) -> tuple[str, frozenset[str], list[str]]:
    """The normalized text, its words and its numbers (runs of digits)."""
    out = text.lower()
    if out.isascii():
        raw = out.encode()
        words = frozenset(raw.translate(_LETTERS_ONLY).decode().split())
        digits = raw.translate(_DIGITS_OR_AT)
        lone = _AT in digits  # an int: `b"@" in` first tries, and fails, to read it as one
        runs = digits.decode().split()
    else:
        words = frozenset(_WORD.findall(out))
        runs = _DIGITS_OR_LONE_CHARS.findall(out)  # all digits: no lone trigger character
        lone = bool(runs) and not "".join(runs).isdigit()
    if not lone and words.isdisjoint(_LONE_WORDS) and (
            words.isdisjoint(_PAIRED_WORDS) or _PAIRED_CHAR.search(out) is None) and \
            "  " not in out and not out.startswith(" ") and not out.endswith(" "):
        return out, words, runs  # most sentences: nothing to rewrite, single spaces already
    chars = frozenset(_TRIGGER_CHAR.findall(out))
    candidates = {n for word in _TRIGGER_WORDS & words for n in _BY_WORD[word]}
    candidates.update(n for char in chars for n in _BY_CHAR[char])
    changed = False
    for number in sorted(candidates) if len(candidates) > 1 else candidates:
        pattern, replacement, trigger_words, trigger_chars, guard = _ENTRIES[number]
        if trigger_words and words.isdisjoint(trigger_words):
            continue
        if trigger_chars and chars.isdisjoint(trigger_chars):
            continue
        if guard is not None and not guard(out):
            continue
        new = pattern.sub(replacement, out)
        if new != out:
            out, changed = new, True
    out = " ".join(out.split())
    return out, frozenset(_WORD.findall(out)) if changed else words, _NUMBER.findall(out)


@dataclass(slots=True)
class DateHit:
    """A calendar day named in the text. `kind` says what was named, so that recurrence can turn
    "on the 15th" into BYMONTHDAY and "June 14" into BYMONTH/BYMONTHDAY."""

    day: date
    start: int
    kind: str  # full | monthdate | monthday | weekday | relative | week | special
    role: str = "on"  # on | start | until
    weekday: int | None = None
    month: int | None = None
    monthday: int | None = None
    plain_weekday: bool = False  # "Friday" with no this/next, may sit inside another week
    rolls: bool = False  # "Friday"/"this Friday" today, but the time has passed: next week


@dataclass(slots=True)
class TimeHit:
    hour: int
    minute: int = 0
    second: int = 0
    ambiguous: bool = False  # no am/pm and hour <= 12: a daypart may move it to the afternoon
    bare_hour: bool = False  # "at 5": only an hour number
    start: int = 0
    nearest: bool = False  # "half three": either half of the day, whichever comes next


@dataclass(slots=True)
class Found:
    """Everything the recognizers understood, before it becomes a Draft."""

    now: datetime  # naive local wall clock in the zone that applies
    today: date
    dates: list[DateHit] = field(default_factory=list)
    times: list[TimeHit] = field(default_factory=list)
    dayparts: list[str] = field(default_factory=list)
    daypart_shift: int = 0  # minutes from the daypart's time: "mid-morning", "late evening"
    midnight: bool = False
    midnight_word: bool = False  # "midnight" itself (not "24:00", which is the day's end)
    offset: dict[str, int] | None = None
    now_word: bool = False
    rule: dict[str, str] | None = None
    count: int | None = None
    until: date | None = None
    span: tuple[str, int, bool] | None = None  # "for 4 weeks", "for the next 30 days"
    weak_rule: dict[str, str] | None = None  # "a quarterly meeting": used if nothing else is
    skipped: tuple[set[str], str] | None = None  # "except weekends": the days and the words
    weak_today: bool = False  # "for the day": today, if nothing else is
    per_day: int | None = None  # "twice a day"
    window_start: tuple[int, int] | None = None  # "every hour between 9 and 5" starts at 9
    clock_range: str | None = None  # "between 14:00 and 16:00" with no interval in it: ask
    week_shift: int | None = None  # "next week" -> 1
    quarterly: bool = False  # "every quarter on the 1st": calendar quarters, not 3 months from now
    tz: str | None = None
    assumptions: list[str] = field(default_factory=list)
    question: str | None = None  # the words contradict themselves ("Fri, Jul 18 2027"): ask
    offset_from_time: bool = False  # "15 minutes from 1pm": the offset counts from the time found


class Scan:
    """The normalized text with consumed spans blanked out."""

    def __init__(self, text: str) -> None:
        original, words, numbers = _normalize(text)
        self.original = self.text = original
        # Word set and digit flag: cheap checks that let recognizers skip regexes that cannot match.
        self.words = words
        self.has_digit = bool(numbers)
        self.longest_number = max(map(len, numbers)) if numbers else 0
        self.raw = text

    @property
    def raw_words(self) -> frozenset[str]:
        """The words as the user wrote them (capitals tell "Sun" the day from "sun")."""
        return frozenset(re.findall(r"[A-Za-z]+", self.raw))

    def start_of(self, words: frozenset[str], margin: int) -> int:
        """Where a pattern led by one of `words` can start: `margin` characters before the first
        of them in the text, so that finditer skips the positions where it cannot match."""
        first = len(self.original)
        for word in self.words & words:
            at = self.original.find(word)
            if 0 <= at < first:
                first = at
        return max(0, first - margin)

    def finditer(self, pattern: re.Pattern[str], leads: tuple[str, ...]) -> Iterator[re.Match[str]]:
        """The matches `pattern.finditer(self.text)` gives, for a pattern that can only match at
        the start of a word beginning with one of `leads` (it opens with a word boundary or
        `(?<![\\w])`). It is tried at those words only: a complex pattern tried at every position
        of a sentence costs several times more than a few anchored `match` calls."""
        text = self.text
        end = -1
        for at in word_positions(text, [word for word in self.words if word.startswith(leads)]):
            if at >= end:
                match = pattern.match(text, at)
                if match is not None:
                    end = match.end()
                    yield match

    def consume(self, start: int, end: int) -> None:
        if end > start:  # ljust pads with the blanks: one string fewer to build than `BLANK * n`
            text = self.text
            self.text = text[:start].ljust(end, BLANK) + text[end:]

    def free(self, start: int, end: int) -> bool:
        return BLANK not in self.text[start:end]


def word_positions(text: str, words: Iterable[str]) -> list[int]:
    """Every place in `text` where one of `words` is written, in order: where a pattern that opens
    with one of them is worth trying (a complex pattern tried at every position of a sentence
    costs several times more than a few anchored `match` calls)."""
    starts: list[int] = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            starts.append(at)
            at = text.find(word, at + 1)
    if len(starts) > 1:
        starts.sort()
    return starts


def lead_start(text: str, start: int, words: frozenset[str], repeat: bool = True) -> int:
    """Where the lead words ("on", "by this"...) directly before `start` begin: each is a whole
    word followed by one space; `repeat=False` takes one at most. Read backwards by hand, because
    a regex search anchored at the end of the text still tries every position before it."""
    while start > 1 and text[start - 1] == " ":
        begin = end = start - 1
        while begin > 0 and text[begin - 1].isalpha():
            begin -= 1
        if begin == end or text[begin:end] not in words or (begin > 0 and
                                                            text[begin - 1].isdigit()):
            break
        start = begin
        if not repeat:
            break
    return start
