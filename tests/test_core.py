"""`taskd.core.Core` called directly, as the API, MCP and web faces call it: plain data in and
out, time frozen by a FakeClock, every write announced through `on_change`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from taskd.clock import FakeClock
from taskd.core import Core
from taskd.errors import BadInput, Conflict, NeedsClarification, NotFound, TaskdError
from taskd.settings import load


@pytest.fixture
def writes() -> list[str]:
    return []


@pytest.fixture
def core(clock: FakeClock, writes: list[str]) -> Core:
    return Core(load(), clock, on_change=lambda: writes.append("changed"))


def test_add_stores_and_returns_the_add_json_object(core: Core, writes: list[str]) -> None:
    added = core.add("remind me to call mom every Sunday at 6pm")
    assert (added["id"], added["saved"], added["title"]) == (1, True, "Call mom")
    assert added["schedule"] == "every Sunday at 18:00"
    assert added["next"][0] == added["first"] == "2026-11-22T18:00:00+01:00"
    assert added["warnings"] == [] and added["saved_pref"] is None
    assert writes == ["changed"]
    assert json.loads(json.dumps(added)) == added  # plain data, nothing to stringify
    dry = core.add("water the plants tomorrow at 9", dry_run=True)
    assert dry["id"] is None and dry["saved"] is False and writes == ["changed"]
    assert [t["id"] for t in core.list_tasks()] == [1]


def test_add_in_another_zone_and_an_agent_task_without_a_model_warns(core: Core) -> None:
    added = core.add("every weekday at 8am give me a news briefing", tz="America/New_York")
    assert added["tz"] == "America/New_York" and added["next"][0].endswith("-05:00")
    assert added["kind"] == "agent" and any("model endpoint" in w for w in added["warnings"])
    with pytest.raises(BadInput, match="unknown time zone"):
        core.add("call mom tomorrow at 6pm", tz="Mars/Olympus")


def test_a_text_that_needs_a_question_carries_the_preview(core: Core, writes: list[str]) -> None:
    with pytest.raises(NeedsClarification) as caught:
        core.add("remind me to call mom")
    error = caught.value
    assert error.code == "needs_clarification" and error.exit_code == 3
    assert error.http_status == 422 and error.question.endswith("?")
    assert error.payload is not None and error.payload["question"] == error.question
    assert error.payload["next"] == [] and core.list_tasks() == [] and writes == []


def test_a_change_request_edits_the_named_task(core: Core) -> None:
    core.add("tomorrow at 9am go to the gym")
    moved = core.add("move my gym reminder to 8pm")
    assert moved["edited"] is True and moved["id"] == 1
    assert moved["next"] == ["2026-11-22T20:00:00+01:00"]
    with pytest.raises(BadInput, match="no task matches"):
        core.add("move my dentist reminder to 8pm")
    assert len(core.list_tasks()) == 1


def test_parse_stores_nothing_and_honours_now_tz_count(core: Core) -> None:
    got = core.parse("every weekday at 8am give me a news briefing", now="2026-11-21T10:00:00",
                     tz="America/New_York", count=2)
    assert got["next"] == ["2026-11-23T08:00:00-05:00", "2026-11-24T08:00:00-05:00"]
    assert got["schedule"].startswith("every") and got["question"] is None
    assert core.list_tasks() == []
    with pytest.raises(BadInput):
        core.parse("call mom tomorrow", now="yesterday-ish")
    with pytest.raises(BadInput):
        core.parse("call mom tomorrow at 6pm", count=101)
    with pytest.raises(BadInput, match="unknown backend"):
        core.parse("call mom tomorrow at 6pm", backend="psychic")


def test_show_and_edit_by_text_title_and_time(core: Core, writes: list[str]) -> None:
    core.add("remind me to water the plants tomorrow at 9am")
    shown = core.show(1, count=2)
    assert shown["runs"] == [] and shown["next"] == ["2026-11-22T09:00:00+01:00"]
    assert core.edit(1, at="7pm")["next"] == ["2026-11-21T19:00:00+01:00"]  # --at: a new time
    assert core.edit(1, title="Plants")["title"] == "Plants"
    weekly = core.edit(1, text="every Friday at 6pm")
    assert weekly["title"] == "Plants" and weekly["rrule"].startswith("FREQ=WEEKLY;BYDAY=FR")
    assert writes.count("changed") == 4
    with pytest.raises(BadInput):
        core.edit(1)
    with pytest.raises(BadInput, match="control characters"):
        core.edit(1, title="evil\x1b[31m")
    for missing in (7, 0, 2**40):
        with pytest.raises(NotFound) as caught:
            core.show(missing)
        assert caught.value.code == "not_found" and caught.value.http_status == 404


def test_pause_resume_snooze_done_remove(core: Core, clock: FakeClock) -> None:
    core.add("remind me to call mom every Sunday at 6pm")
    paused = core.pause(1, until="monday 9am")
    assert paused["status"] == "paused" and paused["paused_until"].startswith("2026-11-23T09:00")
    assert core.resume(1)["status"] == "active"
    with pytest.raises(Conflict, match="not paused") as conflict:
        core.resume(1)
    assert conflict.value.code == "conflict" and conflict.value.http_status == 409
    snoozed = core.snooze(1, duration="1h30m")
    assert snoozed["snoozed_for"] == "1h30m"
    assert snoozed["planned"] == "2026-11-22T17:00:00+00:00"  # not fired yet: counts from it
    assert snoozed["snoozed_until"] == "2026-11-22T18:30:00+00:00"
    with pytest.raises(BadInput, match="--via"):
        core.done(1, via="bad channel!")
    assert "questions" in core.done(1, via="hook")
    clock.advance(timedelta(minutes=5))
    assert core.remove(1) == {"id": 1, "status": "deleted", "title": "Call mom"}
    assert core.list_tasks() == [] == core.list_tasks(include_all=True)  # --all: done ones, not deleted
    with pytest.raises(NotFound):
        core.pause(1)


def test_pause_until_takes_iso_and_refuses_the_past(core: Core) -> None:
    core.add("remind me to call mom every Sunday at 6pm")
    assert core.pause(1, until="2026-12-01T09:00")["paused_until"] == "2026-12-01T09:00:00+01:00"
    core.resume(1)
    with pytest.raises(BadInput, match="passed"):
        core.pause(1, until="2026-11-01T09:00:00+01:00")
    with pytest.raises(BadInput, match="not a moment"):
        core.pause(1, until="whenever")


def test_run_uses_the_injected_fire_and_returns_the_run(clock: FakeClock) -> None:
    fired: list[int] = []
    local = Core(load(), clock)
    local.add("remind me to call mom every Sunday at 6pm")
    here = local.run(1)  # no fire given: in this process, under the service lock
    assert here["state"] == "delivered" and here["task_id"] == 1

    def fire(task_id: int) -> int:
        fired.append(task_id)
        return int(here["run_id"])

    assert Core(load(), clock, fire=fire).run(1)["run_id"] == here["run_id"] and fired == [1]
    rows = local.history(1)
    assert [r["run_id"] for r in rows] == [here["run_id"]] and rows[0]["tz"] == "Europe/Berlin"
    assert rows[0]["title"] == "Call mom" and rows[0]["deliveries"]
    with pytest.raises(NotFound):
        local.history(9)
    with pytest.raises(NotFound):
        local.run(9)


def test_prefs_set_forget_and_report(core: Core, writes: list[str]) -> None:
    assert core.set_pref("morning", "7:30") == {"key": "morning", "value": "07:30",
                                                "source": "explicit"}
    rows = {r["key"]: r for r in core.prefs()}
    assert rows["morning"]["value"] == "07:30" and rows["evening"]["source"] == "default"
    assert set(core.prefs_report()) == {"prefs", "questions"}
    assert core.forget_pref("morning") == {"key": "morning", "forgotten": True}
    assert core.forget_pref("morning") == {"key": "morning", "forgotten": False}
    assert writes == ["changed"] * 3
    with pytest.raises(BadInput):
        core.set_pref("morning", "teatime")


def test_status_is_the_offline_part(core: Core) -> None:
    core.add("remind me to call mom every Sunday at 6pm")
    core.add("in 20 minutes check the oven")
    status = core.status()
    assert status["tasks"] == {"active": 2, "paused": 0, "done": 0, "fired": 0}
    assert status["next_fire"] == "2026-11-21T10:20:00+01:00" and status["nodes"] == []
    assert status["socket"].endswith("taskd.sock") and "up" not in status


def test_export_import_and_calendar_round_trip(clock: FakeClock, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    source = Core(load(), clock)
    source.add("remind me to call mom every Sunday at 6pm")
    exported = source.export()
    assert [t["title"] for t in exported["tasks"]] == ["Call mom"]
    assert source.calendar().startswith(b"BEGIN:VCALENDAR")
    monkeypatch.setenv("TASKD_HOME", str(tmp_path / "other"))
    writes: list[str] = []
    target = Core(load(), clock, on_change=lambda: writes.append("changed"))
    first = target.import_text(json.dumps(exported))
    again = target.import_text(json.dumps(exported))
    assert (first["added"], again["added"], again["existing"]) == (1, 0, 1)
    assert writes == ["changed"]  # importing nothing new changes nothing
    with pytest.raises(BadInput):
        target.import_text("not json")


def test_every_error_has_a_code_and_an_exit_code() -> None:
    expected = {BadInput: ("bad_input", 1, 400), NotFound: ("not_found", 1, 404),
                Conflict: ("conflict", 1, 409), NeedsClarification: ("needs_clarification", 3, 422)}
    for cls, (code, exit_code, status) in expected.items():
        error = cls("why")
        assert (error.code, error.exit_code, error.http_status) == (code, exit_code, status)
        assert isinstance(error, TaskdError)
