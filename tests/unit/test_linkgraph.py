"""LinkGraph on tiny hand-built graphs, walk_graph specifics, and walk_upstream against a reference BFS."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainkg.graph.analytics.chain import MAX_DEPTH, Link, walk_graph, walk_upstream
from chainkg.graph.analytics.linkgraph import LinkGraph

# -- LinkGraph by hand -----------------------------------------------------------------------------

# Keys a < b < c < d get ids 0..3; rels INPUT_TO < SUBTYPE_OF get codes 0, 1.
SRC = ["b", "a", "a", "a", "a", "a", "a", "d", "c", "a"]
DST = ["c", "c", "c", "c", "c", "c", "c", "d", "b", "c"]
REL = ["INPUT_TO", "INPUT_TO", "INPUT_TO", "SUBTYPE_OF", "INPUT_TO", "INPUT_TO", "INPUT_TO", "INPUT_TO", "INPUT_TO"]
REL += ["INPUT_TO"]
WEIGHT: list[float | None] = [1.0, 1.0, 1.0, 1.0, 2.0, None, None, 1.0, None, 0.0]
# Kept: b->c I 1.0; a->c I 1.0 (once); a->c S 1.0 (other rel); a->c I 2.0 (other weight);
# a->c I None (once); a->c I 0.0 (0.0 is not None); c->b I None. Dropped: the d->d self-loop.


@pytest.fixture
def g() -> LinkGraph:
    return LinkGraph.from_columns(SRC, DST, REL, WEIGHT)


def test_keys_ids_and_rels_follow_sorted_order(g: LinkGraph) -> None:
    assert g.keys == ["a", "b", "c", "d"]  # d only has a self-loop, but is still numbered
    assert g.ids == {"a": 0, "b": 1, "c": 2, "d": 3}
    assert g.rels == ("INPUT_TO", "SUBTYPE_OF")
    r = LinkGraph.from_columns(["x", "y"], ["z", "z"], ["SUBTYPE_OF", "INPUT_TO"])
    assert r.rels == ("INPUT_TO", "SUBTYPE_OF")
    assert r.rel.tolist() == [1, 0]  # x->z SUBTYPE_OF before y->z INPUT_TO: sorted by src before rel


def test_links_sorted_deduplicated_and_self_loops_dropped(g: LinkGraph) -> None:
    assert len(g) == 7
    # Sorted by dst, src, rel, then weighted before unweighted, by weight.
    assert g.dst.tolist() == [1, 2, 2, 2, 2, 2, 2]
    assert g.src.tolist() == [2, 0, 0, 0, 0, 0, 1]
    assert g.rel.tolist() == [0, 0, 0, 0, 0, 1, 0]
    w = g.weight.tolist()
    assert math.isnan(w[0]) and math.isnan(w[4])
    assert [w[1], w[2], w[3], w[5], w[6]] == [0.0, 1.0, 2.0, 1.0, 1.0]
    assert not np.any(g.src == g.dst)


def test_ptr_and_incoming_give_the_links_into_nodes(g: LinkGraph) -> None:
    assert g.ptr.tolist() == [0, 0, 1, 7, 7]
    assert g.incoming(np.array([2])).tolist() == [1, 2, 3, 4, 5, 6]
    assert g.incoming(np.array([1])).tolist() == [0]
    assert g.incoming(np.array([2, 1])).tolist() == [1, 2, 3, 4, 5, 6, 0]  # node by node, in order given
    assert g.incoming(np.array([0, 3])).tolist() == []
    assert g.incoming(np.zeros(0, dtype=np.int64)).tolist() == []
    for node in range(len(g.keys)):  # every node: exactly the links whose dst it is
        assert set(g.incoming(np.array([node])).tolist()) == set(np.flatnonzero(g.dst == node).tolist())


def test_none_weight_is_nan_and_from_links_matches_from_columns() -> None:
    links = [Link("x", "y", "UPSTREAM_OF", None), Link("z", "y", "UPSTREAM_OF", 3.0), Link("x", "y", "UPSTREAM_OF")]
    g = LinkGraph.from_links(links)
    assert len(g) == 2  # the third duplicates the first (both without weight)
    assert math.isnan(g.weight[0]) and g.weight[1] == 3.0
    no_weights = LinkGraph.from_columns(["x"], ["y"], ["INPUT_TO"])
    assert math.isnan(no_weights.weight[0])
    named = LinkGraph.from_columns(["x"], ["y"], ["INPUT_TO"], names={"x": "甲"})
    assert named.names == {"x": "甲"}


# -- walk_graph specifics ------------------------------------------------------------------------


def test_anchor_no_link_touches() -> None:
    g = LinkGraph.from_columns(["硅片"], ["组件"], ["INPUT_TO"])
    c = walk_graph(g, ["组件", "孤品"], 3)
    assert c.distance == {"组件": 0, "硅片": 1, "孤品": 0}
    assert c.stage("孤品") == "downstream"
    assert c.path("孤品") == [("孤品", None)]
    assert c.nodes[-1] == "孤品"  # after the graph's segments
    assert c.anchors == frozenset({"组件", "孤品"})
    only = walk_graph(g, ["孤品"], 2)
    assert only.distance == {"孤品": 0} and only.n_links == 0 and only.links == ()


def test_depth_zero_gives_only_anchors() -> None:
    g = LinkGraph.from_columns(["硅片", "电池片"], ["电池片", "组件"], ["INPUT_TO", "INPUT_TO"])
    c = walk_graph(g, ["组件"], 0)
    assert c.distance == {"组件": 0}
    assert c.n_links == 0
    assert c.stages == {"组件": "downstream"}
    assert c.path("组件") == [("组件", None)]


@pytest.mark.parametrize("depth", [-1, MAX_DEPTH + 1])
def test_depth_out_of_range_raises(depth: int) -> None:
    g = LinkGraph.from_columns(["a"], ["b"], ["INPUT_TO"])
    with pytest.raises(ValueError, match="depth"):
        walk_graph(g, ["b"], depth)
    with pytest.raises(ValueError, match="depth"):
        walk_upstream([Link("a", "b", "INPUT_TO")], ["b"], depth)


# -- walk_upstream against a plain-Python reference ----------------------------------------------

GOODS = {"INPUT_TO", "UPSTREAM_OF"}
NODES = ["a", "b", "c", "d", "e", "f", "g"]
WEIGHTS = [None, None, -1.0, 0.0, 0.5, 1.0, 2.0, 3.0]


def reference(links: list[Link], anchors: list[str], depth: int) -> dict:
    """Distances, next steps, kept links, stages and downstream strengths, computed plainly."""
    uniq = {lk for lk in links if lk.src != lk.dst}  # Link equality: (src, dst, rel, weight)
    dist = {a: 0 for a in anchors}
    toward: dict[str, tuple[str, str]] = {}
    for d in range(depth):
        ring = {s for s, k in dist.items() if k == d}
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for lk in uniq:
            if lk.dst in ring and lk.src not in dist:
                found[lk.src].append((lk.dst, lk.rel))
        for s, options in found.items():
            dist[s] = d + 1
            toward[s] = min(options)
    kept = {lk for lk in uniq if lk.dst in dist and dist[lk.dst] < depth}
    # Stages: goods links decide; the rest take them from what they refine, nearest first.
    feeds = {lk.src for lk in kept if lk.rel in GOODS}
    fed = {lk.dst for lk in kept if lk.rel in GOODS}
    stage: dict[str, str] = {}
    for s in dist:
        if s in feeds and s in fed:
            stage[s] = "midstream"
        elif s in feeds:
            stage[s] = "upstream"
        elif s in fed:
            stage[s] = "downstream"
    ring = set(stage)
    while ring:
        nxt: dict[str, str] = {}
        for s in sorted(dist):
            if s in stage:
                continue
            parents = sorted(lk.dst for lk in kept if lk.rel not in GOODS and lk.src == s and lk.dst in ring)
            if parents:
                nxt[s] = stage[parents[0]]
        stage.update(nxt)
        ring = set(nxt)
    for s in dist:
        stage.setdefault(s, "downstream")
    # Strengths (Chain.strengths): shares of positive weights into a segment, or 1.0.
    total: dict[str, float] = defaultdict(float)
    for lk in kept:
        if lk.weight is not None and lk.weight > 0:
            total[lk.dst] += lk.weight
    any_positive = bool(total)
    best: dict[tuple[str, str], float] = {}
    for lk in kept:
        strength = 1.0
        if any_positive and lk.weight is not None and total[lk.dst] > 0:
            strength = max(lk.weight, 0.0) / total[lk.dst]
        best[(lk.src, lk.dst)] = max(best.get((lk.src, lk.dst), 0.0), strength)
    down: dict[str, set[tuple[str, float]]] = defaultdict(set)
    for (a, b), strength in best.items():
        if strength > 0:
            down[a].add((b, strength))
    return {"dist": dist, "toward": toward, "kept": kept, "stage": stage, "down": dict(down)}


@st.composite
def walks(draw: st.DrawFn) -> tuple[list[Link], list[str], int]:
    n = draw(st.integers(min_value=0, max_value=30))
    links = [
        Link(
            draw(st.sampled_from(NODES)),
            draw(st.sampled_from(NODES)),
            draw(st.sampled_from(["INPUT_TO", "SUBTYPE_OF"])),
            draw(st.sampled_from(WEIGHTS)),
        )
        for _ in range(n)
    ]
    anchors = draw(st.lists(st.sampled_from([*NODES, "z"]), min_size=1, max_size=3, unique=True))
    depth = draw(st.integers(min_value=0, max_value=MAX_DEPTH))
    return links, anchors, depth


def approx_down(down: dict) -> dict:
    """Downstream neighbours as sorted lists with approximate strengths, for comparison."""
    return {k: [(b, pytest.approx(s)) for b, s in sorted(v)] for k, v in down.items()}


@settings(max_examples=300, deadline=None)
@given(walks())
def test_walk_upstream_equals_reference_bfs(case: tuple[list[Link], list[str], int]) -> None:
    links, anchors, depth = case
    ref = reference(links, anchors, depth)
    c = walk_upstream(links, anchors, depth)
    assert c.distance == ref["dist"]
    for s, d in ref["dist"].items():
        path = c.path(s)
        assert len(path) == d + 1
        if d == 0:
            assert path == [(s, None)]
        else:
            assert (path[1][0], path[0][1]) == ref["toward"][s]
        assert c.toward.get(s) == ref["toward"].get(s)
    assert set(c.links) == ref["kept"]
    assert len(c.links) == len(ref["kept"])  # no duplicates among the kept links
    assert c.stages == ref["stage"]
    got_down = {k: sorted(v) for k, v in c.down.items()}
    assert set(got_down) == set(ref["down"])
    assert got_down == approx_down(ref["down"])


def test_small_and_large_factorize_agree() -> None:
    """The dict path (small inputs, no pandas import) numbers keys exactly as pandas' factorize does."""
    import random

    from chainkg.graph.analytics import linkgraph

    rng = random.Random(7)
    values = [f"产品{rng.randint(0, 400)}" for _ in range(5000)] + ["a", "Z", "0"]
    small_codes, small_keys = linkgraph._factorize(values)
    old = linkgraph._SMALL
    try:
        linkgraph._SMALL = 0
        large_codes, large_keys = linkgraph._factorize(values)
    finally:
        linkgraph._SMALL = old
    assert small_keys == large_keys and len(small_keys) > 300
    assert small_codes.tolist() == large_codes.tolist()
    assert [small_keys[c] for c in small_codes] == values
