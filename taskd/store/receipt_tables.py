"""What an agent run rests on: the tool calls it made and its receipt (migration m006).

Kept out of `runs` so that a run of a reminder carries nothing of this, and so that `taskd
history` can show each call (and, verbose, its result) without parsing a blob.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from taskd.store.types import UTCDateTime


class ToolCallRow(SQLModel, table=True):
    """One tool call of one agent run, in the order made."""

    __tablename__ = "tool_calls"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runs.id", index=True)
    seq: int
    tool: str
    source: str  # "mcp:weather", "builtin", "check:backups"
    arguments_json: str = Field(sa_column=Column(Text, nullable=False))
    result: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    result_chars: int = 0
    ms: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Receipt(SQLModel, table=True):
    """Whether an agent run's answer rests on tool results, which, and what the task needed."""

    __tablename__ = "receipts"

    run_id: int = Field(foreign_key="runs.id", primary_key=True)
    grounded: bool
    needs_json: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    sources_json: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
