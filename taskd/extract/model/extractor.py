"""The `openai` backend: any OpenAI-compatible model, strict structured outputs, bounded re-asks.

Modes (TASKD_MODEL_MODE or `mode=`):
* `hybrid` (default): the model returns a `Reading` (intent, title, kind, the time phrase verbatim
  and its own reading) and `taskd.extract.hybrid` lets deterministic code do the calendar.
* `direct`: the model fills the whole Draft and computes the schedule itself (the prompted
  baseline; fine for large hosted models, measurably worse for small local ones).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from taskd.draft import Draft
from taskd.errors import BadInput, ExtractionFailed, NeedsClarification, PastTime
from taskd.extract.hybrid import (
    Said,
    _short,
    combine,
    rules_extractor,
    said_preference,
)
from taskd.extract.model import prompt as prompts
from taskd.extract.model.client import ChatClient, Reply
from taskd.extract.model.needed import doubts
from taskd.extract.model.schema import Reading, draft_schema, reading_schema
from taskd.resolve import resolve
from taskd.resolve.zones import get_zone, wall

if TYPE_CHECKING:
    from taskd.extract import Extractor
    from taskd.resolve.dayparts import TimePref
    from taskd.settings import Settings

MAX_REASKS = 2
MODES = {"hybrid": ("extract-v2", 200), "direct": ("direct-v1", 400)}
FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


class Invalid(ValueError):
    """An answer that does not validate; its text goes back to the model."""


class _Pick(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    task_id: int | None
    change: str | None


def loads_answer(content: str | None, finish_reason: str | None) -> Any:
    """A model answer as JSON; fences and chatter around one object forgiven. Raises Invalid."""
    if content is None or not content.strip():
        raise Invalid("the answer was empty; answer with the JSON object")
    text = FENCE.sub("", content.strip())
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        start, end = text.find("{"), text.rfind("}")
        if 0 <= start < end:
            try:
                return json.loads(text[start:end + 1])
            except json.JSONDecodeError:
                pass
        cut = " (it was cut off: answer more briefly)" if finish_reason == "length" else ""
        raise Invalid(f"the answer is not valid JSON: {exc.msg} at character {exc.pos}{cut}") \
            from None


class ModelExtractor:
    name = "openai"

    def __init__(self, settings: Settings, mode: str | None = None,
                 rules: Extractor | None = None) -> None:
        self.mode = mode or os.environ.get("TASKD_MODEL_MODE") or "hybrid"
        if self.mode not in MODES:
            raise BadInput(f"TASKD_MODEL_MODE must be one of {', '.join(MODES)}")
        self.client = ChatClient(settings)
        self.rules = rules if rules is not None else (
            rules_extractor() if self.mode == "hybrid" else None)
        self.calls: list[Reply] = []
        # Extractions answered by the parser alone and those that asked the model (for the eval).
        self.offline = 0
        self.asked = 0
        self.last_said: Said | None = None  # a habit stated in the last text ("I start work at 8")

    # -- the conversation -------------------------------------------------------------------
    def _ask(self, prompt_name: str, values: Mapping[str, str], schema: dict[str, Any],
             max_tokens: int, accept: Any) -> Any:
        """Ask, validate with `accept(parsed_json)`, re-ask with the problem at most twice."""
        prompt = prompts.load(prompt_name)
        in_prompt = schema if self.client.response_format == "json_object" else None
        messages = prompt.messages(values, in_prompt)
        problem = "no answer"
        for _attempt in range(1 + MAX_REASKS):
            reply = self.client.complete(messages, name=prompt_name.split("-")[0], schema=schema,
                                         max_tokens=max_tokens)
            self.calls.append(reply)
            if reply.refusal:
                raise ExtractionFailed(f"the model declined: {self.client.scrub(reply.refusal)}")
            if reply.finish_reason == "content_filter":
                raise ExtractionFailed("the model's content filter stopped the answer")
            try:
                return accept(loads_answer(reply.content, reply.finish_reason))
            except Invalid as exc:
                problem = str(exc)
            except ValidationError as exc:
                problem = _short(exc)
            messages = [*messages, {"role": "assistant", "content": reply.content or ""},
                        {"role": "user", "content": f"That answer is not valid: {problem}. "
                         "Answer again with the corrected JSON object only."}]
        raise ExtractionFailed(f"the model gave no usable answer in {1 + MAX_REASKS} tries "
                               f"(last problem: {self.client.scrub(problem)})",
                               attempts=1 + MAX_REASKS)

    # -- extraction ---------------------------------------------------------------------------
    def extract(self, text: str, *, now: datetime, tz: str,
                prefs: Mapping[str, TimePref] | None = None) -> Draft:
        prompt_name, max_tokens = MODES[self.mode]
        self.last_said = None
        if self.mode == "hybrid":
            complete = self._complete_offline(text, now, tz, prefs)
            if complete is not None:
                self.offline += 1
                return complete
        self.asked += 1
        values = prompts.now_values(text, now, tz, prefs)
        if self.mode == "direct":
            def accept(data: Any) -> Draft:
                return self._accept_draft(data, now, tz, prefs)
            schema = draft_schema()
        else:
            def accept(data: Any) -> Draft:
                reading = Reading.model_validate(data)
                self.last_said = said_preference(reading.preference, text, self.rules, now, tz)
                return combine(text, reading, now=now, tz=tz, prefs=prefs, rules=self.rules,
                               said=self.last_said)
            schema = reading_schema()
        draft: Draft = self._ask(prompt_name, values, schema, max_tokens, accept)
        return draft

    def _complete_offline(self, text: str, now: datetime, tz: str,
                          prefs: Mapping[str, TimePref] | None) -> Draft | None:
        """The parser's reading when it leaves the model nothing to add (see `needed`): a model
        round trip costs seconds for a reading the parser already has."""
        if self.rules is None:
            return None
        try:
            draft = self.rules.extract(text, now=now, tz=tz, prefs=prefs)
        except (BadInput, PastTime, NeedsClarification):
            return None  # the model may read what the parser could not (a typo, a holiday)
        from taskd.extract.foreign import reread

        # Another language first: the English grammar may read "a las 15:00" of a Spanish text and
        # leave a title with no English doubt in it ("Recuérdame comprar pan mañana a las").
        foreign = reread(text, draft, now=now, tz=tz, prefs=prefs)
        if foreign is not None:
            return foreign if foreign.schedule is not None else None
        return draft if not doubts(draft) else None

    def _accept_draft(self, data: Any, now: datetime, tz: str,
                      prefs: Mapping[str, TimePref] | None) -> Draft:
        draft = Draft.model_validate(data)
        if draft.schedule is None:
            return draft
        try:
            resolve(draft, now, tz, prefs, count=1)
        except NeedsClarification as exc:
            return draft.model_copy(update={"schedule": None, "question": exc.question})
        except PastTime as exc:
            local = wall(now, get_zone(tz)).strftime("%A %Y-%m-%d %H:%M")
            raise Invalid(f"{exc.message}; now is {local}") from None
        except BadInput as exc:
            raise Invalid(exc.message) from None
        return draft

    # -- natural-language edits ---------------------------------------------------------------
    def pick_task(self, text: str, tasks: Sequence[tuple[int, str]]) -> int | None:
        """Which of `tasks` (id, title) the request `text` is about; None when none or unclear."""
        if not tasks:
            return None
        ids = {task_id for task_id, _ in tasks}
        listing = "\n".join(f"{task_id}: {' '.join(title.split())[:120]}" for task_id, title in tasks)
        schema = {"type": "object", "additionalProperties": False,
                  "required": ["task_id", "change"],
                  "properties": {"task_id": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                                 "change": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}

        def accept(data: Any) -> int | None:
            pick = _Pick.model_validate(data)
            if pick.task_id is not None and pick.task_id not in ids:
                raise Invalid(f"there is no task {pick.task_id}; choose one of the listed ids or null")
            return pick.task_id

        chosen: int | None = self._ask("pick-v1", {"tasks": listing, "text": text}, schema, 40,
                                       accept)
        return chosen
