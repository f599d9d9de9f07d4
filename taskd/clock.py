"""The one clock seam: code that needs "now" asks a Clock, so tests move time instead of sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps; compared with now() to detect sleep and clock steps."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock tests drive by hand. Wall and monotonic time move separately, to model suspend."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._wall = start.astimezone(UTC)
        self._mono = 1000.0

    def now(self) -> datetime:
        return self._wall

    def monotonic(self) -> float:
        return self._mono

    def advance(self, delta: timedelta) -> None:
        """Time passes normally: both clocks move."""
        self._wall += delta
        self._mono += delta.total_seconds()

    def jump_wall(self, delta: timedelta) -> None:
        """The wall clock is stepped (NTP, manual change, or a suspended machine waking up)."""
        self._wall += delta


def parse_now(value: str | None, zone_name: str, clock: Clock | None = None) -> datetime:
    """`--now` as the user gives it: ISO-8601, naive means local wall clock in `zone_name`."""
    from taskd.resolve.zones import get_zone, localize

    if value is None:
        return (clock or SystemClock()).now()
    from taskd.errors import BadInput

    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(f"--now {value!r} is not an ISO-8601 date-time") from exc
    if not 1 < parsed.year < 9999:  # a zone offset would carry it off the calendar
        raise BadInput(f"--now {value!r}: give a year from 2 to 9998")
    if parsed.tzinfo is None:
        return localize(parsed, get_zone(zone_name))
    return parsed
