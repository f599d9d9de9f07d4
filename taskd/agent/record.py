"""After an agent run: its prompt, answer and cost on the run row, its tool calls and receipt,
and what the user was told."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from taskd.fire.run import FireResult
from taskd.store import repo
from taskd.store.receipt_tables import Receipt, ToolCallRow
from taskd.store.tables import Run

if TYPE_CHECKING:
    from taskd.agent.runner import AgentRun


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
            _receipt(db, run.id, agent, now)
        if agent is not None and agent.prompt:  # asked the model (else its budget is untouched)
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


def _receipt(db: Session, run_id: int | None, agent: AgentRun, now: datetime) -> None:
    assert run_id is not None
    for seq, call in enumerate(agent.calls.items, 1):
        db.add(ToolCallRow(run_id=run_id, seq=seq, tool=call.tool, source=call.source,
                           arguments_json=json.dumps(call.arguments, ensure_ascii=False),
                           result=call.result, result_chars=call.result_chars, ms=call.ms,
                           error=call.error, at=now))
    if agent.requests or agent.calls.items or agent.needs:
        reason = agent.unchecked or agent.asleep or "; ".join(agent.problems) or None
        db.add(Receipt(run_id=run_id, grounded=agent.grounded,
                       needs_json=json.dumps([n.kind for n in agent.needs]),
                       sources_json=json.dumps(agent.calls.sources()), reason=reason))
