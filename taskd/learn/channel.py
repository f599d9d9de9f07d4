"""Which channels a delivery goes through, and why. Pure: no database, no settings file.

A task that names its channels keeps them. Otherwise the channel the user answers through (learned
with confidence, or stated with `taskd prefs set channel NAME`) carries it, as long as that channel
exists here; the configured defaults stand behind it, used only when the chosen one could not show
the reminder (it failed, or skipped: the desktop with nobody at it), so a preference never loses
a reminder. Without one in force, the defaults.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChannelPref:
    """The `channel` preference row, as far as routing and its explanation need it."""

    value: str
    source: str  # explicit | learned | learning
    confidence: float = 0.0
    evidence: int = 0
    share: float | None = None  # the channel's share of the answers that came through a channel

    @property
    def in_force(self) -> bool:
        return self.source in ("explicit", "learned")


@dataclass(frozen=True)
class Route:
    names: tuple[str, ...]
    source: str  # task | explicit | learned | default
    why: str
    fallback: tuple[str, ...] = field(default=())  # tried only when `names` did not show it

    def as_json(self) -> dict[str, object]:
        return {"channels": list(self.names), "fallback": list(self.fallback),
                "source": self.source, "why": self.why}


def own_channels(channels_json: str | None) -> list[str] | None:
    """The channels a task names itself, or None."""
    if not channels_json:
        return None
    try:
        names = json.loads(channels_json)
    except ValueError:
        return None
    if isinstance(names, list) and names:
        return [str(n) for n in names]
    return None


def _answers(pref: ChannelPref) -> str:
    share = f"{pref.share:.0%} of " if pref.share is not None else ""
    return (f"you answer {share}your reminders through {pref.value} "
            f"({pref.evidence} answer{'s' * (pref.evidence != 1)}, confidence {pref.confidence:.2f})")


def route(channels_json: str | None, defaults: Sequence[str], available: Collection[str],
          pref: ChannelPref | None) -> Route:
    """The channels for one delivery. `available`: the channels that exist (configured ones and
    the built-in console and desktop); `pref`: the `channel` preference row, if any."""
    own = own_channels(channels_json)
    if own is not None:
        return Route(tuple(own), "task", "the task names its channels")
    base = tuple(defaults) or ("console",)
    if pref is not None and pref.in_force and pref.value in available:
        spare = tuple(name for name in base if name != pref.value)
        why = ("you chose it: taskd prefs set channel" if pref.source == "explicit"
               else "learned: " + _answers(pref))
        return Route((pref.value,), pref.source, why, spare)
    if pref is None:
        why = "default channels: no channel learned yet"
    elif pref.value not in available:
        why = f"default channels: {pref.value}, which you answer through, is not a channel here"
    else:
        why = f"default channels: still learning ({_answers(pref)})"
    return Route(base, "default", why)
