"""Request bodies (checked: untrusted) and response shapes (documented: the `--json` objects).

Request models forbid unknown keys (a typo such as "dryrun" is an error, not a silent default)
and clean every text field the way the CLI does (`taskd.extract.clean_text`), so control
characters and bidi overrides are refused with the CLI's own message.

Response models only document: routes return the core's dicts as they are, so an answer is
always exactly what the matching `taskd … --json` prints. They allow extra keys, because the core
may add fields (CORE.md) and the document must not promise less than the service sends.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _cleaner(what: str) -> Any:
    def clean(value: str) -> str:
        from taskd.errors import BadInput
        from taskd.extract import clean_text

        try:
            return clean_text(value, what)
        except BadInput as exc:  # a ValueError becomes a 400 with this message (api.errors)
            raise ValueError(exc.message) from None

    return AfterValidator(clean)


Text = Annotated[str, Field(max_length=20_000), _cleaner("text")]
Title = Annotated[str, Field(max_length=20_000), _cleaner("title")]
Words = Annotated[str, Field(max_length=500), _cleaner("time")]
Zone = Annotated[str, Field(max_length=100), _cleaner("zone")]
Duration = Annotated[str, Field(max_length=100), _cleaner("duration")]
Value = Annotated[str, Field(max_length=500), _cleaner("value")]
Via = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddBody(Body):
    text: Text = Field(description='One line, e.g. "remind me to call mom every Sunday at 6pm".')
    tz: Zone | None = Field(None, description="IANA zone for this task (default: the user's).")
    dry_run: bool = Field(False, description="Extract and resolve, store nothing.")


class ParseBody(Body):
    text: Text
    now: Annotated[str, Field(max_length=64)] | None = Field(
        None, description="Pretend it is this ISO-8601 time (naive: local in tz).")
    tz: Zone | None = None
    count: int = Field(3, ge=0, le=100, description="How many upcoming fire times.")
    backend: Literal["rules", "openai", "auto"] | None = Field(
        None, description="The extractor (default: the service's).")


class EditBody(Body):
    text: Text | None = Field(None, description='A change in words ("7pm instead").')
    title: Title | None = None
    at: Words | None = Field(None, description='A new time in words or ISO ("friday 9am").')


class PauseBody(Body):
    until: Words | None = Field(None, description='Resume by itself then ("monday 9am").')


class DoneBody(Body):
    via: Via | None = Field(None, description="The channel the answer came through (default: api).")


class SnoozeBody(Body):
    duration: Duration | None = Field(None, description='"10m", "1h30m", "2 hours" (default: the '
                                      "snooze preference).")
    via: Via | None = None


class PrefBody(Body):
    value: Value


# --- answers (documentation) -----------------------------------------------------------------
class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class Error(BaseModel):
    error: str = Field(description="One line, as the CLI prints it.")
    code: str = Field(description="bad_input, not_found, conflict, needs_clarification, "
                      "unreachable, unauthorized, too_large, not_allowed")
    question: str | None = Field(None, description="With 422: what to ask the user.")


class Parsed(Answer):
    title: str | None
    kind: Literal["reminder", "agent"]
    rrule: str | None
    tz: str
    next: list[str] = Field(description="Upcoming fire times, ISO-8601 with offset.")
    question: str | None
    draft: dict[str, Any]


class Added(Answer):
    id: int | None
    saved: bool


class TaskOut(Answer):
    id: int
    title: str
    kind: str
    status: str
    tz: str
    rrule: str | None
    next: list[str]


class Removed(Answer):
    id: int
    status: str


class RunOut(Answer):
    run_id: int
    task_id: int | None
    scheduled_for: str
    fired_at: str | None
    state: str
    error: str | None


class Pref(Answer):
    key: str
    value: Any = None


class Forgotten(Answer):
    key: str
    forgotten: bool


class ApiPlaces(BaseModel):
    socket: str = Field(description="The Unix socket the API is served on.")
    url: str | None = Field(description="http://HOST:PORT of the TCP listener, or null.")


class Status(Answer):
    up: bool
    pid: int | None
    api: ApiPlaces
    tasks: dict[str, int]
    next_fire: str | None
    nodes: list[dict[str, Any]]


class Poked(BaseModel):
    ok: bool


class Exported(Answer):
    format: str
    version: int
    tasks: list[dict[str, Any]]


class Imported(Answer):
    format: str
    added: int
    existing: int
