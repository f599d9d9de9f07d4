"""`taskd serve`: the engine in a long-running process.

APScheduler 3 (BackgroundScheduler, MemoryJobStore) is only the alarm clock: a `poll` interval job
and one date job per upcoming due instant, all calling `_wake`, which ticks the engine and then
rebuilds the date jobs from the database. Nothing about a task lives only in APScheduler, so a
restart or a lost job costs a poll interval at worst, never a reminder.

Why the defaults are overridden: APScheduler's misfire_grace_time of 1 s silently drops a job
that starts more than a second late (a busy or suspended machine); the engine decides lateness
itself, so the grace is None here (always run). coalesce=True and max_instances=1 keep a backlog of
wake-ups from turning into a burst of parallel ticks.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import threading
import time
from datetime import UTC, datetime
from typing import Any

from taskd import __version__
from taskd.clock import Clock, SystemClock
from taskd.errors import TaskdError
from taskd.redact import redact
from taskd.schedule import sdnotify
from taskd.schedule.engine import DriftWatch, Engine
from taskd.schedule.lock import ServiceLock
from taskd.settings import Settings

log = logging.getLogger("taskd.service")
WAKE_JOBS = 64  # date jobs kept in memory; the poll job finds anything beyond them


def poll_seconds(settings: Settings) -> float:
    raw = os.environ.get("TASKD_POLL_SECONDS") or settings.raw.get("service", {}).get("poll", 5)
    try:
        return max(0.1, float(raw))
    except (TypeError, ValueError):
        return 5.0


class Service:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.stop = threading.Event()
        self._hup = threading.Event()
        self._dirty = threading.Event()
        self._scheduler: Any = None
        self.engine: Engine | None = None
        self.started_at = datetime.now(UTC)
        self._last_wake_mono = time.monotonic()
        self._in_wake = False
        self._wake_lock = threading.Lock()
        self.api_places: dict[str, str | None] = {}  # the API's socket and URL, once bound

    # --- the process ---------------------------------------------------------------------
    def run(self) -> int:
        # SQLite: one service per database file. PostgreSQL: one per home (its socket); many
        # homes may share the database, their claims kept apart by the run table.
        lock = ServiceLock(self.settings)
        lock.acquire()  # AlreadyRunning: the CLI prints "taskd: already running (pid N)", exit 1
        try:
            return self._run()
        finally:
            lock.release()

    def _run(self) -> int:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        begun = time.monotonic()
        self.engine = Engine(self.settings, self.clock, stop=self.stop)
        self.engine.recover()
        self._install_signals()
        poll = poll_seconds(self.settings)
        self._scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(1)},  # one tick at a time, in order
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            timezone=UTC)
        self._scheduler.add_job(self._wake, "interval", seconds=poll, id="poll",
                                next_run_time=datetime.now(UTC))
        self._scheduler.start()
        from taskd.api.glue import api_context
        from taskd.api.server import ApiServer  # FastAPI and uvicorn: the service's path only

        self._api = api_context(self)
        api = ApiServer(self._api)
        try:
            api.start()  # the Unix socket, and TCP when [api] listen is set
            log.info("taskd %s serving %s as node %s (pid %d, poll %.1fs, lease %.0fs, started "
                     "in %.2fs)", __version__, redact(self.settings.database_url),
                     self.engine.node_id, os.getpid(), poll,
                     self.engine.timing.lease.total_seconds(), time.monotonic() - begun)
            gc.freeze()  # what start-up built lives as long as the process: no collection rescans it
            sdnotify.notify(f"READY=1\nSTATUS=serving\nMAINPID={os.getpid()}")
            self._loop(poll)
        finally:
            sdnotify.notify("STOPPING=1")
            log.info("stopping: finishing or releasing in-flight runs")
            self.stop.set()
            # Not shutdown(wait=True): APScheduler 3 holds its job-store lock while it waits for
            # running jobs, and a wake-up that reschedules jobs would deadlock on that lock.
            self._scheduler.shutdown(wait=False)
            with self._wake_lock:  # the in-flight tick finishes its sends or releases its runs
                pass
            api.close()
            self.engine.close(leave=True)
        return 0

    def _install_signals(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: self.stop.set())
        signal.signal(signal.SIGINT, lambda *_: self.stop.set())
        signal.signal(signal.SIGHUP, lambda *_: (self._hup.set(), self.poke()))

    def _loop(self, poll: float) -> None:
        watchdog = sdnotify.watchdog_interval()
        watch = DriftWatch(self.clock)
        next_ping = 0.0
        assert self.engine is not None
        beat = self.engine.timing.heartbeat.total_seconds()
        next_beat = time.monotonic() + beat
        while not self.stop.wait(min(1.0, watchdog or 1.0, beat)):
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + beat
                self._heartbeat()
            if watch.check():  # suspend/resume or a clock step: APScheduler's waits are stale
                self.poke()
            if self._hup.is_set():
                self._hup.clear()
                self._reload()
            if watchdog and time.monotonic() >= next_ping and self._healthy(poll):
                sdnotify.notify("WATCHDOG=1")
                next_ping = time.monotonic() + watchdog

    def _heartbeat(self) -> None:
        # On the main thread, not the scheduler's: a long drain of due runs keeps its leases.
        assert self.engine is not None
        try:
            if self.engine.heartbeat():
                self.poke()  # runs taken back from a dead service are due now
        except Exception as exc:  # the database is away: the next beat tries again
            log.error("heartbeat failed: %s", exc)
            self.engine.last_error = f"heartbeat failed: {exc}"

    def _healthy(self, poll: float) -> bool:
        # Stop feeding the watchdog when wake-ups stopped happening: systemd then restarts us.
        scheduler_ok = bool(self._scheduler and self._scheduler.running)
        recent = self._in_wake or time.monotonic() - self._last_wake_mono < max(60.0, 5 * poll)
        return scheduler_ok and recent

    def _reload(self) -> None:
        from taskd import settings as settings_mod

        try:
            fresh = settings_mod.load()
        except Exception as exc:
            log.error("SIGHUP: config not reloaded: %s", exc)
            return
        self.settings = fresh
        assert self.engine is not None
        self.engine.reload(fresh)
        if getattr(self, "_api", None) is not None:
            from taskd.api.glue import reload as reload_api

            reload_api(self._api, self)
        log.info("SIGHUP: configuration reloaded (%d channels)", len(self.engine.channels))

    # --- wake-ups ------------------------------------------------------------------------
    def poke(self) -> None:
        """Re-read the database now (a CLI changed something, or the clock jumped)."""
        self._dirty.set()
        if self._scheduler is None or not self._scheduler.running:
            return
        from apscheduler.jobstores.base import JobLookupError

        with contextlib.suppress(JobLookupError):
            self._scheduler.modify_job("poll", next_run_time=datetime.now(UTC))

    def _wake(self) -> None:
        if self.stop.is_set():
            return
        with self._wake_lock:
            self._wake_locked()

    def _wake_locked(self) -> None:
        assert self.engine is not None
        self._in_wake = True
        try:
            while not self.stop.is_set():
                self._dirty.clear()
                try:
                    self.engine.tick()
                    if not self.stop.is_set():
                        self._schedule_wakes()
                except TaskdError as exc:  # a full disk, a lost database: one line, retry
                    log.error("tick failed: %s", exc.message)
                    self.engine.last_error = f"tick failed: {exc.message}"
                except Exception as exc:  # the database is busy or gone: log, retry next poll
                    log.exception("tick failed")
                    self.engine.last_error = f"tick failed: {exc}"
                if not self._dirty.is_set():
                    break
        finally:
            self._in_wake = False
            self._last_wake_mono = time.monotonic()

    def _schedule_wakes(self) -> None:
        from apscheduler.jobstores.base import JobLookupError

        assert self.engine is not None
        now = datetime.now(UTC)
        wanted = {f"wake-{t.timestamp():.6f}": t for t in self.engine.next_wakes(WAKE_JOBS) if t > now}
        current = {job.id for job in self._scheduler.get_jobs() if job.id.startswith("wake-")}
        for job_id in current - wanted.keys():
            with contextlib.suppress(JobLookupError):
                self._scheduler.remove_job(job_id)
        for job_id in wanted.keys() - current:
            self._scheduler.add_job(self._wake, "date", run_date=wanted[job_id], id=job_id,
                                    replace_existing=True)

    # --- the API's view ----------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        engine = self.engine
        wakes = engine.next_wakes(1) if engine else []
        return {
            "pid": os.getpid(),
            "node": engine.node_id if engine else None,
            "version": __version__,
            "started_at": self.started_at.isoformat(),
            "last_tick": engine.last_tick.isoformat() if engine and engine.last_tick else None,
            "last_error": engine.last_error if engine else None,
            "totals": dict(engine.totals) if engine else {},
            "next_wake": wakes[0].isoformat() if wakes else None,
            "jobs": len(self._scheduler.get_jobs()) if self._scheduler else 0,
            "api": dict(self.api_places),
        }
