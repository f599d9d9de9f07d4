"""Evidence: what recorded events say about each preference. Pure: events in, observations out.

Signals, strongest first:
- an edit that moves a task whose time came from a daypart word (or from nothing: the default time)
  to a clock time is evidence for that word: weight 1;
- snoozing such a task further than the user ever snoozes a clock-time task by habit (90th
  percentile, at least 20 min) moves that word to where the snoozes ended: weight 0.5 (everyone
  snoozes a little; only the unusual says "later");
- snooze durations the user typed (not the default) on clock-time tasks give the default snooze
  (on daypart tasks they are about the daypart);
- the channel through which the user answers (`via`: channel integrations report it, e.g.
  `taskd done 3 --via hook` from a notification action);
- the local hours at which the user does anything give quiet hours.
Evidence older than a key's last `prefs forget` is ignored: forgetting must not be undone by
re-reading the same old events.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from taskd.learn.stats import Observation, circular_gap, minutes_of

EDIT_WEIGHT = 1.0
SNOOZE_SHIFT_WEIGHT = 0.5
# A snooze more than this after the fire answers something else (the next day's catch-up).
SNOOZE_WINDOW = timedelta(hours=8)
HABIT_FLOOR_MINUTES = 20.0

# Where each word can plausibly land. An edit outside it is a different plan ("tomorrow morning"
# moved to 15:00 because the meeting moved), not a statement about what "morning" means.
WINDOWS: dict[str, tuple[str, str]] = {
    "morning": ("04:00", "12:00"),
    "afternoon": ("12:00", "18:30"),
    "evening": ("16:00", "23:30"),
    "tonight": ("17:00", "02:00"),
    "night": ("19:00", "03:00"),
    "end_of_day": ("14:00", "21:00"),
    "default_time": ("05:00", "22:00"),
}

ACTIVITY_KINDS = ("created", "edited", "done", "snoozed", "paused", "resumed", "removed", "pref_set")
ANSWER_KINDS = ("done", "snoozed")


@dataclass(frozen=True)
class Happened:
    """One event row, decoded."""

    kind: str
    at: datetime
    task_id: int | None
    data: Mapping[str, Any]

    @classmethod
    def decode(cls, kind: str, at: datetime, task_id: int | None, data_json: str | None) -> Happened:
        try:
            data = json.loads(data_json) if data_json else {}
        except ValueError:
            data = {}
        return cls(kind, at, task_id, data if isinstance(data, dict) else {})


@dataclass
class Evidence:
    """Observations per key, and counts per kind of signal for the explanation."""

    times: dict[str, list[Observation]] = field(default_factory=lambda: defaultdict(list))
    snooze: list[Observation] = field(default_factory=list)
    channels: dict[str, list[Observation]] = field(default_factory=lambda: defaultdict(list))
    activity: list[datetime] = field(default_factory=list)
    kinds: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))


def in_window(key: str, minutes: int) -> bool:
    start, end = (minutes_of(t) for t in WINDOWS[key])
    if start <= end:
        return start <= minutes <= end
    return minutes >= start or minutes <= end


def _minutes(local_iso: str | None) -> int | None:
    if not local_iso:
        return None
    try:
        moment = datetime.fromisoformat(local_iso)
    except ValueError:
        return None
    return moment.hour * 60 + moment.minute


def _word_key(source: Any, daypart: Any) -> str | None:
    """The preference that chose a task's time, if one did."""
    if source == "daypart" and isinstance(daypart, str) and daypart in WINDOWS:
        return daypart
    if source == "default":
        return "default_time"
    return None


def forget_marks(events: Iterable[Happened]) -> dict[str, datetime]:
    marks: dict[str, datetime] = {}
    for event in events:
        key = event.data.get("key")
        if event.kind == "pref_forgotten" and isinstance(key, str):
            marks[key] = max(marks.get(key, event.at), event.at)
    return marks


def _edit(event: Happened, evidence: Evidence) -> None:
    before, after = event.data.get("before"), event.data.get("after")
    if not isinstance(before, dict) or not isinstance(after, dict):
        return
    key = _word_key(before.get("time_source"), before.get("daypart"))
    moved_to = _minutes(after.get("local"))
    if key is None or moved_to is None or after.get("time_source") != "explicit":
        return
    if in_window(key, moved_to):
        evidence.times[key].append(Observation(moved_to, event.at, EDIT_WEIGHT))
        evidence.kinds[key]["moved"] += 1


def _occurrence_delays(snoozes: list[Happened]) -> list[tuple[str | None, float, Happened]]:
    """Each fired occurrence's total snooze: from its scheduled time to its last snooze's end."""
    final: dict[tuple[int | None, str], Happened] = {}
    for event in snoozes:
        fired_local, fired_at = event.data.get("fired_local"), event.data.get("fired_at")
        if not (fired_local and fired_at and event.data.get("until_local")):
            continue
        try:
            if event.at - datetime.fromisoformat(fired_at) > SNOOZE_WINDOW:
                continue
        except (TypeError, ValueError):
            continue
        occurrence = (event.task_id, str(fired_local))
        if occurrence not in final or final[occurrence].at < event.at:
            final[occurrence] = event
    delays = []
    for event in final.values():
        start, end = _minutes(event.data.get("fired_local")), _minutes(event.data.get("until_local"))
        if start is not None and end is not None:
            key = _word_key(event.data.get("time_source"), event.data.get("daypart"))
            delays.append((key, circular_gap(end, start) % 1440, event))
    return delays


def _snooze_shifts(snoozes: list[Happened], evidence: Evidence) -> None:
    """A daypart reminder snoozed further than the user ever snoozes a clock-time one by habit says
    "this word means later": its final time is evidence. Within the habitual range it says nothing
    (the chronic snoozer snoozes everything; that is not about what "morning" means)."""
    delays = _occurrence_delays(snoozes)
    habitual = sorted(delay for key, delay, event in delays
                      if key is None and event.data.get("time_source") == "explicit")
    limit = max(HABIT_FLOOR_MINUTES, habitual[int(0.9 * (len(habitual) - 1))] if habitual else 0.0)
    for key, delay, event in delays:
        start = _minutes(event.data.get("fired_local"))
        if key is None or start is None or delay <= limit:
            continue
        shifted = (start + delay) % 1440
        if in_window(key, int(shifted)):
            evidence.times[key].append(Observation(shifted, event.at, SNOOZE_SHIFT_WEIGHT))
            evidence.kinds[key]["snoozed later"] += 1


# taskd's own faces: an answer typed there came through no delivery channel.
FACES = frozenset({"cli", "web", "mcp", "api"})


def _answer(event: Happened, evidence: Evidence) -> None:
    # Only an answer that came back through a channel says which one the user answers. An answer
    # typed at the CLI, the web page or an agent does not: the reminder may have been seen on any
    # device that showed it, and crediting them all would only favour whichever is always on.
    via = event.data.get("via")
    if isinstance(via, str) and via and via not in FACES:
        evidence.channels[via].append(Observation(1.0, event.at, 1.0))
        evidence.kinds["channel"][f"answered via {via}"] += 1


def gather(events: Iterable[Happened], zone: ZoneInfo) -> Evidence:
    """Everything the events say, each key's evidence cut at its last forget."""
    events = sorted(events, key=lambda e: e.at)
    marks = forget_marks(events)

    def fresh(key: str, event: Happened) -> bool:
        return key not in marks or event.at > marks[key]

    evidence = Evidence()
    snoozes: list[Happened] = []
    for event in events:
        if event.kind == "edited":
            key = _word_key((event.data.get("before") or {}).get("time_source"),
                            (event.data.get("before") or {}).get("daypart")) \
                if isinstance(event.data.get("before"), dict) else None
            if key and fresh(key, event):
                _edit(event, evidence)
        elif event.kind == "snoozed":
            snoozes.append(event)
            seconds = event.data.get("seconds")
            if event.data.get("chosen", True) and isinstance(seconds, int | float) and seconds > 0 \
                    and event.data.get("time_source") == "explicit" and fresh("snooze", event):
                evidence.snooze.append(Observation(seconds / 60, event.at))
                evidence.kinds["snooze"]["snoozed"] += 1
        if event.kind in ANSWER_KINDS and fresh("channel", event):
            _answer(event, evidence)
        if event.kind in ACTIVITY_KINDS and fresh("quiet_hours", event):
            evidence.activity.append(event.at.astimezone(zone))
    _snooze_shifts([e for e in snoozes
                    if fresh(_word_key(e.data.get("time_source"), e.data.get("daypart")) or "", e)],
                   evidence)
    return evidence
