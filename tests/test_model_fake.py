"""The openai backend against a wire-level fake server: real HTTP, the real openai client, faults."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from taskd import settings as settings_mod
from taskd.errors import ExtractionFailed, Unreachable
from taskd.extract.model import ModelExtractor
from taskd.resolve.zones import get_zone, localize
from tests.test_model_wire import Step, completion, fake_server

SECRET = "sk-test-NEVER-SHOW-1b2c3d4e5f"
TZ = "Europe/Berlin"
NOW = localize(datetime(2026, 11, 19, 10, 0), get_zone(TZ))
# A misspelt day: the parser's reading is not complete, so the model is asked (see `needed`).
TEXT = "remind me to call mom on wendsday at 6pm"


def reading(**over: Any) -> str:
    data = {"when": "on wendsday at 6pm", "plain": "on Wednesday at 6pm", "title": "call mom",
            "kind": "reminder", "preference": None, "question": None}
    data.update(over)
    return json.dumps(data)


def ok(content: str) -> Step:
    return Step(body=completion(content))


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.setenv("TASKD_HOME", str(tmp_path))
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("TASKD_MODEL_TIMEOUT", "5")
    for name in ("TASKD_RESPONSE_FORMAT", "TASKD_MODEL_MODE", "TASKD_MODEL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def extractor(env: pytest.MonkeyPatch, url: str, mode: str = "hybrid") -> ModelExtractor:
    env.setenv("OPENAI_BASE_URL", url)
    return ModelExtractor(settings_mod.load(backend="openai"), mode=mode)


def extract(ex: ModelExtractor, text: str = TEXT) -> Any:
    return ex.extract(text, now=NOW, tz=TZ)


def test_strict_json_schema_request_and_cacheable_prefix(env: pytest.MonkeyPatch) -> None:
    with fake_server(ok(reading()), ok(reading(when="at 9am", plain="at 9am"))) as fake:
        ex = extractor(env, fake.base_url)
        draft = extract(ex)
        extract(ex, "remind me to call mom at 9am on fridy")
    assert draft.schedule is not None and draft.schedule.time == "18:00"
    first, second = (r["body"] for r in fake.requests)
    fmt = first["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False and set(schema["required"]) == set(schema["properties"])
    assert first["messages"][0] == second["messages"][0]  # static system prompt, byte-identical
    assert "Thursday 2026-11-19 10:00 (Europe/Berlin)" in first["messages"][-1]["content"]
    assert first["messages"][-1]["content"].endswith(TEXT)
    assert first["temperature"] == 0


def test_json_object_fallback_puts_schema_in_prompt(env: pytest.MonkeyPatch) -> None:
    env.setenv("TASKD_RESPONSE_FORMAT", "json_object")
    with fake_server(ok("```json\n" + reading() + "\n```")) as fake:
        draft = extract(extractor(env, fake.base_url))
    body = fake.requests[0]["body"]
    assert body["response_format"] == {"type": "json_object"}
    assert '"additionalProperties":false' in body["messages"][0]["content"]
    assert draft.title


def test_server_errors_are_unreachable_after_one_retry(env: pytest.MonkeyPatch) -> None:
    boom = Step(500, {"error": {"message": f"backend exploded {SECRET}"}})
    with fake_server(default=boom) as fake, pytest.raises(Unreachable) as caught:
        extract(extractor(env, fake.base_url))
    assert caught.value.exit_code == 4 and "HTTP 500" in caught.value.message
    assert SECRET not in caught.value.message
    assert len(fake.requests) == 2


def test_connection_refused_is_unreachable(env: pytest.MonkeyPatch) -> None:
    with fake_server() as fake:
        url = fake.base_url
    with pytest.raises(Unreachable, match="cannot reach"):
        extract(extractor(env, url))


def test_timeout_is_unreachable_and_fast(env: pytest.MonkeyPatch) -> None:
    env.setenv("TASKD_MODEL_TIMEOUT", "0.5")
    with fake_server(default=Step(body=completion(reading()), delay_s=5)) as fake:
        started = time.monotonic()
        with pytest.raises(Unreachable, match=r"timed out|did not answer"):
            extract(extractor(env, fake.base_url))
    assert time.monotonic() - started < 4


def test_trickling_answer_hits_the_total_deadline(env: pytest.MonkeyPatch) -> None:
    env.setenv("TASKD_MODEL_TIMEOUT", "0.6")
    with fake_server(default=Step(body=completion(reading()), trickle_s=0.2)) as fake:
        started = time.monotonic()
        with pytest.raises(Unreachable, match="did not answer within"):
            extract(extractor(env, fake.base_url))
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("bad", [
    reading()[:40],                                  # truncated
    "this is not json",                              # invalid
    reading(kind="banana"),                          # schema-violating
    reading(preference={"key": "breakfast", "words": "x"}),  # a key that does not exist
])
def test_bad_answers_are_reasked_at_most_twice(env: pytest.MonkeyPatch, bad: str) -> None:
    with fake_server(default=ok(bad)) as fake:
        ex = extractor(env, fake.base_url)
        ex.rules = None  # the model's reading is all there is
        with pytest.raises(ExtractionFailed) as caught:
            extract(ex, "remind me to call mom tomorrow at 6pm")
    assert len(fake.requests) == 3
    assert caught.value.exit_code == 1 and "3 tries" in caught.value.message
    reask = fake.requests[1]["body"]["messages"]
    assert reask[-1]["role"] == "user" and "not valid" in reask[-1]["content"]
    assert reask[-2] == {"role": "assistant", "content": bad}


def test_truncated_then_valid_succeeds(env: pytest.MonkeyPatch) -> None:
    cut = Step(body=completion(reading()[:30], finish_reason="length"))
    with fake_server(cut, ok(reading())) as fake:
        draft = extract(extractor(env, fake.base_url))
    assert draft.schedule is not None and len(fake.requests) == 2
    assert "cut off" in fake.requests[1]["body"]["messages"][-1]["content"]


def test_refusal_fails_at_once(env: pytest.MonkeyPatch) -> None:
    refusal = Step(body=completion(None, refusal="I can't help with that."))
    with fake_server(default=refusal) as fake, pytest.raises(ExtractionFailed, match="declined"):
        extract(extractor(env, fake.base_url))
    assert len(fake.requests) == 1


def test_bad_request_hints_at_json_object(env: pytest.MonkeyPatch) -> None:
    rejected = Step(400, {"error": {"message": "json_schema unsupported"}})
    with fake_server(default=rejected) as fake, \
            pytest.raises(ExtractionFailed, match="TASKD_RESPONSE_FORMAT=json_object"):
        extract(extractor(env, fake.base_url))


def test_api_key_only_in_the_authorization_header(env: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with fake_server(ok("nope"), ok(reading()), default=Step(500, {"error": {"message": SECRET}})) as fake:
        ex = extractor(env, fake.base_url)
        extract(ex)
        with pytest.raises(Unreachable) as caught:
            extract(ex)
    assert all(r["headers"].get("authorization") == f"Bearer {SECRET}" for r in fake.requests)
    assert all(SECRET not in json.dumps(r["body"]) for r in fake.requests)
    assert SECRET not in caught.value.message and SECRET not in caplog.text
    assert SECRET not in repr(settings_mod.load())


def test_invented_time_is_not_scheduled(env: pytest.MonkeyPatch) -> None:
    with fake_server(ok(reading(when="tomorrow at 9", plain="tomorrow at 9"))) as fake:
        draft = extract(extractor(env, fake.base_url), "remind me to call mom")
    assert draft.schedule is None and draft.question


def test_direct_mode_reasks_a_past_date(env: pytest.MonkeyPatch) -> None:
    past = {"schema_version": 1, "title": "call mom", "kind": "reminder", "message": "call mom",
            "schedule": {"date": "2026-11-18", "time": "18:00", "offset": None, "rrule": None,
                         "daypart": None, "time_source": "explicit"},
            "tz": None, "question": None, "assumptions": []}
    good = dict(past, schedule=dict(past["schedule"], date="2026-11-20"))
    with fake_server(ok(json.dumps(past)), ok(json.dumps(good))) as fake:
        draft = extract(extractor(env, fake.base_url, mode="direct"))
    assert draft.schedule.date == "2026-11-20"
    assert "now is Thursday 2026-11-19 10:00" in fake.requests[1]["body"]["messages"][-1]["content"]


def test_pick_task(env: pytest.MonkeyPatch) -> None:
    tasks = [(3, "water the ferns"), (8, "gym")]
    answers = [ok('{"task_id": 99, "change": "7pm"}'), ok('{"task_id": 8, "change": "7pm"}'),
               ok('{"task_id": null, "change": null}')]
    with fake_server(*answers) as fake:
        ex = extractor(env, fake.base_url)
        assert ex.pick_task("move my gym reminder to 7pm", tasks) == 8
        assert ex.pick_task("move the thing", tasks) is None
    assert "8: gym" in fake.requests[0]["body"]["messages"][-1]["content"]


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "taskd", *args], capture_output=True, text=True,
                          env=env, timeout=60, check=False)


@pytest.mark.slow
def test_cli_add_faults_persist_nothing_and_key_never_stored(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TASKD_", "OPENAI_"))}
    env.update(TASKD_HOME=str(tmp_path), OPENAI_API_KEY=SECRET, TASKD_TZ=TZ,
               TASKD_MODEL_TIMEOUT="5")
    with fake_server(Step(500, {"error": {"message": "down"}}), Step(500, {"error": {"message": "down"}}),
                     ok("garbage"), ok("garbage"), ok("garbage"),
                     ok(reading())) as fake:
        env["OPENAI_BASE_URL"] = fake.base_url
        down = _cli(["add", TEXT], env)
        garbage = _cli(["add", TEXT], env)
        listed = _cli(["list", "--json"], env)
        good = _cli(["add", TEXT, "--json"], env)
    assert down.returncode == 4 and len(down.stderr.strip().splitlines()) == 1, down.stderr
    assert garbage.returncode == 1 and "3 tries" in garbage.stderr, garbage.stderr
    assert json.loads(listed.stdout) == []
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["title"].lower() == "call mom"
    for out in (down, garbage, listed, good):
        assert SECRET not in out.stdout + out.stderr
    for db in tmp_path.rglob("*.db"):
        assert SECRET.encode() not in db.read_bytes()
        with sqlite3.connect(db) as conn:
            dump = "\n".join(conn.iterdump())
        assert SECRET not in dump


def test_a_habit_said_in_an_add_is_kept_as_an_explicit_preference(
        env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from taskd.clock import FakeClock
    from tests.cli import taskd

    said = reading(when="tomorrow morning", plain="tomorrow morning", title="check the team chat",
                   preference={"key": "morning", "words": "I start work at 8"})
    clock = FakeClock(NOW)
    with fake_server(ok(said)) as fake:
        env.setenv("OPENAI_BASE_URL", fake.base_url)
        env.setenv("TASKD_BACKEND", "openai")
        added = taskd(capsys, clock, "add",
                      "I start work at 8, remind me tomorrow morning to check the team chat")
    assert added.code == 0, added.err
    assert "Fri 20 Nov" in added.out and "08:00" in added.out
    assert "your morning is 08:00" in added.out and "prefs forget morning" in added.out
    prefs = taskd(capsys, clock, "prefs", "--json").json()
    morning = next(p for p in prefs if p["key"] == "morning")
    assert morning["value"] == "08:00" and morning["source"] == "explicit"


def test_a_complete_reading_is_stored_without_asking_the_model(env: pytest.MonkeyPatch) -> None:
    with fake_server(ok(reading())) as fake:
        ex = extractor(env, fake.base_url)
        draft = extract(ex, "remind me to call mom tomorrow at 6pm")
        assert fake.requests == []  # the parser read all of it: no round trip
        extract(ex)  # a misspelt day: the model is asked
    assert draft.title == "Call mom" and draft.schedule is not None and draft.schedule.time == "18:00"
    assert len(fake.requests) == 1 and (ex.offline, ex.asked) == (1, 1)


@pytest.mark.parametrize("text", [
    "remind me to call mom on wendsday at 6pm",           # a word that looks like a misspelt day
    "on xmas eve wrap the presents",                      # a holiday the parser does not know
    "I start work at 8, remind me tomorrow morning to check the team chat",  # a stated habit
    "remind me to buy a new phone charger",               # the parser asks
])
def test_an_incomplete_reading_still_asks_the_model(env: pytest.MonkeyPatch, text: str) -> None:
    with fake_server(default=ok(reading(when=None, plain=None))) as fake:
        ex = extractor(env, fake.base_url)
        extract(ex, text)
    assert len(fake.requests) == 1 and ex.asked == 1


def test_another_language_is_read_offline_without_the_model(env: pytest.MonkeyPatch) -> None:
    with fake_server(default=ok(reading())) as fake:
        draft = extract(extractor(env, fake.base_url), "recuérdame llamar a mamá mañana a las 9")
    assert fake.requests == []
    assert draft.title == "Llamar a mamá" and draft.schedule is not None
    assert (draft.schedule.date, draft.schedule.time) == ("2026-11-20", "09:00")


def test_an_empty_model_title_never_replaces_the_parsers(env: pytest.MonkeyPatch) -> None:
    """Held-out probe: the model took "stretch" for part of the time and gave no title."""
    answer = reading(when="in 2 hours stretch", plain="in 2 hours", title="")
    with fake_server(ok(answer)) as fake:
        ex = extractor(env, fake.base_url)
        ex.rules = _AlwaysAsk(ex.rules)
        draft = extract(ex, "in 2 hours stretch")
    assert len(fake.requests) == 1
    assert draft.title == "Stretch" and draft.schedule is not None
    assert draft.schedule.offset is not None and draft.schedule.offset.hours == 2


class _AlwaysAsk:
    """The real parser, but with its reading marked as doubtful, so the model is always asked."""

    name = "rules"

    def __init__(self, rules: Any) -> None:
        self.rules = rules
        self.calls = 0

    def extract(self, text: str, **kw: Any) -> Any:
        self.calls += 1
        draft = self.rules.extract(text, **kw)
        if self.calls == 1:  # the offline check: a question makes the reading incomplete
            return draft.model_copy(update={"schedule": None, "question": "?"})
        return draft


def test_a_foreign_text_the_english_grammar_half_read_is_read_in_its_language(
        env: pytest.MonkeyPatch) -> None:
    """English reads "a las 15:15" and leaves "Recuérdame comprar pan mañana a las": no English
    doubt in that title, but the text is Spanish (found by the real-model eval)."""
    with fake_server(default=ok(reading())) as fake:
        draft = extract(extractor(env, fake.base_url), "recuérdame comprar pan mañana a las 15:15")
    assert fake.requests == []
    assert draft.title == "Comprar pan" and draft.schedule is not None
    assert (draft.schedule.date, draft.schedule.time) == ("2026-11-20", "15:15")
