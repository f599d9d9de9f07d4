"""What a user sees of agent tasks on the command line: the "needs a model" note at `add`, and
the prompt, answer, tokens and latency in `taskd history`."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.schedule.engine import Engine
from tests.cli import taskd
from tests.conftest_service import RecordingChannel
from tests.test_model_wire import Step, completion, fake_server

BRIEFING = "every day at 11am give me a briefing on my calendar"


def test_add_says_an_agent_task_needs_a_model(capsys: pytest.CaptureFixture[str],
                                              clock: FakeClock) -> None:
    shown = taskd(capsys, clock, "add", BRIEFING)
    assert shown.code == 0 and "agent tasks need a model endpoint" in shown.out
    assert "OPENAI_BASE_URL" in shown.out
    data = taskd(capsys, clock, "add", BRIEFING, "--json").json()
    assert data["kind"] == "agent" and data["saved"] is True
    assert data["warnings"] and "need a model endpoint" in data["warnings"][0]
    reminder = taskd(capsys, clock, "add", "every day at 11am water the plants", "--json").json()
    assert reminder["warnings"] == []


def test_add_with_a_model_configured_has_no_warning(capsys: pytest.CaptureFixture[str],
                                                    clock: FakeClock,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # never called: rules backend
    shown = taskd(capsys, clock, "add", BRIEFING)
    assert shown.code == 0 and "need a model" not in shown.out


def test_history_shows_prompt_answer_tokens_and_latency(
        taskd_home: Path, capsys: pytest.CaptureFixture[str], clock: FakeClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    message = "09:30 standup, 14:00 dentist. Nothing else today."
    reply = completion(json.dumps({"notify": True, "message": message}))
    with fake_server(Step(body=reply)) as model:
        monkeypatch.setenv("OPENAI_BASE_URL", model.base_url)
        monkeypatch.setenv("TASKD_MODEL", "fake-model")
        task_id = taskd(capsys, clock, "add", BRIEFING, "--json").json()["id"]
        engine = Engine(settings_mod.load(), clock, {"console": RecordingChannel("console"),
                                                      "desktop": RecordingChannel("desktop")},
                        workers=1)
        clock.advance(timedelta(hours=1, seconds=1))
        assert len(engine.tick().delivered) == 1

    monkeypatch.setenv("COLUMNS", "300")  # one line per run, as on a wide terminal
    table = taskd(capsys, clock, "history", str(task_id))
    assert table.code == 0
    assert "100+20 tok" in table.out and "09:30 standup" in table.out
    assert "--verbose" in table.out
    verbose = taskd(capsys, clock, "history", str(task_id), "--verbose")
    assert "fake-model" in verbose.out and "Tools you may call: none." in verbose.out
    assert "<task>" in verbose.out and '"notify": true' in verbose.out
    (run,) = taskd(capsys, clock, "history", str(task_id), "--json").json()
    agent = run["agent"]
    assert run["state"] == "delivered" and run["output"] == message
    assert (agent["model"], agent["prompt_tokens"], agent["completion_tokens"],
            agent["notify"]) == ("fake-model", 100, 20, True)
    assert agent["latency_ms"] >= 0 and "Give me a briefing on my calendar" in agent["prompt"]
    assert json.loads(agent["answer"])["message"] == message


def test_history_of_a_run_without_a_model_says_why(
        taskd_home: Path, capsys: pytest.CaptureFixture[str], clock: FakeClock) -> None:
    task_id = taskd(capsys, clock, "add", BRIEFING, "--json").json()["id"]
    console = RecordingChannel("console")
    engine = Engine(settings_mod.load(), clock, {"console": console,
                                                  "desktop": RecordingChannel("desktop")},
                    workers=1)
    clock.advance(timedelta(hours=1, seconds=1))
    engine.tick()
    (run,) = taskd(capsys, clock, "history", str(task_id), "--json").json()
    assert run["state"] == "failed" and run["agent"] is None
    assert run["error"].startswith("agent tasks need a model endpoint")
    assert "could not run: agent tasks need a model endpoint" in console.sent[0].message
