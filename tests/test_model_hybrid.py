"""The pipeline's combination rules with the real rules parser and a scripted model Reading."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from taskd.extract.hybrid import combine, leaked, said_preference, verbatim
from taskd.extract.model.schema import Reading, SaidPreference, reading_schema
from taskd.extract.rules import RulesExtractor
from taskd.pipeline import parse
from taskd.resolve import resolve
from taskd.resolve.zones import get_zone, localize, wall

TZ = "Europe/Berlin"
NOW = localize(datetime(2026, 11, 21, 10, 0), get_zone(TZ))  # a Saturday
RULES = RulesExtractor()


def reading(**over: Any) -> Reading:
    data: dict[str, Any] = {"when": None, "plain": None, "title": "call mom", "kind": "reminder",
                            "preference": None, "question": None}
    data.update(over)
    return Reading(**data)


def first(text: str, got: Reading) -> str:
    draft = combine(text, got, now=NOW, tz=TZ, rules=RULES)
    assert draft.schedule is not None, draft
    return wall(resolve(draft, NOW, TZ, count=1).first, get_zone(TZ)).isoformat(" ", "minutes")


def test_verbatim_forgives_case_spacing_and_a_corrected_typo_but_not_numbers() -> None:
    assert verbatim("At  7PM", "call mom at 7pm please") == "at 7pm"
    assert verbatim("on the first of february", "pay rent on the first of febuary") \
        == "on the first of febuary"
    assert verbatim("at 19:00", "call mom at 7pm") is None
    assert verbatim("at 9", "call mom at 8") is None
    assert verbatim("", "x") is None


def test_parser_wins_when_it_read_the_whole_phrase() -> None:
    text = "remind me to call mom on Wednesday at 3pm"
    got = reading(when="on Wednesday at 3pm", plain="on Thursday at 3pm", title="phone mother")
    draft = combine(text, got, now=NOW, tz=TZ, rules=RULES)
    assert first(text, got) == "2026-11-25 15:00"
    assert draft.title and "mom" in draft.title.lower()  # the parser's title, the user's words
    assert any("the model read “on Thursday at 3pm”" in n for n in draft.assumptions)


def test_plain_words_are_parsed_where_the_parser_missed_part_of_the_phrase() -> None:
    text = "remind me to call mom on wendsday at 3pm"
    got = reading(when="on wendsday at 3pm", plain="on Wednesday at 3pm")
    assert leaked("on wendsday at 3pm", RULES.extract(text, now=NOW, tz=TZ).title) == ["wendsday"]
    draft = combine(text, got, now=NOW, tz=TZ, rules=RULES)
    assert first(text, got) == "2026-11-25 15:00"
    assert draft.title == "Call mom"
    assert "read “on wendsday at 3pm” as “on Wednesday at 3pm”" in draft.assumptions


def test_holidays_and_vague_times_are_computed_by_code_from_plain_words() -> None:
    assert first("on xmas eve wrap the presents",
                 reading(when="on xmas eve", plain="on December 24", title="wrap the presents")
                 ) == "2026-12-24 09:00"
    lunch = reading(when="at lunchtime", plain="at 12:00", title="buy bread")
    assert first("at lunchtime buy bread", lunch) == "2026-11-21 12:00"
    draft = combine("at lunchtime buy bread", lunch, now=NOW, tz=TZ, rules=RULES)
    assert draft.title == "Buy bread" and "read “at lunchtime” as “at 12:00”" in draft.assumptions


def test_a_phrase_that_is_not_in_the_text_is_never_scheduled() -> None:
    invented = combine("remind me to call mom", reading(when="tomorrow at 9", plain="tomorrow at 9"),
                       now=NOW, tz=TZ, rules=RULES)
    vague = combine("call mom sometime", reading(when="sometime", plain="tomorrow"),
                    now=NOW, tz=TZ, rules=RULES)
    assert invented.schedule is None and invented.question
    assert vague.schedule is None and vague.question


def test_unreadable_plain_words_keep_the_question() -> None:
    draft = combine("call mom when the moon is full",
                    reading(when="when the moon is full", plain="when the moon is full"),
                    now=NOW, tz=TZ, rules=RULES)
    assert draft.schedule is None and draft.question


def test_either_side_can_see_an_agent_task() -> None:
    text = "every friday draft my weekly review from notes.md"
    got = reading(when="every friday", plain="every Friday", title="draft my weekly review",
                  kind="agent")
    draft = combine(text, got, now=NOW, tz=TZ, rules=RULES)
    assert draft.kind == "agent" and draft.message and "weekly review" in draft.message


def test_a_stated_habit_is_read_by_code_and_decides_the_daypart() -> None:
    text = "I start work at 8, remind me tomorrow morning to check the team chat"
    stated = SaidPreference(key="morning", words="I start work at 8")
    said = said_preference(stated, text, RULES, NOW, TZ)
    assert said is not None and (said.key, said.value) == ("morning", "08:00")
    assert said_preference(SaidPreference(key="morning", words="I start early"), text, RULES,
                           NOW, TZ) is None  # not in the text
    draft = combine(text, reading(when="tomorrow morning", plain="tomorrow morning",
                                  title="check the team chat", preference=stated),
                    now=NOW, tz=TZ, rules=RULES, said=said)
    assert draft.title == "Check the team chat"
    assert any("your morning is 08:00" in n for n in draft.assumptions)


def test_parse_applies_the_stated_habit_to_this_task() -> None:
    text = "I start work at 8, remind me tomorrow morning to check the team chat"
    stated = SaidPreference(key="morning", words="I start work at 8")

    class Scripted:
        name = "openai"
        last_said = said_preference(stated, text, RULES, NOW, TZ)

        def extract(self, text: str, **kw: Any) -> Any:
            return combine(text, reading(when="tomorrow morning", plain="tomorrow morning",
                                         title="check the team chat", preference=stated),
                           rules=RULES, said=self.last_said, **kw)

    parsed = parse(text, extractor=Scripted(), now=NOW, tz=TZ)
    assert parsed.resolved is not None and parsed.said is not None
    assert wall(parsed.resolved.first, get_zone(TZ)).isoformat(" ", "minutes") == "2026-11-22 08:00"


def test_reading_schema_is_strict_and_names_no_dates() -> None:
    schema = reading_schema()
    assert schema["additionalProperties"] is False
    assert list(schema["properties"])[:2] == ["when", "plain"]  # the phrase is generated first
    assert not {"date", "time", "repeat", "offset"} & set(schema["properties"])
    with pytest.raises(ValidationError):
        reading(preference={"key": "breakfast", "words": "x"})
