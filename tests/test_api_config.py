"""`[api] listen` / TASKD_API_LISTEN and `taskd api token`, through the real CLI (in-process)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.cli import taskd


def config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text)


def test_token_is_made_once_private_and_printed_the_same(taskd_home: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    first = taskd(capsys, None, "api", "token")
    assert first.code == 0, first.err
    token = first.out.strip()
    assert len(token) >= 40 and "made a new token" in first.err
    path = taskd_home / "api-token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = taskd(capsys, None, "api", "token", "--json")
    data = again.json()
    assert data == {"token": token, "file": str(path), "created": False, "url": None}
    assert again.err == ""


def test_a_token_file_with_a_loose_mode_is_tightened(taskd_home: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    taskd_home.mkdir(parents=True)
    path = taskd_home / "api-token"
    path.write_text("s3cret-token-value\n")
    os.chmod(path, 0o644)
    assert taskd(capsys, None, "api", "token").out.strip() == "s3cret-token-value"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_listen_from_config_or_environment(taskd_home: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    config(taskd_home, '[api]\nlisten = "[::1]:9000"\n')
    assert taskd(capsys, None, "api", "token", "--json").json()["url"] == "http://[::1]:9000"
    monkeypatch.setenv("TASKD_API_LISTEN", "127.0.0.1:8377")  # the environment wins
    assert taskd(capsys, None, "api", "token", "--json").json()["url"] == "http://127.0.0.1:8377"


@pytest.mark.parametrize(("text", "words"), [
    ('[api]\nlisten = 8377\n', "[api] listen must be text in quotes"),
    ('[api]\nlisten = "8377"\n', "must be HOST:PORT"),
    ('[api]\nlisten = "example.org:80"\n', "is not an IP address"),
    ('[api]\nlisten = "127.0.0.1:http"\n', "must be a number from 0 to 65535"),
    ('[api]\nlisten = "127.0.0.1:70000"\n', "must be a number from 0 to 65535"),
    ('[api]\nlisen = "127.0.0.1:8377"\n', "[api] lisen must be a known key"),
    ('api = "on"\n', "api must be a table"),
])
def test_a_bad_listen_setting_is_one_line_naming_it(taskd_home: Path, text: str, words: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config(taskd_home, text)
    result = taskd(capsys, None, "status")
    assert result.code == 1
    assert words in result.err and len(result.err.strip().splitlines()) == 1, result.err


def test_a_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TASKD_API_LISTEN", "localhost")
    result = taskd(capsys, None, "status")
    assert result.code == 1 and "TASKD_API_LISTEN must be HOST:PORT" in result.err
