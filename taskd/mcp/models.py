"""The shapes of the MCP tools' structured results: the objects the API and `--json` return.

Each model names the fields an agent needs and describes them (the schema is part of the agent's
manual); `extra="allow"` keeps every other field the core returns, so a field the core adds later
reaches the agent without a change here. Fields are optional where some operation leaves them out.
MCP wants an object at the top, so lists come wrapped: `{"tasks": [...]}`, `{"runs": [...]}`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_OPEN = ConfigDict(extra="allow")

_NEXT = ("upcoming fire times, ISO-8601 with the task's UTC offset, soonest first; empty when the "
         "task will not fire again (done, deleted)")


class Run(BaseModel):
    """One firing of a task (what `taskd history --json` prints)."""

    model_config = _OPEN
    run_id: int | None = Field(None, description="the run's id")
    task_id: int | None = Field(None, description="the task that fired")
    scheduled_for: str | None = Field(None, description="when it was due, ISO-8601")
    fired_at: str | None = Field(None, description="when it actually fired, ISO-8601; null if not yet")
    state: str | None = Field(None, description="pending, delivered, failed, skipped, quiet, ...")
    late: bool | None = Field(None, description="true when it fired well after it was due")
    outcome: str | None = Field(None, description="how the run ended, in words")
    output: str | None = Field(None, description="an agent task's answer, delivered to the user")
    error: str | None = Field(None, description="why the run failed, in one line")
    title: str | None = Field(None, description="the task's title (in history)")


class Task(BaseModel):
    """A stored task (what `taskd show --json` prints)."""

    model_config = _OPEN
    id: int | None = Field(None, description="the task's id: pass it to the other tools")
    title: str | None = Field(None, description="short title of the task")
    kind: str | None = Field(None, description="reminder (a notification) or agent (taskd runs a "
                                               "model with tools at each fire and delivers its answer)")
    message: str | None = Field(None, description="what is said or done when it fires")
    status: str | None = Field(None, description="active, paused, done or deleted")
    tz: str | None = Field(None, description="IANA zone the schedule is kept in")
    rrule: str | None = Field(None, description="RFC 5545 recurrence rule; null for a one-time task")
    schedule: str | None = Field(None, description="the schedule in words, for the user")
    next: list[str] = Field(default_factory=list, description=_NEXT)
    paused_until: str | None = Field(None, description="when a pause ends, ISO-8601; null if none "
                                                       "(a paused task with null waits for resume)")
    source_text: str | None = Field(None, description="the words the task was made from")
    runs: list[Run] | None = Field(None, description="recent runs (get_task only)")
    question: str | None = Field(None, description="set when the change could not be made without "
                                                   "asking: ask the user this and call again; the "
                                                   "task is unchanged")


class Added(BaseModel):
    """What `add_task` returns: the stored task, or a question (nothing stored)."""

    model_config = _OPEN
    id: int | None = Field(None, description="the new task's id; null when nothing was stored")
    saved: bool | None = Field(None, description="true when the task was stored")
    question: str | None = Field(None, description="set (and nothing stored) when the text cannot be "
                                                   "scheduled without asking: ask the user this, then "
                                                   "call add_task again with the whole clarified "
                                                   "request")
    edited: bool | None = Field(None, description="true when the text changed an existing task "
                                                  "(\"move my gym reminder to 7pm\"); id is that task")
    title: str | None = Field(None, description="short title of the task")
    kind: str | None = Field(None, description="reminder or agent")
    schedule: str | None = Field(None, description="the schedule in words, to confirm to the user")
    next: list[str] = Field(default_factory=list, description=_NEXT)
    rrule: str | None = Field(None, description="RFC 5545 recurrence rule; null for a one-time task")
    tz: str | None = Field(None, description="IANA zone the schedule is kept in")
    assumptions: list[str] = Field(default_factory=list,
                                   description="what taskd assumed (\"morning\" read as 08:00): "
                                               "worth telling the user")
    warnings: list[str] = Field(default_factory=list, description="problems to tell the user now")


class Tasks(BaseModel):
    model_config = _OPEN
    tasks: list[Task] = Field(description="the tasks, soonest first")


class Runs(BaseModel):
    model_config = _OPEN
    runs: list[Run] = Field(description="the runs, newest first")


class Preference(BaseModel):
    """One time habit taskd uses to read vague words ("morning", "later")."""

    model_config = _OPEN
    key: str = Field(description="morning, evening, default_time, snooze, ...")
    value: Any = Field(None, description="the value in use")
    source: str | None = Field(None, description="default, learning (not used yet), learned, "
                                                     "or explicit (the user said so)")
    why: str | None = Field(None, description="the evidence, in words")


class Preferences(BaseModel):
    model_config = _OPEN
    preferences: list[Preference] = Field(description="every preference, defaults included")
