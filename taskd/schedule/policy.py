"""Catch-up policy: what a run that is found late (downtime, sleep, clock step) does.

Defaults come from config.toml [service]; a task's own row in task_policies wins:

    [service]
    catch_up = "once"        # once: fire the latest missed run, marked late; skip: fire nothing
    grace = "12h"            # runs later than this are recorded as missed, not fired (default: none)
    on_time = 60             # seconds: a run fired within this is on time, not late
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from taskd.errors import BadInput

CATCH_UP = ("once", "skip")


@dataclass(frozen=True)
class Policy:
    catch_up: str = "once"
    grace: timedelta | None = None  # None: a missed reminder is better late than never


@dataclass(frozen=True)
class Defaults:
    policy: Policy = Policy()
    on_time: timedelta = timedelta(seconds=60)


def _seconds(value: Any, key: str) -> timedelta | None:
    if value is None or value == "" or value == "none":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return timedelta(seconds=value)
    if isinstance(value, str):
        from taskd.resolve.durations import parse_duration

        return parse_duration(value)
    raise BadInput(f"config.toml [service] {key} must be seconds or a duration like \"2h\"")


def from_config(raw: dict[str, Any]) -> Defaults:
    section = raw.get("service", {})
    if not isinstance(section, dict):
        raise BadInput("config.toml: [service] must be a table")
    catch_up = str(section.get("catch_up", "once"))
    if catch_up not in CATCH_UP:
        raise BadInput(f"config.toml [service] catch_up must be one of {', '.join(CATCH_UP)}")
    on_time = _seconds(section.get("on_time", 60), "on_time") or timedelta(seconds=60)
    return Defaults(Policy(catch_up, _seconds(section.get("grace"), "grace")), on_time)


def for_row(catch_up: str | None, grace_seconds: int | None, defaults: Defaults) -> Policy:
    """A task's policy row over the defaults."""
    chosen = catch_up if catch_up in CATCH_UP else defaults.policy.catch_up
    grace = timedelta(seconds=grace_seconds) if grace_seconds is not None else defaults.policy.grace
    return Policy(chosen, grace)
