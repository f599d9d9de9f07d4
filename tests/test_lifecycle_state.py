"""The lifecycle as a state machine (issue 11): random sequences of what a user does and what time
does, through the real CLI, store and service engine on one FakeClock, against a small model of
what the user was promised.

After every step:
* the next fire that `list`, `show` and `status` report agree, and it is exactly what the engine
  fires: advancing the clock to the earliest one delivers each task due then once, at that
  instant, and nothing before it;
* a task that shows a next fire (and is not paused) has a pending run at that instant, and an
  active recurring task always shows one;
* nothing fires inside a pause, after `done` on a one-time task, or after `rm`; a snooze of a
  reminder that has not fired yet is never earlier than planned;
* after the service was down, every promised fire that passed is delivered (late) or recorded as
  missed; a refused command (exit 1/3) changes no next fire.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    precondition,
    rule,
)

from taskd.resolve.zones import get_zone
from taskd.store.db import dispose_all
from tests.conftest import local
from tests.lifecycle_world import World

STARTS = [local("2026-03-28T10:00:00"),  # Berlin springs forward on Sun 29 Mar, 02:00 -> 03:00
          local("2026-10-24T10:00:00"),  # and falls back on Sun 25 Oct, 03:00 -> 02:00
          local("2026-11-21T10:00:00")]
ONCE = ["water the plants at 11:12", "water the plants at 11:13", "call mom at 19:00",
        "take pills at 02:30", "call mom tomorrow at 9am", "check the oven in 5 minutes",
        "check the oven in 90 minutes", "pay rent in 2 days"]
EVERY = ["stretch every day at 9am", "take pills every day at 2:30am", "drink water every 2 hours",
         "standup every weekday at 8am"]
AT = ["11:12", "11:13", "19:00", "02:30", "tomorrow 7pm", "in 45 minutes"]
TEXTS = ["every day at 7am", "at 11:12", "tomorrow at 9am"]
MOVES = ["move it to 7pm", "move it to 11:12", "move it to 8am"]
SNOOZES = ["5m", "15m", "1h", "2h"]
UNTIL = [None, "in 3 hours", "tomorrow 9am", "monday 9am"]
# TASKD_STATE_RULES=add,edit_at,...: only these rules (to check which bug a rule set finds).
ONLY = {r for r in os.environ.get("TASKD_STATE_RULES", "").split(",") if r}


def allowed(name: str):  # type: ignore[no-untyped-def]
    return precondition(lambda self: not ONLY or name in ONLY)


@dataclass
class Promise:
    recurring: bool
    paused: tuple[datetime, datetime | None] | None = None
    ended: str | None = None  # "done" (one-time) or "rm": nothing may fire any more


class Lifecycle(RuleBasedStateMachine):
    tasks = Bundle("tasks")

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="taskd-state-"))
        self._env = {k: os.environ.get(k) for k in ("TASKD_HOME",)}
        os.environ["TASKD_HOME"] = str(self.dir / "home")
        self.model: dict[int, Promise] = {}
        self.seen = 0
        self.shown: dict[int, datetime | None] = {}
        self.paused: set[int] = set()

    @initialize(start=st.sampled_from(STARTS))
    def begin(self, start: datetime) -> None:
        self.world = World(self.dir / "home", start)
        self.world.tick()

    def teardown(self) -> None:
        if hasattr(self, "world"):
            self.world.engine.close()
        dispose_all()
        for key, value in self._env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- what the user sees ------------------------------------------------------------------
    def _listed(self) -> dict[int, datetime | None]:
        listed = self.world.ok("list")
        self.paused = {t["id"] for t in listed if t["status"] == "paused"}
        return {t["id"]: datetime.fromisoformat(t["next"][0]) if t["next"] else None
                for t in listed}

    def _fresh(self, *args: str) -> int:
        """A CLI command, then the service's reaction (it ticks when poked); returns the exit code."""
        before = dict(self.shown)
        said = self.world.taskd(*args)
        assert said.code in (0, 1, 3), (args, said.code, said.err)
        assert said.code == 0 or said.err.count("\n") == 1, said.err
        assert "internal error" not in said.err
        self._deliveries(allowed=set())
        self._observe()
        if said.code != 0:
            assert self.shown == before, f"{args} was refused but changed what fires"
        return said.code

    def _observe(self) -> None:
        listed = self._listed()
        for task_id in listed:
            shown = self.world.ok("show", str(task_id))["next"]
            assert (datetime.fromisoformat(shown[0]) if shown else None) == listed[task_id]
        status = self.world.ok("status")["next_fire"]
        soonest = min((t for t in listed.values() if t is not None), default=None)
        assert (datetime.fromisoformat(status) if status else None) == soonest
        for task_id, promise in self.model.items():
            if promise.ended == "rm" or (promise.ended == "done" and not promise.recurring):
                assert listed.get(task_id) is None
        self.shown = listed
        self._planned()

    def _planned(self) -> None:
        """A task that shows a next fire has it planned; an active recurring task shows one."""
        for task_id, nxt in self.shown.items():
            promise = self.model[task_id]
            if task_id in self.paused:
                continue
            if nxt is not None:
                pending = {r.scheduled_for for r in self.world.runs(task_id) if r.state == "pending"}
                assert nxt in pending, (task_id, nxt, pending)
            if promise.recurring and promise.ended != "rm":
                assert nxt is not None, f"recurring task #{task_id} has nothing planned"

    def _deliveries(self, allowed: set[int], due: datetime | None = None) -> list[int]:
        """New deliveries since the last look: each must be a promise (a task in `allowed`, due
        at `due`), never inside a pause or after done/rm."""
        fresh = self.world.rec.sent[self.seen:]
        self.seen = len(self.world.rec.sent)
        for message in fresh:
            promise = self.model[message.task_id]
            assert message.task_id in allowed, f"unpromised delivery {message}"
            if message.origin == "manual":
                continue
            assert promise.ended is None, f"#{message.task_id} fired after {promise.ended}"
            if promise.paused is not None:
                until = promise.paused[1]
                assert until is not None and message.fired_at >= until, "fired inside a pause"
            if due is not None:
                # by timestamp: PEP 495 makes a time in the DST fold unequal across zone types
                assert message.scheduled_for.timestamp() == due.timestamp(), (message, due)
        return [m.task_id for m in fresh]

    def _resumed_by_time(self) -> None:
        now = self.world.clock.now()
        for promise in self.model.values():
            if promise.paused and promise.paused[1] is not None and promise.paused[1] <= now:
                promise.paused = None

    # --- what the user does ------------------------------------------------------------------
    @allowed("add")
    @rule(target=tasks, text=st.sampled_from(ONCE + EVERY))
    def add(self, text: str) -> int:
        said = self.world.taskd("add", text, "--json")
        assert said.code in (0, 1, 3), said.err
        if said.code != 0:
            self._observe()
            return -1
        task_id = int(said.json()["id"])
        self.model[task_id] = Promise(recurring=text in EVERY)
        self._deliveries(allowed=set())
        self._observe()
        assert self.shown[task_id] is not None
        return task_id

    def _live(self, task_id: int) -> bool:
        return task_id in self.model and self.model[task_id].ended != "rm"

    @allowed("edit_at")
    @rule(task_id=tasks, at=st.sampled_from(AT))
    def edit_at(self, task_id: int, at: str) -> None:
        if self._live(task_id) and self._fresh("edit", str(task_id), "--at", at) == 0:
            self._rescheduled(task_id, recurring=False)

    @allowed("change_mind")
    @rule(task_id=tasks, at=st.sampled_from(AT))
    def change_mind(self, task_id: int, at: str) -> None:
        # A user who moves a reminder and then moves it back to the time it showed: the instant it
        # returns to is one that an edit already superseded once (issue 11, bug 1).
        before = self.shown.get(task_id)
        if not self._live(task_id) or before is None:
            return
        back = before.astimezone(get_zone("Europe/Berlin")).strftime("%Y-%m-%d %H:%M")
        if self._fresh("edit", str(task_id), "--at", at) == 0:
            self._rescheduled(task_id, recurring=False)
            if self._fresh("edit", str(task_id), "--at", back) == 0:
                self._rescheduled(task_id, recurring=False)

    @allowed("edit_text")
    @rule(task_id=tasks, text=st.sampled_from(TEXTS))
    def edit_text(self, task_id: int, text: str) -> None:
        if self._live(task_id) and self._fresh("edit", str(task_id), text) == 0:
            self._rescheduled(task_id, recurring=text.startswith("every"))

    @allowed("move")
    @rule(task_id=tasks, text=st.sampled_from(MOVES))
    def move(self, task_id: int, text: str) -> None:
        if self._live(task_id):
            self._fresh("edit", str(task_id), text)

    @allowed("retitle")
    @rule(task_id=tasks)
    def retitle(self, task_id: int) -> None:
        if self._live(task_id):
            before = dict(self.shown)
            self._fresh("edit", str(task_id), "--title", "Renamed")
            assert self.shown == before

    def _rescheduled(self, task_id: int, recurring: bool) -> None:
        assert self.shown[task_id] is not None or self.model[task_id].paused, \
            f"#{task_id} was edited to a future time but shows no next fire"
        self.model[task_id].recurring = recurring
        self.model[task_id].ended = None

    @allowed("snooze")
    @rule(task_id=tasks, length=st.sampled_from(SNOOZES))
    def snooze(self, task_id: int, length: str) -> None:
        if not self._live(task_id):
            return
        promise = self.model[task_id]
        old = self.shown.get(task_id)
        now = self.world.clock.now()
        ended, promise.ended = promise.ended, None  # a snooze brings a done task back
        if self._fresh("snooze", str(task_id), length) != 0:
            promise.ended = ended
            return
        delta = {"5m": timedelta(minutes=5), "15m": timedelta(minutes=15),
                 "1h": timedelta(hours=1), "2h": timedelta(hours=2)}[length]
        new = self.shown[task_id]
        assert new is not None
        if old is not None and new < old:
            # Only a repeat of a reminder that fired comes before the next planned fire, which
            # keeps its time.
            pending = {r.scheduled_for for r in self.world.runs(task_id) if r.state == "pending"}
            assert promise.recurring and new == now + delta and old in pending, \
                f"snoozed #{task_id} earlier than planned: {old} -> {new}"
        if not promise.recurring and ended is None:
            assert new == (max(old, now) if old else now) + delta

    @allowed("done")
    @rule(task_id=tasks)
    def done(self, task_id: int) -> None:
        if self._live(task_id) and self._fresh("done", str(task_id)) == 0 \
                and not self.model[task_id].recurring:
            self.model[task_id].ended = "done"
            self.model[task_id].paused = None

    @allowed("pause")
    @rule(task_id=tasks, until=st.sampled_from(UNTIL))
    def pause(self, task_id: int, until: str | None) -> None:
        if not self._live(task_id):
            return
        args = ["pause", str(task_id), *(["--until", until] if until else [])]
        now = self.world.clock.now()
        if self._fresh(*args) == 0:
            data = self.world.ok("show", str(task_id))
            end = datetime.fromisoformat(data["paused_until"]) if data["paused_until"] else None
            self.model[task_id].paused = (now, end)
            if end is None:
                assert self.shown[task_id] is None
            elif self.shown[task_id] is not None:
                assert self.shown[task_id] >= end

    @allowed("resume")
    @rule(task_id=tasks)
    def resume(self, task_id: int) -> None:
        if self._live(task_id) and self._fresh("resume", str(task_id)) == 0:
            self.model[task_id].paused = None

    @allowed("rm")
    @rule(task_id=consumes(tasks))
    def rm(self, task_id: int) -> None:
        if self._live(task_id) and self._fresh("rm", str(task_id)) == 0:
            self.model[task_id].ended = "rm"

    @allowed("run_now")
    @rule(task_id=tasks)
    def run_now(self, task_id: int) -> None:
        if not self._live(task_id) or self.model[task_id].ended:
            return
        before = dict(self.shown)
        self.world.engine.fire_manual(task_id)
        assert self._deliveries(allowed={task_id}) == [task_id]
        self._observe()
        assert self.shown == before, "a manual run moved the schedule"

    # --- what time does ----------------------------------------------------------------------
    def _soonest(self) -> datetime | None:
        return min((t for t in self.shown.values() if t is not None), default=None)

    @allowed("wait")
    @rule(minutes=st.integers(1, 600))
    def wait(self, minutes: int) -> None:
        """Time passes, stopping short of the next promised fire: nothing is delivered."""
        target = self.world.clock.now() + timedelta(minutes=minutes)
        soonest = self._soonest()
        if soonest is not None and target >= soonest:
            target = soonest - timedelta(seconds=1)
        if target <= self.world.clock.now():
            return
        self.world.advance_to(target)
        self._deliveries(allowed=set())
        self._resumed_by_time()
        self._observe()

    @precondition(lambda self: any(t is not None for t in self.shown.values()))
    @allowed("reach_next_fire")
    @rule()
    def reach_next_fire(self) -> None:
        """The clock reaches the earliest promised fire: exactly the tasks due then fire, once."""
        due = self._soonest()
        assert due is not None
        expected = sorted(i for i, t in self.shown.items() if t == due)
        if due > self.world.clock.now():
            self.world.advance_to(due)
        else:
            self.world.tick()
        self._resumed_by_time()
        fired = self._deliveries(allowed=set(expected), due=due)
        assert sorted(fired) == expected, f"due at {due}: expected {expected}, fired {fired}"
        self.world.tick()  # the service wakes again at the same instant: nothing fires twice
        assert self._deliveries(allowed=set()) == []
        self._observe()

    @allowed("restart")
    @rule()
    def restart(self) -> None:
        before = dict(self.shown)
        self.world.restart()
        self.world.tick()
        self._deliveries(allowed=set())
        self._observe()
        assert self.shown == before

    @allowed("downtime")
    @rule(hours=st.integers(2, 40))
    def downtime(self, hours: int) -> None:
        """The service is down while time passes, then starts: what was promised in between is
        delivered late or recorded as missed, never dropped."""
        self.world.engine.close()
        self.world.clock.advance(timedelta(hours=hours))
        now = self.world.clock.now()
        passed = {i: t for i, t in self.shown.items() if t is not None and t <= now}
        self.world.restart()
        self.world.tick()
        self._resumed_by_time()
        fresh = self.world.rec.sent[self.seen:]
        self._deliveries(allowed=set(passed))
        for message in fresh:
            assert passed[message.task_id] <= message.scheduled_for <= now
        for task_id, instant in passed.items():
            states = {r.scheduled_for: r.state for r in self.world.runs(task_id)}
            fired = any(m.task_id == task_id for m in fresh)
            assert fired or states.get(instant) in ("missed", "skipped"), \
                (task_id, instant, states.get(instant))
        self._observe()


Lifecycle.TestCase.settings = settings(
    max_examples=int(os.environ.get("TASKD_STATE_EXAMPLES", "30")),
    stateful_step_count=int(os.environ.get("TASKD_STATE_STEPS", "25")),
    deadline=None, suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate]
    if os.environ.get("TASKD_STATE_NO_SHRINK") else list(Phase))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_lifecycle_state_machine(taskd_home: Path) -> None:
    Lifecycle.TestCase("runTest").runTest()
