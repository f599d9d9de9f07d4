"""A probe generator across families: amount × unit × relation, clock form × day form, recurrence ×
time, each with a noisy title (numbers and time-like words that belong to the task), filler,
position, punctuation and capitals. Every expectation is computed here with plain datetime
arithmetic from the parameters, never from taskd's code, as the set of fire times a careful reader
would accept. A probe is right (a schedule in that set, the title kept), asked (a question or a
refusal) or wrong (any other schedule) — wrong is the number that must stay at zero.

`python -m tests.grammar_probes` prints the counts per family and the wrong ones.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from taskd.errors import TaskdError
from taskd.extract.rules import RulesExtractor
from taskd.pipeline import parse

TZ = "Europe/Berlin"
ZONE = ZoneInfo(TZ)
RULES = RulesExtractor(day_first=False)  # month-first numeric dates (en_US, C)
# A Wednesday morning, a Saturday night before the spring DST change, a month end before 09:00.
NOWS = [datetime(2026, 12, 2, 10, 0), datetime(2027, 3, 27, 21, 30), datetime(2027, 1, 31, 8, 0)]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# Every abbreviation people write, by weekday.
WEEKDAY_SPELLINGS = [["monday", "mon", "Mon"], ["tuesday", "tue", "tues", "Tue"],
                     ["wednesday", "wed", "weds", "Wed"], ["thursday", "thu", "thur", "thurs", "Thu"],
                     ["friday", "fri", "Fri"], ["saturday", "sat", "Sat"], ["sunday", "Sun"]]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve"]
# Titles that hold numbers and time-like words of their own: none of them is a time.
TASKS = ["call 3 clients", "buy 2 milk", "read chapter 7", "pay $20", "book room 101",
         "water the plants", "take 2 pills", "do 20 pushups", "reply to 4 emails", "order 12 eggs",
         "print 10 copies", "call mom", "renew 2 books", "send the invoice", "feed the cat",
         "check the oven", "finish the 1st draft", "review q3 report"]
FILLERS = ["", "please ", "pls ", "hey, ", "can you ", "remind me to ", "don't forget to "]
ENDINGS = ["", "", ".", "!", " please", " pls"]

Accept = frozenset[tuple[datetime, ...]]


@dataclass(frozen=True)
class Probe:
    family: str
    text: str
    now: datetime  # naive local wall clock in TZ
    accept: Accept  # acceptable tuples of the first fire times (length = how many are compared);
    # empty: only a question is right
    title: str


@dataclass
class Tally:
    right: int = 0
    asked: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + self.asked + len(self.wrong)


def _norm(title: str | None) -> str:
    text = re.sub(r"[.!?,;:]+$", "", (title or "").lower().strip())
    return " ".join(text.split())


def _wall(when: datetime) -> set[datetime]:
    """A local time as the clock shows it once scheduled: a time in the spring-forward gap
    (02:30 on the night the clocks skip to 03:00) fires at the gap's end or as far into the new
    hour; both are read."""
    back = when.replace(tzinfo=ZONE).astimezone(ZoneInfo("UTC")).astimezone(ZONE).replace(tzinfo=None)
    return {when} if back == when else {back, back.replace(minute=0)}


def _real(accept: Accept) -> Accept:
    out: set[tuple[datetime, ...]] = set()
    for fires in accept:
        options: list[tuple[datetime, ...]] = [()]
        for when in fires:
            options = [(*o, w) for o in options for w in _wall(when)]
        out.update(options)
    return frozenset(out)


def outcome(probe: Probe) -> tuple[str, str]:
    """('right' | 'asked' | 'wrong', what was scheduled)."""
    try:
        parsed = parse(probe.text, extractor=RULES, now=probe.now.replace(tzinfo=ZONE), tz=TZ)
    except TaskdError as exc:
        return "asked", f"refused: {exc}"
    if parsed.resolved is None:
        return "asked", f"asked: {parsed.question}"
    if not probe.accept:  # only a question is right: any schedule is a guess
        return "wrong", f"{parsed.draft.schedule} {parsed.draft.title!r}"
    count = len(next(iter(probe.accept)))
    fires = tuple(t.astimezone(ZONE).replace(tzinfo=None) for t in parsed.resolved.upcoming[:count])
    if len(fires) < count:  # fewer fire times than asked for: compute more
        from taskd.resolve import resolve

        more = resolve(parsed.draft, probe.now.replace(tzinfo=ZONE), TZ, count=count)
        fires = tuple(t.astimezone(ZONE).replace(tzinfo=None) for t in more.upcoming[:count])
    got = f"{[f.isoformat(timespec='minutes') for f in fires]} {parsed.draft.title!r}"
    if fires in _real(probe.accept) and _norm(parsed.draft.title) == _norm(probe.title):
        return "right", got
    return "wrong", got


def tally(probes: Iterable[Probe]) -> dict[str, Tally]:
    out: dict[str, Tally] = {}
    for probe in probes:
        result, got = outcome(probe)
        t = out.setdefault(probe.family, Tally())
        if result == "right":
            t.right += 1
        elif result == "asked":
            t.asked += 1
        else:
            wanted = sorted(x[0].isoformat(timespec="minutes") for x in probe.accept)
            t.wrong.append(f"{probe.text!r} @{probe.now:%a %m-%d %H:%M}: got {got}, "
                           f"want {wanted[:4]} {probe.title!r}")
    return out


def place(rng: random.Random, phrase: str, task: str) -> str:
    """The time phrase at the start or the end, with filler, ending and capitals."""
    filler = rng.choice(FILLERS)
    if rng.random() < 0.5:
        text = f"remind me {phrase} to {task}" if filler == "remind me to " else \
            f"{filler}{phrase} {task}" if filler != "don't forget to " else f"{phrase} {filler}{task}"
    else:
        text = f"{filler}{task} {phrase}"
    text += rng.choice(ENDINGS)
    style = rng.random()
    if style < 0.15:
        return text.upper()
    if style < 0.5:
        return text[:1].upper() + text[1:]
    return text


# ---- durations: amount × unit × relation -------------------------------------------------------

# (spelling, relativedelta field, seconds per unit or None for calendar units, multiplier, number)
UNITS = [
    ("s", "seconds", 1, 1, None), ("sec", "seconds", 1, 1, None), ("secs", "seconds", 1, 1, None),
    ("second", "seconds", 1, 1, "one"), ("seconds", "seconds", 1, 1, "many"),
    ("m", "minutes", 60, 1, None), ("min", "minutes", 60, 1, None), ("mins", "minutes", 60, 1, None),
    ("minute", "minutes", 60, 1, "one"), ("minutes", "minutes", 60, 1, "many"),
    ("h", "hours", 3600, 1, None), ("hr", "hours", 3600, 1, None), ("hrs", "hours", 3600, 1, None),
    ("hour", "hours", 3600, 1, "one"), ("hours", "hours", 3600, 1, "many"),
    ("d", "days", None, 1, None), ("day", "days", None, 1, "one"), ("days", "days", None, 1, "many"),
    ("w", "weeks", None, 1, None), ("wk", "weeks", None, 1, None), ("wks", "weeks", None, 1, None),
    ("week", "weeks", None, 1, "one"), ("weeks", "weeks", None, 1, "many"),
    ("fortnight", "weeks", None, 2, "one"), ("fortnights", "weeks", None, 2, "many"),
    ("mo", "months", None, 1, None), ("month", "months", None, 1, "one"),
    ("months", "months", None, 1, "many"),
    ("y", "years", None, 1, None), ("yr", "years", None, 1, None), ("yrs", "years", None, 1, None),
    ("year", "years", None, 1, "one"), ("years", "years", None, 1, "many"),
]
# (text before the unit, value, grammatical number, digits?)
AMOUNTS = [("2", 2, "many", True), ("15", 15, "many", True), ("two", 2, "many", False),
           ("three", 3, "many", False), ("twenty", 20, "many", False), ("ARTICLE", 1, "one", False),
           ("1", 1, "one", True), ("one", 1, "one", False), ("a couple of", 2, "many", False),
           ("half an", 0.5, "one", False), ("1.5", 1.5, "many", True), ("1½", 1.5, "many", True),
           ("one and a half", 1.5, "many", False)]
RELATIONS = ["in {d}", "{d} from now", "{d} later", "after {d}", "within {d}", "in another {d}"]
_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600}
_DAYS = {"days": 1, "weeks": 7}


def _duration_end(now: datetime, fieldname: str, value: float) -> set[datetime]:
    """Seconds, minutes and hours are elapsed time (across a DST change too); days and weeks are
    calendar days, a fraction of a day as hours (elapsed or on the wall clock: both are read)."""
    if fieldname in _SECONDS:
        aware = (now.replace(tzinfo=ZONE).astimezone(ZoneInfo("UTC"))
                 + timedelta(seconds=value * _SECONDS[fieldname])).astimezone(ZONE)
        return {aware.replace(tzinfo=None)}
    if fieldname in _DAYS:
        days = value * _DAYS[fieldname]
        base = now + relativedelta(days=int(days))
        hours = (days - int(days)) * 24
        if not hours:
            return {base}
        elapsed = (base.replace(tzinfo=ZONE).astimezone(ZoneInfo("UTC"))
                   + timedelta(hours=hours)).astimezone(ZONE).replace(tzinfo=None)
        return {base + timedelta(hours=hours), elapsed}
    if value != int(value):
        return set()  # half a month has no agreed length
    return {now + relativedelta(**{fieldname: int(value)})}


def duration_probes(seed: int = 1) -> list[Probe]:
    rng = random.Random(seed)
    out = []
    for unit, fieldname, seconds, mult, number in UNITS:
        for amount, value, grammatical, digits in AMOUNTS:
            if number is None and not digits:
                continue  # "two h", "a m": nobody writes them
            if number is not None and number != grammatical:
                continue
            if amount == "half an" and unit not in ("hour",):
                continue
            if value != int(value) and (seconds == 1 or fieldname in ("months", "years")):
                continue
            if unit.startswith("fortnight") and value != int(value):
                continue
            text = ("an" if unit.startswith("h") else "a") if amount == "ARTICLE" else amount
            spaced = rng.random() < 0.5 or not digits or number is not None
            d = f"{text} {unit}" if spaced else f"{text}{unit}"
            if amount == "half an":
                d = "half an hour"
            for relation in RELATIONS:
                now = rng.choice(NOWS)
                ends = _duration_end(now, fieldname, value * mult)
                if not ends:
                    continue
                task = rng.choice(TASKS)
                out.append(Probe("duration", place(rng, relation.format(d=d), task), now,
                                 frozenset({(end,) for end in ends}), task))
    return out


# ---- clock forms × day forms -------------------------------------------------------------------

HM = frozenset[tuple[int, int]]


def clock_forms(rng: random.Random) -> list[tuple[str, HM]]:
    """(phrase, acceptable (hour, minute) readings) for one random hour: every way to write it."""
    h = rng.randint(1, 11)
    w = NUMBER_WORDS[h]
    nxt = h % 12 + 1
    both = frozenset({(h, 0), (h + 12, 0)})
    half = frozenset({(h, 30), (h + 12, 30)})
    to = frozenset({(h, 45), (h + 12, 45)})  # "quarter to <h+1>"
    return [
        (f"at {h}pm", frozenset({(h + 12, 0)})), (f"{h} pm", frozenset({(h + 12, 0)})),
        (f"at {h}p", frozenset({(h + 12, 0)})), (f"{h}PM", frozenset({(h + 12, 0)})),
        (f"at {h} p.m.", frozenset({(h + 12, 0)})), (f"at {h}am", frozenset({(h, 0)})),
        (f"{h} a.m.", frozenset({(h, 0)})), (f"at {h}:30pm", frozenset({(h + 12, 30)})),
        (f"at {h}.30pm", frozenset({(h + 12, 30)})), (f"at {h}:15", frozenset({(h, 15), (h + 12, 15)})),
        (f"at {h}.30", half), (f"at {h:02d}30", frozenset({(h, 30)})),
        (f"at {h + 12}:30", frozenset({(h + 12, 30)})), (f"at {h + 12}h30", frozenset({(h + 12, 30)})),
        (f"{h + 12}:45", frozenset({(h + 12, 45)})), (f"at half {w}", half),
        (f"at half past {h}", half), (f"half past {w}", half), (f"at quarter to {nxt}", to),
        (f"quarter past {h}pm", frozenset({(h + 12, 15)})), (f"at {h} sharp", both),
        (f"at {h}pm sharp", frozenset({(h + 12, 0)})), (f"around {h}ish", both), (f"at {h}ish", both),
        (f"@{h}pm", frozenset({(h + 12, 0)})), (f"@ {h}:30pm", frozenset({(h + 12, 30)})),
        (f"at {h} o'clock", both), (f"at {w} o'clock", both), (f"at {h}", both),
        (f"at {h} in the morning", frozenset({(h, 0)})), ("at noon", frozenset({(12, 0)})),
        ("at 12 noon", frozenset({(12, 0)})), (f"by {h}pm", frozenset({(h + 12, 0)})),
        (f"{w} pm", frozenset({(h + 12, 0)})), (f"at {w} thirty pm", frozenset({(h + 12, 30)})),
        (f"at ten to {NUMBER_WORDS[nxt]} pm", frozenset({(h + 12, 50)})),
        (f"at {w} in the evening" if h >= 5 else f"at {w} in the afternoon", frozenset({(h + 12, 0)})),
        (f"at {h} o'clock in the morning", frozenset({(h, 0)})), (f"at {h}:00 hrs", both),
        (f"{h}:30 p.m.", frozenset({(h + 12, 30)})), (f"at {h}.15 pm", frozenset({(h + 12, 15)})),
    ]


DayFn = Callable[[datetime, tuple[int, int]], set[datetime]]


def _at(day: date, hm: tuple[int, int]) -> datetime:
    return datetime.combine(day, time(*hm))


def _weekday(wd: int, modifier: str) -> DayFn:
    def fn(now: datetime, hm: tuple[int, int]) -> set[datetime]:
        today = now.date()
        coming = today + timedelta(days=(wd - today.weekday()) % 7)  # today when it is that day
        later = coming + timedelta(days=7)
        if modifier == "next":  # this coming one (not today) or the one in the next week
            first = coming if coming > today else later
            return {_at(first, hm), _at(first + timedelta(days=7), hm)}
        if modifier == "week":  # British "Friday week": a week after the coming Friday
            first = coming if coming > today else later
            return {_at(first + timedelta(days=7), hm)}
        ok = {_at(later, hm)} if coming == today else set()  # said on that day: today or next week
        if _at(coming, hm) > now:
            ok.add(_at(coming, hm))
        elif coming > today:
            ok = {_at(coming, hm)}
        return ok or {_at(later, hm)}
    return fn


def _offset(days: int) -> DayFn:
    return lambda now, hm: {_at(now.date() + timedelta(days=days), hm)}


def _month_day(month: int, day: int) -> DayFn:
    def fn(now: datetime, hm: tuple[int, int]) -> set[datetime]:
        when = _at(date(now.year, month, day), hm)
        return {when if when > now else _at(date(now.year + 1, month, day), hm)}
    return fn


def _nth_of_month(day: int) -> DayFn:
    def fn(now: datetime, hm: tuple[int, int]) -> set[datetime]:
        first = now.date().replace(day=1)
        for k in range(3):
            month = first + relativedelta(months=k)
            when = _at(month.replace(day=day), hm)
            if when > now:
                return {when}
        raise AssertionError
    return fn


def _weeks_then_weekday(weeks: int, wd: int) -> DayFn:
    def fn(now: datetime, hm: tuple[int, int]) -> set[datetime]:
        later = now.date() + timedelta(weeks=weeks)
        monday = later - timedelta(days=later.weekday())
        in_week = monday + timedelta(days=wd)
        on_or_after = later + timedelta(days=(wd - later.weekday()) % 7)
        return {_at(in_week, hm), _at(on_or_after, hm)}
    return fn


def _suffix(n: int) -> str:
    return "th" if 4 <= n <= 20 or n % 10 > 3 or n % 10 == 0 else ["st", "nd", "rd"][n % 10 - 1]


def day_forms(rng: random.Random) -> list[tuple[str, DayFn]]:
    wd = rng.randrange(7)
    name = rng.choice(WEEKDAY_SPELLINGS[wd])
    full = WEEKDAYS[wd]
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    mname = MONTHS[month - 1]
    nth = rng.randint(2, 28)
    suffix = _suffix(nth)
    ordinal = f"{day}{_suffix(day)}"
    return [
        ("tomorrow", _offset(1)), ("tmrw", _offset(1)), ("tmr", _offset(1)), ("2moro", _offset(1)),
        ("Tomorrow", _offset(1)), ("the day after tomorrow", _offset(2)),
        ("day after tomorrow", _offset(2)), ("a week from tomorrow", _offset(8)),
        ("a week from today", _offset(7)), ("in 2 days", _offset(2)), ("in three days", _offset(3)),
        (name, _weekday(wd, "")), (f"on {name}", _weekday(wd, "")), (f"this {full}", _weekday(wd, "")),
        (f"next {name}", _weekday(wd, "next")), (f"{full} week", _weekday(wd, "week")),
        (f"on the {nth}{suffix}", _nth_of_month(nth)),
        (f"{ordinal} of {mname}", _month_day(month, day)), (f"{mname[:3]} {day}", _month_day(month, day)),
        (f"{mname.capitalize()} {ordinal}", _month_day(month, day)),
        (f"on {day} {mname}", _month_day(month, day)), (f"the {ordinal} of {mname}", _month_day(month, day)),
        (f"{month}/{day}", _month_day(month, day)),  # month first: the extractor's setting
        (f"in 2 weeks on {full}", _weeks_then_weekday(2, wd)),
        (f"{mname[:3]} {ordinal}, 2027", _fixed(2027, month, day)),
        (f"{day} {mname} 2027", _fixed(2027, month, day)),
        (f"on 2027-{month:02d}-{day:02d}", _fixed(2027, month, day)),
        (f"{full} next week", _next_week(wd)), (f"{full} after next", _after_next(wd)),
        (f"the first {full} of next month", _nth_weekday_next_month(wd, 1)),
        (f"the last {full} of next month", _nth_weekday_next_month(wd, -1)),
    ]


def _fixed(year: int, month: int, day: int) -> DayFn:
    """A day with its year: that day or nothing (a past one is refused, tested elsewhere)."""
    return lambda now, hm: {_at(date(year, month, day), hm)}


def _next_week(wd: int) -> DayFn:
    def fn(now: datetime, hm: tuple[int, int]) -> set[datetime]:
        monday = now.date() - timedelta(days=now.weekday()) + timedelta(days=7)
        return {_at(monday + timedelta(days=wd), hm)}
    return fn


def _after_next(wd: int) -> DayFn:
    def fn(now: datetime, hm: tuple[int, int]) -> set[datetime]:
        coming = now.date() + timedelta(days=(wd - now.weekday() - 1) % 7 + 1)  # never today
        return {_at(coming + timedelta(days=7), hm)}
    return fn


def _nth_weekday_next_month(wd: int, n: int) -> DayFn:
    def fn(now: datetime, hm: tuple[int, int]) -> set[datetime]:
        first = now.date().replace(day=1) + relativedelta(months=1)
        if n > 0:
            return {_at(first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1)), hm)}
        last = first + relativedelta(months=1) - timedelta(days=1)
        return {_at(last - timedelta(days=(last.weekday() - wd) % 7), hm)}
    return fn


def _next_clock(now: datetime, hm: tuple[int, int]) -> datetime:
    when = _at(now.date(), hm)
    return when if when > now else when + timedelta(days=1)


def clock_day_probes(seed: int = 2, count: int = 1500) -> list[Probe]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        now = rng.choice(NOWS)
        clock, hms = rng.choice(clock_forms(rng))
        task = rng.choice(TASKS)
        if rng.random() < 0.15:  # a clock time alone: the next time the clock shows it
            accept = frozenset({(_next_clock(now, hm),) for hm in hms})
            out.append(Probe("clock", place(rng, clock, task), now, accept, task))
            continue
        day, fn = rng.choice(day_forms(rng))
        accept = frozenset({(t,) for hm in hms for t in fn(now, hm) if t > now})
        if not accept:
            continue  # a day that has passed: a refusal is the answer, tested elsewhere
        phrase = f"{day} {clock}" if rng.random() < 0.6 else f"{clock} {day}"
        out.append(Probe("clock×day", place(rng, phrase, task), now, accept, task))
    return out


# ---- dayparts × days ---------------------------------------------------------------------------

DAYPARTS = {"morning": range(6, 12), "afternoon": range(12, 18), "evening": range(17, 23),
            "night": range(19, 24)}


def daypart_probes(seed: int = 3, count: int = 300) -> list[Probe]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        now = rng.choice(NOWS)
        part = rng.choice(list(DAYPARTS))
        hms = [(h, m) for h in DAYPARTS[part] for m in (0, 30)]
        day, fn = rng.choice([d for d in day_forms(rng) if not d[0].startswith("in 2 weeks")])
        phrase = f"{day} {part}" if rng.random() < 0.5 else f"{day} in the {part}"
        if day.startswith(("on ", "the ", "a ", "day ")) or "/" in day or "of" in day:
            phrase = f"{day} in the {part}"
        accept = frozenset({(t,) for hm in hms for t in fn(now, hm) if t > now})
        if not accept:
            continue
        task = rng.choice(TASKS)
        out.append(Probe("daypart×day", place(rng, phrase, task), now, accept, task))
    return out


# ---- recurrences × times -----------------------------------------------------------------------

def _series(now: datetime, hms: Iterable[tuple[int, int]], ok: Callable[[date, date], bool],
            n: int = 4) -> set[tuple[datetime, ...]]:
    """For each time reading: the first n instants after now on days where ok(day, first_day)."""
    out = set()
    for hm in hms:
        fires: list[datetime] = []
        start: date | None = None
        day = now.date()
        while len(fires) < n:
            when = _at(day, hm)
            if when > now and ((start is None and ok(day, day)) or (start is not None and ok(day, start))):
                start = start or day
                fires.append(when)
            day += timedelta(days=1)
        out.add(tuple(fires))
    return out


def recurrence_forms(rng: random.Random) -> list[tuple[str, Callable[[date, date], bool]]]:
    wd = rng.randrange(7)
    other = (wd + rng.randint(1, 6)) % 7
    name = rng.choice(WEEKDAY_SPELLINGS[wd])
    nth = rng.randint(1, 28)
    ordinal = {1: "1st", 2: "2nd", 3: "3rd", 21: "21st", 22: "22nd", 23: "23rd"}.get(nth, f"{nth}th")
    word_ord = {1: "first", 2: "second", 3: "third", 15: "fifteenth"}.get(nth)
    weekday = lambda d, s: d.weekday() < 5  # noqa: E731
    forms: list[tuple[str, Callable[[date, date], bool]]] = [
        ("every day", lambda d, s: True), ("daily", lambda d, s: True), ("each day", lambda d, s: True),
        ("every other day", lambda d, s: (d - s).days % 2 == 0),
        ("every 2nd day", lambda d, s: (d - s).days % 2 == 0),
        ("every second day", lambda d, s: (d - s).days % 2 == 0),
        ("every 3 days", lambda d, s: (d - s).days % 3 == 0),
        ("every weekday", weekday), ("weekdays", weekday), ("on weekdays", weekday),
        ("each weekday", weekday), ("every day except weekends", weekday),
        ("every day except saturday and sunday", weekday), ("mon-fri", weekday),
        ("monday to friday", weekday), ("every weekend", lambda d, s: d.weekday() >= 5),
        (f"every {name}", lambda d, s: d.weekday() == wd),
        (f"each {WEEKDAYS[wd]}", lambda d, s: d.weekday() == wd),
        (f"on {WEEKDAYS[wd]}s", lambda d, s: d.weekday() == wd),
        (f"every other {WEEKDAYS[wd]}", lambda d, s: d.weekday() == wd and (d - s).days % 14 == 0),
        (f"every 2 weeks on {WEEKDAYS[wd]}", lambda d, s: d.weekday() == wd and (d - s).days % 14 == 0),
        (f"biweekly on {WEEKDAYS[wd]}s", lambda d, s: d.weekday() == wd and (d - s).days % 14 == 0),
        (f"fortnightly on {name}", lambda d, s: d.weekday() == wd and (d - s).days % 14 == 0),
        (f"every fortnight on {WEEKDAYS[wd]}", lambda d, s: d.weekday() == wd and (d - s).days % 14 == 0),
        (f"every two weeks on {WEEKDAYS[wd]}", lambda d, s: d.weekday() == wd and (d - s).days % 14 == 0),
        (f"every {WEEKDAYS[wd]} and {WEEKDAYS[other]}", lambda d, s: d.weekday() in (wd, other)),
        (f"on the {ordinal} of every month", lambda d, s: d.day == nth),
        (f"on the {ordinal} of each month", lambda d, s: d.day == nth),
        (f"monthly on the {ordinal}", lambda d, s: d.day == nth),
        (f"every month on the {ordinal}", lambda d, s: d.day == nth),
    ]
    if word_ord:
        forms.append((f"on the {word_ord} of every month", lambda d, s: d.day == nth))
    return forms


_DAY_WORDS = set(WEEKDAYS) | {s for ss in WEEKDAY_SPELLINGS for s in ss}


def recurrence_probes(seed: int = 4, count: int = 900) -> list[Probe]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        now = rng.choice(NOWS)
        rule, ok = rng.choice(recurrence_forms(rng))
        if rng.random() < 0.25:  # a daypart: "every weekday morning", "every morning except weekends"
            part = rng.choice(["morning", "evening"])
            hms: Iterable[tuple[int, int]] = [(h, m) for h in DAYPARTS[part] for m in (0, 30)]
            if rule.startswith("every day except"):
                phrase = f"every {part} except " + rule.split(" except ")[1]
            elif rule in ("every weekday", "each weekday") or (rule.startswith(("every ", "each ")) and
                                                                rule.split()[1] in _DAY_WORDS):
                phrase = f"{rule} {part}"
            else:
                phrase = f"{rule} in the {part}"
        else:
            clock, hms = rng.choice([c for c in clock_forms(rng) if not c[0].startswith(("by ", "around"))])
            phrase = f"{rule} {clock}" if rng.random() < 0.7 else f"{clock} {rule}"
        task = rng.choice(TASKS)
        out.append(Probe("recurrence×time", place(rng, phrase, task), now,
                         frozenset(_series(now, hms, ok)), task))
    return out


# ---- titles with time-like words of their own ------------------------------------------------

# Each holds a number, a clock time, a weekday, a unit or a frequency word that is the task's.
TIME_WORD_TASKS = ["review the 8am meeting notes", "prep the 3pm call", "cancel the 10:30 appointment",
                   "print the 2027 budget", "call 911", "plan the monday meeting",
                   "read the 5 minute summary", "start the 30 day challenge", "send the weekly report",
                   "book the 7 o'clock table", "renew the 12 month plan", "fix the 2nd floor light",
                   "bring 2 chairs to room 4", "order 3 pizzas for 6 people", "buy a 1 year pass"]


def title_probes(seed: int = 5, count: int = 500) -> list[Probe]:
    """An unambiguous day and time (am/pm or 24-hour) with a task whose words look like time."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        now = rng.choice(NOWS)
        clock, hms = rng.choice([c for c in clock_forms(rng) if len(c[1]) == 1 and "noon" not in c[0]])
        day, fn = rng.choice([d for d in day_forms(rng) if not d[0].startswith("in 2 weeks")])
        accept = frozenset({(t,) for hm in hms for t in fn(now, hm) if t > now})
        if not accept:
            continue
        task = rng.choice(TIME_WORD_TASKS)
        phrase = f"{day} {clock}" if rng.random() < 0.6 else f"{clock} {day}"
        out.append(Probe("time-words title", place(rng, phrase, task), now, accept, task))
    return out


# ---- offsets from a clock time -----------------------------------------------------------------

def offset_probes(seed: int = 6, count: int = 400) -> list[Probe]:
    """"30 minutes before 5pm", "an hour after noon tomorrow": the time moved by the duration."""
    rng = random.Random(seed)
    amounts = [("30 minutes", 30), ("half an hour", 30), ("an hour", 60), ("2 hours", 120),
               ("15 mins", 15), ("1h", 60), ("90 minutes", 90), ("a quarter of an hour", 15),
               ("10 min", 10), ("two hours", 120)]
    out = []
    for _ in range(count):
        now = rng.choice(NOWS)
        d, minutes = rng.choice(amounts)
        way = rng.choice(["before", "after"])
        clock, hms = rng.choice([c for c in clock_forms(rng) if len(c[1]) == 1 and c[0].startswith(
            ("at ", "@"))])
        clock = clock.removeprefix("at ").removeprefix("@").strip()
        sign = -1 if way == "before" else 1
        if rng.random() < 0.5:
            day, fn = rng.choice([f for f in day_forms(rng)[:11]])  # tomorrow, in 2 days, ...
            base = {t for hm in hms for t in fn(now, hm)}
            phrase = f"{d} {way} {clock} {day}"
        else:
            # today's, even when it has passed ("2 hours after 8pm" said at 21:30 is 22:00), or
            # the next one
            base = {t for hm in hms for t in (_at(now.date(), hm), _next_clock(now, hm))}
            phrase = f"{d} {way} {clock}"
        accept = frozenset({(t + timedelta(minutes=sign * minutes),) for t in base
                            if t + timedelta(minutes=sign * minutes) > now})
        if not accept:
            continue
        task = rng.choice(TASKS)
        out.append(Probe("offset from time", place(rng, phrase, task), now, accept, task))
    return out


def all_probes(seed: int = 0) -> list[Probe]:
    # they build on this module's pieces
    from tests.grammar_probes_ranges import range_probes
    from tests.grammar_probes_subdaily import anchor_probes, window_probes

    return duration_probes(1 + seed) + clock_day_probes(2 + seed) + daypart_probes(3 + seed) + \
        recurrence_probes(4 + seed) + title_probes(5 + seed) + offset_probes(6 + seed) + \
        range_probes(7 + seed) + anchor_probes(8 + seed) + window_probes(9 + seed)


def main() -> None:
    import sys

    results = tally(all_probes(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
    total = Counter[str]()
    for family, t in results.items():
        print(f"{family:18} {t.total:5} right {t.right:5} asked {t.asked:4} wrong {len(t.wrong):4}")
        total.update(right=t.right, asked=t.asked, wrong=len(t.wrong))
    print(f"{'all':18} {sum(total.values()):5} right {total['right']:5} asked {total['asked']:4} "
          f"wrong {total['wrong']:4}")
    for family, t in results.items():
        for line in t.wrong:
            print(f"WRONG {family}: {line}")


if __name__ == "__main__":
    main()
