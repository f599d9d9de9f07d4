"""The CLI as a user meets it: add, list, show, edit, lifecycle, prefs; JSON and exit codes."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from taskd.clock import FakeClock
from tests.cli import taskd


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], clock: FakeClock):  # type: ignore[no-untyped-def]
    return lambda *args: taskd(capsys, clock, *args)


def test_add_answers_with_title_schedule_next_and_id(run) -> None:  # type: ignore[no-untyped-def]
    result = run("add", "remind me to call mom every Sunday at 6pm")
    assert result.code == 0, result.err
    assert "Call mom" in result.out or "call mom" in result.out
    assert "every Sunday at 18:00" in result.out
    assert "Sun 22 Nov, 18:00 CET" in result.out
    assert "[#1]" in result.out


def test_add_json_and_list_json_agree(run) -> None:  # type: ignore[no-untyped-def]
    added = run("add", "in 20 minutes check the oven", "--json").json()
    assert added["saved"] is True and added["id"] == 1
    assert added["next"] == ["2026-11-21T10:20:00+01:00"]
    assert added["rrule"] is None and added["kind"] == "reminder"
    listed = run("list", "--json").json()
    assert [t["id"] for t in listed] == [1]
    assert listed[0]["next"] == ["2026-11-21T10:20:00+01:00"]
    assert "oven" in listed[0]["title"].lower()


def test_dry_run_stores_nothing(run, taskd_home: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("add", "water the plants tomorrow at 9", "--dry-run")
    assert result.code == 0 and "not saved" in result.out
    assert run("list", "--json").json() == []


def test_parse_json_has_the_contract_fields(run) -> None:  # type: ignore[no-untyped-def]
    got = run("parse", "every weekday at 8am give me a news briefing", "--now",
              "2026-11-21T10:00:00", "--tz", "America/New_York", "--json", "--count", "2").json()
    assert set(got) >= {"title", "kind", "rrule", "tz", "next", "question", "draft"}
    assert got["kind"] == "agent" and got["tz"] == "America/New_York"
    assert got["next"] == ["2026-11-23T08:00:00-05:00", "2026-11-24T08:00:00-05:00"]
    assert got["draft"]["schema_version"] == 1


def test_a_text_without_a_time_asks_and_exits_3(run) -> None:  # type: ignore[no-untyped-def]
    result = run("add", "remind me to call mom")
    assert result.code == 3
    assert result.err.count("\n") == 1 and "?" in result.err
    assert run("list", "--json").json() == []


@pytest.mark.parametrize(("args", "code", "message"), [
    (("add", ""), 1, "empty"),
    (("add", "x" * 100_000), 1, "characters"),
    (("add", "call \x00\x01 mom at 5pm"), 1, "control characters"),
    (("add", "call mom at 5pm", "--tz", "Mars/Base"), 1, "unknown time zone"),
    (("add", "pay rent on Feb 30"), None, None),
    (("add", "call mom on 2020-01-01 at 10:00"), 1, "passed"),
    (("show", "42"), 1, "no task #42"),
    (("rm", "42"), 1, "no task #42"),
    (("snooze", "1", "banana"), 1, "not a duration"),
    (("prefs", "set", "morning", "25:99"), 1, "not a time of day"),
    (("add",), 2, "Missing argument"),
    (("frobnicate",), 2, "No such command"),
])
def test_bad_input_is_one_line_and_the_documented_code(run, args, code, message) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    if code is None:  # an impossible date: a question (3) or an error (1), never a traceback
        assert result.code in (1, 3) and "Traceback" not in result.err
        assert "30" in result.err or "February" in result.err or "Feb" in result.err
    else:
        assert result.code == code, result.err
        assert message in result.err
        assert "Traceback" not in result.err
    assert run("list", "--json").json() == []


def test_edit_by_text_and_by_fields(run) -> None:  # type: ignore[no-untyped-def]
    run("add", "remind me to go to the gym tomorrow at 6pm")
    edited = run("edit", "1", "--at", "tomorrow at 7pm", "--json").json()
    assert edited["next"] == ["2026-11-22T19:00:00+01:00"]
    assert "gym" in edited["title"].lower()
    renamed = run("edit", "1", "--title", "Leg day", "--json").json()
    assert renamed["title"] == "Leg day" and renamed["next"] == ["2026-11-22T19:00:00+01:00"]
    retexted = run("edit", "1", "stretch every day at 7am", "--json").json()
    assert retexted["rrule"].startswith("FREQ=DAILY") and "stretch" in retexted["title"].lower()


def test_pause_resume_done_rm(run, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    run("add", "stand up every day at 11am")
    assert run("pause", "1", "--json").json()["status"] == "paused"
    clock.advance(timedelta(days=2))
    resumed = run("resume", "1", "--json").json()
    assert resumed["status"] == "active" and resumed["next"][0] == "2026-11-23T11:00:00+01:00"
    assert run("done", "1", "--json").json()["status"] == "active"  # recurring: this occurrence
    assert run("rm", "1").code == 0
    assert run("list", "--json").json() == []
    assert run("show", "1").code == 1


def test_pause_until_and_snooze(run) -> None:  # type: ignore[no-untyped-def]
    run("add", "take out the trash tomorrow at 8am")
    paused = run("pause", "1", "--until", "monday 9am", "--json").json()
    assert paused["paused_until"] == "2026-11-23T09:00:00+01:00"
    assert paused["next"] == []  # Sunday 08:00 falls inside the pause: it is skipped
    refused = run("snooze", "1", "1h30m")  # a paused task has nothing firing to snooze
    assert refused.code == 1 and "resume" in refused.err


def test_prefs_set_shows_and_forgets_and_reaches_the_resolver(run) -> None:  # type: ignore[no-untyped-def]
    assert run("prefs", "set", "morning", "7:30am").code == 0
    rows = {r["key"]: r for r in run("prefs", "--json").json()}
    assert rows["morning"]["value"] == "07:30" and rows["morning"]["source"] == "explicit"
    added = run("add", "call the bank tomorrow morning", "--json").json()
    assert added["next"] == ["2026-11-22T07:30:00+01:00"]
    assert any("07:30" in a for a in added["assumptions"])
    assert run("prefs", "forget", "morning").code == 0
    rows = {r["key"]: r for r in run("prefs", "--json").json()}
    assert rows["morning"]["value"] == "09:00" and rows["morning"]["source"] == "default"


def test_history_is_empty_before_the_service_runs(run) -> None:  # type: ignore[no-untyped-def]
    run("add", "call mom in 5 minutes")
    assert run("history", "--json").json() == []
    assert run("history", "1", "--json").json() == []
    assert run("history", "7").code == 1


def test_run_now_then_history_shows_the_run_and_each_channel(run) -> None:  # type: ignore[no-untyped-def]
    run("add", "remind me to call mom every Sunday at 6pm")
    fired = run("run", "1")
    assert fired.code == 0, fired.err
    runs = run("history", "1", "--json").json()
    assert len(runs) == 1 and runs[0]["state"] == "delivered" and runs[0]["title"] == "Call mom"
    channels = {d["channel"]: d for d in runs[0]["deliveries"]}
    assert channels["console"]["ok"] is True and channels["console"]["attempt"] == 1
    table = run("history").out
    assert "Call mom" in table and "console ✓" in table
    # The manual run does not consume Sunday's planned fire.
    assert run("show", "1", "--json").json()["next"][0] == "2026-11-22T18:00:00+01:00"


def test_edit_with_only_a_new_time_keeps_the_title(run) -> None:  # type: ignore[no-untyped-def]
    run("add", "remind me to water the plants tomorrow at 9am")
    edited = run("edit", "1", "every Friday at 6pm", "--json").json()
    assert edited["title"] == "Water the plants"
    assert edited["rrule"].startswith("FREQ=WEEKLY;BYDAY=FR")


def test_history_of_a_removed_task_stays_visible(run) -> None:  # type: ignore[no-untyped-def]
    run("add", "remind me to call mom every Sunday at 6pm")
    run("run", "1")
    run("rm", "1")
    result = run("history", "1", "--json")
    assert result.code == 0, result.err
    assert [r["state"] for r in result.json()] == ["delivered"]


def test_next_of_a_snoozed_one_time_task_is_when_it_will_fire(run, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    run("add", "remind me to call mom on Friday at 9am")
    snoozed = run("snooze", "1", "2h", "--json").json()
    assert snoozed["next"] == ["2026-11-27T11:00:00+01:00"]  # not fired yet: 2 h after Friday 9
    assert run("show", "1", "--json").json()["next"] == snoozed["next"]


def test_starting_the_cli_loads_no_heavy_module() -> None:
    """Every command pays for what `taskd.cli` imports: the model client, the database layer,
    dateparser, pydantic, HTTP and rich load only on the paths that use them."""
    heavy = ("openai", "sqlalchemy", "sqlmodel", "dateparser", "pydantic", "urllib.request", "rich")
    code = f"import sys, taskd.cli; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
