"""The bearer token of the TCP API: one random line in the data dir, mode 0600.

Light (stdlib only): `taskd api token` and the service both read it.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from taskd.errors import TaskdError

if TYPE_CHECKING:
    from taskd.settings import Settings

FILE_NAME = "api-token"


def token_path(settings: Settings) -> Path:
    return settings.paths.data_dir / FILE_NAME


def read_token(settings: Settings) -> str | None:
    """The stored token, or None when there is none yet (or the file holds nothing usable)."""
    path = token_path(settings)
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise TaskdError(f"cannot read the API token {path}: {exc}") from exc
    return text or None


def ensure_token(settings: Settings) -> tuple[str, bool]:
    """The token, created on first use. Returns (token, created)."""
    existing = read_token(settings)
    if existing:
        _tighten(token_path(settings))
        return existing, False
    path = token_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(32)
    # O_EXCL with mode 0600: never a moment where another user could read it, and two callers
    # racing to create it end with one token (the loser reads the winner's).
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        again = read_token(settings)
        if again:
            return again, False
        path.unlink(missing_ok=True)  # an empty file left by a crash: make a real one
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token + "\n")
    return token, True


def _tighten(path: Path) -> None:
    # A token file copied in with a loose mode is as good as public: put it back to 0600.
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)


def matches(given: str | None, expected: str | None) -> bool:
    """Constant-time compare; no token configured or none given never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())
