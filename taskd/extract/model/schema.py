"""What the model is asked to return, as strict JSON Schemas (OpenAI structured outputs).

Two shapes:
* `Reading`, the model's part in the pipeline: intent and words. `when` is the time phrase copied
  verbatim from the text (code parses it); `date`/`time`/`repeat`/`offset` are the model's own
  reading, used only where the deterministic parser understands nothing.
* the full `Draft` (schema/task.schema.json), for the direct mode where the model alone computes
  the schedule (the "prompted baseline").
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from taskd.draft import Offset, _strictify
from taskd.draft import json_schema as draft_json_schema

ISO_DURATION = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


class Reading(BaseModel):
    """The model's part of one task. Field order is generation order: the phrase comes first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: str | None = Field(
        description="The words of the text that say when, copied exactly; null if none.")
    title: str | None = Field(
        description="What to do, in the user's words, without time words or 'remind me to'.")
    kind: Literal["reminder", "agent"] = Field(
        description="agent: something must be produced or looked up for the user at that time; "
        "reminder: the user only wants to be reminded.")
    date: str | None = Field(description="Your reading: local date YYYY-MM-DD, or null.")
    time: str | None = Field(description="Your reading: 24-hour HH:MM, or null.")
    repeat: str | None = Field(description="Your reading: RRULE body for a repeating task, or null.")
    offset: str | None = Field(description="Your reading: ISO-8601 duration for 'in N ...', or null.")
    question: str | None = Field(description="A short question when no time is given, else null.")


def _bare(schema: dict[str, Any]) -> dict[str, Any]:
    schema = dict(schema)
    schema.pop("$schema", None)
    schema.pop("$id", None)
    schema.pop("title", None)
    schema.pop("description", None)
    return schema


def reading_schema() -> dict[str, Any]:
    return _bare(_strictify(Reading.model_json_schema(mode="validation")))


def draft_schema() -> dict[str, Any]:
    return _bare(draft_json_schema())


def parse_duration(value: str) -> Offset:
    """'PT20M' -> Offset(minutes=20). Raises ValueError on anything else."""
    match = ISO_DURATION.match(value.strip().upper())
    if not match or value.strip().upper() in ("P", "PT"):
        raise ValueError(f"offset {value!r} is not an ISO-8601 duration such as PT20M or P3D")
    fields = {k: int(v) for k, v in match.groupdict().items() if v}
    return Offset(**fields)
