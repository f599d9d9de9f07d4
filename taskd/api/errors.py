"""Every failure as `{"error": str, "code": str}` (422 adds "question"), never a traceback.

The status follows the CLI's exit code (CONTRACT §3, §6): bad input 400, no such task 404,
conflict 409, a clarification 422, the service or the model away 503. A request FastAPI cannot
validate is bad input too (400), not FastAPI's default 422, which here means "answer a question".
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from taskd import errors

log = logging.getLogger("taskd.api")

def error_body(message: str, code: str, **extra: Any) -> dict[str, Any]:
    from taskd.redact import redact

    return {"error": redact(message), "code": code, **extra}


def error_response(status: int, message: str, code: str, **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(message, code, **extra), status_code=status)


def taskd_error(exc: errors.TaskdError) -> JSONResponse:
    # Each error class carries its API code and status (taskd/errors.py).
    code = str(getattr(exc, "code", "error"))
    status = int(getattr(exc, "http_status", 500))
    extra: dict[str, Any] = {}
    if isinstance(exc, errors.NeedsClarification):
        extra["question"] = exc.question
        if isinstance(exc.payload, dict):
            extra["parse"] = exc.payload  # what `taskd parse --json` prints for this text
    return error_response(status, exc.message, code, **extra)


def _where(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts)


def validation_message(exc: RequestValidationError) -> str:
    problems = exc.errors()
    if not problems:
        return "the request is not valid"
    first = problems[0]
    kind = first.get("type", "")
    where = _where(tuple(first.get("loc", ())))
    message = str(first.get("msg", "is not valid")).removeprefix("Value error, ")
    if where == "task_id" or where == "task":
        return f"{first.get('input')!r:.40} is not a task id; give a number such as 3"
    if kind == "json_invalid":
        return "the body is not valid JSON"
    if kind == "missing" and not where:
        return "send a JSON object as the body"
    if kind == "missing":
        return f"{where} is missing"
    if kind == "extra_forbidden":
        return f"unknown field {where!r}"
    if kind in ("model_attributes_type", "dict_type"):
        return "the body must be a JSON object"
    if message.startswith("the "):  # taskd's own words (clean_text): they name the field already
        return message
    return f"{where}: {message}" if where else message


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.TaskdError)
    async def _taskd(_request: Request, exc: errors.TaskdError) -> JSONResponse:
        return taskd_error(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, validation_message(exc), "bad_input")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return error_response(404, f"no such route: {request.method} {request.url.path}",
                                  "not_found")
        if exc.status_code == 405:
            return error_response(405, f"{request.method} is not allowed on {request.url.path}",
                                  "not_allowed", )
        code = {401: "unauthorized", 413: "too_large"}.get(exc.status_code, "bad_input")
        detail = str(exc.detail)
        if detail == "There was an error parsing the body":  # FastAPI's words for any failure
            detail = "the body is not valid JSON (or is nested too deeply)"
        return error_response(exc.status_code, detail, code)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):  # locked, full or gone: worth a retry
            log.error("%s %s: database: %s", request.method, request.url.path, exc)
            return error_response(503, "the database is busy or unreachable; try again",
                                  "unreachable")
        log.exception("%s %s failed", request.method, request.url.path)
        return error_response(500, f"internal error: {type(exc).__name__}", "internal")
