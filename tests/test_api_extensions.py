"""The app factory's hooks for the parts other modules bring (the web page, action links, MCP):
an in-process ApiServer on real sockets, with stand-in modules in those places."""

from __future__ import annotations

import sys
import types
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter

from taskd.api import app as app_mod
from taskd.api.context import ApiContext
from taskd.api.server import ApiServer
from taskd.clock import FakeClock
from taskd.core import Core
from tests.api_serve import send


class FakeMount:
    """An ASGI app with a lifespan, as taskd.mcp.http.asgi_app returns."""

    def __init__(self) -> None:
        self.events: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = f'{{"mounted": "{scope["path"]}"}}'.encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        self.events.append("start")
        yield
        self.events.append("stop")


@pytest.fixture
def parts(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMount]:
    page = types.ModuleType("fake_page")
    router = APIRouter()

    @router.get("/hello")
    def hello() -> dict[str, str]:
        return {"hello": "page"}

    @router.get("/private")
    def private() -> dict[str, str]:
        return {"secret": "yes"}

    page.router = router  # type: ignore[attr-defined]
    page.PUBLIC_PATHS = (r"/hello",)  # type: ignore[attr-defined]
    mount = FakeMount()
    mcp = types.ModuleType("fake_mcp")
    mcp.asgi_app = lambda ctx: mount  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_page", page)
    monkeypatch.setitem(sys.modules, "fake_mcp", mcp)
    monkeypatch.setattr(app_mod, "ROUTERS", [("fake_page", "router"), ("not_here.at_all", "router")])
    monkeypatch.setattr(app_mod, "TCP_MOUNTS", [("fake_mcp", "asgi_app", "/mcp")])
    yield mount


def test_optional_routers_public_paths_and_tcp_mounts(parts: FakeMount, taskd_home: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import http.client
    from datetime import UTC, datetime

    from taskd import settings as settings_mod
    from taskd.schedule.control import UnixConnection

    monkeypatch.setenv("TASKD_API_LISTEN", "127.0.0.1:0")
    settings = settings_mod.load()
    core = Core(settings, FakeClock(datetime(2026, 11, 21, 9, tzinfo=UTC)))
    ctx = ApiContext(settings=settings, clock=core.clock, core=core)
    server = ApiServer(ctx)
    server.start()
    try:
        port = int(str(ctx.places["url"]).rsplit(":", 1)[1])

        def tcp(path: str, token: str | None = None) -> Any:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            return send(http.client.HTTPConnection("127.0.0.1", port, timeout=10), "GET", path,
                        headers=headers)

        def unix(path: str) -> Any:
            return send(UnixConnection(str(settings.paths.socket), 10), "GET", path)

        assert parts.events == ["start"]  # the mount's lifespan runs while the listener does
        assert tcp("/hello").json() == {"hello": "page"}  # public: it checks for itself
        assert tcp("/private").status == 401  # the rest of the router is behind the token
        assert tcp("/private", ctx.token).json() == {"secret": "yes"}
        assert tcp("/mcp").status == 401
        assert tcp("/mcp", ctx.token).json() == {"mounted": "/mcp"}
        assert tcp("/mcp/x", ctx.token).json() == {"mounted": "/mcp/x"}
        assert tcp("/mcpx", ctx.token).status == 404  # a prefix is a whole path segment
        assert unix("/mcp").status == 404  # TCP only
        assert unix("/private").json() == {"secret": "yes"}
        assert unix("/v1/tasks").json() == []  # the core, on a FakeClock, in this process
    finally:
        server.close()
    assert parts.events == ["start", "stop"]
    assert not settings.paths.socket.exists()


class BrokenCore:
    """A core with a bug in one method and a database away in another."""

    def list_tasks(self, **_: Any) -> Any:
        raise RuntimeError("a bug, with /secret/paths in its message")

    def prefs(self) -> Any:
        from sqlalchemy.exc import OperationalError

        raise OperationalError("SELECT 1", {}, Exception("database is locked"))


def test_a_bug_is_a_500_body_without_a_trace(taskd_home: Path) -> None:
    from taskd import settings as settings_mod
    from taskd.schedule.control import UnixConnection

    settings = settings_mod.load()
    ctx = ApiContext(settings=settings, clock=FakeClock(datetime_utc()), core=BrokenCore())
    server = ApiServer(ctx)
    server.start()
    try:
        bug = send(UnixConnection(str(settings.paths.socket), 10), "GET", "/v1/tasks")
        assert bug.status == 500
        assert bug.json() == {"error": "internal error: RuntimeError", "code": "internal"}
        busy = send(UnixConnection(str(settings.paths.socket), 10), "GET", "/v1/prefs")
        assert busy.status == 503 and busy.json()["code"] == "unreachable"
        assert "try again" in busy.json()["error"]
    finally:
        server.close()


def test_a_socket_path_too_long_is_one_clear_error(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from taskd import settings as settings_mod
    from taskd.errors import TaskdError

    home = tmp_path / ("x" * 120)
    monkeypatch.setenv("TASKD_HOME", str(home))
    settings = settings_mod.load()
    server = ApiServer(ApiContext(settings=settings, clock=FakeClock(datetime_utc()), core=None))
    with pytest.raises(TaskdError, match=r"cannot make the API socket .*shorter"):
        server.start()


def datetime_utc() -> Any:
    from datetime import UTC, datetime

    return datetime(2026, 11, 21, 9, tzinfo=UTC)
