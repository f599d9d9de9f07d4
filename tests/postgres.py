"""A throwaway PostgreSQL cluster on loopback for tests: initdb, start, yield a URL, stop."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN_DIRS = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"]


def find_bin(name: str) -> str | None:
    for folder in BIN_DIRS:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def cluster() -> Iterator[str]:
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="taskd-pg-"))
    data = root / "data"
    # PostgreSQL refuses to run as root; run it as the postgres user then.
    prefix: list[str] = []
    if os.geteuid() == 0:
        prefix = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    port = _free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run([*prefix, initdb, "-D", str(data), "-U", "taskd", "--auth=trust", "-E", "UTF8"],
                   **run)  # type: ignore[call-overload]
    subprocess.run([*prefix, pg_ctl, "-D", str(data), "-w", "-l", str(root / "log"), "-o",
                    f"-h 127.0.0.1 -p {port} -k {root} -F", "start"], **run)  # type: ignore[call-overload]
    try:
        yield f"postgresql+psycopg://taskd@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def cluster_or_skip() -> Iterator[str]:
    """A test module's PostgreSQL: a real cluster, or a skip where the server binaries are
    missing, except under CI (TASKD_REQUIRE_POSTGRES), where a missing server is a failure."""
    import pytest

    try:
        with cluster() as url:
            yield url
    except FileNotFoundError as exc:
        if os.environ.get("TASKD_REQUIRE_POSTGRES"):
            raise
        pytest.skip(str(exc))
