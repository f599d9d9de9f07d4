"""Human output: short, coloured, times in the task's own zone."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskd.resolve import upcoming
from taskd.resolve.words import describe_once, describe_rule
from taskd.resolve.zones import get_zone
from taskd.terminal import shown

if TYPE_CHECKING:
    from rich.console import Console

    from taskd.store.tables import Run, Task


def console() -> Console:
    from rich.console import Console

    class _SafeConsole(Console):
        """Text from the database may predate the cleaning at the boundary: no string printed
        may carry a terminal escape or a bidi override (markup is never made of them)."""

        def print(self, *objects: Any, **kwargs: Any) -> None:
            super().print(*(shown(o, block=True) if isinstance(o, str) else o for o in objects),
                          **kwargs)

    return _SafeConsole(highlight=False, soft_wrap=True)


def when(instant: datetime | None, zone_name: str) -> str:
    if instant is None:
        return "—"
    local = instant.astimezone(get_zone(zone_name))
    return f"{local:%a %d %b, %H:%M} {local.tzname()}"


def schedule_words(rrule: str | None, first: datetime, zone_name: str) -> str:
    if rrule:
        return describe_rule(rrule)
    return describe_once(first.astimezone(get_zone(zone_name)))


def task_next(task: Task, moment: datetime, count: int) -> list[datetime]:
    """The next fires as the engine will fire them: the first is the store's next_fire_at (kept
    true by taskd.store.repo through edits, snoozes and pauses), then the rule after it."""
    if task.status not in ("active", "paused") or task.next_fire_at is None:
        return []
    first = task.next_fire_at
    if not task.rrule or count <= 1:
        return [first]
    dtstart = datetime.fromisoformat(task.dtstart) if task.dtstart else None
    return [first, *upcoming(task.rrule, dtstart, task.tz, task.first_at, max(first, moment),
                             count - 1)]


def task_json(task: Task, moment: datetime, count: int = 3) -> dict[str, Any]:
    zone = get_zone(task.tz)
    return {
        "id": task.id,
        "title": task.title,
        "kind": task.kind,
        "message": task.message,
        "status": task.status,
        "tz": task.tz,
        "rrule": task.rrule,
        "schedule": schedule_words(task.rrule, task.first_at, task.tz),
        "next": [t.astimezone(zone).isoformat() for t in task_next(task, moment, count)],
        "paused_until": task.paused_until.astimezone(zone).isoformat() if task.paused_until else None,
        "source_text": task.source_text,
        "backend": task.backend,
        "created_at": task.created_at.isoformat(),
    }


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


def tasks_table(tasks: list[Task], moment: datetime) -> Any:
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("#", "title", "schedule", "next", "status"):
        table.add_column(name)
    for task in tasks:
        fires = task_next(task, moment, 1)
        status = task.status
        if task.status == "paused" and task.paused_until:
            status += f" until {when(task.paused_until, task.tz)}"
        style = {"paused": "yellow", "done": "dim"}.get(task.status, "")
        table.add_row(str(task.id), _escape(task.title),
                      schedule_words(task.rrule, task.first_at, task.tz),
                      when(fires[0] if fires else None, task.tz), status, style=style)
    return table


def run_json(run: Run) -> dict[str, Any]:
    return {
        "run_id": run.id,
        "task_id": run.task_id,
        "scheduled_for": run.scheduled_for.isoformat(),
        "fired_at": run.fired_at.isoformat() if run.fired_at else None,
        "state": run.state,
        "attempt": run.attempt,
        "late": run.late,
        "outcome": run.outcome,
        "output": run.output,
        "error": run.error,
        "agent": agent_json(run),
    }


def agent_json(run: Run) -> dict[str, Any] | None:
    """What an agent run sent the model and got back; None for runs that asked no model."""
    if run.model is None and run.prompt is None:
        return None
    return {"model": run.model, "prompt": run.prompt, "answer": run.answer, "notify": run.notify,
            "prompt_tokens": run.prompt_tokens, "completion_tokens": run.completion_tokens,
            "latency_ms": run.latency_ms}


def agent_cost(run: Run) -> str:
    """"812+64 tok, 5.2 s": an agent run's tokens (prompt+completion) and latency."""
    if run.latency_ms is None:
        return ""
    return f"{run.prompt_tokens or 0}+{run.completion_tokens or 0} tok, {run.latency_ms / 1000:.1f} s"


def agent_details(run: Run) -> str:
    """An agent run in full, for `history --verbose`: model, cost, verdict, prompt, answer."""
    verdict = {True: "notify", False: "no notify", None: "no verdict"}[run.notify]
    head = f"[bold]run {run.id}[/bold] · {_escape(run.model or '?')} · {agent_cost(run)} · {verdict}"
    return (f"\n{head}\n[dim]prompt:[/dim]\n{_escape(run.prompt or '', block=True)}\n"
            f"[dim]answer:[/dim]\n{_escape(run.answer or run.error or '', block=True)}")
