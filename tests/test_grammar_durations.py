"""Amounts, units and bounds, tested by combination: every amount × unit × construction × position ×
filler × capitalisation, the expected fire time computed from the parameters (never from the
extractor); metamorphic tests (the same phrase anywhere in the sentence gives the same schedule and
title); and the refusals and questions that replace a silently wrong reading."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta

from taskd.errors import BadInput, PastTime
from taskd.evaluate import report, run_case
from taskd.extract import clean_text
from taskd.extract.rules import RulesExtractor
from taskd.resolve import resolve
from tests.cli import taskd

RULES = RulesExtractor(day_first=False)
UTC = "UTC"
NOW_UTC = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo(UTC))
BERLIN = "Europe/Berlin"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo(BERLIN))  # a Wednesday

# (text, value): the amount grammar. Word amounts never glue to a unit; "a"/"an" are chosen per unit.
AMOUNTS = [("2", 2), ("15", 15), ("2.5", 2.5), ("1/2", 0.5), ("½", 0.5), ("two", 2),
           ("twenty five", 25), ("twenty-five", 25), ("3 and a half", 3.5), ("two and a half", 2.5),
           ("a couple of", 2), ("a pair of", 2), ("1.25", 1.25), ("ARTICLE", 1)]
# (spelling, field, seconds per unit or None for calendar units, singular?)
UNITS = [
    ("h", "hours", 3600, None), ("hr", "hours", 3600, None), ("hrs", "hours", 3600, None),
    ("hour", "hours", 3600, True), ("hours", "hours", 3600, False),
    ("m", "minutes", 60, None), ("min", "minutes", 60, None), ("mins", "minutes", 60, None),
    ("minute", "minutes", 60, True), ("minutes", "minutes", 60, False),
    ("s", "seconds", 1, None), ("sec", "seconds", 1, None), ("secs", "seconds", 1, None),
    ("second", "seconds", 1, True), ("seconds", "seconds", 1, False),
    ("d", "days", 86400, None), ("day", "days", 86400, True), ("days", "days", 86400, False),
    ("w", "weeks", 604800, None), ("wk", "weeks", 604800, None), ("week", "weeks", 604800, True),
    ("weeks", "weeks", 604800, False),
    ("mo", "months", None, None), ("month", "months", None, True), ("months", "months", None, False),
    ("y", "years", None, None), ("yr", "years", None, None), ("year", "years", None, True),
    ("years", "years", None, False),
]
CONSTRUCTIONS = ["in {d}", "{d} from now", "{d} later", "in another {d}", "after {d}", "within {d}"]
TASKS = ["call mom", "check the oven", "water the plants", "send the invoice"]
FILLERS = ["", "please ", "hey, ", "can you ", "remind me to "]


def _amount_text(amount: str, unit: str, singular: bool | None) -> str | None:
    if amount == "ARTICLE":
        if singular is not True:
            return None
        return "an" if unit.startswith("h") else "a"
    return amount


def _phrases() -> list[tuple[str, str, float, int | None]]:
    """(duration text, field, value, seconds per unit) for every amount × unit that English allows."""
    out = []
    for (amount, value), (unit, field, seconds, singular) in itertools.product(AMOUNTS, UNITS):
        text = _amount_text(amount, unit, singular)
        if text is None:
            continue
        if seconds is None and value != int(value):
            continue  # half a month has no agreed length
        if (singular is True and value != 1) or (singular is False and value == 1):
            continue
        words = not text[0].isdigit() and text != "½"
        if words and len(unit) < 3:
            continue  # "two m", "a h": nobody writes them, and "a m" is a.m.
        if seconds is not None and not float(value * seconds).is_integer():
            continue  # a fraction of a second: no reminder fires that precisely
        out.append((f"{text} {unit}", field, value, seconds))
        if text[-1].isdigit() and singular is None and value == int(value):
            out.append((f"{text}{unit}", field, value, seconds))  # glued: "1h", "90m", "2d"
    return out


PHRASES = _phrases()


def _expected(field: str, value: float, seconds: int | None) -> datetime:
    if value == int(value):
        return NOW_UTC + relativedelta(**{field: int(value)})
    assert seconds is not None
    return NOW_UTC + timedelta(seconds=value * seconds)


def _sentence(duration: str, construction: str, task: str, filler: str, position: str) -> str:
    phrase = construction.format(d=duration)
    if position == "start":
        return f"{filler}{phrase} {task}" if filler != "remind me to " else f"remind me {phrase} to {task}"
    if position == "middle":
        return f"remind me {phrase} to {task}"
    return f"{filler}{task} {phrase}"


def _capitalise(text: str, style: str) -> str:
    return {"lower": text, "first": text[:1].upper() + text[1:], "upper": text.upper()}[style]


def _read(text: str, now: datetime = NOW_UTC, tz: str = UTC) -> tuple[str | None, datetime | None]:
    draft = RULES.extract(clean_text(text), now=now, tz=tz)
    if draft.schedule is None:
        return draft.title, None
    return draft.title, resolve(draft, now, tz).first


def test_the_generator_covers_the_families() -> None:
    assert len(PHRASES) > 200
    assert {p[1] for p in PHRASES} == {"seconds", "minutes", "hours", "days", "weeks", "months",
                                       "years"}
    assert any(p[0] == "1/2 h" for p in PHRASES) and any(p[0] == "15m" for p in PHRASES)


@pytest.mark.parametrize("construction", CONSTRUCTIONS)
def test_every_amount_and_unit_in_every_construction(construction: str) -> None:
    failures = []
    for duration, field, value, seconds in PHRASES:
        text = f"{construction.format(d=duration)} call mom"
        title, first = _read(text)
        want = _expected(field, value, seconds)
        if first != want or (title or "").lower() != "call mom":
            failures.append(f"{text!r}: {first} {title!r}, want {want}")
    assert not failures, f"{len(failures)} of {len(PHRASES)}:\n" + "\n".join(failures[:30])


def test_random_combinations_of_position_filler_and_capitalisation() -> None:
    rng = random.Random(12)
    failures = []
    combos = list(itertools.product(CONSTRUCTIONS, TASKS, FILLERS, ["start", "middle", "end"],
                                    ["lower", "first", "upper"]))
    for _ in range(1500):
        duration, field, value, seconds = rng.choice(PHRASES)
        construction, task, filler, position, style = rng.choice(combos)
        text = _capitalise(_sentence(duration, construction, task, filler, position), style)
        title, first = _read(text)
        want = _expected(field, value, seconds)
        if first != want or (title or "").lower() != task:
            failures.append(f"{text!r}: {first} {title!r}, want {want} {task!r}")
    assert not failures, f"{len(failures)} of 1500:\n" + "\n".join(failures[:30])


@pytest.mark.parametrize("phrase", [
    "in 2 hours", "in 1h30", "tomorrow at 5pm", "every monday at 9am", "next friday at noon",
    "in an hour and a half", "15 minutes from 1pm", "on the 15th at 10am", "every 2 weeks",
    "at 7pm", "in 3/4 of an hour", "in 2 more minutes", "every day at 8am until 2027",
])
def test_the_same_phrase_anywhere_gives_the_same_schedule_and_title(phrase: str) -> None:
    base = RULES.extract(clean_text(f"call the bank {phrase}"), now=NOW, tz=BERLIN)
    assert base.schedule is not None and base.title == "Call the bank", phrase
    for text in (f"{phrase} call the bank", f"remind me {phrase} to call the bank",
                 f"please call the bank {phrase}", f"hey, {phrase} call the bank",
                 f"can you call the bank {phrase}", f"{phrase.capitalize()}, call the bank please",
                 f"remind me to call the bank {phrase.upper()}"):
        draft = RULES.extract(clean_text(text), now=NOW, tz=BERLIN)
        assert draft.schedule == base.schedule, (text, draft.schedule, base.schedule)
        assert (draft.title or "").lower() == "call the bank", (text, draft.title)


@pytest.mark.parametrize(("text", "first", "title"), [
    ("remind me in 1h to check the oven", "2026-12-02T11:00", "Check the oven"),
    ("in 2.5 hours call back", "2026-12-02T12:30", "Call back"),
    ("in 1/2 hour take the pizza out", "2026-12-02T10:30", "Take the pizza out"),
    ("in ½ hour take the pizza out", "2026-12-02T10:30", "Take the pizza out"),
    ("in 2 more minutes check", "2026-12-02T10:02", "Check"),
    ("in another 10 minutes tea", "2026-12-02T10:10", "Tea"),
    ("an hour and a half from now stretch", "2026-12-02T11:30", "Stretch"),
    ("in 2 and a half hours leave", "2026-12-02T12:30", "Leave"),
    ("in three quarters of an hour leave", "2026-12-02T10:45", "Leave"),
    ("in 1d 2hr 5min deploy", "2026-12-03T12:05", "Deploy"),
    ("in 1d, 2hr, and 5min deploy", "2026-12-03T12:05", "Deploy"),
    ("15 minutes from 1pm call bob", "2026-12-02T13:15", "Call bob"),
    ("call bob 2 hours after 9pm", "2026-12-02T23:00", "Call bob"),
    ("set a timer for 5 minutes 30 seconds", "2026-12-02T10:05", None),
    ("+15min tea", "2026-12-02T10:15", "Tea"),
    ("3w later review", "2026-12-23T10:00", "Review"),
    ("in a couple of days water plants", "2026-12-04T10:00", "Water plants"),
    ("tea 10 minutes", "2026-12-02T10:10", "Tea"),
    ("next hour standup", "2026-12-02T11:00", "Standup"),
])
def test_durations_as_people_write_them(text: str, first: str, title: str | None) -> None:
    got_title, when = _read(text, NOW, BERLIN)
    assert when is not None, text
    assert when.replace(tzinfo=None).isoformat(timespec="minutes") == first
    assert got_title == title


def test_sub_day_offsets_are_elapsed_time_across_a_dst_change() -> None:
    now = datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo(BERLIN))  # clocks go back at 03:00
    _, when = _read("in 2.5 hours check the boiler", now, BERLIN)
    assert when is not None
    assert when.astimezone(ZoneInfo(UTC)) - now.astimezone(ZoneInfo(UTC)) == timedelta(hours=2.5)
    assert when.replace(tzinfo=None) == datetime(2026, 10, 25, 3, 0)  # 04:00 CEST is 03:00 CET
    _, when = _read("in 1 day check the boiler", now, BERLIN)
    assert when is not None and when.replace(tzinfo=None) == datetime(2026, 10, 26, 1, 30)


@pytest.mark.parametrize(("text", "rule"), [
    ("every 2h drink water", "FREQ=HOURLY;INTERVAL=2"),
    ("every 15m check the queue", "FREQ=MINUTELY;INTERVAL=15"),
    ("every 1h30 stretch", "FREQ=MINUTELY;INTERVAL=90"),
    ("every 3 wks review", "FREQ=WEEKLY;INTERVAL=3"),
    ("every 1.5 days water", "FREQ=HOURLY;INTERVAL=36"),
])
def test_every_duration_in_any_spelling(text: str, rule: str) -> None:
    draft = RULES.extract(text, now=NOW, tz=BERLIN)
    assert draft.schedule is not None and (draft.schedule.rrule or "").startswith(rule), text


def test_for_a_span_in_any_spelling() -> None:
    draft = RULES.extract("every day at 9am for 3 wks stretch", now=NOW, tz=BERLIN)
    assert draft.schedule is not None and "UNTIL=20261223T235959" in (draft.schedule.rrule or "")


def test_every_one_and_a_half_hours_is_every_ninety_minutes() -> None:
    draft = RULES.extract("every 1.5 hours drink water", now=NOW, tz=BERLIN)
    assert draft.schedule is not None and draft.schedule.rrule == "FREQ=MINUTELY;INTERVAL=90"


@pytest.mark.parametrize(("text", "words"), [
    ("call bob in hours", "in hours"),
    ("pay rent 2 weeks before", "2 weeks before"),
    ("water the plants till the cows come home", "till"),
    ("1/2 sec later call mom", "sec"),
    ("in an hour or two call mom", "or two"),
])
def test_time_words_left_over_make_it_ask_naming_them(text: str, words: str) -> None:
    draft = RULES.extract(text, now=NOW, tz=BERLIN)
    assert draft.schedule is None and draft.question is not None
    assert f"“{words}" in draft.question
    assert "remind you to " + words not in draft.question


@pytest.mark.parametrize(("text", "title"), [
    ("meditate for 10 minutes tomorrow at 7am", "Meditate for 10 minutes"),
    ("transfer 2000 euros tomorrow at 9am", "Transfer 2000 euros"),
    ("buy 2 bottles of milk tomorrow at 6pm", "Buy 2 bottles of milk"),
    ("book room 101 on friday at 10am", "Book room 101"),
])
def test_numbers_that_are_no_time_are_no_doubt(text: str, title: str) -> None:
    draft = RULES.extract(text, now=NOW, tz=BERLIN)
    assert draft.schedule is not None and draft.title == title


@pytest.mark.parametrize(("text", "message"), [
    ("every day at 9am until 2020", "that end has passed (until Thu 31 Dec 2020)"),
    ("every monday until 2025-01-01 standup", "that end has passed"),
    ("remind me every 0 minutes to blink", "“every 0 minutes” is no interval"),
    ("every 29th sun apr", "there is no 29th Sunday in a month"),
    ("every 7th monday of the month", "there is no 7th Monday in a month"),
    ("meeting yesterday at 5pm", "that day has passed (yesterday, Tue 1 Dec 2026)"),
    ("call the garage 3 days ago", "that day has passed (3 days ago"),
])
def test_refusals_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        RULES.extract(text, now=NOW, tz=BERLIN)
    assert message in caught.value.message
    assert "When should I remind you" not in caught.value.message


def test_a_past_day_is_a_past_time() -> None:
    with pytest.raises(PastTime):
        RULES.extract("meeting yesterday at 5pm", now=NOW, tz=BERLIN)


def test_an_end_still_ahead_bounds_the_rule() -> None:
    draft = RULES.extract("every day at 9am until 2027 stretch", now=NOW, tz=BERLIN)
    assert draft.schedule is not None and "UNTIL=20271231T235959" in (draft.schedule.rrule or "")
    assert draft.title == "Stretch"


def test_two_times_for_one_task_ask_naming_both() -> None:
    draft = RULES.extract("remind me at 9 tomorrow to call the plumber, and also at 5pm to check",
                          now=NOW, tz=BERLIN)
    assert draft.schedule is None and draft.question is not None
    assert "09:00" in draft.question and "17:00" in draft.question


def test_a_day_and_an_offset_from_now_ask() -> None:
    draft = RULES.extract("tomorrow in an hour call the garage", now=NOW, tz=BERLIN)
    assert draft.schedule is None and "a day and a time from now" in (draft.question or "")
    kept = RULES.extract("in 3 days on friday call the garage", now=NOW, tz=BERLIN)
    assert kept.schedule is not None  # a calendar offset and a weekday: that weekday, that week


def test_two_times_in_a_rule_are_still_both_kept() -> None:
    draft = RULES.extract("every day at 9am and 5pm take the pills", now=NOW, tz=BERLIN)
    assert draft.schedule is not None and "BYHOUR=9,17" in (draft.schedule.rrule or "")


def test_cli_asks_with_exit_3_and_refuses_with_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    asked = taskd(capsys, None, "add", "call bob in hours")
    assert asked.code == 3 and "“in hours”" in asked.err
    refused = taskd(capsys, None, "add", "remind me every 0 minutes to blink")
    assert refused.code == 1 and "no interval" in refused.err
    assert len(refused.err.strip().splitlines()) == 1
    assert taskd(capsys, None, "list", "--json").json() == []


def test_pause_until_a_past_day_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert taskd(capsys, None, "add", "water the plants tomorrow at 9am").code == 0
    result = taskd(capsys, None, "pause", "1", "--until", "yesterday")
    assert result.code == 1
    assert "has passed" in result.err and "remind you to yesterday" not in result.err


def _case(text: str, expect: dict[str, object]) -> dict[str, object]:
    return {"id": text, "text": text, "now": "2026-12-02T10:00:00", "tz": BERLIN,
            "category": "c", "expect": expect}


def test_eval_counts_right_asked_and_wrong() -> None:
    outcomes = [
        run_case(_case("in 2 hours tea", {"first": "2026-12-02T12:00:00"}), RULES),  # right
        run_case(_case("call bob in hours", {"first": "2026-12-02T12:00:00"}), RULES),  # asked
        run_case(_case("in 3 hours tea", {"first": "2026-12-02T12:00:00"}), RULES),  # wrong time
        run_case(_case("in 2 hours tea", {"clarify": True}), RULES),  # scheduled, not asked
        run_case(_case("every 0 minutes blink", {"first": "2026-12-02T12:00:00"}), RULES),  # refused
    ]
    assert [o.verdict for o in outcomes] == ["right", "asked", "wrong", "wrong", "asked"]
    result = report(outcomes)
    assert (result["right"], result["asked"], result["wrong"]) == (1, 2, 2)
    assert result["by_category"]["c"]["wrong"] == 2 and result["wrong_rate"] == 0.4
    assert {"cases", "passed", "pass_rate", "by_category", "results"} <= set(result)


def test_the_hybrid_reads_the_model_plain_words_where_the_rules_doubt() -> None:
    """The doubt signal is the words left in the title: the hybrid finds the model's time phrase
    there and parses the plain words instead of asking."""
    from taskd.extract.hybrid import combine, leaked
    from taskd.extract.model.schema import Reading

    text = "pay the rent 2 weeks before the 20th"
    alone = RULES.extract(text, now=NOW, tz=BERLIN)
    assert alone.schedule is None and "“2 weeks" in (alone.question or "")
    phrase = "2 weeks before the 20th"
    assert leaked(phrase, alone.title)[:2] == ["2", "weeks"]
    got = Reading(when=phrase, plain="on december 6", title="pay the rent", kind="reminder",
                  preference=None, question=None)
    draft = combine(text, got, now=NOW, tz=BERLIN, rules=RULES)
    assert draft.schedule is not None and draft.schedule.date is not None
    assert str(draft.schedule.date) == "2026-12-06"


@pytest.mark.parametrize(("text", "minutes"), [
    ("10m", 10), ("1h30m", 90), ("1h30", 90), ("an hour and a half", 90),
    ("a couple of minutes", 2), ("1/2 hour", 30), ("2.5 hours", 150), ("half an hour", 30),
])
def test_snooze_reads_durations_with_the_same_grammar(text: str, minutes: int) -> None:
    from taskd.resolve.durations import parse_duration

    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["2 months", "0 minutes", "soon"])
def test_snooze_refuses_what_is_no_duration_it_can_add(text: str) -> None:
    from taskd.resolve.durations import parse_duration

    with pytest.raises(BadInput):
        parse_duration(text)
