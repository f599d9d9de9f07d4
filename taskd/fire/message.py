"""The message a run delivers: what every channel renders, and the webhook body (CONTRACT §2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskd.deliver.actions import ActionLink


@dataclass(frozen=True)
class Message:
    run_id: int
    task_id: int
    title: str
    message: str
    scheduled_for: datetime  # aware, in the task's zone
    fired_at: datetime  # aware, in the task's zone
    late: bool
    kind: str = "reminder"
    origin: str = "schedule"
    tz: str = "UTC"
    attempt: int = 1
    # The answers this channel's copy offers (taskd.deliver.actions), and how to apply one here
    # (a desktop click); both per channel, set just before sending.
    actions: tuple[ActionLink, ...] = ()
    answer: Callable[[ActionLink], Any] | None = field(default=None, compare=False, repr=False)

    @property
    def idempotency_key(self) -> str:
        # The run id: a restart that re-sends a run sends the same key, so receivers can dedup.
        return str(self.run_id)

    def body(self) -> dict[str, Any]:
        """The webhook JSON object: the contract's fields, then extras a receiver may use."""
        return {
            "run_id": self.run_id,
            "task_id": self.task_id,
            "title": self.title,
            "message": self.message,
            "scheduled_for": self.scheduled_for.isoformat(),
            "fired_at": self.fired_at.isoformat(),
            "late": self.late,
            "kind": self.kind,
            "origin": self.origin,
            "tz": self.tz,
            "attempt": self.attempt,
            # CONTRACT §8: signed single-use links; none when the API has no base URL.
            "actions": [link.as_json() for link in self.actions if link.url],
        }

    def line(self) -> str:
        """One human line (console, journal, command stdin in text mode)."""
        when = self.scheduled_for.strftime("%Y-%m-%d %H:%M %Z")
        late = f" (late, due {when})" if self.late else ""
        text = self.title if self.message in ("", self.title) else f"{self.title}: {self.message}"
        return f"⏰ taskd #{self.task_id} run {self.run_id}{late}: {text}"
