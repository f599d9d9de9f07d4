"""The MCP tools (CONTRACT.md §7): each parses its arguments, calls `taskd.core.Core` and returns
the core's object as the structured result. The descriptions are the calling agent's manual.

A tool returns `Annotated[CallToolResult, Model]`: the SDK publishes `Model`'s schema as the
output schema and checks successful results against it, while the tool itself decides what an
error looks like (one line, no "Error executing tool" prefix, no traceback).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from taskd.errors import NeedsClarification, TaskdError, fault_line
from taskd.mcp.models import Added, Preferences, Run, Runs, Task, Tasks

if TYPE_CHECKING:
    from taskd.core import Core

TaskId = Annotated[int, Field(description="the task's id, as list_tasks or add_task gave it")]
Text = Annotated[str, Field(description="the user's own words")]


def _ok(data: dict[str, Any]) -> CallToolResult:
    # The JSON text as well: clients that only read `content` see the same object (MCP asks it).
    text = json.dumps(data, ensure_ascii=False, default=str)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def error_result(message: str, code: str = "error") -> CallToolResult:
    """A failed call as the model reads it: one clean line, and the API's error object."""
    from taskd.redact import redact
    from taskd.terminal import shown

    line = shown(redact(" ".join(message.split())))[:500]
    return CallToolResult(content=[TextContent(type="text", text=line)],
                          structured_content={"error": line, "code": code}, is_error=True)


def _fault(exc: Exception) -> CallToolResult:
    """Anything that is not a TaskdError: the machine's fault in words, else a bug in one line."""
    if (line := fault_line(exc)) is not None:  # a full disk, a read-only file system: as the CLI
        return error_result(line, "fault")
    if os.environ.get("TASKD_DEBUG"):
        import logging

        logging.getLogger("taskd.mcp").exception("tool failed")
    return error_result(f"internal error: {type(exc).__name__}: {exc}", "internal")


class Calls:
    """Runs a core call and shapes its outcome. The SDK runs sync tools on worker threads, so
    calls may overlap (over HTTP, several clients); the store is safe for that, as it is for the
    service's own workers, and a long run_task must not hold up a list_tasks."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def __call__(self, fn: Callable[[], dict[str, Any]], *,
                 ask: Callable[[NeedsClarification], dict[str, Any]] | None = None) -> CallToolResult:
        try:
            return _ok(fn())
        except NeedsClarification as exc:
            if ask is None:
                return error_result(exc.message, exc.code)
            return _ok(ask(exc))
        except TaskdError as exc:
            return error_result(exc.message, getattr(exc, "code", "error"))
        except Exception as exc:  # a tool call never ends the server, nor shows a traceback
            return _fault(exc)


def _question(exc: NeedsClarification, **extra: Any) -> dict[str, Any]:
    return {**(exc.payload or {}), **extra, "question": exc.question}


_READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)


def _write(*, idempotent: bool = False, destructive: bool = False,
           open_world: bool = False) -> ToolAnnotations:
    return ToolAnnotations(read_only_hint=False, destructive_hint=destructive,
                           idempotent_hint=idempotent, open_world_hint=open_world)


def register(server: MCPServer, core: Core) -> None:
    """Add taskd's twelve tools to `server`, each calling `core`."""
    call = Calls(core)

    def tool(title: str, annotations: ToolAnnotations) -> Callable[[Callable[..., Any]], None]:
        def add(fn: Callable[..., Any]) -> None:
            # The docstring as one paragraph: clients show it as it comes, indentation and all.
            server.add_tool(fn, title=title, annotations=annotations,
                            description=" ".join((fn.__doc__ or "").split()))
        return add

    @tool("Add a task", _write())
    def add_task(
        text: Text,
        tz: Annotated[str | None, Field(description="IANA zone such as Europe/Berlin, only when "
                                                    "the user names one; default: the user's")] = None,
    ) -> Annotated[CallToolResult, Added]:
        """Add a reminder or task from the user's words, exactly as they said them: "remind me
        to call mom every Sunday at 6pm", "in 20 minutes check the oven", "every weekday at 8am
        give me a news briefing". taskd reads the time itself, from the user's clock and zone;
        never compute or rewrite dates, never convert zones. When the result has `question`,
        nothing was stored: ask the user that question, then call add_task again with the
        original request plus the answer. Otherwise confirm `title`, `schedule` and the first
        of `next` to the user. Words that change an existing task ("move my gym reminder to
        7pm") change that task; the result then has `edited: true`."""
        return call(lambda: core.add(text, tz=tz),
                    ask=lambda exc: _question(exc, id=None, saved=False))

    @tool("List tasks", _READ)
    def list_tasks(
        include_done: Annotated[bool, Field(description="also list finished (done) tasks; "
                                                        "deleted ones are gone")] = False,
    ) -> Annotated[CallToolResult, Tasks]:
        """The user's tasks with their schedules in words and next fire times. Use it to find
        the id of a task the user names ("my gym reminder") before changing it."""
        return call(lambda: {"tasks": core.list_tasks(include_all=include_done)})

    @tool("Show a task", _READ)
    def get_task(id: TaskId) -> Annotated[CallToolResult, Task]:
        """One task in full: schedule, the next five fire times, status and recent runs."""
        return call(lambda: core.show(id))

    @tool("Change a task", _write())
    def update_task(
        id: TaskId,
        text: Annotated[str | None, Field(description="the user's words for the change: "
                                                      "\"move it to 7pm\" moves the time and keeps "
                                                      "the day or repetition; a whole new request "
                                                      "(\"gym every Friday 6pm\") replaces title and "
                                                      "schedule")] = None,
        title: Annotated[str | None, Field(description="a new title only")] = None,
        at: Annotated[str | None, Field(description="a whole new schedule in the user's words "
                                                    "(\"tomorrow 9am\", \"every Monday 9am\"); it "
                                                    "replaces the old one, repetition included")] = None,
    ) -> Annotated[CallToolResult, Task]:
        """Change a task: `text` (the user's words for the change), or `title` and/or `at`.
        To move a repeating task to another time of day keep its repetition: text="move it to
        7pm", or at="every day at 7pm" (at="7pm" alone would make it a one-time task). Times
        are the user's words; taskd resolves them. A result with `question` changed nothing:
        ask the user, then call again."""
        return call(lambda: core.edit(id, text=text, title=title, at=at),
                    ask=lambda exc: {"id": id, "question": exc.question})

    @tool("Mark a task done", _write())
    def complete_task(id: TaskId) -> Annotated[CallToolResult, Task]:
        """The user did it: a one-time task is finished; a recurring task's current reminder is
        answered and the task goes on to its next time (see `next`)."""
        return call(lambda: core.done(id, via="mcp"))

    @tool("Snooze a task", _write())
    def snooze_task(
        id: TaskId,
        duration: Annotated[str | None, Field(description="how long, in words: \"10m\", \"2 hours\", "
                                                          "\"1h30m\"; default: the user's usual "
                                                          "snooze")] = None,
    ) -> Annotated[CallToolResult, Task]:
        """Remind again later. After a reminder fired, it comes again `duration` from now; a
        reminder that has not fired yet is put off by `duration` (never earlier than planned).
        A recurring task's later times keep theirs."""
        return call(lambda: core.snooze(id, duration=duration, via="mcp"))

    @tool("Pause a task", _write(idempotent=True))
    def pause_task(
        id: TaskId,
        until: Annotated[str | None, Field(description="when to start again, in words (\"monday "
                                                       "9am\", \"in 2 weeks\") or ISO-8601; default: "
                                                       "until resume_task")] = None,
    ) -> Annotated[CallToolResult, Task]:
        """Stop a task firing, until `until` or until resume_task. Times that come due during
        the pause are skipped, not fired late."""
        return call(lambda: core.pause(id, until=until))

    @tool("Resume a task", _write(idempotent=True))
    def resume_task(id: TaskId) -> Annotated[CallToolResult, Task]:
        """End a pause: the task fires again from its next time after now."""
        return call(lambda: core.resume(id))

    @tool("Delete a task", _write(idempotent=True, destructive=True))
    def delete_task(id: TaskId) -> Annotated[CallToolResult, Task]:
        """Remove a task for good: it never fires again. Confirm with the user first unless
        they clearly asked for it; to stop it for a while use pause_task instead."""
        return call(lambda: core.remove(id))

    @tool("Run a task now", _write(open_world=True))
    def run_task(id: TaskId) -> Annotated[CallToolResult, Run]:
        """Fire a task now, as if it were due: a reminder is delivered to the user's channels,
        an agent task runs and delivers its answer. Its schedule does not change."""
        return call(lambda: core.run(id))

    @tool("Run history", _READ)
    def get_history(
        id: Annotated[int | None, Field(description="only this task's runs; default: all tasks")] = None,
    ) -> Annotated[CallToolResult, Runs]:
        """Past and pending runs, newest first: when each was due, when it fired, how it went,
        and an agent task's answer."""
        return call(lambda: {"runs": core.history(id)})

    @tool("Time preferences", _READ)
    def get_preferences() -> Annotated[CallToolResult, Preferences]:
        """What taskd knows about the user's time habits (when "morning" or "evening" is, the
        usual snooze), each with its evidence. taskd applies them itself when it reads words
        like "tomorrow morning"; pass such words on unchanged."""
        return call(lambda: {"preferences": core.prefs()})
