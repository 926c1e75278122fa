"""Link prediction on organization–field graphs: hand-computed scores and orders, invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainkg.graph.analytics.linkpred import METHODS, bipartite_graph, check_method, rank_partners, score_pairs

# e reaches x, y; u reaches x, y; v reaches x; w reaches x, z.  deg(x)=4, deg(y)=2, deg(z)=1.
EDGES = [("e", "x"), ("e", "y"), ("u", "x"), ("u", "y"), ("v", "x"), ("w", "x"), ("w", "z")]


def test_scores_by_hand() -> None:
    g = bipartite_graph(EDGES)
    pairs = [("e", "u"), ("e", "v"), ("e", "w")]
    ra = score_pairs(g, pairs, "resource_allocation")
    assert ra[("e", "u")] == pytest.approx(1 / 4 + 1 / 2)
    assert ra[("e", "v")] == pytest.approx(1 / 4)
    assert ra[("e", "w")] == pytest.approx(1 / 4)
    aa = score_pairs(g, pairs, "adamic_adar")
    assert aa[("e", "u")] == pytest.approx(1 / math.log(4) + 1 / math.log(2))
    assert aa[("e", "v")] == pytest.approx(1 / math.log(4))
    jc = score_pairs(g, pairs, "jaccard")
    assert jc[("e", "u")] == pytest.approx(1.0)  # {x,y} / {x,y}
    assert jc[("e", "v")] == pytest.approx(1 / 2)  # {x} / {x,y}
    assert jc[("e", "w")] == pytest.approx(1 / 3)  # {x} / {x,y,z}


def test_rank_order_ties_and_exclusion() -> None:
    g = bipartite_graph(EDGES)
    ranked = rank_partners(g, "e", ["u", "v", "w"], "resource_allocation")
    # v and w tie at 0.25 with one shared field each: broken by name.
    assert [(r.node, r.common) for r in ranked] == [("u", ("x", "y")), ("v", ("x",)), ("w", ("x",))]
    assert [r.node for r in rank_partners(g, "e", ["u", "v", "w"], "jaccard")] == ["u", "v", "w"]
    assert [r.node for r in rank_partners(g, "e", ["u", "v", "w"], exclude={"u"})] == ["v", "w"]
    assert [r.node for r in rank_partners(g, "e", ["u", "v", "w"], limit=1)] == ["u"]


def test_no_shared_field_no_candidate() -> None:
    g = bipartite_graph([*EDGES, ("lonely", "q")])
    assert rank_partners(g, "e", ["lonely", "e"]) == []
    assert rank_partners(g, "missing", ["u"]) == []


def test_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown link-prediction method"):
        check_method("cosine")
    assert set(METHODS) == {"resource_allocation", "adamic_adar", "jaccard"}


ORGS = [f"o{i}" for i in range(6)]
FIELDS = [f"F{i}" for i in range(4)]


@given(
    edges=st.sets(st.tuples(st.sampled_from(ORGS), st.sampled_from(FIELDS)), min_size=1, max_size=20),
    exclude=st.sets(st.sampled_from(ORGS), max_size=3),
    method=st.sampled_from(METHODS),
)
def test_ranking_invariants(edges: set[tuple[str, str]], exclude: set[str], method: str) -> None:
    g = bipartite_graph(edges)
    ranked = rank_partners(g, "o0", ORGS, method, exclude=exclude)
    nbrs = {f for o, f in edges if o == "o0"}
    for r in ranked:
        assert r.node not in exclude and r.node != "o0"
        assert set(r.common) == nbrs & {f for o, f in edges if o == r.node} != set()
        assert r.score > 0
        if method == "jaccard":
            assert r.score <= 1.0
    keys = [(-r.score, -len(r.common), r.node) for r in ranked]
    assert keys == sorted(keys)
