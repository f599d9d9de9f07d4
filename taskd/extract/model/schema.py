"""What the model is asked to return, as strict JSON Schemas (OpenAI structured outputs).

Two shapes:
* `Reading`, the model's part in the pipeline: intent and words. `when` is the time phrase copied
  verbatim from the text (code parses it) and `plain` is that phrase in plain words (spelling
  fixed, holidays and vague times spelled out), parsed by code where it cannot read the original.
  No dates: small models get date arithmetic wrong (measured), code does not.
* the full `Draft` (schema/task.schema.json), for the direct mode where the model alone computes
  the schedule (the "prompted baseline").
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from taskd.draft import _strictify
from taskd.draft import json_schema as draft_json_schema

PreferenceKey = Literal["morning", "afternoon", "evening", "tonight", "night", "end_of_day"]


class SaidPreference(BaseModel):
    """A lasting habit stated in passing ("I start work at 8"): which daypart, and the words."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: PreferenceKey
    words: str = Field(description="The statement, copied exactly from the text.")


class Reading(BaseModel):
    """The model's part of one task. Field order is generation order: the phrase comes first.

    No dates, clock times or rules: the model rewrites the time phrase into plain words
    (`plain`) and the deterministic parser computes the schedule from them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: str | None = Field(
        description="The words of the text that say when, copied exactly; null if none.")
    plain: str | None = Field(
        description="The same time phrase in plain words a calendar parser understands.")
    title: str | None = Field(
        description="What to do, in the user's words, without time words or 'remind me to'.")
    kind: Literal["reminder", "agent"] = Field(
        description="agent: something must be produced or looked up for the user at that time; "
        "reminder: the user only wants to be reminded.")
    preference: SaidPreference | None = Field(
        description="A lasting habit the user states in passing, else null.")
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
