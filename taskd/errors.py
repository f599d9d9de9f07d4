"""Errors users see. Each carries one line of text and the CLI exit code the contract gives it."""

from __future__ import annotations


class TaskdError(Exception):
    """Base error: printed as one line on stderr, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(TaskdError):
    """The user's input cannot be used (empty text, unknown zone, impossible date)."""


class PastTime(BadInput):
    """An explicit time that has already passed; never silently moved."""


class NotFound(BadInput):
    """No task with that id."""


class NeedsClarification(TaskdError):
    """The text cannot be scheduled without asking; `question` is what to ask."""

    exit_code = 3

    def __init__(self, question: str) -> None:
        super().__init__(question)
        self.question = question


class Unreachable(TaskdError):
    """The service or the model endpoint cannot be reached."""

    exit_code = 4


class ExtractionFailed(TaskdError):
    """The model kept producing output that does not validate."""

    def __init__(self, message: str, attempts: int = 0, last_raw: str | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_raw = last_raw
