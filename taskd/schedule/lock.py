"""One service per database: an exclusive flock on a lock file next to the database.

flock is released by the kernel when the process dies, however it dies (SIGKILL included), so a
crashed service never leaves a stale lock behind; the pid inside is only for the message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import TYPE_CHECKING

from taskd.errors import TaskdError

if TYPE_CHECKING:
    from taskd.settings import Settings


class AlreadyRunning(TaskdError):
    def __init__(self, pid: int | None) -> None:
        super().__init__(f"already running (pid {pid if pid else '?'})")
        self.pid = pid


def lock_path(settings: Settings) -> Path:
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(url.database + ".lock")
    return settings.paths.data_dir / "taskd.lock"


def holder(settings: Settings) -> int | None:
    """The pid of the running service, or None when nobody holds the lock."""
    path = lock_path(settings)
    if not path.exists():
        return None
    with path.open("r") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = handle.read().strip()
            return int(text) if text.isdigit() else 0
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None


class ServiceLock:
    def __init__(self, settings: Settings) -> None:
        self.path = lock_path(settings)
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.read(fd, 32).decode(errors="replace").strip()
            os.close(fd)
            raise AlreadyRunning(int(text) if text.isdigit() else None) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ServiceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
