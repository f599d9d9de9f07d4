"""The thin client: `taskd.core.Core`'s methods, answered by the running service over its HTTP
API (CONTRACT.md §6) on the Unix socket. Same names, same arguments, same dicts, same errors.

Why: a CLI process that imports the store, the extractors and pydantic pays ~0.5 s before it does
anything; the service already has them loaded. So this module uses the standard library only
(http.client over an AF_UNIX socket) and must stay that way: tests/test_thin_startup.py checks
that a command served this way imports none of sqlalchemy, sqlmodel, pydantic, openai,
dateparser or fastapi.

When nothing was sent (no socket, nobody listening, a service without the API on it) a method
raises NotServed, and `taskd.cli.ops` does the work in process instead. Once a write was sent,
an error is never retried elsewhere: it could have happened already.
"""

from __future__ import annotations

import functools
import http.client
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar
from urllib.parse import quote, urlencode

from taskd import errors
from taskd.schedule.control import UnixConnection  # the one AF_UNIX HTTPConnection

if TYPE_CHECKING:
    from taskd.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

# A write may wait on the model (extraction) or on a delivery (`run`); a read never should.
READ_TIMEOUT = 15.0
WRITE_TIMEOUT = 180.0
RUN_TIMEOUT = 330.0  # a run's own limit is 300 s (CONTRACT §3): its answer comes after that
API_MAX_RUNS = 1000  # GET /v1/runs?limit= takes at most this many


class NotServed(Exception):
    """Nothing was done: no service answers the API on the socket. Work in process instead."""


_CODES: dict[str, type[errors.TaskdError]] = {
    "bad_input": errors.BadInput,
    "not_found": errors.NotFound,
    "conflict": errors.Conflict,
    "unreachable": errors.Unreachable,
    "extraction_failed": errors.ExtractionFailed,
}
_STATUSES: dict[int, type[errors.TaskdError]] = {
    400: errors.BadInput, 404: errors.NotFound, 409: errors.Conflict, 503: errors.Unreachable,
}


def error_from(status: int, body: Any) -> errors.TaskdError:
    """The TaskdError the core raised in the service, rebuilt from the error body."""
    if not isinstance(body, dict):
        body = {}
    message = str(body.get("error") or f"the service answered HTTP {status}")
    code = body.get("code")
    if code == "needs_clarification" or (status == 422 and "question" in body):
        payload = body.get("parse")  # what `parse --json` prints for the text (api.errors)
        return errors.NeedsClarification(str(body.get("question") or message),
                                         payload if isinstance(payload, dict) else None)
    cls = _CODES.get(str(code)) or _STATUSES.get(status) or errors.TaskdError
    if status >= 500 and code in (None, "internal"):
        message = f"the service failed: {message} (its log says more)"
    return cls(message)


def raise_unanswered(writes: bool, why: str) -> NoReturn:
    """The request went out and no answer came back."""
    if not writes:  # a read changed nothing: in process is as good
        raise NotServed(f"the service did not answer: {why}")
    raise errors.Unreachable(f"the service took the request but did not answer ({why}); it may "
                             "have done it: check `taskd list` before trying again")


def _no_route(status: int, body: Any) -> bool:
    """An older service without this route (it did nothing): not "no such task"."""
    if status not in (404, 405):
        return False
    if not isinstance(body, dict) or "code" not in body:
        return True
    return body["code"] == "not_allowed" or str(body.get("error", "")).startswith("no such route")


def _served(fn: F) -> F:
    """Run the method in process (through `fallback`) when the service does not serve it."""

    @functools.wraps(fn)
    def method(self: RemoteCore, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except NotServed as exc:
            if self.fallback is None:
                raise errors.Unreachable(f"the service is not running ({exc})") from None
            return getattr(self.fallback(), fn.__name__)(*args, **kwargs)

    return method  # type: ignore[return-value]


def _drop_none(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


class RemoteCore:
    """`RemoteCore(socket_path, settings=…, fallback=…)`: Core's interface over the socket.

    `fallback()` returns the in-process Core, built only if a call finds no service."""

    def __init__(self, socket_path: Path, *, settings: Settings | None = None,
                 fallback: Callable[[], Any] | None = None) -> None:
        self.socket_path = socket_path
        self.settings = settings
        self.fallback = fallback

    # transport
    def request(self, method: str, path: str, body: dict[str, Any] | bytes | None = None, *,
                query: dict[str, Any] | None = None, timeout: float | None = None,
                raw: bool = False) -> Any:
        """One HTTP request, one connection. Returns the decoded JSON (bytes with `raw`)."""
        writes = method not in ("GET", "HEAD") and path != "/v1/parse"
        conn = UnixConnection(str(self.socket_path),
                              timeout or (WRITE_TIMEOUT if writes else READ_TIMEOUT))
        try:
            try:
                conn.connect()
            except OSError as exc:  # no socket, or a stale one nobody listens on
                raise NotServed(f"{self.socket_path}: {exc.strerror or exc}") from None
            given = {k: v for k, v in (query or {}).items() if v is not None}
            if given:
                path += "?" + urlencode(given)
            data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
            headers = {"Host": "localhost", "Accept": "application/json", "Connection": "close"}
            if data is not None:
                headers["Content-Type"] = "application/json"
            try:
                conn.request(method, path, body=data, headers=headers)
            except OSError as exc:  # it hung up before the request was whole: nothing was done
                raise NotServed(f"the service hung up: {exc.strerror or exc}") from None
            try:
                response = conn.getresponse()
                payload = response.read()
            except http.client.RemoteDisconnected:
                raise_unanswered(writes, "it closed the connection")
            except http.client.BadStatusLine as exc:
                # Not HTTP: a service from before the API speaks JSON lines here, and it did
                # nothing with a request line it cannot parse.
                raise NotServed("the service on the socket has no HTTP API") from exc
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                raise_unanswered(writes, str(exc) or type(exc).__name__)
        finally:
            conn.close()
        status = response.status
        content_type = response.getheader("Content-Type", "")
        if 200 <= status < 300:
            if raw:
                return payload
            return json.loads(payload) if payload else None
        try:
            parsed = json.loads(payload) if "json" in content_type else None
        except ValueError:
            parsed = None
        if _no_route(status, parsed):
            raise NotServed(f"the service has no {method} {path.split('?')[0]}")
        raise error_from(status, parsed)

    # text in, tasks out
    def _zone(self, tz: str | None) -> str | None:
        """This process's zone (flag, TASKD_TZ, config, system), as in process: the service's
        own may differ (a systemd unit does not see the shell's TASKD_TZ)."""
        return tz or (self.settings.timezone if self.settings is not None else None)

    @_served
    def add(self, text: str, *, tz: str | None = None, dry_run: bool = False) -> dict[str, Any]:
        return self.request("POST", "/v1/tasks", _drop_none(text=text, tz=self._zone(tz),
                                                             dry_run=dry_run or None))

    @_served
    def parse(self, text: str, *, now: str | datetime | None = None, tz: str | None = None,
              count: int = 3, backend: str | None = None) -> dict[str, Any]:
        if isinstance(now, datetime):
            now = now.isoformat()
        return self.request("POST", "/v1/parse", _drop_none(
            text=text, now=now, tz=self._zone(tz), count=count, backend=backend))

    @_served
    def list_tasks(self, *, include_all: bool = False) -> list[dict[str, Any]]:
        return self.request("GET", "/v1/tasks", query={"all": "true" if include_all else None})

    @_served
    def show(self, task_id: int, *, count: int = 5) -> dict[str, Any]:
        return self.request("GET", f"/v1/tasks/{int(task_id)}",
                            query={"count": count if count != 5 else None})

    @_served
    def edit(self, task_id: int, *, text: str | None = None, title: str | None = None,
             at: str | None = None) -> dict[str, Any]:
        return self.request("PATCH", f"/v1/tasks/{int(task_id)}",
                            _drop_none(text=text, title=title, at=at))

    # a task's life after it is added
    @_served
    def pause(self, task_id: int, *, until: str | None = None) -> dict[str, Any]:
        return self.request("POST", f"/v1/tasks/{int(task_id)}/pause", _drop_none(until=until))

    @_served
    def resume(self, task_id: int) -> dict[str, Any]:
        return self.request("POST", f"/v1/tasks/{int(task_id)}/resume", {})

    @_served
    def remove(self, task_id: int) -> dict[str, Any]:
        return self.request("DELETE", f"/v1/tasks/{int(task_id)}")

    @_served
    def done(self, task_id: int, *, via: str = "cli") -> dict[str, Any]:
        return self.request("POST", f"/v1/tasks/{int(task_id)}/done", {"via": via})

    @_served
    def snooze(self, task_id: int, *, duration: str | None = None,
               via: str = "cli") -> dict[str, Any]:
        return self.request("POST", f"/v1/tasks/{int(task_id)}/snooze",
                            _drop_none(duration=duration, via=via))

    @_served
    def run(self, task_id: int) -> dict[str, Any]:
        return self.request("POST", f"/v1/tasks/{int(task_id)}/run", {}, timeout=RUN_TIMEOUT)

    @_served
    def history(self, task_id: int | None = None, *, limit: int = 50) -> list[dict[str, Any]]:
        if limit > API_MAX_RUNS:
            raise NotServed(f"more than {API_MAX_RUNS} runs are read in process")
        return self.request("GET", "/v1/runs", query={
            "task": None if task_id is None else int(task_id),
            "limit": limit if limit != 50 else None})

    # what was learned
    @_served
    def prefs(self) -> list[dict[str, Any]]:
        return self.request("GET", "/v1/prefs")

    @_served
    def set_pref(self, key: str, value: str) -> dict[str, Any]:
        return self.request("PUT", f"/v1/prefs/{quote(key, safe='')}", {"value": value})

    @_served
    def forget_pref(self, key: str) -> dict[str, Any]:
        return self.request("DELETE", f"/v1/prefs/{quote(key, safe='')}")

    # the service and the whole home
    @_served
    def status(self) -> dict[str, Any]:
        return self.request("GET", "/v1/status")

    @_served
    def export(self, *, include_all: bool = False) -> dict[str, Any]:
        return self.request("GET", "/v1/export", query={"all": "true" if include_all else None})

    @_served
    def calendar(self) -> bytes:
        return self.request("GET", "/calendar.ics", raw=True)  # type: ignore[no-any-return]

    @_served
    def import_text(self, text: str) -> dict[str, Any]:
        # The body is the export itself (taskd's or Taskwarrior's JSON), not wrapped.
        return self.request("POST", "/v1/import", text.encode("utf-8"))

    @_served
    def prefs_report(self, *, ask: bool = True) -> dict[str, Any]:
        # The learner's questions are asked (and the asking recorded) by the core; the API has
        # no route for it.
        raise NotServed("the learner's questions are asked in process")

    def __getattr__(self, name: str) -> Any:
        """Anything else Core has (a method newer than this client): in process."""
        if name.startswith("_") or self.__dict__.get("fallback") is None:
            raise AttributeError(name)
        return getattr(self.fallback(), name)
