"""Preferences that act, watched from the persona's side: what the persona stated (a clock time, a
channel) must never be held by quiet hours or rerouted by what was learned, and what it did not
state should stop ringing while it sleeps once its quiet hours are learned.

The watch knows only what the persona typed and what its devices showed, plus (at the end) the
store's `held` rows: nothing here asks taskd which tasks it thinks were stated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from taskd.fire.message import Message

# Quiet hours need a week of activity before they are used (taskd.learn.learner QUIET_MIN_DAYS and
# USE_BAR): rings while asleep before this day are the price of learning, after it they are misses.
SETTLED_DAY = 14
ON_TIME = timedelta(minutes=1)


@dataclass
class Watch:
    stated: dict[int, datetime] = field(default_factory=dict)  # task id -> the stated fire
    unstated: set[int] = field(default_factory=set)
    channel_said: str | None = None
    violations: list[str] = field(default_factory=list)
    rings_asleep: dict[str, int] = field(default_factory=lambda: {"learning": 0, "settled": 0})
    unstated_shown: dict[str, int] = field(default_factory=lambda: {"learning": 0, "settled": 0})
    held: int = 0

    def added(self, task_id: int, data: dict[str, Any], stated: bool) -> None:
        if stated:
            self.stated[task_id] = datetime.fromisoformat(data["next"][0])
        else:
            self.unstated.add(task_id)

    def edited(self, task_id: int, at: datetime) -> None:
        """`taskd edit --at`: the persona stated the time now."""
        self.unstated.discard(task_id)
        self.stated[task_id] = at

    def said(self, key: str, value: str) -> None:
        if key == "channel":
            self.channel_said = value

    def shown(self, message: Message, tried: list[str], day: int,
              awake: Callable[[datetime], bool]) -> None:
        """One delivery the persona's devices showed (`tried`: every device asked, in order)."""
        due = self.stated.get(message.task_id)
        if due is not None and message.origin == "schedule" and (
                message.scheduled_for != due or message.fired_at - message.scheduled_for > ON_TIME):
            self.violations.append(f"day {day}: task #{message.task_id} stated for "
                                   f"{due.isoformat()} rang at {message.fired_at.isoformat()}")
        if self.channel_said and tried and tried[0] != self.channel_said:
            self.violations.append(f"day {day}: run {message.run_id} went to {tried[0]} first, "
                                   f"the persona stated {self.channel_said}")
        if message.task_id in self.unstated and message.origin == "schedule":  # not a snooze
            phase = "settled" if day >= SETTLED_DAY else "learning"
            self.unstated_shown[phase] += 1
            if not awake(message.fired_at):
                self.rings_asleep[phase] += 1

    def finish(self, url: str) -> None:
        """Every `held` row in the store: never one of a stated task, never a snooze or `run`."""
        from sqlmodel import select

        from taskd.store.db import session
        from taskd.store.tables import Run

        with session(url) as db:
            held = db.exec(select(Run).where(Run.state == "held")).all()
        self.held = len(held)
        for run in held:
            if run.task_id in self.stated or run.origin != "schedule":
                self.violations.append(f"run {run.id} of task #{run.task_id} (origin {run.origin}) "
                                       f"held: {run.outcome}")

    def as_json(self) -> dict[str, Any]:
        return {"stated_tasks": len(self.stated), "held": self.held,
                "rings_asleep": dict(self.rings_asleep), "unstated_shown": dict(self.unstated_shown),
                "channel_said": self.channel_said}
