"""add, parse, list, show: text in, tasks out."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskd.errors import BadInput, NeedsClarification

if TYPE_CHECKING:
    from taskd.core import Core
    from taskd.extract.edits import ChangeRequest
    from taskd.pipeline import Parsed
    from taskd.resolve.dayparts import TimePref
    from taskd.settings import Settings

NEEDS_MODEL = ("agent tasks need a model endpoint: set OPENAI_BASE_URL (or run `taskd model "
               "serve`); until then each run is recorded as failed and you are told once")


def extract(settings: Settings, text: str, moment: datetime, tz: str,
            prefs: dict[str, TimePref] | None, count: int = 3, *,
            backend: str | None = None) -> Parsed:
    from taskd.extract import get_extractor
    from taskd.pipeline import parse

    extractor = get_extractor(backend or settings.effective_backend(), settings)
    return parse(text, extractor=extractor, now=moment, tz=tz, prefs=prefs, count=count)


def extract_time(settings: Settings, words: str, moment: datetime, tz: str,
                 prefs: dict[str, TimePref] | None) -> Parsed:
    """Words that only say when ("7pm", "Friday morning"): the parser reads them without a
    model round trip; the model is asked only when the parser cannot."""
    from taskd.errors import TaskdError

    if settings.effective_backend() != "rules":
        try:
            parsed = extract(settings, words, moment, tz, prefs, backend="rules")
            if parsed.resolved is not None:
                return parsed
        except TaskdError:
            pass
    return extract(settings, words, moment, tz, prefs)


def ask(parsed: Parsed) -> NeedsClarification:
    """The question, carrying the parse object so that a face can show it with the preview."""
    return NeedsClarification(parsed.draft.question or "When should this happen?",
                              payload=parsed.to_json())


def title_of(parsed: Parsed) -> str:
    return parsed.draft.title or "Reminder"


def have_database(settings: Settings) -> bool:
    if settings.database_url.startswith("sqlite:///"):
        from pathlib import Path

        return Path(settings.database_url.removeprefix("sqlite:///")).exists()
    return True


def prefs_if_any(core: Core) -> dict[str, TimePref] | None:
    """Learned and stated time preferences; None before the first task (no database yet)."""
    if not have_database(core.settings):
        return None
    from taskd.learn.prefs import time_prefs

    with core.db() as handle:
        return time_prefs(handle)


def preview(parsed: Parsed) -> dict[str, Any]:
    """The parse object, plus what its one-line rendering needs: the schedule in words and the
    first fire (`next` may be cut to zero by `--count 0`)."""
    from taskd.core.views import schedule_words

    resolved = parsed.resolved
    assert resolved is not None
    return {**parsed.to_json(),
            "schedule": schedule_words(resolved.rrule, resolved.first, resolved.zone),
            "first": resolved.first.isoformat()}


def add(core: Core, text: str, *, tz: str | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Store a task from one line; a change request ("move my gym reminder to 7pm") edits the
    task it names instead and returns that task with `"edited": true`."""
    from taskd.extract import clean_text
    from taskd.extract.edits import change_request

    text = clean_text(text)
    settings = core.settings_for(tz=tz)
    request = change_request(text)
    if request is not None and not request.points_at_it and not dry_run:
        target = _pick_target(core, settings, text, request)
        if target is not None:
            from taskd.core.edits import apply_edit

            data = apply_edit(core, settings, target, None, None, request.when, keep_day=True)
            return data | {"edited": True}
        if request.names_a_task:
            raise BadInput(f"no task matches “{request.what}”: `taskd list` shows your tasks, "
                           "`taskd edit ID` changes one")
    moment = core.now()
    parsed = extract(settings, text, moment, settings.timezone, prefs_if_any(core))
    if parsed.resolved is None:
        raise ask(parsed)
    resolved = parsed.resolved
    task_id = None
    if not dry_run:
        from taskd.store import repo

        schedule = parsed.draft.schedule
        assert schedule is not None
        with core.db(write=True) as handle:
            task = repo.create(
                handle, text=parsed.text, draft_json=parsed.draft.model_dump_json(),
                backend=parsed.backend, title=title_of(parsed), kind=parsed.draft.kind,
                message=parsed.draft.message, resolved=resolved,
                time_source=schedule.time_source, daypart=schedule.daypart, now=moment)
            task_id = task.id
            if parsed.said is not None:  # "I start work at 8": an explicit statement, kept
                from taskd.learn.prefs import set_explicit

                set_explicit(handle, parsed.said.key, parsed.said.value, moment,
                             said=parsed.said.words)
        core.changed()
    # An agent task without a model would only ever fail: say so now, not at its first run.
    warnings = [NEEDS_MODEL] if parsed.draft.kind == "agent" and not settings.model_configured else []
    if parsed.draft.kind == "agent":  # needs outside data no configured tool provides: say so now
        from taskd.agent.receipts import add_warnings

        warnings += add_warnings(parsed.text, settings)
    shown = preview(parsed)
    return {"id": task_id, "saved": not dry_run, "schedule": shown.pop("schedule"), **shown,
            "warnings": warnings,
            # the habit the text stated and `add` kept as a preference (None: none, or a dry run)
            "saved_pref": parsed.said.key if parsed.said is not None and not dry_run else None}


def _pick_target(core: Core, settings: Settings, text: str, request: ChangeRequest) -> int | None:
    """The one active task a change request is about: the model picks when there is one, else
    the task whose title holds every word of the request's object."""
    from taskd.extract.edits import matching_tasks
    from taskd.store import repo

    if not have_database(settings):
        return None
    with core.db() as handle:
        tasks = [(t.id, t.title) for t in repo.list_tasks(handle) if t.id is not None]
    if not tasks:
        return None
    if settings.effective_backend() == "openai":
        from taskd.extract.model import ModelExtractor

        return ModelExtractor(settings).pick_task(text, tasks)
    found = matching_tasks(request.what, tasks)
    return found[0] if len(found) == 1 else None


def parse(core: Core, text: str, *, now: str | datetime | None = None, tz: str | None = None,
          count: int = 3, backend: str | None = None) -> dict[str, Any]:
    """Extract and resolve without storing: `taskd parse --json` (plus `schedule`, `first`)."""
    from taskd.clock import parse_now

    if not 0 <= count <= 100:
        raise BadInput(f"count {count}: give 0 to 100")
    settings = core.settings_for(tz=tz, backend=backend)
    if isinstance(now, datetime):
        moment = now if now.tzinfo else parse_now(now.isoformat(), settings.timezone)
    else:
        moment = parse_now(now, settings.timezone) if now else core.now()
    parsed = extract(settings, text, moment, settings.timezone, prefs_if_any(core), count)
    if parsed.resolved is None:
        raise ask(parsed)
    return preview(parsed)


def list_tasks(core: Core, *, include_all: bool = False) -> list[dict[str, Any]]:
    from taskd.core.views import task_json
    from taskd.store import repo

    moment = core.now()
    with core.db() as handle:
        return [task_json(t, moment) for t in repo.list_tasks(handle, include_all=include_all)]


def show(core: Core, task_id: int, *, count: int = 5) -> dict[str, Any]:
    """One task in full: its next `count` fires and its last five runs."""
    from taskd.core.views import checked_id, run_json, task_json
    from taskd.store import repo

    if not 1 <= count <= 100:
        raise BadInput(f"count {count}: give 1 to 100")
    task_id = checked_id(task_id)
    moment = core.now()
    with core.db() as handle:
        task = repo.get(handle, task_id)
        data = task_json(task, moment, count)
        data["runs"] = [run_json(r) for r in repo.runs_for(handle, task_id, limit=5)]
    return data
