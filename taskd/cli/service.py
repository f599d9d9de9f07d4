"""serve, status, run: the service and talking to it.

Only `serve` imports APScheduler; `status` and `run` talk over the socket or read the database.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

import click

from taskd.cli.common import db, emit_json, json_option, load_settings
from taskd.errors import TaskdError, Unreachable

if TYPE_CHECKING:
    from taskd.settings import Settings


@click.command()
@click.option("-v", "--verbose", is_flag=True, help="Log every wake-up (debug level).")
def serve(verbose: bool) -> None:
    """Run the service in the foreground (systemd runs this). Logs go to stderr.

    \b
    SQLite: one service per database file (a second exits with "already running").
    PostgreSQL: one per TASKD_HOME, any number per database (each run fires once).
    SIGTERM: finish or release in-flight runs, then exit. SIGHUP: reload config.toml.
    """
    from taskd.schedule.service import Service

    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s taskd[%(process)d] %(levelname)s %(name)s: %(message)s")
    # APScheduler logs each job run at INFO and a skipped overlapping poll as a warning; the
    # service reports what matters itself.
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if verbose else logging.ERROR)
    Service(load_settings()).run()


def _offline_status(settings: Settings) -> dict[str, Any]:
    """What the database alone can tell: works whether or not the service runs."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from taskd.store.tables import Run, Task

    with db(settings) as handle:
        counts = dict(handle.exec(select(Task.status, func.count()).group_by(Task.status)).all())
        nxt = handle.exec(select(func.min(Run.scheduled_for)).join(Task, col(Task.id) == Run.task_id)
                          .where(Run.state == "pending", Task.status == "active")).first()
        failed = handle.exec(select(Run).where(Run.state == "failed")
                             .order_by(col(Run.finished_at).desc())).first()
        pending = handle.exec(select(func.count()).select_from(Run)
                              .where(Run.state == "pending")).one()
        from datetime import UTC, datetime

        from taskd.schedule.nodes import listing

        nodes = listing(handle, datetime.now(UTC))
    return {
        "tasks": {k: counts.get(k, 0) for k in ("active", "paused", "done")},
        "pending_runs": pending,
        "next_fire": nxt.isoformat() if nxt else None,
        "last_error": (f"run {failed.id} (task #{failed.task_id}): {failed.error}"
                       if failed else None),
        "nodes": nodes,
    }


@click.command()
@json_option
def status(as_json: bool) -> None:
    """Is the service up? Tasks, next fire, last error. Exit 0 either way."""
    from taskd.schedule.control import request
    from taskd.schedule.lock import holder

    settings = load_settings()
    data: dict[str, Any] = {"up": False, "pid": None, "socket": str(settings.paths.socket),
                            "database": settings.database_url}
    try:
        answer = request(settings, {"cmd": "status"})
        data.update(up=True, service=answer, pid=answer.get("pid"))
    except Unreachable:
        pid = holder(settings)
        if pid:  # locked but not answering: starting, stopping or stuck
            data.update(pid=pid, note="the service holds the lock but does not answer")
    data.update(_offline_status(settings))
    if data["up"] and data["service"].get("last_error"):
        data["last_error"] = data["service"]["last_error"]
    if as_json:
        emit_json(data)
        return
    state = f"up (pid {data['pid']})" if data["up"] else "not running"
    if not data["up"] and data.get("note"):
        state += f" — pid {data['pid']} holds the lock but does not answer"
    tasks = data["tasks"]
    click.echo(f"service:   {state}")
    click.echo(f"tasks:     {tasks['active']} active, {tasks['paused']} paused, {tasks['done']} done")
    click.echo(f"next fire: {data['next_fire'] or '—'}")
    click.echo(f"last error: {data['last_error'] or '—'}")
    for node in data["nodes"]:  # every service on this database, this one included
        beat = "alive" if node["alive"] else "lease expired"
        click.echo(f"node:      {node['id']} on {node['host']} (pid {node['pid']}, {beat}, "
                   f"last heartbeat {node['last_heartbeat']}, holds {node['claimed']})")
    if not data["up"]:
        click.echo("start it with `taskd serve` (or `systemctl --user enable --now taskd`)")


@click.command(name="run")
@click.argument("task_id", type=int)
@json_option
def run_(task_id: int, as_json: bool) -> None:
    """Fire a task now (through the service when it is up, else directly)."""
    from taskd.schedule.control import request
    from taskd.schedule.lock import AlreadyRunning, ServiceLock

    settings = load_settings()
    try:
        answer = request(settings, {"cmd": "run", "task_id": task_id}, timeout=300)
    except Unreachable:
        answer = None
    if answer is not None and not answer.get("ok"):
        error = TaskdError(str(answer.get("error")))
        error.exit_code = int(answer.get("exit_code", 1))
        raise error
    if answer is None:
        lock = ServiceLock(settings)
        try:
            lock.acquire()  # no service: hold its lock so one cannot start mid-run
        except AlreadyRunning as exc:
            raise Unreachable(f"the service (pid {exc.pid}) holds the database but does not "
                              "answer on its socket") from exc
        try:
            from taskd.schedule.engine import Engine

            engine = Engine(settings, workers=1)
            run_id = engine.fire_manual(task_id)
        finally:
            lock.release()
    else:
        run_id = int(answer["run_id"])
    from taskd.cli import render
    from taskd.store.tables import Run

    with db(settings) as handle:
        run = handle.get(Run, run_id)
        assert run is not None
        data = render.run_json(run)
    if as_json:
        emit_json(data)
    elif data["state"] == "delivered":
        click.echo(f"fired #{task_id} (run {run_id}): delivered")
    else:
        raise TaskdError(f"run {run_id} of #{task_id} {data['state']}: {data['error']}")


COMMANDS = [serve, status, run_]
