"""The checked-in schema is generated from the pydantic model and fit for OpenAI strict mode."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from taskd.draft import Draft, Offset, Schedule, json_schema, render_schema

SCHEMA_FILE = Path(__file__).parent.parent / "schema" / "task.schema.json"


def test_checked_in_schema_matches_the_model() -> None:
    assert SCHEMA_FILE.read_text() == render_schema(), (
        "schema/task.schema.json drifted: run `python -m taskd.draft > schema/task.schema.json`"
    )


def _objects(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append(node)
        for value in node.values():
            found.extend(_objects(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_objects(value))
    return found


def test_schema_is_openai_strict() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    objects = _objects(schema)
    assert len(objects) >= 3  # Draft, Schedule, Offset
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert sorted(obj["required"]) == sorted(obj["properties"])
    text = SCHEMA_FILE.read_text()
    assert '"default":' not in text and "oneOf" not in text
    assert schema["properties"]["schema_version"]["enum"] == [1]


def test_schema_validates_a_full_draft_and_rejects_extras() -> None:
    schema = json_schema()
    draft = Draft(title="call mom", message="Call mom",
                  schedule=Schedule(rrule="FREQ=WEEKLY;BYDAY=SU", time="18:00",
                                    time_source="explicit"))
    jsonschema.validate(draft.model_dump(mode="json"), schema)
    bad = draft.model_dump(mode="json") | {"extra": 1}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    no_version = draft.model_dump(mode="json") | {"schema_version": 2}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(no_version, schema)


@pytest.mark.parametrize("fields", [
    {"time": "25:00"}, {"date": "2026/11/21"}, {"rrule": "DTSTART:2026;FREQ=DAILY"},
    {"rrule": "BYDAY=MO"}, {"offset": Offset(minutes=5), "time": "09:00"},
    {"time_source": "daypart"},
])
def test_malformed_schedules_are_rejected(fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Schedule(**fields)


def test_a_draft_needs_a_schedule_or_a_question() -> None:
    with pytest.raises(ValueError):
        Draft(title="x")
    assert Draft(title="x", question="When?").schedule is None
