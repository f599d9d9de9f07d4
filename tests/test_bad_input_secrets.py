"""A DSN's password is never printed: not by `status`, not in the service's log, not in errors
(issue 11 "Secrets", issue 13 §6). Against a real PostgreSQL (trust auth ignores the password)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from taskd.redact import redact
from tests import postgres
from tests.conftest_service import Serve, run_cli, wait_for

SECRET = "s3cret-Pa55"


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    yield from postgres.cluster_or_skip()


@pytest.fixture
def secret_url(pg_url: str) -> str:
    return pg_url.replace("://taskd@", f"://taskd:{SECRET}@")


def test_status_does_not_print_the_password(tmp_path: Path, secret_url: str) -> None:
    for args in (("status", "--json"), ("status",)):
        done = run_cli(tmp_path, *args, TASKD_DB=secret_url)
        assert done.returncode == 0, done.stderr
        assert SECRET not in done.stdout + done.stderr
    data = json.loads(run_cli(tmp_path, "status", "--json", TASKD_DB=secret_url).stdout)
    assert data["database"] == secret_url.replace(SECRET, "***")


def test_the_service_log_does_not_print_the_password(tmp_path: Path, secret_url: str) -> None:
    serve = Serve(tmp_path, TASKD_DB=secret_url)
    try:
        serve.wait_ready()
        assert wait_for(lambda: "serving" in serve.text())
        assert serve.stop() == 0
    finally:
        serve.kill()
    assert "taskd:***@" in serve.text() and SECRET not in serve.text()


def test_errors_do_not_print_the_password(tmp_path: Path) -> None:
    for url in (f"postgresql+psycopg://taskd:{SECRET}@127.0.0.1:1/taskd",  # nothing listens
                f"postgresql+psycopg://taskd:{SECRET}@[::1/taskd",
                f"not a url://taskd:{SECRET}@x"):
        done = run_cli(tmp_path, "list", TASKD_DB=url)
        assert done.returncode in (1, 4), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert SECRET not in done.stdout + done.stderr


@pytest.mark.parametrize(("text", "shown"), [
    ("postgresql+psycopg://taskd:s3cret@127.0.0.1:5432/taskd",
     "postgresql+psycopg://taskd:***@127.0.0.1:5432/taskd"),
    ("postgresql://u:p@ss@h/db", "postgresql://u:***@ss@h/db"),  # as SQLAlchemy splits it
    ("postgresql://u@h/db", "postgresql://u@h/db"),
    ("postgresql://u:@h/db", "postgresql://u:@h/db"),
    ("sqlite:////home/me/taskd.db", "sqlite:////home/me/taskd.db"),
    ("postgresql://h/db?sslmode=require&password=zz", "postgresql://h/db?sslmode=require&password=***"),
    ("host=h password='a b' dbname=x", "host=h password=*** dbname=x"),
    ("cannot open postgresql://a:b@h/d: refused", "cannot open postgresql://a:***@h/d: refused"),
])
def test_redact(text: str, shown: str) -> None:
    assert redact(text) == shown
