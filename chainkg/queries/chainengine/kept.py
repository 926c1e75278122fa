"""Chains kept between questions while the store's data version is unchanged, bounded by size.

A planner asks several questions of one base in a row (its gaps, its weak links, what-if for
one enterprise and then another, the chain view); each starts from the same fetched chain.
:class:`ChainCache` keeps such values, each with the store's
:meth:`~chainkg.graph.store.base.GraphStore.data_version` at the time it was computed, and
gives one back only while that version is unchanged: any write makes every kept value stale
at once. It is bounded by the size of what it holds (segments plus links), least recently
used out first. The engine (:class:`~chainkg.queries.chainengine.ChainEngine`) owns one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

BYTES_PER_ITEM = 280
"""Memory a kept chain takes per segment or link, with its dependency scores. Measured with
tracemalloc on the depth-3 chain of the largest city base (city:深圳市, both levels: 47,880
segments and links): 5.4 MB (112 bytes each) after its gap and weak-link questions, 13.2 MB
(276 bytes each) once the chain view and what-if have built its dicts and link tuples. The
larger is counted."""

DEFAULT_MB = 200
"""The default budget (``CHAINKG_CHAIN_CACHE_MB``): about 710,000 segments and links, more than
the depth-3 chains (both levels) of the 20 city bases with most enterprises in the public data
(580,000); the 80 largest take 1.1 million."""

MAX_ITEMS = DEFAULT_MB * 1_000_000 // BYTES_PER_ITEM


class ChainCache(Generic[T]):
    """Values keyed by a hashable key and valid for one data version, bounded by their size.

    A version is any hashable value (a store's ``data_version()``), compared for equality only.

    Examples
    --------
    >>> c: ChainCache[str] = ChainCache(max_items=10)
    >>> c.put("a", version=1, value="chain of a", size=4)
    >>> c.get("a", version=1), c.get("a", version=2)
    ('chain of a', None)
    """

    def __init__(self, max_items: int = MAX_ITEMS) -> None:
        self.max_items = max_items
        self._items: OrderedDict[Hashable, tuple[Hashable, T, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: Hashable) -> T | None:
        """The value kept for ``key`` if it was computed at ``version``; stale ones are dropped."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] != version:
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: Hashable, version: Hashable, value: T, size: int) -> None:
        """Keep ``value`` for ``key`` at ``version``; a value larger than the whole cache is not kept."""
        if size > self.max_items:
            return
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (version, value, size)
            self._size += size
            while self._size > self.max_items:
                self._drop(next(iter(self._items)))

    def resize(self, max_items: int) -> None:
        """Change the bound; what no longer fits goes, least recently used first."""
        with self._lock:
            self.max_items = max(0, max_items)
            while self._size > self.max_items:
                self._drop(next(iter(self._items)))

    def clear(self) -> None:
        """Forget everything (benchmarks use it to time a first question)."""
        with self._lock:
            self._items.clear()
            self._size = 0

    @property
    def size(self) -> int:
        """Segments and links held."""
        return self._size

    def __len__(self) -> int:
        return len(self._items)

    def _drop(self, key: Hashable) -> None:
        _, _, size = self._items.pop(key)
        self._size -= size
