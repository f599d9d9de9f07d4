"""Serving the API from inside `taskd serve`: uvicorn on a thread with its own event loop.

The sockets are made here, on the caller's thread, before anything else starts: a port in use
or an unwritable socket directory is one clear error at start-up, and the Unix socket is 0600
from its first moment (uvicorn's own `uds=` would chmod it 0666). Each accepted Unix connection
is checked with SO_PEERCRED: only the socket owner's uid may talk, even if the mode were loose.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import socket
import struct
import threading
from pathlib import Path
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from taskd.api.app import Guard, create_app, tcp_mounts
from taskd.api.context import ApiContext
from taskd.api.listen import url_for
from taskd.errors import TaskdError

log = logging.getLogger("taskd.api")


def peer_uid(sock: Any) -> int | None:
    try:
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except (OSError, AttributeError):
        return None
    _pid, uid, _gid = struct.unpack("3i", creds)
    return int(uid)


class PeerCheckedH11(H11Protocol):
    """h11, but a connection from another uid is closed before a byte is read."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        uid = peer_uid(transport.get_extra_info("socket"))
        if uid is not None and uid != os.getuid():
            log.warning("api socket: refused a connection from uid %s", uid)
            transport.close()


def unix_socket(path: Path) -> socket.socket:
    """Bound and listening at `path` + ".new"; `publish` moves it into place once it is served,
    so that a socket at `path` always answers (clients and tests take it as "ready")."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # We hold the one-service lock, so a socket file left here is from a dead service.
    path.unlink(missing_ok=True)
    staged = _staged(path)
    staged.unlink(missing_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)  # created 0600 from the start: no window where it is open to others
    try:
        sock.bind(str(staged))
    except OSError as exc:
        sock.close()
        why = exc.strerror or str(exc)  # e.g. a path past the 107 bytes AF_UNIX allows
        raise TaskdError(f"cannot make the API socket {path}: {why} (set TASKD_HOME or "
                         "XDG_RUNTIME_DIR to a shorter, writable folder)") from None
    finally:
        os.umask(old)
    os.chmod(staged, 0o600)
    sock.listen(64)
    return sock


def _staged(path: Path) -> Path:
    return path.with_name(path.name + ".new")


def tcp_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        why = "the port is in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        raise TaskdError(f"cannot listen on {url_for(host, port)} ([api] listen / "
                         f"TASKD_API_LISTEN): {why}") from None
    sock.listen(64)
    return sock


class ApiServer:
    """Both listeners on one event loop thread; `start` returns once they accept."""

    def __init__(self, ctx: ApiContext) -> None:
        self.ctx = ctx
        self._servers: list[Any] = []
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._failed: BaseException | None = None
        self._inode = -1

    def start(self) -> None:
        import uvicorn

        quiet = logging.getLogger("uvicorn.error")  # "Started server process" once per listener
        if quiet.level == logging.NOTSET:
            quiet.setLevel(logging.WARNING)

        settings = self.ctx.settings
        listeners: list[tuple[socket.socket, bool]] = []
        if settings.api_listen is not None:
            host, port = settings.api_listen
            tcp = tcp_socket(host, port)
            listeners.append((tcp, True))
            from taskd.api.token import ensure_token, token_path

            self.ctx.token, created = ensure_token(settings)
            if created:
                log.info("api: made a bearer token in %s (`taskd api token` prints it)",
                         token_path(settings))
            bound = tcp.getsockname()
            self.ctx.places["url"] = url_for(host, bound[1])
            if host not in ("127.0.0.1", "::1", "localhost"):
                log.warning("api: listening on %s: plain HTTP beyond this machine; put TLS in "
                            "front of it", self.ctx.places["url"])
        else:
            self.ctx.places["url"] = None
        path = settings.paths.socket
        try:
            listeners.insert(0, (unix_socket(path), False))
        except (OSError, TaskdError):
            for sock, _ in listeners:
                sock.close()
            raise
        self.ctx.places["socket"] = str(path)
        self._inode = _staged(path).stat().st_ino
        app = create_app(self.ctx)
        for sock, is_tcp in listeners:
            mounts = tcp_mounts(self.ctx) if is_tcp else {}
            lifespans = [m.lifespan for m in mounts.values() if hasattr(m, "lifespan")]
            config = uvicorn.Config(
                Guard(app, self.ctx, tcp=is_tcp, mounts=mounts),
                http=PeerCheckedH11 if not is_tcp else "h11", lifespan="off", log_config=None,
                access_log=False, timeout_graceful_shutdown=5, server_header=False)
            self._servers.append((uvicorn.Server(config), sock, lifespans))
        self._thread = threading.Thread(target=self._run, name="taskd-api", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self._failed is not None:
            _staged(path).unlink(missing_ok=True)
            raise TaskdError(f"the API did not start: {self._failed}")
        log.info("api: serving on %s%s", path,
                 f" and {self.ctx.places['url']}" if self.ctx.places.get("url") else "")
        os.replace(_staged(path), path)  # the same socket, now where clients look for it

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve_all())
        except BaseException as exc:  # SystemExit from a failed lifespan included
            self._failed = exc
            log.error("api stopped: %s", exc)
        finally:
            self._ready.set()
            loop.close()

    async def _serve_all(self) -> None:
        async with contextlib.AsyncExitStack() as stack:
            for _server, _sock, lifespans in self._servers:
                for lifespan in lifespans:
                    await stack.enter_async_context(lifespan())
            tasks = [asyncio.create_task(server.serve(sockets=[sock]))
                     for server, sock, _ in self._servers]
            while not all(server.started for server, _, _ in self._servers):
                if any(task.done() for task in tasks):
                    break
                await asyncio.sleep(0.01)
            self._ready.set()
            await asyncio.gather(*tasks)

    def close(self) -> None:
        for server, _, _ in self._servers:
            server.should_exit = True
        if self._thread is not None:
            self._thread.join(8.0)
        where = self.ctx.places.get("socket")
        # Only our own socket file: a newer service may already have bound this path.
        with contextlib.suppress(OSError):
            if where and Path(where).stat().st_ino == self._inode:
                Path(where).unlink()
