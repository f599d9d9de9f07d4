"""status and run: what the database says about the service's work, and firing a task now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskd.clock import Clock
    from taskd.core import Core
    from taskd.settings import Settings


def status(core: Core) -> dict[str, Any]:
    """The offline part of `status --json`: what the database alone can tell, whether or not the
    service runs. The face that can reach the service merges in `up`, `pid`, `service`."""
    from datetime import UTC, datetime

    from sqlalchemy import func
    from sqlmodel import col, select

    from taskd.deliver.actions import status as answer_links
    from taskd.redact import redact
    from taskd.resolve.zones import get_zone
    from taskd.schedule.nodes import listing
    from taskd.store.tables import Run, Task

    settings = core.settings
    with core.db() as handle:
        counts = dict(handle.exec(select(Task.status, func.count()).group_by(Task.status)).all())
        # A one-time task that fired stays "active" until `done`, but nothing is left to fire.
        fired = handle.exec(select(func.count()).select_from(Task).where(
            Task.status == "active", col(Task.next_fire_at).is_(None))).one()
        # The same next fire that list and show print (paused tasks: after the pause).
        nxt = handle.exec(select(func.min(Task.next_fire_at))
                          .where(col(Task.status).in_(("active", "paused")))).first()
        failed = handle.exec(select(Run).where(Run.state == "failed")
                             .order_by(col(Run.finished_at).desc())).first()
        pending = handle.exec(select(func.count()).select_from(Run)
                              .where(Run.state == "pending")).one()
        # Leases are written by service processes on the real clock, so they are judged on it.
        nodes = listing(handle, datetime.now(UTC))
    return {
        "socket": str(settings.paths.socket),
        "database": redact(settings.database_url),
        "tasks": {"active": counts.get("active", 0) - fired, "paused": counts.get("paused", 0),
                  "done": counts.get("done", 0), "fired": fired},
        "pending_runs": pending,
        "next_fire": nxt.astimezone(get_zone(settings.timezone)).isoformat() if nxt else None,
        "last_error": (f"run {failed.id} (task #{failed.task_id}): {failed.error}"
                       if failed else None),
        "nodes": nodes,
        "answer_links": answer_links(settings),  # do webhook/e-mail carry Done/Snooze links?
    }


def fire_here(settings: Settings, clock: Clock, task_id: int) -> int:
    """Fire in this process: no service runs, so hold its lock (one cannot start mid-run)."""
    from taskd.errors import Unreachable
    from taskd.schedule.engine import Engine
    from taskd.schedule.lock import AlreadyRunning, ServiceLock

    lock = ServiceLock(settings)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        raise Unreachable(f"the service (pid {exc.pid}) holds the database but does not "
                          "answer on its socket") from exc
    try:
        engine = Engine(settings, clock, workers=1)
        # The caller reports the run's outcome itself: the engine's log line would repeat it.
        return engine.fire_manual(task_id, log_failure=False)
    finally:
        lock.release()


def fire_anywhere(settings: Settings, clock: Clock | None, task_id: int) -> int:
    """`run` as the CLI and MCP faces do it: through the service when it is up (it owns the
    engine and holds the lock), else in this process on `clock` (None: the system clock). A
    refusal from the service becomes a TaskdError with the exit code it sent."""
    from taskd.errors import TaskdError, Unreachable
    from taskd.schedule.control import request

    try:
        answer = request(settings, {"cmd": "run", "task_id": task_id}, timeout=300)
    except Unreachable:
        if clock is None:
            from taskd.clock import SystemClock

            clock = SystemClock()
        return fire_here(settings, clock, task_id)
    if not answer.get("ok"):
        error = TaskdError(str(answer.get("error")))
        error.exit_code = int(answer.get("exit_code", 1))
        raise error
    return int(answer["run_id"])


def run(core: Core, task_id: int) -> dict[str, Any]:
    """Fire a task now (through `core.fire`, else in this process); the run object. A run that
    failed is returned too (its `state` and `error` say so), not raised."""
    from taskd.core.views import checked_id, run_json
    from taskd.store.tables import Run

    task_id = checked_id(task_id)
    run_id = (core.fire(task_id) if core.fire is not None
              else fire_here(core.settings, core.clock, task_id))
    with core.db() as handle:
        row = handle.get(Run, run_id)
        assert row is not None
        return run_json(row)
