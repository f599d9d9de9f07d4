"""The API of a real `taskd serve`: its two listeners, the token, the service's own routes
(status, poke, run), exchange (export, import, calendar) and the error bodies."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from taskd import settings as settings_mod
from taskd.schedule.control import poke, request
from tests.api_serve import ApiService
from tests.cli import taskd
from tests.conftest_service import add_task, run_cli, write_config

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiService]:
    service = ApiService(tmp_path_factory.mktemp("api") / "home")
    yield service
    assert service.stop() == 0, service.log()
    assert not service.socket.exists()  # a clean stop removes its socket
    assert "Traceback" not in service.log(), service.log()[-3000:]  # no request was a bug


def db_url(api: ApiService) -> str:
    return f"sqlite:///{api.home / 'taskd.db'}"


def soon() -> datetime:
    return datetime.now(UTC) + timedelta(hours=2)


def task_count(api: ApiService) -> int:
    return len(api.unix("GET", "/v1/export?all=true").json()["tasks"])


def test_socket_and_token_are_private_files(api: ApiService) -> None:
    mode = os.stat(api.socket).st_mode
    assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600
    token_file = api.home / "api-token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert len(api.token or "") >= 32


def test_tcp_wants_the_bearer_token(api: ApiService) -> None:
    for token in (None, "wrong", f"{api.token}x", " "):
        answer = api.tcp("GET", "/v1/status", token=token)
        assert answer.status == 401, token
        assert answer.error["code"] == "unauthorized"
        assert "taskd api token" in answer.error["error"]
        assert answer.headers["www-authenticate"] == "Bearer"
    basic = api.tcp("GET", "/v1/status", token=None, headers={"Authorization": f"Basic {api.token}"})
    assert basic.status == 401
    ok = api.tcp("GET", "/v1/status")
    assert ok.status == 200 and ok.json()["up"] is True
    # A wrong token never reaches a route: nothing is written.
    before = task_count(api)
    assert api.tcp("POST", "/v1/import", {"format": "taskd", "version": 1, "tasks": []},
                   token="wrong").status == 401
    assert task_count(api) == before


def test_calendar_takes_the_token_in_the_query_on_tcp(api: ApiService) -> None:
    add_task(db_url(api), datetime.now(UTC), title="water the plants", first=soon())
    feed = api.tcp("GET", f"/calendar.ics?token={api.token}", token=None)
    assert feed.status == 200, feed.body
    assert feed.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in feed.body and b"SUMMARY:water the plants" in feed.body
    assert api.tcp("GET", "/calendar.ics?token=nope", token=None).status == 401
    assert api.tcp("GET", "/calendar.ics", token=None).status == 401
    # Only the calendar: elsewhere a token in the URL (it ends up in logs) is refused.
    assert api.tcp("GET", f"/v1/tasks?token={api.token}", token=None).status == 401
    # The socket needs no token; the same feed, but for DTSTAMP (the second it was made).
    assert _unstamped(api.unix("GET", "/calendar.ics").body) == _unstamped(feed.body)


def _unstamped(feed: bytes) -> bytes:
    return re.sub(rb"DTSTAMP:\d{8}T\d{6}Z\r\n", b"", feed)


def test_status_says_where_the_api_is(api: ApiService) -> None:
    data = api.unix("GET", "/v1/status").json()
    assert data["up"] is True and isinstance(data["pid"], int)
    assert data["api"] == {"socket": str(api.socket), "url": api.url}
    assert api.url and api.url.startswith("http://127.0.0.1:") and not api.url.endswith(":0")
    assert {"tasks", "next_fire", "nodes", "service"} <= data.keys()
    cli = run_cli(api.home, "status", "--json")
    assert cli.returncode == 0, cli.stderr
    shown = json.loads(cli.stdout)
    assert shown["up"] is True and shown["api"] == data["api"]


def test_cli_status_without_a_service_names_the_socket(taskd_home: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    taskd_home.mkdir(parents=True, exist_ok=True)
    (taskd_home / "config.toml").write_text('[api]\nlisten = "127.0.0.1:8377"\n')
    result = taskd(capsys, None, "status", "--json")
    assert result.code == 0, result.err
    assert result.json()["api"] == {"socket": str(taskd_home / "taskd.sock"),
                                    "url": "http://127.0.0.1:8377"}


def test_poke_and_the_old_control_commands(api: ApiService, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKD_HOME", str(api.home))
    settings = settings_mod.load()
    assert poke(settings) is True
    assert api.unix("POST", "/v1/poke").json() == {"ok": True}
    live = request(settings, {"cmd": "status"})
    assert live["ok"] is True and live["pid"] == api.serve.proc.pid
    task_id = add_task(db_url(api), datetime.now(UTC), title="stretch", first=soon())
    ran = request(settings, {"cmd": "run", "task_id": task_id}, timeout=30)
    assert ran["ok"] is True and ran["run"]["task_id"] == task_id
    missing = request(settings, {"cmd": "run", "task_id": 999_999})
    assert missing == {"ok": False, "error": "no task #999999", "exit_code": 1}


def test_run_fires_now_through_the_service(api: ApiService) -> None:
    task_id = add_task(db_url(api), datetime.now(UTC), title="take a break", first=soon())
    answer = api.unix("POST", f"/v1/tasks/{task_id}/run")
    assert answer.status == 200, answer.body
    run = answer.json()
    assert run["task_id"] == task_id and run["state"] == "delivered" and run["fired_at"]
    cli = run_cli(api.home, "run", str(task_id), "--json")  # the CLI goes through the same route
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["run_id"] > run["run_id"]
    assert api.unix("POST", "/v1/tasks/999999/run").error["code"] == "not_found"
    assert api.unix("POST", "/v1/tasks/0/run").status == 404
    assert api.unix("POST", f"/v1/tasks/{2**40}/run").status == 404
    bad = api.unix("POST", "/v1/tasks/abc/run")
    assert bad.status == 400 and "not a task id" in bad.error["error"]


def test_export_then_import_adds_nothing_twice(api: ApiService) -> None:
    add_task(db_url(api), datetime.now(UTC), title="pay rent", first=soon())
    document = api.unix("GET", "/v1/export").json()
    assert document["format"] == "taskd"
    assert "pay rent" in [t["title"] for t in document["tasks"]]
    again = api.unix("POST", "/v1/import", document)
    assert again.status == 200, again.body
    report = again.json()
    assert report["added"] == 0 and report["existing"] == len(document["tasks"])


def test_a_taskwarrior_import_adds_its_tasks(api: ApiService) -> None:
    before = task_count(api)
    records = [{"uuid": "5f9c1b8e-0000-4000-8000-000000000001", "description": "renew passport",
                "status": "pending", "due": "20301231T090000Z", "entry": "20261201T090000Z"}]
    answer = api.unix("POST", "/v1/import", records)
    assert answer.status == 200, answer.body
    assert answer.json()["format"] == "taskwarrior" and answer.json()["added"] == 1
    assert task_count(api) == before + 1
    assert api.unix("POST", "/v1/import", records).json()["added"] == 0


@pytest.mark.parametrize(("raw", "words"), [
    (b"{not json", "not JSON"),
    (b'{"format": "taskd", "version": 99, "tasks": [{"title": "x"}]}', "version"),
    (b"\xff\xfe", "UTF-8"),
])
def test_a_bad_import_writes_nothing(api: ApiService, raw: bytes, words: str) -> None:
    before = api.unix("GET", "/v1/export?all=true").json()
    answer = api.unix("POST", "/v1/import", raw=raw)
    assert answer.status == 400, answer.body
    assert words.lower() in answer.error["error"].lower()
    after = api.unix("GET", "/v1/export?all=true").json()
    assert after["tasks"] == before["tasks"]


@pytest.mark.parametrize(("method", "path", "raw", "status", "code"), [
    ("GET", "/nowhere", None, 404, "not_found"),
    ("PUT", "/v1/status", None, 405, "not_allowed"),
    ("POST", "/v1/tasks", b"[1", 400, "bad_input"),
    ("POST", "/v1/tasks", b"", 400, "bad_input"),
    ("POST", "/v1/tasks", b'"text"', 400, "bad_input"),
    ("POST", "/v1/tasks", b'{"text": "call mom", "dryrun": true}', 400, "bad_input"),
    ("POST", "/v1/tasks", b'{"text": 5}', 400, "bad_input"),
    ("POST", "/v1/tasks", b'{"text": "call \\u001b[31mmom at 5pm"}', 400, "bad_input"),
    ("POST", "/v1/tasks", b'{"text": "call \\u202emom"}', 400, "bad_input"),
    ("POST", "/v1/parse", b'{"text": "x", "count": 1000}', 400, "bad_input"),
    ("GET", "/v1/runs?limit=0", None, 400, "bad_input"),
    ("PUT", "/v1/prefs/morning", b'{"value": "\\u0007"}', 400, "bad_input"),
    ("PUT", "/v1/prefs/no%20such", b'{"value": "7am"}', 400, "bad_input"),
    ("PUT", "/v1/prefs/%1b%5b31m", b'{"value": "7am"}', 400, "bad_input"),
])
def test_every_refusal_has_an_error_body(api: ApiService, method: str, path: str,
                                         raw: bytes | None, status: int, code: str) -> None:
    answer = api.unix(method, path, raw=raw)
    assert answer.status == status, answer.body
    assert answer.headers["content-type"] == "application/json"
    assert answer.error["code"] == code
    assert "Traceback" not in answer.error["error"] and "\n" not in answer.error["error"]


@pytest.mark.parametrize("path", ["/v1/tasks", "/v1/parse", "/v1/import", "/v1/prefs/morning"])
def test_a_body_nested_too_deeply_is_bad_input(api: ApiService, path: str) -> None:
    before = task_count(api)
    method = "PUT" if "prefs" in path else "POST"
    answer = api.unix(method, path, raw=b"[" * 100_000 + b"]" * 100_000)
    assert answer.status == 400, answer.body
    assert "nested too deeply" in answer.error["error"]
    assert task_count(api) == before


def test_control_characters_get_the_cli_message(api: ApiService) -> None:
    answer = api.unix("POST", "/v1/tasks", {"text": "call \x00 mom"})
    assert answer.error["error"].startswith("the text contains control characters")


def test_bodies_are_size_limited_with_or_without_a_length(api: ApiService) -> None:
    big = json.dumps({"text": "a" * (2 << 20)}).encode()
    answer = api.unix("POST", "/v1/parse", raw=big)
    assert answer.status == 413 and answer.error["code"] == "too_large"

    def chunks() -> Iterator[bytes]:  # chunked: no Content-Length to refuse it by
        for _ in range(40):
            yield b"x" * 65536

    conn = http.client.HTTPConnection("127.0.0.1", int(api.url.rsplit(":", 1)[1]), timeout=30)
    conn.request("POST", "/v1/parse", body=chunks(), encode_chunked=True,
                 headers={"Authorization": f"Bearer {api.token}",
                          "Content-Type": "application/json"})
    got = conn.getresponse()
    assert got.status == 413 and json.loads(got.read())["code"] == "too_large"
    conn.close()
    assert api.unix("GET", "/v1/status").status == 200  # and the service carries on


@pytest.mark.skipif(not hasattr(os, "setuid") or os.getuid() != 0, reason="needs root to "
                    "connect as another uid")
def test_another_uid_is_refused_even_if_the_mode_were_open(api: ApiService) -> None:
    os.chmod(api.socket, 0o666)  # the mode is the first wall; SO_PEERCRED is the second
    # ...and the directories on the way (pytest's are 0700) must let the other uid through.
    opened = [p for p in api.socket.parents if os.stat(p).st_mode & 0o001 == 0]
    for folder in opened:
        os.chmod(folder, os.stat(folder).st_mode | 0o001)
    try:
        script = "\n".join([
            "import os, socket, sys",
            "os.setgroups([]); os.setgid(65534); os.setuid(65534)",
            "s = socket.socket(socket.AF_UNIX)",
            f"s.connect({str(api.socket)!r})",
            "try:",
            "    s.sendall(b'GET /v1/status HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')",
            "    sys.stdout.write(repr(s.recv(100)))",
            "except (BrokenPipeError, ConnectionResetError):",
            "    sys.stdout.write(repr(b''))",
        ])
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             timeout=20)
        assert out.returncode == 0, out.stderr
        assert out.stdout == "b''"  # closed without a byte of answer
    finally:
        os.chmod(api.socket, 0o600)
        for folder in opened:
            os.chmod(folder, os.stat(folder).st_mode & ~0o001)
    assert api.unix("GET", "/v1/status").status == 200


def test_a_taken_port_is_one_clear_line(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    home = tmp_path / "home"
    write_config(home)
    try:
        out = run_cli(home, "serve", TASKD_API_LISTEN=f"127.0.0.1:{port}")
    finally:
        taken.close()
    assert out.returncode == 1
    assert f"cannot listen on http://127.0.0.1:{port}" in out.stderr
    assert "the port is in use" in out.stderr and "Traceback" not in out.stderr
    assert not (home / "taskd.sock").exists()
