"""The umbrella task against the real local model (xllamacpp + Qwen2.5-Coder-1.5B), with and
without a weather tool (the MCP fixture server, a real stdio subprocess).

The complaint this answers: without a weather source the model said "It is raining in Berlin, so
you need an umbrella" and the user was told. Now code decides: no source, no claim; with the
tool, the model's verdict follows what the tool said.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.schedule.engine import Engine
from taskd.store.db import session
from taskd.store.receipt_tables import Receipt, ToolCallRow
from taskd.store.tables import Run
from tests.conftest import local
from tests.conftest_service import RecordingChannel, add_task
from tests.test_agent_tools import UMBRELLA, mcp_table
from tests.test_model_real import base_url  # noqa: F401  (fixture: the local model server)

pytestmark = [pytest.mark.model, pytest.mark.slow]
RAINY = ("rain", "umbrella", "wet", "shower", "drizzle")


def fire(home: Path, agent: str) -> tuple[Run, list[str], Receipt | None, list[ToolCallRow]]:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('default_channels = ["rec"]\n[agent]\ntimeout = 300\n'
                                      "tool_timeout = 60\n" + agent)
    start = local("2026-03-02T07:59:00")
    clock = FakeClock(start)
    rec = RecordingChannel()
    engine = Engine(settings_mod.load(), clock, {"rec": rec}, workers=1)
    add_task(engine.url, start, title=UMBRELLA, kind="agent",
             rrule="FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0", dtstart=datetime(2026, 3, 2, 8, 0))
    clock.advance(timedelta(minutes=1, seconds=1))
    engine.tick()
    engine.close()
    with session(engine.url) as db:
        (run,) = db.exec(select(Run).where(Run.state != "pending")).all()
        receipt = db.get(Receipt, run.id)
        calls = list(db.exec(select(ToolCallRow).where(ToolCallRow.run_id == run.id)))
    return run, [m.message for m in rec.sent], receipt, calls


def test_without_a_weather_tool_no_claim_about_rain_is_delivered(
        base_url: str, taskd_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    run, sent, receipt, _ = fire(taskd_home, "")
    assert run.state == "unchecked", run.outcome
    assert receipt is not None and not receipt.grounded
    # The one message is taskd's own notice, not a finding: no claim that it rains.
    (notice,) = sent
    assert notice.startswith("could not check"), notice
    assert "taskd has no source for the weather" in notice


def test_with_the_weather_tool_it_speaks_when_it_rains(
        base_url: str, taskd_home: Path, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    run, sent, receipt, calls = fire(taskd_home, mcp_table(tmp_path / "log",
                                                           weather="Berlin=heavy rain, 9 C"))
    assert run.state == "delivered", (run.outcome, run.answer, run.error)
    assert receipt is not None and receipt.grounded
    assert [c.tool for c in calls][:1] == ["weather"] and "berlin" in calls[0].arguments_json.lower()
    (message,) = sent
    assert any(word in message.lower() for word in RAINY), message


def test_with_the_weather_tool_it_stays_quiet_when_it_is_dry(
        base_url: str, taskd_home: Path, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    run, sent, receipt, calls = fire(taskd_home, mcp_table(
        tmp_path / "log", weather="Berlin=sunny and dry, no rain expected, 21 C"))
    assert run.state == "quiet", (run.outcome, run.answer, run.error)
    assert receipt is not None and receipt.grounded and calls[0].tool == "weather"
    assert sent == []
