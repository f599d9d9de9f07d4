"""Calendar days by combination: weekday × modifier × anchor (the day it is said) × year, and
day × month × spelling × year. Expectations come from the parameters through dateutil, never
from the extractor."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from taskd.errors import BadInput
from taskd.extract import clean_text
from taskd.extract.rules import RulesExtractor
from taskd.pipeline import parse

TZ = "Europe/Berlin"
ZONE = ZoneInfo(TZ)
RULES = RulesExtractor(day_first=False)
TASK = "book club"
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
SHORT = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
RD = [MO, TU, WE, TH, FR, SA, SU]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four"}
# The anchors: one day of each weekday, at 10:00 (after the usual 09:00), and a month end.
ANCHORS = [datetime(2026, 12, 2, 10, 0, tzinfo=ZONE) + timedelta(days=n) for n in range(7)] + \
    [datetime(2027, 1, 31, 8, 0, tzinfo=ZONE), datetime(2028, 2, 28, 8, 0, tzinfo=ZONE)]


def fire(text: str, now: datetime) -> tuple[date | None, str | None, str | None]:
    parsed = parse(clean_text(text), extractor=RULES, now=now, tz=TZ)
    day = parsed.resolved.first.astimezone(ZONE).date() if parsed.resolved else None
    return day, parsed.draft.title, parsed.question


def place(phrase: str, position: str, filler: str) -> str:
    text = {"start": f"{phrase} {TASK}", "end": f"{TASK} {phrase}"}[position]
    return filler + text


def _weekday_cases() -> list[tuple[str, datetime, date]]:
    rng = random.Random(7)
    cases = []
    for now in ANCHORS:
        today = now.date()
        for wd in range(7):
            name = rng.choice([WEEKDAYS[wd], WEEKDAYS[wd].capitalize()])
            after_next = today + relativedelta(days=+1, weekday=RD[wd](+2))
            cases.append((f"{name} after next", now, after_next))
            for n in (1, 2, 3, 4):
                amount = rng.choice([str(n), NUMBERS[n]])
                counted = today + relativedelta(days=+1, weekday=RD[wd](+n))
                tail = rng.choice(["from now", "from today"])
                cases.append((f"{amount} {WEEKDAYS[wd]}s from now" if n > 1 else
                              f"{amount} {WEEKDAYS[wd]} {tail}", now, counted))
            first_next = today.replace(day=1) + relativedelta(months=1)
            for n, word in ORDINALS.items():
                if n > 0:
                    expected = first_next + relativedelta(weekday=RD[wd](+n))
                else:
                    expected = first_next + relativedelta(day=31, weekday=RD[wd](-1))
                the = rng.choice(["the ", "on the ", ""])
                cases.append((f"{the}{word} {name} of next month", now, expected))
            for year in (today.year + 1, today.year + 2):
                month = rng.randrange(1, 13)
                n = rng.choice([1, 2, 3, -1])
                start = date(year, month, 1)
                expected = start + relativedelta(weekday=RD[wd](+n)) if n > 0 else \
                    start + relativedelta(day=31, weekday=RD[wd](-1))
                cases.append((f"the {ORDINALS[n]} {name} of {MONTHS[month - 1]} {year}", now,
                              expected))
    return cases


WEEKDAY_CASES = _weekday_cases()


@pytest.mark.parametrize(("phrase", "now", "expected"), WEEKDAY_CASES,
                         ids=[f"{c[0]}@{c[1]:%a%d%b%Y}" for c in WEEKDAY_CASES])
@pytest.mark.parametrize("position", ["start", "end"])
def test_weekday_with_modifiers(phrase: str, now: datetime, expected: date, position: str) -> None:
    filler = random.Random(phrase + position).choice(["", "please ", "hey ", "can you remind me: "])
    day, title, question = fire(place(phrase, position, filler), now)
    assert (day, title) == (expected, "Book club"), question


def _weekday_year_cases() -> list[tuple[str, datetime, date | None]]:
    """"Fri, Jul 18": the first year from the date's next occurrence, at most 3 years on, where
    it falls on that weekday; None when none does (the extractor asks)."""
    rng = random.Random(3)
    cases = []
    for now in ANCHORS[:3]:
        today = now.date()
        for _ in range(40):
            target = today + timedelta(days=rng.randrange(2, 900))
            wd = target.weekday() if rng.random() < 0.7 else rng.randrange(7)
            nxt = date(today.year, target.month, target.day)
            if nxt < today:
                nxt = date(today.year + 1, target.month, target.day) if not (
                    target.month == 2 and target.day == 29) else target
            expected = next((date(y, target.month, target.day) for y in range(nxt.year, nxt.year + 3)
                             if _valid(y, target.month, target.day) and
                             date(y, target.month, target.day) >= today and
                             date(y, target.month, target.day).weekday() == wd), None)
            month = MONTHS[target.month - 1]
            spelling = rng.choice(["{wd}, {mon} {d}", "{wd} {mon} {d}", "{wd}, {d} {month}",
                                   "{wd} the {d} of {month}"])
            text = spelling.format(wd=rng.choice([SHORT[wd].capitalize(), WEEKDAYS[wd].capitalize()]),
                                   mon=month[:3].capitalize(), month=month.capitalize(), d=target.day)
            cases.append((text, now, expected))
    return cases


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


WEEKDAY_YEAR_CASES = _weekday_year_cases()


@pytest.mark.parametrize(("phrase", "now", "expected"), WEEKDAY_YEAR_CASES,
                         ids=[f"{c[0]}@{c[1]:%d%b%Y}" for c in WEEKDAY_YEAR_CASES])
def test_a_weekday_fixes_the_year_or_the_extractor_asks(phrase: str, now: datetime,
                                                        expected: date | None) -> None:
    day, title, question = fire(f"{phrase} {TASK}", now)
    assert day == expected
    if expected is None:
        assert question and "which day" in question
    else:
        assert title == "Book club"


@pytest.mark.parametrize("year", [2027, 2031, 2099, 9999])
@pytest.mark.parametrize("spelling", ["on {d} {month} {y}", "on {month} {d}, {y}", "{d}. {mon}. {y}",
                                      "{y} {month} {d}", "on {month} {d} {y} at 9am"])
def test_an_explicit_year_anywhere_is_that_year(year: int, spelling: str) -> None:
    now = ANCHORS[0]
    for month, d in ((12, 31), (3, 18), (11, 16)):
        name = MONTHS[month - 1]
        text = "call mom " + spelling.format(d=d, month=name.capitalize(), mon=name[:3].capitalize(),
                                             y=year)
        day, title, _ = fire(text, now)
        assert (day, title) == (date(year, month, d), "Call mom"), text


@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("spelling", ["{mon}{d}", "{d}{mon}", "{Mon}{d}"])
def test_glued_month_and_day(month: int, spelling: str) -> None:
    now = ANCHORS[0]
    d = 2 + month
    name = MONTHS[month - 1][:3]
    expected = date(2026, month, d) if date(2026, month, d) > now.date() else date(2027, month, d)
    text = f"{TASK} " + spelling.format(mon=name, Mon=name.capitalize(), d=d)
    assert fire(text, now)[:2] == (expected, "Book club")


@pytest.mark.parametrize("d", [1, 3, 9, 15, 28, 29, 30, 31])
@pytest.mark.parametrize("spelling", ["on the {d}", "on {d}", "on the {d} at 9am"])
@pytest.mark.parametrize("now", ANCHORS[::3])
def test_on_a_bare_day_of_the_month(d: int, spelling: str, now: datetime) -> None:
    today = now.date()
    first = today.replace(day=1)
    expected = next(first + relativedelta(months=k, day=d) for k in range(3)
                    if (first + relativedelta(months=k, day=d)).day == d and
                    datetime.combine(first + relativedelta(months=k, day=d), time(9)) >
                    now.replace(tzinfo=None))
    assert fire(f"pay the rent {spelling.format(d=d)}", now)[:2] == (expected, "Pay the rent")


@pytest.mark.parametrize(("month", "day"), [(2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31)])
@pytest.mark.parametrize("spelling", ["{mon} {d}", "{d} {month}", "on the {d} of {month}"])
def test_a_date_that_does_not_exist_is_an_error(month: int, day: int, spelling: str) -> None:
    name = MONTHS[month - 1]
    text = f"{TASK} " + spelling.format(mon=name[:3], month=name, d=day)
    with pytest.raises(BadInput, match="not a real date"):
        fire(text, ANCHORS[0])


def test_a_fifth_weekday_that_a_month_lacks_is_an_error() -> None:
    with pytest.raises(BadInput, match="has no"):
        fire(f"{TASK} the fifth monday of february 2027", ANCHORS[0])


@pytest.mark.parametrize("phrase", ["friday after next", "first friday of next month",
                                    "2 fridays from now", "on the 20th of next month",
                                    "third tuesday of september 2027"])
def test_same_day_phrase_anywhere_gives_the_same_day_and_title(phrase: str) -> None:
    now = ANCHORS[0]
    got = {fire(text, now)[:2] for text in (
        f"{phrase} {TASK}", f"{TASK} {phrase}", f"please {TASK} {phrase}", f"hey, {phrase} {TASK}",
        f"can you remind me {phrase} about {TASK}".replace("about ", ""), f"{phrase.upper()} {TASK}")}
    assert len(got) == 1 and next(iter(got))[1] == "Book club", got


@pytest.mark.parametrize("text", ["turn on 15 lights", "take the bus on the 15 bus line",
                                  "switch on 2 fans in the office"])
def test_a_number_after_on_that_counts_something_is_no_day(text: str) -> None:
    parsed = parse(clean_text(text), extractor=RULES, now=ANCHORS[0], tz=TZ)
    assert parsed.draft.schedule is None or parsed.draft.schedule.date is None


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("unit", ["day", "days", "week", "weeks"])
@pytest.mark.parametrize(("anchor", "shift"), [("today", 0), ("tomorrow", 1)])
@pytest.mark.parametrize("word", ["after", "from"])
def test_an_amount_after_a_relative_day(n: int, unit: str, anchor: str, shift: int, word: str) -> None:
    now = ANCHORS[0]
    step = timedelta(days=n) if unit.startswith("day") else timedelta(weeks=n)
    expected = now.date() + timedelta(days=shift) + step
    assert fire(f"{n} {unit} {word} {anchor} {TASK}", now)[:2] == (expected, "Book club")


@pytest.mark.parametrize("wd", range(7))
@pytest.mark.parametrize("spelling", ["{Name} week", "a week on {name}", "on {name} week"])
@pytest.mark.parametrize("now", ANCHORS[:7:2])
def test_british_weekday_week(wd: int, spelling: str, now: datetime) -> None:
    """"Monday week", "a week on Friday": the weekday's next occurrence (never today), a week on."""
    expected = now.date() + relativedelta(days=+1, weekday=RD[wd](+1)) + timedelta(weeks=1)
    text = spelling.format(Name=WEEKDAYS[wd].capitalize(), name=WEEKDAYS[wd])
    assert fire(f"{text} {TASK}", now)[:2] == (expected, "Book club")


@pytest.mark.parametrize("wd", range(7))
@pytest.mark.parametrize(("which", "weeks"), [("this", 0), ("next", 1)])
def test_weekday_of_a_named_week(wd: int, which: str, weeks: int) -> None:
    now = ANCHORS[0]
    monday = now.date() + relativedelta(weekday=MO(-1))
    expected = monday + timedelta(weeks=weeks, days=wd)
    if expected == now.date():
        return  # today after the usual time: the rolling convention of plain weekdays decides
    if expected < now.date():
        with pytest.raises(BadInput, match="passed"):  # a day of this week that has gone
            fire(f"{WEEKDAYS[wd]} of {which} week {TASK}", now)
        return
    assert fire(f"{WEEKDAYS[wd]} of {which} week {TASK}", now)[:2] == (expected, "Book club")
