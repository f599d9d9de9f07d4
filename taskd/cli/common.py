"""What every command shares: settings, the clock, JSON output, the database session."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from taskd import settings as settings_mod
from taskd.clock import Clock, SystemClock

if TYPE_CHECKING:
    from sqlmodel import Session

    from taskd.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON document on stdout.")(fn)


def clock(ctx: click.Context | None = None) -> Clock:
    """Tests inject a FakeClock as `obj={"clock": ...}`; users get the system clock."""
    ctx = ctx or click.get_current_context()
    obj = ctx.find_root().obj
    if isinstance(obj, dict) and "clock" in obj:
        return obj["clock"]  # type: ignore[no-any-return]
    return SystemClock()


def now() -> datetime:
    return clock().now()


def load_settings(tz: str | None = None, backend: str | None = None) -> Settings:
    return settings_mod.load(tz=tz, backend=backend)


@contextmanager
def db(settings: Settings, *, write: bool = False) -> Iterator[Session]:
    from taskd.store.db import session

    with session(settings.database_url, write=write) as handle:
        yield handle


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def notify_service(settings: Settings) -> None:
    """Tell a running service that tasks changed; it also polls, so silence is fine."""
    try:
        from taskd.schedule.control import poke  # type: ignore[import-not-found]
    except ImportError:
        return
    poke(settings)
