"""JSON export and import between real homes (two TASKD_HOMEs, SQLite), through the real CLI."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from taskd.clock import FakeClock
from tests.cli import taskd


def use_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    from taskd.store.db import dispose_all

    dispose_all()
    monkeypatch.setenv("TASKD_HOME", str(home))


def without_stamp(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "exported_at"}


def listed(capsys: pytest.CaptureFixture[str], clock: FakeClock) -> list[dict]:
    rows = taskd(capsys, clock, "list", "--all", "--json").json()
    return [{k: v for k, v in row.items() if k != "id"} for row in rows] \
        if isinstance(rows, list) else rows


@pytest.fixture
def home_a(capsys: pytest.CaptureFixture[str], clock: FakeClock, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with one of each: DST-sensitive daily, weekly, hourly, monthly, one-time, paused,
    snoozed, done, deleted, fired runs, an explicit and a learned preference."""
    monkeypatch.setenv("TASKD_TZ", "America/New_York")
    for text in ("every day at 2:30am check the furnace", "every Monday at 9am standup",
                 "every 2 hours drink water", "on the last day of the month send the invoice",
                 "tomorrow morning water the plants", "tomorrow at 5pm call bob",
                 "in 3 hours take the bread out", "every Friday at 6pm call mom"):
        assert taskd(capsys, clock, "add", text).code == 0
    assert taskd(capsys, clock, "pause", "2").code == 0
    assert taskd(capsys, clock, "snooze", "6", "30m").code == 0
    assert taskd(capsys, clock, "done", "7").code == 0
    assert taskd(capsys, clock, "rm", "8").code == 0
    assert taskd(capsys, clock, "prefs", "set", "evening", "20:30").code == 0
    # Learning evidence: three "morning" tasks moved to 07:00 make `morning` learned.
    for day in range(3):
        assert taskd(capsys, clock, "add", f"tomorrow morning water plant {day}").code == 0
        task_id = str(9 + day)
        assert taskd(capsys, clock, "edit", task_id, "--at", "tomorrow 7am").code == 0
        clock.advance(timedelta(hours=20))
    assert taskd(capsys, clock, "run", "4").code == 0  # a run in history
    assert taskd(capsys, clock, "prefs").code == 0
    return tmp_path / "taskd-home"


def test_export_import_round_trip_between_two_homes(
        capsys: pytest.CaptureFixture[str], clock: FakeClock, home_a: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    first = taskd(capsys, clock, "export", "--all")
    assert first.code == 0
    exported = json.loads(first.out)
    assert exported["format"] == "taskd" and exported["version"] == 1
    statuses = sorted(t["status"] for t in exported["tasks"])
    assert statuses.count("paused") == 1 and "done" in statuses and "deleted" in statuses
    assert any(t["runs"] for t in exported["tasks"])
    prefs_a = taskd(capsys, clock, "prefs", "--json").json()
    assert any(p.get("source") == "learned" for p in _rows(prefs_a)), prefs_a
    tasks_a = listed(capsys, clock)
    history_a = taskd(capsys, clock, "history", "--json").json()
    (tmp_path / "a.json").write_text(first.out)

    use_home(monkeypatch, tmp_path / "home-b")
    result = taskd(capsys, clock, "import", str(tmp_path / "a.json"), "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert report["added"] == len(exported["tasks"]) and report["existing"] == 0
    assert report["runs"] >= 1 and report["preferences"] == len(exported["preferences"])
    again = taskd(capsys, clock, "export", "--all")
    assert without_stamp(json.loads(again.out)) == without_stamp(exported)
    assert listed(capsys, clock) == tasks_a  # same tasks, schedules, states, next fires
    assert _strip_ids(taskd(capsys, clock, "history", "--json").json()) == _strip_ids(history_a)
    assert _rows(taskd(capsys, clock, "prefs", "--json").json()) == _rows(prefs_a)

    twice = taskd(capsys, clock, "import", str(tmp_path / "a.json"), "--json").json()
    assert (twice["added"], twice["existing"], twice["events"], twice["runs"],
            twice["preferences"]) == (0, len(exported["tasks"]), 0, 0, 0)
    assert without_stamp(json.loads(taskd(capsys, clock, "export", "--all").out)) == \
        without_stamp(exported)


def test_next_fires_survive_the_move_and_the_service_sees_them(
        capsys: pytest.CaptureFixture[str], clock: FakeClock, home_a: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    shown_a = {t["title"]: t for t in _rows(taskd(capsys, clock, "list", "--json").json())}
    (tmp_path / "a.json").write_text(taskd(capsys, clock, "export").out)
    use_home(monkeypatch, tmp_path / "home-b")
    stdin = io.TextIOWrapper(io.BytesIO((tmp_path / "a.json").read_bytes()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert taskd(capsys, clock, "import", "-").code == 0
    shown_b = {t["title"]: t for t in _rows(taskd(capsys, clock, "list", "--json").json())}
    assert shown_b.keys() == shown_a.keys()
    for title, task in shown_a.items():
        assert shown_b[title]["next"] == task["next"], title
    # Without --all no history travels, but the pending plan does: the DB has the runs.
    database = tmp_path / "home-b"
    rows = _sqlite(database, "SELECT COUNT(*) FROM runs WHERE state = 'pending'")
    assert rows[0][0] >= len(shown_a) - 1


def _sqlite(home: Path, query: str) -> list[tuple]:
    path = next(home.rglob("*.db"))
    with sqlite3.connect(path) as conn:
        return conn.execute(query).fetchall()


def _rows(data: object) -> list[dict]:
    if isinstance(data, dict):
        for key in ("tasks", "prefs", "preferences", "runs"):
            if isinstance(data.get(key), list):
                return data[key]
    assert isinstance(data, list), data
    return data


def _strip_ids(data: object) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in ("id", "run_id", "task_id")}
            for row in _rows(data)]


@pytest.mark.parametrize("content, words", [
    ("{not json", "not JSON"),
    ('{"format": "taskd", "version": 7, "tasks": []}', "version 7"),
    ('{"something": "else"}', "not a taskd export"),
    ('[1, 2]', "not a taskd export"),
    # found by tests/test_fuzz_import.py: a RecursionError and a lone surrogate the database
    # could not encode were both "internal error"
    ("[" * 5000, "nested too deeply"),
    ('[{"description": "\\udcff pay rent"}]', "not valid Unicode"),
])
def test_a_malformed_file_is_one_line_and_exit_1(
        capsys: pytest.CaptureFixture[str], clock: FakeClock, tmp_path: Path, content: str,
        words: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = taskd(capsys, clock, "import", str(path))
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1 and words in result.err
    assert "internal error" not in result.err


def test_a_bad_record_in_the_middle_writes_nothing(
        capsys: pytest.CaptureFixture[str], clock: FakeClock, home_a: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(taskd(capsys, clock, "export").out)
    document["tasks"][2]["tz"] = "Mars/Olympus_Mons"
    (tmp_path / "bad.json").write_text(json.dumps(document))
    use_home(monkeypatch, tmp_path / "home-b")
    assert taskd(capsys, clock, "add", "tomorrow at 9am one task already here").code == 0
    result = taskd(capsys, clock, "import", str(tmp_path / "bad.json"))
    assert result.code == 1 and "task 3" in result.err and "Mars/Olympus_Mons" in result.err
    assert len(_rows(taskd(capsys, clock, "list", "--all", "--json").json())) == 1
    assert _sqlite(tmp_path / "home-b", "SELECT COUNT(*) FROM events")[0][0] == 1


def test_the_uid_migration_gives_existing_tasks_a_uid(
        capsys: pytest.CaptureFixture[str], clock: FakeClock, taskd_home: Path) -> None:
    from taskd.store.db import dispose_all

    for text in ("tomorrow at 9am one", "tomorrow at 10am two"):
        assert taskd(capsys, clock, "add", text).code == 0
    dispose_all()
    path = next(taskd_home.rglob("*.db"))
    with sqlite3.connect(path) as conn:  # the database as it was before m005
        conn.execute("DROP INDEX ux_tasks_uid")
        conn.execute("ALTER TABLE tasks DROP COLUMN uid")
        conn.execute("DELETE FROM _taskd_migrations WHERE name = 'm005_task_uids'")
    exported = json.loads(taskd(capsys, clock, "export").out)
    uids = [t["uid"] for t in exported["tasks"]]
    assert len(uids) == 2 and all(uids) and len(set(uids)) == 2
    assert uids == [t["uid"] for t in json.loads(taskd(capsys, clock, "export").out)["tasks"]]
