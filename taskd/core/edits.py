"""edit: change a task by new text, a new title or a new time; change requests land here too."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskd.errors import BadInput

if TYPE_CHECKING:
    from taskd.core import Core
    from taskd.pipeline import Parsed
    from taskd.resolve.dayparts import TimePref
    from taskd.settings import Settings
    from taskd.store.tables import Task


def edit(core: Core, task_id: int, *, text: str | None = None, title: str | None = None,
         at: str | None = None) -> dict[str, Any]:
    """By new text ("move it to 7pm" keeps the title and the day), or by `title` / `at`."""
    from taskd.core.views import checked_id
    from taskd.extract import clean_text

    task_id = checked_id(task_id)
    text = clean_text(text) if text is not None else None
    title = clean_text(title, "title") if title is not None else None
    at = clean_text(at, "time") if at is not None else None
    if not (text or title or at):
        raise BadInput("give new text, a title or a time")
    if text and at:
        raise BadInput("give either new text or a time, not both")
    if text:
        from taskd.extract.edits import change_request

        request = change_request(text)
        if request is not None and request.names_a_task:
            return apply_edit(core, core.settings, task_id, None, title, request.when,
                              keep_day=True)
    return apply_edit(core, core.settings, task_id, text, title, at)


def same_day(task: Task, parsed: Parsed, moment: datetime,
             prefs: dict[str, TimePref] | None) -> Parsed:
    """"move it to 7pm" changes the clock time only: the task keeps its day or its rule."""
    from dataclasses import replace

    from taskd.resolve import resolve
    from taskd.resolve.recurrence import join_rule, split_rule
    from taskd.resolve.zones import get_zone, wall

    new = parsed.draft.schedule
    if new is None or new.date or new.rrule or new.offset or not (new.time or new.daypart):
        return parsed
    if task.rrule:  # the stored rule carries the old clock time in BYHOUR/BYMINUTE: drop it
        parts = split_rule(task.rrule)
        for name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            parts.pop(name, None)
        day, rule = None, join_rule(parts)
    else:  # the day it is planned for; a one-time task that has fired keeps its own day
        planned = task.next_fire_at or task.first_at
        day, rule = wall(planned, get_zone(task.tz)).date().isoformat(), None
    schedule = new.model_copy(update={"date": day, "rrule": rule})
    draft = parsed.draft.model_copy(update={"schedule": schedule})
    return replace(parsed, draft=draft, resolved=resolve(draft, moment, task.tz, prefs))


def apply_edit(core: Core, settings: Settings, task_id: int, text: str | None,
               title: str | None, at_text: str | None, *, keep_day: bool = False) -> dict[str, Any]:
    from taskd.core.tasks import extract, extract_time
    from taskd.core.views import task_json
    from taskd.errors import NeedsClarification
    from taskd.store import repo

    moment = core.now()
    with core.db(write=True) as handle:
        task = repo.get(handle, task_id, live_only=True)
        from taskd.learn.prefs import time_prefs

        prefs = time_prefs(handle)
        source = text or at_text
        changes: dict[str, Any] = {}
        if source:
            parsed = (extract(settings, source, moment, task.tz, prefs) if text
                      else extract_time(settings, source, moment, task.tz, prefs))
            if parsed.resolved is None:
                raise NeedsClarification(parsed.draft.question or "When should this happen?")
            if keep_day:
                parsed = same_day(task, parsed, moment, prefs)
            if text:
                changes = {"source_text": parsed.text, "draft_json": parsed.draft.model_dump_json()}
                if parsed.draft.title:  # "every Friday at 6pm" names no task: keep this one's
                    changes |= {"title": parsed.draft.title, "kind": parsed.draft.kind,
                                "message": parsed.draft.message}
                if title:
                    changes["title"] = title
            elif title:
                changes = {"title": title}
            schedule = parsed.draft.schedule
            if schedule is not None:  # how the new time was chosen: what preference learning reads
                changes |= {"time_source": schedule.time_source, "daypart": schedule.daypart}
            repo.reschedule(handle, task, parsed.resolved, moment, **changes)
            from taskd.learn.learner import refresh

            refresh(handle, moment, settings.timezone, ask=False)
        elif title:
            if not title.strip():
                raise BadInput("the title is empty")
            old = task.title
            task.title = title.strip()
            task.updated_at = moment
            repo.record(handle, "edited", moment, task.id, before={"title": old},
                        after={"title": task.title})
        data = task_json(task, moment)
    core.changed()
    return data
