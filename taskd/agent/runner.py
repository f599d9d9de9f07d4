"""One agent run: checks first, then the model with the tools it may call, then the receipt.

In order: the checks the task names run (`run_check`; one that says "nothing to report" ends the
run before any model is asked); a conditional task that needs outside data no tool can give is
`unchecked` without asking the model; otherwise the model answers through the bounded tool loop
(taskd.agent.loop). Whether the answer is grounded is decided by code from the calls that
worked, never from what the model says.

Model output is untrusted input: it is parsed, validated and length-capped, then only ever
delivered as text.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from taskd.agent import files as agent_files
from taskd.agent import needs as agent_needs
from taskd.agent import prompt as agent_prompt
from taskd.agent.condition import is_conditional
from taskd.agent.config import AgentConfig
from taskd.agent.loop import ANSWER as SCHEMA
from taskd.agent.loop import flatten
from taskd.agent.tools import Calls

MESSAGE_CHARS = 4000  # what a channel gets at most, whatever the model wrote


@dataclass
class AgentRun:
    """What a run asked and got; every field lands in the run's row or its receipt."""

    prompt: str  # the messages sent (first request), as "role: content" blocks
    model: str
    conditional: bool
    answer: str | None = None  # the model's last raw content
    notify: bool | None = None
    message: str | None = None  # validated text to deliver
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: int = 0
    requests: int = 0
    note: str = ""  # taskd's own addition (files it refused, data it could not check)
    error: str | None = None
    needs: list[agent_needs.Need] = field(default_factory=list)
    calls: Calls = field(default_factory=Calls)
    unchecked: str | None = None  # why a conditional verdict rests on no tool result
    asleep: str | None = None  # a check said there is nothing to report: the model was not asked
    problems: list[str] = field(default_factory=list)  # tools that were not available

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def grounded(self) -> bool:
        return self.calls.grounded

    @property
    def deliver(self) -> bool:
        """A conditional task whose condition does not hold stays quiet; every other one speaks."""
        return self.error is None and self.unchecked is None and self.asleep is None \
            and not (self.conditional and self.notify is False)

    def text(self) -> str:
        body = (self.message or "").strip()[:MESSAGE_CHARS]
        return f"{body}\n{self.note}" if self.note else body


def no_source(needs: list[agent_needs.Need]) -> str:
    return f"taskd has no source for {agent_needs.what(needs)}"


def _ungrounded(result: AgentRun) -> str:
    """Why the answer rests on no tool result, in words."""
    failed = [c.error for c in result.calls.items if c.error]
    if failed:
        return f"no tool call worked ({failed[-1]})"
    if result.problems:
        return result.problems[0]
    return "the model answered without calling a tool"


def run(task_text: str, source_text: str, *, settings: Any, config: AgentConfig, now: datetime,
        tz: str, earlier: Sequence[agent_prompt.Earlier]) -> AgentRun:
    """One run. Never raises for model or tool trouble: the returned AgentRun carries `error`
    (or `unchecked`) instead, with whatever was spent until then."""
    from taskd.agent.tools import config as tools_config
    from taskd.agent.tools.checks import run_check

    words = f"{source_text}\n{task_text}"
    conditional = is_conditional(source_text) or is_conditional(task_text)
    tools = tools_config.load(settings)
    result = AgentRun(prompt="", model=settings.model or "", conditional=conditional,
                      needs=agent_needs.recognise(words))
    for check in tools.named_checks(words):
        call = result.calls.add(run_check(check))
        if call.ok and not call.wake:
            result.asleep = f"check {check.name} found nothing to report"
            return result
    if conditional and result.needs and not tools.any and not result.grounded:
        result.unchecked = f"{no_source(result.needs)} (no tool is configured)"
        return result
    _ask(result, task_text, words, settings=settings, config=config, tools=tools, now=now, tz=tz,
         earlier=earlier)
    if result.error is None and result.needs and not result.grounded:
        if conditional:
            result.unchecked = f"the verdict rests on no tool result: {_ungrounded(result)}"
        else:
            result.note = (f"{result.note}\n" if result.note else "") + (
                f"(Not checked: {no_source(result.needs)} that this answer could rest on.)")
    return result


def _ask(result: AgentRun, task_text: str, words: str, *, settings: Any, config: AgentConfig,
         tools: Any, now: datetime, tz: str, earlier: Sequence[agent_prompt.Earlier]) -> None:
    import openai  # noqa: F401  (imported here so its import time is not counted as latency)

    from taskd.agent import loop
    from taskd.agent.tools.box import Toolbox
    from taskd.errors import TaskdError
    from taskd.extract.model.client import ChatClient

    found = agent_files.gather(words, config.read_files, config.max_file_bytes)
    result.note = found.note()
    try:
        client = ChatClient(settings)
    except TaskdError as exc:
        result.error = exc.message
        return
    client.timeout_s = config.timeout
    result.model = client.model
    started = time.monotonic()
    checks = list(result.calls.items)
    try:
        with Toolbox(tools, config.tool_timeout, result.calls) as box:
            result.problems = box.problems
            specs = box.specs()
            in_prompt = loop.schema_for(specs) if specs else SCHEMA
            messages = agent_prompt.messages(
                task_text, now=now, tz=tz, conditional=result.conditional, files=found,
                earlier=earlier, schema=in_prompt if client.response_format == "json_object" else None,
                tools=specs, results=checks, needs=result.needs)
            result.prompt = flatten(messages)
            loop.run(client, messages, box, specs, config, result,
                     must_look=bool(result.needs) and not result.grounded)
    except TaskdError as exc:  # unreachable, timed out, rejected: one line each
        result.error = exc.message
    finally:
        client.close()
        result.latency_ms = round((time.monotonic() - started) * 1000)
