"""The chain engine: one per store, what it holds, and link graphs kept on disk per data stamp."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.demo import load_demo
from chainkg.queries.chainengine import ChainEngine, attach, engine_for
from chainkg.queries.chainengine import engine as engine_module
from chainkg.queries.chainengine.chain import ChainQuestion, load_chain
from chainkg.queries.chainengine.disk import fingerprint
from chainkg.queries.products import product_info
from chainkg.settings import Settings


def _same(a: object, b: object) -> bool:
    return all(np.array_equal(getattr(a, f), getattr(b, f)) for f in ("src", "dst", "rel", "ptr")) and (
        getattr(a, "keys") == getattr(b, "keys")  # noqa: B009
    )


@pytest.mark.slow  # loads a whole data set (seconds of CPU): CI runs it, the fast loop leaves it out
def test_link_graphs_come_from_disk_in_the_next_process_and_not_after_a_write(tmp_path: Path) -> None:
    path = tmp_path / "graph.lbug"
    store = LadybugStore(path)
    store.ensure_schema()
    load_demo(store)
    first = ChainEngine(store, disk=tmp_path / "chain-index")
    graph = first.level_graph("product")
    info = product_info(store)
    assert graph is not None and len(graph) > 0
    stamp = fingerprint(store)
    assert stamp is not None
    chain = load_chain(store, ChainQuestion("sz-led", 2, level="product")).levels["product"].chain.segments
    store.close()

    # The next process: nothing held in memory, the store's stamp unchanged by opening it.
    again = LadybugStore(path)
    again.ensure_schema()  # creates nothing new: the stamp stays
    assert fingerprint(again) == stamp
    second = attach(ChainEngine(again, disk=tmp_path / "chain-index"))
    assert engine_for(again) is second
    loaded = second.disk.load_graph("product", stamp) if second.disk else None
    assert loaded is not None and _same(loaded, graph)
    assert _same(second.level_graph("product"), graph)
    assert load_chain(again, ChainQuestion("sz-led", 2, level="product")).levels["product"].chain.segments == chain
    assert product_info(again).feeds == info.feeds

    # A write replaces the stamp: what was kept on disk is no longer found.
    again.execute("MATCH (p:Product {key: '蓝宝石衬底'}) SET p.name = '蓝宝石衬底'")
    after = fingerprint(again)
    assert after is not None and after != stamp
    assert second.disk is not None and second.disk.load_graph("product", after) is None
    again.close()


@pytest.mark.slow  # loads a whole data set (seconds of CPU): CI runs it, the fast loop leaves it out
def test_one_engine_per_store_holds_chains_within_its_budget(tmp_path: Path) -> None:
    store = LadybugStore(tmp_path / "graph.lbug")
    store.ensure_schema()
    load_demo(store)
    engine = engine_for(store)
    assert engine_for(store) is engine
    engine.set_budget(0)  # keep no chain
    load_chain(store, ChainQuestion("sz-led", 2))
    assert len(engine.chains) == 0
    engine.set_budget(50)
    load_chain(store, ChainQuestion("sz-led", 2))
    assert len(engine.chains) == 1
    store.close()


def test_link_graphs_on_disk_for_either_store_and_a_new_engine_loads_them(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(store)
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    first = ChainEngine.from_settings(store, settings)
    assert first.disk is not None
    if store.backend == "neo4j":  # one folder per server and database, under the data dir
        assert first.disk.folder.parent == settings.data_dir / "chain-index"
        assert first.disk.folder.name.startswith("neo4j-")
    graph = first.level_graph("product")
    assert graph is not None and len(graph) > 0
    print_ = fingerprint(store)
    assert print_ is not None and fingerprint(store) == print_  # the same data: the same name
    kept = first.disk.load_graph("product", print_)
    assert kept is not None and _same(kept, graph)

    # A new engine (a new worker, a CLI command) holds nothing: it loads the file, fetches nothing.
    def no_fetch(*args: object) -> None:
        raise AssertionError("fetched from the store although the disk copy was current")

    monkeypatch.setattr(engine_module, "fetch_level", no_fetch)
    second = ChainEngine.from_settings(store, settings)
    assert second.disk is not None and second.disk.folder == first.disk.folder
    loaded = second.level_graph("product")
    assert loaded is not None and _same(loaded, graph)
    monkeypatch.undo()

    # A write (by anyone) changes the name: the old file is not taken for the new data.
    store.merge_nodes("Product", [{"key": "新产品-测试", "name": "新产品-测试"}])
    after = fingerprint(store)
    assert after is not None and after != print_
    assert second.disk.load_graph("product", after) is None
    assert second.level_graph("product") is not None  # fetched again, and kept under the new name
    assert second.disk.load_graph("product", after) is not None
