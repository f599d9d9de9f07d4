"""The routes of CONTRACT §6. Each parses, calls the core, and returns its dict unchanged: the
object the matching `taskd … --json` prints. Handlers are plain `def`: FastAPI runs them in its
thread pool, so a slow extraction or database write never stalls the event loop.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from taskd.api import models as m
from taskd.api.context import ApiContext, context
from taskd.errors import BadInput


def _err(*codes: int) -> dict[int | str, dict[str, Any]]:
    words = {400: "Bad input", 401: "No or wrong bearer token (TCP only)", 404: "No such task",
             409: "The task's state refuses this", 413: "Body too large",
             422: "Needs a clarification: see `question`",
             502: "The model kept answering what does not validate",
             503: "The database or the model cannot be reached"}
    return {code: {"model": m.Error, "description": words[code]} for code in (400, 401, 503, *codes)}


router = APIRouter()
Ctx = Annotated[ApiContext, Depends(context)]
TaskId = Annotated[int, Path(description="The task's id (`taskd list` shows them).")]


# --- tasks ---------------------------------------------------------------------------------
@router.post("/v1/tasks", status_code=201, response_model=None, tags=["tasks"],
             summary="Add a task from one line of text (`taskd add`)",
             description="201 with the stored task. 200 when nothing was created: a dry run, or "
             'a change request ("move my gym reminder to 7pm") that edited the task it names '
             '(`"edited": true`).',
             responses={201: {"model": m.Added}, 200: {"model": m.Added},
                        **_err(404, 409, 413, 422, 502)})
def add(body: m.AddBody, ctx: Ctx) -> Any:
    data = ctx.core.add(body.text, tz=body.tz, dry_run=body.dry_run)
    made = not body.dry_run and not data.get("edited")
    return JSONResponse(data, status_code=201 if made else 200)


@router.post("/v1/parse", response_model=None, tags=["tasks"],
             summary="Extract and resolve without storing (`taskd parse`)",
             responses={200: {"model": m.Parsed}, **_err(413, 422, 502)})
def parse(body: m.ParseBody, ctx: Ctx) -> Any:
    return ctx.core.parse(body.text, now=body.now, tz=body.tz, count=body.count,
                          backend=body.backend)


@router.get("/v1/tasks", response_model=None, tags=["tasks"],
            summary="Tasks with their next fire times (`taskd list`)",
            responses={200: {"model": list[m.TaskOut]}, **_err()})
def list_tasks(ctx: Ctx, all: Annotated[bool, Query(description="Include finished tasks.")] = False
               ) -> Any:
    return ctx.core.list_tasks(include_all=all)


@router.get("/v1/tasks/{task_id}", response_model=None, tags=["tasks"],
            summary="One task in full (`taskd show`)",
            responses={200: {"model": m.TaskOut}, **_err(404)})
def show(task_id: TaskId, ctx: Ctx,
         count: Annotated[int, Query(ge=1, le=100, description="Upcoming fire times.")] = 5) -> Any:
    return ctx.core.show(task_id, count=count)


@router.patch("/v1/tasks/{task_id}", response_model=None, tags=["tasks"],
              summary="Change a task by words or fields (`taskd edit`)",
              responses={200: {"model": m.TaskOut}, **_err(404, 409, 413, 422, 502)})
def edit(task_id: TaskId, body: m.EditBody, ctx: Ctx) -> Any:
    return ctx.core.edit(task_id, text=body.text, title=body.title, at=body.at)


@router.delete("/v1/tasks/{task_id}", response_model=None, tags=["tasks"],
               summary="Delete a task; its history stays (`taskd rm`)",
               responses={200: {"model": m.Removed}, **_err(404)})
def remove(task_id: TaskId, ctx: Ctx) -> Any:
    return ctx.core.remove(task_id)


# --- lifecycle -----------------------------------------------------------------------------
def _optional(model: type[m.Body]) -> Any:
    # These bodies are all optional: a bare POST /resume, or /done with no body, is fine.
    return Body(description=f"Optional; {model.__name__}.")


@router.post("/v1/tasks/{task_id}/pause", response_model=None, tags=["lifecycle"],
             summary="Pause; runs due meanwhile are skipped (`taskd pause`)",
             responses={200: {"model": m.TaskOut}, **_err(404, 409, 413)})
def pause(task_id: TaskId, ctx: Ctx,
          body: Annotated[m.PauseBody | None, _optional(m.PauseBody)] = None) -> Any:
    return ctx.core.pause(task_id, until=body.until if body else None)


@router.post("/v1/tasks/{task_id}/resume", response_model=None, tags=["lifecycle"],
             summary="Resume a paused task (`taskd resume`)",
             responses={200: {"model": m.TaskOut}, **_err(404, 409)})
def resume(task_id: TaskId, ctx: Ctx) -> Any:
    return ctx.core.resume(task_id)


@router.post("/v1/tasks/{task_id}/done", response_model=None, tags=["lifecycle"],
             summary="Mark done; a recurring task: this occurrence (`taskd done`)",
             responses={200: {"model": m.TaskOut}, **_err(404, 409, 413)})
def done(task_id: TaskId, ctx: Ctx,
         body: Annotated[m.DoneBody | None, _optional(m.DoneBody)] = None) -> Any:
    return ctx.core.done(task_id, via=(body.via if body else None) or "api")


@router.post("/v1/tasks/{task_id}/snooze", response_model=None, tags=["lifecycle"],
             summary="Remind again after a while (`taskd snooze`)",
             responses={200: {"model": m.TaskOut}, **_err(404, 409, 413)})
def snooze(task_id: TaskId, ctx: Ctx,
           body: Annotated[m.SnoozeBody | None, _optional(m.SnoozeBody)] = None) -> Any:
    return ctx.core.snooze(task_id, duration=body.duration if body else None,
                           via=(body.via if body else None) or "api")


@router.post("/v1/tasks/{task_id}/run", response_model=None, tags=["lifecycle"],
             summary="Fire a task now (`taskd run`); answers when the run is finished",
             responses={200: {"model": m.RunOut}, **_err(404, 409)})
def run(task_id: TaskId, ctx: Ctx) -> Any:
    return ctx.core.run(task_id)


@router.get("/v1/runs", response_model=None, tags=["lifecycle"],
            summary="Runs: scheduled, fired, outcome, output (`taskd history`)",
            responses={200: {"model": list[m.RunOut]}, **_err(404)})
def history(ctx: Ctx, task: Annotated[int | None, Query(description="Only this task's runs.")] = None,
            limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> Any:
    return ctx.core.history(task, limit=limit)


# --- preferences ---------------------------------------------------------------------------
Key = Annotated[str, Path(max_length=64, description="morning, evening, default_time, snooze, ...")]


def clean_key(key: str) -> str:
    from taskd.extract import clean_text

    return clean_text(key, "key")  # as the CLI's argument; the core says which keys exist


@router.get("/v1/prefs", response_model=None, tags=["prefs"],
            summary="What was learned, with its evidence (`taskd prefs`)",
            responses={200: {"model": list[m.Pref]}, **_err()})
def prefs(ctx: Ctx) -> Any:
    return ctx.core.prefs()


@router.put("/v1/prefs/{key}", response_model=None, tags=["prefs"],
            summary="State a preference; explicit values win (`taskd prefs set`)",
            responses={200: {"model": m.Pref}, **_err(413)})
def set_pref(key: Key, body: m.PrefBody, ctx: Ctx) -> Any:
    return ctx.core.set_pref(clean_key(key), body.value)


@router.delete("/v1/prefs/{key}", response_model=None, tags=["prefs"],
               summary="Forget a preference and its evidence (`taskd prefs forget`)",
               responses={200: {"model": m.Forgotten}, **_err()})
def forget_pref(key: Key, ctx: Ctx) -> Any:
    return ctx.core.forget_pref(clean_key(key))


# --- the service, exchange -----------------------------------------------------------------
@router.get("/v1/status", response_model=None, tags=["service"],
            summary="Is the service up, how many tasks, next fire (`taskd status`)",
            responses={200: {"model": m.Status}, **_err()})
def status(ctx: Ctx) -> Any:
    return ctx.status()


@router.post("/v1/poke", response_model=None, tags=["service"],
             summary="Re-read the database now (what the CLI sends after a change)",
             responses={200: {"model": m.Poked}, **_err()})
def poke(ctx: Ctx) -> Any:
    ctx.poke()
    return {"ok": True}


@router.get("/v1/export", response_model=None, tags=["exchange"],
            summary="Every task, its schedule and state, the preferences (`taskd export`)",
            responses={200: {"model": m.Exported}, **_err()})
def export(ctx: Ctx, all: Annotated[bool, Query(description="Also deleted tasks and every past run.")]
           = False) -> Any:
    return ctx.core.export(include_all=all)


IMPORT_BODY = {"requestBody": {"required": True, "description": (
    "A taskd export (GET /v1/export) or Taskwarrior's `task export` array."), "content": {
        "application/json": {"schema": {"oneOf": [{"type": "object"}, {"type": "array"}]}}}}}


@router.post("/v1/import", response_model=None, tags=["exchange"], openapi_extra=IMPORT_BODY,
             summary="Add the tasks of a taskd or Taskwarrior export; twice adds nothing",
             responses={200: {"model": m.Imported}, **_err(409, 413)})
async def import_(request: Request, ctx: Ctx) -> Any:
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("the body is not UTF-8 text") from None
    try:
        return await run_in_threadpool(ctx.core.import_text, text)
    except RecursionError:  # json.loads on [[[[...]]]]: not a document anyone exported
        raise BadInput("the body is not a taskd or Taskwarrior export: it is nested too deeply"
                       ) from None


CALENDAR = {200: {"content": {"text/calendar": {"schema": {"type": "string"}}},
                  "description": "An iCalendar feed: one VEVENT per live task."}}


@router.get("/calendar.ics", response_model=None, tags=["exchange"], response_class=Response,
            summary="iCalendar of the live tasks; on TCP the token may be ?token=",
            responses={**CALENDAR, **_err()})
def calendar(ctx: Ctx, token: Annotated[str | None, Query(
        description="The bearer token, for calendar apps that cannot send headers (TCP).")] = None
             ) -> Response:
    del token  # checked by the guard, before any route runs
    return Response(ctx.core.calendar(), media_type="text/calendar; charset=utf-8")
