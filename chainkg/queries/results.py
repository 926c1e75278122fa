"""Typed result records shared by the query modules, and their DataFrame form."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """Base of every typed query result: immutable, JSON-ready, with a DataFrame form."""

    model_config = ConfigDict(frozen=True)


def to_frame(records: Sequence[BaseModel]) -> pd.DataFrame:
    """One row per record, one column per field (nested values stay as Python objects)."""
    return pd.DataFrame([r.model_dump() for r in records])
