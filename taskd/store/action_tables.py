"""Answers taken through signed delivery links (taskd.deliver.actions): one row per answered run.

Created by migration m008_action_answers. The run id is the key: a run is answered once, through
whichever channel comes first, so a later click on another copy of the same reminder cannot undo
it (a stale e-mail's Snooze reviving a task finished from the desktop).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from taskd.store.types import UTCDateTime


class ActionAnswer(SQLModel, table=True):
    __tablename__ = "action_answers"

    run_id: int = Field(foreign_key="runs.id", primary_key=True)
    action: str
    via: str
    sig: str
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
