"""After an agent run: its prompt, answer and cost on the run row, and what the user was told."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session

from taskd.fire.run import FireResult
from taskd.store import repo
from taskd.store.tables import Run


def finish(db: Session, results: Iterable[FireResult], now: datetime) -> None:
    """Runs the generic `claims.finish` has just recorded: add what only agent runs have."""
    for result in results:
        if result.interrupted and not result.ok:
            continue  # released for a re-fire; that one will be recorded
        run = db.get(Run, result.run_id)
        if run is None or run.finished_at != now:
            continue  # not finished by this call (it was not ours to finish)
        agent = result.agent
        if agent is not None:
            run.prompt = agent.prompt
            run.answer = agent.answer
            run.notify = agent.notify
            run.prompt_tokens = agent.prompt_tokens
            run.completion_tokens = agent.completion_tokens
            run.latency_ms = agent.latency_ms
            run.model = agent.model
        if result.state is not None:
            run.state = result.state
            run.outcome = result.outcome
            if result.state == "skipped":
                run.fired_at = None  # nothing ran
        db.add(run)
        for kind in result.notices:
            repo.record(db, kind, now, run.task_id, run_id=run.id)
