"""Zone names -> ZoneInfo, with the one error line taskd gives for an unknown zone.

Its own module, outside taskd.resolve, because settings check the zone on every command and
importing anything under taskd.resolve first runs taskd/resolve/__init__.py (dateutil, the
recurrence code), which the thin client (taskd.cli.remote) does not need.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from taskd.errors import BadInput


@lru_cache(maxsize=256)
def get_zone(name: str) -> ZoneInfo:
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        raise BadInput(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise BadInput(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)") from exc
