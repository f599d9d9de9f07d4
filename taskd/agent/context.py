"""Before an agent run: its earlier outputs, today's budget use, whether the user was told.

"Today" is the user's day (config timezone), from local midnight: budgets reset when the user's
day does, not at midnight UTC.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from taskd.agent.config import AgentConfig
from taskd.agent.prompt import Earlier
from taskd.fire.agent import BUDGET_NOTICE, FAILURE_NOTICE, UNCHECKED_NOTICE, AgentContext
from taskd.resolve.zones import get_zone, localize, wall
from taskd.store.tables import Event, Run, Task

WORKED = ("delivered", "quiet")


def day_start(now: datetime, tz: str) -> datetime:
    zone = get_zone(tz)
    return localize(datetime.combine(wall(now, zone).date(), time()), zone)


def _usage(db: Session, since: datetime, task_id: int | None) -> tuple[int, int]:
    """(model-asking runs, prompt + completion tokens) since `since`, for one task or all."""
    query = select(func.count(col(Run.id)),
                   func.coalesce(func.sum(func.coalesce(Run.prompt_tokens, 0)
                                          + func.coalesce(Run.completion_tokens, 0)), 0)
                   ).where(col(Run.latency_ms).is_not(None), col(Run.fired_at) >= since)
    if task_id is not None:
        query = query.where(Run.task_id == task_id)
    runs, tokens = db.exec(query).one()
    return int(runs), int(tokens)


def blocked(db: Session, task: Task, config: AgentConfig, since: datetime) -> str | None:
    """The used-up budget, in words; None when this run may ask the model."""
    runs, tokens = _usage(db, since, task.id)
    if runs >= config.task_runs_per_day:
        return f"this task's daily limit of {config.task_runs_per_day} runs is reached"
    if tokens >= config.task_tokens_per_day:
        return (f"this task used {tokens} of its {config.task_tokens_per_day} tokens for today "
                "([agent] task_tokens_per_day)")
    _, total = _usage(db, since, None)
    if total >= config.tokens_per_day:
        return (f"agent tasks used {total} of the {config.tokens_per_day} tokens allowed per day "
                "([agent] tokens_per_day)")
    return None


def _told_since(db: Session, task_id: int, kind: str, since: datetime | None) -> bool:
    query = select(Event.id).where(Event.task_id == task_id, Event.kind == kind)
    if since is not None:
        query = query.where(col(Event.at) >= since)
    return db.exec(query.limit(1)).first() is not None


def earlier(db: Session, task_id: int, count: int) -> tuple[Earlier, ...]:
    if count <= 0:
        return ()
    rows = db.exec(select(Run).where(Run.task_id == task_id, col(Run.state).in_(WORKED),
                                     col(Run.output).is_not(None), col(Run.fired_at).is_not(None))
                   .order_by(col(Run.fired_at).desc()).limit(count)).all()
    return tuple(Earlier(r.fired_at, r.output or "") for r in reversed(rows) if r.fired_at)


def load(db: Session, task: Task, config: AgentConfig, now: datetime, user_tz: str) -> AgentContext:
    assert task.id is not None
    since = day_start(now, user_tz)
    last_worked = db.exec(select(func.max(Run.fired_at)).where(
        Run.task_id == task.id, col(Run.state).in_(WORKED), col(Run.latency_ms).is_not(None))).one()
    # A notice at the same instant as the success still counts as "since": strictly after.
    failure_since = last_worked + timedelta(microseconds=1) if last_worked else None
    return AgentContext(
        earlier=earlier(db, task.id, config.history),
        blocked=blocked(db, task, config, since),
        tell_blocked=not _told_since(db, task.id, BUDGET_NOTICE, since),
        tell_failure=not _told_since(db, task.id, FAILURE_NOTICE, failure_since),
        tell_unchecked=not _told_since(db, task.id, UNCHECKED_NOTICE, failure_since),
    )
