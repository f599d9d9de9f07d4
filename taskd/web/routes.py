"""The web page at `/`: server-rendered HTML over `taskd.core.Core`, POST forms for every action.

The service's app includes it through `taskd.web.router(ctx)` and sets `app.state.taskd` (an
ApiContext: `.core` is the taskd.core.Core, `.token` the TCP bearer token or None); any app that
sets those two serves the page the same way (the tests build such a small app).

Paths: `GET /` (the page), `GET /web/live` (tasks and history, polled every few seconds so a
fire shows up without a reload), `POST /web/preview` (what a line would become), `POST
/web/add`, `POST /web/tasks/{id}/{action}`, `POST /web/prefs/{key}/forget`, `GET /web/static/…`.
Without JavaScript every form still works (POST, then 303 back to `/`); htmx adds the live
preview and the live list. Auth and CSRF: taskd.web.auth.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote, unquote

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from taskd.errors import NeedsClarification, NotFound, TaskdError, Unreachable
from taskd.web import auth, view

router = APIRouter(include_in_schema=False)

FLASH = "taskd_flash"
HISTORY_LIMIT = 30
STATIC = {
    "htmx.min.js": "text/javascript; charset=utf-8",
    "taskd.js": "text/javascript; charset=utf-8",
    "taskd.css": "text/css; charset=utf-8",
    "taskd.svg": "image/svg+xml",
}
# No inline script or style anywhere, so the policy can forbid both: an injected tag that the
# escaping somehow missed still cannot run.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    # Not "no-referrer": with it Chrome sends `Origin: null` on the page's own form POSTs.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
STATUS_BY_CODE = {"bad_input": 400, "not_found": 404, "conflict": 409,
                  "needs_clarification": 422, "unreachable": 503}


def _core(request: Request) -> Any:
    return request.app.state.taskd.core


async def _call(request: Request, name: str, *args: Any, **kwargs: Any) -> Any:
    # The core is synchronous (database, maybe a model round trip): keep it off the event loop.
    return await run_in_threadpool(getattr(_core(request), name), *args, **kwargs)


def _status_of(exc: TaskdError) -> int:
    code = getattr(exc, "code", None)
    if code in STATUS_BY_CODE:
        return STATUS_BY_CODE[code]
    if isinstance(exc, NeedsClarification):
        return 422
    if isinstance(exc, NotFound):
        return 404
    return 503 if isinstance(exc, Unreachable) else 400


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def _now(request: Request) -> Any:
    return _core(request).now()  # the core's clock: tests drive it, the page agrees


def _zone(request: Request) -> str:
    return str(_core(request).settings.timezone)


def _refused(request: Request, *, post: bool) -> Response | None:
    if post and auth.cross_site(request):
        return _html(view.render("refused.html", reason="cross-site"), 403)
    if not auth.allowed(request):
        return _html(view.render("refused.html", reason="token"), 401)
    return None


async def _live(request: Request, show_all: bool) -> tuple[str, str]:
    """The polled part: tasks and history. Returns (html, stamp)."""
    tasks = await _call(request, "list_tasks", include_all=show_all)
    runs = await _call(request, "history", limit=HISTORY_LIMIT)
    titles = {t["id"]: t["title"] for t in tasks}
    if any(r["task_id"] not in titles and "title" not in r for r in runs):
        # a run of a done or removed task still names it
        titles |= {t["id"]: t["title"] for t in await _call(request, "list_tasks", include_all=True)}
    html = view.render("live.html", tasks=tasks, runs=runs, titles=titles, now=_now(request),
                       zone=_zone(request), show_all=show_all)
    return html, view.stamp(html)


async def _page(request: Request, *, status: int = 200, text: str = "", question: str | None = None,
                error: str | None = None, flash: str | None = None) -> HTMLResponse:
    show_all = request.query_params.get("all") == "1"
    live, live_stamp = await _live(request, show_all)
    prefs = await _call(request, "prefs")
    body = view.render("page.html", live=Markup(live), stamp=live_stamp, prefs=prefs, text=text,
                       question=question, error=error, flash=flash, show_all=show_all)
    return _html(body, status)


def _back(request: Request, message: str, anchor: str = "") -> RedirectResponse:
    """Post/redirect/get: a reload never repeats an action; the message rides a short cookie."""
    target = "/?all=1" if request.query_params.get("all") == "1" else "/"
    response = RedirectResponse(target + anchor, status_code=303, headers=HEADERS)
    response.set_cookie(FLASH, quote(message[:1500]), max_age=60, httponly=True, samesite="strict",
                        path="/")
    return response


async def _form_text(request: Request, name: str) -> str:
    """A form field as typed: the core cleans it (controls refused, length capped, one error line)."""
    form = await request.form()
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


@router.get("/")
async def page(request: Request) -> Response:
    if not auth.on_unix_socket(request.scope) and auth.query_token_ok(request):
        response = RedirectResponse("/", status_code=303, headers=HEADERS)
        response.set_cookie(value=auth.expected_token(request) or "", **auth.cookie_kwargs())
        return response
    if (refused := _refused(request, post=False)) is not None:
        return refused
    flash = request.cookies.get(FLASH)
    try:
        response = await _page(request, flash=unquote(flash) if flash else None)
    except TaskdError as exc:
        response = _html(view.render("refused.html", reason="error", message=exc.message),
                         _status_of(exc))
    if flash is not None:
        response.delete_cookie(FLASH, path="/")
    return response


@router.get("/web/live")
async def live(request: Request) -> Response:
    if (refused := _refused(request, post=False)) is not None:
        return refused
    html, live_stamp = await _live(request, request.query_params.get("all") == "1")
    if request.query_params.get("since") == live_stamp:
        return Response(status_code=204, headers=HEADERS)  # nothing changed: keep the DOM
    return _html(view.render("stamped.html", live=Markup(html), stamp=live_stamp))


@router.post("/web/preview")
async def preview(request: Request) -> Response:
    if (refused := _refused(request, post=True)) is not None:
        return refused
    text = await _form_text(request, "text")
    context: dict[str, Any] = {"text": text, "result": None, "question": None, "error": None}
    if text.strip():
        try:
            context["result"] = await _call(request, "add", text, dry_run=True)
            context["question"] = context["result"].get("question")
        except NeedsClarification as exc:
            context["question"] = exc.question
        except TaskdError as exc:
            context["error"] = exc.message
    return _html(view.render("preview.html", **context))


@router.post("/web/add")
async def add(request: Request) -> Response:
    if (refused := _refused(request, post=True)) is not None:
        return refused
    text = await _form_text(request, "text")
    try:
        result = await _call(request, "add", text)
    except NeedsClarification as exc:
        return await _page(request, status=422, text=text, question=exc.question)
    except TaskdError as exc:
        return await _page(request, status=_status_of(exc), text=text, error=exc.message)
    if result.get("question"):  # a core that answers a question instead of raising it
        return await _page(request, status=422, text=text, question=result["question"])
    return _back(request, _added_message(result), f"#task-{result.get('id')}")


def _added_message(result: dict[str, Any]) -> str:
    title = result.get("title") or "Reminder"
    first = (result.get("next") or [None])[0]
    when = f" (next: {view.local_time(first)})" if first else ""
    verb = "Added" if "saved" in result else "Changed"  # a change request answers with the task
    lines = [f"{verb} #{result.get('id')} “{title}” — {result.get('schedule') or ''}{when}".rstrip()]
    return "\n".join(lines + [f"! {w}" for w in result.get("warnings") or []])


ACTIONS = {"done", "snooze", "pause", "resume", "run", "delete"}


@router.post("/web/tasks/{task_id}/{action}")
async def act(request: Request, task_id: int, action: str) -> Response:
    if (refused := _refused(request, post=True)) is not None:
        return refused
    if action not in ACTIONS:
        return _html(view.render("refused.html", reason="error", message=f"no action {action!r}"),
                     404)
    words = (await _form_text(request, "duration")) or (await _form_text(request, "until")) or None
    try:
        message = await _act(request, task_id, action, words)
    except TaskdError as exc:
        return await _page(request, status=_status_of(exc), error=exc.message)
    return _back(request, message, f"#task-{task_id}")


async def _act(request: Request, task_id: int, action: str, words: str | None) -> str:
    if action == "done":
        data = await _call(request, "done", task_id, via="web")
        return f"Done: #{task_id} “{data.get('title', '')}”"
    if action == "snooze":
        data = await _call(request, "snooze", task_id, duration=words, via="web")
        until = data.get("snoozed_until") or (data.get("next") or [None])[0]
        return f"Snoozed #{task_id} “{data.get('title', '')}” until {view.local_time(until, data.get('tz'))}"
    if action == "pause":
        data = await _call(request, "pause", task_id, until=words)
        return f"Paused #{task_id} “{data.get('title', '')}”"
    if action == "resume":
        data = await _call(request, "resume", task_id)
        return f"Resumed #{task_id} “{data.get('title', '')}”"
    if action == "run":
        data = await _call(request, "run", task_id)
        outcome = data.get("outcome") or data.get("state") or "ran"
        return f"Ran #{task_id} now: {outcome}"
    data = await _call(request, "remove", task_id)
    return f"Deleted #{task_id} “{data.get('title', '')}”"


@router.post("/web/prefs/{key}/forget")
async def forget(request: Request, key: str) -> Response:
    if (refused := _refused(request, post=True)) is not None:
        return refused
    try:
        await _call(request, "forget_pref", key)
    except TaskdError as exc:
        return await _page(request, status=_status_of(exc), error=exc.message)
    return _back(request, f"Forgot your {key.replace('_', ' ')}: back to the default", "#prefs")


@router.get("/web/static/{name}")
async def static(name: str) -> Response:
    # A fixed list, read once: no path from the request ever reaches the file system.
    if name not in STATIC:
        return Response(status_code=404)
    body = await asyncio.to_thread((view.HERE / "static" / name).read_bytes)
    return Response(body, media_type=STATIC[name],
                    headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"})
