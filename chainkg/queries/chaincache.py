"""Kept chains: thin functions over the store's chain engine (:mod:`chainkg.queries.chainengine`).

Kept for the callers that take a store; the engine owns the cache, its budget and its
data-version checks.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from chainkg.graph.store import GraphStore
from chainkg.queries.chainengine import engine_for
from chainkg.queries.chainengine.kept import BYTES_PER_ITEM, DEFAULT_MB, MAX_ITEMS, ChainCache

__all__ = ["BYTES_PER_ITEM", "DEFAULT_MB", "MAX_ITEMS", "ChainCache", "cache_for", "cached", "set_budget"]

T = TypeVar("T")
_READ: Any = object()


def cache_for(store: GraphStore) -> ChainCache[object]:
    """The kept chains of ``store``'s engine."""
    return engine_for(store).chains


def set_budget(store: GraphStore, megabytes: float) -> None:
    """Let the kept chains of ``store`` take about ``megabytes`` of memory (0: keep none)."""
    engine_for(store).set_budget(megabytes)


def cached(
    store: GraphStore,
    key: Hashable,
    compute: Callable[[], T],
    size: Callable[[T], int],
    *,
    version: Hashable | None = _READ,
) -> T:
    """``compute()``, or the value kept for ``key`` while the store's data is unchanged (see the engine)."""
    engine = engine_for(store)
    if version is _READ:
        return engine.cached(key, compute, size)
    return engine.cached(key, compute, size, version=version)
