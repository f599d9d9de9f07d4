"""The working text of one extraction and what has been found in it so far.

`normalize` lower-cases and regularises spelling ("p . m ." -> "pm", "tmrw" -> "tomorrow").
Recognizers match on `Scan.text` and `consume` what they understood: consumed characters become
`BLANK`, which no pattern matches, so a later recognizer can never join words across a gap and the
title is simply what is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from taskd.extract.rules.lexicon import NUM_WORD

BLANK = "\x1f"

# (pattern, replacement, triggers): a substitution runs only when one of its triggers occurs in
# the text, which keeps normalizing an ordinary sentence to a handful of substring checks.
_SUBSTITUTIONS: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    (re.compile(r"[\u2018\u2019\u02bc`]"), "'", ("\u2018", "\u2019", "\u02bc", "`")),
    (re.compile(r"[\u201c\u201d]"), '"', ("\u201c", "\u201d")),
    (re.compile(r"[\u2013\u2014]"), "-", ("\u2013", "\u2014")),
    # "p . m .", "a.m.", "p m" after a number -> "pm"
    (re.compile(rf"(\d|\b{NUM_WORD})\s*\.?\s*([ap])\s?\.\s?m\b\.?"), r"\1 \2m", (".",)),
    (re.compile(rf"(\d|\b{NUM_WORD})\s+([ap])\s?m\b\.?"), r"\1 \2m", (" am", " pm", " a m", " p m")),
    (re.compile(r"\b(?:tmrw|tmr|tmrow|tmw|tomorow|tommorow|tommorrow|2morrow|tomm)\b"),
     "tomorrow", ("tm", "tom", "2mo")),
    (re.compile(r"\b(?:tonite|2nite|tonigh)\b"), "tonight", ("toni", "2ni")),
    (re.compile(r"\bmid[ -]night\b"), "midnight", ("mid ", "mid-")),
    (re.compile(r"\bmid[ -]day\b"), "midday", ("mid ", "mid-")),
    (re.compile(r"\beveryday\b"), "every day", ("everyday",)),
    (re.compile(r"\bo'?\s?clock\b"), "o'clock", ("clock",)),
    (re.compile(r"\b(\d{1,2}(?::\d\d)?(?:\s?[ap]m)?)ish\b"), r"around \1", ("ish",)),
    (re.compile(r"\bnoonish\b"), "around noon", ("noonish",)),
    (re.compile(r"(\d)\.([ap]m)\b\.?"), r"\1\2", (".am", ".pm")),
    (re.compile(r"\b(?:week-?ends)\b"), "weekends", ("week-ends",)),
    (re.compile(r"\bweek-end\b"), "weekend", ("week-end",)),
    (re.compile(r"\bweek-?days\b"), "weekdays", ("week-days",)),
    (re.compile(rf"\b({NUM_WORD})-(?=[a-z])"), r"\1 ", ("-",)),
    (re.compile(r"\bsemi-annual"), "semiannual", ("semi-",)),
    (re.compile(r"\bbi-weekly\b"), "biweekly", ("bi-",)),
    (re.compile(r"\bst\.? patrick'?s?\b|\bsaint patrick'?s?\b"), "saint patrick", ("patrick",)),
    (re.compile(r"(?<=\w)'s\b(?= time\b)"), "", ("'s time",)),
    (re.compile(r"\s*@\s*"), " at ", ("@",)),
    (re.compile(r"\s+&\s+"), " and ", ("&",)),
    (re.compile(r"\bthru\b"), "through", ("thru",)),
    (re.compile(r"\btil+\b"), "till", ("til",)),
]


def normalize(text: str) -> str:
    out = text.lower()
    for pattern, replacement, triggers in _SUBSTITUTIONS:
        if any(trigger in out for trigger in triggers):
            out = pattern.sub(replacement, out)
    return " ".join(out.split())


@dataclass
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


@dataclass
class TimeHit:
    hour: int
    minute: int = 0
    second: int = 0
    ambiguous: bool = False  # no am/pm and hour <= 12: a daypart may move it to the afternoon
    bare_hour: bool = False  # "at 5": only an hour number
    start: int = 0


@dataclass
class Found:
    """Everything the recognizers understood, before it becomes a Draft."""

    now: datetime  # naive local wall clock in the zone that applies
    today: date
    dates: list[DateHit] = field(default_factory=list)
    times: list[TimeHit] = field(default_factory=list)
    dayparts: list[str] = field(default_factory=list)
    midnight: bool = False
    offset: dict[str, int] | None = None
    now_word: bool = False
    rule: dict[str, str] | None = None
    count: int | None = None
    until: date | None = None
    span: tuple[str, int, bool] | None = None  # "for 4 weeks", "for the next 30 days"
    weak_rule: dict[str, str] | None = None  # "a quarterly meeting": used if nothing else is
    weak_today: bool = False  # "for the day": today, if nothing else is
    per_day: int | None = None  # "twice a day"
    window_start: tuple[int, int] | None = None  # "every hour between 9 and 5" starts at 9
    week_shift: int | None = None  # "next week" -> 1
    quarterly: bool = False  # "every quarter on the 1st": calendar quarters, not 3 months from now
    tz: str | None = None
    assumptions: list[str] = field(default_factory=list)


class Scan:
    """The normalized text with consumed spans blanked out."""

    def __init__(self, text: str) -> None:
        self.original = normalize(text)
        self.text = self.original
        # Word set and digit flag: cheap checks that let recognizers skip regexes that cannot match.
        self.words = frozenset(re.findall(r"[a-z]+", self.original))
        self.has_digit = any(c.isdigit() for c in self.original)
        self.raw = text

    @property
    def raw_words(self) -> frozenset[str]:
        """The words as the user wrote them (capitals tell "Sun" the day from "sun")."""
        return frozenset(re.findall(r"[A-Za-z]+", self.raw))

    def has(self, words: frozenset[str] | set[str]) -> bool:
        return not self.words.isdisjoint(words)

    def consume(self, start: int, end: int) -> None:
        if end > start:
            self.text = self.text[:start] + BLANK * (end - start) + self.text[end:]

    def free(self, start: int, end: int) -> bool:
        return BLANK not in self.text[start:end]

    def before(self, start: int) -> str:
        """The unconsumed text just before `start` (up to the previous blank)."""
        head = self.text[:start]
        cut = head.rfind(BLANK)
        return head[cut + 1:] if cut >= 0 else head
