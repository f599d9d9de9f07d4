"""Importing taskd's own export. Tasks match on their uid: one already here is left alone, so
importing a file twice adds nothing. Everything is read and checked before the first write."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskd.errors import BadInput
from taskd.exchange import FORMAT, VERSION
from taskd.exchange.fields import Fields, clean_line
from taskd.exchange.report import ImportReport

if TYPE_CHECKING:
    from sqlmodel import Session

    from taskd.store.tables import Event, Preference, Run, Task


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _task(fields: Fields) -> Task:
    from taskd.resolve.recurrence import validate_rule
    from taskd.resolve.zones import get_zone
    from taskd.store.tables import TASK_STATUSES, Task

    tz = fields.need_text("tz")
    try:
        get_zone(tz)
        rrule = fields.text("rrule", required=False)
        if rrule is not None:
            validate_rule(rrule)
    except BadInput as exc:
        raise fields.fail(exc.message) from None
    dtstart = fields.text("dtstart", required=False)
    if dtstart is not None:
        try:
            datetime.fromisoformat(dtstart)
        except ValueError:
            raise fields.fail(f"'dtstart' is not a wall-clock time: {dtstart!r}") from None
    if (rrule is None) != (dtstart is None):
        raise fields.fail("'rrule' and 'dtstart' come together")
    status = fields.need_text("status")
    if status not in TASK_STATUSES:
        raise fields.fail(f"'status' must be one of {', '.join(TASK_STATUSES)}")
    first_at = fields.need_instant("first_at")
    return Task(
        uid=fields.uid("uid"), title=clean_line(fields.need_text("title")) or "Reminder",
        kind=fields.need_text("kind", "reminder"), message=fields.text("message", required=False),
        source_text=fields.need_text("source_text", ""),
        draft_json=_dump(fields.record.get("draft")) or "{}",
        backend=fields.need_text("backend", "import"), tz=tz, rrule=rrule, dtstart=dtstart,
        first_at=first_at, next_fire_at=fields.instant("next_fire_at"), status=status,
        paused_until=fields.instant("paused_until"),
        time_source=fields.need_text("time_source", "explicit"),
        daypart=fields.text("daypart", required=False),
        channels_json=_dump(fields.record.get("channels")),
        created_at=fields.instant("created_at") or first_at,
        updated_at=fields.instant("updated_at") or first_at,
    )


def _run(fields: Fields, pending: bool) -> tuple[Run, list[Any]]:
    from taskd.exchange.export import RUN_FIELDS
    from taskd.store.delivery_tables import Delivery
    from taskd.store.tables import RUN_STATES, Run

    run = Run(task_id=0, scheduled_for=fields.need_instant("scheduled_for"),
              origin=fields.need_text("origin", "schedule"), attempt=fields.integer("attempt", 0))
    if pending:
        return run, []
    state = fields.need_text("state")
    if state not in RUN_STATES:
        raise fields.fail(f"'state' must be one of {', '.join(RUN_STATES)}")
    run.state = state
    for name in RUN_FIELDS:
        if name in ("state", "origin", "attempt") or name not in fields.record:
            continue
        if name.endswith("_at"):
            setattr(run, name, fields.instant(name))
        elif name in ("late", "notify"):
            setattr(run, name, fields.boolean(name, False if name == "late" else None))
        elif name in ("prompt_tokens", "completion_tokens", "latency_ms"):
            setattr(run, name, fields.integer(name))
        else:
            setattr(run, name, fields.text(name, required=False))
    deliveries = []
    for n, item in enumerate(fields.items("deliveries"), 1):
        d = Fields(item, f"{fields.where}, delivery {n}")
        deliveries.append(Delivery(run_id=0, channel=d.need_text("channel"),
                                   attempt=d.integer("attempt", 1), at=d.need_instant("at"),
                                   ok=bool(d.boolean("ok", False)),
                                   detail=d.text("detail", required=False)))
    return run, deliveries


class _Incoming:
    """One task of the file, checked, with what hangs off it."""

    def __init__(self, record: Any, n: int) -> None:
        from taskd.store.delivery_tables import TaskPolicy

        fields = Fields(record, f"task {n}")
        self.task = _task(fields)
        fields.where = f"task {n} ({self.task.uid})"
        self.pending = [_run(Fields(r, f"{fields.where}, pending {i}"), True)[0]
                        for i, r in enumerate(fields.items("pending"), 1)]
        self.history = [_run(Fields(r, f"{fields.where}, run {i}"), False)
                        for i, r in enumerate(fields.items("runs"), 1)]
        self.policy = None
        if fields.has("policy"):
            p = Fields(fields.record["policy"], f"{fields.where}, policy")
            catch_up = p.need_text("catch_up", "once")
            if catch_up not in ("once", "skip"):
                raise p.fail("'catch_up' must be once or skip")
            self.policy = TaskPolicy(task_id=0, catch_up=catch_up,
                                     grace_seconds=p.integer("grace_seconds"))


def _preference(record: Any, n: int) -> Preference:
    from taskd.learn.prefs import KEYS
    from taskd.store.tables import Preference

    fields = Fields(record, f"preference {n}")
    key = fields.need_text("key")
    if key not in KEYS:
        raise fields.fail(f"unknown preference {key!r}")
    source = fields.need_text("source", "learned")
    if source not in ("learned", "learning", "explicit"):
        raise fields.fail("'source' must be learned, learning or explicit")
    return Preference(key=key, value=fields.need_text("value"), source=source,
                      evidence=fields.integer("evidence", 0), confidence=fields.number("confidence", 0.0),
                      updated_at=fields.need_instant("updated_at"),
                      detail_json=_dump(fields.record.get("detail")))


def _event(record: Any, n: int) -> tuple[str | None, Event]:
    from taskd.store.tables import Event

    fields = Fields(record, f"event {n}")
    data = fields.record.get("data")
    return fields.text("task", required=False), Event(
        kind=fields.need_text("kind"), at=fields.need_instant("at"),
        data_json=None if data is None else json.dumps(data, default=str))


def check(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BadInput("not a taskd export (no \"format\": \"taskd\")")
    version = document.get("version")
    if version != VERSION:
        raise BadInput(f"taskd export version {version!r} is not supported (this taskd reads {VERSION})")


def import_taskd(db: Session, document: Any, now: datetime) -> ImportReport:
    """Add what the export has and this home lacks. Raises BadInput before writing anything."""
    from sqlmodel import select

    from taskd.store.tables import Event, Preference, Task

    check(document)
    top = Fields(document, "export")
    incoming = [_Incoming(r, n) for n, r in enumerate(top.items("tasks"), 1)]
    uids = [i.task.uid for i in incoming]
    if len(set(uids)) != len(uids):
        raise BadInput("the export holds the same task uid twice")
    prefs = [_preference(r, n) for n, r in enumerate(top.items("preferences"), 1)]
    events = [_event(r, n) for n, r in enumerate(top.items("events"), 1)]

    report = ImportReport(FORMAT)
    by_uid = {t.uid: t.id for t in db.exec(select(Task))}
    for item in incoming:
        if item.task.uid in by_uid:
            report.existing += 1
            continue
        task = item.task
        db.add(task)
        db.flush()
        assert task.id is not None
        by_uid[task.uid] = task.id
        for run in item.pending:
            run.task_id = task.id
            db.add(run)
        if task.next_fire_at is not None and not item.pending and task.status in ("active", "paused"):
            from taskd.store.tables import Run

            db.add(Run(task_id=task.id, scheduled_for=task.next_fire_at))  # the file lost its plan
        for run, deliveries in item.history:
            run.task_id = task.id
            db.add(run)
            db.flush()
            for delivery in deliveries:
                delivery.run_id = run.id
                db.add(delivery)
            report.runs += 1
        if item.policy is not None:
            item.policy.task_id = task.id
            db.add(item.policy)
        report.added.append({"id": task.id, "uid": task.uid, "title": task.title,
                             "next": task.next_fire_at.isoformat() if task.next_fire_at else None})
    for pref in prefs:
        if db.get(Preference, pref.key) is None:
            db.add(pref)
            report.preferences += 1
    # Events have no uid; the same kind, instant, task and data is the same event.
    seen = {_event_key(e.kind, e.at, e.task_id, e.data_json) for e in db.exec(select(Event))}
    for task_uid, event in events:
        event.task_id = by_uid.get(task_uid) if task_uid else None
        key = _event_key(event.kind, event.at, event.task_id, event.data_json)
        if key in seen:
            continue
        seen.add(key)
        db.add(event)
        report.events += 1
    db.flush()
    return report


def _event_key(kind: str, at: datetime, task_id: int | None, data_json: str | None) -> tuple[Any, ...]:
    from datetime import UTC

    try:
        data = json.dumps(json.loads(data_json), sort_keys=True) if data_json else None
    except ValueError:
        data = data_json
    return kind, at.astimezone(UTC), task_id, data
