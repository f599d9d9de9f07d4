"""Preferences that act on deliveries: the store side of taskd.learn.quiet and taskd.learn.channel.

The engine loads what is in force once per claimed batch (`load`: one indexed query, only when
something is due) and, inside the claim transaction, holds what quiet hours hold (`hold`). A held
run keeps its instant with state `held` (it came due and was dealt with: it is a run that
happened, like `missed`, so it keeps its place in the (task, instant) index and the rule never
plans that instant again); its delivery is a pending run at the end of quiet hours:

* the schedule's own next run, moved there, when it also falls before the end ("every hour":
  the night's runs become one delivery at 07:00 and the rule carries on from there);
* else a new run there: origin `schedule` for a one-time task (it is the task's reminder), and
  for a recurring one `snooze`, a repeat of that occurrence (`done` drops it, `snooze` moves it,
  and it never stands in for the schedule's next run).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskd.learn.channel import ChannelPref, Route, route
from taskd.learn.quiet import QuietHours, hold_until
from taskd.resolve.zones import get_zone, wall

if TYPE_CHECKING:
    from sqlmodel import Session

    from taskd.pipeline import Parsed
    from taskd.schedule.claims import Claimed
    from taskd.settings import Settings
    from taskd.store.tables import Preference, Run, Task

IN_USE = ("explicit", "learned")
BUILT_IN = ("console", "desktop")


@dataclass(frozen=True)
class InForce:
    quiet: QuietHours | None = None  # None: off (not learned with confidence, not set)
    channel: ChannelPref | None = None  # the row as it stands, in force or still learning


NOTHING = InForce()


def _detail(row: Preference) -> dict[str, Any]:
    try:
        value = json.loads(row.detail_json) if row.detail_json else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def from_rows(rows: Sequence[Preference], zone: str | None) -> InForce:
    found = {row.key: row for row in rows}
    quiet_row, channel_row = found.get("quiet_hours"), found.get("channel")
    quiet = (QuietHours.parse(quiet_row.value, quiet_row.source, zone)
             if quiet_row is not None and quiet_row.source in IN_USE else None)
    channel = None
    if channel_row is not None:
        shares = _detail(channel_row).get("shares") or {}
        share = shares.get(channel_row.value) if isinstance(shares, dict) else None
        channel = ChannelPref(channel_row.value, channel_row.source, channel_row.confidence,
                              channel_row.evidence,
                              float(share) if isinstance(share, int | float) else None)
    return InForce(quiet, channel)


def load(db: Session, zone: str | None) -> InForce:
    """The quiet hours and channel in force; `zone`: the user's (quiet hours are their nights)."""
    from sqlmodel import col, select

    from taskd.store.tables import Preference

    rows = db.exec(select(Preference).where(
        col(Preference.key).in_(("quiet_hours", "channel")))).all()
    return from_rows(rows, zone) if rows else NOTHING


def hold(db: Session, batch: list[Claimed], now: datetime, prefs: InForce) -> list[Claimed]:
    """Hold the claimed runs that quiet hours hold; returns the rest, to be sent now."""
    if prefs.quiet is None or not batch:
        return batch
    kept: list[Claimed] = []
    for item in batch:
        until = hold_until(item.task, now, prefs.quiet, origin=item.run.origin)
        if until is None:
            kept.append(item)
        else:
            hold_run(db, item.task, item.run, until, now, prefs.quiet)
    return kept


def hold_run(db: Session, task: Task, run: Run, until: datetime, now: datetime,
             quiet: QuietHours) -> Run:
    """Record `run` as held and plan its delivery at `until`. Returns the run that will deliver."""
    from taskd.store import repo

    shown = wall(until, get_zone(quiet.zone or task.tz))
    run.state = "held"
    run.finished_at = now
    run.lease_until = None
    run.outcome = f"held: quiet hours {quiet.text}; delivered at {shown:%H:%M}"
    db.add(run)
    db.flush()
    also_quiet = [r for r in repo.pending_runs(db, task)
                  if r.origin == "schedule" and r.scheduled_for < until]
    if also_quiet:
        delivery = repo._take(db, task, until, "schedule", also_quiet[0])
        for extra in also_quiet[1:]:
            if extra is not delivery and extra.state == "pending":
                extra.state, extra.outcome = "superseded", "held with the run before it"
                db.add(extra)
    else:
        delivery = repo._take(db, task, until, "schedule" if task.rrule is None else "snooze")
    repo.refresh_next(db, task)
    return delivery


def route_for(task: Task, settings: Settings, available: Sequence[str] | None,
              prefs: InForce) -> Route:
    """Which channels deliver `task` now, and why (`taskd show` prints this)."""
    names = set(available if available is not None else (*BUILT_IN, *settings.channels))
    return route(task.channels_json, settings.default_channels, names, prefs.channel)


def describe(task: Task, settings: Settings, prefs: InForce,
             upcoming: Sequence[datetime | str]) -> dict[str, Any]:
    """`taskd show`'s "delivery": the channels and why, and what quiet hours do to the next fire."""
    from taskd.learn.quiet import preview

    fires = [datetime.fromisoformat(t) if isinstance(t, str) else t for t in upcoming]
    channels = route_for(task, settings, None, prefs).as_json()
    return {**channels, "quiet_hours": preview(task, fires, prefs.quiet)}


def load_for(core: Any) -> InForce:
    """`load` for a taskd.core.Core, in its own read session; NOTHING before the first task."""
    from taskd.core.tasks import have_database

    if not have_database(core.settings):
        return NOTHING
    with core.db() as handle:
        return load(handle, core.settings.timezone)


def quiet_preview(core: Any, parsed: Parsed) -> dict[str, Any] | None:
    """The `held_by_quiet_hours` of a parse/add result: None while no quiet hours are in force;
    else whether they apply to this task, which of its `next` fires they hold, and `words` for the
    human line ("not between 22:00 and 07:00"; None when nothing changes)."""
    from taskd.learn.quiet import Timing, preview, preview_words

    resolved, schedule = parsed.resolved, parsed.draft.schedule
    if core is None or resolved is None or schedule is None:
        return None
    quiet = load_for(core).quiet
    if quiet is None:
        return None
    task = Timing(schedule.time_source, resolved.rrule, parsed.draft.kind, resolved.zone)
    upcoming = list(resolved.upcoming) or [resolved.first]
    shown = preview(task, upcoming, quiet)
    return None if shown is None else {**shown, "words": preview_words(task, upcoming, quiet)}


def schedule_with_quiet(data: dict[str, Any]) -> str:
    """The human schedule words with what quiet hours do to them (`render` of add/parse)."""
    held = data.get("held_by_quiet_hours") or {}
    words = held.get("words") if isinstance(held, dict) else None
    return f"{data['schedule']}, {words}" if words else str(data["schedule"])


def delivery_lines(data: dict[str, Any]) -> list[str]:
    """`taskd show`'s human lines for "delivery": the channels and why, quiet hours' effect."""
    delivery = data.get("delivery")
    if not isinstance(delivery, dict):
        return []
    lines = [f"channels: {', '.join(delivery['channels'])} — {delivery['why']}"]
    quiet = delivery.get("quiet_hours")
    if isinstance(quiet, dict):
        held = quiet.get("held") or []
        effect = str(quiet["why"])
        if quiet["applies"] and held:
            until = datetime.fromisoformat(held[0]["until"]).astimezone(get_zone(data["tz"]))
            effect = f"the next fire waits until {until:%a %H:%M}"
        source = "set by you" if quiet["source"] == "explicit" else "learned"
        lines.append(f"quiet hours {quiet['quiet_hours']} ({source}): {effect}")
    return lines
