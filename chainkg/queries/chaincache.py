"""Fetched chains kept between requests, for stores that can tell when their data changed.

A planner asks several questions of one base in a row (its gaps, its weak links, what-if for
one enterprise and then another, the chain view); each starts from the same fetched chain,
which for a large base is most of the work (the store walking 20,000 links, then Python
walking and scoring them). :class:`ChainCache` keeps fetched chains, each with the store's
:meth:`~chainkg.graph.store.base.GraphStore.data_version` at the time it was fetched, and
gives one back only while that version is unchanged: any write to the store makes every kept
chain stale at once. The embedded store's version counts its own writes (only its process can
write the file). Neo4j's is the bookmark of the database's last committed transaction, so a
write by any client, another API process or loader included, is seen too; checking it costs
one round trip per question. A store that cannot tell (``data_version() is None``) keeps
nothing, and every question fetches afresh.

The cache is bounded by the size of what it holds (segments plus links), least recently used
out first.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from chainkg.graph.store import GraphStore

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


class PerStore(Generic[T]):
    """One ``T`` per store object, made on first use and gone with the store.

    Examples
    --------
    >>> counts: PerStore[list[int]] = PerStore(list)
    >>> counts.of(store) is counts.of(store)  # doctest: +SKIP
    True
    """

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._items: weakref.WeakKeyDictionary[GraphStore, T] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def of(self, store: GraphStore) -> T:
        """The ``T`` of ``store``."""
        with self._lock:
            item = self._items.get(store)
            if item is None:
                item = self._items[store] = self._make()
            return item


_CACHES: PerStore[ChainCache[object]] = PerStore(ChainCache)


def cache_for(store: GraphStore) -> ChainCache[object]:
    """The chain cache of ``store`` (one per store object, gone with it)."""
    return _CACHES.of(store)


def set_budget(store: GraphStore, megabytes: float) -> None:
    """Let the kept chains of ``store`` take about ``megabytes`` of memory (0: keep none).

    Examples
    --------
    >>> set_budget(store, 50)   # doctest: +SKIP
    >>> cache_for(store).max_items  # doctest: +SKIP
    178571
    """
    cache_for(store).resize(int(megabytes * 1_000_000 // BYTES_PER_ITEM))


_READ: Any = object()


def cached(
    store: GraphStore,
    key: Hashable,
    compute: Callable[[], T],
    size: Callable[[T], int],
    *,
    version: Hashable | None = _READ,
) -> T:
    """``compute()``, or the value kept for ``key`` while the store's data is unchanged.

    A value is kept only if the data did not change while it was computed: the version is
    read before and after, and a write committed in between (by anyone) makes them differ.
    ``version``: the store's data version, when the caller has just read it (else it is read
    here).
    """
    if version is _READ:
        version = store.data_version()
    if version is None:
        return compute()
    cache = cache_for(store)
    hit = cache.get(key, version)
    if hit is not None:
        return hit  # type: ignore[return-value]
    value = compute()
    if store.data_version() == version:
        cache.put(key, version, value, size(value))
    return value
