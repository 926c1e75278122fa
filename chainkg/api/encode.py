"""JSON bytes of an answer, each row encoded once while it lives.

A chain answer (gaps, weak links ...) is kept by the chain engine per base and data version
(:mod:`chainkg.queries.chainengine`), and a request hands back rows of that kept answer: the same
immutable row objects, request after request, until the data changes. Encoding them was most of
such a request's cost (about 3-5 ms for the 200 rows of city:深圳市's gaps, against 0.1 ms to find
the kept answer). So the JSON of a row of a frozen :class:`~chainkg.queries.results.Record` is
remembered for as long as the row object lives (a weak reference: when the engine drops the
answer, its encodings go with it), and a list of such rows is joined from them. The bytes are
the same as ``pydantic_core.to_json`` of the whole list (tests/api/test_encode.py).

Rows are frozen pydantic models; nothing in chainkg changes a row's lists after making it.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import pydantic_core

from chainkg.queries.results import Record

MIN_ROWS = 8
"""Shorter lists are encoded directly: remembering costs more than it saves there."""

_ENCODED: dict[int, tuple[weakref.ref[Record], bytes]] = {}
_LOCK = threading.Lock()


def _forget(ref: weakref.ref[Record], key: int) -> None:
    with _LOCK:
        held = _ENCODED.get(key)
        if held is not None and held[0] is ref:
            del _ENCODED[key]


def _row(row: Record) -> bytes:
    key = id(row)
    held = _ENCODED.get(key)
    if held is not None and held[0]() is row:
        return held[1]
    body = pydantic_core.to_json(row)

    def gone(r: weakref.ref[Record]) -> None:
        _forget(r, key)

    ref = weakref.ref(row, gone)
    with _LOCK:
        _ENCODED[key] = (ref, body)
    return body


def to_json(result: Any) -> bytes:
    """``pydantic_core.to_json(result)``, with the rows of a list of frozen records encoded once."""
    if (
        isinstance(result, list)
        and len(result) >= MIN_ROWS
        and all(isinstance(r, Record) and r.model_config.get("frozen") for r in result)
    ):
        return b"[" + b",".join(_row(r) for r in result) + b"]"
    return pydantic_core.to_json(result)


def held() -> int:
    """How many rows' encodings are remembered now (tests)."""
    return len(_ENCODED)
