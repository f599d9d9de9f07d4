"""One chat completion against any OpenAI-compatible endpoint, with hard time limits.

Every failure becomes one line: `Unreachable` (exit 4) when the endpoint cannot be reached or
answered with a server-side error, `ExtractionFailed` (exit 1) when it refused or rejected the
request. The API key is only ever in the Authorization header; messages are scrubbed of it.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from taskd.errors import ExtractionFailed, Unreachable

if TYPE_CHECKING:
    from taskd.settings import Settings

log = logging.getLogger("taskd.model")

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MODEL_OPENAI = "gpt-4o-mini"
DEFAULT_MODEL_LOCAL = "local"
NO_KEY = "sk-no-key-required"  # local servers ignore it; the openai client insists on one
FORMATS = ("json_schema", "json_object")


def _setting(settings: Settings, env: str, key: str, default: str) -> str:
    value = os.environ.get(env)
    if value:
        return value
    raw = settings.raw.get(key) if isinstance(settings.raw, dict) else None
    return str(raw) if raw is not None else default


@dataclass(frozen=True)
class Reply:
    content: str | None
    refusal: str | None
    finish_reason: str | None
    prompt_tokens: int
    cached_tokens: int
    completion_tokens: int
    seconds: float


class ChatClient:
    """A thin, bounded wrapper around `openai.OpenAI(...).chat.completions.create`."""

    def __init__(self, settings: Settings) -> None:
        self.base_url = settings.openai_base_url
        self._key = settings.openai_api_key
        self.model = settings.model or (DEFAULT_MODEL_LOCAL if self.base_url else DEFAULT_MODEL_OPENAI)
        self.response_format = _setting(settings, "TASKD_RESPONSE_FORMAT", "response_format",
                                        "json_schema")
        if self.response_format not in FORMATS:
            raise ExtractionFailed(f"TASKD_RESPONSE_FORMAT must be one of {', '.join(FORMATS)}")
        try:
            self.timeout_s = float(_setting(settings, "TASKD_MODEL_TIMEOUT", "model_timeout",
                                            str(DEFAULT_TIMEOUT_S)))
        except ValueError as exc:
            raise ExtractionFailed("TASKD_MODEL_TIMEOUT must be a number of seconds") from exc
        self._client: Any = None

    @property
    def where(self) -> str:
        """The endpoint without credentials or path, for messages."""
        if not self.base_url:
            return "api.openai.com"
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")

    def scrub(self, text: str) -> str:
        if self._key:
            text = text.replace(self._key, "***")
        return text.replace("\n", " ").strip()[:300]

    def _openai(self) -> Any:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                api_key=self._key or NO_KEY, base_url=self.base_url, max_retries=1,
                timeout=openai.Timeout(self.timeout_s, connect=min(5.0, self.timeout_s)))
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def response_format_for(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        if self.response_format == "json_object":
            return {"type": "json_object"}
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}

    def complete(self, messages: list[dict[str, str]], *, name: str, schema: dict[str, Any],
                 max_tokens: int) -> Reply:
        """One request, bounded by `timeout_s` in total (a trickling answer cannot hold us)."""
        started = time.monotonic()
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="taskd-model")
        future = pool.submit(self._create, messages, name, schema, max_tokens)
        try:
            completion = future.result(timeout=self.timeout_s * 2 + 1)
        except concurrent.futures.TimeoutError:
            self.close()  # drop the connection; the worker thread dies with it
            raise Unreachable(f"the model at {self.where} did not answer within "
                              f"{self.timeout_s * 2 + 1:.0f}s") from None
        finally:
            pool.shutdown(wait=False)
        return self._reply(completion, time.monotonic() - started)

    def _create(self, messages: list[dict[str, str]], name: str, schema: dict[str, Any],
                max_tokens: int) -> Any:
        import openai

        try:
            return self._openai().chat.completions.create(
                model=self.model, messages=messages, temperature=0, seed=1,
                max_tokens=max_tokens, response_format=self.response_format_for(name, schema))
        except openai.APITimeoutError:
            raise Unreachable(f"the model at {self.where} timed out after {self.timeout_s:.0f}s") \
                from None
        except openai.APIConnectionError:
            raise Unreachable(f"cannot reach the model at {self.where}; is the server running? "
                              "(OPENAI_BASE_URL)") from None
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise Unreachable(f"the model at {self.where} rejected the API key "
                              f"(HTTP {exc.status_code}); check OPENAI_API_KEY") from None
        except openai.NotFoundError:
            raise Unreachable(f"the model at {self.where} has no model {self.model!r} or no "
                              "chat endpoint (HTTP 404); check TASKD_MODEL and OPENAI_BASE_URL") \
                from None
        except openai.RateLimitError:
            raise Unreachable(f"the model at {self.where} is rate-limiting us (HTTP 429); "
                              "try again later") from None
        except openai.InternalServerError as exc:
            raise Unreachable(f"the model at {self.where} failed (HTTP {exc.status_code}): "
                              f"{self.scrub(str(exc.message))}") from None
        except openai.APIStatusError as exc:
            hint = ("; if the server lacks json_schema support, set TASKD_RESPONSE_FORMAT=json_object"
                    if self.response_format == "json_schema" else "")
            raise ExtractionFailed(f"the model at {self.where} rejected the request "
                                   f"(HTTP {exc.status_code}): {self.scrub(str(exc.message))}"
                                   f"{hint}") from None

    def _reply(self, completion: Any, seconds: float) -> Reply:
        try:
            choice = completion.choices[0]
            message = choice.message
        except (AttributeError, IndexError, TypeError):
            raise ExtractionFailed(f"the model at {self.where} sent an answer without choices") \
                from None
        usage = getattr(completion, "usage", None)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        details = getattr(usage, "prompt_tokens_details", None)
        cached = int(getattr(details, "cached_tokens", 0) or 0)
        timings = (completion.model_extra or {}).get("timings") if hasattr(completion, "model_extra") \
            else None
        if isinstance(timings, dict) and not cached:
            cached = int(timings.get("cache_n", 0) or 0)
        reply = Reply(content=getattr(message, "content", None),
                      refusal=getattr(message, "refusal", None),
                      finish_reason=getattr(choice, "finish_reason", None),
                      prompt_tokens=prompt_tokens, cached_tokens=cached,
                      completion_tokens=completion_tokens, seconds=seconds)
        log.debug("model reply in %.2fs: prompt %d (cached %d), completion %d, finish %s",
                  seconds, prompt_tokens, cached, completion_tokens, reply.finish_reason)
        return reply
