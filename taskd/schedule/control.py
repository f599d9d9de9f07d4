"""The control socket: a Unix socket (mode 0600, in $XDG_RUNTIME_DIR/taskd or TASKD_HOME) that
speaks JSON lines. One request line, one answer line, then the connection closes.

    {"cmd": "poke"}                     -> {"ok": true}            reload from the database now
    {"cmd": "status"}                   -> {"ok": true, "pid": ..., ...}
    {"cmd": "run", "task_id": 3}        -> {"ok": true, "run": {...}}   fire a task now

Only the socket's owner may talk to it: the mode keeps others out, and SO_PEERCRED is checked too
(a socket in a shared directory with a loose umask would otherwise be open to every local user).
The client side (`poke`, `request`) is imported by the CLI, so it stays free of heavy imports.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import struct
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskd.errors import TaskdError, Unreachable

if TYPE_CHECKING:
    from taskd.settings import Settings

log = logging.getLogger("taskd.control")
MAX_LINE = 64 * 1024
Handler = Callable[[dict[str, Any]], dict[str, Any]]


def request(settings: Settings, payload: dict[str, Any], timeout: float = 2.0) -> dict[str, Any]:
    """Send one request to the running service. Raises Unreachable when none answers."""
    path = settings.paths.socket
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(json.dumps(payload).encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
    except OSError as exc:
        raise Unreachable(f"the service is not running ({path}: {exc.strerror or exc})") from exc
    try:
        answer = json.loads(data)
    except ValueError as exc:
        raise Unreachable("the service gave an unreadable answer") from exc
    if not isinstance(answer, dict):
        raise Unreachable("the service gave an unreadable answer")
    return answer


def poke(settings: Settings) -> bool:
    """Tell a running service the tasks changed. Never fails: without a service, or with one that
    is busy, the service's own database polling picks the change up a few seconds later."""
    try:
        return bool(request(settings, {"cmd": "poke"}, timeout=0.5).get("ok"))
    except (TaskdError, OSError):
        return False


def _peer_uid(conn: socket.socket) -> int | None:
    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except (OSError, AttributeError):
        return None
    _pid, uid, _gid = struct.unpack("3i", creds)
    return int(uid)


class ControlServer:
    def __init__(self, path: Path, handler: Handler) -> None:
        self.path = path
        self.handler = handler
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # We hold the one-service lock, so a socket file left here is from a dead service.
        self.path.unlink(missing_ok=True)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)  # created 0600 from the start: no window where it is open to others
        try:
            sock.bind(str(self.path))
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        sock.listen(16)
        sock.settimeout(0.5)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, name="taskd-control", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                if self._stop.is_set():
                    return
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5.0)
            uid = _peer_uid(conn)
            if uid is not None and uid != os.getuid():
                log.warning("control socket: refused a connection from uid %s", uid)
                return
            try:
                data = b""
                while b"\n" not in data and len(data) < MAX_LINE:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                request = json.loads(data.split(b"\n", 1)[0] or b"null")
                if not isinstance(request, dict):
                    answer: dict[str, Any] = {"ok": False, "error": "send one JSON object"}
                else:
                    answer = self.handler(request)
            except TaskdError as exc:
                answer = {"ok": False, "error": exc.message, "exit_code": exc.exit_code}
            except (ValueError, OSError) as exc:
                answer = {"ok": False, "error": f"bad request: {exc}"}
            except Exception as exc:  # never let one bad request kill the control thread
                log.exception("control request failed")
                answer = {"ok": False, "error": f"internal error: {type(exc).__name__}"}
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps(answer, default=str).encode() + b"\n")

    def close(self) -> None:
        self._stop.set()
        if self._sock is not None:
            self._sock.close()
        if self._thread is not None:
            self._thread.join(2.0)
        self.path.unlink(missing_ok=True)
