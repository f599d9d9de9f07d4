"""Human output: short, coloured, times in the task's own zone.

Every `render_*` function is a pure function of the plain data a `Core` method returns (the
object `--json` prints, after a JSON round trip) plus settings such as the zone, so the thin
client prints exactly what the in-process CLI prints. They return lines: a `str` is rich
markup, a `Plain` is echoed as it is, anything else is a rich renderable (a table); `emit`
prints them. Imports: the standard library, and rich inside functions.
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
    """Print what a renderer returned, on stdout."""
    import click

    out: Console | None = None
    for line in lines:
        if isinstance(line, Plain):
            click.echo(str(line))
        else:
            out = out or console()
            out.print(line)


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
    from rich.markup import escape

    return escape(shown(text, block=block))


def _notes(data: Data) -> list[Any]:
    return [f"  [dim]· {_escape(note)}[/dim]" for note in data.get("assumptions") or []]


def _first_next(data: Data) -> datetime | None:
    return at(data["next"][0]) if data["next"] else None


# add, parse, list, show, edit
def render_add(data: Data) -> list[Any]:
    if data.get("edited"):  # a change request: the task it changed
        return render_edit(data)
    lines: list[Any] = [added_line(data["title"] or "Reminder", data["schedule"],
                                   at(data["first"]), data["tz"], data["id"]), *_notes(data)]
    lines += [f"  [yellow]! {_escape(w)}[/yellow]" for w in data.get("warnings") or []]
    if key := data.get("saved_pref"):
        lines.append(f"  [dim]· saved as your {key.replace('_', ' ')} "
                     f"(`taskd prefs forget {key}` undoes it)[/dim]")
    return lines


def render_parse(data: Data) -> list[Any]:
    zone = data["tz"]
    lines: list[Any] = [
        added_line(data["title"] or "Reminder", data["schedule"], at(data["first"]), zone, None),
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
    zone = data["tz"]
    lines: list[Any] = [f"[bold]#{data['id']} {_escape(data['title'])}[/bold]  "
                        f"[dim]{data['status']}[/dim]", f"  {data['schedule']}  ({zone})"]
    if data["rrule"]:
        lines.append(f"  [dim]RRULE:{data['rrule']}[/dim]")
    lines.append(f"  kind: {data['kind']}   from: {_escape(data['source_text'])!s}")
    lines += [f"  → {when(iso, zone)}" for iso in data["next"]]
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


from taskd.cli.render_more import (  # noqa: E402  the rest of the renderers, re-exported
    agent_cost,
    render_history,
    render_import,
    render_run,
    render_status,
    run_failure,
)

__all__ = ["agent_cost", "render_history", "render_import", "render_run", "render_status",
           "run_failure"]
