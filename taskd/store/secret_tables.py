"""Secrets that belong to the database rather than to one node: one row per name.

Created by migration m009_secrets. Several services on one database (active-active) must share
these: the action-link signing key (taskd.deliver.actions) is the first, so a link signed by one
node verifies on any other. Rows are only ever inserted (ON CONFLICT DO NOTHING), never replaced.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from taskd.store.types import UTCDateTime


class Secret(SQLModel, table=True):
    __tablename__ = "secrets"

    name: str = Field(primary_key=True, max_length=100)
    value: str
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
