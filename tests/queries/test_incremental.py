"""Kept link graphs and product facts refreshed after a write equal a fetch from scratch, on both stores.

Each step writes a little (a product link, a firm that closes and moves, a product made, a
sub-class, an industry renamed and reweighted, quality fields), then a new engine (the next
reader: a worker, a command) makes what it keeps for the new data from the copy on disk and the
journal of the writes. Its graphs, facts and answers (gaps, chain, fill candidates of a base)
must equal those of an engine that fetches everything from the store. A write the journal has
no keys for, or a missing record, must make the reader fetch whole.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from chainkg.graph.analytics.linkgraph import LinkGraph
from chainkg.graph.store import GraphStore
from chainkg.queries.chainengine import ChainEngine, attach
from chainkg.queries.chainengine.candidates import fill_candidates
from chainkg.queries.chainengine.chain import ChainQuestion, load_chain
from chainkg.queries.chainengine.disk import JOURNAL
from chainkg.queries.chainengine.fetch import LEVELS, fetch_level
from chainkg.queries.chainengine.gaps import base_chain_summary, find_gaps
from chainkg.queries.products import ProductInfo, _fetch, product_info

BASE = "sz-led"


def _same_graph(a: LinkGraph | None, b: LinkGraph | None) -> None:
    assert a is not None and b is not None
    assert a.keys == b.keys and a.rels == b.rels and dict(a.names) == dict(b.names)
    for name in ("src", "dst", "rel", "ptr"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.weight, b.weight, equal_nan=True)


def _same_info(a: ProductInfo, b: ProductInfo) -> None:
    for f in fields(ProductInfo):
        if f.name != "memo":
            assert getattr(a, f.name) == getattr(b, f.name), f.name


def _answers(store: GraphStore) -> dict[str, Any]:
    gaps = find_gaps(store, ChainQuestion(BASE), limit=None)
    chain = load_chain(store, ChainQuestion(BASE))
    segment = gaps[0].key if gaps else "LED芯片"
    return {
        "gaps": [g.model_dump() for g in gaps],
        "summary": base_chain_summary(store, ChainQuestion(BASE)).model_dump(),
        "chain": {lv: (repr(lc.chain), sorted(lc.coverage.items()), dict(lc.names)) for lv, lc in chain.levels.items()},
        "candidates": fill_candidates(store, BASE, segment, limit=None).model_dump(),
    }


class Reader:
    """A new engine on the store each time, as the next process would have (disk copies kept)."""

    def __init__(self, store: GraphStore, folder: Path) -> None:
        self.store, self.folder = store, folder

    def engine(self) -> ChainEngine:
        return attach(ChainEngine(self.store, disk=self.folder))

    def check(self, *, refreshed: bool) -> None:
        """What a new engine keeps equals a fetch from scratch; made by refresh (or by fetch)."""
        engine = self.engine()
        got = {lv: engine.level_graph(lv) for lv in LEVELS}
        info = product_info(self.store)
        if refreshed:
            assert engine.made["fetched"] == 0 and engine.made["refreshed"] == 3, engine.made
        else:
            assert engine.made["fetched"] > 0, engine.made
        answers = _answers(self.store)
        for lv in LEVELS:
            _same_graph(got[lv], fetch_level(self.store, lv, 10**9))
        _same_info(info, _fetch(self.store))
        # The same questions on an engine that holds nothing and keeps nothing: fetched whole.
        attach(ChainEngine(self.store))
        assert _answers(self.store) == answers


def _some(store: GraphStore, cypher: str, n: int = 2) -> list[Any]:
    """The first ``n`` answers in key order: the same rows on both stores and on every run (a
    store's own order without ORDER BY can differ between loads)."""
    rows = sorted((r["k"] if len(r) == 1 else tuple(r.values())) for r in store.execute(cypher))
    assert len(rows) >= n, cypher
    return rows[:n]


def _unlinked(store: GraphStore, products: list[tuple[str, str]]) -> tuple[str, str]:
    """A new INPUT_TO pair among ``products``: a link that exists already would be a write that
    changes nothing, and Neo4j then names no new data version (nothing to refresh)."""
    keys = sorted({k for pair in products for k in pair})
    linked = {
        (r["x"], r["p"])
        for r in store.execute(
            "MATCH (x:Product)-[:INPUT_TO]->(p:Product) WHERE x.key IN $keys AND p.key IN $keys "
            "RETURN x.key AS x, p.key AS p",
            {"keys": keys},
        )
    }
    return next((x, p) for x in keys for p in keys if x != p and (x, p) not in linked)


def test_refreshed_after_small_writes_equals_a_fetch_from_scratch(demo_graph: GraphStore, tmp_path: Path) -> None:
    store = demo_graph
    if store.backend == "neo4j":
        store.sole_writer = True  # type: ignore[attr-defined]  # the operator's promise (CHAINKG_NEO4J_SOLE_WRITER)
    reader = Reader(store, tmp_path / "chain-index")
    reader.engine().warm()  # what the first reader keeps for the loaded data
    store.changes.take()  # the load itself: its copies were fetched whole above
    reader.engine().note_writes()
    made = [k for k in _some(store, "MATCH (e:Enterprise)-[:LOCATED_IN]->(:Base {key: 'sz-led'}) RETURN e.key AS k")]
    products = _some(store, "MATCH (x:Product)-[:INPUT_TO]->(p:Product) RETURN x.key AS k, p.key AS p", 3)
    industries = _some(store, "MATCH (a:Industry)-[:UPSTREAM_OF]->(b:Industry) RETURN a.key AS k, b.key AS b", 1)
    other_base = _some(store, "MATCH (b:Base) WHERE b.key <> 'sz-led' RETURN b.key AS k", 1)[0]

    def step(write: Any) -> None:
        write()
        reader.engine().note_writes()  # the writer's part, as `chainkg ingest` and an upload do
        reader.check(refreshed=True)

    # A product link added between existing products, and one to a new product.
    step(
        lambda: (
            store.merge_nodes("Product", [{"key": "测试新产品", "name": "测试新产品"}]),
            store.merge_rels(
                "INPUT_TO",
                "Product",
                "Product",
                [{"src": products[0][0], "dst": products[1][1]}, {"src": "测试新产品", "dst": products[2][1]}],
            ),
        )
    )
    # A link between products that are all in the graph already (numbered as before).
    src, dst = _unlinked(store, products)
    step(lambda: store.merge_rels("INPUT_TO", "Product", "Product", [{"src": src, "dst": dst}]))
    # A firm of the base closes; another moves to another base.
    step(
        lambda: (
            store.merge_nodes("Enterprise", [{"key": made[0], "closed": 2024, "defunct": True}]),
            store.merge_rels("LOCATED_IN", "Enterprise", "Base", [{"src": made[1], "dst": other_base}]),
        )
    )
    # A product made by a firm of the base, a sub-class link, quality fields of two products.
    step(
        lambda: (
            store.merge_rels("MAKES", "Enterprise", "Product", [{"src": made[1], "dst": products[1][1]}]),
            store.merge_rels("SUBTYPE_OF", "Product", "Product", [{"src": "测试新产品", "dst": products[0][0]}]),
            store.merge_nodes(
                "Product",
                [
                    {"key": products[2][0], "synonym_group": products[0][0], "quality_source": "测试", "flags": []},
                    {"key": "测试新产品", "synonym_group": "测试新产品", "quality_source": "测试", "flags": ["brand"]},
                ],
            ),
        )
    )
    # A delete whose pairs the writer declares, as the loaders do for the leading industries and
    # memberships they drop: the base leads in one industry fewer (its chain changes).
    lead = _some(store, "MATCH (:Base {key: 'sz-led'})-[:LEADS_IN]->(i:Industry) RETURN i.key AS k", 1)[0]

    def drop_lead() -> None:
        with store.changes.writing(rels={"LEADS_IN": [(BASE, lead)]}):
            store.execute(
                "MATCH (:Base {key: $b})-[r:LEADS_IN]->(:Industry {key: $i}) DELETE r", {"b": BASE, "i": lead}
            )

    step(drop_lead)
    # An industry renamed and an upstream link reweighted.
    a, b = industries[0]
    step(
        lambda: (
            store.merge_nodes("Industry", [{"key": a, "name": "测试行业名"}]),
            store.merge_rels("UPSTREAM_OF", "Industry", "Industry", [{"src": a, "dst": b, "weight": 0.123}]),
        )
    )


def test_a_write_without_keys_or_a_missing_record_means_a_fetch(demo_graph: GraphStore, tmp_path: Path) -> None:
    store = demo_graph
    if store.backend == "neo4j":
        store.sole_writer = True  # type: ignore[attr-defined]
    reader = Reader(store, tmp_path / "chain-index")
    reader.engine().warm()
    reader.engine().note_writes()
    x, p = _some(store, "MATCH (x:Product)-[:INPUT_TO]->(p:Product) RETURN x.key AS k, p.key AS p", 1)[0]

    # A raw delete: the journal says the keys are unknown, so the next reader fetches whole.
    store.execute(
        "MATCH (x:Product {key: $x})-[r:INPUT_TO]->(p:Product {key: $p}) DELETE r",
        {"x": x, "p": p},
    )
    reader.engine().note_writes()
    reader.check(refreshed=False)

    # A record lost (a write by a process that did not note it): the journal has a gap.
    store.merge_rels("INPUT_TO", "Product", "Product", [{"src": x, "dst": p}])
    store.changes.take()  # taken and dropped: no record of this write reaches the journal
    store.merge_nodes("Product", [{"key": "测试新产品2", "name": "测试新产品2"}])
    reader.engine().note_writes()
    assert (reader.folder / JOURNAL).exists()
    reader.check(refreshed=False)
    # And with the journal whole again, the next small write is refreshed.
    store.merge_rels("INPUT_TO", "Product", "Product", [{"src": "测试新产品2", "dst": p}])
    reader.engine().note_writes()
    reader.check(refreshed=True)


@pytest.mark.parametrize("sole", [False])
def test_neo4j_without_the_sole_writer_promise_names_no_version(sole: bool, store: GraphStore) -> None:
    if store.backend != "neo4j":
        assert store.version_name() is not None  # the embedded store: its data stamp
        return
    assert store.version_name() is None and getattr(store, "sole_writer", None) is sole
    store.merge_nodes("Product", [{"key": "测试新产品3", "name": "测试新产品3"}])
    assert store.changes.take() is None  # nothing to chain by: readers fetch whole
