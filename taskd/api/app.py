"""The app factory: one FastAPI app (so both listeners serve the same routes and one OpenAPI
document), wrapped per listener by a `Guard` that limits bodies and, on TCP, wants the token.

Optional parts arrive with their helpers' modules and are included when they import:
- ROUTERS: (module, attribute) -> an APIRouter, or a callable `f(ctx) -> APIRouter`. A module
  may also define PUBLIC_PATHS (regexes of whole paths that skip the bearer token on TCP
  because they authenticate themselves, e.g. signed single-use action links).
- TCP_MOUNTS: (module, attribute, prefix) -> a callable `f(ctx) -> ASGI app`, served under the
  prefix on the TCP listener only (MCP's streamable HTTP at /mcp), behind the token. An app
  with a `lifespan` attribute (an async context manager factory taking no arguments) has it
  entered for the life of the listener.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI

from taskd.api import errors
from taskd.api.context import ApiContext

log = logging.getLogger("taskd.api")

ROUTERS: list[tuple[str, str]] = [
    ("taskd.web", "router"),  # GET /: the web page (helper "web")
    ("taskd.actions.api", "router"),  # /v1/runs/{id}/act: signed action links (helper "actions")
]
TCP_MOUNTS: list[tuple[str, str, str]] = [
    ("taskd.mcp.http", "asgi_app", "/mcp"),  # MCP streamable HTTP (helper "mcp")
]
MAX_BODY = 1 << 20  # 1 MiB: far above any sentence, below what could hurt the service
MAX_IMPORT = 32 << 20  # an export of years of history

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _optional(module_name: str, attribute: str) -> tuple[Any, Any] | None:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only "that part is not here" is quiet; a bug inside the module is not.
        if exc.name and module_name.startswith(exc.name):
            return None
        raise
    target = getattr(module, attribute, None)
    return (module, target) if target is not None else None


def create_app(ctx: ApiContext) -> FastAPI:
    from taskd import __version__
    from taskd.api.routes import router

    app = FastAPI(title="taskd", version=__version__, docs_url=None, redoc_url=None,
                  description="Tasks and reminders from one line of text (CONTRACT §6). Every "
                  "answer is the object the matching `taskd … --json` prints.")
    app.state.taskd = ctx
    errors.install(app)
    app.include_router(router)
    for module_name, attribute in ROUTERS:
        found = _optional(module_name, attribute)
        if found is None:
            continue
        module, target = found
        app.include_router(target if hasattr(target, "routes") else target(ctx))
        ctx.public += [re.compile(p) for p in getattr(module, "PUBLIC_PATHS", ())]
        log.debug("api: included %s.%s", module_name, attribute)
    _document(app)
    return app


def tcp_mounts(ctx: ApiContext) -> dict[str, Any]:
    mounts: dict[str, Any] = {}
    for module_name, attribute, prefix in TCP_MOUNTS:
        found = _optional(module_name, attribute)
        if found is not None:
            mounts[prefix] = found[1](ctx)
    return mounts


def _document(app: FastAPI) -> None:
    """FastAPI documents a 422 "validation error" on every route with parameters; here a bad
    request is a 400 with the error body, and 422 only means "needs a clarification"."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = plain()
        for item in document.get("paths", {}).values():
            for operation in item.values():
                answers = operation.get("responses", {})
                schema = answers.get("422", {}).get("content", {}).get("application/json", {})
                if schema.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"):
                    del answers["422"]
        components = document.setdefault("components", {})
        for name in ("HTTPValidationError", "ValidationError"):
            components.get("schemas", {}).pop(name, None)
        # The Unix socket wants nothing (its peer uid is checked); TCP wants the bearer token.
        components["securitySchemes"] = {"bearer": {
            "type": "http", "scheme": "bearer",
            "description": "On TCP only: `taskd api token` prints it. /calendar.ics also "
                           "takes it as ?token=."}}
        document["security"] = [{}, {"bearer": []}]
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


class Guard:
    """Per listener: the body limit, the bearer token on TCP, the TCP-only mounts.

    The body is read here in full (bounded) and replayed to the app, so a too-large body is a
    413 before any route sees a byte, whether or not it announced its length."""

    def __init__(self, app: ASGIApp, ctx: ApiContext, *, tcp: bool,
                 mounts: dict[str, ASGIApp] | None = None) -> None:
        self.app = app
        self.ctx = ctx
        self.tcp = tcp
        self.mounts = mounts or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if self.tcp and not self._allowed(scope, path):
            await _answer(send, 401, "send Authorization: Bearer <token> (`taskd api token` "
                          "prints it)", "unauthorized", [(b"www-authenticate", b"Bearer")])
            return
        limit = MAX_IMPORT if path == "/v1/import" else MAX_BODY
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > limit:
                await _answer(send, 413, f"the body is over {limit // 1024} KiB", "too_large")
                return
            if not message.get("more_body"):
                break
        replayed = False

        async def replay() -> MutableMapping[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        target = self.app
        for prefix, mounted in self.mounts.items():
            if path == prefix or path.startswith(prefix + "/"):
                target = mounted
        started = False

        async def tracked(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await target(scope, replay, tracked)
        except Exception:  # already answered by the app's handler, or answer now; never a trace
            if not started:
                log.exception("%s %s failed", scope.get("method"), path)
                await _answer(send, 500, "internal error", "internal")

    def _allowed(self, scope: Scope, path: str) -> bool:
        from taskd.api.token import matches

        expected = self.ctx.token
        header = _header(scope, b"authorization")
        if header is not None:
            scheme, _, value = header.partition(" ")
            if scheme.lower() == "bearer" and matches(value.strip(), expected):
                return True
        if path == "/calendar.ics":  # calendar apps subscribe to a URL, they send no headers
            from urllib.parse import parse_qs

            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            if any(matches(given, expected) for given in query.get("token", [])):
                return True
        return self.ctx.is_public(path)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _answer(send: Send, status: int, message: str, code: str,
                  headers: list[tuple[bytes, bytes]] | None = None) -> None:
    import json

    payload = json.dumps(errors.error_body(message, code)).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
        *(headers or [])]})
    await send({"type": "http.response.body", "body": payload})
