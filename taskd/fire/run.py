"""Fire one claimed run: build its message, hand it to each channel, report what happened.

No database access here: the engine claims before calling and records after, so a crash in the
middle leaves a claimed row that recovery re-fires (at least once; receivers dedup by run id).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from taskd.deliver.base import Channel
from taskd.deliver.registry import BrokenChannel, routes_for
from taskd.deliver.retry import Attempt, send_with_retries
from taskd.fire.agent import AgentContext, prepare
from taskd.fire.message import Message
from taskd.resolve.zones import get_zone

if TYPE_CHECKING:
    from taskd.agent.runner import AgentRun
    from taskd.learn.channel import ChannelPref
    from taskd.settings import Settings
    from taskd.store.tables import Run, Task


@dataclass
class FireResult:
    run_id: int
    ok: bool
    fired_at: datetime
    error: str | None = None
    output: str | None = None
    attempts: list[Attempt] = field(default_factory=list)
    interrupted: bool = False  # stopped (SIGTERM) before every channel was done: release the run
    state: str | None = None  # agent runs: "quiet" or "skipped" instead of delivered/failed
    outcome: str | None = None
    agent: AgentRun | None = None  # agent runs: what was asked and answered, at what cost
    notices: tuple[str, ...] = ()  # agent runs: event kinds to record (the user was told)


def build_message(task: Task, run: Run, fired_at: datetime, body: str | None = None) -> Message:
    assert run.id is not None and task.id is not None
    zone = get_zone(task.tz)
    return Message(run_id=run.id, task_id=task.id, title=task.title,
                   message=body or task.message or task.title,
                   scheduled_for=run.scheduled_for.astimezone(zone),
                   fired_at=fired_at.astimezone(zone), late=run.late, kind=task.kind,
                   origin=run.origin, tz=task.tz, attempt=run.attempt)


def fire_run(task: Task, run: Run, settings: Settings, channels: Mapping[str, Channel],
             now: Callable[[], datetime], *, stop: threading.Event | None = None,
             already_ok: frozenset[str] = frozenset(),
             agent: AgentContext | None = None,
             channel_pref: ChannelPref | None = None) -> FireResult:
    """Deliver `run` to the task's channels, skipping channels that already took it (a re-fire
    after a crash should not e-mail twice when the e-mail had gone out). An agent task asks the
    model first (`agent`: what the store knew before the run). `channel_pref`: the channel
    preference row (taskd.learn.acting), for a task that names no channel."""
    assert run.id is not None
    fired_at = now()
    body: str | None = None
    step_error: str | None = None
    result = FireResult(run.id, True, fired_at)
    if task.kind == "agent":
        step = prepare(task, settings, agent or AgentContext(), now)
        result.state, result.outcome, result.agent = step.state, step.outcome, step.agent
        result.output, result.notices, step_error = step.output, step.notices, step.error
        if step.body is None:
            result.ok, result.error = step_error is None, step_error
            return result
        body = step.body
    message = build_message(task, run, fired_at, body)
    from taskd.deliver.actions import for_channels

    copy_for = for_channels(message, settings, now)  # each channel's own answer links
    errors: list[str] = [step_error] if step_error else []
    plan = routes_for(task, settings, channels, channel_pref)
    shown, first_errors = False, len(errors)
    for name in (*plan.names, *plan.fallback):
        if name in plan.fallback and shown:
            break  # the preferred channel showed it: the defaults behind it stay quiet
        if name in already_ok:
            shown = True
            continue
        channel = channels.get(name) or BrokenChannel(name, f"no channel named {name!r} in config")
        ok, attempts, interrupted = send_with_retries(channel, copy_for(name), now, stop)
        result.attempts.extend(attempts)
        if interrupted:
            result.interrupted = True
        if not ok:
            errors.append(f"{name}: {attempts[-1].detail}")
        elif not attempts[-1].detail.startswith("skipped"):
            shown = True
    if plan.fallback and shown and not result.interrupted:
        del errors[first_errors:]  # a default channel delivered what the preferred one could not
    if errors:
        result.ok = False
        result.error = "; ".join(errors)
    return result
