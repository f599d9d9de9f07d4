"""export and import: the whole home as JSON (or the live tasks as iCalendar), and back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskd.core import Core


def export(core: Core, *, include_all: bool = False) -> dict[str, Any]:
    """Every task, its schedule and state, and the preferences (`include_all`: also deleted
    tasks and every past run)."""
    from taskd.exchange.export import export_data

    with core.db() as handle:
        return export_data(handle, core.now(), include_all=include_all)


def calendar(core: Core) -> bytes:
    """The live tasks as an iCalendar feed."""
    from taskd.exchange.ical import calendar as ical

    with core.db() as handle:
        return ical(handle, core.now())


def import_text(core: Core, text: str) -> dict[str, Any]:
    """Add the tasks of a taskd export or a Taskwarrior `task export`; tasks match on their uid,
    so importing the same text twice adds nothing. The import report."""
    from taskd.exchange.load import import_text as load

    with core.db(write=True) as handle:
        report = load(handle, text, tz=core.settings.timezone, now=core.now())
    if report.added:
        core.changed()
    return report.to_json()
