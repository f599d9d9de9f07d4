"""The CLI's human output is a pure function of its `--json` data: the same commands run in two
homes, one with --json (rendered from the parsed JSON) and one without, print the same.

This is what lets the thin client (data over HTTP) print what the in-process CLI prints."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from taskd.cli import render
from taskd.clock import FakeClock
from tests.cli import taskd

Renderer = Callable[[Any], list[Any]]

# (command line, renderer of its --json data); one session that touches every command
SESSION: list[tuple[tuple[str, ...], Renderer]] = [
    (("add", "remind me to call mom every Sunday at 6pm"), render.render_add),
    (("add", "water the [red]plants[/red] tomorrow at 9", "--dry-run"), render.render_add),
    (("add", "tomorrow at 9am go to the gym"), render.render_add),
    (("add", "move my gym reminder to 8pm"), render.render_add),
    (("add", "every weekday at 8am give me a news briefing"), render.render_add),
    (("parse", "every weekday at 8am give me a news briefing", "--count", "2"),
     render.render_parse),
    (("parse", "call mom on friday evening", "--count", "0"), render.render_parse),
    (("list",), render.render_list),
    (("show", "1"), render.render_show),
    (("edit", "1", "--at", "7pm"), render.render_edit),
    (("edit", "2", "--title", "Gym [leg day]"), render.render_edit),
    (("pause", "1", "--until", "monday 9am"), render.render_pause),
    (("list", "--all"), render.render_list),
    (("resume", "1"), render.render_resume),
    (("snooze", "2", "1h30m"), render.render_snooze),
    (("snooze", "1"), render.render_snooze),
    (("run", "1"), render.render_run),
    (("done", "2"), render.render_done),
    (("history",), lambda rows: render.render_history(rows)),
    (("history", "1"), lambda rows: render.render_history(rows, verbose=True)),
    (("prefs", "set", "evening", "19:30"), render.render_pref_set),
    (("prefs", "forget", "evening"), render.render_pref_forget),
    (("prefs", "forget", "evening"), render.render_pref_forget),
    (("status",), lambda data: render.render_status(data, "Europe/Berlin")),
    (("rm", "1"), render.render_rm),
    (("list",), render.render_list),
]


def test_every_command_prints_what_its_json_renders_to(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        clock: FakeClock) -> None:
    homes = {"json": tmp_path / "json", "human": tmp_path / "human"}

    def in_home(name: str, *args: str) -> tuple[str, str]:
        monkeypatch.setenv("TASKD_HOME", str(homes[name]))
        result = taskd(capsys, clock, *args)
        assert result.code == 0, (args, result.err)
        return result.out, result.err

    for args, renderer in SESSION:
        out, err = in_home("json", *args, "--json")
        data = json.loads(out)  # one JSON document, even for `run`
        # `run`: the console channel prints the reminder itself; beside --json, on stderr
        channel = err if args[0] == "run" else ""
        printed, _ = in_home("human", *args)
        render.emit(renderer(data))
        assert channel + capsys.readouterr().out == printed, args
    monkeypatch.setenv("TASKD_HOME", str(homes["json"]))
    assert taskd(capsys, clock, "history", "--json").json() != []  # the run really happened


def test_prefs_table_and_questions_render_from_the_report(
        capsys: pytest.CaptureFixture[str], clock: FakeClock) -> None:
    taskd(capsys, clock, "prefs", "set", "morning", "07:15")
    printed = taskd(capsys, clock, "prefs").out
    from taskd.core import Core
    from taskd.settings import load

    report = json.loads(json.dumps(Core(load(), clock).prefs_report(ask=True)))
    render.emit(render.render_prefs(report, "Europe/Berlin"))
    assert capsys.readouterr().out == printed
    assert "07:15" in printed and "explicit" in printed


def test_import_report_renders_from_its_json(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                             clock: FakeClock) -> None:
    taskd(capsys, clock, "add", "remind me to call mom every Sunday at 6pm")
    exported = tmp_path / "home.json"
    exported.write_text(taskd(capsys, clock, "export").out)
    twice = [taskd(capsys, clock, "import", str(exported), *flag) for flag in ((), ("--json",))]
    assert all(r.code == 0 for r in twice), [r.err for r in twice]
    render.emit(render.render_import(twice[1].json()))
    assert capsys.readouterr().out == twice[0].out
    assert "1 already here" in twice[0].out


def test_agent_history_with_tool_calls_renders_from_its_json(
        taskd_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The history table's model and tools columns, the tool-call lines and the verbose prompt
    and answer: all from the JSON rows."""
    from datetime import timedelta

    from tests.conftest_service import RecordingChannel, add_task, make_engine
    from tests.test_agent_engine import START, answer, fire_at_8
    from tests.test_agent_tools import _check
    from tests.test_model_wire import fake_model_env

    clock = FakeClock(START)
    for model in fake_model_env(monkeypatch):
        engine = make_engine(taskd_home, clock, RecordingChannel(), _check(tmp_path, 0, "home: 9 d"))
        model.steps.append(answer(True, "The home backup is 9 days old."))
        task = add_task(engine.url, START, title="tell me if the backups check finds a stale backup",
                        kind="agent", first=START + timedelta(minutes=1))
        fire_at_8(engine, clock)
    monkeypatch.setenv("COLUMNS", "300")
    rows = taskd(capsys, clock, "history", str(task), "--json").json()
    assert rows[0]["agent"] is not None and rows[0]["receipt"]["tool_calls"]
    for verbose in (False, True):
        printed = taskd(capsys, clock, "history", str(task), *(["-v"] if verbose else [])).out
        render.emit(render.render_history(rows, verbose=verbose))
        assert capsys.readouterr().out == printed
        assert "run_check · grounded" in printed and ("│ home: 9 d" in printed) is verbose
