"""What an import did, as the plain object `taskd import --json` prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ImportReport:
    format: str  # "taskd" or "taskwarrior"
    added: list[dict[str, Any]] = field(default_factory=list)  # id, uid, title, next
    existing: int = 0  # already in this home (matched by uid): left as they are
    skipped: Counter[str] = field(default_factory=Counter)  # why -> how many
    untranslated: list[dict[str, Any]] = field(default_factory=list)  # uid, title, field, value, why
    runs: int = 0
    events: int = 0
    preferences: int = 0

    def not_translated(self, uid: str, title: str, name: str, value: Any, why: str) -> None:
        self.untranslated.append({"uid": uid, "title": title, "field": name, "value": value,
                                  "why": why})

    def to_json(self) -> dict[str, Any]:
        return {"format": self.format, "added": len(self.added), "existing": self.existing,
                "skipped": dict(self.skipped), "runs": self.runs, "events": self.events,
                "preferences": self.preferences, "untranslated": self.untranslated,
                "tasks": self.added}
