"""The MCP server over streamable HTTP: served by uvicorn on a free loopback port, called with
the SDK's streamable-HTTP client. Once standalone (`http_app`), once mounted the way the API's
TCP listener mounts it (`McpHttp.asgi` on a route, `McpHttp.lifespan()` in the host's lifespan,
a bearer check in front)."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from types import SimpleNamespace
from typing import Any

import anyio
import pytest
from mcp import Client

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.mcp.server import http_app
from tests.cli import taskd

uvicorn = pytest.importorskip("uvicorn")


@contextmanager
def serving(app: Any) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:  # uvicorn's own start-up, not a wait for time to pass
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


async def _add_and_list(target: Any) -> tuple[Any, Any]:
    async with Client(target, read_timeout_seconds=30) as mcp:
        added = await mcp.call_tool("add_task", {"text": "in 20 minutes check the oven"})
        listed = await mcp.call_tool("list_tasks", {})
        return added, listed


def test_streamable_http_standalone(clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    with serving(http_app(settings_mod.load(), clock)) as base:
        added, listed = anyio.run(_add_and_list, f"{base}/mcp")
    assert not added.is_error and added.structured_content["next"] == ["2026-11-21T10:20:00+01:00"]
    assert [t["id"] for t in listed.structured_content["tasks"]] == [added.structured_content["id"]]
    stored = taskd(capsys, clock, "list", "--json").json()
    assert [t["title"] for t in stored] == [added.structured_content["title"]]


def test_streamable_http_mounted_behind_a_token(clock: FakeClock) -> None:
    """As taskd.api mounts it: `taskd.mcp.http.asgi_app(ctx)` served for /mcp by a guard that
    wants the token, its `lifespan()` entered for the listener's life, the service's core."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from taskd.core import Core
    from taskd.mcp.http import asgi_app

    changes: list[str] = []
    settings = settings_mod.load()
    ctx = SimpleNamespace(settings=settings, clock=clock,
                          core=Core(settings, clock, on_change=lambda: changes.append("wake")))
    mounted = asgi_app(ctx)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with mounted.lifespan():
            yield

    async def status(request: Any) -> JSONResponse:
        return JSONResponse({"ok": True})

    host = Starlette(routes=[Route("/v1/status", status)], lifespan=lifespan)

    async def bearer(scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers") or [])
        if scope["type"] == "http" and headers.get(b"authorization") != b"Bearer s3cret":
            await JSONResponse({"error": "missing or wrong token", "code": "unauthorized"},
                               status_code=401)(scope, receive, send)
            return
        path = scope.get("path", "")
        target = mounted if path == "/mcp" or path.startswith("/mcp/") else host
        await target(scope, receive, send)

    with serving(bearer) as base:
        request = urllib.request.Request(f"{base}/mcp", method="POST", data=b"{}",
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        added, listed = anyio.run(_with_token, f"{base}/mcp")
    assert refused.value.code == 401
    assert not added.is_error and added.structured_content["saved"] is True
    assert len(listed.structured_content["tasks"]) == 1
    assert changes == ["wake"]  # the write woke the service's engine; the list did not


async def _with_token(url: str) -> tuple[Any, Any]:
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    async with httpx2.AsyncClient(headers={"Authorization": "Bearer s3cret"}, timeout=30) as http:
        return await _add_and_list(streamable_http_client(url, http_client=http))
