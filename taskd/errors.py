"""Errors users see. Each carries one line of text, the CLI exit code the contract gives it, and
the `code` string (and HTTP status) the API answers with (CONTRACT.md §3, §6)."""

from __future__ import annotations

import errno
from typing import Any


class TaskdError(Exception):
    """Base error: printed as one line on stderr, never as a traceback."""

    exit_code = 1
    code = "error"
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(TaskdError):
    """The user's input cannot be used (empty text, unknown zone, impossible date)."""

    code = "bad_input"
    http_status = 400


class PastTime(BadInput):
    """An explicit time that has already passed; never silently moved."""


class NotFound(BadInput):
    """No task with that id."""

    code = "not_found"
    http_status = 404


class Conflict(BadInput):
    """The request is fine but the task's state refuses it (resume a task that is not paused)."""

    code = "conflict"
    http_status = 409


class NeedsClarification(TaskdError):
    """The text cannot be scheduled without asking; `question` is what to ask, `payload` the
    parse object (`taskd parse --json`) so that a face can show the preview with the question."""

    exit_code = 3
    code = "needs_clarification"
    http_status = 422

    def __init__(self, question: str, payload: dict[str, Any] | None = None) -> None:
        super().__init__(question)
        self.question = question
        self.payload = payload


class Unreachable(TaskdError):
    """The service or the model endpoint cannot be reached."""

    exit_code = 4
    code = "unreachable"
    http_status = 503


class ExtractionFailed(TaskdError):
    """The model kept producing output that does not validate."""

    code = "extraction_failed"
    http_status = 502

    def __init__(self, message: str, attempts: int = 0, last_raw: str | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_raw = last_raw


# Faults of the machine, not of taskd, wherever they strike (the lock file, a log, the socket):
# what to fix. The CLI exits 1 on them (4 is for what cannot be reached); MCP answers "fault".
FAULTS = {
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EDQUOT: "the disk quota is used up; free some space and try again",
    errno.EROFS: "taskd cannot write here: the file system is read-only",
    errno.EACCES: "permission denied; check the owner and mode of the file",
}


def fault_line(exc: BaseException) -> str | None:
    """The words for an OSError in FAULTS, with the file it struck; None for anything else."""
    if not isinstance(exc, OSError) or exc.errno not in FAULTS:
        return None
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{FAULTS[exc.errno]}{where}"
