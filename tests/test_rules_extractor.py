"""The offline extractor, as a user sees it: titles, kinds, zones, questions, bad input."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskd.draft import Draft
from taskd.errors import BadInput, TaskdError
from taskd.extract import clean_text
from taskd.extract.rules import RulesExtractor, day_first_from_locale
from taskd.resolve import resolve

TZ = "Europe/Berlin"
NOW = datetime(2026, 11, 19, 10, 0, tzinfo=ZoneInfo(TZ))  # a Thursday
SCHEMA = json.loads((Path(__file__).parent.parent / "schema" / "task.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
RULES = RulesExtractor(day_first=False)


def extract(text: str, now: datetime = NOW, tz: str = TZ) -> Draft:
    return RULES.extract(clean_text(text), now=now, tz=tz)


def first_fire(text: str, now: datetime = NOW, tz: str = TZ) -> str:
    draft = extract(text, now, tz)
    resolved = resolve(draft, now, tz)
    return resolved.first.replace(tzinfo=None).isoformat(timespec="minutes")


def test_name_and_protocol() -> None:
    assert RulesExtractor().name == "rules"


@pytest.mark.parametrize(("text", "title"), [
    ("remind me to call mom every Sunday at 6pm", "Call mom"),
    ("hey, could you please remind me to water the plants tomorrow", "Water the plants"),
    ("don't forget to buy milk tonight", "Buy milk"),
    ("I need to submit the report by Friday", "Submit the report"),
    ("ping me at 3pm to stretch", "Stretch"),
    ("remind me tomorrow to send the slides to Jonas", "Send the slides to Jonas"),
    ("Dec 24 at 5pm pick up the turkey", "Pick up the turkey"),
    ("wish Sam happy birthday every year on June 14 at 9", "Wish Sam happy birthday"),
    ("on 1 January send the new year wishes", "Send the new year wishes"),
])
def test_titles_keep_the_users_words(text: str, title: str) -> None:
    assert extract(text).title == title


@pytest.mark.parametrize(("text", "kind"), [
    ("remind me to call mom tomorrow", "reminder"),
    ("give me a news briefing every morning at 7", "agent"),
    ("every Friday at 5pm summarise my unread emails", "agent"),
    ("in 30 minutes check if the deploy finished and tell me", "agent"),
    ("at 6pm look up the train times to Hamburg", "agent"),
    ("remind me to look up the train times to Hamburg at 6pm", "reminder"),
    ("in 20 minutes check the oven", "reminder"),
    ("at noon tell me the weather forecast for Berlin", "agent"),
])
def test_kind(text: str, kind: str) -> None:
    assert extract(text).kind == kind


def test_agent_message_is_the_prompt() -> None:
    draft = extract("every weekday at 8am give me a news briefing")
    assert draft.kind == "agent"
    assert draft.message == "Give me a news briefing"


@pytest.mark.parametrize(("text", "zone", "first"), [
    ("9am Tokyo time call Kenji", "Asia/Tokyo", "2026-11-20T09:00"),
    ("3pm PST sync with the US team", "America/Los_Angeles", "2026-11-19T15:00"),
    ("at 14:00 UTC deploy", "UTC", "2026-11-19T14:00"),
])
def test_explicit_zones(text: str, zone: str, first: str) -> None:
    draft = extract(text)
    assert draft.tz == zone
    resolved = resolve(draft, NOW, TZ)
    assert resolved.zone == zone
    assert resolved.first.replace(tzinfo=None).isoformat(timespec="minutes") == first


def test_lowercase_abbreviation_is_not_a_zone() -> None:
    assert extract("est at 5pm").tz is None


@pytest.mark.parametrize("text", [
    "remind me to call mom", "buy milk", "remind me sometime to water the plants",
    "note to self: ask about the warranty",
])
def test_nothing_schedulable_asks(text: str) -> None:
    draft = extract(text)
    assert draft.schedule is None
    assert draft.question and draft.question.endswith("?")


def test_question_names_the_task() -> None:
    assert extract("remind me to call mom").question == "When should I remind you to call mom?"


@pytest.mark.parametrize(("text", "first"), [
    ("in 20 minutes check the oven", "2026-11-19T10:20"),
    ("tomorrow at 7 am catch the train", "2026-11-20T07:00"),
    ("next Friday at 3pm team retro", "2026-11-27T15:00"),
    ("Friday call the accountant", "2026-11-20T09:00"),
    ("on Thursday at 9am call the landlord", "2026-11-26T09:00"),
    ("at midnight check the logs", "2026-11-20T00:00"),
    ("half past four pick up Lily", "2026-11-19T16:30"),
    ("at 9 take meds", "2026-11-20T09:00"),
    ("tonight at 7 call mom", "2026-11-19T19:00"),
    ("the day after tomorrow dentist", "2026-11-21T09:00"),
    ("a week from Monday start the diet", "2026-11-30T09:00"),
])
def test_one_time_fires(text: str, first: str) -> None:
    assert first_fire(text) == first


@pytest.mark.parametrize(("text", "now", "first"), [
    # NOW is Thursday 19 Nov 2026, 10:00: the usual time (09:00) has passed today.
    ("on the last day of this month do the bookkeeping", NOW, "2026-11-30T09:00"),
    ("by the last day of next month renew the lease", NOW, "2026-12-31T09:00"),
    ("1.3.2027 submit the report", NOW, "2027-03-01T09:00"),
    ("on the 19th at 9am renew the permit", NOW, "2026-12-19T09:00"),
    ("on the nineteenth at 11am renew the permit", NOW, "2026-11-19T11:00"),
    ("on the 19th renew the permit", NOW, "2026-12-19T09:00"),
    ("Thursday call grandma", NOW, "2026-11-26T09:00"),
    ("this Thursday call grandma", NOW.replace(hour=8), "2026-11-19T09:00"),
    ("On Sat call grandma", NOW, "2026-11-21T09:00"),
    ("clean the fridge Sun", NOW, "2026-11-22T09:00"),
])
def test_one_time_fires_at(text: str, now: datetime, first: str) -> None:
    assert first_fire(text, now) == first


@pytest.mark.parametrize("text", ["put on sun cream tomorrow", "sit in the sun tomorrow"])
def test_lowercase_sun_is_not_sunday(text: str) -> None:
    assert first_fire(text) == "2026-11-20T09:00"


@pytest.mark.parametrize(("text", "title"), [
    ("at the end of the month do the bookkeeping", "Do the bookkeeping"),
    ("by the end of the week send me the top headlines", "Send me the top headlines"),
])
def test_end_of_period_words_stay_out_of_the_title(text: str, title: str) -> None:
    assert extract(text).title == title


def test_every_quarter_on_a_day_follows_calendar_quarters() -> None:
    draft = extract("every quarter on the 1st at 10am review the roadmap")
    resolved = resolve(draft, NOW, TZ)
    assert [t.date().isoformat() for t in resolved.upcoming] == [
        "2027-01-01", "2027-04-01", "2027-07-01"]


@pytest.mark.parametrize(("text", "rule"), [
    ("every weekday at 8 standup", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("every 2 hours drink water", "FREQ=HOURLY;INTERVAL=2"),
    ("on the 15th of every month pay the card", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("first Monday of the month plan", "FREQ=MONTHLY;BYDAY=1MO"),
    ("last weekday of the month submit expenses", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
    ("every year on June 14 call Sam", "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14"),
    ("every 2nd and 4th Tuesday book club", "FREQ=MONTHLY;BYDAY=2TU,4TU"),
    ("every weekday except Friday at 8 standup", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH"),
])
def test_recurrence_rules(text: str, rule: str) -> None:
    schedule = extract(text).schedule
    assert schedule is not None and schedule.rrule == rule


def test_recurrence_bounds() -> None:
    until = extract("every day at 9am until Dec 31 take the antibiotics").schedule
    assert until is not None and until.rrule == "FREQ=DAILY;UNTIL=20261231T235959"
    count = extract("every Monday at 10 for 5 times physiotherapy").schedule
    assert count is not None and count.rrule == "FREQ=WEEKLY;BYDAY=MO;COUNT=5"


def test_offset_is_never_clock_arithmetic() -> None:
    schedule = extract("in 1 hour 30 minutes stretch").schedule
    assert schedule is not None and schedule.offset is not None
    assert (schedule.offset.hours, schedule.offset.minutes) == (1, 30)
    assert schedule.date is None and schedule.time is None


def test_daypart_is_left_to_the_resolver() -> None:
    schedule = extract("tomorrow morning call the garage").schedule
    assert schedule is not None
    assert (schedule.daypart, schedule.time, schedule.time_source) == ("morning", None, "daypart")


def test_day_first_setting() -> None:
    day_first = RulesExtractor(day_first=True).extract("on 05/04 dentist", now=NOW, tz=TZ)
    month_first = RULES.extract("on 05/04 dentist", now=NOW, tz=TZ)
    assert day_first.schedule and day_first.schedule.date == "2027-04-05"
    assert month_first.schedule and month_first.schedule.date == "2027-05-04"
    assert day_first_from_locale({"LANG": "en_GB.UTF-8"}) is True
    assert day_first_from_locale({"LANG": "en_US.UTF-8"}) is False
    assert day_first_from_locale({"LANG": "C.UTF-8"}) is False


@pytest.mark.parametrize("text", ["Feb 30 pay rent", "remind me on April 31 to call", "2027-02-29"])
def test_impossible_dates_are_bad_input(text: str) -> None:
    with pytest.raises(BadInput, match="not a real date"):
        extract(text)


def test_huge_text_is_bad_input() -> None:
    with pytest.raises(BadInput):
        extract("call mom tomorrow " * 6000)


@pytest.mark.parametrize("junk", ["\x00\x01\x02", "\x7f\x1b[31m", bytes(range(256)).decode("latin-1")])
def test_binary_junk_is_bad_input(junk: str) -> None:
    with pytest.raises(BadInput):
        extract(junk)


def test_ordinary_sentences_do_not_load_dateparser() -> None:
    code = (
        "import sys; from datetime import datetime; from zoneinfo import ZoneInfo\n"
        "from taskd.extract.rules import RulesExtractor\n"
        "now = datetime(2026, 11, 19, 10, tzinfo=ZoneInfo('UTC'))\n"
        "for t in ('remind me to call mom every Sunday at 6pm', 'in 20 minutes check the oven',"
        " 'buy milk', 'next Friday at 3pm team retro'):\n"
        "    RulesExtractor().extract(t, now=now, tz='UTC')\n"
        "assert 'dateparser' not in sys.modules, 'dateparser was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr


def test_speed_benchmark_runs_and_prints_both_extractors_and_the_ratio(tmp_path: Path) -> None:
    """Behaviour only (timings are the benchmark's business, never a test's)."""
    cases = tmp_path / "few.jsonl"
    cases.write_text("".join(json.dumps({"text": t}) + "\n" for t in (
        "remind me to call mom every Sunday at 6pm", "in 20 minutes check the oven", "buy milk")))
    script = Path(__file__).parent.parent / "benchmarks" / "extract_speed.py"
    done = subprocess.run([sys.executable, str(script), str(cases)], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "sentences: 3" in done.stdout
    assert "dateparser loaded after ordinary sentences: False" in done.stdout
    assert "rules extractor" in done.stdout and "dateparser.search_dates" in done.stdout
    assert "ratio (dateparser / rules): median" in done.stdout


@pytest.mark.parametrize(("given", "stored"), [
    ("FREQ=WEEKLY;BYDAY=MO,TU;BYHOUR=9", "FREQ=WEEKLY;BYDAY=MO,TU;BYHOUR=9"),
    ("BYDAY=-1FR;FREQ=MONTHLY", "BYDAY=-1FR;FREQ=MONTHLY"),
    (" rrule:freq=daily;;byhour=9 ", "FREQ=DAILY;BYHOUR=9"),
])
def test_rrule_is_kept_in_one_normal_form(given: str, stored: str) -> None:
    from taskd.draft import Schedule

    assert Schedule(rrule=given).rrule == stored


@pytest.mark.parametrize("rule", ["BYDAY=MO", "FREQ=DAILY;DTSTART=20260101", "FREQ=DAILY;BYHOUR=9:30"])
def test_malformed_rrules_are_rejected(rule: str) -> None:
    from pydantic import ValidationError

    from taskd.draft import Schedule

    with pytest.raises(ValidationError):
        Schedule(rrule=rule)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_random_text_only_raises_taskd_errors(text: str) -> None:
    try:
        cleaned = clean_text(text)
        draft = RULES.extract(cleaned, now=NOW, tz=TZ)
    except TaskdError:
        return
    dumped = draft.model_dump(mode="json")
    VALIDATOR.validate(dumped)
    assert Draft.model_validate(dumped) == draft
    with contextlib.suppress(TaskdError):
        resolve(draft, NOW, TZ)


_WORDS = st.sampled_from([
    "remind", "me", "to", "call", "mom", "every", "other", "day", "week", "month", "at", "9",
    "5pm", "17:30", "noon", "midnight", "tomorrow", "tonight", "next", "friday", "monday", "the",
    "15th", "of", "in", "20", "minutes", "2", "hours", "until", "dec", "31", "for", "3", "times",
    "morning", "evening", "and", "weekdays", "first", "last", "quarter", "past", "feb", "29",
    "starting", "on", "pst", "UTC", "Tokyo", "time", "twice", "a", "year", "half", "an", "hour",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=12).map(" ".join))
def test_schedule_words_only_raise_taskd_errors(text: str) -> None:
    try:
        draft = RULES.extract(clean_text(text), now=NOW, tz=TZ)
    except TaskdError:
        return
    dumped = draft.model_dump(mode="json")
    VALIDATOR.validate(dumped)
    assert Draft.model_validate(dumped) == draft
    with contextlib.suppress(TaskdError):
        resolve(draft, NOW, TZ)
