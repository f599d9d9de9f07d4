"""Tables the service adds: one row per delivery attempt, and per-task catch-up policy.

Created by migrations m002_deliveries and m003_task_policies (taskd.store.migrations).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from taskd.store.types import UTCDateTime


class Delivery(SQLModel, table=True):
    """One attempt to hand one run to one channel. `taskd history` can show every try."""

    __tablename__ = "deliveries"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runs.id", index=True)
    channel: str
    attempt: int
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ok: bool
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class TaskPolicy(SQLModel, table=True):
    """How a task catches up after downtime; absent means the configured defaults.

    catch_up: "once" (fire the latest missed run, late; record the rest as missed) or "skip"
    (record every missed run as missed, fire nothing). grace_seconds: a run later than this is
    recorded as missed instead of fired; null means no limit.
    """

    __tablename__ = "task_policies"

    task_id: int = Field(foreign_key="tasks.id", primary_key=True)
    catch_up: str = "once"
    grace_seconds: int | None = None
