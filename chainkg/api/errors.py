"""Translate every failure into a JSON error answer with a plain message; never a traceback.

chainkg's own errors map to statuses once, here: not found 404, invalid input 422 (with the
field), store unavailable 503. FastAPI's parameter validation becomes the same 422 shape.
Anything unexpected is logged with its traceback on the server and answered with a 500
whose message says what to do, not what broke inside.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from chainkg.api.models import ErrorBody
from chainkg.errors import ChainkgError, InvalidInputError, NotFoundError, SchemaError, StoreUnavailableError
from chainkg.i18n import placed

log = logging.getLogger("chainkg.api")

STATUS: tuple[tuple[type[ChainkgError], int, str], ...] = (
    (NotFoundError, 404, "not_found"),
    (InvalidInputError, 422, "invalid_input"),
    (SchemaError, 422, "invalid_input"),
    (StoreUnavailableError, 503, "store_unavailable"),
)

_HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    503: "store_unavailable",
}

# Documented on every route: the error answers any endpoint may give.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "A parameter is not valid; `field` names it / 参数错误"},
    503: {"model": ErrorBody, "description": "The graph store cannot be reached / 图数据库不可用"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No node has that key / 未找到"},
}
AUTH: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "A missing or wrong API key / 密钥缺失或错误"},
}


def json_error_responses(
    *groups: dict[int | str, dict[str, Any]], also_html: bool = False
) -> dict[int | str, dict[str, Any]]:
    """``groups`` for a route that answers HTML or a file: its errors are JSON all the same.

    FastAPI documents a ``model`` response under the route's own media type (text/html), which
    would promise HTML errors; naming application/json here keeps the document true.
    ``also_html``: the route may answer these errors as an HTML page too (a page a person reads).
    """
    out: dict[int | str, dict[str, Any]] = {}
    for group in groups:
        for code, resp in group.items():
            content: dict[str, Any] = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
            if also_html:
                content["text/html"] = {"schema": {"type": "string"}}
            out[code] = {"description": resp["description"], "content": content}
    return out


def error_response(
    status: int,
    detail: str,
    code: str,
    field: str | None = None,
    errors: Sequence[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON error answer in the one shape of :class:`ErrorBody`."""
    body = ErrorBody(detail=detail, code=code, field=field, errors=list(errors) if errors else None)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def _field_of(loc: Sequence[Any]) -> str | None:
    # loc is like ("query", "limit") or ("body", "file"); the last string part is the field.
    parts = [str(p) for p in loc if p not in ("query", "path", "body", "header", "form")]
    return ".".join(parts) or None


def status_of(exc: ChainkgError) -> tuple[int, str]:
    """The HTTP status and error code of ``exc`` (per :data:`STATUS`; 500 when it has none)."""
    return next(((status, code) for cls, status, code in STATUS if isinstance(exc, cls)), (500, "internal_error"))


async def _chainkg_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ChainkgError)
    status, code = status_of(exc)
    if status == 503:
        guard = getattr(request.app.state, "guard", None)
        if guard is not None:
            guard.trip(str(exc))  # answer the next callers at once, without waiting
        else:
            log.warning("store unavailable: %s", exc)
        return error_response(status, str(exc), code, headers={"Retry-After": "5"})
    if status != 500:
        if isinstance(exc, InvalidInputError):  # in the reader's language (Accept-Language), file and line kept
            return error_response(
                status, placed(exc.reason, file=exc.file, line=exc.line, field=exc.field), code, field=exc.field
            )
        return error_response(status, str(exc), code)
    log.error("chainkg error answered with 500: %s", exc)
    return error_response(
        500,
        f"The request could not be completed: {exc}. If this keeps happening, report it with the URL you called.",
        "internal_error",
    )


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for e in exc.errors():
        field = _field_of(e.get("loc", ()))
        errors.append({"field": field, "message": str(e.get("msg", "not valid"))})
    first = errors[0] if errors else {"field": None, "message": "not valid"}
    detail = f"Parameter '{first['field']}': {first['message']}" if first["field"] else str(first["message"])
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more problem(s), see 'errors')"
    return error_response(422, detail, "invalid_input", field=first["field"], errors=errors)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404 and detail == "Not Found":
        detail = "There is no such address. The list of endpoints is at /docs."
    return error_response(exc.status_code, detail, code, headers=getattr(exc, "headers", None))


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return error_response(
        500,
        "Something went wrong inside chainkg while answering. The server log has the details; "
        "try again, and report it with the URL you called if it keeps happening.",
        "internal_error",
    )


def install(app: FastAPI) -> None:
    """Register the error handlers on ``app``."""
    app.add_exception_handler(ChainkgError, _chainkg_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
