"""history: runs, with when they were scheduled and fired, their deliveries and tool calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskd.core import Core


def history(core: Core, task_id: int | None = None, *, limit: int = 50) -> list[dict[str, Any]]:
    """Newest first. Each run (`run_json`) with its task's `title` and `tz`, its delivery
    attempts and, for agent runs, the `receipt` of its tool calls."""
    from taskd.agent import receipts
    from taskd.core.views import checked_id, run_json
    from taskd.errors import BadInput
    from taskd.store import repo

    if not 1 <= limit <= 10_000:
        raise BadInput(f"limit {limit}: give 1 to 10000")
    with core.db() as handle:
        if task_id is not None:
            task_id = checked_id(task_id)
            if handle.get(repo.Task, task_id) is None:
                repo.get(handle, task_id)  # raises "no task #N"; a removed task's runs stay visible
        runs = list(repo.runs_for(handle, task_id, limit=limit))
        tasks = {r.task_id: t for r in runs if (t := handle.get(repo.Task, r.task_id))}
        ids = [r.id for r in runs if r.id is not None]
        attempts = repo.deliveries_for(handle, ids)
        receipt = receipts.load(handle, ids)
        rows = []
        for run in runs:
            task = tasks.get(run.task_id)
            entry = receipt.get(run.id or 0)
            shown = receipts.as_json(entry)
            if shown is not None and entry is not None:
                shown["recorded"] = entry[0] is not None  # a receipt, or only tool calls
            rows.append(run_json(run) | {
                "title": task.title if task else None,
                "deliveries": [{"channel": d.channel, "attempt": d.attempt, "at": d.at.isoformat(),
                                "ok": d.ok, "detail": d.detail}
                               for d in attempts.get(run.id or 0, [])],
                "receipt": shown,
                "tz": task.tz if task else None})
    return rows
