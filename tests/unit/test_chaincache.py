"""ChainCache keeps a value only for the data version it was computed at, within a size bound."""

from __future__ import annotations

from pathlib import Path

from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.queries.chainengine import engine_for
from chainkg.queries.chainengine.kept import BYTES_PER_ITEM, ChainCache


def test_a_value_holds_for_its_version_only() -> None:
    c: ChainCache[str] = ChainCache(max_items=100)
    c.put("b1", version=3, value="chain", size=10)
    assert c.get("b1", 3) == "chain"
    assert c.get("b1", 4) is None  # the data changed: stale, and dropped
    assert c.get("b1", 3) is None and len(c) == 0 and c.size == 0


def test_a_version_is_any_hashable_compared_for_equality() -> None:
    # Neo4j's version is a set of bookmark strings, not a number.
    c: ChainCache[str] = ChainCache(max_items=100)
    c.put("b1", version=frozenset({"FB:a"}), value="chain", size=10)
    assert c.get("b1", frozenset({"FB:a"})) == "chain"
    assert c.get("b1", frozenset({"FB:b"})) is None and len(c) == 0


def test_least_recently_used_goes_first_and_the_size_is_bounded() -> None:
    c: ChainCache[str] = ChainCache(max_items=10)
    c.put("a", 1, "A", size=4)
    c.put("b", 1, "B", size=4)
    assert c.get("a", 1) == "A"  # a is now the more recently used
    c.put("c", 1, "C", size=4)  # 12 > 10: b goes
    assert (c.get("a", 1), c.get("b", 1), c.get("c", 1)) == ("A", None, "C")
    assert c.size == 8
    c.put("huge", 1, "H", size=11)  # larger than the whole cache: not kept, nothing evicted
    assert c.get("huge", 1) is None and c.size == 8
    c.put("a", 2, "A2", size=1)  # a key put again replaces its value and its size
    assert c.get("a", 2) == "A2" and c.size == 5


def test_cached_recomputes_after_a_write_and_not_before(tmp_path: Path) -> None:
    store = LadybugStore(tmp_path / "g.lbug")
    try:
        store.ensure_schema()
        calls: list[int] = []

        def compute() -> str:
            calls.append(1)
            return f"value {len(calls)}"

        assert engine_for(store).cached("k", compute, len) == "value 1"
        assert engine_for(store).cached("k", compute, len) == "value 1"  # unchanged data: kept
        store.merge_nodes("Product", [{"key": "硅片"}])
        assert engine_for(store).cached("k", compute, len) == "value 2"  # a write: computed again
        assert len(calls) == 2
    finally:
        store.close()


def test_a_value_computed_while_the_data_changed_is_not_kept(tmp_path: Path) -> None:
    store = LadybugStore(tmp_path / "g.lbug")
    try:
        store.ensure_schema()

        def compute_during_a_write() -> str:
            store.merge_nodes("Product", [{"key": "硅片"}])
            return "seen mid-write"

        assert engine_for(store).cached("k", compute_during_a_write, len) == "seen mid-write"
        assert engine_for(store).chains.get("k", store.data_version()) is None
    finally:
        store.close()


def test_the_budget_resizes_and_zero_keeps_nothing(tmp_path: Path) -> None:
    store = LadybugStore(tmp_path / "g.lbug")
    try:
        store.ensure_schema()
        engine_for(store).set_budget(1)  # 1 MB: about 2,900 segments and links
        cache = engine_for(store).chains
        assert cache.max_items == 1_000_000 // BYTES_PER_ITEM
        engine_for(store).cached("a", lambda: "A", lambda _: 2_000)
        engine_for(store).cached("b", lambda: "B", lambda _: 800)
        assert cache.size == 2_800
        engine_for(store).set_budget(0.5)  # 1,449 items: a (least recently used) goes
        assert cache.get("a", store.data_version()) is None and cache.size == 800
        engine_for(store).set_budget(0)
        assert len(cache) == 0
        calls: list[int] = []
        engine_for(store).cached("c", lambda: calls.append(1), lambda _: 1)
        engine_for(store).cached("c", lambda: calls.append(1), lambda _: 1)
        assert len(calls) == 2  # nothing is kept
    finally:
        store.close()
