"""The pipeline's front half, shared by `add`, `parse`, `edit` and `eval`: text -> draft -> resolved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskd.errors import BadInput, NeedsClarification
from taskd.extract import Extractor, clean_text
from taskd.resolve import Resolved, resolve
from taskd.resolve.zones import get_zone

if TYPE_CHECKING:
    from taskd.draft import Draft
    from taskd.extract.hybrid import Said
    from taskd.resolve.dayparts import TimePref


@dataclass(frozen=True)
class Parsed:
    text: str
    draft: Draft
    backend: str
    tz: str
    resolved: Resolved | None  # None when the extractor asks a question
    said: Said | None = None  # a habit the text stated ("I start work at 8"), for `add` to keep

    @property
    def question(self) -> str | None:
        return self.draft.question if self.resolved is None else None

    def to_json(self) -> dict[str, Any]:
        """The object `taskd parse --json` prints (CONTRACT.md §3)."""
        resolved = self.resolved
        return {
            "title": self.draft.title,
            "kind": self.draft.kind,
            "rrule": resolved.rrule if resolved else None,
            "tz": resolved.zone if resolved else self.tz,
            "next": [t.isoformat() for t in resolved.upcoming] if resolved else [],
            "question": self.question,
            "assumptions": list(resolved.assumptions) if resolved else [],
            "draft": self.draft.model_dump(mode="json"),
        }


def parse(text: str, *, extractor: Extractor, now: datetime, tz: str,
          prefs: Mapping[str, TimePref] | None = None, count: int = 3) -> Parsed:
    """Extract and resolve without storing. Raises NeedsClarification only via `require`."""
    get_zone(tz)  # an unknown zone is bad input before any work is done
    cleaned = clean_text(text)
    draft = extractor.extract(cleaned, now=now, tz=tz, prefs=prefs)
    if extractor.name == "rules":  # the model backend looks at other languages itself
        from taskd.extract.foreign import reread

        draft = reread(cleaned, draft, now=now, tz=tz, prefs=prefs) or draft
    said: Said | None = getattr(extractor, "last_said", None)
    if said is not None:  # what the user just said about themselves outranks anything learned
        from taskd.resolve.dayparts import TimePref

        prefs = {**(prefs or {}), said.key: TimePref(said.value, "explicit")}
    if draft.schedule is None:
        return Parsed(cleaned, draft, extractor.name, tz, None, said)
    try:
        resolved = resolve(draft, now, tz, prefs, count=count)
    except (OverflowError, ValueError) as exc:  # past year 9999: Python's calendar ends there
        if not isinstance(exc, OverflowError) and "out of range" not in str(exc):
            raise
        raise BadInput("that is past the end of the calendar (year 9999); give an earlier "
                       "date") from exc
    return Parsed(cleaned, draft, extractor.name, tz, resolved, said)


def require_schedule(parsed: Parsed) -> Resolved:
    if parsed.resolved is None:
        raise NeedsClarification(parsed.draft.question or "When should this happen?")
    return parsed.resolved

