"""fewer_collections raises the collector's young threshold and always restores it."""

from __future__ import annotations

import gc
import threading

import pytest

from chainkg.gctuning import YOUNG_THRESHOLD, fewer_collections, with_fewer_collections


def test_raises_and_restores() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, before[0])
        assert gc.get_threshold()[1:] == before[1:]
        with fewer_collections():  # nested: still raised, and restored only at the end
            assert gc.get_threshold()[0] >= YOUNG_THRESHOLD
        assert gc.get_threshold()[0] >= YOUNG_THRESHOLD
    assert gc.get_threshold() == before


def test_restores_after_an_error() -> None:
    before = gc.get_threshold()

    @with_fewer_collections
    def boom() -> None:
        raise RuntimeError("x")

    with pytest.raises(RuntimeError):
        boom()
    assert gc.get_threshold() == before


def test_overlapping_threads_restore_once_all_have_left() -> None:
    before = gc.get_threshold()
    inside = threading.Barrier(4)
    leave = threading.Event()
    seen: list[int] = []

    def query() -> None:
        with fewer_collections():
            inside.wait()
            leave.wait()
            seen.append(gc.get_threshold()[0])

    threads = [threading.Thread(target=query) for _ in range(3)]
    for t in threads:
        t.start()
    inside.wait()  # all three are inside
    assert gc.get_threshold()[0] >= YOUNG_THRESHOLD
    leave.set()
    for t in threads:
        t.join()
    assert all(v >= YOUNG_THRESHOLD for v in seen[:2])  # the first two leave while others are inside
    assert gc.get_threshold() == before


def test_collection_switched_off_stays_off() -> None:
    before = gc.get_threshold()
    gc.set_threshold(0)
    try:
        with fewer_collections():
            assert gc.get_threshold()[0] == 0
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)
