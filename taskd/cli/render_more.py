"""Human output of history, status, run and import: pure functions of their plain data."""

from __future__ import annotations

from typing import Any

from taskd.cli.render import Data, Plain, _escape, when
from taskd.terminal import shown


# history
def agent_cost(agent: Data | None) -> str:
    """"812+64 tok, 5.2 s": an agent run's tokens (prompt+completion) and latency."""
    if agent is None or agent.get("latency_ms") is None:
        return ""
    return (f"{agent['prompt_tokens'] or 0}+{agent['completion_tokens'] or 0} tok, "
            f"{agent['latency_ms'] / 1000:.1f} s")


def _agent_details(row: Data) -> str:
    """An agent run in full, for `history --verbose`: model, cost, verdict, prompt, answer."""
    agent = row["agent"]
    verdict = {True: "notify", False: "no notify", None: "no verdict"}[agent["notify"]]
    head = (f"[bold]run {row['run_id']}[/bold] · {_escape(agent['model'] or '?')} · "
            f"{agent_cost(agent)} · {verdict}")
    return (f"\n{head}\n[dim]prompt:[/dim]\n{_escape(agent['prompt'] or '', block=True)}\n"
            f"[dim]answer:[/dim]\n{_escape(agent['answer'] or row['error'] or '', block=True)}")


def _channels(attempts: list[Data]) -> str:
    """"hook ✓ (2 tries), mail ✗": the last attempt per channel and how many it took."""
    last: dict[str, Data] = {}
    for attempt in attempts:
        last[attempt["channel"]] = attempt

    def mark(d: Data) -> str:
        if d["ok"] and (d["detail"] or "").startswith("skipped"):
            return "–"
        return "✓" if d["ok"] else "✗"

    return ", ".join(f"{name} {mark(d)}" + (f" ({d['attempt']} tries)" if d["attempt"] > 1 else "")
                     for name, d in last.items())


def _tools_cell(receipt: Data | None) -> str:
    """The `tools` cell: the calls, and whether the answer is grounded."""
    if receipt is None:
        return ""
    calls = receipt["tool_calls"]
    names = ", ".join(f"{c['tool']}{'✗' if c['error'] else ''}" for c in calls) or "no tools"
    if not receipt.get("recorded", True):
        return names
    mark = "grounded" if receipt["grounded"] else ("unchecked" if receipt["needs"] else "ungrounded")
    return f"{names} · {mark}"


def _call_line(call: Data) -> str:
    """"weather(city=Berlin) 27 chars, 0.4 s" or "fetch_url(url=…) ✗ not allowed"."""
    arguments = call["arguments"]
    args = ", ".join(f"{k}={v}" for k, v in arguments.items()) if isinstance(arguments, dict) else ""
    head = f"{call['tool']}({args})"
    if call["error"]:
        return f"{head} ✗ {call['error']}"
    return f"{head} {call['result_chars']} chars, {call['ms'] / 1000:.1f} s"


def _tool_lines(receipt: Data | None, verbose: bool) -> list[str]:
    """Lines under a run: each call; with `verbose`, its result too."""
    if receipt is None:
        return []
    lines: list[str] = []
    for n, call in enumerate(receipt["tool_calls"], 1):
        lines.append(f"  {n}. {_call_line(call)}")
        if verbose and call.get("result"):
            lines.extend(f"     │ {line}" for line in call["result"].splitlines()[:40])
    if receipt.get("recorded", True):
        if receipt["sources"]:
            lines.append(f"  rests on: {', '.join(receipt['sources'])}")
        if receipt["reason"]:
            lines.append(f"  {receipt['reason']}")
    return lines


def render_history(rows: list[Data], *, verbose: bool = False) -> list[Any]:
    if not rows:
        return ["No runs yet."]
    from rich.table import Table

    agents = [r for r in rows if r["agent"] is not None]
    receipts = any(r.get("receipt") is not None for r in rows)
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("run", "task", "scheduled", "fired", "state", "channels", "output"):
        table.add_column(name)
    if agents:
        table.add_column("model")
    if receipts:
        table.add_column("tools")
    for row in rows:
        zone = row.get("tz") or "UTC"
        cells = [str(row["run_id"]), f"#{row['task_id']} {_escape(row['title'] or '')}",
                 when(row["scheduled_for"], zone),
                 when(row["fired_at"], zone) if row["fired_at"] else "—",
                 row["state"] + (" (late)" if row["late"] else ""),
                 _channels(row["deliveries"]),
                 _escape((row["output"] or row["error"] or row["outcome"] or "")[:60])]
        table.add_row(*cells, *([agent_cost(row["agent"])] if agents else []),
                      *([_escape(_tools_cell(row.get("receipt")))] if receipts else []))
    lines: list[Any] = [table]
    for row in rows:
        if tool_lines := _tool_lines(row.get("receipt"), verbose):
            lines.append(f"[bold]run {row['run_id']}[/bold] tool calls:\n"
                         + _escape("\n".join(tool_lines)))
    if agents and verbose:
        lines += [_agent_details(row) for row in agents]
    elif agents:
        lines.append("[dim]--verbose shows each agent run's prompt and answer[/dim]")
    return lines


# status, run, import
def render_status(data: Data, zone: str) -> list[Any]:
    """`taskd status`: `data` with its live part (`up`, `pid`, `note`) merged in."""
    from taskd.redact import redact

    state = f"up (pid {data['pid']})" if data["up"] else "not running"
    if not data["up"] and data.get("note"):
        state += f" — pid {data['pid']} holds the lock but does not answer"
    tasks = data["tasks"]
    fired = f", {tasks['fired']} fired (one-time, not marked done)" if tasks["fired"] else ""
    lines = [f"service:   {state}",
             f"tasks:     {tasks['active']} active, {tasks['paused']} paused, "
             f"{tasks['done']} done{fired}",
             f"next fire: {when(data['next_fire'], zone)}",
             f"last error: {shown(redact(data['last_error'] or '—'))}"]
    for node in data["nodes"]:  # every service on this database, this one included
        beat = "alive" if node["alive"] else "lease expired"
        lines.append(f"node:      {node['id']} on {shown(node['host'])} (pid {node['pid']}, {beat}, "
                     f"last heartbeat {node['last_heartbeat']}, holds {node['claimed']})")
    if not data["up"]:
        lines.append("start it with `taskd serve` (or `systemctl --user enable --now taskd`)")
    return [Plain(line) for line in lines]


def run_failure(data: Data) -> str | None:
    """The error line of a run that was not delivered (the CLI exits 1 with it); None if it was."""
    if data["state"] == "delivered":
        return None
    return f"run {data['run_id']} of #{data['task_id']} {data['state']}: {data['error']}"


def render_run(data: Data) -> list[Any]:
    return [Plain(f"fired #{data['task_id']} (run {data['run_id']}): delivered")]


def render_import(data: Data) -> list[Any]:
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(data["skipped"].items()))
    lines = [f"imported {data['added']} task(s) from a {data['format']} file"
             f"; {data['existing']} already here" + (f"; skipped {skipped}" if skipped else "")]
    if data["runs"] or data["events"] or data["preferences"]:
        lines.append(f"  and {data['runs']} run(s), {data['events']} event(s), "
                     f"{data['preferences']} preference(s)")
    lines += [f"  not translated: {item['title']!r} {item['field']}={item['value']!r}: {item['why']}"
              for item in data["untranslated"]]
    return [Plain(line) for line in lines]
