"""One user's taskd for the lifecycle tests: the real CLI in-process, the real store and the
service engine on one FakeClock, and a recording channel that sees every delivery."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from taskd import settings as settings_mod
from taskd.cli import main
from taskd.clock import FakeClock
from taskd.schedule.engine import Engine
from taskd.store.db import session
from taskd.store.tables import Run
from tests.conftest_service import RecordingChannel


@dataclass
class Said:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class World:
    def __init__(self, home: Path, start: datetime) -> None:
        home.mkdir(parents=True, exist_ok=True)
        (home / "config.toml").write_text('default_channels = ["rec"]\n')
        self.clock = FakeClock(start)
        self.rec = RecordingChannel()
        self.engine = self._engine()

    def _engine(self) -> Engine:
        return Engine(settings_mod.load(), self.clock, {"rec": self.rec}, workers=1)

    def restart(self) -> None:
        """The service stops and a new one starts on the same database."""
        self.engine.close()
        self.engine = self._engine()
        self.engine.recover()

    def taskd(self, *args: str) -> Said:
        out, err, code = io.StringIO(), io.StringIO(), 0
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main(list(args), {"clock": self.clock})
            except SystemExit as exc:
                code = int(exc.code or 0)
        return Said(code, out.getvalue(), err.getvalue())

    def ok(self, *args: str) -> Any:
        said = self.taskd(*args, "--json")
        assert said.code == 0, (args, said.err)
        return said.json()

    def tick(self) -> list[int]:
        return self.engine.tick().delivered

    def advance(self, delta: timedelta) -> list[int]:
        self.clock.advance(delta)
        return self.tick()

    def advance_to(self, instant: datetime) -> list[int]:
        return self.advance(instant - self.clock.now())

    def next_of(self, task_id: int) -> datetime | None:
        shown = self.ok("show", str(task_id))["next"]
        return datetime.fromisoformat(shown[0]) if shown else None

    def runs(self, task_id: int) -> list[Run]:
        with session(self.engine.url) as db:
            return list(db.exec(select(Run).where(Run.task_id == task_id)
                                .order_by(col(Run.scheduled_for), col(Run.id))))

    def sent_for(self, task_id: int) -> list[datetime]:
        # By scheduled time: runs due in the same tick go out on a pool, in no promised order.
        return sorted(m.scheduled_for for m in self.rec.sent if m.task_id == task_id)
