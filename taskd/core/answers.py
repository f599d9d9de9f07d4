"""Answering a delivery through one of its signed links (taskd.deliver.actions): Done, Snooze by
the learned default, Snooze 1 h. One operation for every way an answer arrives: the API's POST
(webhook, ntfy, e-mail links) and a desktop notification's button.

An answer *is* `taskd done N --via CHANNEL` / `taskd snooze N [1h] --via CHANNEL` (the core's own
lifecycle operations, so the learner gets the same signal: done with its delay after the fire,
snooze with its length, `chosen` False for the default so that it does not teach itself). The
run's answer row and the change commit together: a refused change leaves the link usable, and
two clicks at once answer once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskd.core import Core
from taskd.deliver.actions import ACTIONS, ActionLink, BadLink, load_key, verify
from taskd.errors import NotFound

if TYPE_CHECKING:
    from sqlmodel import Session

    from taskd.settings import Settings
    from taskd.store.tables import Run, Task

_VIA = re.compile(r"[A-Za-z0-9_.-]{1,40}")
LABELS = {"done": "Done", "snooze": "Snooze {default}", "snooze_1h": "Snooze 1 h"}


class _Within(Core):
    """The core inside one open transaction: its operations write there, and the caller commits
    (and calls on_change) once, with the answer's own row."""

    def __init__(self, core: Core, handle: Session) -> None:
        super().__init__(core.settings, core.clock)
        self._handle = handle

    @contextmanager
    def db(self, *, write: bool = False) -> Iterator[Session]:
        yield self._handle

    def changed(self) -> None:
        pass


def _int(value: Any, name: str) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise BadLink(f"{name} must be a whole number", status=400, code="bad_input") from None
    if not 0 <= number < 2**53:
        raise BadLink(f"{name} is out of range", status=400, code="bad_input")
    return number


def _checked(core: Core, run_id: Any, action: Any, exp: Any, sig: Any,
             via: Any) -> tuple[int, str, str]:
    run, expiry = _int(run_id, "run id"), _int(exp, "exp")
    if not isinstance(via, str) or not _VIA.fullmatch(via):
        raise BadLink("via must be a channel name", status=400, code="bad_input")
    if not isinstance(action, str) or action not in ACTIONS:
        raise BadLink(f"action must be one of {', '.join(ACTIONS)}", status=400, code="bad_input")
    verify(load_key(core.settings), run, action, via, expiry, str(sig or ""), core.now())
    return run, action, via


def _run_and_task(db: Session, run_id: int) -> tuple[Run, Task]:
    from taskd.store import repo
    from taskd.store.tables import Run

    run = db.get(Run, run_id)
    if run is None:
        raise NotFound(f"no run {run_id}")
    return run, repo.get(db, run.task_id)


def _used(db: Session, run_id: int) -> dict[str, Any] | None:
    from taskd.store.action_tables import ActionAnswer

    row = db.get(ActionAnswer, run_id)
    if row is None:
        return None
    return {"action": row.action, "via": row.via, "at": row.at.isoformat()}


def _still_current(db: Session, run: Run, task: Task, action: str) -> None:
    """An answer speaks for the task's latest reminder: yesterday's Done clicked after today's
    fired would finish today's unseen, and teach a delay that never happened."""
    from sqlmodel import col, select

    from taskd.store.tables import Run as Runs

    if action == "done" and task.status == "done":
        raise BadLink(f"task #{task.id} is already done", status=409, code="conflict")
    if run.fired_at is None:
        return
    newer = db.exec(select(Runs.id).where(Runs.task_id == task.id, Runs.id != run.id,
                                          col(Runs.fired_at) > run.fired_at)).first()
    if newer is not None:
        raise BadLink("a later reminder of this task has come since; answer that one",
                      status=409, code="conflict")


def check(core: Core, run_id: Any, action: Any, exp: Any, sig: Any, via: Any) -> dict[str, Any]:
    """What a link would do, changing nothing (the page a GET shows)."""
    from taskd.learn.prefs import current

    run, action, via = _checked(core, run_id, action, exp, sig, via)
    with core.db() as db:
        found, task = _run_and_task(db, run)
        answered = _used(db, run)
        default = current(db, "snooze") or "10m"
    return {"run_id": run, "task_id": task.id, "title": task.title, "action": action,
            "label": LABELS[action].format(default=default), "via": via, "answered": answered,
            "scheduled_for": found.scheduled_for.isoformat()}


def act(core: Core, run_id: Any, action: Any, exp: Any, sig: Any, via: Any) -> dict[str, Any]:
    """Apply the answer once: the object `done --json` / `snooze --json` prints, plus `answered`,
    `run_id` and `via`. BadLink: 400 bad, 403 forged, 410 expired, 409 used; NotFound: 404."""
    from sqlalchemy.exc import IntegrityError

    from taskd.core import lifecycle
    from taskd.store.action_tables import ActionAnswer

    run, action, via = _checked(core, run_id, action, exp, sig, via)
    try:
        with core.db(write=True) as db:
            found, task = _run_and_task(db, run)
            if (used := _used(db, run)) is not None:
                raise BadLink(f"this reminder was already answered ({used['action']} via "
                              f"{used['via']} at {used['at']})", status=409, code="conflict")
            _still_current(db, found, task, action)
            db.add(ActionAnswer(run_id=run, action=action, via=via, sig=str(sig), at=core.now()))
            db.flush()  # a concurrent answer to the same run fails here, before any change
            within = _Within(core, db)
            assert task.id is not None
            if action == "done":
                data = lifecycle.done(within, task.id, via=via)
            else:  # the default snooze is not "chosen": learning from it would confirm itself
                duration = "1h" if action == "snooze_1h" else None
                data = lifecycle.snooze(within, task.id, duration=duration, via=via)
    except IntegrityError as exc:
        raise BadLink("this reminder was already answered", status=409, code="conflict") from exc
    core.changed()
    return {"answered": action, "run_id": run, "via": via, **data}


def answer_locally(settings: Settings, link: ActionLink,
                   now: Callable[[], datetime] | None = None) -> dict[str, Any]:
    """A desktop button: the same operation, then a poke so the service re-plans at once.
    `now`: the service's clock (the engine's, so tests that move time move this too)."""
    from taskd.clock import SystemClock

    class _Clock(SystemClock):
        def now(self) -> datetime:
            return now() if now is not None else super().now()

    def poke() -> None:
        from taskd.schedule.control import poke as send

        send(settings)

    core = Core(settings, _Clock(), on_change=poke)
    return act(core, link.run_id, link.action, link.exp, link.sig, link.via)
