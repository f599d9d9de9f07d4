"""Clock times by combination: hour × minute form × meridiem × connector × position × filler ×
capitalisation. Each expectation is computed from the parameters with datetime (the next time the
wall clock shows that hour and minute), never read back from the extractor."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from taskd.errors import BadInput, TaskdError
from taskd.extract import clean_text
from taskd.extract.rules import RulesExtractor
from taskd.pipeline import parse
from taskd.resolve.dayparts import TimePref

TZ = "Europe/Berlin"
ZONE = ZoneInfo(TZ)
RULES = RulesExtractor(day_first=False)
TASK = "water the plants"
NOWS = [datetime(2026, 12, 2, 10, 0, tzinfo=ZONE), datetime(2027, 3, 15, 18, 40, tzinfo=ZONE)]
FILLERS = ["", "please ", "hey, ", "can you "]
MINUTE_WORDS = {15: "quarter past", 30: "half past", 45: "quarter to", 10: "ten past",
                40: "twenty to", 5: "five past"}


def fire(text: str, now: datetime, prefs: dict[str, TimePref] | None = None
         ) -> tuple[datetime | None, str | None]:
    parsed = parse(text, extractor=RULES, now=now, tz=TZ, prefs=prefs)
    first = parsed.resolved.first.astimezone(ZONE).replace(tzinfo=None) if parsed.resolved else None
    return first, parsed.draft.title


def next_at(now: datetime, hour: int, minute: int) -> datetime:
    """The next wall-clock hour:minute after `now`: today if still ahead, else tomorrow."""
    local = now.replace(tzinfo=None)
    candidate = datetime.combine(local.date(), time(hour, minute))
    return candidate if candidate > local else candidate + timedelta(days=1)


def twelve(hour: int) -> int:
    return hour % 12 or 12


def spellings(hour: int, minute: int) -> list[tuple[str, bool]]:
    """Ways to write hour:minute (24-hour) unambiguously, each with whether it needs "at"."""
    ap = "am" if hour < 12 else "pm"
    h12 = twelve(hour)
    forms = [(f"{h12}:{minute:02d} {ap}", False), (f"{h12}:{minute:02d}{ap}", False),
             (f"{h12}:{minute:02d} {ap.upper()}", False), (f"{hour}h{minute:02d}", False)]
    if minute == 0:
        forms += [(f"{h12}{ap}", False), (f"{h12} {ap}", False)]
        if hour >= 13:
            forms.append((f"{hour}h", False))
    if hour >= 13:
        forms.append((f"{hour}:{minute:02d}", False))
    forms.append((f"{hour:02d}{minute:02d}", True))  # military: "at 1030", "at 0730"
    if hour >= 1 and minute in MINUTE_WORDS:
        words = MINUTE_WORDS[minute]
        shown = twelve(hour + 1) if words.endswith(" to") else h12
        forms.append((f"{words} {shown} {ap}", False))
    if minute == 45:
        forms.append((f"three quarters past {h12}{ap}", False))
    return forms


def sentences(phrase: str, position: str, filler: str, case: str) -> str:
    text = {"start": f"{phrase} {TASK}", "end": f"{TASK} {phrase}",
            "middle": f"water {phrase} the plants"}[position]
    text = filler + ("remind me to " + text if position != "start" else text)
    return {"lower": text, "title": text[:1].upper() + text[1:], "upper": text.upper()}[case]


def _clock_cases() -> list[tuple[str, datetime, datetime]]:
    rng = random.Random(12)
    cases = []
    for hour, minute in itertools.product(range(24), (0, 5, 10, 15, 30, 40, 45, 59)):
        for form, needs_at in spellings(hour, minute):
            connector = "at " if needs_at else rng.choice(["at ", "", "around "])
            position = rng.choice(["start", "end"])
            filler = rng.choice(FILLERS)
            case = rng.choice(["lower", "title", "upper"])
            now = rng.choice(NOWS)
            text = sentences(connector + form, position, filler, case)
            cases.append((text, now, next_at(now, hour, minute)))
    return cases


CLOCK_CASES = _clock_cases()


def test_the_generator_covers_the_families() -> None:
    texts = " ".join(text.lower() for text, _, _ in CLOCK_CASES)
    for family in ("16h00", "19h ", "at 1030", "at 0730", "half past", "quarter to",
                   "three quarters past", "ten past", " pm "):
        assert family in texts, family
    assert len(CLOCK_CASES) > 600


@pytest.mark.parametrize(("text", "now", "expected"), CLOCK_CASES, ids=[c[0] for c in CLOCK_CASES])
def test_clock_time_families(text: str, now: datetime, expected: datetime) -> None:
    first, title = fire(text, now)
    assert first == expected
    assert title is not None and title.lower() == TASK


@pytest.mark.parametrize("phrase", ["at 16h00", "at 1030", "at quarter past noon", "at half three",
                                    "three quarters past 9pm", "at 730 in the evening", "mid-morning",
                                    "early afternoon", "late evening", "at 8 in the night"])
def test_same_phrase_anywhere_gives_the_same_schedule_and_title(phrase: str) -> None:
    now = NOWS[0]
    results = {(position, filler): fire(sentences(phrase, position, filler, "lower"), now)
               for position in ("start", "middle", "end") for filler in FILLERS}
    assert len(set(results.values())) == 1, results
    first, title = next(iter(results.values()))
    assert first is not None and title == "Water the plants"


@pytest.mark.parametrize(("phrase", "hour", "minute"), [
    ("quarter past noon", 12, 15), ("half past midnight", 0, 30), ("quarter to midnight", 23, 45),
    ("quarter to noon", 11, 45), ("at 8 in the night", 20, 0), ("at 730 in the evening", 19, 30),
    ("at 10 in the night", 22, 0), ("at 12 noon", 12, 0), ("at 24:00", 0, 0)])
def test_noon_midnight_and_night(phrase: str, hour: int, minute: int) -> None:
    now = NOWS[0]
    assert fire(f"{TASK} {phrase}", now)[0] == next_at(now, hour, minute)


@pytest.mark.parametrize("hour", range(1, 13))
@pytest.mark.parametrize("clock", [(9, 0), (16, 0), (23, 30)])
def test_half_hour_british_is_the_next_of_its_two_readings(hour: int, clock: tuple[int, int]) -> None:
    now = NOWS[0].replace(hour=clock[0], minute=clock[1])
    word = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve"][hour - 1]
    expected = min(next_at(now, hour % 12, 30), next_at(now, hour % 12 + 12, 30))
    assert fire(f"{TASK} at half {word}", now)[0] == expected


@pytest.mark.parametrize("hour", range(1, 12))
@pytest.mark.parametrize("clock", [(8, 0), (10, 0), (13, 30)])
def test_a_bare_hour_today_whose_morning_passed_is_the_evening_one(hour: int,
                                                                   clock: tuple[int, int]) -> None:
    now = NOWS[0].replace(hour=clock[0], minute=clock[1])
    local = now.replace(tzinfo=None)
    morning = datetime.combine(local.date(), time(hour, 0))
    text = f"call mom at {hour} today"
    if 1 <= hour <= 5:  # a bare 1-5 is read as the afternoon anyway
        morning = morning.replace(hour=hour + 12)
    if morning > local:
        assert fire(text, now)[0] == morning
    elif morning.replace(hour=hour + 12) > local:
        assert fire(text, now)[0] == morning.replace(hour=hour + 12)


DAYPART_TABLE = {  # (edge, daypart): minutes from the daypart's time, as the README says
    ("early", "morning"): -120, ("mid", "morning"): 90, ("late", "morning"): 120,
    ("early", "afternoon"): -120, ("late", "afternoon"): 120, ("early", "evening"): -60,
    ("late", "evening"): 120, ("late", "night"): 120}


@pytest.mark.parametrize(("edge", "part"), list(DAYPART_TABLE))
@pytest.mark.parametrize("learned", [None, "07:30", "20:15"])
@pytest.mark.parametrize("spelling", ["{edge} {part}", "{edge}-{part}", "in the {edge} {part}"])
def test_early_mid_late_dayparts_follow_the_learned_daypart(edge: str, part: str, learned: str | None,
                                                            spelling: str) -> None:
    if spelling == "in the {edge} {part}" and edge == "mid":
        spelling = "{edge}-{part}"
    defaults = {"morning": "09:00", "afternoon": "15:00", "evening": "19:00", "night": "21:00"}
    base = learned or defaults[part]
    prefs = {part: TimePref(base, "learned")} if learned else None
    hour, minute = map(int, base.split(":"))
    total = hour * 60 + minute + DAYPART_TABLE[edge, part]
    now = datetime(2026, 12, 2, 0, 5, tzinfo=ZONE)
    phrase = spelling.format(edge=edge, part=part)
    if edge != "mid" and "-" in phrase:
        phrase = phrase.replace("-", " ")
    first, title = fire(f"tomorrow {phrase} {TASK}", now, prefs)
    expected = datetime(2026, 12, 3) + timedelta(minutes=min(max(total, 0), 23 * 60 + 59))
    assert (first, title) == (expected, "Water the plants")


@pytest.mark.parametrize("hour", [24, 25, 30, 47, 99])
@pytest.mark.parametrize("minute", [0, 30])
def test_an_hour_past_23_is_an_error_naming_it(hour: int, minute: int) -> None:
    if (hour, minute) == (24, 0):
        return  # 24:00 is midnight
    with pytest.raises(BadInput, match=f"there is no {hour}:{minute:02d}"):
        fire(f"remind me at {hour}:{minute:02d} to {TASK}", NOWS[0])


@pytest.mark.parametrize("hour", [0, *range(13, 24), 55])
@pytest.mark.parametrize("ap", ["am", "pm"])
def test_a_twelve_hour_time_past_twelve_is_an_error(hour: int, ap: str) -> None:
    with pytest.raises(BadInput, match=f"there is no {hour}{ap}"):
        fire(f"remind me at {hour}{ap} to {TASK}", NOWS[0])


@pytest.mark.parametrize("text", ["at 9:75 water the plants", "at 1075 water the plants",
                                  "at 2460 water the plants", "at 7:60 pm water the plants"])
def test_minutes_past_59_are_an_error(text: str) -> None:
    with pytest.raises(BadInput, match="there is no"):
        fire(text, NOWS[0])


@pytest.mark.parametrize("text", ["in 1h30 water the plants", "water the plants for 19h",
                                  "water the plants in 2h"])
def test_durations_with_h_are_not_clock_times(text: str) -> None:
    try:
        parsed = parse(clean_text(text), extractor=RULES, now=NOWS[0], tz=TZ)
    except TaskdError:
        return
    draft = parsed.draft
    assert draft.schedule is None or draft.schedule.time is None


@pytest.mark.parametrize("text", ["watch the 24h race", "cut it in half three times",
                                  "order 1030 screws at the shop"])
def test_numbers_that_are_no_clock_times(text: str) -> None:
    parsed = parse(clean_text(text), extractor=RULES, now=NOWS[0], tz=TZ)
    assert parsed.draft.schedule is None or parsed.draft.schedule.time is None
