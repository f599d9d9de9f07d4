"""`taskd mcp`: the MCP server, driven by the official SDK's client.

Over stdio the real command runs as a subprocess (`python -m taskd mcp`, TASKD_HOME a tmp dir):
the tool listing an agent reads, a task added in words and seen by `taskd list --json`, a
question instead of a guess, errors as isError results, a console delivery that cannot corrupt
the wire. The lifecycle tools run in-process against the same server object with a FakeClock,
so that every time is exact.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import anyio
import pytest
from mcp import Client, StdioServerParameters, stdio_client

from taskd import settings as settings_mod
from taskd.clock import FakeClock
from taskd.mcp.server import build
from tests.cli import taskd

T = TypeVar("T")

TOOLS = {"add_task", "list_tasks", "get_task", "update_task", "complete_task", "snooze_task",
         "pause_task", "resume_task", "delete_task", "run_task", "get_history", "get_preferences"}
READ_ONLY = {"list_tasks", "get_task", "get_history", "get_preferences"}


def drive(target: Any, scenario: Callable[[Client], Awaitable[T]]) -> T:
    async def main() -> T:
        async with Client(target, read_timeout_seconds=30) as client:
            return await scenario(client)

    return anyio.run(main)


def over_stdio(scenario: Callable[[Client], Awaitable[T]]) -> T:
    """The real `taskd mcp` as a subprocess, in this test's TASKD_HOME (set by conftest)."""
    params = StdioServerParameters(command=sys.executable, args=["-m", "taskd", "mcp"],
                                   env=dict(os.environ), cwd=str(Path(__file__).parent.parent))
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errlog:
        try:
            return drive(stdio_client(params, errlog=errlog), scenario)
        finally:
            errlog.seek(0)
            sys.stderr.write(errlog.read()[-2000:])  # shown by pytest when the test fails


def in_process(clock: FakeClock, scenario: Callable[[Client], Awaitable[T]]) -> T:
    return drive(build(settings_mod.load(), clock), scenario)


async def ok(client: Client, name: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(name, arguments)
    text = result.content[0].text if result.content else ""  # type: ignore[union-attr]
    assert not result.is_error, f"{name} failed: {text}"
    assert isinstance(result.structured_content, dict)
    assert json.loads(text) == result.structured_content  # text-only clients see the same object
    return result.structured_content


async def failed(client: Client, name: str, **arguments: Any) -> str:
    result = await client.call_tool(name, arguments)
    assert result.is_error, f"{name} did not fail: {result.structured_content}"
    text: str = result.content[0].text  # type: ignore[union-attr]
    assert "\n" not in text and "Traceback" not in text and "Error executing tool" not in text
    error = result.structured_content  # the API's error object, for programs
    assert error is None or (error["error"] == text and error["code"] != "internal"), error
    return text


def test_the_tool_listing_is_the_agents_manual() -> None:
    async def scenario(client: Client) -> None:
        assert "add_task" in (client.instructions or "")
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) == TOOLS
        for name, tool in tools.items():
            hints = tool.annotations
            assert hints is not None and len(tool.description or "") > 60, name
            assert hints.read_only_hint is (name in READ_ONLY), name
            if name not in READ_ONLY:  # MCP's default for a write is "destructive": say which is
                assert hints.destructive_hint is (name == "delete_task"), name
            assert tool.output_schema is not None and tool.output_schema["type"] == "object", name
        assert tools["delete_task"].annotations.idempotent_hint is True  # type: ignore[union-attr]
        assert tools["add_task"].annotations.idempotent_hint is False  # type: ignore[union-attr]
        assert tools["add_task"].input_schema["required"] == ["text"]
        assert {"id", "question", "next", "schedule"} <= set(tools["add_task"].output_schema["properties"])  # type: ignore[index]
        assert tools["update_task"].input_schema["required"] == ["id"]
        assert set(tools["update_task"].input_schema["properties"]) == {"id", "text", "title", "at"}

    over_stdio(scenario)


def test_a_task_added_in_words_over_stdio_is_stored(capsys: pytest.CaptureFixture[str]) -> None:
    async def scenario(client: Client) -> tuple[dict[str, Any], dict[str, Any], str]:
        added = await ok(client, "add_task", text="remind me to stretch in 2 hours")
        asked = await ok(client, "add_task", text="remind me to call mom")
        missing = await failed(client, "get_task", id=999)
        # what the description tells the agent: the request again, with the user's answer
        answered = await ok(client, "add_task", text="remind me to call mom tomorrow at 6pm")
        await ok(client, "delete_task", id=answered["id"])
        return added, asked, missing

    before = datetime.now(UTC)
    added, asked, missing = over_stdio(scenario)
    after = datetime.now(UTC)
    # taskd did the arithmetic, on its own clock: two hours from when the call was made
    assert added["saved"] is True and isinstance(added["id"], int)
    assert "stretch" in added["title"].lower()
    first = datetime.fromisoformat(added["next"][0])
    assert before + timedelta(hours=2, seconds=-1) <= first <= after + timedelta(hours=2, seconds=1)
    assert first.utcoffset() == first.astimezone(ZoneInfo("Europe/Berlin")).utcoffset()
    # a question is a result to pass on to the user, not an error, and nothing is stored
    assert asked["question"] and "mom" in asked["question"].lower()
    assert asked["saved"] is False and asked["id"] is None and asked["next"] == []
    assert missing == f"no task #{999}"
    listed = taskd(capsys, None, "list", "--json").json()
    assert [(t["id"], t["title"]) for t in listed] == [(added["id"], added["title"])]


def test_a_delivery_on_stdout_does_not_break_the_wire(taskd_home: Path) -> None:
    """The console channel prints to stdout; over stdio that is the protocol's stream."""
    taskd_home.mkdir(parents=True, exist_ok=True)
    (taskd_home / "config.toml").write_text('default_channels = ["console"]\n', encoding="utf-8")

    async def scenario(client: Client) -> tuple[dict[str, Any], dict[str, Any]]:
        added = await ok(client, "add_task", text="every day at 9am drink water")
        run = await ok(client, "run_task", id=added["id"])
        history = await ok(client, "get_history", id=added["id"])
        return run, history

    run, history = over_stdio(scenario)
    assert run["state"] == "delivered" and run["fired_at"]
    assert [r["run_id"] for r in history["runs"]] == [run["run_id"]]


def test_lifecycle_tools(clock: FakeClock) -> None:
    async def scenario(client: Client) -> None:
        added = await ok(client, "add_task", text="every day at 9am water the plants")
        task_id = added["id"]
        assert added["next"][0] == "2026-11-22T09:00:00+01:00" and added["rrule"]
        shown = await ok(client, "get_task", id=task_id)
        assert shown["id"] == task_id and len(shown["next"]) == 5 and shown["runs"] == []

        moved = await ok(client, "update_task", id=task_id, text="move it to 7pm")
        assert moved["next"][0] == "2026-11-21T19:00:00+01:00"
        assert moved["rrule"] == "FREQ=DAILY;BYHOUR=19;BYMINUTE=0;BYSECOND=0"  # still daily
        assert (await ok(client, "get_task", id=task_id))["next"][1] == "2026-11-22T19:00:00+01:00"
        renamed = await ok(client, "update_task", id=task_id, title="Plants")
        assert renamed["title"] == "Plants" and renamed["next"] == moved["next"]
        assert "not both" in await failed(client, "update_task", id=task_id,
                                                    text="x at 5pm", at="5pm")

        paused = await ok(client, "pause_task", id=task_id, until="monday 9am")
        assert paused["status"] == "paused"
        assert paused["paused_until"] == "2026-11-23T09:00:00+01:00"
        resumed = await ok(client, "resume_task", id=task_id)
        assert resumed["status"] == "active" and resumed["next"] == moved["next"]

        snoozed = await ok(client, "snooze_task", id=task_id, duration="10m")
        assert snoozed["next"][0] == "2026-11-21T19:10:00+01:00"  # put off, never earlier
        done = await ok(client, "complete_task", id=task_id)
        assert done["status"] == "active"  # a recurring task goes on to its next time
        assert done["next"][0] == "2026-11-22T19:00:00+01:00"

        once = await ok(client, "add_task", text="in 20 minutes check the oven")
        assert once["next"] == ["2026-11-21T10:20:00+01:00"]
        assert (await ok(client, "complete_task", id=once["id"]))["status"] == "done"
        removed = await ok(client, "delete_task", id=task_id)
        assert removed["status"] == "deleted"

        live = await ok(client, "list_tasks")
        assert live["tasks"] == []
        everything = await ok(client, "list_tasks", include_done=True)
        assert [t["id"] for t in everything["tasks"]] == [once["id"]]  # done, not deleted
        assert (await failed(client, "resume_task", id=task_id)).startswith("no task #")

        prefs = await ok(client, "get_preferences")
        keys = {p["key"] for p in prefs["preferences"]}
        assert {"morning", "evening", "snooze"} <= keys

    in_process(clock, scenario)


def test_bad_arguments_are_one_line_tool_errors(clock: FakeClock) -> None:
    async def scenario(client: Client) -> list[str]:
        return [
            await failed(client, "get_task", id="seven"),
            await failed(client, "get_task", id=0),
            await failed(client, "update_task", id=1),
            await failed(client, "add_task", text="   "),
            await failed(client, "add_task", text="at 5pm tea", tz="Mars/Olympus"),
            await failed(client, "snooze_task", id=1, duration="for a bit"),
        ]

    seven, zero, nothing, empty, zone, _ = in_process(clock, scenario)
    assert seven.startswith("get_task: id: ") and "integer" in seven
    assert zero == "no task #0"
    assert nothing == "give new text, a title or a time"
    assert "empty" in empty
    assert "Mars/Olympus" in zone


def test_an_update_that_needs_a_question_asks_it(clock: FakeClock) -> None:
    async def scenario(client: Client) -> tuple[dict[str, Any], dict[str, Any]]:
        added = await ok(client, "add_task", text="tomorrow at 8am stretch")
        asked = await ok(client, "update_task", id=added["id"], text="stretch more")
        assert asked["question"] and asked["id"] == added["id"]
        return added, await ok(client, "get_task", id=added["id"])

    added, after = in_process(clock, scenario)
    assert after["next"] == added["next"] and after["title"] == added["title"]  # nothing changed


def test_writes_poke_a_running_service(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """A running service hears of a change at once instead of at its next database poll."""
    import taskd.schedule.control as control

    pokes: list[str] = []
    monkeypatch.setattr(control, "poke", lambda settings: pokes.append(settings.timezone) or True)

    async def scenario(client: Client) -> list[int]:
        seen = []
        added = await ok(client, "add_task", text="in 20 minutes check the oven")
        seen.append(len(pokes))
        await ok(client, "list_tasks")
        await ok(client, "get_task", id=added["id"])
        seen.append(len(pokes))
        await ok(client, "pause_task", id=added["id"])
        seen.append(len(pokes))
        return seen

    assert in_process(clock, scenario) == [1, 1, 2]  # writes poke, reads do not


def test_calls_at_once_each_land(clock: FakeClock) -> None:
    """The SDK runs tools on worker threads; calls that overlap (HTTP clients) all land."""

    async def scenario(client: Client) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []

        async def add(n: int) -> None:
            results.append(await ok(client, "add_task", text=f"in {n + 5} minutes tea number {n}"))

        async with anyio.create_task_group() as group:
            for n in range(4):
                group.start_soon(add, n)
        results.append(await ok(client, "list_tasks"))
        return results

    *added, listed = in_process(clock, scenario)
    assert len({a["id"] for a in added}) == 4
    assert sorted(t["id"] for t in listed["tasks"]) == sorted(a["id"] for a in added)


def test_the_cli_loads_the_sdk_only_for_taskd_mcp() -> None:
    import subprocess

    code = ("import sys, taskd.cli; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'mcp', 'starlette', 'anyio'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
