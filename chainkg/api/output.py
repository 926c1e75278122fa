"""Rendering answers as JSON or CSV bytes, through the answer cache.

JSON is the default. CSV is offered where a table is the natural answer: each row becomes
a line, headers and coded values follow the request's language, lists are joined with "；"
(a list of records stays JSON text), and the file starts with a UTF-8 BOM
so spreadsheet programs show Chinese correctly.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import quote

import pydantic_core
from fastapi import Depends, HTTPException, Request, Response

from chainkg.api.cache import ResultCache
from chainkg.api.deps import CacheDep, FormatDep, OutputFormat, StoreDep
from chainkg.api.encode import to_json
from chainkg.errors import InvalidInputError
from chainkg.graph.store import GraphStore
from chainkg.i18n import column, get_locale, value

CSV_MEDIA = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How text that a spreadsheet would take for a formula starts (OWASP CSV injection)."""
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}, "example": "key,name\nsz-led,深圳LED创新基地\n"}}}
}
"""Add to ``responses=`` of a route that can answer CSV, so the OpenAPI document says so."""


def to_rows(items: Sequence[Any]) -> list[dict[str, Any]]:
    """Plain dicts of JSON-ready values for a sequence of models, dataclasses or dicts."""
    out = pydantic_core.to_jsonable_python(list(items))
    return [r if isinstance(r, dict) else {"value": r} for r in out]


def csv_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    """A CSV file (UTF-8 with BOM) with one column per key seen, first-seen order."""
    cols: dict[str, None] = {}
    for r in rows:
        cols.update(dict.fromkeys(r))
    buf = io.StringIO()
    # CRLF as RFC 4180 says; it also makes the writer quote a cell holding a bare "\r", which
    # a reader would otherwise take for the end of the row.
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([column(c) for c in cols])
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in cols])
    return buf.getvalue().encode("utf-8-sig")


def _cell(v: Any) -> str:
    """A cell as people read it: plain values, lists joined with "；", codes in the current language."""
    if v is None:
        return ""
    if isinstance(v, list) and all(not isinstance(x, list | dict) for x in v):
        return _cell("；".join(str(value(x)) for x in v if x is not None))
    if isinstance(v, dict):
        return "；".join(f"{column(k)}: {value(x)}" for k, x in v.items())
    if isinstance(v, list):
        return json.dumps(v, ensure_ascii=False)
    v = value(v)
    if isinstance(v, str) and v.startswith(FORMULA_START):
        # A spreadsheet would run "=cmd|..." from a loaded name as a formula: keep it text (as views do).
        return "'" + v
    return str(v)


def _declared(request: Request) -> dict[str, Any] | None:
    """The query parameters the matched route declares (its own and its dependencies'), with their fields."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return None
    out: dict[str, Any] = {}
    stack = [dependant]
    while stack:
        d = stack.pop()
        for f in d.query_params:
            out[f.alias] = f.field_info
        stack.extend(d.dependencies)
    return out


def _is_list(info: Any) -> bool:
    ann = info.annotation
    kinds = [get_origin(a) for a in (get_args(ann) if get_origin(ann) in (Union, UnionType) else (ann,))]
    return list in kinds


def _canon(raw: str, info: Any) -> str | None:
    """``raw`` in one spelling (``03`` and ``3`` alike), or None when it is the parameter's default."""
    ann = info.annotation
    types = set(get_args(ann)) if get_origin(ann) in (Union, UnionType) else {ann}
    default = None if info.is_required() else info.default
    value: Any = raw
    try:
        if bool in types:
            low = raw.strip().lower()
            value = True if low in ("1", "true", "yes", "on") else False if low in ("0", "false", "no", "off") else raw
        elif int in types:
            value = int(raw)
        elif float in types:
            value = float(raw)
    except ValueError:
        value = raw  # invalid: the route answers 422 anyway, and that answer is not kept
    if default is not None and value == default:
        return None
    return str(value)


def cache_key(request: Request, fmt: str) -> tuple[Any, ...]:
    """The cache key of a read: path, parameters normalised (except ``format``) and the format sent.

    Parameters the route does not declare are left out (it ignores them), so are those given
    with their default value (``&depth=3`` spelled out hits the same entry as leaving it
    out), and numbers are keyed by value. A one-value parameter given twice counts by its
    last value, as the route reads it.
    """
    declared = _declared(request)
    if declared is None:
        params = tuple(sorted((k, v) for k, v in request.query_params.multi_items() if k != "format"))
        return (request.url.path, params, fmt, get_locale())
    scalars: dict[str, str | None] = {}
    lists: list[tuple[str, str | None]] = []
    for k, v in request.query_params.multi_items():
        info = declared.get(k)
        if k in ("format", "lang") or info is None:
            continue
        if _is_list(info):
            lists.append((k, v))
        else:
            scalars[k] = _canon(v, info)
    items = [(k, v) for k, v in scalars.items() if v is not None] + lists
    # the language too: pages, CSV headers and chart labels differ by it
    return (request.url.path, tuple(sorted(items, key=lambda kv: (kv[0], str(kv[1])))), fmt, get_locale())


def respond(
    request: Request,
    cache: ResultCache | None,
    fmt: OutputFormat,
    compute: Callable[[], Any],
    *,
    table: Callable[[Any], Sequence[Any]] | None = None,
    name: str = "chainkg",
) -> Response:
    """Compute (or fetch from the cache) an answer and send it in the asked format.

    ``table`` picks the rows of the CSV form out of the result (default: the result itself
    when it is a list). A ``csv`` request for an answer without a table is invalid input.
    """

    def render() -> tuple[bytes, str]:
        result = compute()
        if fmt == "csv":
            rows = table(result) if table is not None else result
            if not isinstance(rows, list | tuple):
                return b"", ""
            return csv_bytes(to_rows(rows)), CSV_MEDIA
        return to_json(result), "application/json"  # rows of a kept answer are encoded once

    if cache is None:
        body, media = render()
    else:
        body, media = cache.get_or_compute(cache_key(request, fmt), render)
    if not media:
        if getattr(request.state, "csv_by_accept", False):
            raise HTTPException(
                406,
                "This answer comes as JSON only (application/json); it has no table form for text/csv. "
                "/ 该结果仅提供 JSON 格式。",
            )
        raise InvalidInputError("This answer has no table form; ask for JSON (leave out format=csv).", field="format")
    headers = {}
    if fmt == "csv":
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.csv"
    return Response(content=body, media_type=media, headers=headers)


@dataclass(frozen=True)
class Answer:
    """What a question route needs to answer: its request, the store, the answer cache and the format.

    Routes take it as :data:`AnswerDep` and end with ``ans.send(lambda: question(ans.store, ...))``.
    """

    request: Request
    store: GraphStore
    cache: ResultCache
    fmt: OutputFormat

    def send(
        self,
        compute: Callable[[], Any],
        *,
        table: Callable[[Any], Sequence[Any]] | None = None,
        name: str = "chainkg",
    ) -> Response:
        """:func:`respond` with this route's request, cache and format."""
        return respond(self.request, self.cache, self.fmt, compute, table=table, name=name)


def answer(request: Request, store: StoreDep, cache: CacheDep, fmt: FormatDep) -> Answer:
    """The :class:`Answer` of the request (a dependency; ``?format=`` is its query parameter)."""
    return Answer(request, store, cache, fmt)


AnswerDep = Annotated[Answer, Depends(answer)]
