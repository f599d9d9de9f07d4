"""The draft: what extraction produces, before any date arithmetic.

`schema/task.schema.json` is generated from `Draft` (python -m taskd.draft > schema/task.schema.json)
and must stay valid for OpenAI strict structured outputs: every property required, optional ones
nullable, no additional properties. A test fails when the file and this model drift apart.

A draft says *what the user asked for*; `taskd.resolve` turns it into instants. The model (or the
rules extractor) never adds minutes to a clock: "in 20 minutes" is an `offset`, "every Sunday at
6pm" an RRULE plus a wall-clock time, and the resolver does the calendar work.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, GetCoreSchemaHandler, model_validator
from pydantic_core import CoreSchema, core_schema

from taskd.terminal import without_steering

SCHEMA_VERSION = 1
SCHEMA_ID = "https://taskd.dev/schema/task-draft/v1.json"

Kind = Literal["reminder", "agent"]
Daypart = Literal["morning", "afternoon", "evening", "tonight", "night", "end_of_day"]
TimeSource = Literal["explicit", "daypart", "default"]

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
RRULE_PART_RE = re.compile(r"^[A-Z]+=[A-Z0-9,+\-T]+$")
RRULE_FORBIDDEN = ("DTSTART", "RRULE:", "\n")
RRULE_BODY_RE = re.compile(r"[A-Z]+=[A-Z0-9,+\-T]+(?:;[A-Z]+=[A-Z0-9,+\-T]+)*\Z")


@dataclass(frozen=True)
class _Says:
    """Gives a constrained value one plain error, so that a check can stay inside pydantic-core
    (Python validators for date and time measured a sixth of validating a draft) and still say
    what was expected."""

    error_type: str
    message: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.custom_error_schema(handler(source), self.error_type,
                                               custom_error_message=self.message)


def _normal_rrule(value: str) -> str:
    """One normal form for an RRULE body: model output may say "rrule:freq=weekly"."""
    if RRULE_BODY_RE.match(value) and "DTSTART" not in value and (
            value.startswith("FREQ=") or ";FREQ=" in value):
        return value  # already in the normal form the steps below produce (the common case)
    rule = value.strip().upper().removeprefix("RRULE:")
    if any(bad in rule for bad in RRULE_FORBIDDEN):
        raise ValueError("rrule must be a single RRULE body without DTSTART")
    parts = [p for p in rule.split(";") if p]
    if not parts or not all(RRULE_PART_RE.match(p) for p in parts):
        raise ValueError(f"rrule {value!r} is not NAME=VALUE;NAME=VALUE")
    if not any(p.startswith("FREQ=") for p in parts):
        raise ValueError("rrule needs FREQ")
    return ";".join(parts)


# Patterns as text: pydantic-core's own regex engine (a compiled `re` pattern measured 0.3 µs a value).
# Its `$` is the end of the text and [0-9] is ASCII, so nothing `date.fromisoformat` cannot read passes.
DateText = Annotated[str, Field(pattern=DATE_PATTERN), _Says("date_format", "date is not YYYY-MM-DD")]
TimeText = Annotated[str, Field(pattern=TIME_PATTERN),
                     _Says("time_format", "time is not HH:MM or HH:MM:SS")]
RRuleText = Annotated[str, AfterValidator(_normal_rrule)]
# Words a model wrote, shown later on a terminal: its escapes and bidi overrides are dropped here,
# at the boundary (a model cannot be asked to retype; the user's own text is refused instead).
ShownText = Annotated[str, AfterValidator(without_steering)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Offset(_Strict):
    """A relative offset from the moment of extraction, in `dateutil.relativedelta` fields.

    All zero means "now"."""

    years: int = Field(0, ge=0, le=100)
    months: int = Field(0, ge=0, le=1200)
    weeks: int = Field(0, ge=0, le=5200)
    days: int = Field(0, ge=0, le=36500)
    hours: int = Field(0, ge=0, le=876000)
    minutes: int = Field(0, ge=0, le=52560000)
    seconds: int = Field(0, ge=0, le=3153600000)


class Schedule(_Strict):
    """When the task fires, as the user said it.

    One-time: `date` and/or `time` (local wall clock), or `offset`.
    Recurring: `rrule` (RFC 5545 rule body, no DTSTART), with `date` as the start date and
    `time` as the wall-clock time unless the rule carries BYHOUR itself.
    """

    date: DateText | None = Field(None, description="Local calendar date YYYY-MM-DD, or null.")
    time: TimeText | None = Field(None, description="Local wall-clock time HH:MM or HH:MM:SS, or null.")
    offset: Offset | None = Field(
        None, description="Relative offset from now (one-time tasks only), or null."
    )
    rrule: RRuleText | None = Field(
        None,
        description="RFC 5545 RRULE body such as FREQ=WEEKLY;BYDAY=SU;BYHOUR=18;BYMINUTE=0, "
        "with optional UNTIL or COUNT; null for a one-time task.",
    )
    daypart: Daypart | None = Field(
        None, description="The daypart word the user used (morning, evening...), or null."
    )
    time_source: TimeSource = Field(
        "default",
        description="explicit: the user named a time or offset; daypart: a daypart word; "
        "default: no time given.",
    )

    @model_validator(mode="after")
    def _one_kind_of_when(self) -> Schedule:
        if self.offset is not None and (self.rrule or self.date or self.time):
            raise ValueError("an offset cannot be combined with a date, time or rrule")
        if self.time_source == "daypart" and self.daypart is None:
            raise ValueError("time_source 'daypart' needs a daypart")
        return self


class Draft(_Strict):
    """One task as extracted from the user's words."""

    schema_version: Literal[1] = Field(SCHEMA_VERSION, description="Always 1.")
    title: ShownText | None = Field(
        None,
        max_length=200,
        description="Short imperative title in the user's words, without date or time words.",
    )
    kind: Kind = Field(
        "reminder",
        description="reminder: tell the user something; agent: run `message` as a prompt "
        "through the model at fire time and deliver the answer.",
    )
    message: ShownText | None = Field(
        None,
        max_length=4000,
        description="What to say at fire time (reminder) or the prompt to run (agent).",
    )
    schedule: Schedule | None = Field(None, description="When; null only with a question.")
    tz: str | None = Field(None, description="IANA zone the user named, or null for theirs.")
    question: ShownText | None = Field(
        None, description="A clarifying question when the text cannot be scheduled, else null."
    )
    assumptions: list[ShownText] = Field(
        default_factory=list, description="Readings the extractor chose that the user should see."
    )

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Draft:
        """pydantic's, with a shortcut: every draft (rules or model) is validated here, and passing
        pydantic's six keyword defaults on measured a tenth of validating a draft."""
        if options:
            return super().model_validate(obj, **options)
        draft: Draft = cls.__pydantic_validator__.validate_python(obj)
        return draft

    @model_validator(mode="after")
    def _schedule_or_question(self) -> Draft:
        if self.schedule is None and not self.question:
            raise ValueError("a draft needs a schedule or a question")
        return self


_SCHEDULE_DEFAULTS: dict[str, Any] = {"date": None, "time": None, "offset": None, "rrule": None,
                                      "daypart": None, "time_source": "default"}
_OFFSET_DEFAULTS: dict[str, Any] = {name: 0 for name in Offset.model_fields}
# What `cls.model_construct(**fields)` sets on a model with no aliases, extras, private attributes
# or post-init (all of these), set through BaseModel's slot descriptors: their `__set__` costs
# less than `object.__setattr__`, which looks the slot up again on every call.
_NEW = object.__new__
_SET_DICT = BaseModel.__dict__["__dict__"].__set__
_SET_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__
# Every field is set on every model built here: copying a set costs half of building one.
_ALL_SCHEDULE_FIELDS = set(_SCHEDULE_DEFAULTS)
_ALL_DRAFT_FIELDS = set(Draft.model_fields)


def _built(cls: type[_Strict], fields: dict[str, Any], fields_set: set[str]) -> Any:
    """What `cls.model_construct(**fields)` makes, without its per-field loop."""
    model = _NEW(cls)
    _SET_DICT(model, fields)
    _SET_FIELDS_SET(model, fields_set)
    _SET_EXTRA(model, None)
    _SET_PRIVATE(model, None)
    return model


def trusted_draft(title: str | None, kind: str, message: str | None,
                  schedule: dict[str, Any] | None, tz: str | None, question: str | None,
                  assumptions: list[str]) -> Draft:
    """A Draft from fields that taskd's own code produced (the rules extractor), not validated
    again: validation is for what crosses a trust boundary (model output, files, the CLI), and
    here it measured a sixth of an offline extraction. `schedule` holds Schedule fields (missing
    ones take their defaults; `offset` as a dict of Offset fields). tests/test_eval_gate.py checks
    on every eval case that this gives exactly what `Draft.model_validate` gives."""
    built = None
    if schedule is not None:
        fields = {**_SCHEDULE_DEFAULTS, **schedule}
        if fields["offset"] is not None:
            offset = {**_OFFSET_DEFAULTS, **fields["offset"]}
            fields["offset"] = _built(Offset, offset, set(offset))
        # _built's steps written out here and below: two Python calls fewer per extraction.
        built = _NEW(Schedule)
        _SET_DICT(built, fields)
        _SET_FIELDS_SET(built, _ALL_SCHEDULE_FIELDS.copy() if len(fields) == 6 else set(fields))
        _SET_EXTRA(built, None)
        _SET_PRIVATE(built, None)
    draft: Draft = _NEW(Draft)
    _SET_DICT(draft, {"schema_version": SCHEMA_VERSION, "title": title, "kind": kind,
                      "message": message, "schedule": built, "tz": tz, "question": question,
                      "assumptions": assumptions})
    _SET_FIELDS_SET(draft, _ALL_DRAFT_FIELDS.copy())
    _SET_EXTRA(draft, None)
    _SET_PRIVATE(draft, None)
    return draft


_NOT_FOR_STRICT = {"default", "maxLength", "minLength", "pattern"}


def _strictify(node: Any) -> Any:
    """Make pydantic's JSON Schema fit OpenAI strict mode: all properties required, no defaults."""
    if isinstance(node, dict):
        # maxLength and pattern are enforced by pydantic: strict-mode servers reject or ignore
        # maxLength, and the published schema has never carried pattern.
        node = {k: _strictify(v) for k, v in node.items() if k not in _NOT_FOR_STRICT}
        if node.get("type") == "object" and "properties" in node:
            node["required"] = list(node["properties"])
            node["additionalProperties"] = False
        if "const" in node:
            node["enum"] = [node.pop("const")]
        return node
    if isinstance(node, list):
        return [_strictify(item) for item in node]
    return node


def json_schema() -> dict[str, Any]:
    schema = _strictify(Draft.model_json_schema(mode="validation"))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


def render_schema() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    print(render_schema(), end="")
