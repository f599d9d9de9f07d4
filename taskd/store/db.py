"""Connections. SQLite by default: WAL, a busy timeout, BEGIN IMMEDIATE for writes, file mode 0600.

Why BEGIN IMMEDIATE: in WAL mode a transaction that reads and then writes gets SQLITE_BUSY at the
write when another writer got in first, and busy_timeout cannot help it (taskchampion#412).
Taking the write lock at BEGIN makes such transactions wait their turn instead.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlmodel import Session

from taskd.errors import BadInput, TaskdError, Unreachable
from taskd.redact import redact
from taskd.store.migrations import migrate

BUSY_TIMEOUT_MS = 10_000


class StoreError(TaskdError):
    """The database failed in a way the user should hear about in one line."""


def _prepare_sqlite_file(database: str) -> None:
    """Create the file 0600 if it is new; refuse, in one line that says what to fix, a path that
    cannot be a database (a directory, a read-only file or folder, a lost main file)."""
    path = Path(database)
    _check_sqlite_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        new = not path.exists()
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)
        if new:
            os.chmod(path, 0o600)
    except OSError as exc:
        raise _path_error(path, exc) from exc


def _check_sqlite_path(path: Path) -> None:
    if path.is_dir():
        raise BadInput(f"the database {path} is a directory; point TASKD_DB at a file, "
                       f"e.g. sqlite:///{path / 'taskd.db'}")
    if path.parent.exists() and not path.parent.is_dir():
        raise BadInput(f"{path.parent} is a file, not a folder: point TASKD_HOME (or TASKD_DB) "
                       "at a folder")
    if not path.exists():
        if path.parent.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
            raise _read_only_dir(path)
        return
    mode = path.stat().st_mode
    if not mode & stat.S_IWUSR:
        raise BadInput(f"the database {path} is read-only (mode {stat.S_IMODE(mode):04o}); "
                       f"taskd writes to it: chmod 600 {path}")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise _read_only_dir(path)
    if not os.access(path, os.R_OK | os.W_OK):
        raise BadInput(f"cannot write the database {path}: check its owner and mode "
                       f"(mode {stat.S_IMODE(mode):04o}, owner uid {path.stat().st_uid})")
    wal = path.with_name(path.name + "-wal")
    if path.stat().st_size == 0 and wal.exists() and wal.stat().st_size > 0:
        # A new database gets its header at once (journal_mode=WAL writes it), so an empty main
        # file beside a write-ahead log is a database whose file was lost or truncated: starting
        # afresh here would bury the log's tasks under a new schema.
        raise BadInput(f"the database {path} is empty but {wal.name} holds "
                       f"{wal.stat().st_size} bytes: the database file was truncated or replaced; "
                       f"restore it from a backup, or move both away to start afresh")


def _read_only_dir(path: Path) -> BadInput:
    return BadInput(f"the data folder {path.parent} is read-only; taskd keeps {path.name} and its "
                    "-wal and -shm files there: make it writable, or set TASKD_HOME (or TASKD_DB) "
                    "to a writable place")


def _path_error(path: Path, exc: OSError) -> TaskdError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _read_only_dir(path) if not path.exists() else BadInput(
            f"cannot open the database {path}: {exc.strerror}; check its owner and mode")
    if exc.errno == errno.ENOSPC:
        return StoreError(f"cannot create the database {path}: the disk is full; free some space")
    return StoreError(f"cannot open the database {path}: {exc.strerror or exc}")


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
        raise BadInput(f"TASKD_DB is not a database URL: {redact(url)!r}") from exc
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
        if parsed.get_backend_name() == "sqlite":  # a local file is never "cannot be reached"
            raise StoreError(f"cannot open the database {parsed.database}: "
                             f"{_first_line(exc)}") from exc
        raise Unreachable(f"cannot open the database: {_first_line(exc)}") from exc
    except (SQLAlchemyError, ModuleNotFoundError) as exc:
        raise StoreError(f"cannot open the database: {_first_line(exc)}") from exc
    _ENGINES[url] = engine
    return engine


_HINTS = {
    "database or disk is full": "the disk is full; free some space (nothing was written)",
    "attempt to write a readonly database": "the database is read-only; make it and its folder "
                                            "writable",
    "file is not a database": "the file is not a taskd database; move it away or set TASKD_DB",
}


def _first_line(exc: BaseException) -> str:
    """The driver's message in one line, in words that say what to do, with no password."""
    message = str(getattr(exc, "orig", None) or exc).strip()
    line = message.splitlines()[0] if message else type(exc).__name__
    return redact(_HINTS.get(line, line))


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
