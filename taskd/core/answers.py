"""Answering a delivery through one of its signed links (taskd.deliver.actions): Done, Snooze by
the learned default, Snooze 1 h. One operation for every way an answer arrives: the API's POST
(webhook, ntfy, e-mail links) and a desktop notification's button.

An answer is the learning signal the CLI's `done --via` / `snooze --via` record: done with its
delay after the fire, snooze with its length (`chosen` False for the default, which must not
teach itself), and the channel as `via`. The run's answer row and the change are one
transaction: a failed change leaves the link usable, and two clicks at once answer once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from taskd.deliver.actions import ACTIONS, ONE_HOUR, ActionLink, BadLink, load_key, verify
from taskd.errors import NotFound

if TYPE_CHECKING:
    from sqlmodel import Session

    from taskd.clock import Clock
    from taskd.settings import Settings
    from taskd.store.tables import Run, Task

_VIA = re.compile(r"[A-Za-z0-9_.-]{1,40}")


def _int(value: Any, name: str) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise BadLink(f"{name} must be a whole number", status=400, code="bad_input") from None
    if not 0 <= number < 2**53:
        raise BadLink(f"{name} is out of range", status=400, code="bad_input")
    return number


class Answers:
    def __init__(self, settings: Settings, clock: Clock,
                 on_change: Callable[[], None] | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.on_change = on_change

    def _checked(self, run_id: Any, action: Any, exp: Any, sig: Any, via: Any) -> tuple[int, str, str]:
        run, expiry = _int(run_id, "run id"), _int(exp, "exp")
        if not isinstance(via, str) or not _VIA.fullmatch(via):
            raise BadLink("via must be a channel name", status=400, code="bad_input")
        if not isinstance(action, str) or action not in ACTIONS:
            raise BadLink(f"action must be one of {', '.join(ACTIONS)}", status=400, code="bad_input")
        verify(load_key(self.settings), run, action, via, expiry, str(sig or ""), self.clock.now())
        return run, action, via

    @staticmethod
    def _run_and_task(db: Session, run_id: int) -> tuple[Run, Task]:
        from taskd.store import repo
        from taskd.store.tables import Run

        run = db.get(Run, run_id)
        if run is None:
            raise NotFound(f"no run {run_id}")
        return run, repo.get(db, run.task_id)

    @staticmethod
    def _used(db: Session, run_id: int) -> dict[str, Any] | None:
        from taskd.store.action_tables import ActionAnswer

        row = db.get(ActionAnswer, run_id)
        if row is None:
            return None
        return {"action": row.action, "via": row.via, "at": row.at.isoformat()}

    @staticmethod
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

    def check(self, run_id: Any, action: Any, exp: Any, sig: Any, via: Any) -> dict[str, Any]:
        """What a link would do, changing nothing (the page a GET shows)."""
        from taskd.learn.prefs import current
        from taskd.store.db import session

        run, action, via = self._checked(run_id, action, exp, sig, via)
        with session(self.settings.database_url) as db:
            found, task = self._run_and_task(db, run)
            answered = self._used(db, run)
            default = current(db, "snooze") or "10m"
        label = {"done": "Done", "snooze": f"Snooze {default}",
                 "snooze_1h": "Snooze 1 h"}[action]
        return {"run_id": run, "task_id": task.id, "title": task.title, "action": action,
                "label": label, "via": via, "answered": answered,
                "scheduled_for": found.scheduled_for.isoformat()}

    def act(self, run_id: Any, action: Any, exp: Any, sig: Any, via: Any) -> dict[str, Any]:
        """Apply the answer once. BadLink (403 forged, 410 expired, 409 used), NotFound (404)."""
        from sqlalchemy.exc import IntegrityError

        from taskd.cli.render import task_json
        from taskd.learn.learner import refresh
        from taskd.learn.prefs import current
        from taskd.resolve.durations import parse_duration
        from taskd.store import repo
        from taskd.store.action_tables import ActionAnswer
        from taskd.store.db import session

        run, action, via = self._checked(run_id, action, exp, sig, via)
        moment = self.clock.now()
        extra: dict[str, Any] = {}
        try:
            with session(self.settings.database_url, write=True) as db:
                found, task = self._run_and_task(db, run)
                if (used := self._used(db, run)) is not None:
                    raise BadLink(f"this reminder was already answered ({used['action']} via "
                                  f"{used['via']} at {used['at']})", status=409, code="conflict")
                self._still_current(db, found, task, action)
                db.add(ActionAnswer(run_id=run, action=action, via=via, sig=str(sig), at=moment))
                db.flush()  # a concurrent answer to the same run fails here, before any change
                if action == "done":
                    repo.mark_done(db, task, moment, via=via)
                else:
                    chosen = action == "snooze_1h"
                    delta: timedelta = ONE_HOUR if chosen else \
                        parse_duration(current(db, "snooze") or "10m")
                    done = repo.snooze(db, task, moment, delta, chosen=chosen, via=via)
                    extra["snoozed_until"] = done.until.isoformat()
                questions = refresh(db, moment, self.settings.timezone)
                data = task_json(task, moment)
        except IntegrityError as exc:
            raise BadLink("this reminder was already answered", status=409,
                          code="conflict") from exc
        if self.on_change is not None:
            self.on_change()
        return {"answered": action, "run_id": run, "task_id": data["id"], "via": via,
                "task": data, "questions": questions, **extra}


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

    return Answers(settings, _Clock(), on_change=poke).act(
        link.run_id, link.action, link.exp, link.sig, link.via)
