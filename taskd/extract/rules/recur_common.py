"""What every recurrence recogniser shares: merging a piece into `Found.rule`, and trying a
pattern only where its opening words are written."""

from __future__ import annotations

import re
from collections.abc import Iterable

from taskd.extract.rules.scan import Found, word_positions

EVERY = r"(?:every|each|any|all)"
_FINENESS = {freq: n for n, freq in enumerate(
    ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"])}


def merge(found: Found, freq: str, interval: int = 1, by: dict[str, str] | None = None) -> None:
    """Add a recurrence piece; the finer frequency wins and BY parts accumulate."""
    rule = found.rule
    if rule is None:
        found.rule = rule = {"FREQ": freq}
        if interval > 1:
            rule["INTERVAL"] = str(interval)
    else:
        if _FINENESS[freq] < _FINENESS[rule["FREQ"]]:
            rule["FREQ"] = freq
        if interval > int(rule.get("INTERVAL", "1")):
            rule["INTERVAL"] = str(interval)
    if by:
        rule.update(by)


def matches_at(pattern: re.Pattern[str], text: str, leads: Iterable[str]) -> list[re.Match[str]]:
    """What `pattern.finditer(text)` finds, for a pattern that can only start where one of `leads` is
    written: tried there only, because a complex pattern tried at every position of a sentence
    costs several times more than a few anchored `match` calls (like `Scan.finditer`, without
    its walk over every word of the sentence)."""
    found: list[re.Match[str]] = []
    end = -1
    for at in word_positions(text, leads):
        if at >= end:
            match = pattern.match(text, at)
            if match is not None:
                end = match.end()
                found.append(match)
    return found
