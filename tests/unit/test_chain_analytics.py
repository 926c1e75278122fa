"""Chain analytics on tiny hand-built graphs with hand-computed answers, and property tests."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainkg.graph.analytics.chain import (
    Chain,
    Dependency,
    Link,
    chain_from_networkx,
    covered_set,
    dependency,
    gap_segments,
    status,
    to_networkx,
    walk_upstream,
    weak_segments,
)
from chainkg.graph.analytics.fill import CandidateFacts, rank_candidates, reasons_for
from chainkg.graph.analytics.whatif import what_if

# The product chain of the tests (links point downstream):
#   多晶硅 -> 硅片 -> 电池片 -> 组件 <- 单晶组件 (sub-class)
#   银浆 -> 电池片,  银浆 -> 芯片,  石英 -> 多晶硅 (4 steps from 组件: beyond depth 3)
# The base makes 组件 (A, B), 芯片 (C) and 硅片 (C).
LINKS = [
    Link("电池片", "组件", "INPUT_TO"),
    Link("硅片", "电池片", "INPUT_TO"),
    Link("多晶硅", "硅片", "INPUT_TO"),
    Link("银浆", "电池片", "INPUT_TO"),
    Link("银浆", "芯片", "INPUT_TO"),
    Link("单晶组件", "组件", "SUBTYPE_OF"),
    Link("石英", "多晶硅", "INPUT_TO"),
]
COVERAGE = {"组件": {"A", "B"}, "芯片": {"C"}, "硅片": {"C"}}
ANCHORS = ["组件", "芯片"]


@pytest.fixture
def chain() -> Chain:
    return walk_upstream(LINKS, ANCHORS, 3)


def test_walk_distances_stages_and_paths(chain: Chain) -> None:
    assert dict(chain.distance) == {
        "组件": 0,
        "芯片": 0,
        "电池片": 1,
        "单晶组件": 1,
        "银浆": 1,
        "硅片": 2,
        "多晶硅": 3,
    }
    assert "石英" not in chain
    stages = {s: chain.stage(s) for s in chain.segments}
    assert stages == {
        "组件": "downstream",  # fed, feeds nothing in the chain
        "芯片": "downstream",
        "单晶组件": "downstream",  # a sub-class takes the stage of what it refines
        "电池片": "midstream",  # fed and feeds
        "硅片": "midstream",
        "银浆": "upstream",  # feeds, nothing in the chain feeds it
        "多晶硅": "upstream",  # its input 石英 lies beyond the walk
    }
    assert chain.path("多晶硅") == [
        ("多晶硅", "INPUT_TO"),
        ("硅片", "INPUT_TO"),
        ("电池片", "INPUT_TO"),
        ("组件", None),
    ]
    # 银浆 is one step from 芯片 and two from 组件: the path takes the shorter one.
    assert chain.path("银浆") == [("银浆", "INPUT_TO"), ("芯片", None)]
    # Links into the outermost ring (石英 -> 多晶硅) are beyond the walk.
    assert {(lk.src, lk.dst) for lk in chain.links} == {
        ("电池片", "组件"),
        ("单晶组件", "组件"),
        ("银浆", "芯片"),
        ("银浆", "电池片"),
        ("硅片", "电池片"),
        ("多晶硅", "硅片"),
    }


def test_depth_bounds_the_walk() -> None:
    c1 = walk_upstream(LINKS, ANCHORS, 1)
    assert sorted(c1.distance) == sorted(["组件", "芯片", "电池片", "单晶组件", "银浆"])
    with pytest.raises(ValueError):
        walk_upstream(LINKS, ANCHORS, 7)


def test_gaps_weak_and_status(chain: Chain) -> None:
    assert gap_segments(chain, COVERAGE) == ["单晶组件", "电池片", "银浆", "多晶硅"]
    assert weak_segments(chain, COVERAGE) == ["芯片", "硅片"]
    assert [status(chain, COVERAGE, s) for s in ("组件", "芯片", "银浆")] == ["covered", "weak", "gap"]


def test_dependency_scores_by_hand(chain: Chain) -> None:
    dep = dependency(chain, covered_set(chain, COVERAGE))
    assert dep["电池片"] == Dependency(1.0, 1)  # 组件 at 1 step
    assert dep["单晶组件"] == Dependency(1.0, 1)
    assert dep["银浆"] == Dependency(1.5, 2)  # 芯片 at 1 step, 组件 at 2
    assert dep["硅片"] == Dependency(0.5, 1)  # 组件 at 2 steps (电池片 is a gap)
    assert dep["多晶硅"].dependents == 2  # 硅片 at 1, 组件 at 3
    assert dep["多晶硅"].score == pytest.approx(1 + 1 / 3)
    assert dep["组件"] == Dependency(0.0, 0)
    # The dependency horizon can be shorter than the chain.
    assert dependency(chain, covered_set(chain, COVERAGE), hops=1)["多晶硅"] == Dependency(1.0, 1)


def test_all_methods_agree_on_the_example(chain: Chain) -> None:
    cov = covered_set(chain, COVERAGE)
    ref = dependency(chain, cov, method="bfs")
    assert dependency(chain, cov, method="bitset") == ref
    assert dependency(chain, cov, method="matrix") == ref
    assert dependency(chain, cov, method="matrix", block_cells=1) == ref  # one source per block


def test_industry_weights_are_shares_and_paths_take_the_strongest() -> None:
    links = [
        Link("U1", "I1", "UPSTREAM_OF", 3.0),
        Link("U2", "I1", "UPSTREAM_OF", 1.0),
        Link("S1", "I1", "SUB_INDUSTRY_OF", None),
        Link("U3", "U1", "UPSTREAM_OF", 2.0),
    ]
    c = walk_upstream(links, ["I1"], 2)
    assert dict(c.down) == {"U1": (("I1", 0.75),), "U2": (("I1", 0.25),), "S1": (("I1", 1.0),), "U3": (("U1", 1.0),)}
    assert {s: c.stage(s) for s in c.segments} == {
        "I1": "downstream",
        "S1": "downstream",
        "U1": "midstream",
        "U2": "upstream",
        "U3": "upstream",
    }
    dep = dependency(c, {"I1", "U2"})
    assert dep["S1"] == Dependency(1.0, 1)
    assert dep["U1"] == Dependency(0.75, 1)
    assert dep["U2"] == Dependency(0.25, 1)
    assert dep["U3"] == Dependency(0.375, 1)  # 1.0 × 0.75 over 2 steps
    assert dependency(c, {"I1", "U2"}, method="bfs") == dep
    with pytest.raises(ValueError):
        dependency(c, {"I1"}, method="bitset")

    # Two shortest routes: the stronger one counts (0.8 / 2 steps).
    par = walk_upstream(
        [
            Link("M1", "T", "UPSTREAM_OF", 1.0),
            Link("M2", "T", "UPSTREAM_OF", 4.0),
            Link("G", "M1", "UPSTREAM_OF", None),
            Link("G", "M2", "UPSTREAM_OF", None),
        ],
        ["T"],
        2,
    )
    assert dependency(par, {"T"})["G"].score == pytest.approx(0.4)


def test_non_positive_weights() -> None:
    c = walk_upstream([Link("a", "t", "UPSTREAM_OF", 0.0), Link("b", "t", "UPSTREAM_OF", 0.0)], ["t"], 1)
    assert dict(c.down) == {"a": (("t", 1.0),), "b": (("t", 1.0),)}
    c = walk_upstream([Link("a", "t", "UPSTREAM_OF", -2.0), Link("b", "t", "UPSTREAM_OF", 2.0)], ["t"], 1)
    assert dict(c.down) == {"b": (("t", 1.0),)}
    assert dependency(c, {"t"})["a"] == Dependency(0.0, 0)


def test_what_if_by_hand(chain: Chain) -> None:
    w = what_if(chain, COVERAGE, ["C"])
    assert w.new_gaps == ("芯片", "硅片")
    assert [(c.segment, c.gap, c.hops) for c in w.cut_off] == [("组件", "硅片", 2)]
    assert w.cut_off[0].path == (("硅片", "INPUT_TO"), ("电池片", "INPUT_TO"), ("组件", None))
    assert what_if(chain, COVERAGE, ["A"]).new_gaps == ()
    both = what_if(chain, COVERAGE, ["A", "B"])
    assert both.new_gaps == ("组件",)
    assert both.cut_off == ()
    nothing = what_if(chain, COVERAGE, [])
    assert (nothing.new_gaps, nothing.cut_off) == ((), ())


def test_networkx_round_trip(chain: Chain) -> None:
    g = to_networkx(chain, COVERAGE, labels={"组件": "光伏组件"})
    assert g.nodes["组件"] == {
        "distance": 0,
        "stage": "downstream",
        "anchor": True,
        "enterprises": ["A", "B"],
        "status": "covered",
        "name": "光伏组件",
    }
    assert g.nodes["芯片"]["status"] == "weak"
    assert g.nodes["银浆"]["status"] == "gap"
    assert g.edges["银浆", "芯片"]["type"] == "INPUT_TO"
    back = chain_from_networkx(g, ANCHORS, 3)
    assert dict(back.distance) == dict(chain.distance)


def test_candidate_ranking_by_hand() -> None:
    d = CandidateFacts("D", province="广东省", base_province="广东省", share=0.1)
    e = CandidateFacts("E", province="江苏省", base_province="广东省", alliances=("LED联盟",), export_oriented=True)
    f = CandidateFacts("F", own_brand=True, size="large", share=0.5)
    g = CandidateFacts("G", revenue_musd=150.0, high_tech=True, patents=3)
    ranked = rank_candidates([g, f, e, d])
    assert [(r.facts.key, r.score) for r in ranked] == [("D", 3.0), ("E", 3.0), ("F", 2.0), ("G", 2.0)]
    # Ties: larger revenue share first (D 0.1 vs E none; F 0.5 vs G none).
    assert [r.code for r in ranked[2].reasons] == ["scale_large", "own_brand", "focus"]
    assert [r.code for r in reasons_for(g)] == ["own_ip", "scale_medium", "high_tech"]
    assert "3 patents" in reasons_for(g)[0].text
    assert reasons_for(CandidateFacts("x")) == []


# -- properties -------------------------------------------------------------------------------

NODES = [f"n{i}" for i in range(9)]
RELS = ["INPUT_TO", "SUBTYPE_OF"]


@st.composite
def chains(draw: st.DrawFn) -> tuple[list[Link], list[str], dict[str, set[str]], int]:
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES), st.sampled_from(RELS)), max_size=25)
    )
    links = [Link(a, b, r) for a, b, r in pairs]
    anchors = draw(st.lists(st.sampled_from(NODES), min_size=1, max_size=3, unique=True))
    ents = ["e1", "e2", "e3", "e4"]
    coverage = {n: set(draw(st.lists(st.sampled_from(ents), max_size=3))) for n in NODES}
    for a in anchors:  # the base makes its anchors
        coverage[a].add(draw(st.sampled_from(ents)))
    depth = draw(st.integers(min_value=1, max_value=4))
    return links, anchors, coverage, depth


@settings(max_examples=80, deadline=None)
@given(chains())
def test_gaps_and_covered_partition_the_chain(case: tuple[list[Link], list[str], dict[str, set[str]], int]) -> None:
    links, anchors, coverage, depth = case
    c = walk_upstream(links, anchors, depth)
    gaps = set(gap_segments(c, coverage))
    covered = covered_set(c, coverage)
    assert gaps.isdisjoint(covered)
    assert gaps | covered == set(c.distance)
    assert all(not coverage.get(g) for g in gaps)  # a gap is never covered
    assert set(c.anchors) <= covered
    for s in c.segments:  # each path has distance steps, follows real links and ends at an anchor
        path = c.path(s)
        assert len(path) - 1 == c.distance[s] <= depth
        assert path[-1][0] in c.anchors
        for (a, rel), (b, _) in itertools.pairwise(path):
            assert Link(a, b, rel or "") in links


@settings(max_examples=80, deadline=None)
@given(chains(), st.lists(st.sampled_from(["e1", "e2", "e3", "e4"]), max_size=4))
def test_what_if_is_monotone(case: tuple[list[Link], list[str], dict[str, set[str]], int], removed: list[str]) -> None:
    links, anchors, coverage, depth = case
    c = walk_upstream(links, anchors, depth)
    before = set(gap_segments(c, coverage))
    nothing = what_if(c, coverage, [])
    assert nothing.new_gaps == () and nothing.cut_off == ()
    assert set(gap_segments(c, nothing.coverage_after)) == before
    w = what_if(c, coverage, removed)
    after = set(gap_segments(c, w.coverage_after))
    assert before <= after
    assert after - before == set(w.new_gaps)
    for k in range(len(removed)):  # removing more never shrinks the gap set
        smaller = what_if(c, coverage, removed[:k])
        assert set(gap_segments(c, smaller.coverage_after)) <= after
    for cut in w.cut_off:
        assert w.coverage_after[cut.segment]
        assert cut.gap in w.new_gaps
        assert cut.path[0][0] == cut.gap and cut.path[-1][0] == cut.segment
        assert len(cut.path) - 1 == cut.hops <= depth


@settings(max_examples=80, deadline=None)
@given(chains())
def test_bitset_equals_bfs(case: tuple[list[Link], list[str], dict[str, set[str]], int]) -> None:
    links, anchors, coverage, depth = case
    c = walk_upstream(links, anchors, depth)
    cov = covered_set(c, coverage)
    fast, ref = dependency(c, cov, method="bitset"), dependency(c, cov, method="bfs")
    assert fast.keys() == ref.keys()
    for k in fast:
        assert fast[k].dependents == ref[k].dependents
        assert fast[k].score == pytest.approx(ref[k].score)


def test_refining_segments_take_the_stage_of_what_they_refine() -> None:
    links = [
        Link("原料", "中间品", "INPUT_TO"),
        Link("中间品", "成品", "INPUT_TO"),
        Link("特种原料", "原料", "SUBTYPE_OF"),  # a sub-class of a raw material is upstream too
        Link("特种特种原料", "特种原料", "SUBTYPE_OF"),
        Link("孤品小类", "孤品", "SUBTYPE_OF"),  # refines a segment without goods links
    ]
    c = walk_upstream(links, ["成品", "孤品"], 4)
    assert {s: c.stage(s) for s in c.segments} == {
        "成品": "downstream",
        "孤品": "downstream",
        "孤品小类": "downstream",
        "中间品": "midstream",
        "原料": "upstream",
        "特种原料": "upstream",
        "特种特种原料": "upstream",
    }


@settings(max_examples=80, deadline=None)
@given(chains(), st.lists(st.sampled_from([None, 0.0, 0.5, 1.0, 2.0, 7.0]), min_size=25, max_size=25))
def test_weighted_methods_agree(case: tuple[list[Link], list[str], dict[str, set[str]], int], weights: list) -> None:
    links, anchors, coverage, depth = case
    weighted = [Link(lk.src, lk.dst, "UPSTREAM_OF", w) for lk, w in zip(links, weights, strict=False)]
    c = walk_upstream(weighted, anchors, depth)
    cov = covered_set(c, coverage)
    ref = dependency(c, cov, method="bfs")
    for got in (dependency(c, cov), dependency(c, cov, hops=depth, method="matrix", block_cells=7)):
        assert got.keys() == ref.keys()
        for k in got:
            assert got[k].dependents == ref[k].dependents
            assert got[k].score == pytest.approx(ref[k].score)


def test_dependency_from_some_sources_with_other_strengths() -> None:
    """``sources`` scores only those segments, as the full walk does; other strengths replace the chain's."""
    import numpy as np

    from chainkg.graph.analytics.chain import Link, dependency, walk_upstream

    c = walk_upstream(
        [
            Link("硅", "片", "INPUT_TO"),
            Link("片", "组件", "INPUT_TO"),
            Link("浆", "片", "INPUT_TO"),
            Link("浆", "芯片", "INPUT_TO"),
        ],
        ["组件", "芯片"],
        3,
    )
    src, dst, _ = c.strengths
    # 片 has two inputs (硅, 浆): each link into it weighs 1/2; the others 1.
    share = np.array([0.5 if c.nodes[j] == "片" else 1.0 for j in dst.tolist()])
    full = dependency(c, {"组件", "芯片"}, strengths=(src, dst, share), method="matrix")
    some = dependency(c, {"组件", "芯片"}, strengths=(src, dst, share), sources=np.array([c.index["浆"]]))
    # 浆 -> 芯片 (1 step, 1) + 浆 -> 片 -> 组件 (2 steps, 1/2 x 1): 1 + 0.25; 硅 -> 片 -> 组件: 0.5 / 2.
    assert (round(full["浆"].score, 6), full["浆"].dependents) == (1.25, 2)
    assert round(full["硅"].score, 6) == 0.25
    assert some["浆"] == full["浆"] and some["硅"].score == 0.0
