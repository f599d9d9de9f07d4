"""Durations as people type them for `snooze`: 10m, 1h30m, 90s, "15 minutes", "2 hours"."""

from __future__ import annotations

import re
from datetime import timedelta

from taskd.errors import BadInput

_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_WORDS = {"a": "1", "an": "1", "one": "1", "half an hour": "30 minutes"}


_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}


def _by_grammar(raw: str) -> float:
    """Any other way the extractor's duration grammar reads: "1h30", "an hour and a half",
    "a couple of minutes", "1/2 hour". Imported here, not on start-up: the grammar is a few
    hundred regex alternatives."""
    import re as _re

    from taskd.extract.rules.amounts import DURATION, parse

    if _re.fullmatch(DURATION, raw) is None:
        return 0
    fields = parse(raw)
    if not fields or not set(fields) <= set(_SECONDS):
        return 0
    return float(sum(amount * _SECONDS[unit] for unit, amount in fields.items()))


def parse_duration(text: str) -> timedelta:
    raw = text.strip().lower()
    raw = _WORDS.get(raw, raw)
    raw = re.sub(r"^(an?|one)\s+", "1 ", raw)
    if raw.isdigit():
        raw += "m"  # a bare number is minutes, as in "snooze 10"
    pos, total = 0, 0.0
    for match in _PART.finditer(raw):
        if raw[pos:match.start()].strip(" ,and"):
            break
        unit = _UNITS.get(match.group(2))
        if unit is None:
            break
        total += float(match.group(1)) * unit
        pos = match.end()
    if pos == 0 or raw[pos:].strip() or total <= 0:
        total = _by_grammar(" ".join(text.lower().split()))
    if total <= 0:
        raise BadInput(f"{text!r} is not a duration such as 10m, 1h30m or \"2 hours\"")
    if total > 366 * 86400:
        raise BadInput("durations are limited to a year")
    return timedelta(seconds=int(total))
