"""The act route: `/v1/runs/{id}/act?action=…&via=…&exp=…&sig=…` (CONTRACT §8).

GET shows a page with one button and changes nothing: mail scanners and link previews open links,
and must never answer a reminder. The button POSTs the same URL; a POST applies the answer once
(taskd.core.answers). The signature is the permission, so this router needs no API token: the API
mounts it outside its Bearer check. Answers: JSON, or a small page when a browser asks for HTML.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from taskd.deliver.actions import BadLink
from taskd.errors import NotFound, TaskdError

if TYPE_CHECKING:
    from taskd.core import Core

PATH = "/v1/runs/{run_id}/act"
# For the API's token check (taskd.api.app): these paths carry their own proof, the signature.
PUBLIC_PATHS = [r"/v1/runs/[0-9]{1,12}/act"]
# The URL carries the signature: no Referer leaves with it, nothing caches it, nothing indexes it.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}
_ERROR = {"application/json": {"schema": {
    "type": "object", "required": ["error", "code"],
    "properties": {"error": {"type": "string"}, "code": {"type": "string"}}}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "bad parameters", "content": _ERROR},
    403: {"description": "the signature does not match", "content": _ERROR},
    404: {"description": "no such run or task", "content": _ERROR},
    409: {"description": "this run was already answered", "content": _ERROR},
    410: {"description": "the link has expired", "content": _ERROR},
}
_STYLE = ("body{font:16px system-ui,sans-serif;max-width:28em;margin:3em auto;padding:0 1em}"
          "button{font-size:1.1em;padding:.5em 1.5em}")


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    text = (f"<!doctype html><html><head><meta charset=utf-8><meta name=viewport "
            f"content='width=device-width'><title>{html.escape(title)}</title><style>{_STYLE}"
            f"</style></head><body>{body}</body></html>")
    return HTMLResponse(text, status_code=status, headers=HEADERS)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _error(exc: TaskdError, as_html: bool) -> Response:
    if isinstance(exc, BadLink):
        status, code = exc.status, exc.code
    elif isinstance(exc, NotFound):
        status, code = 404, "not_found"
    else:
        status, code = 400, "bad_input"
    if as_html:
        return _page("taskd", f"<p>{html.escape(exc.message)}</p>", status)
    return JSONResponse({"error": exc.message, "code": code}, status_code=status, headers=HEADERS)


def router(ctx: Any) -> APIRouter:
    """What the API includes (taskd.api.app ROUTERS): the act routes on the service's core, whose
    on_change wakes the engine, so a snooze is planned at once."""
    return build_router(ctx.core)


def build_router(core: Core) -> APIRouter:
    """The act routes answering through `core.act` / `core.check_answer`."""
    routes = APIRouter(tags=["answers"])

    @routes.get(PATH, response_class=HTMLResponse, responses=ERRORS,
                summary="A page with a button that answers (changes nothing)")
    def show(run_id: str, request: Request, action: str | None = None, via: str | None = None,
             exp: str | None = None, sig: str | None = None) -> Response:
        try:
            info = core.check_answer(run_id, action, exp, sig, via)
        except TaskdError as exc:
            return _error(exc, True)
        title = html.escape(info["title"])
        if info["answered"]:
            used = info["answered"]
            return _page(info["title"], f"<h1>{title}</h1><p>Already answered: "
                         f"{html.escape(used['action'])} via {html.escape(used['via'])}.</p>")
        # action="" would do, but an explicit URL survives <base> tricks and odd clients.
        target = html.escape(str(request.url.path) + "?" + str(request.url.query))
        return _page(info["title"], f"<h1>{title}</h1><form method=post action=\"{target}\">"
                     f"<button type=submit>{html.escape(info['label'])}</button></form>")

    @routes.post(PATH, responses=ERRORS, summary="Apply the answer, once; records it for learning")
    def act(run_id: str, request: Request, action: str | None = None, via: str | None = None,
            exp: str | None = None, sig: str | None = None) -> Response:
        as_html = _wants_html(request)
        try:
            data = core.act(run_id, action, exp, sig, via)
        except TaskdError as exc:
            return _error(exc, as_html)
        if as_html:
            said = {"done": "Done ✓", "snooze": "Snoozed", "snooze_1h": "Snoozed for 1 h"}
            until = ""
            if "snoozed_until" in data:
                from datetime import datetime

                from taskd.cli.render import when

                moment = datetime.fromisoformat(data["snoozed_until"])
                until = f" until {html.escape(when(moment, data['tz']))}"
            return _page("taskd", f"<h1>{html.escape(data['title'])}</h1>"
                         f"<p>{said[data['answered']]}{until}.</p>")
        return JSONResponse(data, headers=HEADERS)

    return routes
