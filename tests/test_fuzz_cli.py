"""Fuzz every command with random and hostile text, ids and config values (issue 11).

Whatever goes in: the exit code is a documented one (0-4), stderr is at most one line, never
"internal error" or a traceback, no terminal escape comes out, and a command that fails leaves the
database as it was. The real entry point runs in process (about 10 ms a call), with a fixed clock.
What it found is kept as regular tests in tests/test_bad_input*.py.
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskd.cli import main
from taskd.clock import FakeClock
from tests.conftest import local

CLOCK = FakeClock(local("2026-11-21T10:00:00"))
HOSTILE = ["\x1b[2J", "\x1b]0;pwned\x07", "\x9b31m", "\x7f", "\x00", "\u202e", "\u2066", "\u2069",
           "\udcff", "\n", "\r", "\t", "\x85", "\u2028", "\ufeff", "\u200b", "[red]", "[/]", "%s",
           "{}", "'", '"', "\\", "--", "-1", "#", "é", "日本", "🙂", " " * 3, "x" * 2100]
WORDS = ["call mom", "tomorrow", "at 6pm", "every", "monday", "in 20 minutes", "9am", "remind me",
         "yesterday", "move it to 7pm", "every 0 minutes", "31 feb", "at 25:99", "next friday",
         "pay rent", "noon", "2h", "10m", "1h30m", "forever", "morning", "07:30", "-5m", "0m",
         "in 8000 years", "in 99999999 minutes", "on 31 dec 9999", "every 99999 years", "year 1"]
NOWS = ["9999-12-31T23:00", "0001-01-01T00:00", "2026-03-29T02:30", "2026-11-21T10:00+14:00",
        "2026-13-01", "now"]
EXIT_CODES = {0, 1, 2, 3, 4}
STEERING = set("\x1b\x07\x9b\x7f\x00\u202e\u2066\u2069")

hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.sampled_from(WORDS), st.text(
    max_size=12)), max_size=6).map(" ".join)
ids = st.one_of(st.integers(-3, 6), st.sampled_from([2**31 - 1, 2**31, 2**63, 10**20, 10**400]),
                ).map(str) | st.sampled_from(["#1", "1.0", "0x1", "1e3", " 2", "²", "١", "1\x1b"]) \
    | hostile_text


def commands() -> st.SearchStrategy[list[str]]:
    text, tid = hostile_text, ids
    json = st.sampled_from([[], ["--json"]])
    return st.one_of(
        st.tuples(st.just(["add"]), text.map(lambda t: [t]), st.sampled_from(
            [[], ["--dry-run"], ["--tz", "Asia/Tokyo"]]), json),
        st.tuples(st.just(["add"]), text.map(lambda t: [t, "--tz", t])),
        st.tuples(st.just(["parse"]), text.map(lambda t: [t]), json),
        st.tuples(st.just(["parse"]), text.map(lambda t: [t]), st.one_of(
            st.sampled_from(NOWS), text).map(lambda n: ["--now", n]),
            st.sampled_from([[], ["--count", "100"]])),
        st.tuples(st.just(["list"]), st.sampled_from([[], ["--all"]]), json),
        st.tuples(st.sampled_from([["show"], ["rm"], ["resume"], ["done"], ["history"],
                                   ["run"]]), tid.map(lambda i: [i]), json),
        st.tuples(st.just(["edit"]), tid.map(lambda i: [i]), st.one_of(
            text.map(lambda t: [t]), text.map(lambda t: ["--title", t]),
            text.map(lambda t: ["--at", t]), st.just([]))),
        st.tuples(st.just(["pause"]), tid.map(lambda i: [i]),
                  st.one_of(st.just([]), text.map(lambda t: ["--until", t]))),
        st.tuples(st.just(["snooze"]), tid.map(lambda i: [i]),
                  st.one_of(st.just([]), text.map(lambda t: [t]))),
        st.tuples(st.just(["done"]), tid.map(lambda i: [i]), text.map(lambda t: ["--via", t])),
        st.tuples(st.just(["prefs", "set"]), st.one_of(
            st.sampled_from(["morning", "evening", "snooze", "default_time", "channel"]), text)
            .map(lambda k: [k]), text.map(lambda v: [v])),
        st.tuples(st.just(["prefs", "forget"]), text.map(lambda k: [k])),
        st.tuples(st.sampled_from([["prefs"], ["status"]]), json),
    ).map(lambda parts: [arg for part in parts for arg in part])


toml_values = st.one_of(
    st.integers(-10**20, 10**20).map(str), st.floats(allow_nan=False).map(repr),
    st.booleans().map(lambda b: str(b).lower()), st.text(max_size=20).map(_quoted := lambda s: (
        '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"')),
    st.lists(st.text(max_size=8).map(lambda s: '"' + s.replace("\\", "").replace('"', "") + '"'),
             max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.sampled_from(['"Europe/Berlin"', '"Mars/Base"', '["hook"]', '"hook"', "{}", "{ a = 1 }",
                     '"rules"', '"openai"', '"sqlite:///"', '":memory:"', '"\\u001b[31m"']))
config_files = st.one_of(
    st.lists(st.tuples(st.sampled_from(["timezone", "default_channels", "backend", "database",
                                        "model", "openai_base_url", "channels", "service",
                                        "agent", "api", "unknown"]), toml_values),
             max_size=4, unique_by=lambda kv: kv[0])
    .map(lambda kvs: "".join(f"{k} = {v}\n" for k, v in kvs).encode()),
    st.sampled_from([b"[channels.hook]\ntype = 5\n", b"[service]\npoll = \"x\"\n",
                     b"[channels]\nhook = 1\n", b"[agent]\nmax_tokens = -1\n", b"[[channels]]\n"]),
    st.binary(max_size=64),
)


def call(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args), {"clock": CLOCK})
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def dump(home: Path) -> list[tuple[object, ...]]:
    db = home / "taskd.db"
    if not db.exists():
        return []
    with contextlib.closing(sqlite3.connect(db)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [(t, *row) for t in sorted(tables) for row in conn.execute(f"SELECT * FROM {t}")]


def check(args: list[str], home: Path) -> None:
    before = dump(home)
    code, out, err = call(*args)
    assert code in EXIT_CODES, (args, code, err)
    assert len(err.strip().splitlines()) <= 1, (args, err)
    assert code == 0 or err.startswith("taskd: "), (args, code, err)
    assert "internal error" not in err and "Traceback" not in err, (args, err)
    assert not STEERING & set(out + err), (args, out, err)
    if code != 0:
        assert dump(home) == before, (args, code, err)


@pytest.fixture
def home(taskd_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    # TASKD_DB wins over a fuzzed `database = ...`: no example creates a file outside the home.
    monkeypatch.setenv("TASKD_DB", f"sqlite:///{taskd_home}/taskd.db")
    for text in ("call mom tomorrow at 6pm", "stretch every day at 9am", "pay rent in 2 hours"):
        assert call("add", text)[0] == 0
    yield taskd_home


FUZZ = settings(max_examples=900, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(args=commands())
def test_every_command_survives_hostile_input(home: Path, args: list[str]) -> None:
    check(args, home)


@settings(FUZZ, max_examples=300)
@given(content=config_files, args=st.sampled_from([["list"], ["add", "call mom at 6pm"],
                                                   ["status", "--json"], ["prefs"]]))
def test_every_config_file_is_read_or_refused_in_one_line(home: Path, content: bytes,
                                                          args: list[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TASKD_TZ", raising=False)  # so that config.toml's timezone is read
    config = home / "config.toml"
    config.write_bytes(content)
    try:
        check(args, home)
    finally:
        config.unlink()
        from taskd.store.db import dispose_all

        dispose_all()
