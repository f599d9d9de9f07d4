"""The pipeline's combination rules, without any model: a Reading plus the parser -> Draft."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from taskd.draft import Draft, Schedule
from taskd.errors import NeedsClarification
from taskd.extract.hybrid import ReadingInvalid, combine, verbatim
from taskd.extract.model.schema import Reading, parse_duration, reading_schema
from taskd.resolve.zones import get_zone, localize

TZ = "Europe/Berlin"
NOW = localize(datetime(2026, 11, 19, 10, 0), get_zone(TZ))


def reading(**over: Any) -> Reading:
    data: dict[str, Any] = {"when": None, "title": "call mom", "kind": "reminder", "date": None,
                            "time": None, "repeat": None, "offset": None, "question": None}
    data.update(over)
    return Reading(**data)


class Parser:
    """A stand-in for RulesExtractor: a fixed answer per text."""

    name = "rules"

    def __init__(self, answers: dict[str, Draft | Exception]) -> None:
        self.answers = answers

    def extract(self, text: str, **_kw: Any) -> Draft:
        answer = self.answers.get(text, Draft(question="When?"))
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_verbatim_forgives_case_and_spacing_only() -> None:
    assert verbatim("At  7PM", "call mom at 7pm please") == "at 7pm"
    assert verbatim("at 19:00", "call mom at 7pm") is None
    assert verbatim("", "x") is None


def test_parser_schedule_wins_and_disagreement_is_visible() -> None:
    text = "call mom at 7"
    parser = Parser({text: Draft(title="call mom", schedule=Schedule(time="07:00", time_source="explicit"))})
    draft = combine(text, reading(when="at 7", time="19:00"), now=NOW, tz=TZ, prefs=None, rules=parser)
    assert draft.schedule is not None and draft.schedule.time == "07:00"
    assert any("the model read" in note and "19:00" in note for note in draft.assumptions)


def test_model_reading_used_only_where_the_parser_understands_nothing() -> None:
    text = "call mom a fortnight hence"
    draft = combine(text, reading(when="a fortnight hence", offset="P2W"), now=NOW, tz=TZ,
                    rules=Parser({}))
    assert draft.schedule is not None and draft.schedule.offset is not None
    assert draft.schedule.offset.weeks == 2
    assert any("did not understand" in note for note in draft.assumptions)


def test_invented_or_vague_phrases_become_questions() -> None:
    invented = combine("remind me to call mom", reading(when="tomorrow", date="2026-11-20"),
                       now=NOW, tz=TZ, rules=Parser({}))
    vague = combine("call mom sometime", reading(when="sometime", date="2026-11-20"),
                    now=NOW, tz=TZ, rules=Parser({}))
    assert invented.schedule is None and invented.question
    assert vague.schedule is None and vague.question


def test_invalid_reading_is_reasked() -> None:
    with pytest.raises(ReadingInvalid):
        combine("call mom on the 31st", reading(when="on the 31st", date="2026-11-31"), now=NOW,
                tz=TZ, rules=Parser({}))


def test_parser_question_is_kept_when_the_model_has_no_time() -> None:
    draft = combine("remind me to call mom", reading(question="When?"), now=NOW, tz=TZ,
                    rules=Parser({"remind me to call mom": NeedsClarification("When shall I?")}))
    assert draft.schedule is None and draft.question


def test_reading_schema_is_strict_and_durations_parse() -> None:
    schema = reading_schema()
    assert schema["additionalProperties"] is False
    assert next(iter(schema["properties"])) == "when"  # the phrase is generated first
    assert parse_duration("PT1H30M").minutes == 30
    with pytest.raises(ValueError):
        parse_duration("20 minutes")
