"""Issue 11's lifecycle findings, as a new user met them: each fails on the code before its fix.

Saturday 21 Nov 2026, 10:00 in Berlin; the real CLI, store and engine on one FakeClock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import local
from tests.lifecycle_world import World

START = local("2026-11-21T10:00:00")


@pytest.fixture
def world(taskd_home: Path) -> World:
    return World(taskd_home, START)


def at(iso: str) -> datetime:
    return local(iso)


def test_1_a_reminder_edited_away_and_back_fires(world: World) -> None:
    world.ok("add", "repro reminder at 11:12")
    world.ok("edit", "1", "--at", "11:13")
    edited = world.ok("edit", "1", "--at", "11:12")
    assert edited["next"] == ["2026-11-21T11:12:00+01:00"]
    assert world.ok("list")[0]["next"] == edited["next"]
    assert world.ok("status")["next_fire"] == "2026-11-21T11:12:00+01:00"
    assert world.advance_to(at("2026-11-21T11:11:59")) == []
    assert len(world.advance(timedelta(seconds=1))) == 1
    assert world.sent_for(1) == [at("2026-11-21T11:12:00")]
    world.advance(timedelta(hours=1))
    assert len(world.rec.sent) == 1
    assert [r["state"] for r in world.ok("history", "1")] == ["delivered"]


def test_2_move_it_to_7pm_keeps_the_day(world: World) -> None:
    world.ok("add", "repro reminder at 03:12")  # tomorrow, Sunday
    world.ok("edit", "1", "--at", "03:13")
    world.ok("edit", "1", "--at", "03:12")
    moved = world.ok("edit", "1", "move it to 7pm")
    assert moved["next"] == ["2026-11-22T19:00:00+01:00"]  # Sunday, not today
    assert moved["title"] == "Repro reminder"


def test_3_snoozing_a_reminder_that_has_not_fired_makes_it_later_never_earlier(
        world: World) -> None:
    world.ok("add", "call bob tomorrow at 19:00")
    said = world.taskd("snooze", "1", "15m")
    assert said.code == 0 and "Sun 22 Nov, 19:15" in said.out and "not fired yet" in said.out
    assert world.next_of(1) == at("2026-11-22T19:15:00")
    assert world.advance_to(at("2026-11-22T19:14:59")) == []
    assert len(world.advance(timedelta(seconds=1))) == 1
    world.advance(timedelta(minutes=2))
    again = world.ok("snooze", "1", "10m")  # it has fired: from now
    assert again["next"] == ["2026-11-22T19:27:00+01:00"]


def test_3_snoozing_a_recurring_task_before_its_first_fire_moves_that_occurrence(
        world: World) -> None:
    world.ok("add", "stretch every day at 9am")
    snoozed = world.ok("snooze", "1", "15m")
    assert snoozed["next"][:2] == ["2026-11-22T09:15:00+01:00", "2026-11-23T09:00:00+01:00"]
    world.advance_to(at("2026-11-23T09:00:00"))
    assert world.sent_for(1) == [at("2026-11-22T09:15:00"), at("2026-11-23T09:00:00")]


def test_4_done_on_a_recurring_task_drops_its_pending_snooze(world: World) -> None:
    world.ok("add", "stretch every day at 9am")
    world.advance_to(at("2026-11-22T09:00:00"))
    assert world.sent_for(1) == [at("2026-11-22T09:00:00")]
    assert world.ok("snooze", "1", "30m")["next"][0] == "2026-11-22T09:30:00+01:00"
    done = world.ok("done", "1")
    assert done["next"][0] == "2026-11-23T09:00:00+01:00"
    assert [r.state for r in world.runs(1) if r.origin == "snooze"] == ["cancelled"]
    world.advance_to(at("2026-11-22T12:00:00"))
    assert world.sent_for(1) == [at("2026-11-22T09:00:00")]


def test_5_a_pause_until_shows_and_fires_the_first_fire_after_it(world: World) -> None:
    world.ok("add", "stand up every day at 9am")
    paused = world.ok("pause", "1", "--until", "monday 12pm")
    assert paused["next"][0] == "2026-11-24T09:00:00+01:00"  # Tuesday: Sun and Mon are paused
    assert world.ok("list")[0]["next"][0] == paused["next"][0]
    assert world.ok("status")["next_fire"] == "2026-11-24T09:00:00+01:00"
    world.advance_to(at("2026-11-24T09:00:00"))
    assert world.sent_for(1) == [at("2026-11-24T09:00:00")]


def test_5_a_fire_at_the_end_of_the_pause_fires(world: World) -> None:
    world.ok("add", "stand up every day at 9am")
    assert world.ok("pause", "1", "--until", "monday 9am")["next"][0] == \
        "2026-11-23T09:00:00+01:00"
    for _ in range(3 * 24):
        world.advance(timedelta(hours=1))
    assert world.sent_for(1) == [at("2026-11-23T09:00:00"), at("2026-11-24T09:00:00")]


def test_5_an_open_pause_shows_no_next_fire(world: World) -> None:
    world.ok("add", "stand up every day at 9am")
    assert world.ok("pause", "1")["next"] == []
    assert world.ok("status")["next_fire"] is None


@pytest.mark.parametrize("rule", ["stand up every day at 9am", "drink every hour",
                                  "drink every 2 hours"])
def test_a_pause_until_the_last_day_of_the_calendar_pauses_and_resumes(world: World,
                                                                        rule: str) -> None:
    # The fuzz found it: the next fire after 31 Dec 9999 overflowed into "internal error".
    world.ok("add", rule)
    paused = world.ok("pause", "1", "--until", "on 31 dec 9999 at 23:30")
    assert paused["status"] == "paused" and paused["next"] == []
    assert world.ok("list")[0]["status"] == "paused"
    assert world.ok("resume", "1")["next"][0].startswith("2026-11-2")


def test_8_pause_until_yesterday_says_that_time_has_passed(world: World) -> None:
    world.ok("add", "stand up every day at 9am")
    said = world.taskd("pause", "1", "--until", "yesterday")
    assert said.code == 1
    assert said.err.startswith("taskd: pause until: that ") and " has passed (" in said.err
    assert said.err.count("\n") == 1 and "remind you" not in said.err
    assert world.ok("show", "1")["status"] == "active"


def test_9_status_speaks_local_time_and_a_fired_one_time_task_is_not_active(
        world: World) -> None:
    world.ok("add", "call mom in 5 minutes")
    world.ok("add", "stretch every day at 9am")
    world.advance(timedelta(minutes=5))
    data = world.ok("status")
    assert data["tasks"] == {"active": 1, "paused": 0, "done": 0, "fired": 1}
    assert data["next_fire"] == "2026-11-22T09:00:00+01:00"
    text = world.taskd("status").out
    assert "next fire: Sun 22 Nov, 09:00 CET" in text and "1 active" in text


def test_9_run_ids_are_not_burnt_by_edits_and_snoozes(world: World, taskd_home: Path) -> None:
    (taskd_home / "config.toml").write_text('default_channels = ["console"]\n')
    world.ok("add", "repro reminder at 11:12")
    world.ok("edit", "1", "--at", "11:13")
    world.ok("edit", "1", "--at", "11:12")
    world.ok("snooze", "1", "5m")
    world.ok("edit", "1", "--at", "12:00")
    shown = [world.taskd("run", "1").out for _ in range(2)]
    assert "fired #1 (run 2): delivered" in shown[0]  # run 1 is the planned 12:00 fire
    assert "fired #1 (run 3): delivered" in shown[1]


def test_9_an_agent_error_is_printed_once_by_run(world: World, taskd_home: Path) -> None:
    """In a real process: the engine's log line reached the terminal there (pytest's own log
    handler hides it in-process)."""
    (taskd_home / "config.toml").write_text('default_channels = ["console"]\n')
    world.ok("add", "every day at 9am check the news and tell me the headlines")
    done = subprocess.run([sys.executable, "-m", "taskd", "run", "1"], capture_output=True,
                          text=True, timeout=60, env=dict(os.environ))
    assert done.returncode == 1
    assert done.stderr.count("need a model endpoint") == 1, done.stderr
    assert done.stderr.count("\n") == 1


# --- Failing examples the state machine (tests/test_lifecycle_state.py) found on the code before
# the fixes, kept as regular tests.

def test_found_an_edit_back_to_a_dst_night_time_fires(taskd_home: Path) -> None:
    """Bug 1 again, on the night Berlin falls back (25 Oct 2026): 02:30 -> 11:12 -> 02:30."""
    world = World(taskd_home, local("2026-10-24T10:00:00"))
    world.ok("add", "take pills at 02:30")
    world.ok("edit", "1", "--at", "11:12")
    world.ok("edit", "1", "--at", "02:30")
    due = world.next_of(1)
    assert due == datetime.fromisoformat("2026-10-25T02:30:00+02:00")
    assert {r.scheduled_for for r in world.runs(1) if r.state == "pending"} == {due}
    world.advance_to(due)
    assert [t.timestamp() for t in world.sent_for(1)] == [due.timestamp()]  # in the fold


def test_found_an_open_pause_agrees_in_list_show_and_status(world: World) -> None:
    world.ok("add", "water the plants at 11:12")
    world.ok("pause", "1")
    assert world.ok("list")[0]["next"] == world.ok("show", "1")["next"] == []
    assert world.ok("status")["next_fire"] is None
    world.advance(timedelta(hours=2))
    assert world.rec.sent == []
