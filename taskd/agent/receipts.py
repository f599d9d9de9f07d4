"""Receipts in words: what `add` warns about, and how `history` shows a run's tool calls.

`add_warnings` is on the `add` path: it reads config.toml's tool tables and the task's words,
and starts nothing. The history helpers read the rows of taskd.store.receipt_tables.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from taskd.agent import needs as agent_needs
from taskd.agent.condition import is_conditional

if TYPE_CHECKING:
    from sqlmodel import Session

    from taskd.settings import Settings
    from taskd.store.receipt_tables import Receipt, ToolCallRow

README = "see “Agent tools” in the README"


def add_warnings(text: str, settings: Settings) -> list[str]:
    """One line when the task needs outside data that no configured tool provides."""
    from taskd.agent.tools import config as tools_config

    needs = agent_needs.recognise(text)
    if not needs:
        return []
    tools = tools_config.load(settings)
    missing = [need for need in needs if not tools.covers(need, text)]
    if not missing:
        return []
    then = ("each run is recorded as unchecked" if is_conditional(text)
            else "its answers are marked unchecked")
    return [f"taskd has no source for {agent_needs.what(missing)}: {README}; until then {then}"]


def load(db: Session, run_ids: list[int]) -> dict[int, tuple[Receipt | None, list[ToolCallRow]]]:
    from sqlmodel import col, select

    from taskd.store.receipt_tables import Receipt, ToolCallRow

    if not run_ids:
        return {}
    receipts = {r.run_id: r for r in db.exec(select(Receipt).where(col(Receipt.run_id).in_(run_ids)))}
    calls: dict[int, list[ToolCallRow]] = {}
    for row in db.exec(select(ToolCallRow).where(col(ToolCallRow.run_id).in_(run_ids))
                       .order_by(col(ToolCallRow.run_id), col(ToolCallRow.seq))):
        calls.setdefault(row.run_id, []).append(row)
    return {run_id: (receipts.get(run_id), calls.get(run_id, []))
            for run_id in run_ids if run_id in receipts or run_id in calls}


def call_json(row: ToolCallRow, verbose: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {"tool": row.tool, "source": row.source,
                            "arguments": json.loads(row.arguments_json), "result_chars": row.result_chars,
                            "ms": row.ms, "error": row.error}
    if verbose:
        data["result"] = row.result
    return data


def as_json(entry: tuple[Receipt | None, list[ToolCallRow]] | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    receipt, calls = entry
    return {"grounded": receipt.grounded if receipt else any(c.error is None for c in calls),
            "needs": json.loads(receipt.needs_json) if receipt else [],
            "sources": json.loads(receipt.sources_json) if receipt else [],
            "reason": receipt.reason if receipt else None,
            "tool_calls": [call_json(c) for c in calls]}


def _args(row: ToolCallRow) -> str:
    arguments = json.loads(row.arguments_json)
    return ", ".join(f"{k}={v}" for k, v in arguments.items()) if isinstance(arguments, dict) else ""


def call_line(row: ToolCallRow) -> str:
    """"weather(city=Berlin) 27 chars, 0.4 s" or "fetch_url(url=…) ✗ not allowed"."""
    head = f"{row.tool}({_args(row)})"
    if row.error:
        return f"{head} ✗ {row.error}"
    return f"{head} {row.result_chars} chars, {row.ms / 1000:.1f} s"


def cell(entry: tuple[Receipt | None, list[ToolCallRow]] | None) -> str:
    """The history table's `tools` cell: the calls, and whether the answer is grounded."""
    if entry is None:
        return ""
    receipt, calls = entry
    names = ", ".join(f"{c.tool}{'✗' if c.error else ''}" for c in calls) or "no tools"
    if receipt is None:
        return names
    mark = "grounded" if receipt.grounded else ("unchecked" if json.loads(receipt.needs_json)
                                                else "ungrounded")
    return f"{names} · {mark}"


def details(entry: tuple[Receipt | None, list[ToolCallRow]] | None, verbose: bool) -> list[str]:
    """Lines under a run in `history`: each call; with `verbose`, its result too."""
    if entry is None:
        return []
    receipt, calls = entry
    lines = [f"  {n}. {call_line(c)}" for n, c in enumerate(calls, 1)]
    if verbose:
        lines = []
        for n, c in enumerate(calls, 1):
            lines.append(f"  {n}. {call_line(c)}")
            if c.result:
                lines.extend(f"     │ {line}" for line in c.result.splitlines()[:40])
    if receipt is not None:
        sources = json.loads(receipt.sources_json)
        if sources:
            lines.append(f"  rests on: {', '.join(sources)}")
        if receipt.reason:
            lines.append(f"  {receipt.reason}")
    return lines
