"""The agent prompt: the static rules first (byte-identical on every run, so the server's prompt
cache keeps them), then what is particular to this run: now, the task as fenced data, the files
it may read, its earlier outputs, the tools it may call and results it already has."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskd.agent.files import Files
from taskd.extract.model import prompt as prompts
from taskd.resolve.zones import get_zone, wall

if TYPE_CHECKING:
    from taskd.agent.needs import Need
    from taskd.agent.tools import Call, ToolSpec

NAME = "agent-v2"
_TAGS = re.compile(r"<(/?)(task|file|earlier|tool_result)\b", re.IGNORECASE)
EARLIER_CHARS = 600
CONDITIONAL = ("Conditional task: yes. Decide whether its condition holds right now: notify true "
               "if it does, false if it does not or you cannot tell.")
UNCONDITIONAL = "Conditional task: no (notify is true)."


@dataclass(frozen=True)
class Earlier:
    """An earlier output of the same task, for "tell me what changed"."""

    at: datetime  # aware
    text: str


def inert(text: str) -> str:
    """Data cannot close its own fence: a `</task>` inside the task text is defused."""
    return _TAGS.sub(lambda m: f"‹{m.group(1)}{m.group(2)}", text)


def _files_block(files: Files) -> str:
    parts = []
    for item in files.read:
        cut = " truncated" if item.truncated else ""
        parts.append(f'\n<file name="{inert(item.name)}"{cut}>\n{inert(item.text)}\n</file>')
    for name in files.refused:
        parts.append(f"\n(The task names {inert(name)}, which taskd may not read; say so.)")
    return "".join(parts)


def _earlier_block(earlier: Sequence[Earlier], tz: str) -> str:
    if not earlier:
        return ""
    zone = get_zone(tz)
    parts = ["\nEarlier outputs of this task, oldest first:"]
    for item in earlier:
        when = wall(item.at, zone).strftime("%a %Y-%m-%d %H:%M")
        text = " ".join(item.text.split())[:EARLIER_CHARS]
        parts.append(f'\n<earlier date="{when}">\n{inert(text)}\n</earlier>')
    return "".join(parts)


def _signature(spec: ToolSpec) -> str:
    props = spec.schema.get("properties") if isinstance(spec.schema.get("properties"), dict) else {}
    args = ", ".join(inert(str(name)) for name in props)
    return f"\n- {inert(spec.name)}({args}): {inert(' '.join(spec.description.split()))}"


def _tools_block(tools: Sequence[ToolSpec]) -> str:
    if not tools:
        return "\nTools you may call: none."
    return "\nTools you may call:" + "".join(_signature(spec) for spec in tools)


def result_block(call: Call, number: int) -> str:
    """One tool result as fenced data (it cannot close its own fence)."""
    name = inert(call.tool)
    if call.tool == "run_check":
        name = inert(f"check {call.arguments.get('check', '')}")
    if call.error is not None:
        return (f'<tool_result tool="{name}" call="{number}" error="true">\n{inert(call.error)}\n'
                "</tool_result>")
    return f'<tool_result tool="{name}" call="{number}">\n{inert(call.result)}\n</tool_result>'



def _needs_line(needs: Sequence[Need], tools: Sequence[ToolSpec]) -> str:
    if not needs:
        return ""
    from taskd.agent.needs import what

    if tools:
        return (f"\nThis task needs live data ({what(list(needs))}): base the answer only on tool "
                "results.")
    return (f"\nThis task needs live data ({what(list(needs))}) and taskd has no tool for it: say "
            "you could not check.")


def messages(text: str, *, now: datetime, tz: str, conditional: bool, files: Files,
             earlier: Sequence[Earlier], schema: dict[str, Any] | None,
             tools: Sequence[ToolSpec] = (), results: Sequence[Call] = (),
             needs: Sequence[Need] = ()) -> list[dict[str, str]]:
    """System + user messages; `schema` spells the schema out for json_object servers;
    `results`: tool results the run already has (a check's output)."""
    local = wall(now, get_zone(tz))
    values = {"weekday": local.strftime("%A"), "date": local.date().isoformat(),
              "clock": local.strftime("%H:%M"), "zone": tz,
              "conditional": CONDITIONAL if conditional else UNCONDITIONAL,
              "text": inert(text.strip()), "files": _files_block(files),
              "earlier": _earlier_block(earlier, tz), "tools": _tools_block(tools),
              "results": "".join(f"\n{result_block(call, n)}" for n, call in enumerate(results, 1)),
              "needs": _needs_line(needs, tools)}
    return prompts.load(NAME).messages(values, schema)
