"""Send to one channel with retries and exponential backoff; every attempt is reported.

Backoff waits on the stop event, so SIGTERM does not sit out a 30-second back-off.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from taskd.deliver.base import Channel, DeliveryError, Skipped
from taskd.fire.message import Message

MAX_BACKOFF = 300.0


@dataclass(frozen=True)
class Attempt:
    channel: str
    attempt: int
    at: datetime
    ok: bool
    detail: str


def _scale() -> float:
    # Tests shrink back-off with TASKD_BACKOFF_SCALE=0.01 instead of sleeping for real seconds.
    try:
        return float(os.environ.get("TASKD_BACKOFF_SCALE", "1"))
    except ValueError:
        return 1.0


def send_with_retries(channel: Channel, message: Message, now: Callable[[], datetime],
                      stop: threading.Event | None = None) -> tuple[bool, list[Attempt], bool]:
    """Returns (ok, attempts, interrupted). `interrupted`: stop was set before retries ran out."""
    attempts: list[Attempt] = []
    delay = channel.backoff * _scale()
    for number in range(1, channel.retries + 2):
        at = now()
        try:
            detail = channel.send(message)
            attempts.append(Attempt(channel.name, number, at, True, detail))
            return True, attempts, False
        except Skipped as exc:
            attempts.append(Attempt(channel.name, number, at, True, f"skipped: {exc.message}"))
            return True, attempts, False
        except DeliveryError as exc:
            attempts.append(Attempt(channel.name, number, at, False, exc.message))
            if not exc.retry:
                return False, attempts, False
        except Exception as exc:  # a channel bug must not take the service down with it
            attempts.append(Attempt(channel.name, number, at, False, f"{type(exc).__name__}: {exc}"))
        if number <= channel.retries:
            if stop is not None and stop.wait(delay):
                return False, attempts, True
            if stop is None and delay > 0:
                threading.Event().wait(delay)
            delay = min(delay * 2, MAX_BACKOFF)
    return False, attempts, False
