"""The iCalendar feed: its shape, and a differential test against an independent expander.

`recurring-ical-events` (on top of `icalendar`) expands the exported VEVENTs; its next 20
occurrences must equal taskd's own next 20 fires for every recurring eval case (their zones
include America/New_York, Europe/Berlin, Australia/Sydney, Lord Howe's half-hour DST and
Santiago's midnight DST), and for the same texts re-run in those zones just before a DST change.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from taskd.clock import FakeClock
from taskd.exchange import ical
from taskd.extract import get_extractor
from taskd.pipeline import parse
from taskd.resolve import upcoming
from taskd.resolve.recurrence import split_rule
from taskd.resolve.zones import get_zone, localize
from taskd.settings import load
from taskd.store.tables import Task
from tests.cli import taskd
from tests.conftest import local

CASES = Path(__file__).parent.parent / "evals" / "cases"
DST_ZONES = {  # a moment a week before each zone's spring-forward and fall-back in 2027
    "America/New_York": ("2027-03-07T12:00:00", "2027-10-31T12:00:00"),
    "Europe/Berlin": ("2027-03-21T12:00:00", "2027-10-24T12:00:00"),
    "Australia/Sydney": ("2027-09-26T12:00:00", "2027-03-28T12:00:00"),
}


def family(rule: str) -> str:
    """FREQ and which other parts the rule uses: the shape that decides how it expands."""
    parts = split_rule(rule)
    named = sorted(p for p in parts if p not in ("FREQ", "BYHOUR", "BYMINUTE", "BYSECOND"))
    return ";".join([parts["FREQ"], *named])


def recurring_cases() -> list[dict]:
    cases = []
    for path in sorted(CASES.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            case = json.loads(line)
            if case.get("expect", {}).get("recurring") is True:
                cases.append(case)
    return cases


def stored(text: str, now: datetime, tz: str) -> Task | None:
    parsed = parse(text, extractor=get_extractor("rules", load()), now=now, tz=tz)
    resolved = parsed.resolved
    if resolved is None or resolved.rrule is None or resolved.dtstart is None:
        return None
    return Task(title=parsed.draft.title or "x", source_text=text, draft_json="{}", backend="rules",
                tz=resolved.zone, rrule=resolved.rrule, dtstart=resolved.dtstart.isoformat(),
                first_at=resolved.first, next_fire_at=resolved.first, created_at=now, updated_at=now)


def theirs(feed: bytes, now: datetime, count: int) -> list[datetime]:
    found = []
    for event in recurring_ical_events.of(icalendar.Calendar.from_ical(feed)).after(now):
        start = event.decoded("dtstart")
        if start > now:
            found.append(start.astimezone(UTC))
        if len(found) >= count:
            break
    return found


def compare(task: Task, now: datetime) -> bool:
    assert task.rrule and task.dtstart
    ours = upcoming(task.rrule, datetime.fromisoformat(task.dtstart), task.tz, task.first_at, now, 20)
    return [t.astimezone(UTC) for t in ours] == theirs(ical.calendar_for([task], now), now, 20)


def test_next_20_occurrences_equal_taskd_for_every_recurrence_family() -> None:
    cases, equal, unparsed = Counter(), Counter(), []
    zones = Counter()
    for case in recurring_cases():
        now = localize(datetime.fromisoformat(case["now"]), get_zone(case["tz"]))
        runs = [(case["tz"], now)] + [
            (zone, localize(datetime.fromisoformat(moment), get_zone(zone)))
            for zone, moments in DST_ZONES.items() for moment in moments
            if case["category"] in ("recurring-daily", "dst", "dst-more")]
        for tz, moment in runs:
            task = stored(case["text"], moment, tz)
            if task is None:
                unparsed.append(case["id"])
                continue
            assert task.rrule is not None
            name = family(task.rrule)
            cases[name] += 1
            zones[task.tz] += 1
            equal[name] += compare(task, moment)
    report = {name: {"cases": cases[name], "equal": equal[name]} for name in sorted(cases)}
    print(json.dumps(report, indent=1))  # the per-family table the closing note wants
    assert sum(cases.values()) >= 171
    assert {"America/New_York", "Europe/Berlin", "Australia/Sydney"} <= zones.keys()
    assert len(cases) >= 20, report
    assert all(row["cases"] == row["equal"] for row in report.values()), report
    assert len(unparsed) <= 5, unparsed


def test_a_gap_time_needs_the_correction_the_feed_carries(monkeypatch: pytest.MonkeyPatch) -> None:
    # 02:30 on 14 March 2027 does not exist in New York: taskd fires at 03:00 EDT, an RFC 5545
    # reader would say 03:30 EDT. Without the EXDATE/RDATE pair the two disagree.
    now = local("2027-03-10T12:00:00", "America/New_York")
    task = stored("every day at 2:30am check the furnace", now, "America/New_York")
    assert task is not None
    assert compare(task, now)
    fires = theirs(ical.calendar_for([task], now), now, 5)
    assert fires[3] == local("2027-03-14T03:00:00", "America/New_York").astimezone(UTC)
    monkeypatch.setattr(ical, "_gap_corrections", lambda *args: ([], []))
    assert not compare(task, now)


def test_every_2_hours_stays_elapsed_time_across_the_fold() -> None:
    now = local("2026-10-31T22:00:00", "America/New_York")
    task = stored("every 2 hours drink water", now, "America/New_York")
    assert task is not None
    assert compare(task, now)
    feed = ical.calendar_for([task], now).decode()
    assert "DTSTART:2026" in feed and "Z\r\n" in feed  # elapsed time: written in UTC


def test_the_feed_has_one_event_per_live_task_with_stable_uids(
        capsys: pytest.CaptureFixture[str], clock: FakeClock) -> None:
    for text in ("every Monday at 9am standup", "tomorrow at 5pm call bob", "in 1 hour stretch"):
        assert taskd(capsys, clock, "add", text).code == 0
    assert taskd(capsys, clock, "done", "3").code == 0  # done: not live, not in the feed
    assert taskd(capsys, clock, "pause", "2").code == 0
    first = taskd(capsys, clock, "export", "--format", "ics")
    assert first.code == 0
    cal = icalendar.Calendar.from_ical(first.out)
    events = list(cal.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Call bob", "Standup"]  # by next fire
    bob, standup = events
    assert standup["dtstart"].params["TZID"] == "Europe/Berlin"
    assert standup.decoded("dtstart") == local("2026-11-23T09:00:00")
    assert split_rule(standup["rrule"].to_ical().decode()) == split_rule(
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0")
    alarm = next(iter(standup.walk("VALARM")))
    assert alarm.decoded("trigger") == timedelta(0) and str(alarm["action"]) == "DISPLAY"
    assert str(bob["status"]) == "TENTATIVE" and not list(bob.walk("VALARM"))  # paused
    assert bob.decoded("dtstart") == local("2026-11-22T17:00:00")
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    clock.advance(timedelta(days=2))
    again = icalendar.Calendar.from_ical(taskd(capsys, clock, "export", "--format", "ics").out)
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(e["uid"]) for e in events]
    assert len({str(e["uid"]) for e in events}) == 2
