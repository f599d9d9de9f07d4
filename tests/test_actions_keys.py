"""The action-link key belongs to the database, not the node: made once per database (two nodes
starting at once end with one key, on SQLite and on a real PostgreSQL), a node's old key file is
moved in when the database has none, and a link signed by one node is answered through another."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.deliver import actions
from taskd.store import repo
from taskd.store.db import dispose_all, session
from taskd.store.secret_tables import Secret
from taskd.store.tables import Event, Run
from tests import postgres
from tests.conftest import local
from tests.conftest_service import add_task
from tests.test_actions_channels import ActServer, http

START = local("2026-03-02T08:00:00")


@pytest.fixture(autouse=True)
def fresh_keys() -> Iterator[None]:
    actions._keys.clear()
    actions._noted.clear()
    actions._defaults.clear()
    yield
    actions._keys.clear()


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    yield from postgres.cluster_or_skip()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/shared.db"
        return
    pg = request.getfixturevalue("pg_url")
    yield pg
    dispose_all()
    engine = create_engine(pg)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def _home(root: Path, name: str, db: str, monkeypatch: pytest.MonkeyPatch,
          config: str = "") -> settings_mod.Settings:
    """One node's settings: its own TASKD_HOME (and key file, if any), the shared database."""
    home = root / name
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(config)
    monkeypatch.setenv("TASKD_HOME", str(home))
    monkeypatch.setenv("TASKD_DB", db)
    return settings_mod.load()


def _key_file(settings: settings_mod.Settings, key: bytes, mode: int = 0o600) -> Path:
    path = actions.key_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key.hex() + "\n")
    os.chmod(path, mode)
    return path


def _rows(db_url: str) -> list[Secret]:
    with session(db_url) as db:
        return list(db.exec(select(Secret)))


def test_the_key_is_the_databases_made_once_and_no_file(
        taskd_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db_url = f"sqlite:///{tmp_path}/shared.db"
    a = _home(tmp_path, "a", db_url, monkeypatch)
    key = actions.load_key(a)
    assert len(key) == 32 and not actions.key_path(a).exists()
    (row,) = _rows(db_url)
    assert row.name == "action_key" and bytes.fromhex(row.value) == key
    actions._keys.clear()  # a restart: read back, not remade
    assert actions.load_key(a) == key
    actions._keys.clear()
    b = _home(tmp_path, "b", db_url, monkeypatch)
    assert actions.load_key(b) == key and len(_rows(db_url)) == 1
    other = _home(tmp_path, "c", f"sqlite:///{tmp_path}/other.db", monkeypatch)
    assert actions.load_key(other) != key  # another database, another key


def test_an_old_key_file_moves_in_and_links_sent_before_keep_working(
        taskd_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="taskd.deliver")
    db_url = f"sqlite:///{tmp_path}/shared.db"
    a = _home(tmp_path, "a", db_url, monkeypatch)
    old = bytes(range(32))
    path = _key_file(a, old)
    exp = int((START + timedelta(days=7)).timestamp())
    sent = actions.sign(old, 4, "done", "mail", exp)  # a link mailed before the upgrade
    assert actions.load_key(a) == old
    assert bytes.fromhex(_rows(db_url)[0].value) == old
    actions.verify(actions.load_key(a), 4, "done", "mail", exp, sent, START)
    assert path.read_text().strip() == old.hex()  # left in place
    assert caplog.text.count("no longer used") == 1
    actions._keys.clear()
    path.write_text("ff" * 32 + "\n")  # no longer read: a changed file changes nothing
    assert actions.load_key(a) == old
    assert caplog.text.count("no longer used") == 1  # said once per process
    # Node B kept its own key; the database already has one, so B signs and verifies with that.
    actions._keys.clear()
    b = _home(tmp_path, "b", db_url, monkeypatch)
    _key_file(b, b"\x07" * 32)
    assert actions.load_key(b) == old and len(_rows(db_url)) == 1
    assert "links this node signed with the file stop working" in caplog.text


def test_a_key_file_others_could_read_is_not_moved_in(
        taskd_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="taskd.deliver")
    a = _home(tmp_path, "a", f"sqlite:///{tmp_path}/shared.db", monkeypatch)
    old = bytes(range(32))
    _key_file(a, old, 0o644)
    key = actions.load_key(a)
    assert key != old and len(key) == 32 and "was mode 644: not moved" in caplog.text


def _node(home: str, db_url: str, barrier: threading.Barrier, out: multiprocessing.Queue) -> None:
    # A fresh process (spawn): its own cache and engines, like a second `taskd serve`.
    os.environ.update(TASKD_HOME=home, TASKD_DB=db_url, TASKD_TZ="Europe/Berlin")
    settings = settings_mod.load()
    barrier.wait(30)
    out.put(actions.load_key(settings).hex())


def test_nodes_starting_together_on_sqlite_end_with_one_key(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path}/shared.db"
    assert _rows(db_url) == []  # migrated here first, so the nodes race at the key, not the schema
    spawn = multiprocessing.get_context("spawn")
    barrier, out = spawn.Barrier(3), spawn.Queue()
    procs = [spawn.Process(target=_node, args=(str(tmp_path / f"n{i}"), db_url, barrier, out))
             for i in range(3)]
    for proc in procs:
        proc.start()
    got = [out.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(30)
        assert proc.exitcode == 0
    assert len(set(got)) == 1
    assert [row.value for row in _rows(db_url)] == got[:1]
    dispose_all()


def test_concurrent_offers_store_one_key(url: str) -> None:
    """Each thread its own connection, each offering its own key at once: the first row wins and
    every caller gets it back (a read-then-insert would fail or hand out two keys)."""
    barrier = threading.Barrier(6)
    got: list[bytes] = []
    with session(url):  # the schema first: this is the key's race, not the first migration's
        pass

    def offer(index: int) -> None:
        barrier.wait(20)
        got.append(actions._store(url, bytes([index]) * 32))

    threads = [threading.Thread(target=offer, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(got) == 6 and len(set(got)) == 1 and got[0] in {bytes([i]) * 32 for i in range(6)}
    assert [bytes.fromhex(row.value) for row in _rows(url)] == got[:1]


def _fired(db_url: str) -> tuple[int, int]:
    task_id = add_task(db_url, START, first=START + timedelta(minutes=1))
    with session(db_url, write=True) as db:
        run = db.exec(select(Run).where(Run.task_id == task_id)).one()
        run.state, run.fired_at, run.owner = "delivered", START + timedelta(minutes=1), "node-a"
        db.add(run)
        assert run.id is not None
        return task_id, run.id


def test_a_link_node_a_signed_is_answered_once_through_node_b(
        url: str, taskd_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeClock(START + timedelta(minutes=4))
    a = _home(tmp_path, "a", url, monkeypatch, '[api]\npublic_url = "https://tasks.example.org"\n')
    _key_file(a, b"\x0a" * 32)  # each node still has its own old file: neither decides
    task_id, run_id = _fired(url)
    done = actions.links(a, run_id, "hook", fake.now())[0]
    actions._keys.clear()  # node B is another process: nothing cached from A
    api = ActServer()
    b = _home(tmp_path, "b", url, monkeypatch)
    _key_file(b, b"\x0b" * 32)
    actions.verify(actions.load_key(b), run_id, "done", "hook", done.exp, done.sig, fake.now())
    assert done.url is not None
    query = done.url.split("?", 1)[1]
    try:
        api.start(b, fake)
        target = f"{api.url}/v1/runs/{run_id}/act?{query}"
        status, body = http(target)
        assert status == 200 and json.loads(body)["answered"] == "done", body
        status, body = http(target)
        assert status == 409 and json.loads(body)["code"] == "conflict"
        forged = target.replace(f"sig={done.sig}", "sig=" + "A" * len(done.sig))
        assert http(forged)[0] == 403
    finally:
        api.close()
    with session(url) as db:
        assert repo.get(db, task_id).status == "done"
        assert len(db.exec(select(Event).where(Event.kind == "done")).all()) == 1
    assert actions.load_key(b) == b"\x0a" * 32  # A came first: its file moved in, B's is unused
