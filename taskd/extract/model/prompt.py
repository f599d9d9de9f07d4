"""Versioned prompt files (taskd/prompts/NAME-vN.md): a static part, then a dynamic template.

The static part becomes the system message and is byte-identical across calls, so llama.cpp (and
hosted APIs) can reuse the cached prefix; only the short user message after it changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from string import Template
from typing import TYPE_CHECKING, Any

from taskd.resolve.zones import get_zone, wall

if TYPE_CHECKING:
    from taskd.resolve.dayparts import TimePref

MARKER = "<!-- dynamic -->"
Message = dict[str, str]


@dataclass(frozen=True)
class Prompt:
    name: str
    static: str
    dynamic: Template

    def system(self, schema: dict[str, Any] | None = None) -> str:
        """The static system message; with `schema`, the schema is spelled out (json_object mode)."""
        if schema is None:
            return self.static
        return (self.static + "\n\nAnswer with JSON only, matching this JSON Schema:\n"
                + json.dumps(schema, separators=(",", ":"), sort_keys=True))

    def messages(self, values: Mapping[str, str], schema: dict[str, Any] | None = None
                 ) -> list[Message]:
        return [{"role": "system", "content": self.system(schema)},
                {"role": "user", "content": self.dynamic.substitute(values)}]


@cache
def load(name: str) -> Prompt:
    """`load("extract-v2")` reads taskd/prompts/extract-v2.md."""
    text = resources.files("taskd").joinpath("prompts", f"{name}.md").read_text(encoding="utf-8")
    if MARKER not in text:
        raise ValueError(f"prompt {name} has no {MARKER} line")
    static, dynamic = text.split(MARKER, 1)
    return Prompt(name, static.strip(), Template(dynamic.strip()))


def _prefs_line(prefs: Mapping[str, TimePref] | None) -> str:
    """Only what the user set or taskd learned; defaults say nothing the resolver doesn't know."""
    if not prefs:
        return ""
    known = [f"{key.replace('_', ' ')} {pref.value}" for key, pref in sorted(prefs.items())
             if pref.source != "default"]
    return f"\nUsual times: {', '.join(known)}" if known else ""


def now_values(text: str, now: datetime, tz: str,
               prefs: Mapping[str, TimePref] | None = None) -> dict[str, str]:
    local = wall(now, get_zone(tz))
    return {"weekday": local.strftime("%A"), "date": local.date().isoformat(),
            "clock": local.strftime("%H:%M"), "zone": tz, "prefs": _prefs_line(prefs),
            "text": text}
