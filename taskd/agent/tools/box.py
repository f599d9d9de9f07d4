"""The tools of one run: what the model may call, by name, each call recorded."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from taskd.agent.tools import Call, Calls, ToolSpec
from taskd.agent.tools.config import ToolsConfig


class Toolbox:
    """`with Toolbox(config, timeout) as box:` the configured tools, opened (MCP servers
    started) only when there are any; `box.call` never raises."""

    def __init__(self, config: ToolsConfig, timeout: float, calls: Calls | None = None) -> None:
        self.config = config
        self.timeout = timeout
        self.calls = calls if calls is not None else Calls()
        self.problems: list[str] = []
        self._stack = ExitStack()
        self._mcp: Any = None

    def __enter__(self) -> Toolbox:
        if self.config.mcp:
            from taskd.agent.tools.mcp_client import McpTools

            self._mcp = self._stack.enter_context(McpTools(self.config.mcp, self.timeout))
            self.problems.extend(self._mcp.problems)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def specs(self) -> list[ToolSpec]:
        from taskd.agent.tools import fetch

        specs = self._mcp.specs() if self._mcp is not None else []
        if self.config.fetch is not None and all(s.name != fetch.SPEC.name for s in specs):
            specs.append(fetch.SPEC)
        return specs

    def call(self, name: str, arguments: dict[str, Any]) -> Call:
        from taskd.agent.tools import fetch

        if name == fetch.SPEC.name and self.config.fetch is not None:
            return self.calls.add(fetch.fetch(arguments, self.config.fetch))
        if self._mcp is not None and name in {s.name for s in self._mcp.specs()}:
            return self.calls.add(self._mcp.call(name, arguments))
        return self.calls.add(Call(name, arguments, "?", error=f"no tool named {name!r}"))
