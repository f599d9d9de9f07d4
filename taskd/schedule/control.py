"""Talking to the running service: HTTP (CONTRACT §6) over its Unix socket (mode 0600, peer uid
checked by the server, in $XDG_RUNTIME_DIR/taskd or TASKD_HOME).

    call(settings, "GET", "/v1/status")         -> (200, {...})     any route of the API
    poke(settings)                              -> True             POST /v1/poke: re-read now
    request(settings, {"cmd": "status"})        -> {"ok": True, ...} the old JSON-lines commands
                                                   (poke, status, run) mapped onto the routes

The server lives in taskd/api (FastAPI, uvicorn). This client is imported by the CLI, so it
stays on the standard library (http.client) with no heavy import.
"""

from __future__ import annotations

import http.client
import json
import socket
from typing import TYPE_CHECKING, Any

from taskd.errors import TaskdError, Unreachable

if TYPE_CHECKING:
    from taskd.settings import Settings

EXIT_CODES = {"needs_clarification": 3,
              "unreachable": 4}  # every other code: 1


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def call(settings: Settings, method: str, path: str, body: Any = None,
         timeout: float = 2.0) -> tuple[int, Any]:
    """One request to the running service. Returns (status, decoded JSON body); raises
    Unreachable when no service answers or the answer is not JSON."""
    where = settings.paths.socket
    conn = UnixConnection(str(where), timeout)
    try:
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        conn.request(method, path, body=payload, headers=headers)
        answer = conn.getresponse()
        status, data = answer.status, answer.read()
    except (OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "strerror", None) or exc or type(exc).__name__
        raise Unreachable(f"the service is not running ({where}: {reason})") from exc
    finally:
        conn.close()
    try:
        return status, json.loads(data)
    except ValueError as exc:
        raise Unreachable("the service gave an unreadable answer") from exc


def failure(status: int, data: Any) -> TaskdError:
    """An error answer of the API as the TaskdError the CLI prints (its message and exit code)."""
    message = data.get("error") if isinstance(data, dict) else None
    error = TaskdError(str(message or f"the service answered {status}"))
    error.exit_code = EXIT_CODES.get(data.get("code") if isinstance(data, dict) else "", 1)
    return error


def request(settings: Settings, payload: dict[str, Any], timeout: float = 2.0) -> dict[str, Any]:
    """The old control-socket commands, on the API: {"cmd": "poke" | "status" | "run", ...}.
    Answers {"ok": True, ...} or {"ok": False, "error", "exit_code"}; Unreachable as before."""
    command = payload.get("cmd")
    if command == "poke":
        status, data = call(settings, "POST", "/v1/poke", timeout=timeout)
    elif command == "status":
        status, data = call(settings, "GET", "/v1/status", timeout=timeout)
        if status == 200 and isinstance(data, dict):
            return {"ok": True, **(data.get("service") or {})}
    elif command == "run" and isinstance(payload.get("task_id"), int):
        status, data = call(settings, "POST", f"/v1/tasks/{payload['task_id']}/run",
                            timeout=timeout)
        if status == 200 and isinstance(data, dict):
            return {"ok": True, "run_id": data.get("run_id"), "run": data}
    else:
        return {"ok": False, "error": f"unknown command {command!r}", "exit_code": 2}
    if status >= 400:
        error = failure(status, data)
        return {"ok": False, "error": error.message, "exit_code": error.exit_code}
    return {"ok": True, **(data if isinstance(data, dict) else {})}


def poke(settings: Settings) -> bool:
    """Tell a running service the tasks changed. Never fails: without a service, or with one that
    is busy, the service's own database polling picks the change up a few seconds later."""
    try:
        status, data = call(settings, "POST", "/v1/poke", timeout=0.5)
    except (TaskdError, OSError):
        return False
    return status == 200 and isinstance(data, dict) and bool(data.get("ok"))


def api_places(settings: Settings, live: dict[str, Any] | None = None) -> dict[str, Any]:
    """`"api"` of `taskd status --json`: the running service's own answer when it has one (it
    knows the port it took), else what the settings say."""
    if live and isinstance(live.get("api"), dict) and live["api"].get("socket"):
        return {"socket": live["api"]["socket"], "url": live["api"].get("url")}
    url = None
    if settings.api_listen is not None:
        from taskd.api.listen import url_for

        url = url_for(*settings.api_listen)
    return {"socket": str(settings.paths.socket), "url": url}
