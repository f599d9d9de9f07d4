"""Preference learning as a user meets it: through the real CLI, store and learner, with a FakeClock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from taskd.clock import FakeClock
from taskd.learn.learner import learn_all
from taskd.learn.signals import Happened
from taskd.learn.stats import Observation, circular_median, confidence, decay, estimate
from tests.cli import taskd

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], clock: FakeClock):  # type: ignore[no-untyped-def]
    return lambda *args: taskd(capsys, clock, *args)


def prefs(run) -> dict[str, dict]:  # type: ignore[no-untyped-def, type-arg]
    return {row["key"]: row for row in run("prefs", "--json").json()}


def move_morning_tasks(run, clock: FakeClock, to: str, times: int) -> None:  # type: ignore[no-untyped-def]
    """Add a "tomorrow morning" task and move it to `to` in the preview, once a day."""
    for _ in range(times):
        added = run("add", "call the bank tomorrow morning", "--json").json()
        day = added["next"][0][:10]
        assert run("edit", str(added["id"]), "--at", f"{day} {to}").code == 0
        clock.advance(timedelta(days=1))


# -- statistics -----------------------------------------------------------------------------------

def test_the_middle_of_times_around_midnight_is_midnight_not_noon() -> None:
    assert round(circular_median([1430, 10, 0], [1, 1, 1])) % 1440 == 0
    assert round(circular_median([1430, 1435, 5], [1, 1, 1])) == 1435


def test_one_wild_observation_does_not_move_the_estimate() -> None:
    now = datetime(2026, 11, 21, tzinfo=UTC)
    found = estimate([Observation(450, now), Observation(455, now), Observation(445, now),
                      Observation(900, now)], now)
    assert found is not None and found.value == 450


def test_evidence_halves_every_thirty_days_and_confidence_needs_agreement() -> None:
    now = datetime(2026, 11, 21, tzinfo=UTC)
    assert decay(now - timedelta(days=30), now) == pytest.approx(0.5)
    assert confidence(5, 0) > confidence(2, 0) > confidence(1, 0)
    assert confidence(5, 60) < confidence(5, 5)
    recent = [Observation(450, now - timedelta(days=d)) for d in range(3)]
    old = [Observation(540, now - timedelta(days=90 + d)) for d in range(4)]
    found = estimate(recent + old, now)
    assert found is not None and round(found.value) == 450  # fewer, but newer, observations win


def test_quiet_hours_are_the_hours_with_no_activity_over_the_weeks() -> None:
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    events = [Happened("done", (now - timedelta(days=day)).replace(hour=hour), 1, {})
              for day in range(14) for hour in range(6, 21)]  # 07:00-21:59 Berlin, every day
    learned = learn_all(events, "Europe/Berlin", now)
    assert learned["quiet_hours"].value == "22:00-07:00"
    assert learned["quiet_hours"].confidence > 0.6


# -- through the CLI ------------------------------------------------------------------------------

def test_moving_morning_tasks_teaches_morning_and_the_preview_says_so(run, clock) -> None:  # type: ignore[no-untyped-def]
    move_morning_tasks(run, clock, "07:30", 2)
    row = prefs(run)["morning"]
    assert row["value"] == "09:00" and row["source"] == "default"  # two moves: not sure yet
    assert row["learning"]["value"] == "07:30" and "moved 2 morning tasks" in row["why"]

    move_morning_tasks(run, clock, "07:30", 2)
    row = prefs(run)["morning"]
    assert (row["value"], row["source"], row["evidence"]) == ("07:30", "learned", 4)
    assert row["confidence"] >= 0.55 and "moved 4 morning tasks" in row["why"]
    added = run("add", "water the plants tomorrow morning")
    assert "07:30" in added.out and "your usual morning" in added.out
    assert run("add", "pay rent tomorrow morning", "--json").json()["next"][0].endswith(
        "T07:30:00+01:00")


def test_moves_far_outside_the_morning_are_not_about_morning(run, clock) -> None:  # type: ignore[no-untyped-def]
    move_morning_tasks(run, clock, "15:00", 4)
    assert prefs(run)["morning"]["evidence"] == 0


def test_a_stated_value_wins_over_any_evidence_and_conflict_is_asked_once(run, clock) -> None:  # type: ignore[no-untyped-def]
    assert run("prefs", "set", "morning", "08:00").code == 0
    move_morning_tasks(run, clock, "06:45", 6)
    row = prefs(run)["morning"]
    assert (row["value"], row["source"]) == ("08:00", "explicit")
    assert "your habits suggest 06:45" in row["why"]
    added = run("add", "stretch in 5 minutes", "--json").json()
    first = run("done", str(added["id"]), "--json").json()
    assert len(first["questions"]) == 1
    assert "taskd prefs set morning 06:45" in first["questions"][0]
    again = run("add", "stretch in 5 minutes", "--json").json()
    assert run("done", str(again["id"]), "--json").json()["questions"] == []
    assert run("add", "call tomorrow morning", "--json").json()["next"][0].endswith("T08:00:00+01:00")


def test_forget_removes_the_value_and_its_old_evidence_for_good(run, clock) -> None:  # type: ignore[no-untyped-def]
    move_morning_tasks(run, clock, "07:30", 4)
    assert prefs(run)["morning"]["source"] == "learned"
    assert run("prefs", "forget", "morning").code == 0
    clock.advance(timedelta(hours=1))
    for _ in range(2):  # the learner runs again over the same events: nothing comes back
        row = prefs(run)["morning"]
        assert (row["value"], row["source"], row["evidence"], row["learning"]) == \
            ("09:00", "default", 0, None)
    move_morning_tasks(run, clock, "07:00", 4)  # new evidence after the forget counts again
    assert prefs(run)["morning"]["value"] == "07:00"


def test_typed_snoozes_become_the_default_snooze_and_the_default_does_not_feed_itself(run, clock) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        added = run("add", "check the oven in 5 minutes", "--json").json()
        assert run("snooze", str(added["id"]), "25m", "--json").code == 0
        clock.advance(timedelta(hours=2))
    row = prefs(run)["snooze"]
    assert (row["value"], row["source"]) == ("25m", "learned") and row["evidence"] == 4
    added = run("add", "check the oven in 5 minutes", "--json").json()
    # It has not fired yet: the snooze counts from when it was due (in 5 minutes).
    until = (clock.now() + timedelta(minutes=5 + 25)).astimezone(BERLIN)
    snoozed = run("snooze", str(added["id"]))
    assert f"until {until:%a %d %b, %H:%M}" in snoozed.out
    assert prefs(run)["snooze"]["evidence"] == 4


def test_the_channel_answered_through_is_learned_and_via_is_checked(run, clock) -> None:  # type: ignore[no-untyped-def]
    for via in ("hook", "hook", "hook", "mail", "hook"):
        added = run("add", "stretch in 5 minutes", "--json").json()
        assert run("done", str(added["id"]), "--via", via).code == 0
        clock.advance(timedelta(hours=3))
    row = prefs(run)["channel"]
    assert (row["value"], row["source"]) == ("hook", "learned")
    assert "hook 80%" in row["why"]
    bad = run("done", "1", "--via", "a b/c")
    assert bad.code == 1 and bad.err.count("\n") == 1 and "--via" in bad.err


def test_prefs_lists_every_key_with_why(run, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "200")
    move_morning_tasks(run, clock, "07:30", 4)
    shown = run("prefs")
    assert shown.code == 0
    lines = {line.split()[0]: line for line in shown.out.splitlines()[1:] if line.strip()}
    assert set(lines) == {"morning", "afternoon", "evening", "tonight", "night", "end_of_day",
                          "default_time", "snooze", "channel", "quiet_hours"}
    assert "07:30  learned  4" in lines["morning"] and "moved 4 morning tasks" in lines["morning"]
    assert "no evidence yet" in lines["evening"]


def test_learned_times_reach_the_model_prompt_and_learning_ones_do_not(run, clock) -> None:  # type: ignore[no-untyped-def]
    from taskd.extract.model.prompt import now_values
    from taskd.learn.prefs import time_prefs
    from taskd.settings import load
    from taskd.store.db import session

    move_morning_tasks(run, clock, "07:30", 4)
    added = run("add", "water plants tomorrow evening", "--json").json()
    run("edit", str(added["id"]), "--at", f"{added['next'][0][:10]} 20:30")  # one move: learning
    run("prefs", "--json")
    with session(load().database_url) as db:
        used = time_prefs(db)
    assert set(used) == {"morning"}
    line = now_values("x", clock.now(), "Europe/Berlin", used)["prefs"]
    assert "morning 07:30" in line and "evening" not in line


def test_answers_from_taskds_own_faces_teach_no_channel(run, clock) -> None:  # type: ignore[no-untyped-def]
    """The web page and an agent (MCP) are where the user typed, not where a reminder reached
    them: ten answers there must not make "web" or "mcp" the learned channel."""
    for via in ("web", "mcp", "web", "web", "mcp", "web", "hook", "web", "mcp", "web"):
        added = run("add", "stretch in 5 minutes", "--json").json()
        assert run("done", str(added["id"]), "--via", via).code == 0
        clock.advance(timedelta(hours=3))
    row = prefs(run)["channel"]
    assert row["value"] in (None, "hook"), row
    assert "web" not in row["why"] and "mcp" not in row["why"]
