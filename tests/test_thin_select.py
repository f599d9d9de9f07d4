"""Who answers a command when the service is not (quite) there: a socket file nobody listens on,
a listener that never answers, one that is not HTTP, and the API's error bodies."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from taskd import errors
from taskd.cli import remote
from tests.cli import taskd


def _socket_path(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    return home / "taskd.sock"


def test_a_stale_socket_file_means_in_process(taskd_home: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = _socket_path(taskd_home)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))  # bound, never listening: what a killed service leaves behind
    stale.close()
    assert path.exists()
    added = taskd(capsys, None, "add", "call mom on 2030-01-05 at 9am", "--json")
    assert added.code == 0, added.err
    assert added.json()["id"] == 1 and added.json()["saved"] is True
    assert [t["title"] for t in taskd(capsys, None, "list", "--json").json()] == ["Call mom"]


class Listener:
    """A Unix socket server that takes connections and answers `reply` (None: never)."""

    def __init__(self, path: Path, reply: bytes | None) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(path))
        self.sock.listen(8)
        self.reply = reply
        self.seen: list[bytes] = []
        self.held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.seen.append(conn.recv(65536))
            if self.reply is None:
                self.held.append(conn)  # hold it open, say nothing
            else:
                conn.sendall(self.reply)
                conn.close()

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent(taskd_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Listener]:
    monkeypatch.setattr(remote, "READ_TIMEOUT", 0.3)
    monkeypatch.setattr(remote, "WRITE_TIMEOUT", 0.3)
    listener = Listener(_socket_path(taskd_home), None)
    yield listener
    listener.close()


def test_a_service_that_does_not_answer_a_read_is_read_around(
        silent: Listener, capsys: pytest.CaptureFixture[str]) -> None:
    listed = taskd(capsys, None, "list", "--json")
    assert listed.code == 0, listed.err
    assert listed.json() == []
    assert silent.seen and silent.seen[0].startswith(b"GET /v1/tasks HTTP/1.1")


def test_a_write_that_got_no_answer_is_not_done_twice(
        silent: Listener, capsys: pytest.CaptureFixture[str]) -> None:
    added = taskd(capsys, None, "add", "call mom on 2030-01-05 at 9am")
    assert added.code == 4
    assert "did not answer" in added.err and "taskd list" in added.err
    assert len(added.err.strip().splitlines()) == 1
    assert silent.seen[0].startswith(b"POST /v1/tasks HTTP/1.1")
    # nothing was written in process behind the service's back
    assert taskd(capsys, None, "list", "--json").json() == []


def test_a_listener_that_is_not_http_means_in_process(
        taskd_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = Listener(_socket_path(taskd_home), b'{"ok": false, "error": "send one JSON object"}\n')
    try:
        added = taskd(capsys, None, "add", "call mom on 2030-01-05 at 9am", "--json")
        assert added.code == 0, added.err
        assert added.json()["id"] == 1
        assert old.seen  # it was asked first
    finally:
        old.close()


@pytest.mark.parametrize(("status", "body", "kind", "exit_code"), [
    (400, {"error": "the text is empty", "code": "bad_input"}, errors.BadInput, 1),
    (404, {"error": "no task #9", "code": "not_found"}, errors.NotFound, 1),
    (409, {"error": "#2 is not paused", "code": "conflict"}, errors.Conflict, 1),
    (503, {"error": "the model is away", "code": "unreachable"}, errors.Unreachable, 4),
    (500, {"error": "internal error: KeyError", "code": "internal"}, errors.TaskdError, 1),
    (502, None, errors.TaskdError, 1),
])
def test_error_bodies_become_the_core_errors(status: int, body: dict | None,  # type: ignore[type-arg]
                                             kind: type[errors.TaskdError], exit_code: int) -> None:
    error = remote.error_from(status, body)
    assert type(error) is kind and error.exit_code == exit_code
    if body and body["code"] != "internal":
        assert error.message == body["error"]
    else:
        assert error.message.startswith("the service failed")


def test_a_question_comes_back_with_its_parse_object() -> None:
    parse = {"title": "Call mom", "next": [], "question": "When should I remind you?"}
    error = remote.error_from(422, {"error": "When should I remind you?", "code":
                                    "needs_clarification", "question": parse["question"],
                                    "parse": parse})
    assert isinstance(error, errors.NeedsClarification) and error.exit_code == 3
    assert error.question == parse["question"] and error.payload == parse
