"""The core: every user operation, once. Faces (CLI, HTTP API, MCP, web page) parse their input,
call a `Core` method and render the plain data it returns: exactly the object the matching
`taskd … --json` prints. The core never prints and never reads options.

Importing this module is light: the store, the extractors and the engine load inside methods.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from taskd.clock import Clock
    from taskd.settings import Settings

__all__ = ["MAX_ID", "Core"]

# The largest id any store can hold: PostgreSQL's INTEGER key (SQLite's is wider).
MAX_ID = 2**31 - 1


class Core:
    """`Core(settings, clock, on_change=…, fire=…)`.

    `on_change()` runs after every write (the CLI pokes the service; the service wakes its
    engine). `fire(task_id) -> run_id` fires a task now; the default holds the service lock and
    fires in this process, which is what a CLI without a running service needs."""

    def __init__(self, settings: Settings, clock: Clock | None = None, *,
                 on_change: Callable[[], object] | None = None,
                 fire: Callable[[int], int] | None = None) -> None:
        if clock is None:
            from taskd.clock import SystemClock

            clock = SystemClock()
        self.settings = settings
        self.clock = clock
        self.on_change = on_change
        self.fire = fire

    # plumbing shared by the operation modules
    def now(self) -> datetime:
        return self.clock.now()

    def changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    @contextmanager
    def db(self, *, write: bool = False) -> Iterator[Session]:
        from taskd.store.db import session

        with session(self.settings.database_url, write=write) as handle:
            yield handle

    def settings_for(self, *, tz: str | None = None, backend: str | None = None) -> Settings:
        """These settings with a per-call zone or backend (what `--tz`/`--backend` override)."""
        settings = self.settings
        if tz is not None:
            from taskd.extract import clean_text
            from taskd.resolve.zones import get_zone

            tz = clean_text(tz, "zone")
            get_zone(tz)
            settings = dataclasses.replace(settings, timezone=tz)
        if backend is not None:
            from taskd.errors import BadInput
            from taskd.settings import BACKENDS

            if backend not in BACKENDS:
                raise BadInput(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
            settings = dataclasses.replace(settings, backend=backend)
        return settings

    # text in, tasks out (taskd.core.tasks)
    def add(self, text: str, *, tz: str | None = None, dry_run: bool = False) -> dict[str, Any]:
        from taskd.core import tasks

        return tasks.add(self, text, tz=tz, dry_run=dry_run)

    def parse(self, text: str, *, now: str | datetime | None = None, tz: str | None = None,
              count: int = 3, backend: str | None = None) -> dict[str, Any]:
        from taskd.core import tasks

        return tasks.parse(self, text, now=now, tz=tz, count=count, backend=backend)

    def list_tasks(self, *, include_all: bool = False) -> list[dict[str, Any]]:
        from taskd.core import tasks

        return tasks.list_tasks(self, include_all=include_all)

    def show(self, task_id: int, *, count: int = 5) -> dict[str, Any]:
        from taskd.core import tasks

        return tasks.show(self, task_id, count=count)

    def edit(self, task_id: int, *, text: str | None = None, title: str | None = None,
             at: str | None = None) -> dict[str, Any]:
        from taskd.core import edits

        return edits.edit(self, task_id, text=text, title=title, at=at)

    # a task's life after it is added (taskd.core.lifecycle)
    def pause(self, task_id: int, *, until: str | None = None) -> dict[str, Any]:
        from taskd.core import lifecycle

        return lifecycle.pause(self, task_id, until=until)

    def resume(self, task_id: int) -> dict[str, Any]:
        from taskd.core import lifecycle

        return lifecycle.resume(self, task_id)

    def remove(self, task_id: int) -> dict[str, Any]:
        from taskd.core import lifecycle

        return lifecycle.remove(self, task_id)

    def done(self, task_id: int, *, via: str = "cli") -> dict[str, Any]:
        from taskd.core import lifecycle

        return lifecycle.done(self, task_id, via=via)

    def snooze(self, task_id: int, *, duration: str | None = None,
               via: str = "cli") -> dict[str, Any]:
        from taskd.core import lifecycle

        return lifecycle.snooze(self, task_id, duration=duration, via=via)

    def run(self, task_id: int) -> dict[str, Any]:
        from taskd.core import service

        return service.run(self, task_id)

    def history(self, task_id: int | None = None, *, limit: int = 50) -> list[dict[str, Any]]:
        from taskd.core import history

        return history.history(self, task_id, limit=limit)

    # what was learned (taskd.core.prefs)
    def prefs(self) -> list[dict[str, Any]]:
        from taskd.core import prefs

        return prefs.report(self, ask=False)["prefs"]

    def prefs_report(self, *, ask: bool = True) -> dict[str, Any]:
        """`{"prefs": rows, "questions": [...]}`: the rows, and with `ask` the (rare) questions
        the learner wants put to the user now (asking is recorded, so each is asked once)."""
        from taskd.core import prefs

        return prefs.report(self, ask=ask)

    def set_pref(self, key: str, value: str) -> dict[str, Any]:
        from taskd.core import prefs

        return prefs.set_pref(self, key, value)

    def forget_pref(self, key: str) -> dict[str, Any]:
        from taskd.core import prefs

        return prefs.forget_pref(self, key)

    # the service and the whole home (taskd.core.service, taskd.core.exchange)
    def status(self) -> dict[str, Any]:
        from taskd.core import service

        return service.status(self)

    def export(self, *, include_all: bool = False) -> dict[str, Any]:
        from taskd.core import exchange

        return exchange.export(self, include_all=include_all)

    def calendar(self) -> bytes:
        from taskd.core import exchange

        return exchange.calendar(self)

    def import_text(self, text: str) -> dict[str, Any]:
        from taskd.core import exchange

        return exchange.import_text(self, text)
