"""The held link graphs (the chain engine) give the same chains as the step-by-step store walk, on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chainkg.graph.store import GraphStore
from chainkg.ingest.demo import DEMO_BASES
from chainkg.queries.chainengine import DEFAULT_MAX_LINKS, engine_for
from chainkg.queries.chainengine.chain import BASE_MAKES, ChainQuestion, load_chain
from chainkg.queries.chainengine.fetch import Level
from chainkg.queries.chainengine.gaps import find_gaps, weak_links


@pytest.fixture
def demo(demo_graph: GraphStore) -> Iterator[GraphStore]:
    """The demo data (tests/conftest.py ``demo_graph``); the index limit is restored afterwards."""
    try:
        yield demo_graph
    finally:
        engine_for(demo_graph).set_limit(DEFAULT_MAX_LINKS)


def chain_facts(store: GraphStore, base: str, depth: int) -> dict[str, Any]:
    """Everything a base's chain says, per level, as plain comparable data (cache cleared first)."""
    engine_for(store).chains.clear()
    data = load_chain(store, ChainQuestion(base, depth, level="both"))
    out: dict[str, Any] = {}
    for name, lc in data.levels.items():
        c = lc.chain
        out[name] = {
            "distance": dict(c.distance),
            "segments": c.segments,
            "paths": {s: c.path(s) for s in c.distance},
            "stages": dict(c.stages),
            "coverage": dict(lc.coverage),
            "links": set(c.links),
            "anchors": c.anchors,
        }
    return out


def gap_answers(store: GraphStore, base: str, depth: int) -> dict[str, Any]:
    """find_gaps and weak_links for a base, as plain data (cache cleared first)."""
    engine_for(store).chains.clear()
    return {
        "gaps": [g.model_dump() for g in find_gaps(store, ChainQuestion(base, depth), limit=None)],
        "weak": [w.model_dump() for w in weak_links(store, ChainQuestion(base, depth), limit=None)],
    }


def test_held_graph_gives_the_same_chains_as_the_store_walk(demo: GraphStore) -> None:
    held: dict[tuple[str, int], Any] = {}
    for base in DEMO_BASES:
        for depth in (1, 2, 3):
            held[(base, depth)] = (chain_facts(demo, base, depth), gap_answers(demo, base, depth))
    assert engine_for(demo).level_graph("product") is not None
    assert engine_for(demo).level_graph("industry") is not None
    engine_for(demo).set_limit(0)  # walk every chain step by step in the store
    assert engine_for(demo).level_graph("product") is None
    nonempty = 0
    for (base, depth), (facts, answers) in held.items():
        stepwise = chain_facts(demo, base, depth)
        assert stepwise == facts, (base, depth)
        assert gap_answers(demo, base, depth) == answers, (base, depth)
        nonempty += sum(len(lv["links"]) > 0 for lv in facts.values())
    assert nonempty > 0  # the comparison covered real walks


def test_held_graph_is_refreshed_after_a_write(demo: GraphStore) -> None:
    base = DEMO_BASES[0]
    made = sorted(demo.run(BASE_MAKES, {"base": base})[0]["key"])[0]
    before = load_chain(demo, ChainQuestion(base, 2, level="product")).levels["product"].chain
    graph = engine_for(demo).level_graph("product")
    assert graph is not None
    new = "测试新原料"
    assert new not in before
    demo.merge_nodes("Product", [{"key": new, "name": new}])
    demo.merge_rels("INPUT_TO", "Product", "Product", [{"src": new, "dst": made}])
    after = load_chain(demo, ChainQuestion(base, 2, level="product")).levels["product"].chain  # no forget()
    assert after.distance[new] == 1
    assert after.path(new) == [(new, "INPUT_TO"), (made, None)]
    assert after.stage(new) == "upstream"
    refreshed = engine_for(demo).level_graph("product")
    assert refreshed is not None and refreshed is not graph and new in refreshed.ids


def test_level_over_the_limit_is_not_held(demo: GraphStore) -> None:
    with_index = {b: gap_answers(demo, b, 3) for b in DEMO_BASES}
    assert any(a["gaps"] for a in with_index.values())  # the comparison below covers real answers
    engine_for(demo).set_limit(1)
    assert engine_for(demo).level_graph("product") is None
    for b in DEMO_BASES:
        assert gap_answers(demo, b, 3) == with_index[b], b


def test_level_graph_is_held_while_nothing_is_written(demo: GraphStore) -> None:
    levels: tuple[Level, ...] = ("product", "industry")
    for level in levels:
        first = engine_for(demo).level_graph(level)
        assert first is not None and len(first) > 0
        assert engine_for(demo).level_graph(level) is first
