"""Bad input at the CLI: ids, config.toml, terminal escapes. One line, the documented exit code,
nothing written (issue 11, "Bad input and faults")."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from taskd.clock import FakeClock
from tests.cli import Result, taskd

ID_COMMANDS = [("show",), ("rm",), ("history",), ("edit", "--title", "x"), ("done",),
               ("snooze", "10m"), ("pause",), ("resume",), ("run",)]
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b[31mRED"


def one_line(result: Result) -> str:
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    return lines[0]


def dump(home: Path) -> list[tuple[object, ...]]:
    """Everything the database holds, to show that a refusal wrote nothing."""
    with sqlite3.connect(home / "taskd.db") as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [(t, *row) for t in sorted(tables) for row in conn.execute(f"SELECT * FROM {t}")]


@pytest.fixture
def one_task(capsys: pytest.CaptureFixture[str], clock: FakeClock) -> int:
    added = taskd(capsys, clock, "add", "call mom tomorrow at 6pm", "--json")
    assert added.code == 0, added.err
    return int(added.json()["id"])


@pytest.mark.parametrize("command", ID_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("task_id", ["99999999999999999999", "9" * 400, "2147483648"])
def test_an_id_no_task_can_have_is_no_task(capsys: pytest.CaptureFixture[str], clock: FakeClock,
                                           one_task: int, taskd_home: Path, command: tuple[str, ...],
                                           task_id: str) -> None:
    before = dump(taskd_home)
    name, *rest = command
    result = taskd(capsys, clock, name, task_id, *rest)
    assert result.code == 1
    assert one_line(result).startswith("taskd: no task #")
    assert dump(taskd_home) == before


@pytest.mark.parametrize("command", ID_COMMANDS, ids=lambda c: c[0])
def test_an_id_that_is_not_a_number_is_usage_in_one_line(capsys: pytest.CaptureFixture[str],
                                                         clock: FakeClock, one_task: int,
                                                         command: tuple[str, ...]) -> None:
    name, *rest = command
    result = taskd(capsys, clock, name, "1x\x1b[31m", *rest)
    assert result.code == 2
    line = one_line(result)
    assert "not a task id" in line and "\x1b" not in line
    assert f"taskd {name} --help" in line


def test_an_id_may_be_written_as_it_is_shown(capsys: pytest.CaptureFixture[str], clock: FakeClock,
                                             one_task: int) -> None:
    assert taskd(capsys, clock, "show", f"#{one_task}", "--json").json()["id"] == one_task


@pytest.mark.parametrize(("content", "words"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe binary", "not UTF-8"),
    (b"timezone = 5\n", "timezone must be text"),
    (b'default_channels = "hook"\n', "default_channels must be a list"),
    (b'backend = "fast"\n', 'backend must be "rules", "openai" or "auto"'),
    (b"channels = 3\n", "channels must be a table"),
    (b"[channels]\nhook = 3\n", "[channels.hook] must be a table"),
    (b'timezone = "Mars/Olympus"\n', "timezone: unknown time zone"),
    (b"timezone = \n", "cannot read"),
])
def test_a_wrong_config_names_its_key(capsys: pytest.CaptureFixture[str], clock: FakeClock,
                                      taskd_home: Path, monkeypatch: pytest.MonkeyPatch,
                                      content: bytes, words: str) -> None:
    monkeypatch.delenv("TASKD_TZ")  # so that config.toml's timezone is the one read
    taskd_home.mkdir(parents=True, exist_ok=True)
    (taskd_home / "config.toml").write_bytes(content)
    for args in (("list",), ("add", "call mom tomorrow at 6pm")):
        result = taskd(capsys, clock, *args)
        assert result.code == 1
        line = one_line(result)
        assert words in line and "config.toml" in line
    assert not (taskd_home / "taskd.db").exists()


def test_default_channels_as_a_list_still_works(capsys: pytest.CaptureFixture[str],
                                                taskd_home: Path) -> None:
    from taskd.settings import load

    taskd_home.mkdir(parents=True, exist_ok=True)
    (taskd_home / "config.toml").write_text('default_channels = ["hook"]\ntimezone = "Asia/Tokyo"\n'
                                            '[channels.hook]\ntype = "webhook"\nurl = "http://x"\n'
                                            "[service]\npoll = 2\n")
    settings = load()
    assert settings.default_channels == ("hook",)
    assert settings.channels["hook"]["type"] == "webhook"


HOSTILE = [ESCAPES, "ok\u202eevil", "bidi \u2066isolate\u2069", "c1 \x9b31m", "del \x7f",
           "nul \x00", "bell \x07", "lone \udcff surrogate"]


@pytest.mark.parametrize("text", HOSTILE)
def test_terminal_escapes_are_refused_at_every_boundary(capsys: pytest.CaptureFixture[str],
                                                        clock: FakeClock, one_task: int,
                                                        taskd_home: Path, text: str) -> None:
    before = dump(taskd_home)
    tid = str(one_task)
    for args in (("edit", tid, "--title", text), ("edit", tid, "--at", text),
                 ("edit", tid, f"{text} tomorrow at 7pm"), ("add", f"{text} tomorrow at 7pm"),
                 ("add", "call mom tomorrow at 6pm", "--tz", text),
                 ("pause", tid, "--until", text), ("snooze", tid, text),
                 ("prefs", "set", "morning", text), ("prefs", "set", text, "07:30"),
                 ("prefs", "forget", text), ("parse", text)):
        result = taskd(capsys, clock, *args)
        assert result.code == 1, (args, result)
        line = one_line(result)
        assert "control characters" in line, args
        assert not any(c in result.err + result.out for c in "\x1b\x07\x9b\u202e\u2066\x7f\x00")
    assert dump(taskd_home) == before


def test_a_title_with_line_breaks_is_stored_on_one_line(capsys: pytest.CaptureFixture[str],
                                                        clock: FakeClock, one_task: int) -> None:
    result = taskd(capsys, clock, "edit", str(one_task), "--title", "  buy\n\tmilk  ", "--json")
    assert result.code == 0, result.err
    assert result.json()["title"] == "buy milk"
    assert taskd(capsys, clock, "edit", str(one_task), "--title", " \n ").code == 1


STORED = "\x1b[2J\x1b]0;pwned\x07\x1b[31mRED\u202eevil\x9b1m\x7f\nsecond line"


def test_what_an_old_database_holds_never_reaches_the_terminal_raw(
        capsys: pytest.CaptureFixture[str], clock: FakeClock, one_task: int,
        taskd_home: Path) -> None:
    """Rows written before the cleaning existed (or by another tool): shown, never obeyed."""
    with sqlite3.connect(taskd_home / "taskd.db") as conn:
        conn.execute("UPDATE tasks SET title = ?, source_text = ?", (STORED, STORED))
        conn.execute("UPDATE runs SET output = ?, error = ?, answer = ?, prompt = ?, model = ?,"
                     " state = 'failed', latency_ms = 5", (STORED,) * 5)
    steering = "\x1b\x07\x9b\u202e\x7f"
    for args in (("list",), ("show", str(one_task)), ("history",), ("history", "-v"),
                 ("status",), ("done", str(one_task)), ("list", "--json"),
                 ("history", "--json"), ("show", str(one_task), "--json")):
        result = taskd(capsys, clock, *args)
        assert result.code == 0, (args, result.err)
        assert not any(c in result.out + result.err for c in steering), (args, result.out)
    shown = taskd(capsys, clock, "show", str(one_task))
    assert "\N{REPLACEMENT CHARACTER}[2J" in shown.out and "RED" in shown.out
    data = taskd(capsys, clock, "show", str(one_task), "--json").json()
    assert data["title"] == STORED  # --json escapes the characters, it does not lose them


def test_a_model_title_is_cleaned_before_it_is_stored() -> None:
    from taskd.draft import Draft

    draft = Draft.model_validate({"title": "Call \x1b[31mmom\u202e", "kind": "reminder",
                                  "message": "ring\x9b her", "schedule": None, "tz": None,
                                  "question": "When\x07?", "assumptions": ["a\x1bb"]})
    assert (draft.title, draft.message, draft.question, draft.assumptions) == (
        "Call [31mmom", "ring her", "When?", ["ab"])


def test_clean_text_keeps_its_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typed text costs one isprintable() call, no regex: cleaning is on the extraction hot path."""
    import taskd.extract as extract

    class NoRegex:
        def search(self, text: str) -> None:
            raise AssertionError(f"regex run on typed text {text!r}")

    monkeypatch.setattr(extract, "_CONTROL_OR_ODD_SPACE", NoRegex())
    monkeypatch.setattr(extract, "_CONTROL", NoRegex())
    for text in ("remind me to call mom every Sunday at 6pm", "Café à 9h 日本 🙂"):
        assert extract.clean_text(text) is text


def test_the_console_channel_shows_an_answer_it_does_not_obey(
        capsys: pytest.CaptureFixture[str], clock: FakeClock) -> None:
    """An agent's answer is the model's text: printed to the journal or a terminal as text."""
    from taskd.deliver.console import ConsoleChannel
    from taskd.fire.message import Message

    moment = clock.now()
    capsys.readouterr()
    ConsoleChannel().send(Message(7, 3, "News", "\x1b]0;pwned\x07headline\u202e\x9b2J", moment,
                                  moment, False, kind="agent"))
    out = capsys.readouterr().out
    assert "headline" in out and not set("\x1b\x07\u202e\x9b") & set(out)


@pytest.mark.parametrize(("args", "words"), [
    (("add", "call mom in 8000 years"), "past the end of the calendar"),
    (("parse", "every year on 31 dec at 5pm", "--now", "9990-01-01T10:00", "--count", "100"),
     "past the end of the calendar"),
    (("parse", "call mom at 5pm", "--now", "9999-12-31T23:00"), "give a year from 2 to 9998"),
    (("parse", "call mom at 5pm", "--now", "0001-01-01T00:00"), "give a year from 2 to 9998"),
])
def test_past_the_end_of_the_calendar(capsys: pytest.CaptureFixture[str], clock: FakeClock,
                                      args: tuple[str, ...], words: str) -> None:
    """Found by tests/test_fuzz_cli.py: OverflowError / ValueError from date arithmetic."""
    result = taskd(capsys, clock, *args)
    assert result.code == 1
    assert words in one_line(result)
