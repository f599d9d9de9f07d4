"""Stand-in for `taskd.core.Core` until the core layer lands: only what the API serves from
code that exists today (status, run, export, import, calendar). Deleted once taskd.core exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from taskd.clock import Clock
from taskd.errors import Unreachable
from taskd.settings import Settings


class InterimCore:
    def __init__(self, settings: Settings, clock: Clock, *, on_change: Callable[[], None],
                 fire: Callable[[int], int]) -> None:
        self.settings = settings
        self.clock = clock
        self.on_change = on_change
        self.fire = fire

    def _db(self, write: bool = False) -> Any:
        from taskd.store.db import session

        return session(self.settings.database_url, write=write)

    def status(self) -> dict[str, Any]:
        from taskd.cli.service import _offline_status

        return _offline_status(self.settings)

    def run(self, task_id: int) -> dict[str, Any]:
        from taskd.cli import render
        from taskd.store.tables import Run

        run_id = self.fire(task_id)
        with self._db() as db:
            run = db.get(Run, run_id)
            return render.run_json(run)

    def export(self, *, include_all: bool = False) -> dict[str, Any]:
        from taskd.exchange.export import export_data

        with self._db() as db:
            return export_data(db, self.clock.now(), include_all=include_all)

    def calendar(self) -> bytes:
        from taskd.exchange.ical import calendar

        with self._db() as db:
            return calendar(db, self.clock.now())

    def import_text(self, text: str) -> dict[str, Any]:
        from taskd.exchange.load import import_text

        with self._db(write=True) as db:
            report = import_text(db, text, tz=self.settings.timezone, now=self.clock.now())
        if report.added:
            self.on_change()
        return report.to_json()

    def __getattr__(self, name: str) -> Any:
        def missing(*_args: Any, **_kwargs: Any) -> Any:
            raise Unreachable(f"{name} is not served yet (the core layer is missing)")

        return missing
