"""How the question routers are built: under one prefix, behind the read key, each answer documented.

A question's route names its operation id once (:meth:`QuestionRouter.answer`); the id also
picks its example answer (:mod:`chainkg.api.examples`) for the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.types import DecoratedCallable

from chainkg.api.deps import require_read
from chainkg.api.errors import AUTH, ERROR_RESPONSES, NOT_FOUND
from chainkg.api.examples import example_for
from chainkg.api.models import ErrorBody
from chainkg.api.output import CSV_RESPONSE


def answer_responses(operation_id: str, *, csv: bool = True, not_found: bool = True) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a question's route: its stored example, CSV (or 406 without it), 404."""
    content: dict[str, Any] = {"application/json": {"example": example_for(operation_id)}}
    if csv:
        content.update(CSV_RESPONSE[200]["content"])
    out: dict[int | str, dict[str, Any]] = {200: {"content": content}}
    if not csv:
        out[406] = {"model": ErrorBody, "description": "Accept: text/csv on a JSON-only answer / 仅提供 JSON"}
    if not_found:
        out.update(NOT_FOUND)
    return out


class QuestionRouter(APIRouter):
    """A router of questions: under ``prefix``, read key required, error answers documented."""

    def __init__(self, tag: str, prefix: str = "/analytics") -> None:
        super().__init__(
            prefix=prefix, tags=[tag], dependencies=[Depends(require_read)], responses={**ERROR_RESPONSES, **AUTH}
        )

    def answer(
        self, path: str, operation_id: str, *, csv: bool = True, not_found: bool = True, **kwargs: Any
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """``get`` for a question: the operation id names the route and its example once."""
        responses = answer_responses(operation_id, csv=csv, not_found=not_found)
        return self.get(path, operation_id=operation_id, responses=responses, **kwargs)
