"""One agent task end to end against the real local model (xllamacpp + Qwen2.5-Coder-1.5B).

Skips unless the runtime and the verified weights are there (see tests/test_model_real.py).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.schedule.engine import Engine
from taskd.store.db import session
from taskd.store.tables import Run
from tests.conftest import local
from tests.conftest_service import RecordingChannel, add_task
from tests.test_model_real import base_url  # noqa: F401  (fixture: the local model server)

pytestmark = [pytest.mark.model, pytest.mark.slow]


def test_briefing_runs_through_the_real_model(base_url: str, taskd_home: Path,  # noqa: F811
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    taskd_home.mkdir(parents=True, exist_ok=True)
    (taskd_home / "config.toml").write_text('default_channels = ["rec"]\n[agent]\ntimeout = 300\n')
    start = local("2026-03-02T07:59:00")
    clock = FakeClock(start)
    rec = RecordingChannel()
    engine = Engine(settings_mod.load(), clock, {"rec": rec}, workers=1)
    add_task(engine.url, start, title="give me a two-line plan for a productive Monday",
             kind="agent", rrule="FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0",
             dtstart=datetime(2026, 3, 2, 8, 0))
    clock.advance(timedelta(minutes=1, seconds=1))
    engine.tick()
    with session(engine.url) as db:
        (run,) = db.exec(select(Run).where(Run.state != "pending")).all()
    assert run.state == "delivered", run.error
    assert isinstance(json.loads(run.answer or "")["notify"], bool)
    assert (run.prompt_tokens or 0) > 300 and (run.completion_tokens or 0) > 0
    assert (run.latency_ms or 0) > 0
    (message,) = rec.sent
    assert message.message.strip() and message.message == run.output
