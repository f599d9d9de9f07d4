"""The tables. Migrations (taskd.store.migrations) create and change them; this is their shape."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from sqlalchemy import Column, Index, String, Text, text
from sqlmodel import Field, SQLModel

from taskd.store.types import UTCDateTime

TASK_STATUSES = ("active", "paused", "done", "deleted")
# quiet: an agent task whose condition did not hold ran, and rightly delivered nothing.
# unchecked: an agent task's verdict needed outside data and rests on no tool result.
# cancelled / superseded: a planned run that never happened (its task ended / an edit replaced it).
# held: it fell due in quiet hours at a time the user did not state; a later run delivers it.
RUN_STATES = ("pending", "claimed", "delivered", "quiet", "unchecked", "failed", "missed", "skipped",
              "held", "cancelled", "superseded")


def _instant(nullable: bool = False, index: bool = False) -> datetime:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))  # type: ignore[no-any-return]


class Task(SQLModel, table=True):
    __tablename__ = "tasks"

    id: int | None = Field(default=None, primary_key=True)
    title: str
    kind: str = "reminder"
    message: str | None = None
    source_text: str = Field(sa_column=Column(Text, nullable=False))
    draft_json: str = Field(sa_column=Column(Text, nullable=False))
    backend: str
    tz: str
    rrule: str | None = None
    dtstart: str | None = None  # naive local wall clock (ISO) the rule expands from
    first_at: datetime = _instant()
    next_fire_at: datetime | None = _instant(nullable=True, index=True)
    status: str = Field(default="active", index=True)
    paused_until: datetime | None = _instant(nullable=True)
    time_source: str = "explicit"
    daypart: str | None = None
    channels_json: str | None = None  # null: the configured default channels
    created_at: datetime = _instant()
    updated_at: datetime = _instant()
    # Stable across homes (export/import match on it; iCalendar UIDs come from it). m005 fills it
    # for older rows and adds the unique index.
    uid: str = Field(default_factory=lambda: str(uuid4()),
                     sa_column=Column(String(64), nullable=True))


# Rows that no longer stand for a firing (cancelled by an edit, superseded) do not hold their
# instant: the task may plan the same instant again. Every other row is one per (task, instant),
# so two services planning the same next run cannot both insert it (m007).
LIVE_INSTANT = "state NOT IN ('cancelled', 'superseded')"


class Run(SQLModel, table=True):
    """One planned or past firing of a task; at most one live row per (task_id, scheduled_for)."""

    __tablename__ = "runs"
    __table_args__ = (
        # PostgreSQL's `where` is added by postgres_options(): naming it here would import
        # SQLAlchemy's PostgreSQL dialect on every CLI start, SQLite or not.
        Index("ux_runs_task_instant_live", "task_id", "scheduled_for", unique=True,
              sqlite_where=text(LIVE_INSTANT)),
        Index("ix_runs_state_due", "state", "scheduled_for"),
    )

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="tasks.id", index=True)
    scheduled_for: datetime = _instant()
    state: str = "pending"
    origin: str = "schedule"  # schedule | snooze | manual
    attempt: int = 0
    claimed_at: datetime | None = _instant(nullable=True)
    # The claim (m007): which service process holds it, and until when unless it renews.
    owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = _instant(nullable=True)
    fired_at: datetime | None = _instant(nullable=True)
    finished_at: datetime | None = _instant(nullable=True)
    late: bool = False
    outcome: str | None = None
    output: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Agent runs (m004): the prompt sent, the model's raw answer, its verdict and its cost.
    prompt: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    notify: bool | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: int | None = None
    model: str | None = None


def postgres_options() -> None:
    """Give the partial unique index its WHERE on PostgreSQL too (before any DDL there)."""
    for index in Run.__table__.indexes:  # type: ignore[attr-defined]
        if index.name == "ux_runs_task_instant_live":
            index.dialect_options["postgresql"]["where"] = text(LIVE_INSTANT)


class Event(SQLModel, table=True):
    """What happened to a task: created, edited, paused, snoozed, done... (learning signals too)."""

    __tablename__ = "events"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int | None = Field(default=None, foreign_key="tasks.id", index=True)
    kind: str = Field(index=True)
    at: datetime = _instant()
    data_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Preference(SQLModel, table=True):
    """A learned or stated preference, with its evidence."""

    __tablename__ = "preferences"

    key: str = Field(primary_key=True)
    value: str
    source: str = "learned"  # learned | explicit
    evidence: int = 0
    confidence: float = 0.0
    updated_at: datetime = _instant()
    detail_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Node(SQLModel, table=True):
    """A running `taskd serve` (m006). Its heartbeat renews its lease and the leases of its claims;
    a node whose lease ran out is dead to the others, and its claims are taken back."""

    __tablename__ = "nodes"

    id: str = Field(primary_key=True, max_length=64)
    host: str
    pid: int
    started_at: datetime = _instant()
    heartbeat_at: datetime = _instant()
    lease_until: datetime = _instant()
