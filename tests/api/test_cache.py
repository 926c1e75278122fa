"""The answer cache: time-to-live, entry and byte bounds, one computation for concurrent misses."""

from __future__ import annotations

import threading
import time

import pytest

from chainkg.api.cache import ResultCache


def test_hit_miss_and_ttl() -> None:
    c = ResultCache(ttl_s=0.2)
    calls = []
    assert c.get_or_compute("k", lambda: calls.append(1) or (b"a", "m")) == (b"a", "m")
    assert c.get_or_compute("k", lambda: calls.append(1) or (b"b", "m")) == (b"a", "m")
    assert len(calls) == 1
    time.sleep(0.25)
    assert c.get_or_compute("k", lambda: (b"c", "m")) == (b"c", "m")


def test_off_when_ttl_is_zero() -> None:
    c = ResultCache(ttl_s=0)
    assert c.get_or_compute("k", lambda: 1) == 1
    assert c.get_or_compute("k", lambda: 2) == 2
    assert len(c) == 0


def test_bounded_in_entries_and_bytes() -> None:
    c = ResultCache(max_entries=3, ttl_s=60)
    for i in range(5):
        c.get_or_compute(i, lambda i=i: (bytes(10), str(i)))
    assert len(c) == 3
    assert c.get_or_compute(0, lambda: (b"new", "x")) == (b"new", "x")  # the oldest went first

    c = ResultCache(max_entries=100, ttl_s=60, max_bytes=1000)
    for i in range(10):
        c.get_or_compute(i, lambda: (bytes(200), "m"))
    assert c.bytes <= 1000 and len(c) == 5
    c.get_or_compute("huge", lambda: (bytes(600), "m"))  # over a quarter of the budget: not kept
    assert "huge" not in [k for k in c._data] and c.bytes <= 1000
    c.clear()
    assert c.bytes == 0 and len(c) == 0


def test_concurrent_misses_compute_once() -> None:
    c = ResultCache(ttl_s=60)
    calls = []

    def slow() -> tuple[bytes, str]:
        calls.append(1)
        time.sleep(0.2)
        return b"x", "m"

    out = []
    threads = [threading.Thread(target=lambda: out.append(c.get_or_compute("k", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and out == [(b"x", "m")] * 8


def test_errors_are_not_cached() -> None:
    c = ResultCache(ttl_s=60)

    def boom() -> tuple[bytes, str]:
        raise ValueError("no")

    for _ in range(2):
        with pytest.raises(ValueError):
            c.get_or_compute("k", boom)
    assert len(c) == 0
    assert c.get_or_compute("k", lambda: (b"ok", "m")) == (b"ok", "m")


def test_keyed_on_the_data_version() -> None:
    # A write by anyone moves the store's data version: the next read is computed afresh
    # even within the time-to-live, and the entries of the old version are gone.
    version = [1]
    c = ResultCache(ttl_s=600, version=lambda: version[0])
    assert c.get_or_compute("k", lambda: (b"before", "m")) == (b"before", "m")
    assert c.get_or_compute("k", lambda: (b"other", "m")) == (b"before", "m")
    version[0] = 2
    assert c.get_or_compute("k", lambda: (b"after", "m")) == (b"after", "m")
    assert len(c) == 1
