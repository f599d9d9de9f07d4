"""Fuzz `taskd import` with damaged exports (issue 11's leftover: import was not fuzzed).

An import file comes from elsewhere (another machine, Taskwarrior, a hand edit): every field is
untrusted. Whatever the file holds, `taskd import` either takes it whole or refuses it in one line
with a documented exit code and the database unchanged; and after a successful import every
reading command still works and prints no terminal escape. Starts from a real export of this
home's tasks and breaks one field at a time, and from Taskwarrior-shaped records.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_fuzz_cli import EXIT_CODES, FUZZ, HOSTILE, STEERING, call, dump

BAD_VALUES: list[Any] = [
    None, "", 0, -1, 2**63, 10**30, 1.5, float("inf"), True, [], {}, [None], {"a": 1},
    "Mars/Base", "Europe/Berlin\x1b[2J", "FREQ=SECONDLY;INTERVAL=0", "FREQ=DAILY;COUNT=-3",
    "FREQ=YEARLY;BYMONTH=13", "RRULE:FREQ=DAILY", "FREQ=WEEKLY;BYDAY=XX", "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00", "2026-02-30T10:00:00", "2026-11-21T10:00:00", "not a date", "active",
    "done", "deleted", "paused", "agent", "reminder", "weird", *HOSTILE,
]
TASK_KEYS = ["uid", "title", "kind", "message", "source_text", "draft", "backend", "tz", "rrule",
             "dtstart", "first_at", "next_fire_at", "status", "paused_until", "time_source",
             "daypart", "channels", "created_at", "updated_at", "policy", "pending", "runs"]
TOP_KEYS = ["format", "version", "exported_at", "all", "tasks", "prefs"]
TW_KEYS = ["description", "due", "scheduled", "wait", "recur", "until", "status", "tags", "uuid",
           "entry", "end", "mask", "imask", "parent"]



@pytest.fixture
def home(taskd_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A home with a recurring, a one-time and a paused task to export and break."""
    monkeypatch.setenv("TASKD_DB", f"sqlite:///{taskd_home}/taskd.db")
    for args in (["add", "stretch every day at 9am"], ["add", "call mom on 5 march 2027 at 6pm"],
                 ["add", "water plants every monday morning"], ["pause", "3"]):
        assert call(*args)[0] == 0, args
    yield taskd_home


bad_value = st.sampled_from(BAD_VALUES) | st.text(max_size=20) | st.integers()


def _reader(home: Path) -> None:
    for args in (["list", "--all"], ["list", "--json"], ["status"], ["history"]):
        code, out, err = call(*args)
        assert code == 0, (args, code, err)
        assert not STEERING & set(out + err), (args, out, err)


def _try_import(home: Path, payload: bytes) -> None:
    source = home / "import.json"
    source.write_bytes(payload)
    before = dump(home)
    code, out, err = call("import", str(source))
    assert code in EXIT_CODES, (code, err)
    assert len(err.strip().splitlines()) <= 1, err
    assert "internal error" not in err and "Traceback" not in err, err
    assert not STEERING & set(out + err), (out, err)
    if code != 0:
        assert err.startswith("taskd: "), err
        assert dump(home) == before, err
    _reader(home)


def _export(home: Path) -> dict[str, Any]:
    code, out, err = call("export", "--all")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


@settings(FUZZ, max_examples=150)
@given(where=st.sampled_from(TASK_KEYS), index=st.integers(0, 2), value=bad_value,
       nested=st.booleans())
def test_a_damaged_task_field_is_taken_or_refused_whole(home: Path, where: str, index: int,
                                                         value: Any, nested: bool) -> None:
    data = _export(home)
    task = data["tasks"][index % len(data["tasks"])]
    task["uid"] = f"fuzz-{where}-{index}"  # a new task each time: not matched to one already here
    if nested and isinstance(task.get("pending"), list) and task["pending"]:
        task["pending"][0]["scheduled_for"] = value
    else:
        task[where] = value
    _try_import(home, json.dumps(data, default=str).encode())


@settings(FUZZ, max_examples=60)
@given(where=st.sampled_from(TOP_KEYS), value=bad_value)
def test_a_damaged_envelope_is_refused_in_one_line(home: Path, where: str, value: Any) -> None:
    data = _export(home)
    data[where] = value
    _try_import(home, json.dumps(data, default=str).encode())


@settings(FUZZ, max_examples=100)
@given(records=st.lists(st.dictionaries(st.sampled_from(TW_KEYS), bad_value, max_size=6),
                        min_size=1, max_size=3))
def test_taskwarrior_records_are_taken_or_refused_whole(home: Path,
                                                        records: list[dict[str, Any]]) -> None:
    _try_import(home, json.dumps(records, default=str).encode())


@settings(FUZZ, max_examples=40)
@given(payload=st.binary(max_size=80) | st.sampled_from(
    [b"", b"null", b"[]", b"{}", b"[1, 2]", b'"x"', b"\xff\xfe{", b'{"format": "taskd"}',
     b'{"format": "taskd", "version": 99, "tasks": []}', b"[" * 5000]))
def test_junk_is_refused_in_one_line(home: Path, payload: bytes) -> None:
    _try_import(home, payload)
