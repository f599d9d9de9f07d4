"""Several real `taskd serve` processes on one real PostgreSQL, a real webhook receiver, SIGKILL of
one of them mid-burst: nothing lost, each task under one run id, re-sends only of what the dead
one held, with the same key, after its lease ran out; a clean restart re-sends nothing."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from taskd.store.db import dispose_all
from tests import postgres
from tests.conftest_service import Serve, run_cli, wait_for, write_config

pytestmark = pytest.mark.slow

LEASE, BEAT = 3.0, 1.0


class SlowReceiver:
    """A webhook that takes `delay` seconds per request (so a killed service dies holding runs),
    records every post with its time, and answers 200."""

    def __init__(self, delay: float) -> None:
        self.posts: list[tuple[float, dict[str, Any], str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                time.sleep(delay)
                outer.posts.append((time.time(), body, self.headers["Idempotency-Key"]))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        import threading

        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/taskd"

    def tasks(self) -> set[int]:
        return {body["task_id"] for _, body, _ in list(self.posts)}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def pg() -> Iterator[str]:
    yield from postgres.cluster_or_skip()


@pytest.fixture
def db_url(pg: str) -> Iterator[str]:
    yield pg
    dispose_all()
    engine = create_engine(pg)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def _query(url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params))
    finally:
        engine.dispose()


def _services(tmp_path: Path, url: str, hook: str, count: int) -> list[Serve]:
    started = []
    for index in range(count):
        home = tmp_path / f"node{index}"
        write_config(home, hook)
        started.append(Serve(home, TASKD_DB=url, TASKD_LEASE_SECONDS=str(LEASE), TASKD_BATCH="50",
                             TASKD_HEARTBEAT_SECONDS=str(BEAT)))
    for svc in started:
        svc.wait_ready(60)
    return started


def _add_due(url: str, count: int, start: float, spread: float) -> set[int]:
    from benchmarks.service_bench import bulk_tasks

    base = datetime.now(UTC) + timedelta(seconds=start)
    bulk_tasks(url, [base + timedelta(seconds=spread * i / count) for i in range(count)])
    return {row[0] for row in _query(url, "SELECT id FROM tasks")}


def _node_of(url: str, pid: int) -> str:
    assert wait_for(lambda: bool(_query(url, "SELECT id FROM nodes WHERE pid = :p", p=pid)), 10)
    return str(_query(url, "SELECT id FROM nodes WHERE pid = :p", p=pid)[0][0])


@pytest.mark.parametrize("nodes", [2, 3])
def test_sigkill_of_one_service_loses_nothing_and_resends_only_its_claims(
        tmp_path: Path, db_url: str, nodes: int) -> None:
    # A slow receiver keeps each claim open 0.3 s: at 25 runs a second shared by the nodes, every
    # node holds a few at any moment, however the due runs happen to split between them.
    receiver = SlowReceiver(delay=0.3)
    services = _services(tmp_path, db_url, receiver.url, nodes)
    poll = create_engine(db_url)
    try:
        tasks = _add_due(db_url, 300, start=2, spread=12)
        victim = services[0]
        victim_node = _node_of(db_url, victim.proc.pid)
        # Kill it while it holds claims: the worst moment, runs sent or half sent, not recorded.
        held_sql = ("SELECT id, lease_until FROM runs WHERE state = 'claimed' AND owner = :o")

        def victim_holds(at_least: int) -> bool:
            with poll.connect() as conn:
                return len(list(conn.execute(text(held_sql), {"o": victim_node}))) >= at_least

        def frozen_holding() -> bool:
            # Freeze it, then look: what it holds cannot finish between the look and the kill.
            victim.proc.send_signal(signal.SIGSTOP)
            if victim_holds(1):
                return True
            victim.proc.send_signal(signal.SIGCONT)
            return False

        wait_for(lambda: victim_holds(3), 6, step=0.005)  # several if it can: a harder take-over
        assert wait_for(frozen_holding, 30, step=0.005), "the victim never held a claim"
        victim.kill()
        killed_at = time.time()
        held = {row[0]: row[1].replace(tzinfo=UTC).timestamp()
                for row in _query(db_url, held_sql, o=victim_node)}
        assert held, "the killed service held no claims"
        assert wait_for(lambda: receiver.tasks() >= tasks, 60), (
            f"lost: {sorted(tasks - receiver.tasks())[:10]}")
        assert wait_for(lambda: not _query(
            db_url, "SELECT id FROM runs WHERE state NOT IN ('delivered')"), 20)
        run_ids: dict[int, set[str]] = {}
        times: dict[str, list[float]] = {}
        for at, body, key in list(receiver.posts):
            run_ids.setdefault(body["task_id"], set()).add(key)
            times.setdefault(key, []).append(at)
            assert key == str(body["run_id"])
        assert all(len(keys) == 1 for keys in run_ids.values()), "a task went out under two run ids"
        resent = {int(k) for k, ts in times.items() if len(ts) > 1}
        assert resent <= set(held), f"re-sent runs the killed service did not hold: {resent}"
        for run_id in resent:  # never before the dead one's lease had run out
            assert sorted(times[str(run_id)])[1] >= held[run_id] - 0.05
        finished = dict(_query(db_url, "SELECT id, owner FROM runs"))
        assert all(finished[r] != victim_node for r in held), "a held run was not taken over"
        assert {o for o in finished.values()} - {victim_node}, "no survivor delivered"
        took_over = max(max(times[str(r)]) for r in held) - killed_at
        print(f"{nodes} nodes: {len(tasks)} tasks, {len(receiver.posts)} posts, 0 lost, "
              f"{len(held)} held by the killed node, {len(resent)} re-sent with the same key, "
              f"taken over within {took_over:.1f} s of the kill (lease {LEASE:g} s)")
    finally:
        poll.dispose()
        for svc in services:
            svc.kill()
        receiver.close()


def test_restarting_one_service_resends_nothing_of_the_live_one(tmp_path: Path,
                                                                db_url: str) -> None:
    receiver = SlowReceiver(delay=0.05)
    services = _services(tmp_path, db_url, receiver.url, 2)
    try:
        tasks = _add_due(db_url, 200, start=2, spread=10)
        live, restarted = services
        assert wait_for(lambda: len(receiver.posts) >= 40, 30)
        assert restarted.stop() == 0  # SIGTERM: it finishes or releases what it holds
        again = Serve(restarted.home, TASKD_DB=db_url, TASKD_LEASE_SECONDS=str(LEASE),
                      TASKD_HEARTBEAT_SECONDS=str(BEAT))
        services.append(again)
        again.wait_ready(60)
        assert wait_for(lambda: receiver.tasks() >= tasks, 60)
        status = run_cli(live.home, "status", "--json", TASKD_DB=db_url)
        assert status.returncode == 0, status.stderr
        listed = json.loads(status.stdout)["nodes"]
        assert sorted(n["pid"] for n in listed) == sorted([live.proc.pid, again.proc.pid])
        assert all(n["alive"] and n["host"] and n["last_heartbeat"] for n in listed)
        time.sleep(LEASE + BEAT)  # long enough that a wrong take-over would have shown
        keys = [key for _, _, key in receiver.posts]
        assert len(keys) == len(set(keys)) == len(tasks), "a run was sent twice"
        assert "took back" not in live.text() + again.text()
        assert "requeued" not in again.text()
    finally:
        for svc in services:
            svc.kill()
        receiver.close()
