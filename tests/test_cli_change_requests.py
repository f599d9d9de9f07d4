"""Edits in words: "move it to 7pm" and "move my gym reminder to 8pm", offline and with a model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taskd.clock import FakeClock
from taskd.extract.edits import change_request, matching_tasks
from tests.cli import taskd
from tests.test_model_wire import Step, completion, fake_server


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], clock: FakeClock):  # type: ignore[no-untyped-def]
    return lambda *args: taskd(capsys, clock, *args)


def test_change_requests_are_told_from_new_tasks() -> None:
    assert change_request("move it to 7pm") is not None
    request = change_request("could you push my gym reminder back to Friday at 6pm?")
    assert request is not None and request.what == "my gym reminder"
    assert request.when == "Friday at 6pm" and request.names_a_task
    car = change_request("move the car to the garage at 5pm")
    assert car is not None and not car.names_a_task  # may well be a new task
    assert change_request("remind me to move the car at 5pm") is None
    assert change_request("call mom tomorrow at 6pm") is None
    assert matching_tasks("my gym reminder", [(1, "Go to the gym"), (2, "Gym bag")]) == [1, 2]
    assert matching_tasks("the plants", [(1, "Go to the gym"), (2, "Water the plants")]) == [2]


def test_move_it_changes_the_clock_time_and_keeps_day_rule_and_title(run) -> None:  # type: ignore[no-untyped-def]
    run("add", "tomorrow at 9am go to the gym")
    run("add", "every monday at 8am water the plants")
    once = run("edit", "1", "move it to 7pm", "--json").json()
    assert once["title"] == "Go to the gym" and once["next"] == ["2026-11-22T19:00:00+01:00"]
    weekly = run("edit", "2", "change it to 6:30pm", "--json").json()
    assert weekly["title"] == "Water the plants"
    assert weekly["rrule"].startswith("FREQ=WEEKLY;BYDAY=MO")
    assert weekly["next"][0] == "2026-11-23T18:30:00+01:00"


def test_add_with_a_change_request_edits_the_named_task(run) -> None:  # type: ignore[no-untyped-def]
    run("add", "tomorrow at 9am go to the gym")
    run("add", "every monday at 8am water the plants")
    moved = run("add", "move my gym reminder to 8pm", "--json").json()
    assert moved["id"] == 1 and moved["next"] == ["2026-11-22T20:00:00+01:00"]
    missing = run("add", "move my dentist reminder to 8pm")
    assert missing.code == 1 and "no task matches" in missing.err
    assert len(run("list", "--json").json()) == 2  # nothing was added by either
    new = run("add", "move the car to the garage at 5pm", "--json").json()
    assert new["saved"] and "car" in new["title"].lower()


def test_with_a_model_the_model_picks_the_task(run, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                               tmp_path: Path) -> None:
    run("add", "every weekday at 7am leg day at the gym")
    run("add", "every friday at 6pm team drinks")
    pick = Step(body=completion(json.dumps({"task_id": 1, "change": "7pm"})))
    with fake_server(pick) as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("TASKD_BACKEND", "openai")
        # "workout" is in no title: word overlap alone could not find it.
        moved = run("add", "move my workout reminder to 7pm", "--json")
    assert moved.code == 0, moved.err
    assert moved.json()["id"] == 1 and moved.json()["next"][0].endswith("T19:00:00+01:00")
    listing = fake.requests[0]["body"]["messages"][-1]["content"]
    assert "1: Leg day at the gym" in listing and "2: Team drinks" in listing
