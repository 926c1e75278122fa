"""A small in-process cache of encoded answers, so a dashboard's repeated call costs no query.

Answers are cached as the bytes sent, keyed by endpoint, parameters and the store's data
version (:meth:`~chainkg.graph.store.base.GraphStore.data_version`, read once per request:
a counter in the embedded store, the last committed transaction's bookmark in Neo4j). So a
write by anyone, another process writing to a shared Neo4j included, is never answered from
the cache: the next request sees a new version and every older entry is dropped. Every write
through the API also calls :meth:`ResultCache.clear`. Where the store cannot tell its version,
entries expire after the time-to-live instead. Concurrent misses of the same key compute once
(the others wait for that answer).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


def _size(value: object) -> int:
    """Bytes held by an entry: the body of an encoded answer, else a nominal 1 KiB."""
    if isinstance(value, tuple) and value and isinstance(value[0], bytes | bytearray):
        return len(value[0])
    return 1024


class ResultCache:
    """Least-recently-used cache with a time-to-live; ``ttl_s <= 0`` switches it off.

    Bounded both in entries and in bytes (``max_bytes`` of encoded answers), so a run of
    large answers cannot grow the process without limit; an answer larger than a quarter
    of the budget is not kept.
    """

    def __init__(
        self,
        max_entries: int = 512,
        ttl_s: float = 60.0,
        max_bytes: int = 256 * 1024 * 1024,
        *,
        version: Callable[[], Hashable | None] | None = None,
    ) -> None:
        self.version = version
        self._version: Hashable | None = None
        self.max_entries = max_entries
        self.ttl_s = ttl_s
        self.max_bytes = max_bytes
        self.bytes = 0
        self._data: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for ``key``, computing and storing it on a miss."""
        if self.ttl_s <= 0:
            return compute()
        version = self.version() if self.version is not None else None
        if version is not None:
            with self._lock:
                if version != self._version:  # the data changed (any writer): nothing kept holds
                    self._data.clear()
                    self.bytes = 0
                    self._version = version
            key = (version, key)
        found, value = self._get(key)
        if found:
            return value  # type: ignore[return-value]
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            found, value = self._get(key)
            if found:
                return value  # type: ignore[return-value]
            self.misses += 1
            try:
                result = compute()
            finally:
                with self._lock:
                    self._key_locks.pop(key, None)
            size = _size(result)
            if size > self.max_bytes // 4:
                return result
            with self._lock:
                old = self._data.pop(key, None)
                if old is not None:
                    self.bytes -= _size(old[1])
                self._data[key] = (time.monotonic() + self.ttl_s, result)
                self.bytes += size
                while len(self._data) > self.max_entries or self.bytes > self.max_bytes:
                    _, (_, dropped) = self._data.popitem(last=False)
                    self.bytes -= _size(dropped)
            return result

    def _get(self, key: Hashable) -> tuple[bool, object]:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return False, None
            expires, value = entry
            if expires < time.monotonic():
                del self._data[key]
                self.bytes -= _size(value)
                return False, None
            self._data.move_to_end(key)
            self.hits += 1
            return True, value

    def clear(self) -> None:
        """Forget every entry (after a write)."""
        with self._lock:
            self._data.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._data)
