"""One tour of the CLI, taken twice: through the running service (the thin client speaking its
HTTP API) and with no service (the core in process). A user must not be able to tell which:
same output, same exit code, same error line, `--json` and not — except the status line that
says whether the service is up.

Each step runs both ways back to back (fresh homes, same steps, so ids match); times that are
"now" (created_at, an export's time) and random uids are masked, every task is at a fixed date in 2030 or on a
yearly rule, so nothing else may differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import Result, taskd
from tests.conftest_service import Serve, write_config

TOUR: list[tuple[str, ...]] = [
    ("add", "call mom on 2030-01-05 at 9am"),
    ("add", "every year on 5 March at 9am stretch", "--json"),
    ("add", "pay rent on 2030-02-01 at 10am"),
    ("add", "water the plants on 2030-01-07 at 8am", "--dry-run"),
    ("add", "water the plants on 2030-01-07 at 8am", "--tz", "America/New_York", "--json"),
    ("add", "call mom"),  # needs a question: exit 3
    ("add", "call mom", "--json"),  # the parse object, then the question
    ("add", "call mom on 2020-01-05 at 9am"),  # in the past: bad input
    ("list",), ("list", "--json"),
    ("show", "1"), ("show", "2", "--json"), ("show", "99"), ("show", "1", "--count", "2", "--json"),
    ("parse", "tomorrow at 9am", "--now", "2030-01-01T08:00"),
    ("parse", "every weekday at 7:30 stand up", "--now", "2030-01-01T08:00", "--json"),
    ("parse", "call mom on 2030-03-03 at 7pm", "--tz", "Asia/Tokyo", "--count", "1", "--json"),
    ("parse", "call mom", "--json"),
    ("parse", "call mom on 2030-03-03 at 7pm", "--backend", "rules", "--json"),
    ("snooze", "1", "2h"), ("snooze", "3", "30m", "--json"),
    ("pause", "2"), ("pause", "2"),  # the second: already paused
    ("list",), ("resume", "2", "--json"), ("resume", "2"),  # the second: a conflict
    ("pause", "3", "--until", "2030-01-20 9am", "--json"),
    ("edit", "2", "--title", "Stretch well"), ("edit", "1", "--at", "2030-01-06 10am", "--json"),
    ("done", "1"), ("done", "2", "--json"),
    ("rm", "3"), ("rm", "3"), ("list", "--all"), ("list", "--all", "--json"),
    ("history",), ("history", "1", "--json"), ("history", "--limit", "2", "--json"),
    ("prefs",), ("prefs", "--json"),
    ("prefs", "set", "morning", "07:30"), ("prefs", "set", "snooze", "15m", "--json"),
    ("prefs", "--json"), ("prefs", "forget", "morning", "--json"),
    ("add", "stretch tomorrow morning", "--dry-run", "--json"),
    ("export",), ("status",), ("status", "--json"),
]

# What the API has no route for yet; the thin client hands these to the core in process.
IN_PROCESS = {("prefs",)}

# An ISO instant that is not one of the tour's fixed dates (2030, or a yearly 5 March): "now".
NOW_ISO = re.compile(r"\b20(?!30)\d\d-\d\d-\d\d[T ][\d:.]+(?:[+-]\d\d:\d\d|Z)?")
NOW_WORDS = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|"
                       r"Aug|Sep|Oct|Nov|Dec)(?: 20(?!30)\d\d)?,? \d\d:\d\d(?: \w+)?")


UID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def masked(text: str, home: Path) -> str:
    text = UID.sub("<uid>", text.replace(str(home), "HOME"))
    return NOW_WORDS.sub("<now>", NOW_ISO.sub("<now>", text))


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    served, alone = tmp_path / "served", tmp_path / "alone"
    for home in (served, alone):
        write_config(home)
    serve = Serve(served)
    try:
        serve.wait_ready()
        yield served, alone
    finally:
        assert serve.stop() == 0, serve.text()


def run_in(home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
           args: tuple[str, ...]) -> Result:
    monkeypatch.setenv("TASKD_HOME", str(home))
    return taskd(capsys, None, *args)  # no injected clock: the thin client may answer


def status_lines(text: str) -> str:
    """status without what only a running service has (the up line, its node, its api)."""
    return "\n".join(line for line in text.splitlines()
                     if not line.startswith(("service:", "node:", "start it with")))


def test_the_tour_reads_the_same_through_the_service_and_in_process(
        homes: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    served, alone = homes
    thin_calls = 0
    from taskd.cli import remote

    original = remote.RemoteCore.request

    def counting(self: remote.RemoteCore, *args: object, **kwargs: object) -> object:
        nonlocal thin_calls
        try:
            answer = original(self, *args, **kwargs)  # type: ignore[arg-type]
        except remote.NotServed:
            raise
        except Exception:
            thin_calls += 1  # the service answered, with an error
            raise
        thin_calls += 1
        return answer

    monkeypatch.setattr(remote.RemoteCore, "request", counting)
    for args in TOUR:
        before = thin_calls
        thin = run_in(served, monkeypatch, capsys, args)
        assert (thin_calls > before) != (args in IN_PROCESS), f"{args}: served by the service?"
        before = thin_calls
        local = run_in(alone, monkeypatch, capsys, args)
        assert thin_calls == before, f"{args}: a service answered, but none runs"
        if args[0] == "status":
            if "--json" in args:
                thin_data, local_data = thin.json(), local.json()
                assert thin_data["up"] and not local_data["up"]
                for key in ("tasks", "pending_runs", "next_fire", "last_error"):
                    assert thin_data[key] == local_data[key], (args, key)
                continue
            assert "up (pid" in thin.out and "not running" in local.out
            thin.out, local.out = status_lines(thin.out), status_lines(local.out)
        assert (thin.code, masked(thin.out, served), masked(thin.err, served)) == \
            (local.code, masked(local.out, alone), masked(local.err, alone)), args
