"""GET /openapi.json of a real service: a valid OpenAPI 3.1 document that names every route of
CONTRACT §6 with its answers, error bodies included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.api_serve import ApiService

pytestmark = pytest.mark.slow

CONTRACT = [
    ("post", "/v1/tasks"), ("post", "/v1/parse"), ("get", "/v1/tasks"), ("get", "/v1/tasks/{task_id}"),
    ("patch", "/v1/tasks/{task_id}"), ("delete", "/v1/tasks/{task_id}"),
    ("post", "/v1/tasks/{task_id}/pause"), ("post", "/v1/tasks/{task_id}/resume"),
    ("post", "/v1/tasks/{task_id}/done"), ("post", "/v1/tasks/{task_id}/snooze"),
    ("post", "/v1/tasks/{task_id}/run"), ("get", "/v1/runs"), ("get", "/v1/prefs"),
    ("put", "/v1/prefs/{key}"), ("delete", "/v1/prefs/{key}"), ("get", "/v1/status"),
    ("get", "/v1/export"), ("post", "/v1/import"), ("get", "/calendar.ics"),
]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiService]:
    service = ApiService(tmp_path_factory.mktemp("openapi") / "home")
    yield service
    service.stop()


@pytest.fixture(scope="module")
def document(api: ApiService) -> dict[str, Any]:
    answer = api.unix("GET", "/openapi.json")
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    return answer.json()  # type: ignore[no-any-return]


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
    return schema


def test_it_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1.")
    validate(document)  # raises on any violation of the 3.1 specification
    assert document["info"]["title"] == "taskd"
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert document["security"] == [{}, {"bearer": []}]  # the socket: none; TCP: the token


def test_every_contract_route_is_documented_with_its_answers(document: dict[str, Any]) -> None:
    paths = document["paths"]
    for method, path in CONTRACT:
        assert method in paths.get(path, {}), f"{method.upper()} {path} is not documented"
        answers = paths[path][method]["responses"]
        ok = [code for code in answers if code.startswith("2")]
        assert ok, f"{method} {path}: no 2xx answer"
        for code in ok:
            content = answers[code]["content"]
            media, schema = next(iter(content.items()))
            assert media in ("application/json", "text/calendar"), (path, media)
            assert resolve(document, schema["schema"]), f"{method} {path} {code}: empty schema"
        for code in ("400", "401", "503") + (("404",) if "{task_id}" in path else ()):
            schema = answers[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, code)


def test_the_error_body_and_the_clarification_are_documented(document: dict[str, Any]) -> None:
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "code"}
    assert "question" in error["properties"]
    add = document["paths"]["/v1/tasks"]["post"]["responses"]
    assert add["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert "needs a clarification" in add["422"]["description"].lower()
    # FastAPI's own 422 "validation error" is not what this API answers (bad input is a 400).
    assert "HTTPValidationError" not in str(document)
    status = resolve(document, {"$ref": "#/components/schemas/Status"})
    assert {"api", "up", "tasks"} <= set(status["properties"])


def test_the_bodies_refuse_unknown_fields(document: dict[str, Any]) -> None:
    body = document["paths"]["/v1/tasks"]["post"]["requestBody"]["content"]["application/json"]
    schema = resolve(document, body["schema"])
    assert schema["additionalProperties"] is False and schema["required"] == ["text"]


def test_the_document_on_tcp_wants_the_token_too(api: ApiService, document: dict[str, Any]) -> None:
    assert api.tcp("GET", "/openapi.json", token=None).status == 401
    assert api.tcp("GET", "/openapi.json").json() == document


def test_every_route_the_app_serves_is_documented(api: ApiService, document: dict[str, Any]) -> None:
    from fastapi.routing import APIRoute

    from taskd.api.app import create_app
    from taskd.api.context import ApiContext
    from taskd.clock import SystemClock
    from taskd.settings import load

    def walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
        for route in routes:
            if hasattr(route, "original_router"):  # FastAPI 0.16x: an included router
                inner = prefix + (getattr(route.include_context, "prefix", "") or "")
                yield from walk(route.original_router.routes, inner)
            elif isinstance(route, APIRoute) and route.include_in_schema:
                yield prefix + route.path, route

    app = create_app(ApiContext(settings=load(), clock=SystemClock(), core=None))
    served = {(method.lower(), path) for path, route in walk(app.routes) for method in route.methods}
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert served == documented
    assert set(CONTRACT) <= served
