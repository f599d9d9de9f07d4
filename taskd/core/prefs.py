"""prefs: what taskd knows about the user's time habits, with its evidence. Nothing hidden."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskd.core import Core


def report(core: Core, *, ask: bool) -> dict[str, Any]:
    """Every key, even untouched ones: nothing learned is hidden, and neither is a default.
    `{"prefs": rows, "questions": [...]}`; `ask` lets the learner put its questions now."""
    from taskd.learn.learner import USE_BAR, explain, refresh
    from taskd.learn.prefs import defaults
    from taskd.store import repo

    moment = core.now()
    with core.db(write=True) as handle:
        questions = refresh(handle, moment, core.settings.timezone, ask=ask)
        stored = {p.key: p for p in repo.preferences(handle)}
    rows: list[dict[str, Any]] = []
    for key, default in defaults().items():
        pref = stored.get(key)
        detail = json.loads(pref.detail_json) if pref and pref.detail_json else None
        why = explain(key, pref.source if pref else "default", detail, moment)
        row: dict[str, Any] = {
            "key": key, "value": default, "source": "default", "evidence": 0, "confidence": None,
            "updated_at": None, "why": why, "learning": None, "detail": detail,
        }
        if pref is not None and pref.source == "learning":
            row |= {"evidence": pref.evidence,
                    "learning": {"value": pref.value, "confidence": round(pref.confidence, 3),
                                 "needs": USE_BAR},
                    "why": f"learning {pref.value} (confidence {pref.confidence:.2f} < "
                           f"{USE_BAR:.2f}): {why}",
                    "updated_at": pref.updated_at.isoformat()}
        elif pref is not None:
            row |= {"value": pref.value, "source": pref.source, "evidence": pref.evidence,
                    "confidence": round(pref.confidence, 3),
                    "updated_at": pref.updated_at.isoformat()}
        rows.append(row)
    return {"prefs": rows, "questions": questions}


def set_pref(core: Core, key: str, value: str) -> dict[str, Any]:
    """State a preference ("morning", "07:30"); an explicit value wins over anything learned."""
    from taskd.extract import clean_text
    from taskd.learn.prefs import set_explicit

    key, value = clean_text(key, "key"), clean_text(value, "value")
    with core.db(write=True) as handle:
        clean = set_explicit(handle, key, value, core.now())
    core.changed()
    return {"key": key, "value": clean, "source": "explicit"}


def forget_pref(core: Core, key: str) -> dict[str, Any]:
    """Forget a preference and its evidence; the default applies again."""
    from taskd.extract import clean_text
    from taskd.learn.prefs import forget

    key = clean_text(key, "key")
    with core.db(write=True) as handle:
        existed = forget(handle, key, core.now())
    core.changed()
    return {"key": key, "forgotten": existed}
