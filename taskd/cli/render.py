"""Human output: short, coloured, times in the task's own zone.

Every `render_*` function is a pure function of the plain data a `Core` method returns (the
object `--json` prints, after a JSON round trip) plus settings such as the zone, so the thin
client prints exactly what the in-process CLI prints. They return lines: a `str` is markup
(rich's syntax, printed by taskd.cli.markup), a `Plain` is echoed as it is, anything else is a
rich renderable (a table); `emit` prints them. Imports: the standard library, and rich inside
the functions that make tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from taskd.terminal import shown

if TYPE_CHECKING:
    from rich.console import Console

Data = dict[str, Any]


class Plain(str):
    """A line printed as it is (no rich markup), as the commands that used click.echo print."""


def console() -> Console:
    from rich.console import Console

    class _SafeConsole(Console):
        """Text from the database may predate the cleaning at the boundary: no string printed
        may carry a terminal escape or a bidi override (markup is never made of them)."""

        def print(self, *objects: Any, **kwargs: Any) -> None:
            super().print(*(shown(o, block=True) if isinstance(o, str) else o for o in objects),
                          **kwargs)

    return _SafeConsole(highlight=False, soft_wrap=True)


def emit(lines: list[Any]) -> None:
    """Print what a renderer returned, on stdout: markup lines without rich (taskd.cli.markup),
    rich only for a table."""
    import sys

    from taskd.cli.markup import render, styled

    out: Console | None = None
    ansi, colour = styled(sys.stdout)
    for line in lines:
        if isinstance(line, Plain):
            sys.stdout.write(f"{line}\n")
        elif isinstance(line, str):
            sys.stdout.write(render(shown(line, block=True), ansi=ansi, colour=colour) + "\n")
        else:
            sys.stdout.flush()
            out = out or console()
            out.print(line)
    sys.stdout.flush()


def at(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso) if iso else None


def when(instant: datetime | str | None, zone_name: str) -> str:
    if instant is None:
        return "—"
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant)
    local = instant.astimezone(ZoneInfo(zone_name))
    return f"{local:%a %d %b, %H:%M} {local.tzname()}"


def added_line(title: str, words: str, first: datetime | None, zone: str,
               task_id: int | None) -> str:
    ident = f" [dim]\\[#{task_id}][/dim]" if task_id is not None else " [dim](not saved)[/dim]"
    nxt = f" [cyan](next: {when(first, zone)})[/cyan]" if first else ""
    return f"[green]✓[/green] [bold]{_escape(title)}[/bold] — {words}{nxt}{ident}"


def _escape(text: str, *, block: bool = False) -> str:
    """Stored text as it may be printed: no terminal escapes, no line breaks unless `block`, and
    no rich markup (a title "[red]x" is shown as typed)."""
    from taskd.cli.markup import escape

    return escape(shown(text, block=block))


def _notes(data: Data) -> list[Any]:
    return [f"  [dim]· {_escape(note)}[/dim]" for note in data.get("assumptions") or []]


def _first_next(data: Data) -> datetime | None:
    return at(data["next"][0]) if data["next"] else None


# add, parse, list, show, edit
def render_add(data: Data) -> list[Any]:
    from taskd.learn.acting import schedule_with_quiet

    if data.get("edited"):  # a change request: the task it changed
        return render_edit(data)
    lines: list[Any] = [added_line(data["title"] or "Reminder", schedule_with_quiet(data),
                                   at(data["first"]), data["tz"], data["id"]), *_notes(data)]
    lines += [f"  [yellow]! {_escape(w)}[/yellow]" for w in data.get("warnings") or []]
    if key := data.get("saved_pref"):
        lines.append(f"  [dim]· saved as your {key.replace('_', ' ')} "
                     f"(`taskd prefs forget {key}` undoes it)[/dim]")
    return lines


def render_parse(data: Data) -> list[Any]:
    from taskd.learn.acting import schedule_with_quiet

    zone = data["tz"]
    lines: list[Any] = [
        added_line(data["title"] or "Reminder", schedule_with_quiet(data), at(data["first"]), zone,
                   None),
        f"  kind: {data['kind']}   zone: {zone}" + (f"   rrule: {data['rrule']}"
                                                    if data["rrule"] else "")]
    lines += [f"  → {when(iso, zone)}" for iso in data["next"]]
    return lines + _notes(data)


def render_list(rows: list[Data]) -> list[Any]:
    if not rows:
        return ['No tasks yet. Try: taskd add "remind me to stretch in 2 minutes"']
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("#", "title", "schedule", "next", "status"):
        table.add_column(name)
    for row in rows:
        status = row["status"]
        if status == "paused" and row["paused_until"]:
            status += f" until {when(row['paused_until'], row['tz'])}"
        style = {"paused": "yellow", "done": "dim"}.get(row["status"], "")
        table.add_row(str(row["id"]), _escape(row["title"]), row["schedule"],
                      when(_first_next(row), row["tz"]), status, style=style)
    return [table]


def render_show(data: Data) -> list[Any]:
    from taskd.learn.acting import delivery_lines

    zone = data["tz"]
    lines: list[Any] = [f"[bold]#{data['id']} {_escape(data['title'])}[/bold]  "
                        f"[dim]{data['status']}[/dim]", f"  {data['schedule']}  ({zone})"]
    if data["rrule"]:
        lines.append(f"  [dim]RRULE:{data['rrule']}[/dim]")
    lines.append(f"  kind: {data['kind']}   from: {_escape(data['source_text'])!s}")
    lines += [f"  → {when(iso, zone)}" for iso in data["next"]]
    lines += [f"  [dim]{_escape(line)}[/dim]" for line in delivery_lines(data)]
    lines += [f"  [dim]{when(run['scheduled_for'], zone)}  {run['state']}"
              f"{' (late)' if run['late'] else ''}[/dim]" for run in data["runs"]]
    return lines


def render_edit(data: Data) -> list[Any]:
    return [added_line(data["title"], data["schedule"], _first_next(data), data["tz"], data["id"])]


# pause, resume, rm, done, snooze
def render_pause(data: Data) -> list[Any]:
    until = data["paused_until"]
    tail = f" until {when(until, data['tz'])}" if until else ""
    return [f"[yellow]⏸[/yellow] paused #{data['id']} {_escape(data['title'])}{tail}"]


def render_resume(data: Data) -> list[Any]:
    return [f"[green]▶[/green] resumed #{data['id']} (next: {when(_first_next(data), data['tz'])})"]


def render_rm(data: Data) -> list[Any]:
    return [f"[red]✗[/red] removed #{data['id']} {_escape(data['title'])}"]


def _questions(data: Data) -> list[Any]:
    return [f"  [yellow]?[/yellow] {_escape(q)}" for q in data.get("questions") or []]


def render_done(data: Data) -> list[Any]:
    return [f"[green]✓[/green] done #{data['id']} {_escape(data['title'])}", *_questions(data)]


def render_snooze(data: Data) -> list[Any]:
    zone, length = data["tz"], data["snoozed_for"]
    why = (f"it had not fired yet: {length} after its planned {when(data['planned'], zone)}"
           if data.get("planned") else f"in {length}")
    return [f"[cyan]⏰[/cyan] snoozed #{data['id']} until {when(data['snoozed_until'], zone)} "
            f"({why})", *_questions(data)]


# prefs
def render_prefs(report: Data, zone: str) -> list[Any]:
    """`report`: {"prefs": rows, "questions": [...]}; `zone`: the user's, for `updated`."""
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("key", "value", "source", "evidence", "confidence", "updated", "why"):
        table.add_column(name, overflow="fold")
    for row in report["prefs"]:
        style = {"explicit": "green", "learned": "cyan"}.get(str(row["source"]), "dim")
        updated = row["updated_at"]
        table.add_row(str(row["key"]), str(row["value"] or "—"), str(row["source"]),
                      str(row["evidence"]),
                      "—" if row["confidence"] is None else f"{row['confidence']:.2f}",
                      when(str(updated), zone) if updated else "—",
                      _escape(str(row["why"])), style=style)
    return [table, *(f"[yellow]?[/yellow] {_escape(q)}" for q in report["questions"])]


def render_pref_set(data: Data) -> list[Any]:
    return [f"[green]✓[/green] {data['key']} = {data['value']} [dim](set by you)[/dim]"]


def render_pref_forget(data: Data) -> list[Any]:
    key = data["key"]
    return [f"[green]✓[/green] forgot {key}" if data["forgotten"]
            else f"nothing stored for {key}; the default applies"]


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
    if data.get("answer_links"):
        lines.append(f"answers:   {shown(data['answer_links']['note'])}")
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
