"""taskd as an MCP client: the servers of `[agent.mcp.*]`, opened for one run, through the
official `mcp` SDK (imported here, on the fire path only).

The SDK is async; a run is not. A blocking portal (an event loop on its own thread, from anyio)
carries the calls, so the fire path stays plain synchronous code. A server that cannot be
started or listed is left out with its reason (the run goes on with the others); only the tools
listed in config.toml are offered or called, whatever else the server has.
"""

from __future__ import annotations

import json
import tempfile
import time
from contextlib import ExitStack
from typing import Any

from taskd.agent.tools import RESULT_CHARS, Call, ToolSpec
from taskd.agent.tools.config import McpServer


def _content_text(result: Any) -> str:
    parts: list[str] = []
    for block in getattr(result, "content", None) or []:
        if getattr(block, "type", None) == "text":
            parts.append(str(block.text))
        else:
            parts.append(f"[{getattr(block, 'type', 'content')} omitted]")
    if not parts and getattr(result, "structured_content", None) is not None:
        parts.append(json.dumps(result.structured_content, ensure_ascii=False))
    return "\n".join(parts)


class McpTools:
    """`with McpTools(servers, timeout) as tools:` connected servers; `specs`, `call`."""

    def __init__(self, servers: tuple[McpServer, ...], timeout: float) -> None:
        self.servers = servers
        self.timeout = timeout
        self.problems: list[str] = []  # servers left out, in words
        self._stack = ExitStack()
        self._portal: Any = None
        self._clients: dict[str, Any] = {}  # tool name -> client
        self._owner: dict[str, str] = {}  # tool name -> server name
        self._specs: list[ToolSpec] = []
        self._errlogs: dict[str, Any] = {}

    def __enter__(self) -> McpTools:
        from anyio.from_thread import start_blocking_portal

        self._portal = self._stack.enter_context(start_blocking_portal())
        for server in self.servers:
            try:
                self._open(server)
            except Exception as exc:  # a broken server must not stop the run: say why it is out
                said = self._last_words(server.name)
                self.problems.append(f"MCP server {server.name} is unavailable: {_reason(exc)}"
                                     + (f" (it said: {said})" if said else ""))
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._stack.close()
        except Exception as error:  # closing a dead server's pipes can fail; the run is over
            self.problems.append(f"closing an MCP server failed: {_reason(error)}")

    def _open(self, server: McpServer) -> None:
        from mcp import Client, StdioServerParameters, stdio_client

        target: Any = server.url
        if target is None:
            # The server's stderr goes to a file of its own: the service's stderr may be anything
            # (a pipe, a test's capture), and its last line explains a server that would not start.
            errlog = self._stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))  # noqa: SIM115
            self._errlogs[server.name] = errlog
            target = stdio_client(StdioServerParameters(
                command=server.command[0], args=list(server.command[1:]),
                env=dict(server.env) or None), errlog=errlog)
        # read_timeout_seconds bounds the handshake and every request: a hung server is cut off.
        client = self._stack.enter_context(self._portal.wrap_async_context_manager(
            Client(target, read_timeout_seconds=self.timeout)))
        listed = self._portal.call(_list_all, client, self.timeout)
        allowed = set(server.tools)
        for tool in listed:
            if tool.name not in allowed or tool.name in self._clients:
                continue
            schema = tool.input_schema if isinstance(tool.input_schema, dict) else {"type": "object"}
            self._clients[tool.name] = client
            self._owner[tool.name] = server.name
            self._specs.append(ToolSpec(tool.name, (tool.description or "")[:300], schema,
                                        f"mcp:{server.name}"))
        missing = sorted(allowed - {t.name for t in listed})
        if missing:
            self.problems.append(f"MCP server {server.name} has no tool {', '.join(missing)}")

    def _last_words(self, name: str) -> str:
        errlog = self._errlogs.get(name)
        if errlog is None:
            return ""
        try:
            errlog.seek(0)
            lines = [line.strip() for line in errlog.read()[-4000:].splitlines() if line.strip()]
        except (OSError, ValueError):
            return ""
        return lines[-1][:200] if lines else ""

    def specs(self) -> list[ToolSpec]:
        return list(self._specs)

    def call(self, name: str, arguments: dict[str, Any]) -> Call:
        source = f"mcp:{self._owner.get(name, '?')}"
        call = Call(name, arguments, source)
        started = time.monotonic()
        try:
            result = self._portal.call(_call, self._clients[name], name, arguments, self.timeout)
            text = _content_text(result)
            call.result_chars = len(text)
            call.result = text[:RESULT_CHARS]
            if getattr(result, "is_error", False):
                call.error = f"{name} returned an error: {' '.join(text.split())[:200]}"
            else:
                args = ", ".join(f"{k}={v}" for k, v in arguments.items())
                call.cite = f"{source}/{name}({args})"
        except Exception as exc:  # timeouts, a server that died: recorded, never raised
            call.error = f"{name} failed: {_reason(exc)}"
        call.ms = round((time.monotonic() - started) * 1000)
        return call


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "it did not answer in time"
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return _reason(exc.exceptions[0])
    text = " ".join(str(exc).split())
    return (text or type(exc).__name__)[:200]


async def _list_all(client: Any, timeout: float) -> list[Any]:
    import anyio

    tools: list[Any] = []
    cursor = None
    with anyio.fail_after(timeout):
        for _ in range(20):  # pages; a server that never stops paging is cut off
            page = await client.list_tools(cursor=cursor)
            tools.extend(page.tools)
            cursor = page.next_cursor
            if not cursor:
                break
    return tools


async def _call(client: Any, name: str, arguments: dict[str, Any], timeout: float) -> Any:
    import anyio

    with anyio.fail_after(timeout):
        return await client.call_tool(name, arguments)
