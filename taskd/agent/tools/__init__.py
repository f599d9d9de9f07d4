"""Tools an agent task may call: MCP servers, `fetch_url`, and checks, all off until configured.

`config` reads the configuration (cheap; `add` uses it), `box` opens what a run needs and calls
tools by name, recording each call; `mcp_client`, `fetch` and `checks` are the three kinds.
Whatever a tool returns is data: it reaches the model between <tool_result> tags and a channel
only as text the model wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RESULT_CHARS = 8000  # what the model sees of one result, and what the run keeps of it


@dataclass(frozen=True)
class ToolSpec:
    """A tool as the model is told about it."""

    name: str  # what the model calls it: "weather", "fetch_url"
    description: str
    schema: dict[str, Any]  # JSON Schema of its arguments (an object)
    source: str  # "mcp:weather", "builtin"


@dataclass
class Call:
    """One tool call of a run: what was asked, what came back, how long it took."""

    tool: str
    arguments: dict[str, Any]
    source: str
    result: str = ""  # the text (capped at RESULT_CHARS)
    result_chars: int = 0  # before the cap
    ms: int = 0
    error: str | None = None
    cite: str | None = None  # what the answer rests on when this call worked: a URL, "mcp:…"
    wake: bool = True  # checks only: False when the check said there is nothing to report

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        return {"tool": self.tool, "arguments": self.arguments, "source": self.source,
                "result_chars": self.result_chars, "ms": self.ms, "error": self.error,
                "cite": self.cite}


@dataclass
class Calls:
    items: list[Call] = field(default_factory=list)

    def add(self, call: Call) -> Call:
        self.items.append(call)
        return call

    @property
    def grounded(self) -> bool:
        return any(c.ok for c in self.items)

    def sources(self) -> list[str]:
        seen: list[str] = []
        for call in self.items:
            if call.ok and call.cite and call.cite not in seen:
                seen.append(call.cite)
        return seen
