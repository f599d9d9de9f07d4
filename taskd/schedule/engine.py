"""The engine: one `tick(now)` does all the work a wake-up owes. No sleeping, no threads of its
own besides a delivery pool; the service decides when to call it, tests call it with a FakeClock.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from queue import Empty, SimpleQueue

from taskd.clock import Clock, SystemClock
from taskd.deliver.base import Channel
from taskd.errors import NotFound, TaskdError
from taskd.fire.agent import AgentContext
from taskd.fire.run import FireResult, fire_run
from taskd.learn import acting
from taskd.schedule import claims, crash, nodes
from taskd.schedule.claims import Claimed, Owner
from taskd.schedule.policy import Defaults, from_config
from taskd.settings import Settings
from taskd.store import repo
from taskd.store.db import session

log = logging.getLogger("taskd.service")

# A step of the wall clock against the monotonic clock larger than this is a sleep or a clock
# change, not scheduling jitter.
DRIFT_THRESHOLD = 5.0
# A burst's outcomes are recorded in batches of half a claim batch, or after this long.
RECORD_SECONDS = 0.25
# Runs claimed per transaction (TASKD_BATCH overrides, for tuning).
BATCH = 2000


@dataclass
class TickReport:
    delivered: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    quiet: list[int] = field(default_factory=list)  # agent runs whose condition did not hold
    unchecked: list[int] = field(default_factory=list)  # agent verdicts resting on no tool result
    released: list[int] = field(default_factory=list)
    missed: int = 0
    skipped: int = 0
    cancelled: int = 0
    resumed: int = 0
    clock_jump: float = 0.0


class DriftWatch:
    """Compares how far the wall clock and the monotonic clock moved since the last look.

    After a suspend the wall clock moved hours while monotonic time did not (CLOCK_MONOTONIC stops
    in suspend on Linux); after an NTP step they differ by the step. Either way the in-memory
    wake-up times are stale, and everything that fell due must be caught up now.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._wall = clock.now()
        self._mono = clock.monotonic()

    def check(self) -> float:
        wall, mono = self.clock.now(), self.clock.monotonic()
        drift = (wall - self._wall).total_seconds() - (mono - self._mono)
        self._wall, self._mono = wall, mono
        return drift if abs(drift) > DRIFT_THRESHOLD else 0.0


class Engine:
    def __init__(self, settings: Settings, clock: Clock | None = None,
                 channels: Mapping[str, Channel] | None = None, *, workers: int | None = None,
                 batch: int | None = None, stop: threading.Event | None = None,
                 node_id: str | None = None) -> None:
        self.clock = clock or SystemClock()
        self.stop = stop or threading.Event()
        self.batch = batch or int(os.environ.get("TASKD_BATCH") or BATCH)
        self._workers = workers or (int(os.environ["TASKD_WORKERS"])
                                    if os.environ.get("TASKD_WORKERS") else None)
        self.node_id = node_id or nodes.new_id()
        self._fixed_channels = channels
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self.watch = DriftWatch(self.clock)
        self.last_tick: datetime | None = None
        self.last_error: str | None = None
        self.totals = {"delivered": 0, "failed": 0, "missed": 0, "skipped": 0}
        self.prefs = acting.NOTHING  # quiet hours and channel in force, loaded at each claim
        self._resume_pending = False
        self.reload(settings)

    @property
    def url(self) -> str:
        return self.settings.database_url

    def reload(self, settings: Settings) -> None:
        """New settings (SIGHUP): channels and policy defaults are rebuilt from them."""
        from taskd.deliver.registry import build, pool_size

        self.settings = settings
        self.defaults: Defaults = from_config(settings.raw)
        self.timing = nodes.timing(settings)
        self.channels: Mapping[str, Channel] = self._fixed_channels or build(settings)
        self.workers = self._workers or pool_size(self.channels)

    def recover(self) -> int:
        """Join the database as a node and take back claims that no live service holds.

        SQLite: the per-file lock makes this the only service, so every other claim is dead
        now. PostgreSQL: other services may be working; only expired leases are taken back.
        """
        moment = self.clock.now()
        with session(self.url, write=True) as db:
            nodes.register(db, self.node_id, moment, self.timing.lease)
            if db.get_bind().dialect.name == "sqlite":
                count = nodes.take_back_all_but(db, self.node_id)
            else:
                count = nodes.take_back_expired(db, moment, unleased=True)
        if count:
            log.warning("requeued %d run(s) claimed by a service that died", count)
        return count

    def _owner(self) -> Owner:
        # The lease starts at the claim, not at the tick: a long drain must not claim its last
        # batches with a lease that is already running out.
        return Owner(self.node_id, self.clock.now() + self.timing.lease)

    def heartbeat(self) -> int:
        """Renew this node's lease and its claims', and take back claims whose lease ran out
        (another service died). Returns how many were taken back: the caller ticks for them.

        Here rather than in every tick: the heartbeat comes often enough (a dead service's
        runs wait at most lease + heartbeat) and a lone reminder's tick stays one write shorter.
        """
        moment = self.clock.now()
        with session(self.url, write=True) as db:
            nodes.heartbeat(db, self.node_id, moment, self.timing.lease)
            taken = nodes.take_back_expired(db, moment)
        if taken:
            log.warning("took back %d run(s) whose service stopped renewing its lease", taken)
        return taken

    def next_wakes(self, limit: int = 64) -> list[datetime]:
        with session(self.url) as db:
            return claims.next_wakes(db, limit)

    def tick(self, now: datetime | None = None) -> TickReport:
        """Do everything that is due at `now` (default: the clock's now)."""
        with self._lock:
            report = TickReport()
            report.clock_jump = self.watch.check()
            moment = now or self.clock.now()
            if report.clock_jump:
                log.warning("wall clock moved %+.0f s against the monotonic clock "
                            "(sleep or clock change): catching up", report.clock_jump)
                with session(self.url, write=True) as db:
                    repo.record(db, "service.clock_jump", moment, seconds=report.clock_jump)
            if crash.armed("before_claim"):
                with session(self.url) as db:
                    if claims.has_due(db, moment):
                        crash.point("before_claim")
            self._resume_pending = True  # paused tasks due to resume: in the first claim's write
            self._drain(moment, report)
            self.last_tick = moment
            self.totals["missed"] += report.missed
            self.totals["skipped"] += report.skipped
            return report

    def _claim(self, moment: datetime, report: TickReport) -> list[Claimed]:
        with session(self.url, write=True) as db:
            # One write transaction per wake-up, not two: a lone reminder's latency is mostly
            # transactions, and resuming first keeps a resumed task's due run claimable here.
            if self._resume_pending:
                self._resume_pending = False
                report.resumed = claims.auto_resume(db, moment)
            batch, stats = claims.claim_due(db, moment, self.defaults, self.batch,
                                                 self._owner())
            if batch:  # preferences that act: quiet hours hold, the channel routes
                self.prefs = acting.load(db, self.settings.timezone)
                batch = acting.hold(db, batch, moment, self.prefs)
        report.missed += stats.missed
        report.skipped += stats.skipped
        report.cancelled += stats.cancelled
        for note in stats.notes:
            log.warning(note)
        if batch:
            crash.point("after_claim")
        return batch

    def _drain(self, moment: datetime, report: TickReport) -> None:
        """Claim, send and record everything due, as a pipeline: each batch is claimed (and
        committed) before any of it is sent, sends run on the pool, and outcomes are recorded
        in batches while the next claims are made, so the database and the network overlap.

        Few, large transactions: a burst's rows are spread over the whole run and task tables,
        so every transaction rewrites most of their pages whatever its size (SQLite's WAL).
        Outcomes wait at most RECORD_SECONDS to be recorded; a crash before that re-sends
        them under the same run id (receivers dedup), as it always could."""
        if self.workers <= 1:
            while not self.stop.is_set():
                batch = self._claim(moment, report)
                self._finish([self._fire_one(item) for item in batch], report)
                if len(batch) < self.batch:
                    return
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="taskd-fire")
        # Each send reports on this queue: collecting is O(1) per send, where wait() on a set
        # of futures walks the whole set every time one finishes.
        finished: SimpleQueue[Future[list[FireResult]]] = SimpleQueue()
        inflight = jobs = 0  # runs sent and not yet back; pool jobs not yet back
        results: list[FireResult] = []
        oldest = 0.0
        more = True
        try:
            while more or inflight:
                if more and inflight <= self.batch // 2 and not self.stop.is_set():
                    batch = self._claim(moment, report)
                    more = len(batch) >= self.batch
                    if len(batch) == 1 and not inflight and not more:  # a lone reminder: no handoff
                        self._finish([self._fire_one(batch[0])], report)
                        return
                    # A few runs per pool job in a big batch: a Future per run costs more than
                    # a local webhook takes to answer. Small batches still go one run per thread.
                    step = max(1, min(8, len(batch) // (4 * self.workers)))
                    for at in range(0, len(batch), step):
                        self._pool.submit(self._fire_some, batch[at:at + step]) \
                            .add_done_callback(finished.put)
                        jobs += 1
                    inflight += len(batch)
                    if not inflight:
                        return
                elif self.stop.is_set():
                    more = False
                try:
                    done: Future[list[FireResult]] | None = finished.get(
                        timeout=0.05 if more else RECORD_SECONDS)
                except Empty:
                    done = None
                while done is not None:
                    if not results:
                        oldest = time.monotonic()
                    jobs -= 1
                    fired = done.result()
                    inflight -= len(fired)
                    results.extend(fired)
                    try:
                        done = finished.get_nowait()
                    except Empty:
                        done = None
                if results and (not inflight or len(results) >= self.batch // 2
                                or time.monotonic() - oldest >= RECORD_SECONDS):
                    batch_results, results = results, []
                    self._finish(batch_results, report)
        finally:
            # An error in claiming or recording: still record what was sent.
            while jobs:
                jobs -= 1
                results.extend(finished.get().result())
            if results:
                self._finish(results, report)

    def _fire_some(self, items: list[Claimed]) -> list[FireResult]:
        return [self._fire_one(item) for item in items]

    def _fire_one(self, item: Claimed) -> FireResult:
        assert item.run.id is not None
        if self.stop.is_set():  # shutting down: do not start new sends, release instead
            return FireResult(item.run.id, False, self.clock.now(), interrupted=True)
        try:
            context = self._agent_context(item) if item.task.kind == "agent" else None
            return fire_run(item.task, item.run, self.settings, self.channels, self.clock.now,
                            stop=self.stop, already_ok=item.already_ok, agent=context,
                            channel_pref=self.prefs.channel)
        except TaskdError as exc:  # e.g. a bad [agent] table: the run fails with that one line
            return FireResult(item.run.id, False, self.clock.now(), error=exc.message)
        except Exception as exc:  # a bug in one run must not strand the others claimed
            log.exception("firing run %s failed", item.run.id)
            return FireResult(item.run.id, False, self.clock.now(), error=f"internal error: {exc}")

    def _agent_context(self, item: Claimed) -> AgentContext:
        """What an agent run needs from the store: earlier outputs, budgets, notices given."""
        from taskd.agent import config, context

        with session(self.url) as db:
            return context.load(db, item.task, config.load(self.settings), self.clock.now(),
                                self.settings.timezone)

    def _finish(self, results: list[FireResult], report: TickReport, *,
                log_failure: bool = True) -> None:
        crash.point("after_deliver")
        moment = self.clock.now()
        with session(self.url, write=True) as db:
            claims.finish(db, results, moment, self.node_id)
            if any(r.agent or r.state or r.notices for r in results):
                from taskd.agent import record

                record.finish(db, results, moment)
        for result in results:
            if result.interrupted and not result.ok:
                report.released.append(result.run_id)
            elif result.state == "quiet":
                report.quiet.append(result.run_id)
            elif result.state == "unchecked":
                report.unchecked.append(result.run_id)
            elif result.state == "skipped":
                report.skipped += 1
                self.totals["skipped"] += 1
            elif result.ok:
                report.delivered.append(result.run_id)
                self.totals["delivered"] += 1
            else:
                report.failed.append(result.run_id)
                self.totals["failed"] += 1
                self.last_error = f"run {result.run_id}: {result.error}"
                if log_failure:
                    log.error("run %s failed: %s", result.run_id, result.error)

    def fire_manual(self, task_id: int, *, log_failure: bool = True) -> int:
        """`taskd run ID`: fire a task now, outside its schedule. Returns the new run's id.

        Claimed in its own transaction, so it needs no tick and does not wait for one.
        """
        moment = self.clock.now()
        with session(self.url, write=True) as db:
            task = repo.get(db, task_id)
            if task.status == "deleted":
                raise NotFound(f"no task #{task_id}")
            run = claims.create_manual(db, task, moment, owner=self._owner())
            self.prefs = acting.load(db, self.settings.timezone)
            repo.record(db, "run_now", moment, task.id)
            item = Claimed(run, task)
        assert run.id is not None
        report = TickReport()
        self._finish([self._fire_one(item)], report, log_failure=log_failure)
        return run.id

    def close(self, *, leave: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        if leave:  # a clean stop: its runs are finished or released, it holds nothing
            with session(self.url, write=True) as db:
                nodes.leave(db, self.node_id)
