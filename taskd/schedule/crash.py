"""A test seam: TASKD_TEST_CRASH_AT=<point> makes the service SIGKILL itself at that point.

Points: before_claim (woke up, due runs exist, nothing claimed), after_claim (claimed, nothing
sent), after_deliver (sent, not yet recorded). Only crash tests set the variable; a normal
environment never has it, and then this is one dictionary lookup.
"""

from __future__ import annotations

import os
import signal


def armed(point: str) -> bool:
    return os.environ.get("TASKD_TEST_CRASH_AT") == point


def point(name: str) -> None:
    if armed(name):
        os.kill(os.getpid(), signal.SIGKILL)
