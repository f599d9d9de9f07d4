"""Shared helpers for the service and delivery tests: tasks straight into the store, a recording
channel, a real HTTP receiver and a real SMTP sink on loopback, and a `taskd serve` subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskd.fire.message import Message
from taskd.resolve import Resolved, upcoming
from taskd.store import repo
from taskd.store.db import session

if TYPE_CHECKING:
    from taskd.clock import Clock
    from taskd.schedule.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
TASKD = [sys.executable, "-m", "taskd"]


def add_task(url: str, now: datetime, *, title: str = "stretch", first: datetime | None = None,
             rrule: str | None = None, dtstart: datetime | None = None, tz: str = "Europe/Berlin",
             kind: str = "reminder", channels: list[str] | None = None) -> int:
    """A task as `taskd add` stores it (task row + its first pending run), without extraction."""
    if rrule is not None:
        assert dtstart is not None
        first = upcoming(rrule, dtstart, tz, now, now, 1)[0]
    assert first is not None
    resolved = Resolved(tz, first, rrule, dtstart)
    with session(url, write=True) as db:
        task = repo.create(db, text=title, draft_json="{}", backend="test", title=title, kind=kind,
                           message=title, resolved=resolved, time_source="explicit", daypart=None,
                           now=now)
        if channels is not None:
            task.channels_json = json.dumps(channels)
            db.add(task)
        assert task.id is not None
        return task.id


@dataclass
class RecordingChannel:
    """Counts sends per idempotency key, as an idempotent receiver would see them."""

    name: str = "rec"
    retries: int = 0
    backoff: float = 0.0
    sent: list[Message] = field(default_factory=list)
    fail_times: int = 0

    def send(self, message: Message) -> str:
        from taskd.deliver.base import DeliveryError

        if self.fail_times > 0:
            self.fail_times -= 1
            raise DeliveryError("receiver down")
        self.sent.append(message)
        return "recorded"

    def keys(self) -> list[str]:
        return [m.idempotency_key for m in self.sent]


def make_engine(home: Path, clock: Clock, channel: RecordingChannel, config: str = "") -> Engine:
    """The engine the engine tests tick by hand: a real SQLite file under `home`, one worker, and
    `channel` as its only channel (config.toml names it the default; `config` adds lines)."""
    from taskd import settings as settings_mod
    from taskd.schedule.engine import Engine  # here: thin-start tests import this module

    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f'default_channels = ["{channel.name}"]\n' + config)
    return Engine(settings_mod.load(), clock, {channel.name: channel}, workers=1)


class Receiver:
    """A real HTTP server on 127.0.0.1 that dedups by Idempotency-Key, like a careful webhook."""

    def __init__(self, status: int = 200) -> None:
        self.posts: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.received_at: list[float] = []
        self.status = status
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with outer.lock:
                    outer.received_at.append(time.time())
                    outer.posts.append(json.loads(body))
                    outer.headers.append(dict(self.headers))
                    status = outer.status
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/taskd"

    def keys(self) -> set[str]:
        with self.lock:
            return {h["Idempotency-Key"] for h in self.headers}

    def total(self) -> int:
        with self.lock:
            return len(self.posts)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def write_config(home: Path, hook_url: str | None = None, **extra: str) -> None:
    lines = ['default_channels = ["hook"]' if hook_url else 'default_channels = ["console"]']
    if hook_url:
        lines += ["[channels.hook]", 'type = "webhook"', f'url = "{hook_url}"', "retries = 3",
                  "backoff = 0.2", "timeout = 5"]
    lines += [f"{k} = {v}" for k, v in extra.items()]
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("\n".join(lines) + "\n")


def service_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TASKD_", "NOTIFY_SOCKET"))}
    env.update({"TASKD_HOME": str(home), "TASKD_TZ": "Europe/Berlin", "TASKD_BACKEND": "rules",
                "TASKD_POLL_SECONDS": "0.5", "TASKD_BACKOFF_SCALE": "0.05", "PYTHONPATH": str(ROOT)})
    env.update(extra)
    return env


class Serve:
    """A real `taskd serve` subprocess."""

    def __init__(self, home: Path, **env: str) -> None:
        self.home = home
        self.log = home / f"serve-{time.monotonic_ns()}.log"
        home.mkdir(parents=True, exist_ok=True)
        self.out = self.log.open("wb")
        self.proc = subprocess.Popen([*TASKD, "serve"], env=service_env(home, **env), cwd=ROOT,
                                     stdout=self.out, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 15.0) -> None:
        sock = self.home / "taskd.sock"
        wait_for(lambda: sock.exists() or self.proc.poll() is not None, timeout)
        assert self.proc.poll() is None, self.text()

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(15)
        finally:
            self.out.close()


def wait_for(check: Callable[[], bool], timeout: float = 15.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()


def run_cli(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TASKD, *args], env=service_env(home, **env), cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def soon(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)
