"""taskd as an MCP server, through the official `mcp` SDK (2.x `MCPServer`).

    build(settings, clock)      the server with taskd's tools (taskd.mcp.tools)
    run_stdio(settings, clock)  `taskd mcp`: MCP on stdin/stdout
    http_app(settings, ...)     an ASGI app serving streamable HTTP at /mcp (standalone, tests)
    McpHttp(settings, ...)      what a host app mounts: an ASGI app with `.lifespan()`

The API's TCP listener mounts the HTTP variant behind its bearer token (CONTRACT.md §7).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import ValidationError

from taskd import __version__

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from taskd.clock import Clock
    from taskd.core import Core
    from taskd.settings import Settings

INSTRUCTIONS = (
    "taskd keeps the user's reminders and scheduled tasks and fires them on time, on this "
    "machine. Pass the user's own words to add_task (\"remind me to stretch in 2 minutes\", "
    "\"every weekday at 8am give me a news briefing\"): taskd reads dates, times, zones and "
    "recurrence itself, so never compute or rewrite them. When a result carries `question`, "
    "nothing happened yet: ask the user exactly that, then call again. To change or stop a "
    "task, find its id with list_tasks first.")


def _one_line(exc: ValidationError) -> str:
    """Pydantic's multi-line report as one line per field, joined: what the caller must fix."""
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(part) for part in error["loc"]) or "arguments"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


class _Server(MCPServer):
    async def call_tool(self, name: str, arguments: dict[str, Any],
                        context: Any = None) -> Any:
        # Arguments the schema refuses are the agent's mistake to fix: one line naming the field,
        # where the SDK would send pydantic's whole report under "Error executing tool ...".
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                from taskd.mcp.tools import error_result

                return error_result(f"{name}: {_one_line(exc.__cause__)}", "bad_input")
            raise


def build(settings: Settings, clock: Clock | None = None, *, core: Core | None = None,
          on_change: Callable[[], object] | None = None) -> MCPServer:
    """The MCP server. Without `core`, one is made whose writes poke a running service."""
    if core is None:
        from taskd.core import Core

        if on_change is None:
            from taskd.cli.common import notify_service

            def on_change() -> None:
                notify_service(settings)

        from functools import partial

        from taskd.core.service import fire_anywhere

        # run_task as `taskd run` does it: through the service when it is up, else here.
        core = Core(settings, clock, on_change=on_change,
                    fire=partial(fire_anywhere, settings, clock))
    from taskd.mcp.tools import register

    server = _Server("taskd", title="taskd", version=__version__, instructions=INSTRUCTIONS,
                     website_url=None, log_level="WARNING")
    register(server, core)
    return server


def run_stdio(settings: Settings, clock: Clock | None = None) -> None:
    """Serve MCP on stdin/stdout until the client closes stdin. Nothing else may write to stdout."""
    import anyio

    anyio.run(build(settings, clock).run_stdio_async)


class McpHttp:
    """Streamable HTTP for a host app: route `path` to `.asgi` and run `.lifespan()` inside the
    host's own lifespan (a mounted app's lifespan is not run by Starlette)."""

    def __init__(self, settings: Settings, clock: Clock | None = None, *, core: Core | None = None,
                 on_change: Callable[[], object] | None = None, path: str = "/mcp") -> None:
        from mcp.server.transport_security import TransportSecuritySettings

        self.path = path
        server = build(settings, clock, core=core, on_change=on_change)
        # Stateless JSON: every call is one request and one answer (the tools never call back),
        # so a restart or a second service node loses nothing. DNS-rebinding checks are off: the
        # host puts the bearer token in front, which a rebound page cannot send.
        self._app = server.streamable_http_app(
            streamable_http_path=path, stateless_http=True, json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False))
        self._manager = server.session_manager
        from mcp.server.streamable_http_manager import StreamableHTTPASGIApp

        # An ASGI object, not a function, so that a Starlette Route passes it the raw request.
        self.asgi = StreamableHTTPASGIApp(self._manager)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """The object is the ASGI endpoint too: hosts that route by prefix pass it anything there."""
        await self.asgi(scope, receive, send)

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        async with self._manager.run():
            yield

    @property
    def app(self) -> Starlette:
        """A whole app with the route and the lifespan: for uvicorn alone, and for tests."""
        return self._app


def http_app(settings: Settings, clock: Clock | None = None, *, core: Core | None = None,
             on_change: Callable[[], object] | None = None, path: str = "/mcp") -> Starlette:
    """An ASGI app serving MCP over streamable HTTP at `path` (no authentication of its own)."""
    return McpHttp(settings, clock, core=core, on_change=on_change, path=path).app


__all__ = ["INSTRUCTIONS", "McpHttp", "build", "http_app", "run_stdio"]
