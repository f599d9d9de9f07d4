"""Every task route of CONTRACT §6 against a real `taskd serve`: the happy path, its error codes,
and nothing stored when a request fails. Answers are the objects `taskd … --json` prints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import pytest

from tests.api_serve import ApiService
from tests.conftest_service import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiService]:
    service = ApiService(tmp_path_factory.mktemp("routes") / "home")
    yield service
    service.stop()


def tasks(api: ApiService, *, everything: bool = True) -> list[dict]:
    answer = api.unix("GET", "/v1/tasks?all=true" if everything else "/v1/tasks")
    assert answer.status == 200
    return answer.json()


def add(api: ApiService, text: str) -> dict:
    answer = api.unix("POST", "/v1/tasks", {"text": text})
    assert answer.status == 201, answer.body
    return answer.json()


def test_add_then_list_and_show_are_what_the_cli_prints(api: ApiService) -> None:
    added = add(api, "stretch every day at 9am")
    assert added["saved"] is True and isinstance(added["id"], int)
    assert added["title"] == "Stretch" and added["rrule"].startswith("FREQ=DAILY;BYHOUR=9;")
    shown = api.unix("GET", f"/v1/tasks/{added['id']}").json()
    cli = run_cli(api.home, "show", str(added["id"]), "--json")
    assert cli.returncode == 0, cli.stderr
    assert shown == json.loads(cli.stdout)
    assert len(shown["next"]) == 5
    assert len(api.unix("GET", f"/v1/tasks/{added['id']}?count=2").json()["next"]) == 2
    assert api.unix("GET", f"/v1/tasks/{added['id']}?count=0").status == 400
    listed = api.unix("GET", "/v1/tasks").json()
    assert listed == json.loads(run_cli(api.home, "list", "--json").stdout)
    assert added["id"] in [t["id"] for t in listed]


def test_add_over_tcp_with_the_token(api: ApiService) -> None:
    answer = api.tcp("POST", "/v1/tasks", {"text": "water the plants every sunday at 10am",
                                           "tz": "America/New_York"})
    assert answer.status == 201, answer.body
    assert answer.json()["tz"] == "America/New_York"
    assert api.tcp("POST", "/v1/tasks", {"text": "x at 5pm"}, token=None).status == 401


def test_a_dry_run_stores_nothing(api: ApiService) -> None:
    before = tasks(api)
    answer = api.unix("POST", "/v1/tasks", {"text": "call the bank tomorrow at 10am",
                                            "dry_run": True})
    assert answer.status == 200, answer.body
    assert answer.json()["saved"] is False and answer.json()["id"] is None
    assert answer.json()["next"]
    assert tasks(api) == before


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"text": "call mom"}, 422, "needs_clarification"),
    ({"text": "call mom at 5pm", "tz": "Mars/Olympus"}, 400, "bad_input"),
    ({"text": "   "}, 400, "bad_input"),
    ({"text": "call mom at 5pm", "tz": "Europe/\u202eBerlin"}, 400, "bad_input"),
])
def test_a_refused_add_stores_nothing(api: ApiService, body: dict, status: int, code: str) -> None:
    before = tasks(api)
    answer = api.unix("POST", "/v1/tasks", body)
    assert answer.status == status, answer.body
    assert answer.error["code"] == code
    if status == 422:
        assert answer.error["question"] == "When should I remind you to call mom?"
        assert answer.error["parse"]["next"] == [] and answer.error["parse"]["title"] == "Call mom"
    assert tasks(api) == before


def test_parse_resolves_without_storing(api: ApiService) -> None:
    before = tasks(api)
    answer = api.unix("POST", "/v1/parse", {"text": "every monday at 8am standup",
                                            "now": "2026-11-21T10:00:00", "count": 2})
    assert answer.status == 200, answer.body
    data = answer.json()
    assert data["next"] == ["2026-11-23T08:00:00+01:00", "2026-11-30T08:00:00+01:00"]
    assert data["question"] is None and data["draft"]["kind"] == "reminder"
    assert tasks(api) == before
    bad = api.unix("POST", "/v1/parse", {"text": "x at 5pm", "now": "yesterday-ish"})
    assert bad.status == 400 and bad.error["code"] == "bad_input"
    assert api.unix("POST", "/v1/parse", {"text": "call mom"}).status == 422
    chosen = api.unix("POST", "/v1/parse", {"text": "gym at 6pm", "backend": "rules"})
    assert chosen.status == 200 and chosen.json()["next"]
    assert api.unix("POST", "/v1/parse", {"text": "gym at 6pm", "backend": "magic"}).status == 400


def test_edit_by_fields_and_by_words(api: ApiService) -> None:
    task_id = add(api, "gym every tuesday at 6pm")["id"]
    renamed = api.unix("PATCH", f"/v1/tasks/{task_id}", {"title": "Gym (legs)"})
    assert renamed.status == 200, renamed.body
    assert renamed.json()["title"] == "Gym (legs)"
    moved = api.unix("PATCH", f"/v1/tasks/{task_id}", {"at": "7pm"})
    assert moved.status == 200, moved.body
    assert all("T19:00:00" in t for t in moved.json()["next"])
    assert api.unix("PATCH", f"/v1/tasks/{task_id}", {}).error["code"] == "bad_input"
    assert api.unix("PATCH", "/v1/tasks/999999", {"title": "x"}).status == 404
    assert api.unix("GET", f"/v1/tasks/{task_id}").json()["title"] == "Gym (legs)"


def test_pause_resume_and_the_conflicts(api: ApiService) -> None:
    task_id = add(api, "read every evening at 9pm")["id"]
    paused = api.unix("POST", f"/v1/tasks/{task_id}/pause", {"until": "2030-01-01T09:00:00"})
    assert paused.status == 200, paused.body
    assert paused.json()["status"] == "paused" and paused.json()["paused_until"]
    resumed = api.unix("POST", f"/v1/tasks/{task_id}/resume")
    assert resumed.status == 200 and resumed.json()["status"] == "active"
    again = api.unix("POST", f"/v1/tasks/{task_id}/resume")
    assert again.status == 409 and again.error["code"] == "conflict"
    assert "not paused" in again.error["error"]
    assert api.unix("POST", f"/v1/tasks/{task_id}/pause").json()["status"] == "paused"  # no body
    assert api.unix("POST", f"/v1/tasks/{task_id}/pause", {"until": "someday"}).status == 400
    assert api.unix("POST", "/v1/tasks/999999/pause").status == 404


def test_done_and_snooze_say_through_which_channel(api: ApiService) -> None:
    task_id = add(api, "take vitamins every day at 8am")["id"]
    snoozed = api.unix("POST", f"/v1/tasks/{task_id}/snooze", {"duration": "15m"})
    assert snoozed.status == 200, snoozed.body
    assert snoozed.json()["snoozed_for"] == "15m"
    assert api.unix("POST", f"/v1/tasks/{task_id}/snooze", {"duration": "forever"}).status == 400
    done = api.unix("POST", f"/v1/tasks/{task_id}/done", {"via": "hook"})
    assert done.status == 200, done.body
    assert done.json()["id"] == task_id and "questions" in done.json()
    assert api.unix("POST", f"/v1/tasks/{task_id}/done", {"via": "no spaces"}).status == 400
    assert api.unix("POST", f"/v1/tasks/{task_id}/done").status == 200


def test_runs_of_one_task_or_all(api: ApiService) -> None:
    task_id = add(api, "check the oven every day at noon")["id"]
    run = api.unix("POST", f"/v1/tasks/{task_id}/run").json()
    mine = api.unix("GET", f"/v1/runs?task={task_id}").json()
    assert [r["run_id"] for r in mine] == [run["run_id"]]
    assert run["run_id"] in [r["run_id"] for r in api.unix("GET", "/v1/runs").json()]
    assert api.unix("GET", "/v1/runs?task=999999").status == 404
    assert api.unix("GET", "/v1/runs?task=abc").status == 400


def test_prefs_set_list_forget(api: ApiService) -> None:
    keys = [row["key"] for row in api.unix("GET", "/v1/prefs").json()]
    assert "morning" in keys and "snooze" in keys
    put = api.unix("PUT", "/v1/prefs/morning", {"value": "07:30"})
    assert put.status == 200, put.body
    assert put.json() == {"key": "morning", "value": "07:30", "source": "explicit"}
    row = next(r for r in api.unix("GET", "/v1/prefs").json() if r["key"] == "morning")
    assert row["value"] == "07:30" and row["source"] == "explicit"
    unknown = api.unix("PUT", "/v1/prefs/bogus", {"value": "x"})
    assert unknown.status == 400 and "unknown preference" in unknown.error["error"]
    assert api.unix("PUT", "/v1/prefs/morning", {"value": "half past never"}).status == 400
    forgot = api.unix("DELETE", "/v1/prefs/morning")
    assert forgot.json() == {"key": "morning", "forgotten": True}
    row = next(r for r in api.unix("GET", "/v1/prefs").json() if r["key"] == "morning")
    assert row["source"] == "default"


def test_delete_then_gone(api: ApiService) -> None:
    task_id = add(api, "renew the car insurance on 2030-03-01 at 9am")["id"]
    gone = api.unix("DELETE", f"/v1/tasks/{task_id}")
    assert gone.status == 200 and gone.json()["status"] == "deleted"
    assert api.unix("DELETE", f"/v1/tasks/{task_id}").status == 404
    assert api.unix("GET", f"/v1/tasks/{task_id}").status == 404
    assert task_id not in [t["id"] for t in tasks(api, everything=False)]


def test_a_write_through_the_api_wakes_the_engine_at_once(tmp_path_factory: pytest.TempPathFactory
                                                          ) -> None:
    from tests.api_serve import wait_until

    # Polling once a minute: only the core's on_change (the service's poke) can plan it sooner.
    service = ApiService(tmp_path_factory.mktemp("wake") / "home", tcp=False,
                         TASKD_POLL_SECONDS="60")
    try:
        def next_wake() -> str | None:
            return service.unix("GET", "/v1/status").json()["service"]["next_wake"]

        assert wait_until(lambda: service.unix("GET", "/v1/status").json()["service"]["last_tick"])
        assert next_wake() is None
        added = service.unix("POST", "/v1/tasks", {"text": "stretch every day at 9am"}).json()
        assert wait_until(lambda: next_wake() is not None, 5)
        first = service.unix("GET", f"/v1/tasks/{added['id']}").json()["next"][0]
        assert datetime.fromisoformat(str(next_wake())) == datetime.fromisoformat(first)
    finally:
        service.stop()
