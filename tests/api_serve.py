"""A real `taskd serve` with its API on the Unix socket and on TCP (a free port), and plain
http.client clients for both. Shared by tests/test_api*.py."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taskd.schedule.control import UnixConnection
from tests.conftest_service import Serve, wait_for, write_config


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error(self) -> dict[str, Any]:
        data = self.json()
        assert set(data) >= {"error", "code"} and isinstance(data["error"], str), data
        return data


def send(conn: http.client.HTTPConnection, method: str, path: str, body: Any = None, *,
         raw: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
    payload = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    sent = dict(headers or {})
    if payload is not None:
        sent.setdefault("Content-Type", "application/json")
    try:
        conn.request(method, path, body=payload, headers=sent)
        got = conn.getresponse()
        return Answer(got.status, {k.lower(): v for k, v in got.getheaders()}, got.read())
    finally:
        conn.close()


class ApiService:
    """`taskd serve` in a subprocess on `home`, TCP on 127.0.0.1 with a port of its choosing."""

    def __init__(self, home: Path, *, tcp: bool = True, **env: str) -> None:
        if not (home / "config.toml").exists():
            write_config(home)
        extra = {"TASKD_API_LISTEN": "127.0.0.1:0"} if tcp else {}
        self.home = home
        self.serve = Serve(home, **extra, **env)
        self.serve.wait_ready()
        self.socket = home / "taskd.sock"
        status = self.unix("GET", "/v1/status")
        assert status.status == 200, (status, self.serve.text())
        self.url: str | None = status.json()["api"]["url"]
        self.token = (home / "api-token").read_text().strip() if tcp else None

    def unix(self, method: str, path: str, body: Any = None, **kw: Any) -> Answer:
        return send(UnixConnection(str(self.socket), 30), method, path, body, **kw)

    def tcp(self, method: str, path: str, body: Any = None, *, token: str | None = "",
            **kw: Any) -> Answer:
        """token "": the right one; None: no Authorization header; else that value."""
        assert self.url is not None
        host, port = self.url.removeprefix("http://").rsplit(":", 1)
        headers = dict(kw.pop("headers", {}) or {})
        value = self.token if token == "" else token
        if value is not None:
            headers["Authorization"] = f"Bearer {value}"
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        return send(conn, method, path, body, headers=headers, **kw)

    def stop(self) -> int:
        return self.serve.stop()

    def log(self) -> str:
        return self.serve.text()


def wait_until(check: Any, timeout: float = 10.0) -> bool:
    return wait_for(check, timeout)
