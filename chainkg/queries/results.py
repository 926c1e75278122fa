"""Typed result records shared by the query modules, and their DataFrame form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:  # pandas costs 0.25 s to import; only to_frame needs it
    import pandas as pd


class Record(BaseModel):
    """Base of every typed query result: immutable, JSON-ready, with a DataFrame form."""

    model_config = ConfigDict(frozen=True)


def to_frame(records: Sequence[BaseModel]) -> pd.DataFrame:
    """One row per record, one column per field (nested values stay as Python objects)."""
    import pandas as pd

    return pd.DataFrame([r.model_dump() for r in records])


def same_named(source: object, names: Iterable[str]) -> dict[str, Any]:
    """The attributes ``names`` of ``source`` as keyword arguments under the same names.

    For a record that carries some of another's values as they are.

    >>> from types import SimpleNamespace
    >>> same_named(SimpleNamespace(a=1, b=2), ["a"])
    {'a': 1}
    """
    return {n: getattr(source, n) for n in names}


def optional(row: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """The columns ``names`` of ``row`` as keyword arguments, ``None`` where a column is absent.

    >>> optional({"a": 1}, "a", "b")
    {'a': 1, 'b': None}
    """
    return {n: row.get(n) for n in names}
