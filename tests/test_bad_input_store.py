"""Store faults: a database that cannot be used says what to fix in one line (exit 1, never 4:
a local file is not "cannot be reached"), and a full disk while serving loses nothing.

Read-only folders and full disks are real: a small tmpfs mounted for the test (root only; the
tests skip elsewhere), and an unprivileged user where permissions must bite (root ignores them).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from taskd.clock import FakeClock
from tests.cli import Result, taskd
from tests.conftest_service import Receiver, Serve, add_task, run_cli, wait_for, write_config

NOBODY = 65534


def one_line(result: Result | subprocess.CompletedProcess[str], code: int = 1) -> str:
    err = result.err if isinstance(result, Result) else result.stderr
    got = result.code if isinstance(result, Result) else result.returncode
    assert got == code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "internal error" not in err, err
    return lines[0]


@contextlib.contextmanager
def tmpfs(size: str) -> Iterator[Path]:
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small file system needs root")
    where = Path(tempfile.mkdtemp(prefix="taskd-tmpfs-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                           str(where)], capture_output=True, text=True)
    if done.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
        where.rmdir()


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` read-only for everyone, root included: a read-only bind mount of itself."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True,
                          text=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bind.stderr.strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def as_nobody(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as an unprivileged user (root passes every permission check)."""
    if os.geteuid() != 0:
        return run_cli(home, *args)
    from tests.conftest_service import TASKD, service_env

    try:
        return subprocess.run([*TASKD, *args], env=service_env(home), capture_output=True,
                              text=True, timeout=60, user=NOBODY, group=NOBODY, extra_groups=[])
    except PermissionError:
        pytest.skip("this Python cannot be run by an unprivileged user (it lives under /root)")


@pytest.fixture
def nobody_home() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="taskd-perm-"))
    root.chmod(0o755)
    home = root / "home"
    home.mkdir()
    if os.geteuid() == 0:
        os.chown(home, NOBODY, NOBODY)
    yield home
    home.chmod(0o700)
    shutil.rmtree(root, ignore_errors=True)


def test_a_database_path_that_is_a_directory(capsys: pytest.CaptureFixture[str], clock: FakeClock,
                                             taskd_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = taskd_home / "db"
    folder.mkdir(parents=True)
    monkeypatch.setenv("TASKD_DB", f"sqlite:///{folder}")
    for args in (("list",), ("add", "call mom tomorrow at 6pm"), ("status",)):
        line = one_line(taskd(capsys, clock, *args))
        assert "is a directory" in line and "TASKD_DB" in line
    assert list(folder.iterdir()) == []


def test_a_read_only_database_file_is_not_made_writable(capsys: pytest.CaptureFixture[str],
                                                        clock: FakeClock, taskd_home: Path) -> None:
    assert taskd(capsys, clock, "add", "call mom tomorrow at 6pm").code == 0
    db = taskd_home / "taskd.db"
    from taskd.store.db import dispose_all

    dispose_all()
    db.chmod(0o400)
    for args in (("list",), ("add", "water plants tomorrow at 9am"), ("rm", "1")):
        line = one_line(taskd(capsys, clock, *args))
        assert "read-only (mode 0400)" in line and f"chmod 600 {db}" in line
    assert db.stat().st_mode & 0o777 == 0o400  # taskd left the user's choice alone


def test_a_read_only_database_file_as_an_ordinary_user(nobody_home: Path) -> None:
    assert as_nobody(nobody_home, "add", "call mom tomorrow at 6pm").returncode == 0
    (nobody_home / "taskd.db").chmod(0o400)
    assert "read-only (mode 0400)" in one_line(as_nobody(nobody_home, "list"))


def test_a_read_only_data_folder_says_so_with_exit_1(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with read_only(home):  # no database yet: it cannot be created
        line = one_line(run_cli(home, "add", "call mom tomorrow at 6pm"))
        assert f"the data folder {home} is read-only" in line and "TASKD_HOME" in line
    assert run_cli(home, "add", "call mom tomorrow at 6pm").returncode == 0
    with read_only(home):  # a database, but its -wal and -shm cannot be written beside it
        for args in (("list",), ("add", "water plants tomorrow at 9am"), ("rm", "1")):
            assert "is read-only" in one_line(run_cli(home, *args))
    assert run_cli(home, "list").stdout.count("Call mom") == 1


def test_a_read_only_data_folder_as_an_ordinary_user(nobody_home: Path) -> None:
    nobody_home.chmod(0o500)
    line = one_line(as_nobody(nobody_home, "add", "call mom tomorrow at 6pm"))
    assert f"the data folder {nobody_home} is read-only" in line


def test_a_read_only_file_system() -> None:
    with tmpfs("4m") as where:
        home = where / "home"
        assert run_cli(home, "add", "call mom tomorrow at 6pm").returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
        for args in (("list",), ("add", "water plants tomorrow at 9am"), ("status",)):
            line = one_line(run_cli(home, *args))
            assert "is read-only" in line


def test_an_empty_database_beside_its_wal_is_not_started_afresh(
        capsys: pytest.CaptureFixture[str], clock: FakeClock, taskd_home: Path) -> None:
    assert taskd(capsys, clock, "add", "call mom tomorrow at 6pm").code == 0
    from taskd.store.db import dispose_all

    dispose_all()
    db, wal = taskd_home / "taskd.db", taskd_home / "taskd.db-wal"
    wal.write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 4096)  # what survives when the main file is lost
    db.write_bytes(b"")
    for args in (("list",), ("add", "water plants tomorrow at 9am")):
        line = one_line(taskd(capsys, clock, *args))
        assert "is empty but taskd.db-wal holds 4100 bytes" in line
    assert db.stat().st_size == 0 and wal.stat().st_size == 4100


def test_an_empty_database_file_alone_is_a_new_one(capsys: pytest.CaptureFixture[str],
                                                   clock: FakeClock, taskd_home: Path) -> None:
    taskd_home.mkdir(parents=True)
    (taskd_home / "taskd.db").write_bytes(b"")  # `touch taskd.db`: really new
    assert taskd(capsys, clock, "add", "call mom tomorrow at 6pm").code == 0
    assert taskd(capsys, clock, "list", "--json").json()[0]["title"] == "Call mom"


def test_a_file_that_is_not_a_database(capsys: pytest.CaptureFixture[str], clock: FakeClock,
                                       taskd_home: Path) -> None:
    taskd_home.mkdir(parents=True)
    (taskd_home / "taskd.db").write_bytes(os.urandom(4096))
    assert "not a taskd database" in one_line(taskd(capsys, clock, "list"))


def _fill(where: Path) -> Path:
    filler = where / "filler"
    with filler.open("wb") as out, contextlib.suppress(OSError):
        while True:
            out.write(b"\0" * 65536)
            out.flush()
    return filler


def test_a_full_disk_while_serving_loses_no_run() -> None:
    """The disk fills up under a running service: it keeps running, says why in one line a poll,
    and the due run stays pending; once space is freed it is delivered, once."""
    receiver = Receiver()
    with tmpfs("3m") as where:
        home = where / "home"
        write_config(home, receiver.url)
        serve = Serve(home)
        try:
            serve.wait_ready()
            filler = _fill(where)
            now = datetime.now(UTC)
            from datetime import timedelta

            with contextlib.suppress(Exception):  # the disk is full: it may not even be added
                add_task(f"sqlite:///{home}/taskd.db", now, first=now + timedelta(seconds=1))
            added = _pending(home)
            if not added:  # full before the add: free a little, add, fill again
                filler.unlink()
                add_task(f"sqlite:///{home}/taskd.db", now, first=now + timedelta(seconds=2))
                filler = _fill(where)
            assert wait_for(lambda: "disk is full" in serve.text(), timeout=20), serve.text()
            assert serve.proc.poll() is None, serve.text()
            assert receiver.total() == 0 and _pending(home) == 1
            full_lines = [line for line in serve.text().splitlines() if "disk is full" in line]
            assert all("tick failed" in line for line in full_lines)
            assert "Traceback" not in serve.text()
            filler.unlink()
            assert wait_for(lambda: receiver.total() == 1, timeout=20), serve.text()
            assert serve.stop() == 0
        finally:
            serve.kill()
            receiver.close()
    assert receiver.total() == 1


def _pending(home: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{home}/taskd.db?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM runs WHERE state IN ('pending', 'claimed')")
                   .fetchone()[0])


def test_a_home_that_is_a_file(capsys: pytest.CaptureFixture[str], clock: FakeClock,
                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder")
    monkeypatch.setenv("TASKD_HOME", str(home))
    assert "is a file, not a folder" in one_line(taskd(capsys, clock, "list"))
    assert home.read_text() == "not a folder"


def test_a_service_that_starts_on_a_full_disk_exits_in_one_line() -> None:
    with tmpfs("3m") as where:
        home = where / "home"
        assert run_cli(home, "add", "call mom tomorrow at 6pm").returncode == 0
        filler = _fill(where)
        line = one_line(run_cli(home, "serve"))
        assert "disk is full" in line
        filler.unlink()
        assert _pending(home) == 1  # the run it would have fired is still there
