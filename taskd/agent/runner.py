"""One agent run against the configured model: strict schema {notify, message}, bounded re-asks.

Model output is untrusted input: it is parsed, validated and length-capped, then only ever
delivered as text.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from taskd.agent import files as agent_files
from taskd.agent import prompt as agent_prompt
from taskd.agent.condition import is_conditional
from taskd.agent.config import AgentConfig

MAX_REASKS = 1
MESSAGE_CHARS = 4000  # what a channel gets at most, whatever the model wrote
# The message comes first: a small model that has written "Today is Monday, not a weekend day"
# then answers notify=false; asked for the verdict first, it said true and explained it after.
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["message", "notify"],
    "properties": {"message": {"type": "string"}, "notify": {"type": "boolean"}},
}


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    notify: bool
    message: str = Field(min_length=1)


@dataclass
class AgentRun:
    """What a run asked and got; every field lands in the run's row."""

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
    note: str = ""  # taskd's own addition (files it refused)
    error: str | None = None

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def deliver(self) -> bool:
        """A conditional task whose condition does not hold stays quiet; every other one speaks."""
        return self.error is None and not (self.conditional and self.notify is False)

    def text(self) -> str:
        body = (self.message or "").strip()[:MESSAGE_CHARS]
        return f"{body}\n{self.note}" if self.note else body


def _flatten(messages: Sequence[dict[str, str]]) -> str:
    return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in messages)


def _problem(content: str | None, finish_reason: str | None) -> tuple[Answer | None, str]:
    from taskd.extract.model.extractor import Invalid, loads_answer

    try:
        return Answer.model_validate(loads_answer(content, finish_reason)), ""
    except Invalid as exc:
        return None, str(exc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the object"
        return None, f"{where}: {first['msg']}"


def run(task_text: str, source_text: str, *, settings: Any, config: AgentConfig, now: datetime,
        tz: str, earlier: Sequence[agent_prompt.Earlier]) -> AgentRun:
    """Ask the model once (re-asking once on an invalid answer). Never raises for model trouble:
    the returned AgentRun carries `error` instead, with whatever was spent until then."""
    import openai  # noqa: F401  (imported here so its import time is not counted as latency)

    from taskd.errors import TaskdError
    from taskd.extract.model.client import ChatClient

    conditional = is_conditional(source_text) or is_conditional(task_text)
    found = agent_files.gather(f"{source_text}\n{task_text}", config.read_files, config.max_file_bytes)
    try:
        client = ChatClient(settings)
    except TaskdError as exc:
        return AgentRun(prompt="", model=settings.model or "", conditional=conditional,
                        error=exc.message)
    client.timeout_s = config.timeout
    in_prompt = SCHEMA if client.response_format == "json_object" else None
    messages = agent_prompt.messages(task_text, now=now, tz=tz, conditional=conditional,
                                     files=found, earlier=earlier, schema=in_prompt)
    result = AgentRun(prompt=_flatten(messages), model=client.model, conditional=conditional,
                      note=found.note())
    started = time.monotonic()
    try:
        for attempt in range(1 + MAX_REASKS):
            reply = client.complete(messages, name="agent", schema=SCHEMA,
                                    max_tokens=config.max_tokens)
            result.requests += 1
            result.prompt_tokens += reply.prompt_tokens
            result.completion_tokens += reply.completion_tokens
            result.answer = reply.content
            if reply.refusal:
                result.error = f"the model declined: {client.scrub(reply.refusal)}"
                break
            answer, problem = _problem(reply.content, reply.finish_reason)
            if answer is not None:
                result.notify, result.message = answer.notify, answer.message
                break
            # The timeout bounds the run, not only each request: no re-ask once it is spent.
            if attempt == MAX_REASKS or time.monotonic() - started >= config.timeout:
                result.error = (f"the model gave no usable answer in {attempt + 1} "
                                f"{'try' if attempt == 0 else 'tries'} "
                                f"(last problem: {client.scrub(problem)})")
                break
            messages = [*messages, {"role": "assistant", "content": reply.content or ""},
                        {"role": "user", "content": f"That answer is not valid: {problem}. "
                         "Answer again with the JSON object only."}]
    except TaskdError as exc:  # unreachable, timed out, rejected: one line each
        result.error = exc.message
    finally:
        client.close()
        result.latency_ms = round((time.monotonic() - started) * 1000)
    return result
