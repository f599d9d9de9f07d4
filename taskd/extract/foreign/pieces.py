"""Small recognisers, one construction each, written once over a `Language`'s word tables.

Each takes the `Words` of a text, finds its construction in what is not yet consumed, consumes it
and returns its value. The order in `reader` matters only where one construction holds another's
word ("por la mañana" holds "mañana": dayparts before day words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from taskd.extract.foreign.languages import LANGUAGES, Language

RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
FREQ_OF_UNIT = {"minutes": "MINUTELY", "hours": "HOURLY", "days": "DAILY", "weeks": "WEEKLY"}


def _alt(words: object) -> str:
    ordered = sorted({str(w) for w in words}, key=len, reverse=True)  # type: ignore[attr-defined]
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) or r"(?!x)x"


@dataclass
class Words:
    """The text lower-cased, and which of its characters a recogniser has consumed."""

    low: str
    taken: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.taken = [False] * len(self.low)

    def find(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        for match in pattern.finditer(self.low):
            if match.end() > match.start() and not any(self.taken[match.start():match.end()]):
                return match
        return None

    def take(self, start: int, end: int) -> None:
        self.taken[start:end] = [True] * (end - start)

    def untake(self, start: int, end: int) -> None:
        self.taken[start:end] = [False] * (end - start)

    def rest(self) -> str:
        """The text with consumed characters blanked out (same length, same positions)."""
        return "".join(" " if t else c for c, t in zip(self.low, self.taken, strict=True))


@dataclass(frozen=True)
class Patterns:
    every_n: re.Pattern[str]
    every_days: re.Pattern[str]
    every_fixed: re.Pattern[str]
    weekday_adverb: re.Pattern[str]
    named_time: re.Pattern[str]
    clock: re.Pattern[str]
    daypart: re.Pattern[str]
    day_word: re.Pattern[str]
    weekday: re.Pattern[str]
    relative: re.Pattern[str]
    time_vocabulary: re.Pattern[str]


@cache
def patterns(code: str) -> Patterns:
    lang = LANGUAGES[code]
    b, e = r"(?<![\w'’-])", r"(?![\w'’-])"
    days = _alt(lang.weekdays)
    numbers = _alt(k for k in lang.numbers if k != "media")
    amount = rf"(?:\d+|{numbers})"
    fixed = [*lang.every_day, *lang.every_week, *lang.every_month, *lang.workdays]
    hour = rf"(?P<h>\d{{1,2}}|{numbers})"
    clock = (rf"{b}(?:(?P<head>{_alt(lang.clock_heads)})\s+)?(?P<half>{_alt(lang.half_before)}\s+)?"
             rf"{hour}(?:(?:[:.]|\s*h\s*)(?P<m>\d{{2}}))?"
             rf"(?:\s*(?P<tail>{_alt(lang.clock_tails)}){e}(?:\s*(?P<m2>\d{{2}}){e})?)?"
             rf"(?:\s+(?P<frac>{_alt([*lang.half_past, *lang.quarter_past, *lang.quarter_to])}){e})?"
             rf"(?:\s+(?P<mer>{_alt([*lang.pm_words, *lang.am_words])}){e})?{e}")
    vocabulary = [*lang.weekdays, *lang.day_words, *lang.units, *lang.month_names,
                  *lang.weekday_adverbs]
    return Patterns(
        every_n=re.compile(rf"{b}(?:{_alt(lang.every)})\s+(?P<n>{amount})\s+(?P<unit>{_alt(lang.units)}){e}"),
        every_days=re.compile(rf"{b}(?:{_alt(lang.every)})\s+(?P<days>(?:{days})(?:(?:\s*,\s*|\s+(?:y|e|und|et|,)\s+)(?:{days}))*){e}"),
        every_fixed=re.compile(rf"{b}(?P<phrase>{_alt(fixed)}){e}"),
        weekday_adverb=re.compile(rf"{b}(?P<day>{_alt(lang.weekday_adverbs)}){e}"),
        named_time=re.compile(rf"{b}(?P<phrase>{_alt(lang.named_times)}){e}"),
        clock=re.compile(clock),
        daypart=re.compile(rf"{b}(?P<phrase>{_alt(lang.dayparts)}){e}"),
        day_word=re.compile(rf"{b}(?P<phrase>{_alt(lang.day_words)}){e}"),
        weekday=re.compile(rf"{b}(?:(?:{_alt(lang.weekday_heads)})\s+)?(?P<day>{days}){e}"
                           rf"(?:\s+(?:prochain|prochaine|que\s+viene|qui\s+vient){e})?"),
        relative=re.compile(rf"{b}(?:{_alt(lang.relative_heads)})\s+(?P<n>{amount}|(?:(?:una?|einer|une)\s+)?(?:media|halben|demi))[\s-]+(?P<unit>{_alt(lang.units)})"
                            rf"(?:\s+(?:y|und|et)\s+(?:media|demie|halb))?{e}"),
        time_vocabulary=re.compile(rf"{b}(?:{_alt(vocabulary)}|\d+){e}"),
    )


def _number(lang: Language, word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return lang.numbers.get(word)


def _squash(phrase: str) -> str:
    return " ".join(phrase.split())


def recurrence(lang: Language, words: Words) -> str | None:
    """An RRULE body for "cada lunes", "jeden Tag", "tous les 2 jours", "montags", ...; None."""
    p = patterns(lang.code)
    if (m := words.find(p.every_n)) is not None:
        n = _number(lang, m.group("n"))
        unit = lang.units[_squash(m.group("unit"))]
        if n:
            words.take(m.start(), m.end())
            return f"FREQ={FREQ_OF_UNIT.get(unit, 'DAILY')};INTERVAL={n}" if n > 1 \
                else f"FREQ={FREQ_OF_UNIT.get(unit, 'DAILY')}"
    if (m := words.find(p.every_days)) is not None:
        found = re.findall(_alt(lang.weekdays), m.group("days"))
        words.take(m.start(), m.end())
        byday = ",".join(dict.fromkeys(RRULE_DAYS[lang.weekdays[d]] for d in found))
        return f"FREQ=WEEKLY;BYDAY={byday}"
    if (m := words.find(p.every_fixed)) is not None:
        phrase = _squash(m.group("phrase"))
        words.take(m.start(), m.end())
        if phrase in lang.workdays:
            return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
        if phrase in lang.every_week:
            return "FREQ=WEEKLY"
        if phrase in lang.every_month:
            return "FREQ=MONTHLY"
        return "FREQ=DAILY"
    if (m := words.find(p.weekday_adverb)) is not None:
        words.take(m.start(), m.end())
        return f"FREQ=WEEKLY;BYDAY={RRULE_DAYS[lang.weekday_adverbs[m.group('day')]]}"
    return None


class NoSuchTime(ValueError):
    """A clock time that does not exist ("a las 25")."""


def clock_time(lang: Language, words: Words) -> str | None:
    """"HH:MM" for "a las 9 de la noche", "um halb 9", "à 18h30", "15:30", "al mediodía"."""
    p = patterns(lang.code)
    for m in p.clock.finditer(words.low):
        if any(words.taken[m.start():m.end()]):
            continue
        minutes_given = m.group("m") or m.group("m2")
        if not (m.group("head") or m.group("tail") or minutes_given or m.group("half")):
            continue  # a bare number is no time
        if m.group("h").isdigit() is False and not (m.group("head") or m.group("tail")):
            continue
        hour = _number(lang, m.group("h"))
        if hour is None:
            continue
        minute = int(minutes_given) if minutes_given else 0
        if m.group("half"):
            hour, minute = hour - 1, 30
        frac = _squash(m.group("frac") or "")
        if frac in lang.half_past:
            minute = 30
        elif frac in lang.quarter_past:
            minute = 15
        elif frac in lang.quarter_to:
            hour, minute = hour - 1, 45
        meridiem = _squash(m.group("mer") or "")
        if meridiem in lang.pm_words and 1 <= hour < 12:
            hour += 12
        elif meridiem in lang.am_words and hour == 12:
            hour = 0
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise NoSuchTime(f"there is no time {m.group(0).strip()}")
        words.take(m.start(), m.end())
        return f"{hour:02d}:{minute:02d}"
    if (m := words.find(p.named_time)) is not None:  # after clock times: "um 12 Uhr mittags"
        words.take(m.start(), m.end())
        return lang.named_times[_squash(m.group("phrase"))]
    return None


def daypart(lang: Language, words: Words) -> tuple[str, bool] | None:
    """("evening", True) for "esta noche": the daypart, and whether it also says today."""
    if (m := words.find(patterns(lang.code).daypart)) is not None:
        phrase = _squash(m.group("phrase"))
        words.take(m.start(), m.end())
        return lang.dayparts[phrase], phrase in lang.today_dayparts
    return None


def day_offset(lang: Language, words: Words) -> int | None:
    """Days from today for "hoy", "morgen", "après-demain"; None."""
    for m in patterns(lang.code).day_word.finditer(words.low):
        if any(words.taken[m.start():m.end()]):
            continue
        before = _squash(words.low[:m.start()])
        if any(before.endswith(head) for head in lang.not_a_day):
            continue  # "am Morgen" is a daypart, not tomorrow
        words.take(m.start(), m.end())
        return lang.day_words[_squash(m.group("phrase"))]
    return None


def weekday(lang: Language, words: Words) -> int | None:
    """0 (Monday) .. 6 for "el lunes", "am Montag", "vendredi prochain"; None."""
    if (m := words.find(patterns(lang.code).weekday)) is not None:
        words.take(m.start(), m.end())
        return lang.weekdays[m.group("day")]
    return None


def next_weekday(today: date, day: int, later_today: bool) -> date:
    """The coming `day`: today only when the time named is still ahead today."""
    ahead = (day - today.weekday()) % 7
    if ahead == 0 and not later_today:
        ahead = 7
    return today + timedelta(days=ahead)


def relative(lang: Language, words: Words) -> dict[str, int] | None:
    """Offset fields for "en 20 minutos", "in zwei Stunden", "dans une demi-heure"; None."""
    m = words.find(patterns(lang.code).relative)
    if m is None:
        return None
    unit = lang.units[_squash(m.group("unit"))]
    amount = _squash(m.group("n"))
    half = amount.split()[-1] in ("media", "halben", "demi")
    n = 0 if half else _number(lang, amount)
    if n is None:
        return None
    words.take(m.start(), m.end())
    scale = {"hours": 60, "days": 24, "weeks": 7, "minutes": 60, "seconds": 1}
    if half or re.search(r"(?:media|demie|halb)$", m.group(0)):
        # half a unit: in the next smaller one ("media hora" = 30 minutes)
        smaller = {"hours": "minutes", "days": "hours", "weeks": "days", "minutes": "seconds"}
        if unit not in smaller:
            return None
        return {smaller[unit]: n * scale[unit] + scale[unit] // 2}
    return {unit: n}


def leftover_time_words(lang: Language, words: Words) -> list[str]:
    """Time words nothing consumed: evidence that part of the time was not read."""
    return [m.group(0) for m in patterns(lang.code).time_vocabulary.finditer(words.rest())]
