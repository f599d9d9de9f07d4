"""Wall clock <-> instant, with the one DST policy taskd has.

- A wall time that does not exist (spring-forward gap) fires at the next valid instant: the moment
  the clocks jump. 02:30 on 2025-03-09 in New York fires at 03:00 EDT.
- A wall time that happens twice (autumn fold) fires once, at its first occurrence (fold=0).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from taskd.tz import get_zone

__all__ = ["exists", "get_zone", "localize", "wall"]


def exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """The instant at which wall-clock `naive` happens in `zone`, by the policy above."""
    first = naive.replace(tzinfo=zone, fold=0)
    if exists(naive, zone):
        return first
    # In a gap: fold=1 reads the wall time with the pre-gap offset (an instant before the jump),
    # fold=0 with the post-gap one (after it). The jump lies between; find it to the second.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = first.astimezone(UTC)
    if low > high:
        low, high = high, low
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        if mid.astimezone(zone).replace(tzinfo=None) >= naive:
            high = mid
        else:
            low = mid
    return high.replace(microsecond=0).astimezone(zone)


def wall(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive local wall-clock reading of an aware instant."""
    if instant.tzinfo is None:
        raise ValueError("wall() needs an aware datetime")
    return instant.astimezone(zone).replace(tzinfo=None)
