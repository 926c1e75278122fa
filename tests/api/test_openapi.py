"""The OpenAPI document against the routes: every JSON endpoint has a response model and an example."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from apitools import make_settings
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from chainkg.api.main import create_app
from chainkg.graph.store.ladybug_store import LadybugStore


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    tmp: Path = tmp_path_factory.mktemp("openapi")
    store = LadybugStore(tmp / "g.lbug")
    store.ensure_schema()
    return create_app(make_settings(tmp), store=store)


def _walk(routes: list[Any]) -> list[APIRoute]:
    out: list[APIRoute] = []
    for r in routes:
        if isinstance(r, APIRoute):
            out.append(r)
        elif hasattr(r, "original_router"):  # FastAPI >= 0.120 keeps nested includes as wrappers
            out += _walk(r.original_router.routes)
    return out


def all_routes(app: FastAPI) -> list[APIRoute]:
    """Every route of the included routers (walked directly: FastAPI wraps them in app.routes)."""
    return [r for router in app.state.routers for r in _walk(router.routes)]


def json_routes(app: FastAPI) -> list[APIRoute]:
    """Routes in the schema that answer JSON (HTML pages and file downloads are exempt)."""
    out = []
    for r in all_routes(app):
        if not r.include_in_schema:
            continue
        rc = r.response_class
        cls = getattr(rc, "value", rc)
        if isinstance(cls, type) and not issubclass(cls, JSONResponse):
            continue
        out.append(r)
    return out


def _schema_has_examples(doc: dict[str, Any], content: dict[str, Any]) -> bool:
    ref = content.get("schema", {}).get("$ref", "")
    if not ref:
        return False
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return bool(schema.get("examples") or schema.get("example"))


def test_every_json_route_has_a_response_model_and_an_example(app: FastAPI) -> None:
    doc = app.openapi()
    routes = json_routes(app)
    assert len(routes) >= 30  # 10 collections x 3, health, ready, analytics, ingest
    problems: list[str] = []
    for route in routes:
        if route.response_model is None:
            problems.append(f"{route.path}: no response_model")
            continue
        for method in route.methods:
            op: dict[str, Any] = doc["paths"][route.path_format][method.lower()]
            if not op.get("summary") or not (op.get("description") or route.endpoint.__doc__):
                problems.append(f"{method} {route.path}: no summary or description")
            ok = op["responses"].get("200", {}).get("content", {}).get("application/json", {})
            in_doc = ok.get("example") is not None or bool(ok.get("examples")) or _schema_has_examples(doc, ok)
            if not in_doc:
                problems.append(f"{method} {route.path}: no example")
                continue
            # The document drops null values (FastAPI encodes it with exclude_none), so the example
            # is checked against the model as the route declares it.
            declared = route.responses.get(200, {}).get("content", {}).get("application/json", {}).get("example")
            if declared is None:
                continue
            try:
                TypeAdapter(route.response_model).validate_python(declared)
            except Exception as exc:
                problems.append(
                    f"{method} {route.path}: example does not fit the model (if it is an analytics route, "
                    f"regenerate with: python -m chainkg.api.examples): {str(exc)[:300]}"
                )
    assert not problems, "\n".join(problems)


def test_document_lists_exactly_the_routes(app: FastAPI) -> None:
    doc = app.openapi()
    from_routes = {(m.lower(), r.path_format) for r in all_routes(app) if r.include_in_schema for m in r.methods}
    from_doc = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert from_routes == from_doc


def test_errors_are_documented(app: FastAPI) -> None:
    doc = app.openapi()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if path in ("/health",):
                continue
            assert "503" in op["responses"], f"{method} {path} does not document 503"
            params = op.get("parameters", [])
            if params or "requestBody" in op:
                assert "422" in op["responses"], f"{method} {path} does not document 422"


def test_docs_pages_are_served_without_a_cdn(app: FastAPI) -> None:
    with TestClient(app) as c:
        for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
            html = c.get(page)
            assert html.status_code == 200
            assert "cdn." not in html.text and f"/docs-static/{asset}" in html.text
            js = c.get(f"/docs-static/{asset}")
            assert js.status_code == 200 and len(js.content) > 100_000
        assert c.get("/docs-static/swagger-ui.css").status_code == 200
        doc = c.get("/openapi.json").json()
    assert doc["info"]["title"] == "chainkg API"
    assert "科技兴贸创新基地" in doc["info"]["description"]
