"""Clock-time ranges (taskd/extract/rules/ranges.py): the probe families of
tests/grammar_probes_ranges.py, and one case per decision the module makes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from taskd.errors import TaskdError
from taskd.extract.rules import RulesExtractor
from taskd.resolve import resolve
from tests.grammar_probes import tally
from tests.grammar_probes_ranges import range_probes

TZ = "Europe/Berlin"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo(TZ))  # a Wednesday
RULES = RulesExtractor(day_first=False)
RESULTS = {seed: tally(range_probes(seed)) for seed in (7, 57)}


@pytest.mark.parametrize("seed", sorted(RESULTS))
def test_a_range_without_an_interval_is_always_a_question(seed: int) -> None:
    result = RESULTS[seed]["range"]
    assert result.total > 500
    assert not result.wrong, "\n".join(result.wrong[:20])
    assert result.asked == result.total


@pytest.mark.parametrize("seed", sorted(RESULTS))
def test_a_range_with_an_interval_is_its_window(seed: int) -> None:
    result = RESULTS[seed]["range×interval"]
    assert result.total > 500
    assert not result.wrong, "\n".join(result.wrong[:20])
    # Asked: the steps cannot be one rule ("every 20 minutes from 9 to 5:30", "every 30 minutes
    # from 9:30"): hours × minutes would fire outside the window.
    assert result.right >= 0.8 * result.total, (result.right, result.asked, result.total)


def _question(text: str) -> str | None:
    try:
        draft = RULES.extract(text, now=NOW, tz=TZ)
    except TaskdError as exc:
        return str(exc)
    return draft.question if draft.schedule is None else None


@pytest.mark.parametrize(("text", "words", "title"), [
    ("every weekday from 9 to 5 remind me to stretch", "From 09:00 to 17:00", "stretch"),
    ("tomorrow between 2 and 4pm call the plumber", "Between 14:00 and 16:00", "call the plumber"),
    ("every weekday 9-5 check email", "From 09:00 to 17:00", "check email"),
    ("stand up every day from 9am to 5pm", "From 09:00 to 17:00", "stand up"),
    ("call bob tomorrow 2-4pm", "From 14:00 to 16:00", "call bob"),
    ("on friday 9am\u20135pm man the booth", "From 09:00 to 17:00", "man the booth"),
    ("from 9 in the morning till 5 in the afternoon tomorrow work", "From 09:00 to 17:00", "work"),
    ("from noon until 2 every monday lunch duty", "From 12:00 to 14:00", "lunch duty"),
])
def test_one_reminder_at_a_range_asks_naming_it(text: str, words: str, title: str) -> None:
    question = _question(text)
    assert question is not None and question.startswith(words + " is a range"), question
    assert f"remind you to {title}?" in question


@pytest.mark.parametrize(("text", "rule", "first"), [
    ("remind me to stretch every hour from 9 to 5",
     "FREQ=HOURLY;BYHOUR=9,10,11,12,13,14,15,16,17;BYMINUTE=0", "2026-12-02T11:00"),
    ("every hour 9-5 stretch", "FREQ=HOURLY;BYHOUR=9,10,11,12,13,14,15,16,17;BYMINUTE=0",
     "2026-12-02T11:00"),
    # every 30 minutes: both steps of each hour, up to 17:00 itself (not hourly at :00)
    ("every 30 minutes from 9 to 5 drink water",
     "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16,17;BYMINUTE=0,30;"
     "BYSETPOS=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", "2026-12-02T10:30"),
    # every 2 hours from 9:30: the steps themselves, never 17:30 past the end
    ("every 2 hours from 9:30 to 5 drink", "FREQ=DAILY;BYHOUR=9,11,13,15;BYMINUTE=30",
     "2026-12-02T11:30"),
    ("hourly from noon to 3pm stretch", "FREQ=HOURLY;BYHOUR=12,13,14,15;BYMINUTE=0",
     "2026-12-02T12:00"),
])
def test_an_interval_runs_inside_the_range(text: str, rule: str, first: str) -> None:
    draft = RULES.extract(text, now=NOW, tz=TZ)
    assert draft.schedule is not None and draft.schedule.rrule is not None
    assert draft.schedule.rrule.startswith(rule), draft.schedule.rrule
    fires = resolve(draft, NOW, TZ, count=1).upcoming
    assert fires[0].astimezone(ZoneInfo(TZ)).isoformat(timespec="minutes").startswith(first)


@pytest.mark.parametrize(("text", "first"), [
    ("call bob on 9-5", "2027-09-05"),  # a numeric date, month first
    ("call bob 9-5", "2027-09-05"),  # no day said: still the date it always was
    ("call bob on 2027-09-05", "2027-09-05"),
    ("call bob at 10 to 5", "2026-12-02T16:50"),  # ten to five, not a range
    ("call bob at ten to five", "2026-12-02T16:50"),
    ("every day at 9 and 21 take pills", "2026-12-02T21:00"),  # a list, not a range
    ("in 2-3 days call bob", None),  # a duration's, not hours
    ("every weekday at 9am from December 7 to December 18 check the dog", "2026-12-07T09:00"),
    ("monday to friday at 7am do 20 pushups", "2026-12-03T07:00"),
])
def test_what_is_no_clock_range_keeps_its_reading(text: str, first: str | None) -> None:
    try:
        draft = RULES.extract(text, now=NOW, tz=TZ)
    except TaskdError:
        assert first is None
        return
    if draft.schedule is None:
        assert first is None, draft.question
        assert "is a range" not in (draft.question or "")
        return
    fire = resolve(draft, NOW, TZ, count=1).upcoming[0].astimezone(ZoneInfo(TZ))
    assert first is not None and fire.isoformat(timespec="minutes").startswith(first)
