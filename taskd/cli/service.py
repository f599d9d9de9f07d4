"""serve, status, run: the service and talking to it.

Only `serve` imports APScheduler; `status` and `run` talk over the socket or read the database.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

import click

from taskd.cli.common import TASK_ID, clock, db, emit_json, json_option, load_settings
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
    from taskd.redact import RedactingFormatter
    from taskd.schedule.service import Service

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(
        "%(asctime)s taskd[%(process)d] %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler])
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
        from datetime import UTC, datetime

        from taskd.schedule.nodes import listing

        nodes = listing(handle, datetime.now(UTC))
    from taskd.resolve.zones import get_zone

    return {
        "tasks": {"active": counts.get("active", 0) - fired, "paused": counts.get("paused", 0),
                  "done": counts.get("done", 0), "fired": fired},
        "pending_runs": pending,
        "next_fire": nxt.astimezone(get_zone(settings.timezone)).isoformat() if nxt else None,
        "last_error": (f"run {failed.id} (task #{failed.task_id}): {failed.error}"
                       if failed else None),
        "nodes": nodes,
    }


@click.command()
@json_option
def status(as_json: bool) -> None:
    """Is the service up? Tasks, next fire, last error. Exit 0 either way."""
    from taskd.redact import redact
    from taskd.schedule.control import api_places, request
    from taskd.schedule.lock import holder
    from taskd.terminal import shown

    settings = load_settings()
    data: dict[str, Any] = {"up": False, "pid": None, "socket": str(settings.paths.socket),
                            "database": redact(settings.database_url)}
    try:
        answer = request(settings, {"cmd": "status"})
        data.update(up=True, service=answer, pid=answer.get("pid"))
    except Unreachable:
        pid = holder(settings)
        if pid:  # locked but not answering: starting, stopping or stuck
            data.update(pid=pid, note="the service holds the lock but does not answer")
    data.update(_offline_status(settings))
    data["api"] = api_places(settings, data.get("service"))
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
    from datetime import datetime

    from taskd.cli.render import when

    fired = f", {tasks['fired']} fired (one-time, not marked done)" if tasks["fired"] else ""
    click.echo(f"tasks:     {tasks['active']} active, {tasks['paused']} paused, "
               f"{tasks['done']} done{fired}")
    nxt = datetime.fromisoformat(data["next_fire"]) if data["next_fire"] else None
    click.echo(f"next fire: {when(nxt, settings.timezone)}")
    click.echo(f"last error: {shown(redact(data['last_error'] or '—'))}")
    for node in data["nodes"]:  # every service on this database, this one included
        beat = "alive" if node["alive"] else "lease expired"
        click.echo(f"node:      {node['id']} on {shown(node['host'])} (pid {node['pid']}, {beat}, "
                   f"last heartbeat {node['last_heartbeat']}, holds {node['claimed']})")
    if not data["up"]:
        click.echo("start it with `taskd serve` (or `systemctl --user enable --now taskd`)")


@click.command(name="run")
@click.argument("task_id", type=TASK_ID)
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

            engine = Engine(settings, clock(), workers=1)
            # This command reports the run's outcome itself: the engine's log line would repeat it.
            run_id = engine.fire_manual(task_id, log_failure=False)
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
