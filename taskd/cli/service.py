"""serve, status, run: the service and talking to it.

Only `serve` imports APScheduler; `status` and `run` talk over the socket or read the database.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

import click

from taskd.cli import render
from taskd.cli.common import TASK_ID, clock, emit, json_option, load_settings, make_core
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


def live_status(settings: Settings) -> dict[str, Any]:
    """What only the service can tell: is it up (its own status answer), or who holds its lock."""
    from taskd.schedule.control import request
    from taskd.schedule.lock import holder

    data: dict[str, Any] = {"up": False, "pid": None}
    try:
        answer = request(settings, {"cmd": "status"})
        data.update(up=True, service=answer, pid=answer.get("pid"))
    except Unreachable:
        pid = holder(settings)
        if pid:  # locked but not answering: starting, stopping or stuck
            data.update(pid=pid, note="the service holds the lock but does not answer")
    return data


@click.command()
@json_option
def status(as_json: bool) -> None:
    """Is the service up? Tasks, next fire, last error. Exit 0 either way."""
    settings = load_settings()
    live = live_status(settings)
    offline = make_core(settings).status()
    data: dict[str, Any] = {"up": live.pop("up"), "pid": live.pop("pid"),
                            "socket": offline.pop("socket"), "database": offline.pop("database"),
                            **live, **offline}
    from taskd.schedule.control import api_places

    data["api"] = api_places(settings, data.get("service"))
    if data["up"] and data["service"].get("last_error"):
        data["last_error"] = data["service"]["last_error"]
    emit(data, as_json, lambda d: render.render_status(d, settings.timezone))


def _fire(settings: Settings, task_id: int) -> int:
    """Through the service when it is up, else in this process on this command's clock."""
    from taskd.core.service import fire_anywhere  # here: `run` through a thin client never needs it

    return fire_anywhere(settings, clock(), task_id)


@click.command(name="run")
@click.argument("task_id", type=TASK_ID)
@json_option
def run_(task_id: int, as_json: bool) -> None:
    """Fire a task now (through the service when it is up, else directly)."""
    settings = load_settings()
    core = make_core(settings, fire=lambda tid: _fire(settings, tid))
    if as_json:  # fired here, the console channel prints the reminder: not into the JSON document
        import contextlib
        import sys

        with contextlib.redirect_stdout(sys.stderr):
            data = core.run(task_id)
    else:
        data = core.run(task_id)
    if not as_json and (failure := render.run_failure(data)):
        raise TaskdError(failure)
    emit(data, as_json, render.render_run)


COMMANDS = [serve, status, run_]
