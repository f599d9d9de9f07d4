"""Connections. SQLite by default: WAL, a busy timeout, BEGIN IMMEDIATE for writes, file mode 0600.

Why BEGIN IMMEDIATE: in WAL mode a transaction that reads and then writes gets SQLITE_BUSY at the
write when another writer got in first, and busy_timeout cannot help it (taskchampion#412).
Taking the write lock at BEGIN makes such transactions wait their turn instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlmodel import Session

from taskd.errors import BadInput, TaskdError, Unreachable
from taskd.store.migrations import migrate

BUSY_TIMEOUT_MS = 10_000


class StoreError(TaskdError):
    """The database failed in a way the user should hear about in one line."""


def _prepare_sqlite_file(database: str) -> None:
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _sqlite_engine(url: str, database: str) -> Engine:
    _prepare_sqlite_file(database)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how a transaction starts (pysqlite's own is wrong).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("taskd_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


_ENGINES: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine per URL per process, migrated to the current schema on first use."""
    if url in _ENGINES:
        return _ENGINES[url]
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise BadInput(f"TASKD_DB is not a database URL: {url!r}") from exc
    try:
        if parsed.get_backend_name() == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise BadInput("taskd needs a SQLite file, not an in-memory database")
            engine = _sqlite_engine(url, parsed.database)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        with engine.connect().execution_options(taskd_write=True) as conn, conn.begin():
            migrate(conn)
    except OperationalError as exc:
        raise Unreachable(f"cannot open the database: {_first_line(exc)}") from exc
    except (SQLAlchemyError, ModuleNotFoundError) as exc:
        raise StoreError(f"cannot open the database: {_first_line(exc)}") from exc
    _ENGINES[url] = engine
    return engine


def _first_line(exc: BaseException) -> str:
    message = str(getattr(exc, "orig", None) or exc)
    return message.strip().splitlines()[0] if message.strip() else type(exc).__name__


@contextmanager
def session(url: str, *, write: bool = False) -> Iterator[Session]:
    """A unit of work. `write=True` takes the write lock up front (BEGIN IMMEDIATE on SQLite).

    Commits on success, rolls back on any error: nothing is ever half written.
    """
    engine = engine_for(url)
    try:
        with (
            engine.connect().execution_options(taskd_write=write) as conn,
            conn.begin(),
            Session(bind=conn, expire_on_commit=False) as db,
        ):
            yield db
            db.flush()
    except OperationalError as exc:
        raise StoreError(f"database error: {_first_line(exc)}") from exc


def dispose_all() -> None:
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()
