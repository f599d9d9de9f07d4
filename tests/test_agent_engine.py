"""Agent tasks through the engine: a FakeClock, a real SQLite file, and the wire-level fake
OpenAI-compatible server on loopback (so the prompt that is sent can be read back)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from taskd.clock import FakeClock
from taskd.schedule.engine import Engine
from taskd.store.db import session
from taskd.store.tables import Event, Run
from tests.conftest import local
from tests.conftest_service import RecordingChannel, add_task, make_engine
from tests.test_model_wire import FakeServer, Step, completion, fake_model_env

START = local("2026-03-02T07:59:00")  # a Monday
DAILY_8 = "FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0"


def answer(notify: bool, message: str) -> Step:
    return Step(body=completion(json.dumps({"notify": notify, "message": message})))


@pytest.fixture
def fake() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    yield from fake_model_env(monkeypatch)


def runs(engine: Engine, task_id: int) -> list[Run]:
    with session(engine.url) as db:
        return list(db.exec(select(Run).where(Run.task_id == task_id, Run.state != "pending")
                            .order_by(col(Run.scheduled_for))))


def events(engine: Engine, kind: str) -> list[Event]:
    with session(engine.url) as db:
        return list(db.exec(select(Event).where(Event.kind == kind)))


def next_day(engine: Engine, fake: FakeClock, days: int = 1) -> None:
    fake.advance(timedelta(days=days))
    engine.tick()


def fire_at_8(engine: Engine, fake: FakeClock) -> None:
    fake.advance(timedelta(minutes=1, seconds=1))
    engine.tick()


def sent_prompt(request: dict[str, Any]) -> str:
    """The dynamic part of the prompt (the user message; the system message is the same rules)."""
    return str(request["body"]["messages"][-1]["content"])


def test_briefing_is_delivered_and_the_run_keeps_prompt_answer_tokens_latency(
        taskd_home: Path, fake: FakeClock, rec: RecordingChannel, model: FakeServer) -> None:
    model.steps.append(answer(True, "Three things today: standup, dentist, rent."))
    engine = make_engine(taskd_home, fake, rec)
    task = add_task(engine.url, START, title="give me a briefing on my day", kind="agent",
                    rrule=DAILY_8, dtstart=local("2026-03-02T08:00:00").replace(tzinfo=None))
    fire_at_8(engine, fake)
    assert [m.message for m in rec.sent] == ["Three things today: standup, dentist, rent."]
    (run,) = runs(engine, task)
    assert (run.state, run.notify, run.model) == ("delivered", True, "fake-model")
    assert (run.prompt_tokens, run.completion_tokens) == (100, 20)
    assert run.latency_ms is not None and run.latency_ms >= 0
    assert run.output == "Three things today: standup, dentist, rent."
    assert json.loads(run.answer or "") == {"notify": True,
                                            "message": "Three things today: standup, dentist, rent."}
    (request,) = model.requests
    body = request["body"]
    assert "tools" not in body and "functions" not in body
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["max_tokens"] == 400
    system, user = body["messages"]
    assert "When no tools are listed you cannot look up live data" in system["content"]
    assert "Tools you may call: none." in user["content"]
    assert "Now: Monday 2026-03-02 08:00 (Europe/Berlin)" in user["content"]
    assert "<task>\ngive me a briefing on my day\n</task>" in user["content"]
    assert "Conditional task: no" in user["content"]
    assert run.prompt is not None and "give me a briefing on my day" in run.prompt


def test_static_part_is_byte_identical_across_runs(taskd_home: Path, fake: FakeClock,
                                                   rec: RecordingChannel, model: FakeServer) -> None:
    """The server's prompt cache can only reuse a prefix that does not change."""
    model.default = answer(True, "ok")
    engine = make_engine(taskd_home, fake, rec)
    add_task(engine.url, START, title="a haiku about Monday", kind="agent",
             first=START + timedelta(minutes=1))
    add_task(engine.url, START, title="tell me if today is a Monday", kind="agent",
             first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    first, second = (r["body"]["messages"][0]["content"] for r in model.requests)
    assert first == second


def test_condition_not_met_delivers_nothing_but_records_the_run(
        taskd_home: Path, fake: FakeClock, rec: RecordingChannel, model: FakeServer) -> None:
    model.steps += [answer(False, "Today is Monday, not a weekend day."),
                    answer(True, "Yes: today is Tuesday.")]
    engine = make_engine(taskd_home, fake, rec)
    task = add_task(engine.url, START, title="tell me only if today is a Tuesday", kind="agent",
                    rrule=DAILY_8, dtstart=local("2026-03-02T08:00:00").replace(tzinfo=None))
    fire_at_8(engine, fake)
    assert rec.sent == []
    (quiet,) = runs(engine, task)
    assert (quiet.state, quiet.notify, quiet.outcome) == ("quiet", False,
                                                           "quiet: the condition does not hold")
    assert quiet.output == "Today is Monday, not a weekend day." and quiet.prompt_tokens == 100
    assert "Conditional task: yes" in sent_prompt(model.requests[0])
    next_day(engine, fake)
    assert [m.message for m in rec.sent] == ["Yes: today is Tuesday."]
    assert [r.state for r in runs(engine, task)] == ["quiet", "delivered"]


def test_unconditional_task_is_delivered_even_when_the_model_says_no(
        taskd_home: Path, fake: FakeClock, rec: RecordingChannel, model: FakeServer) -> None:
    model.steps.append(answer(False, "Nothing new in your notes."))
    engine = make_engine(taskd_home, fake, rec)
    task = add_task(engine.url, START, title="summarise my week", kind="agent",
                    first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    assert [m.message for m in rec.sent] == ["Nothing new in your notes."]
    (run,) = runs(engine, task)
    assert (run.state, run.notify) == ("delivered", False)


def test_the_model_sees_the_last_outputs_with_their_dates(
        taskd_home: Path, fake: FakeClock, rec: RecordingChannel, model: FakeServer) -> None:
    model.steps += [answer(True, f"EUR/USD report number {n}") for n in range(1, 6)]
    engine = make_engine(taskd_home, fake, rec)
    add_task(engine.url, START, title="give me a new motto, unlike the earlier ones", kind="agent",
             rrule=DAILY_8, dtstart=local("2026-03-02T08:00:00").replace(tzinfo=None))
    fire_at_8(engine, fake)
    for _ in range(4):
        next_day(engine, fake)
    assert len(model.requests) == 5
    assert "<earlier" not in sent_prompt(model.requests[0])
    last = sent_prompt(model.requests[4])
    # history = 3 by default: reports 2, 3, 4, oldest first, each with its date.
    assert "number 1" not in last
    assert last.index("number 2") < last.index("number 3") < last.index("number 4")
    assert '<earlier date="Thu 2026-03-05 08:00">\nEUR/USD report number 4\n</earlier>' in last


def test_invalid_answer_is_re_asked_once_and_tokens_add_up(
        taskd_home: Path, fake: FakeClock, rec: RecordingChannel, model: FakeServer) -> None:
    model.steps += [Step(body=completion('{"notify": "yes", "msg": 1}')), answer(True, "Fixed.")]
    engine = make_engine(taskd_home, fake, rec)
    task = add_task(engine.url, START, title="a joke", kind="agent",
                    first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    assert [m.message for m in rec.sent] == ["Fixed."]
    (run,) = runs(engine, task)
    assert (run.prompt_tokens, run.completion_tokens) == (200, 40)
    reask = model.requests[1]["body"]["messages"]
    assert reask[-1]["role"] == "user" and "not valid" in reask[-1]["content"]


def test_model_failure_fails_the_run_and_tells_the_user_once_until_it_works(
        taskd_home: Path, fake: FakeClock, rec: RecordingChannel, model: FakeServer) -> None:
    garbage = Step(body=completion("I cannot do JSON today"))
    model.steps += [garbage, garbage, garbage, garbage, answer(True, "Back."), garbage, garbage]
    engine = make_engine(taskd_home, fake, rec)
    task = add_task(engine.url, START, title="a daily quote", kind="agent", rrule=DAILY_8,
                    dtstart=local("2026-03-02T08:00:00").replace(tzinfo=None))
    fire_at_8(engine, fake)
    next_day(engine, fake)
    assert len(rec.sent) == 1 and "could not run" in rec.sent[0].message
    first, second = runs(engine, task)
    assert first.state == second.state == "failed"
    assert first.error and "no usable answer in 2 tries" in first.error
    assert first.answer == "I cannot do JSON today" and first.prompt_tokens == 200
    next_day(engine, fake)  # it works again: delivered
    next_day(engine, fake)  # and fails again: the user hears about it again, once
    assert [m.message.split(":")[0] for m in rec.sent] == ["could not run", "Back.",
                                                          "could not run"]


def test_a_slow_model_hits_the_per_run_timeout(taskd_home: Path, fake: FakeClock,
                                              rec: RecordingChannel, model: FakeServer) -> None:
    model.default = Step(body=completion('{"notify": true, "message": "late"}'), delay_s=5)
    engine = make_engine(taskd_home, fake, rec, "[agent]\ntimeout = 0.3\n")
    task = add_task(engine.url, START, title="a slow answer", kind="agent",
                    first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    (run,) = runs(engine, task)
    assert run.state == "failed" and run.error and "timed out" in run.error
    assert run.latency_ms is not None and run.latency_ms < 4000
    assert all("late" not in m.message for m in rec.sent)


def test_token_cap_is_sent_as_max_tokens(taskd_home: Path, fake: FakeClock,
                                         rec: RecordingChannel, model: FakeServer) -> None:
    model.default = answer(True, "short")
    engine = make_engine(taskd_home, fake, rec, "[agent]\nmax_tokens = 64\n")
    add_task(engine.url, START, title="a limerick", kind="agent", first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    assert model.requests[0]["body"]["max_tokens"] == 64


def test_no_model_fails_with_the_reason_and_says_so_once(
        taskd_home: Path, fake: FakeClock, rec: RecordingChannel,
        monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(taskd_home, fake, rec)
    task = add_task(engine.url, START, title="a news briefing", kind="agent", rrule="FREQ=MINUTELY",
                    dtstart=local("2026-03-02T08:00:00").replace(tzinfo=None))
    for _ in range(5):
        fire_at_8(engine, fake)
    done = runs(engine, task)
    assert len(done) >= 4 and {r.state for r in done} == {"failed"}
    assert all(r.error and r.error.startswith("agent tasks need a model endpoint") for r in done)
    assert len(rec.sent) == 1
    assert "agent tasks need a model endpoint" in rec.sent[0].message
    assert "OPENAI_BASE_URL" in rec.sent[0].message
    assert len(events(engine, "agent.failure_notified")) == 1


def test_daily_run_budget_skips_with_the_reason_told_once_a_day(
        taskd_home: Path, fake: FakeClock, rec: RecordingChannel, model: FakeServer) -> None:
    model.default = answer(True, "tick")
    engine = make_engine(taskd_home, fake, rec, "[agent]\ntask_runs_per_day = 2\n")
    task = add_task(engine.url, START, title="a pep talk", kind="agent", rrule="FREQ=HOURLY",
                    dtstart=local("2026-03-02T08:00:00").replace(tzinfo=None))
    for _ in range(4):
        fake.advance(timedelta(hours=1))
        engine.tick()
    states = [r.state for r in runs(engine, task)]
    assert states == ["delivered", "delivered", "skipped", "skipped"]
    assert len(model.requests) == 2
    skipped = runs(engine, task)[2]
    assert skipped.outcome and "daily limit of 2 runs" in skipped.outcome
    assert skipped.fired_at is None and skipped.latency_ms is None
    assert [m.message for m in rec.sent][2:] == [
        "skipped today: this task's daily limit of 2 runs is reached. Raise it in config.toml "
        "[agent], or it runs again tomorrow."]
    # The next local day (Berlin midnight) the budget is fresh again.
    fake.advance(timedelta(hours=24))
    engine.tick()
    assert runs(engine, task)[-1].state == "delivered" and len(model.requests) == 3


def test_overall_token_budget_covers_all_agent_tasks(
        taskd_home: Path, fake: FakeClock, rec: RecordingChannel, model: FakeServer) -> None:
    model.default = answer(True, "fine")  # 120 tokens a run
    engine = make_engine(taskd_home, fake, rec, "[agent]\ntokens_per_day = 200\n")
    one = add_task(engine.url, START, title="one", kind="agent", rrule="FREQ=HOURLY",
                   dtstart=local("2026-03-02T08:00:00").replace(tzinfo=None))
    fire_at_8(engine, fake)
    fake.advance(timedelta(hours=1))
    engine.tick()
    two = add_task(engine.url, fake.now(), title="two", kind="agent",
                   first=fake.now() + timedelta(minutes=1))
    fake.advance(timedelta(minutes=2))
    engine.tick()
    assert [r.state for r in runs(engine, one)] == ["delivered", "delivered"]
    (other,) = runs(engine, two)
    assert other.state == "skipped" and other.outcome and "240 of the 200 tokens" in other.outcome


def test_json_object_servers_get_the_schema_in_the_prompt(
        taskd_home: Path, fake: FakeClock, rec: RecordingChannel, model: FakeServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKD_RESPONSE_FORMAT", "json_object")
    model.default = answer(True, "```json\nfenced\n```")
    engine = make_engine(taskd_home, fake, rec)
    add_task(engine.url, START, title="a motto", kind="agent", first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    body = model.requests[0]["body"]
    assert body["response_format"] == {"type": "json_object"}
    assert '"notify"' in body["messages"][0]["content"]
    assert rec.sent[0].message == "```json\nfenced\n```"


def test_manual_run_of_an_agent_task(taskd_home: Path, fake: FakeClock, rec: RecordingChannel,
                                     model: FakeServer) -> None:
    model.default = answer(True, "Right now: all quiet.")
    engine = make_engine(taskd_home, fake, rec)
    task = add_task(engine.url, START, title="status of my inbox", kind="agent",
                    first=START + timedelta(days=2))
    run_id = engine.fire_manual(task)
    (run,) = runs(engine, task)
    assert run.id == run_id and run.state == "delivered" and run.model == "fake-model"
    assert [m.message for m in rec.sent] == ["Right now: all quiet."]


def test_allowlisted_file_is_read_and_any_other_is_not(
        taskd_home: Path, tmp_path: Path, fake: FakeClock, rec: RecordingChannel,
        model: FakeServer) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("- shipped the importer\n- hired Ana\n")
    secret = tmp_path / "secret.md"
    secret.write_text("do not send this anywhere")
    model.default = answer(True, "This week: the importer shipped and Ana joined.")
    engine = make_engine(taskd_home, fake, rec, f'[agent]\nread_files = ["{notes}"]\n')
    add_task(engine.url, START, title=f"draft my weekly review from notes.md and {secret}",
             kind="agent", first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    user = sent_prompt(model.requests[0])
    assert '<file name="notes.md">\n- shipped the importer\n- hired Ana\n\n</file>' in user
    assert "do not send this anywhere" not in user
    assert f"The task names {secret}, which taskd may not read" in user
    (message,) = rec.sent
    assert message.message == (f"This week: the importer shipped and Ana joined.\n(taskd did not "
                               f"read {secret}: only files listed in [agent] read_files of "
                               "config.toml can be read.)")


def test_no_re_ask_once_the_run_timeout_is_spent(taskd_home: Path, fake: FakeClock,
                                                 rec: RecordingChannel, model: FakeServer) -> None:
    # Each read comes quickly (under the request timeout); the whole answer takes ~0.6 s.
    model.default = Step(body=completion("not json"), trickle_s=0.002)
    engine = make_engine(taskd_home, fake, rec, "[agent]\ntimeout = 0.35\n")
    task = add_task(engine.url, START, title="a slow mumble", kind="agent",
                    first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    (run,) = runs(engine, task)
    assert run.state == "failed" and run.error and "no usable answer in 1 try" in run.error
    assert len(model.requests) == 1


def test_a_models_terminal_escapes_are_not_stored_nor_delivered(
        taskd_home: Path, fake: FakeClock, rec: RecordingChannel, model: FakeServer) -> None:
    """Issue 11 leftover: answers were cleaned only when shown; the stored output and what a
    webhook or mail receives must be clean too (a model's text is untrusted)."""
    model.steps.append(answer(True, "Rain\x1b[2J at 5pm\x1b]0;pwned\x07,\nbring\u202e an umbrella"))
    engine = make_engine(taskd_home, fake, rec)
    task = add_task(engine.url, START, title="give me a briefing on my day", kind="agent",
                    rrule=DAILY_8, dtstart=local("2026-03-02T08:00:00").replace(tzinfo=None))
    fire_at_8(engine, fake)
    clean = "Rain[2J at 5pm]0;pwned,\nbring an umbrella"
    assert [m.message for m in rec.sent] == [clean]
    (run,) = runs(engine, task)
    assert run.output == clean
