"""Two engines as two services on one real SQLite file, driven by hypothesis through claims,
heartbeats, lease expiry, kills (with or without the send having gone out) and restarts, against
a model: every due task reaches the receiver under exactly one run id, and a run is sent twice
only when a service died holding it after sending."""

from __future__ import annotations

import itertools
import os
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from hypothesis.strategies import integers, sampled_from
from sqlmodel import select

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.schedule import claims
from taskd.schedule.engine import Engine
from taskd.store.db import dispose_all, session
from taskd.store.tables import Run
from tests.conftest import local
from tests.conftest_service import RecordingChannel, add_task

START = local("2026-03-02T08:00:00")
LEASE = 30
_homes = itertools.count()


class TwoServices(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.home = Path(os.environ["TASKD_HOME"]) / f"model-{next(_homes)}"
        self.home.mkdir(parents=True)
        (self.home / "config.toml").write_text(
            f'default_channels = ["rec"]\n[service]\nlease = {LEASE}\n')
        self.url = f"sqlite:///{self.home}/taskd.db"
        self.clock = FakeClock(START)
        self.channel = RecordingChannel()
        self.engines: dict[str, Engine | None] = {}
        self.tasks: list[int] = []
        self.sent_by_dead: set[int] = set()  # runs a dead service had sent but not recorded
        self.generation = itertools.count()

    def _start(self, name: str) -> None:
        outer = os.environ["TASKD_HOME"]
        os.environ["TASKD_HOME"] = str(self.home)
        try:
            self.engines[name] = Engine(settings_mod.load(), self.clock, {"rec": self.channel},
                                        workers=1, node_id=f"{name}{next(self.generation)}")
        finally:
            os.environ["TASKD_HOME"] = outer

    @initialize()
    def services(self) -> None:
        self._start("a")
        self._start("b")

    @rule(seconds=integers(1, 40))
    def add(self, seconds: int) -> None:
        self.tasks.append(add_task(self.url, self.clock.now(), title=f"t{len(self.tasks)}",
                                   first=self.clock.now() + timedelta(seconds=seconds)))

    @rule(seconds=integers(1, 20))
    def advance(self, seconds: int) -> None:
        self.clock.advance(timedelta(seconds=seconds))

    @rule(name=sampled_from("ab"))
    def tick(self, name: str) -> None:
        engine = self.engines[name]
        if engine is not None:
            engine.heartbeat()
            engine.tick()

    @rule(name=sampled_from("ab"), sent=sampled_from([False, True]))
    def die_holding_claims(self, name: str, sent: bool) -> None:
        """The service claims what is due and is killed, before or after sending it."""
        engine = self.engines[name]
        if engine is None:
            return
        with session(self.url, write=True) as db:
            batch, _ = claims.claim_due(db, self.clock.now(), engine.defaults, 50,
                                        engine._owner())
        if sent:
            for item in batch:
                engine._fire_one(item)
                self.sent_by_dead.add(item.run.id or 0)
        self.engines[name] = None

    @precondition(lambda self: None in self.engines.values())
    @rule()
    def restart(self) -> None:
        for name, engine in self.engines.items():
            if engine is None:
                self._start(name)  # a new process: a new node id; the old claims stay expired

    @invariant()
    def one_run_id_per_task_and_resends_only_of_the_dead(self) -> None:
        ids: dict[int, set[int]] = {}
        counts: dict[int, int] = {}
        for message in self.channel.sent:
            ids.setdefault(message.task_id, set()).add(message.run_id)
            counts[message.run_id] = counts.get(message.run_id, 0) + 1
        assert all(len(runs) == 1 for runs in ids.values())
        assert all(n == 1 or run in self.sent_by_dead for run, n in counts.items())

    def teardown(self) -> None:
        # Everything due is delivered once the dead leases have run out and a service works.
        if self.tasks:
            if all(e is None for e in self.engines.values()):
                self.restart()
            self.clock.advance(timedelta(seconds=LEASE + 45))
            live = next(e for e in self.engines.values() if e is not None)
            live.heartbeat()
            live.tick()
            with session(self.url) as db:
                states = {r.task_id: r.state for r in db.exec(select(Run))}
            assert all(states[t] == "delivered" for t in self.tasks), states
            assert {m.task_id for m in self.channel.sent} == set(self.tasks)
        dispose_all()


TwoServices.TestCase.settings = settings(max_examples=25, stateful_step_count=20, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])
test_two_services = TwoServices.TestCase
