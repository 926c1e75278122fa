"""Fewer garbage-collector passes while a chain query builds its many small objects.

A chain query of a large base allocates a few hundred thousand tuples, dicts and strings
that all live until the answer is built. CPython's cyclic collector counts allocations and,
every 700 of them, scans the youngest objects; the survivors move up and soon trigger scans
of the older generations as well, so most of those objects are scanned many times over. On
the public data set that doubled the gap query of the largest base (see docs/gaps.md).

:func:`fewer_collections` raises the young-generation threshold while at least one such
query runs in the process and restores it when the last one ends. The collector keeps
running (only less often), so reference cycles are still freed during a long burst of
queries; threads that overlap share one raised threshold through a counter.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

YOUNG_THRESHOLD = 100_000
"""Allocations between young-generation passes inside a query (CPython's default is 700)."""

_lock = threading.Lock()
_active = 0
_saved: tuple[int, ...] = ()


@contextmanager
def fewer_collections(threshold: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Run the body with the collector's young threshold at least ``threshold``.

    Nested and concurrent uses share one raised threshold; the first to enter saves the
    process's own thresholds and the last to leave restores them.

    Examples
    --------
    >>> import gc
    >>> before = gc.get_threshold()
    >>> with fewer_collections(50_000):
    ...     gc.get_threshold()[0] >= 50_000
    True
    >>> gc.get_threshold() == before
    True
    """
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = gc.get_threshold()
            if _saved[0] and _saved[0] < threshold:  # 0 means the process turned collection off
                gc.set_threshold(threshold, *_saved[1:])
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                gc.set_threshold(*_saved)


def with_fewer_collections(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of :func:`fewer_collections` for a query function."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with fewer_collections():
            return fn(*args, **kwargs)

    return wrapper
