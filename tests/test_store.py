"""The store on real databases: SQLite file (WAL, 0600, busy handling) and a real PostgreSQL."""

from __future__ import annotations

import multiprocessing
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import func, select

from taskd.draft import Draft, Schedule
from taskd.errors import NotFound
from taskd.resolve import resolve
from taskd.store import repo
from taskd.store.db import dispose_all, session
from taskd.store.tables import Event, Run, Task
from tests import postgres
from tests.conftest import local

NOW = local("2026-11-21T10:00:00")


def _add(url: str, text: str = "call mom", rule: str | None = "FREQ=WEEKLY;BYDAY=SU") -> int:
    draft = Draft(title=text, schedule=Schedule(rrule=rule, time="18:00", time_source="explicit")
                  if rule else Schedule(date="2026-11-22", time="18:00", time_source="explicit"))
    resolved = resolve(draft, NOW, "Europe/Berlin")
    with session(url, write=True) as db:
        task = repo.create(db, text=text, draft_json=draft.model_dump_json(), backend="rules",
                           title=text, kind="reminder", message=text, resolved=resolved,
                           time_source="explicit", daypart=None, now=NOW)
        assert task.id is not None
        return task.id


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    yield from postgres.cluster_or_skip()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, taskd_home: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{taskd_home}/taskd.db"
    else:
        pg = request.getfixturevalue("pg_url")
        yield pg
        dispose_all()
        from sqlalchemy import create_engine, text

        engine = create_engine(pg)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()


def test_add_writes_task_first_run_and_event_in_one_go(url: str) -> None:
    task_id = _add(url)
    with session(url) as db:
        task = repo.get(db, task_id)
        runs = db.exec(select(Run).where(Run.task_id == task_id)).all()
        events = db.exec(select(Event).where(Event.task_id == task_id)).all()
    assert task.rrule == "FREQ=WEEKLY;BYDAY=SU;BYHOUR=18;BYMINUTE=0;BYSECOND=0"
    assert str(task.next_fire_at) == "2026-11-22 17:00:00+00:00"  # aware on the way back
    assert [(r.state, str(r.scheduled_for)) for r in runs] == [("pending", "2026-11-22 17:00:00+00:00")]
    assert [e.kind for e in events] == ["created"]


def test_a_failed_transaction_leaves_nothing(url: str) -> None:
    with pytest.raises(RuntimeError), session(url, write=True) as db:
        db.add(Task(title="half", source_text="x", draft_json="{}", backend="rules", tz="UTC",
                    first_at=NOW, created_at=NOW, updated_at=NOW))
        db.flush()
        raise RuntimeError("crash mid-write")
    with session(url) as db:
        assert db.exec(select(func.count()).select_from(Task)).one() == 0


def test_lifecycle_pause_resume_remove(url: str) -> None:
    task_id = _add(url)
    later = local("2026-11-23T10:00:00")
    with session(url, write=True) as db:
        repo.pause(db, repo.get(db, task_id), NOW, None)
    with session(url, write=True) as db:
        repo.resume(db, repo.get(db, task_id), later)  # Sunday's run fell due while paused
    with session(url) as db:
        states = {str(r.scheduled_for): r.state for r in db.exec(select(Run))}
        assert states["2026-11-22 17:00:00+00:00"] == "skipped"
        assert str(repo.get(db, task_id).next_fire_at) == "2026-11-29 17:00:00+00:00"
    with session(url, write=True) as db:
        repo.remove(db, repo.get(db, task_id), later)
    with session(url) as db, pytest.raises(NotFound):
        repo.get(db, task_id)


def test_sqlite_file_is_private_and_in_wal_mode(taskd_home: Path) -> None:
    url = f"sqlite:///{taskd_home}/taskd.db"
    _add(url)
    path = taskd_home / "taskd.db"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrations_run_once(taskd_home: Path) -> None:
    url = f"sqlite:///{taskd_home}/taskd.db"
    _add(url)
    dispose_all()
    _add(url)
    names = sqlite3.connect(taskd_home / "taskd.db").execute(
        "SELECT name FROM _taskd_migrations").fetchall()
    assert len(names) == len(set(names)) >= 1


def _writer(url: str, prefix: str, count: int) -> None:
    for i in range(count):
        _add(url, f"{prefix} {i}")


def test_two_processes_writing_at_once_lose_nothing(taskd_home: Path) -> None:
    url = f"sqlite:///{taskd_home}/taskd.db"
    _add(url, "warm up")  # create and migrate before the race
    dispose_all()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(url, name, 50)) for name in ("a", "b")]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    with session(url) as db:
        assert db.exec(select(func.count()).select_from(Task)).one() == 101
        assert db.exec(select(func.count()).select_from(Run)).one() == 101
