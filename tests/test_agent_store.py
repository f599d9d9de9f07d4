"""Agent runs in the store, on SQLite and PostgreSQL: m004 upgrades a database made before it,
and budgets and continuity read back what earlier runs recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import col, select

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.schedule.engine import Engine
from taskd.store.db import dispose_all, engine_for, session
from taskd.store.receipt_tables import Receipt
from taskd.store.tables import Run
from tests.conftest import local
from tests.conftest_service import RecordingChannel, add_task
from tests.test_model_wire import FakeServer, Step, completion, fake_server
from tests.test_store import pg_url, url  # noqa: F401  (fixtures: a database of each kind)

AGENT_COLUMNS = {"prompt", "answer", "notify", "prompt_tokens", "completion_tokens", "latency_ms",
                 "model"}
START = local("2026-03-02T07:59:00")


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    with fake_server() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        yield server


def test_m004_adds_the_agent_columns_to_an_older_database(url: str) -> None:  # noqa: F811
    engine = engine_for(url)
    with engine.begin() as conn:
        for name in sorted(AGENT_COLUMNS):
            conn.execute(text(f"ALTER TABLE runs DROP COLUMN {name}"))
        conn.execute(text("DELETE FROM _taskd_migrations WHERE name = 'm004_agent_runs'"))
        assert not AGENT_COLUMNS & {c["name"] for c in inspect(conn).get_columns("runs")}
    dispose_all()
    with engine_for(url).connect() as conn:
        assert {c["name"] for c in inspect(conn).get_columns("runs")} >= AGENT_COLUMNS


def test_agent_runs_budget_and_continuity_on_each_database(
        url: str, taskd_home: Path, model: FakeServer,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKD_DB", url)
    model.steps += [Step(body=completion(json.dumps({"notify": True, "message": f"haiku {n}"})))
                    for n in (1, 2)]
    taskd_home.mkdir(parents=True, exist_ok=True)
    (taskd_home / "config.toml").write_text('default_channels = ["rec"]\n'
                                            "[agent]\ntask_tokens_per_day = 240\n")
    rec = RecordingChannel()
    fake = FakeClock(START)
    engine = Engine(settings_mod.load(), fake, {"rec": rec}, workers=1)
    task = add_task(url, START, title="a daily haiku", kind="agent", rrule="FREQ=HOURLY",
                    dtstart=local("2026-03-02T08:00:00").replace(tzinfo=None))
    for _ in range(3):
        fake.advance(timedelta(hours=1))
        engine.tick()
    with session(url) as db:
        done = list(db.exec(select(Run).where(Run.task_id == task, Run.state != "pending")
                            .order_by(col(Run.scheduled_for))))
    assert [r.state for r in done] == ["delivered", "delivered", "skipped"]
    assert done[1].prompt and "haiku 1" in done[1].prompt.split("<earlier", 1)[1]
    assert done[2].outcome and "used 240 of its 240 tokens" in done[2].outcome
    assert [m.message for m in rec.sent][:2] == ["haiku 1", "haiku 2"]
    with session(url) as db:  # m006: every run that asked the model has a receipt
        receipts = list(db.exec(select(Receipt).order_by(col(Receipt.run_id))))
    assert [(r.run_id, r.grounded, r.sources_json) for r in receipts] == [
        (done[0].id, False, "[]"), (done[1].id, False, "[]")]
