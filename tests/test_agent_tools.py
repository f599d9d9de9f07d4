"""Agent tasks with tools, through the engine: a real MCP server (tests/mcp_fixture_server.py, a
stdio subprocess written with the `mcp` SDK), a real HTTP server for fetch_url, real check
commands, and the wire-level fake OpenAI server for the model (so every request can be read)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from taskd.clock import FakeClock
from taskd.store.db import session
from taskd.store.receipt_tables import Receipt, ToolCallRow
from taskd.store.tables import Event
from tests.conftest_service import RecordingChannel, add_task, make_engine
from tests.test_agent_engine import START, answer, fire_at_8, next_day, runs
from tests.test_model_wire import FakeServer, Step, completion, fake_model_env

FIXTURE = Path(__file__).with_name("mcp_fixture_server.py")
UMBRELLA = "check if it is raining in Berlin and tell me only if I need an umbrella"
DAILY_8 = "FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0"


def call(tool: str, **arguments: Any) -> Step:
    return Step(body=completion(json.dumps({"tool": tool, "arguments": arguments})))


def mcp_table(log: Path, *, weather: str = "Berlin=rain", tools: str = '["weather", "price"]',
              notes: str = "") -> str:
    env = {"FIXTURE_WEATHER": weather, "FIXTURE_PRICES": "bike=249", "FIXTURE_LOG": str(log),
           "FIXTURE_NOTES": notes}
    inline = ", ".join(f"{k} = {json.dumps(v)}" for k, v in env.items())
    return (f"[agent.mcp.fixture]\ncommand = {json.dumps([sys.executable, str(FIXTURE)])}\n"
            f"tools = {tools}\nenv = {{ {inline} }}\n")


@pytest.fixture
def fake() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    yield from fake_model_env(monkeypatch)


def receipt_of(url: str, run_id: int | None) -> tuple[Receipt | None, list[ToolCallRow]]:
    with session(url) as db:
        return db.get(Receipt, run_id), list(db.exec(
            select(ToolCallRow).where(ToolCallRow.run_id == run_id).order_by(col(ToolCallRow.seq))))


def user_messages(request: dict[str, Any]) -> str:
    return "\n".join(m["content"] for m in request["body"]["messages"] if m["role"] == "user")


def test_umbrella_with_the_weather_tool_speaks_on_rain_and_is_quiet_on_sun(
        taskd_home: Path, tmp_path: Path, fake: FakeClock, rec: RecordingChannel,
        model: FakeServer) -> None:
    log = tmp_path / "calls.log"
    model.steps += [call("weather", city="Berlin"), answer(True, "It is raining in Berlin: take one.")]
    engine = make_engine(taskd_home, fake, rec, "[agent]\n" + mcp_table(log))
    task = add_task(engine.url, START, title=UMBRELLA, kind="agent", rrule=DAILY_8,
                    dtstart=START.replace(hour=8, minute=0, tzinfo=None))
    fire_at_8(engine, fake)
    assert [m.message for m in rec.sent] == ["It is raining in Berlin: take one."]
    assert log.read_text() == "weather Berlin\n"
    first, second = model.requests
    # Code makes the first step a tool call: the answer is not even allowed yet.
    schema = first["body"]["response_format"]["json_schema"]["schema"]
    assert [c["properties"]["tool"]["enum"] for c in schema["anyOf"]] == [["weather"], ["price"]]
    assert "message" not in json.dumps(schema)
    assert "- weather(city): Current weather in a city" in user_messages(first)
    assert ('<tool_result tool="weather" call="1">\nWeather in Berlin now: rain.\n</tool_result>'
            in user_messages(second))
    # The weather is in: only the answer is allowed now (no copying the prompt's example call).
    assert second["body"]["response_format"]["json_schema"]["schema"]["required"] == [
        "message", "notify"]
    (run,) = runs(engine, task)
    assert (run.state, run.prompt_tokens) == ("delivered", 200)
    receipt, calls = receipt_of(engine.url, run.id)
    assert receipt is not None and receipt.grounded
    assert json.loads(receipt.sources_json) == ["mcp:fixture/weather(city=Berlin)"]
    assert json.loads(receipt.needs_json) == ["weather"]
    assert [(c.tool, json.loads(c.arguments_json), c.error) for c in calls] == [
        ("weather", {"city": "Berlin"}, None)]
    assert calls[0].result == "Weather in Berlin now: rain." and calls[0].result_chars == 28

    # The next day the tool says sun: the verdict is "no", and nothing is delivered.
    (taskd_home / "config.toml").write_text('default_channels = ["rec"]\n[agent]\n'
                                            + mcp_table(log, weather="Berlin=sun, 21 C"))
    engine.reload(__import__("taskd.settings", fromlist=["load"]).load())
    model.steps += [call("weather", city="Berlin"), answer(False, "Sunny in Berlin: no umbrella.")]
    next_day(engine, fake)
    assert len(rec.sent) == 1
    quiet = runs(engine, task)[1]
    assert (quiet.state, quiet.output) == ("quiet", "Sunny in Berlin: no umbrella.")
    assert receipt_of(engine.url, quiet.id)[0].grounded  # type: ignore[union-attr]


def test_umbrella_without_a_weather_source_is_unchecked_asks_no_model_and_says_so_once(
        taskd_home: Path, fake: FakeClock, rec: RecordingChannel, model: FakeServer) -> None:
    engine = make_engine(taskd_home, fake, rec)
    task = add_task(engine.url, START, title=UMBRELLA, kind="agent", rrule=DAILY_8,
                    dtstart=START.replace(hour=8, minute=0, tzinfo=None))
    fire_at_8(engine, fake)
    next_day(engine, fake)
    next_day(engine, fake)
    assert model.requests == []  # zero tokens: no answer could count
    done = runs(engine, task)
    assert [r.state for r in done] == ["unchecked"] * 3
    assert done[0].outcome == ("unchecked: taskd has no source for the weather (no tool is "
                               "configured)")
    assert done[0].latency_ms is None and done[0].prompt_tokens is None
    (notice,) = rec.sent
    assert notice.message.startswith(f"could not check “{UMBRELLA}”: taskd has no source for the "
                                      "weather")
    assert "rain" not in notice.message.replace("raining in Berlin", "")
    with session(engine.url) as db:
        assert len(list(db.exec(select(Event).where(Event.kind == "agent.unchecked_notified")))) == 1
    receipt, calls = receipt_of(engine.url, done[0].id)
    assert receipt is not None and not receipt.grounded and calls == []


def test_a_claim_made_without_calling_the_tool_is_not_delivered(
        taskd_home: Path, tmp_path: Path, fake: FakeClock, rec: RecordingChannel,
        model: FakeServer) -> None:
    """A server without strict schemas (or a model that ignores them) answers at once: no tool
    result, so the "finding" is recorded as unchecked, whatever it says."""
    log = tmp_path / "calls.log"
    model.steps.append(answer(True, "It is raining in Berlin, so you need an umbrella."))
    engine = make_engine(taskd_home, fake, rec, "[agent]\n" + mcp_table(log))
    task = add_task(engine.url, START, title=UMBRELLA, kind="agent",
                    first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    (run,) = runs(engine, task)
    assert run.state == "unchecked"
    assert run.outcome == ("unchecked: the verdict rests on no tool result: the model answered "
                           "without calling a tool")
    assert all("It is raining" not in m.message for m in rec.sent)
    assert not log.exists()


def test_only_allowlisted_tools_are_offered_and_called_and_calls_are_bounded(
        taskd_home: Path, tmp_path: Path, fake: FakeClock, rec: RecordingChannel,
        model: FakeServer) -> None:
    log = tmp_path / "calls.log"
    model.steps += [call("notes"), call("price", item="bike"), call("price", item="car"),
                    answer(True, "The bike costs 249 EUR.")]
    engine = make_engine(taskd_home, fake, rec, "[agent]\nmax_tool_calls = 2\n"
                         + mcp_table(log, tools='["price"]'))
    # No need is recognised in these words, so every allowed tool stays on offer between calls.
    task = add_task(engine.url, START, title="tell me which of bike, car and bus I can afford",
                    kind="agent", first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    assert log.read_text() == "price bike\nprice car\n"  # notes() exists but is not allowed
    offered = json.dumps(model.requests[0]["body"]["response_format"])
    assert '"price"' in offered and '"notes"' not in offered and '"weather"' not in offered
    # "notes" was answered with a re-ask; after two calls only the answer is allowed.
    assert "there is no tool 'notes'" in model.requests[1]["body"]["messages"][-1]["content"]
    last = model.requests[3]["body"]["response_format"]["json_schema"]["schema"]
    assert last["required"] == ["message", "notify"] and "anyOf" not in last
    (run,) = runs(engine, task)
    assert run.state == "delivered" and len(model.requests) == 4


class Shop(BaseHTTPRequestHandler):
    """A web page on loopback: a price inside HTML, with a script that must not reach the model."""

    methods: list[str] = []  # noqa: RUF012  (shared by the server's handler instances)
    page = ("<html><head><title>Bike</title><script>steal()</script></head><body>"
            "<h1>City bike</h1><p>Price: <b>189 EUR</b></p><style>p{}</style></body></html>")

    def log_message(self, *_args: Any) -> None:
        pass

    def do_GET(self) -> None:
        Shop.methods.append("GET")
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data")
            self.end_headers()
            return
        body = (self.page if self.path != "/big" else "x" * 5000).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def shop() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    import threading

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Shop.methods = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_price_watch_through_fetch_url(taskd_home: Path, fake: FakeClock, rec: RecordingChannel,
                                       model: FakeServer, shop: str) -> None:
    url = f"{shop}/bike"
    model.steps += [call("fetch_url", url=url), answer(True, "The city bike is 189 EUR now.")]
    engine = make_engine(taskd_home, fake, rec, '[agent.fetch_url]\nhosts = ["127.0.0.1"]\n'
                         'allow_private = ["127.0.0.1"]\n')
    task = add_task(engine.url, START, title=f"tell me if the bike at {url} drops below 200 EUR",
                    kind="agent", first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    assert [m.message for m in rec.sent] == ["The city bike is 189 EUR now."]
    fed = user_messages(model.requests[1])
    assert "Bike\nCity bike\nPrice: 189 EUR" in fed and "steal" not in fed and "<b>" not in fed
    (run,) = runs(engine, task)
    receipt, _ = receipt_of(engine.url, run.id)
    assert receipt is not None and receipt.grounded and json.loads(receipt.sources_json) == [url]
    assert Shop.methods == ["GET"]


def test_fetch_url_refuses_private_addresses_other_hosts_and_caps_the_size(shop: str) -> None:
    from taskd.agent.tools.config import FetchConfig
    from taskd.agent.tools.fetch import fetch

    listed = FetchConfig(hosts=("127.0.0.1",), allow_private=("127.0.0.1",), max_bytes=1000)
    unlisted = FetchConfig(hosts=("127.0.0.1",))
    refused = fetch({"url": f"{shop}/bike"}, unlisted)
    assert refused.error and "127.0.0.1, a private or local address" in refused.error
    assert fetch({"url": "http://localhost.example/x"}, listed).error == (
        "localhost.example is not in [agent.fetch_url] hosts")
    assert "only http(s)" in (fetch({"url": "file:///etc/passwd"}, listed).error or "")
    # A redirect to a link-local metadata address is checked like the first URL.
    moved = fetch({"url": f"{shop}/moved"}, FetchConfig(hosts=("127.0.0.1", "169.254.169.254"),
                                                         allow_private=("127.0.0.1",)))
    assert moved.error and "169.254.169.254, a private or local address" in moved.error
    big = fetch({"url": f"{shop}/big"}, listed)
    assert big.ok and big.result.endswith("[truncated at 1000 bytes]") and big.result.count("x") == 1000
    assert Shop.methods == ["GET", "GET"]  # /moved and /big: the refused ones never connected


def _check(tmp_path: Path, code: int, out: str) -> str:
    script = tmp_path / f"check_{code}.py"
    script.write_text(f"import sys\nprint({out!r})\nsys.exit({code})\n")
    return f'[agent.checks.backups]\ncommand = {json.dumps([sys.executable, str(script)])}\n'


def test_a_check_that_finds_nothing_keeps_the_model_asleep(
        taskd_home: Path, tmp_path: Path, fake: FakeClock, rec: RecordingChannel,
        model: FakeServer) -> None:
    engine = make_engine(taskd_home, fake, rec, _check(tmp_path, 1, "all 3 backups fresh"))
    task = add_task(engine.url, START, title="tell me if the backups check finds a stale backup",
                    kind="agent", rrule=DAILY_8, dtstart=START.replace(hour=8, minute=0, tzinfo=None))
    fire_at_8(engine, fake)
    (run,) = runs(engine, task)
    assert (run.state, run.outcome) == ("quiet", "quiet: check backups found nothing to report "
                                                 "(the model was not asked)")
    assert model.requests == [] and rec.sent == [] and run.prompt_tokens is None
    _, calls = receipt_of(engine.url, run.id)
    assert [(c.tool, c.result) for c in calls] == [("run_check", "all 3 backups fresh")]


def test_wake_false_also_keeps_it_asleep_and_exit_0_wakes_the_model_with_the_output(
        taskd_home: Path, tmp_path: Path, fake: FakeClock, rec: RecordingChannel,
        model: FakeServer) -> None:
    engine = make_engine(taskd_home, fake, rec, _check(tmp_path, 0, '{"wake": false}'))
    task = add_task(engine.url, START, title="tell me if the backups check finds a stale backup",
                    kind="agent", rrule=DAILY_8, dtstart=START.replace(hour=8, minute=0, tzinfo=None))
    fire_at_8(engine, fake)
    assert model.requests == [] and runs(engine, task)[0].state == "quiet"
    (taskd_home / "config.toml").write_text('default_channels = ["rec"]\n'
                                            + _check(tmp_path, 0, "home: 9 days old"))
    engine.reload(__import__("taskd.settings", fromlist=["load"]).load())
    model.steps.append(answer(True, "The home backup is 9 days old."))
    next_day(engine, fake)
    assert [m.message for m in rec.sent] == ["The home backup is 9 days old."]
    assert ('<tool_result tool="check backups" call="1">\nhome: 9 days old\n</tool_result>'
            in user_messages(model.requests[0]))


def test_history_shows_the_tool_calls_and_verbose_their_results(
        taskd_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        rec: RecordingChannel, model: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.cli import taskd

    clock = FakeClock(START)
    engine = make_engine(taskd_home, clock, rec, _check(tmp_path, 0, "home: 9 days old"))
    model.steps.append(answer(True, "The home backup is 9 days old."))
    task = add_task(engine.url, START, title="tell me if the backups check finds a stale backup",
                    kind="agent", first=START + timedelta(minutes=1))
    fire_at_8(engine, clock)
    monkeypatch.setenv("COLUMNS", "300")
    plain = taskd(capsys, clock, "history", str(task))
    assert "run_check · grounded" in plain.out
    assert "1. run_check(check=backups) 16 chars" in plain.out
    assert "home: 9 days old" not in plain.out.split("tool calls:")[1]
    verbose = taskd(capsys, clock, "history", str(task), "--verbose")
    assert "│ home: 9 days old" in verbose.out
    data = taskd(capsys, clock, "history", str(task), "--json").json()
    assert data[0]["receipt"]["grounded"] is True
    assert data[0]["receipt"]["tool_calls"][0]["result"] == "home: 9 days old"
    assert data[0]["receipt"]["sources"] == ["check:backups"]


def test_a_server_that_will_not_start_leaves_the_run_unchecked_with_its_last_words(
        taskd_home: Path, tmp_path: Path, fake: FakeClock, rec: RecordingChannel,
        model: FakeServer) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import sys\nsys.stderr.write('no API key for the weather service\\n')\n"
                      "sys.exit(3)\n")
    model.steps.append(answer(True, "It is raining in Berlin, so you need an umbrella."))
    engine = make_engine(taskd_home, fake, rec, "[agent]\ntool_timeout = 5\n[agent.mcp.meteo]\n"
                         f'command = {json.dumps([sys.executable, str(broken)])}\n'
                         'tools = ["weather"]\n')
    task = add_task(engine.url, START, title=UMBRELLA, kind="agent",
                    first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    (run,) = runs(engine, task)
    assert run.state == "unchecked"
    assert run.outcome and "MCP server meteo is unavailable" in run.outcome
    assert "(it said: no API key for the weather service)" in run.outcome
    assert all("raining" not in m.message.replace("raining in Berlin and", "") for m in rec.sent)


def test_add_says_when_no_tool_provides_the_data_and_json_lists_it(
        taskd_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.cli import taskd

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # a model is configured
    clock = FakeClock(START)
    text = f"in 25 seconds {UMBRELLA}"
    added = taskd(capsys, clock, "add", text, "--dry-run", "--json")
    assert added.code == 0 and added.json()["kind"] == "agent"
    assert added.json()["warnings"] == [
        "taskd has no source for the weather: see “Agent tools” in the README; until then each "
        "run is recorded as unchecked"]
    plain = taskd(capsys, clock, "add", text, "--dry-run")
    assert "! taskd has no source for the weather" in plain.out
    taskd_home.mkdir(parents=True, exist_ok=True)
    (taskd_home / "config.toml").write_text("[agent]\n" + mcp_table(tmp_path / "log"))
    assert taskd(capsys, clock, "add", text, "--dry-run", "--json").json()["warnings"] == []
    fact = taskd(capsys, clock, "add", "in 20 seconds tell me a fun fact about octopuses",
                 "--dry-run", "--json")
    assert fact.json()["warnings"] == []


@pytest.fixture
def http_mcp(tmp_path: Path) -> Iterator[str]:
    """The fixture server over streamable HTTP, on a free loopback port."""
    import socket
    import subprocess
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, str(FIXTURE), "--http", str(port)],
                            env={"FIXTURE_PRICES": "bike=249", "PATH": "/usr/bin:/bin"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(10)


def test_an_mcp_server_over_streamable_http(taskd_home: Path, fake: FakeClock,
                                            rec: RecordingChannel, model: FakeServer,
                                            http_mcp: str) -> None:
    model.steps += [call("price", item="bike"), answer(False, "The bike is 249 EUR, not below 200.")]
    engine = make_engine(taskd_home, fake, rec, f'[agent.mcp.shop]\nurl = "{http_mcp}"\n'
                         'tools = ["price"]\n')
    task = add_task(engine.url, START, title="tell me if the bike price drops below 200 EUR",
                    kind="agent", first=START + timedelta(minutes=1))
    fire_at_8(engine, fake)
    (run,) = runs(engine, task)
    assert run.state == "quiet" and rec.sent == []
    receipt, calls = receipt_of(engine.url, run.id)
    assert [(c.tool, c.result) for c in calls] == [("price", "bike: 249 EUR")]
    assert receipt is not None and json.loads(receipt.sources_json) == ["mcp:shop/price(item=bike)"]
