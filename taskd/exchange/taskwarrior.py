"""Importing Taskwarrior's `task export`: one taskd task per pending task, in the user's zone.

The fire time is `due`, else `scheduled`, else `wait` (Taskwarrior anchors recurrence on `due`).
A recurring parent (status "recurring") becomes one recurring task; its generated instances are
skipped and counted. Completed and deleted tasks are skipped and counted. Every field taskd has no
place for (tags, project, priority, annotations, the dates that are not the fire time...) is
listed in the report with its value, never dropped silently. The Taskwarrior uuid becomes the
task's uid, so importing the same export twice adds nothing.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from taskd.errors import BadInput
from taskd.exchange.fields import Fields, clean_line
from taskd.exchange.report import ImportReport
from taskd.exchange.tw_recur import Untranslatable, period

if TYPE_CHECKING:
    from sqlmodel import Session

    from taskd.store.tables import Task

FIRE_FIELDS = ("due", "scheduled", "wait")
# Taskwarrior's own bookkeeping: not the user's data, nothing to keep.
BOOKKEEPING = {"id", "uuid", "urgency", "mask", "imask", "modified", "parent", "end", "entry",
               "description", "status", "recur", "until", *FIRE_FIELDS}
LIVE_STATUSES = ("pending", "waiting", "recurring")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def tw_instant(fields: Fields, name: str) -> datetime | None:
    value = fields.text(name, required=False)
    if value is None:
        return None
    for form in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S%z"):
        try:
            return datetime.strptime(value, form).replace(tzinfo=UTC) if form.endswith("Z") \
                else datetime.strptime(value, form).astimezone(UTC)
        except ValueError:
            continue
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise fields.fail(f"{name!r} is not a Taskwarrior date such as 20261202T100000Z: {value!r}")
    return moment.astimezone(UTC)


def _day_parts(day: int) -> dict[str, str]:
    # The 29th-31st: that day, or the month's last day in a shorter month (Taskwarrior clamps too).
    if day <= 28:
        return {"BYMONTHDAY": str(day)}
    return {"BYMONTHDAY": ",".join(str(d) for d in range(28, day + 1)), "BYSETPOS": "-1"}


def rule_for(recur: str, anchor: datetime, until: datetime | None) -> str:
    """The RRULE taskd stores for `recur` expanding from the naive local `anchor`."""
    from taskd.resolve.recurrence import join_rule, validate_rule

    freq, interval = period(recur)
    parts: dict[str, str] = {"FREQ": "WEEKLY" if freq == "WEEKDAYS" else freq}
    if interval > 1:
        parts["INTERVAL"] = str(interval)
    if freq == "WEEKDAYS":
        parts["BYDAY"] = "MO,TU,WE,TH,FR"
    elif freq == "WEEKLY":
        parts["BYDAY"] = _WEEKDAYS[anchor.weekday()]
    elif freq == "MONTHLY":
        parts.update(_day_parts(anchor.day))
    elif freq == "YEARLY":
        parts["BYMONTH"] = str(anchor.month)
        parts.update(_day_parts(anchor.day) if anchor.month == 2 else {"BYMONTHDAY": str(anchor.day)})
    if freq not in ("HOURLY", "MINUTELY"):
        parts.update(BYHOUR=str(anchor.hour), BYMINUTE=str(anchor.minute), BYSECOND=str(anchor.second))
    if until is not None:
        parts["UNTIL"] = until.strftime("%Y%m%dT%H%M%SZ")
    rule = join_rule(parts)
    validate_rule(rule)
    return rule


def _draft_json(title: str, local: datetime, rule: str | None, zone: str) -> str:
    from taskd.draft import Draft

    schedule = {"date": local.date().isoformat(), "time": local.time().isoformat(timespec="seconds"),
                "rrule": rule, "time_source": "explicit"}
    return Draft.model_validate({"title": title, "kind": "reminder", "schedule": schedule,
                                 "tz": zone}).model_dump_json()


class _Record:
    def __init__(self, record: Any, n: int) -> None:
        self.fields = Fields(record, f"Taskwarrior task {n}")
        self.title = clean_line(self.fields.need_text("description")) or "Reminder"
        raw_uid = self.fields.uid("uuid") if self.fields.has("uuid") else None
        self.uid = raw_uid or str(uuid.uuid5(uuid.NAMESPACE_URL, f"taskwarrior:{self.title}:"
                                             f"{self.fields.text('entry', required=False)}"))
        self.fields.where = f"Taskwarrior task {n} ({self.uid})"
        self.status = self.fields.need_text("status", "pending")
        self.parent = self.fields.text("parent", required=False)
        self.dates = {name: tw_instant(self.fields, name) for name in (*FIRE_FIELDS, "until", "entry")}
        self.recur = self.fields.text("recur", required=False)


def _build(item: _Record, tz: str, now: datetime, report: ImportReport) -> Task | None:
    from taskd.resolve import recurrence
    from taskd.resolve.zones import get_zone, localize, wall
    from taskd.store.tables import Task

    zone = get_zone(tz)
    fire_field = next((name for name in FIRE_FIELDS if item.dates[name] is not None), None)
    if fire_field is None:
        report.skipped["no date"] += 1
        report.not_translated(item.uid, item.title, "due", None,
                              "no due, scheduled or wait date: taskd has no time to remind at")
        return None
    for name in FIRE_FIELDS:
        if name != fire_field and item.dates[name] is not None:
            report.not_translated(item.uid, item.title, name, item.fields.record[name],
                                  f"the reminder fires at {fire_field}")
    for name, value in item.fields.record.items():
        if name not in BOOKKEEPING:
            report.not_translated(item.uid, item.title, name, value, "taskd has no such field")
    instant = item.dates[fire_field]
    assert instant is not None
    local = wall(instant, zone).replace(microsecond=0)
    rule = None
    if item.recur is not None:
        try:
            rule = rule_for(item.recur, local, item.dates["until"])
        except (Untranslatable, BadInput) as exc:
            message = exc.message if isinstance(exc, BadInput) else str(exc)
            report.not_translated(item.uid, item.title, "recur", item.recur,
                                  f"{message}; imported as a one-time reminder")
    elif item.dates["until"] is not None:
        report.not_translated(item.uid, item.title, "until", item.fields.record["until"],
                              "taskd does not expire one-time reminders")
    if rule is not None:
        start = localize(local, zone)
        fires = recurrence.after(rule, local, zone, max(start - timedelta(seconds=1), now), 1)
        if not fires:
            report.skipped["recurrence ended"] += 1
            return None
        first, next_fire, dtstart = fires[0], fires[0], local.isoformat()
    else:
        first = next_fire = instant.astimezone(zone)
        dtstart = None  # one past due still fires, late, once the service runs (its catch-up)
    created = item.dates["entry"] or now
    return Task(uid=item.uid, title=item.title, kind="reminder", source_text=item.title,
                draft_json=_draft_json(item.title, local, rule, tz), backend="taskwarrior",
                tz=tz, rrule=rule, dtstart=dtstart, first_at=first, next_fire_at=next_fire,
                status="active", time_source="explicit", created_at=created, updated_at=now)


def import_taskwarrior(db: Session, records: list[Any], tz: str, now: datetime) -> ImportReport:
    """Add the pending Taskwarrior tasks this home lacks. Raises BadInput before writing anything."""
    from sqlmodel import select

    from taskd.store.repo import record
    from taskd.store.tables import Run, Task

    report = ImportReport("taskwarrior")
    items = [_Record(r, n) for n, r in enumerate(records, 1)]
    parents = {i.uid for i in items if i.status == "recurring"}
    known = {t.uid for t in db.exec(select(Task))}
    building: list[Task] = []
    for item in items:
        if item.status in ("completed", "deleted"):
            report.skipped[item.status] += 1
            continue
        if item.status not in LIVE_STATUSES:
            raise item.fields.fail(f"unknown status {item.status!r}")
        if item.parent is not None and item.parent in parents:
            report.skipped["recurrence instance (its parent carries the rule)"] += 1
            continue
        if item.uid in known:
            report.existing += 1
            continue
        task = _build(item, tz, now, report)
        if task is not None:
            known.add(item.uid)
            building.append(task)
    for task in building:  # every record was read and checked: now write
        db.add(task)
        db.flush()
        assert task.id is not None and task.next_fire_at is not None
        db.add(Run(task_id=task.id, scheduled_for=task.next_fire_at))
        # Not "created": the learner reads those as the user's activity at this hour.
        record(db, "imported", now, task.id, source="taskwarrior")
        report.added.append({"id": task.id, "uid": task.uid, "title": task.title,
                             "next": task.next_fire_at.isoformat()})
    db.flush()
    return report
