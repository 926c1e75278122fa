"""Every gap function on the bundled demo data, and the same answers from LadybugDB and Neo4j."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from storetools import NEO4J_SKIP, NEO4J_URI, fresh_store, neo4j_store

from chainkg.graph.store import GraphStore
from chainkg.ingest.demo import load_demo
from chainkg.queries.chainengine.candidates import fill_candidates
from chainkg.queries.chainengine.chain import ChainQuestion, base_chain, chain_graph
from chainkg.queries.chainengine.complement import complementarity
from chainkg.queries.chainengine.gaps import base_chain_summary, find_gaps, weak_links, what_if

BASES = ["sz-led", "sz-hitech", "su-ind", "hf-new"]


def answers(store: GraphStore, base: str) -> dict[str, Any]:
    """Every answer for one base, as plain data."""
    gaps = find_gaps(store, ChainQuestion(base, 3), limit=None)
    weak = weak_links(store, ChainQuestion(base, 3), limit=None)
    out: dict[str, Any] = {
        "chain": base_chain(store, ChainQuestion(base, 3)).model_dump(),
        "gaps": [g.model_dump() for g in gaps],
        "weak": [w.model_dump() for w in weak],
        "summary": base_chain_summary(store, ChainQuestion(base, 3)).model_dump(),
        "complement": complementarity(store, ChainQuestion(base, 3), limit=None).model_dump(),
    }
    if weak:
        out["what_if"] = what_if(store, ChainQuestion(base, 3), [weak[0].enterprise.key], limit=None).model_dump()
    if gaps:
        out["candidates"] = fill_candidates(store, base, f"{gaps[0].label}:{gaps[0].key}", limit=None).model_dump()
    return out


@pytest.fixture(scope="module")
def demo_lb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    store = fresh_store("ladybug", Path(tmp_path_factory.mktemp("demo")) / "graph.lbug", load_demo)
    try:
        yield store
    finally:
        store.close()


@pytest.mark.parametrize("base", BASES)
def test_demo_bases(demo_lb: GraphStore, base: str) -> None:
    a = answers(demo_lb, base)
    s = a["summary"]
    assert s["segments"] == s["covered"] + s["gaps"] > 0
    assert {g["key"] for g in a["gaps"]}.isdisjoint(
        {seg["key"] for seg in a["chain"]["segments"] if seg["enterprises"]}
    )
    for g in a["gaps"]:
        assert g["path"][0]["key"] == g["key"] and g["why"] and g["why_zh"]
    graph = chain_graph(demo_lb, ChainQuestion(base, 3))
    assert graph.number_of_nodes() == s["segments"]
    assert {d["status"] for _, d in graph.nodes(data=True)} <= {"covered", "weak", "gap"}


def test_demo_sz_led_story(demo_lb: GraphStore) -> None:
    """The LED base lacks the LED packages and chips its displays need; 国星光电 could bring them."""
    gaps = find_gaps(demo_lb, ChainQuestion("sz-led", 3, level="product"), limit=3)
    assert gaps[0].name == "SMDLED器件" and "LED显示屏" in gaps[0].needed_by
    c = fill_candidates(demo_lb, "sz-led", "SMDLED器件")
    assert c.candidates[0].name == "国星光电"
    assert {"same_province", "alliance", "supply"} <= {r.code for r in c.candidates[0].reasons}


@pytest.mark.neo4j
@pytest.mark.slow
def test_demo_same_answers_on_both_stores(demo_lb: GraphStore) -> None:
    if not NEO4J_URI:
        pytest.skip(NEO4J_SKIP)
    nj = neo4j_store()
    try:
        load_demo(nj)
        for base in BASES:
            assert answers(nj, base) == answers(demo_lb, base), base
    finally:
        nj.close()
