"""Chain, gaps, weak links, what-if, candidates and complementarity on both stores.

The graph is tests/queries/gaps_graph.py; every expected figure is worked out by hand there
and in the comments below. Both stores must give exactly these answers.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from gaps_graph import build, ind
from storetools import Seed

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.store import GraphStore
from chainkg.queries.chainengine.candidates import fill_candidates
from chainkg.queries.chainengine.chain import ChainQuestion, base_chain, chain_graph, resolve_segment
from chainkg.queries.chainengine.complement import complementarity, complementarity_graph
from chainkg.queries.chainengine.gaps import base_chain_summary, find_gaps, weak_links, what_if
from chainkg.queries.results import to_frame


@pytest.fixture
def g(seeded: Callable[[Seed], GraphStore]) -> GraphStore:
    return seeded(build)


def test_chain_segments_stages_and_coverage(g: GraphStore) -> None:
    c = base_chain(g, ChainQuestion("b1", 3))
    seg = {(s.level, s.key): s for s in c.segments}
    product = {s.key: (s.distance, s.stage, s.status) for s in c.segments if s.level == "product"}
    # 硅片 is made in the base, so the walk starts there too: 多晶硅 and 石英 come in.
    assert product == {
        "组件": (0, "downstream", "covered"),
        "芯片": (0, "downstream", "weak"),
        "硅片": (0, "midstream", "weak"),
        # 单晶组件 (a sub-class of 组件) is taxonomy, not an input: it is not in the chain.
        "电池片": (1, "midstream", "gap"),
        "多晶硅": (1, "midstream", "gap"),
        "银浆": (1, "upstream", "gap"),  # nothing in the chain feeds it
        "石英": (2, "upstream", "gap"),
    }
    industry = {s.key: (s.distance, s.stage, s.status) for s in c.segments if s.level == "industry"}
    assert industry == {
        ind("I1"): (0, "downstream", "weak"),  # A (in the sub-industry S1) covers it
        ind("S1"): (0, "downstream", "weak"),
        ind("U2"): (0, "upstream", "weak"),  # C's industry, supplies I1
        ind("U1"): (1, "midstream", "gap"),  # E is in S2 below it, but E is not in b1
        ind("S2"): (2, "midstream", "gap"),  # refines U1
        ind("U3"): (2, "upstream", "gap"),
    }
    assert [e.name for e in seg[("product", "组件")].enterprises] == ["乙组件", "甲组件"]
    assert seg[("product", "石英")].path_text == "石英 -[is input to]-> 多晶硅 -[is input to]-> 硅片"
    assert seg[("product", "硅片")].why == "硅片 is one of the base's products; only 丙芯片 in the base makes 硅片."
    assert seg[("industry", ind("S2"))].name == "多晶硅料"
    assert [s.model_dump() for s in c.levels] == [
        {
            "level": "product",
            "anchors": 3,
            "segments": 7,
            "covered": 3,
            "gaps": 4,
            "weak_links": 2,
            "completeness": 3 / 7,
        },
        {
            "level": "industry",
            "anchors": 3,
            "segments": 6,
            "covered": 3,
            "gaps": 3,
            "weak_links": 3,
            "completeness": 0.5,
        },
    ]
    links = {(lk.level, lk.src, lk.dst): lk.strength for lk in c.links}
    assert links[("industry", ind("U1"), ind("I1"))] == 0.75
    assert links[("industry", ind("S1"), ind("I1"))] == 1.0
    assert ("product", "石英", "多晶硅") in links
    assert len(c.links) == 6 + 5  # the product links are the six inputs: sub-class links are not walked


def test_chain_options(g: GraphStore) -> None:
    up = base_chain(g, ChainQuestion("b1", 3, level="product"), stage="upstream")
    assert [s.key for s in up.segments] == ["银浆", "石英"]
    one = base_chain(g, ChainQuestion("b1", 1, level="industry"), limit=2)
    assert [s.key for s in one.segments] == [ind("I1"), ind("S1")]
    assert one.levels[0].segments == 4  # I1, S1, U2 and U1 at depth 1
    assert [(lk.src, lk.dst) for lk in one.links] == [(ind("S1"), ind("I1"))]  # links among the kept


def test_gaps_scores_and_order(g: GraphStore) -> None:
    gaps = find_gaps(g, ChainQuestion("b1", 3))
    got = [(x.level, x.key, x.score, x.dependents) for x in gaps]
    # Product scores (docs/gaps.md): the dependency on the products of the base's leading chains,
    # each link weighed by its share of the downstream product's inputs, times specificity.
    # b1 leads in I1; A is in S1 (below I1), so 组件 (A, B) is the one product of a leading chain
    # (C, making 芯片 and 硅片, is in U2). Inputs in the whole graph: 组件 1 (电池片), 电池片 2
    # (硅片, 银浆), 硅片 1, 芯片 1. Specificity = ln((N + 1) / f) / ln(N + 1) with N = 5 products
    # that have an input and f the products an input feeds: 1 for 多晶硅 and 电池片 (weight 1),
    # 2 for 银浆 (weight ln 3 / ln 6 = 0.613147).
    assert got == [
        # 电池片 -> 组件: share 1/1, 1 step
        ("product", "电池片", 1.0, 1),
        # 多晶硅 -> 硅片 -> 电池片 -> 组件: shares 1 x 1/2 x 1 over 3 steps = 1/6
        ("product", "多晶硅", 0.166667, 1),
        # 银浆 -> 电池片 -> 组件: shares 1/2 x 1 over 2 steps = 0.25, times 0.613147
        ("product", "银浆", 0.153287, 1),
        # U1 -> I1 carries 3 of the 4 weight units into I1
        ("industry", ind("U1"), 0.75, 1),
        # S2, U3: 1.0 into U1 then 0.75 into I1, over 2 steps; tie broken by key
        ("industry", ind("S2"), 0.375, 1),
        ("industry", ind("U3"), 0.375, 1),
    ]
    # 石英 (2 steps up, feeds only 多晶硅) is made by nobody in the data: an R&D target, listed apart;
    # 组件 is 4 steps down from it, beyond the depth: it scores 0.
    none = find_gaps(g, ChainQuestion("b1", 3), suppliers="none")
    assert [(x.level, x.key, x.score, x.makers) for x in none] == [("product", "石英", 0.0, 0)]
    first = next(x for x in gaps if x.key == "银浆")
    assert (first.raw_score, first.feeds, first.makers) == (0.25, 2, 2)
    assert first.needed_by == ["组件"]  # 芯片 is covered too, but not by a firm of a leading industry
    assert first.path_text == "银浆 -[is input to]-> 芯片"
    assert first.why == "银浆 -[is input to]-> 芯片 (made in the base by 丙芯片); no enterprise in the base makes 银浆."
    assert first.why_zh == "银浆 -[上游材料]-> 芯片（基地内由丙芯片生产）；基地内没有企业生产银浆。"
    u1 = gaps[3]
    assert u1.path_text == "硅料 -[upstream of]-> 光伏设备"
    assert u1.why == (
        "硅料 -[upstream of]-> 光伏设备 (a leading industry of the base; 甲组件 works in it); "
        "no enterprise in the base works in 硅料."
    )
    assert [x.key for x in find_gaps(g, ChainQuestion("b1", 3, level="product"), limit=2)] == ["电池片", "多晶硅"]
    frame = to_frame(gaps)
    assert list(frame["key"])[:2] == ["电池片", "多晶硅"]


def test_weak_links(g: GraphStore) -> None:
    weak = weak_links(g, ChainQuestion("b1", 3))
    got = [(w.level, w.key, w.enterprise.key, w.score) for w in weak]
    assert got == [
        ("product", "硅片", "C", 0.5),  # 组件 at 2 steps
        ("product", "芯片", "C", 0.0),
        ("industry", ind("S1"), "A", 1.0),
        ("industry", ind("U2"), "C", 0.25),
        ("industry", ind("I1"), "A", 0.0),
    ]
    assert weak[0].why.endswith("only 丙芯片 in the base makes 硅片.")


def test_what_if(g: GraphStore) -> None:
    r = what_if(g, ChainQuestion("b1", 3), ["丙芯片"])  # by short name
    assert [e.key for e in r.removed] == ["C"]
    assert [(x.level, x.key, x.score) for x in r.new_gaps] == [
        ("product", "硅片", 0.5),
        ("product", "芯片", 0.0),
        ("industry", ind("U2"), 0.25),
    ]
    assert [x.lost[0].name for x in r.new_gaps] == ["丙芯片"] * 3
    assert [(x.level, x.key, x.gap, x.hops) for x in r.cut_off] == [
        ("product", "组件", "硅片", 2),
        ("industry", ind("I1"), ind("U2"), 1),
    ]
    assert r.cut_off[0].path_text == "硅片 -[is input to]-> 电池片 -[is input to]-> 组件"
    assert [(b.gaps, a.gaps) for b, a in zip(r.before, r.after, strict=True)] == [(4, 6), (3, 4)]
    none = what_if(g, ChainQuestion("b1", 3, level="product"), ["A"])  # B still makes 组件
    assert (none.new_gaps, none.cut_off) == ([], [])
    assert (
        what_if(g, ChainQuestion("b1", 3, level="product"), ["深圳甲组件股份有限公司", "B"]).new_gaps[0].key == "组件"
    )
    with pytest.raises(NotFoundError, match="丁浆料"):
        what_if(g, ChainQuestion("b1"), ["丁浆料"])  # located in b2, not b1


def test_candidates_ranked_with_reasons(g: GraphStore) -> None:
    r = fill_candidates(g, "b1", "银浆")
    assert r.segment.level == "product" and r.in_base == []
    # E: alliance with A +2, export +1, own IP +1, 30% of revenue +0.5; D: same province +3
    assert [(c.key, c.score) for c in r.candidates] == [("E", 4.5), ("D", 3.0)]
    assert [x.code for x in r.candidates[0].reasons] == ["alliance", "own_ip", "export", "focus"]
    assert r.candidates[0].reasons[0].text == "shares an alliance with the base's members: 光伏产业联盟"
    assert r.candidates[1].reasons_text == "in the same province as the base (广东省) +3"
    assert [(b.key, b.enterprises, b.examples) for b in r.other_bases] == [("b2", 1, ["丁浆料"]), ("b3", 1, ["戊材料"])]
    # An industry gap: E is in S2, a sub-industry of U1.
    u1 = fill_candidates(g, "b1", ind("U1"))
    assert [(c.key, c.score) for c in u1.candidates] == [("E", 4.0)]
    # A covered segment: no candidate outside, and the note says it is no gap.
    covered = fill_candidates(g, "b1", "Product:组件")
    assert [e.key for e in covered.in_base] == ["A", "B"]
    assert covered.candidates == [] and "不是本基地的缺口" in covered.note  # Chinese by default
    # A product nobody in a base makes: F has no base.
    f = fill_candidates(g, "b1", "多晶硅")
    assert [c.key for c in f.candidates] == ["F"] and f.other_bases == []
    assert f.candidates[0].reasons_text == "covers the segment"


def test_resolve_segment(g: GraphStore) -> None:
    assert resolve_segment(g, "硅料").key == ind("U1")  # unique industry name
    assert resolve_segment(g, "Industry:" + ind("U1")).name == "硅料"
    assert resolve_segment(g, "银浆").level == "product"
    with pytest.raises(NotFoundError, match="no product or industry"):
        resolve_segment(g, "不存在的产品")


def test_complementarity(g: GraphStore) -> None:
    c = complementarity(g, ChainQuestion("b1", 3))
    assert (c.product_gaps, c.industry_gaps) == (4, 3)
    # (dependency scores; 单晶组件, a sub-class, is no longer in the chain)
    # product gap score total 1.5 + 4/3 + 1 + 0.5 = 13/3; industry 0.75 + 0.375 + 0.375 = 1.5
    # b3 (E): 银浆 + 电池片 = 2.5 of 13/3; S2 and U1 (E is in S2, below U1) = 1.125 of 1.5
    # b2 (D): 银浆 = 1.5 of 13/3; U3 = 0.375 of 1.5
    got = [(r.base.key, r.product_gaps_covered, r.industry_gaps_covered, r.enterprises) for r in c.rows]
    assert got == [("b3", 2, 2, 1), ("b2", 1, 1, 1)]
    b3, b2 = c.rows
    assert b3.product_share == pytest.approx(2.5 * 3 / 13, abs=1e-6)
    assert b3.industry_share == pytest.approx(0.75)
    assert b3.complement == pytest.approx((2.5 * 3 / 13 + 0.75) / 2, abs=1e-6)
    assert b2.complement == pytest.approx((1.5 * 3 / 13 + 0.25) / 2, abs=1e-6)
    assert b3.top_segments == ["银浆", "电池片", "硅料", "多晶硅料"]
    graph = complementarity_graph(g, ChainQuestion("b1", 3))
    assert graph.nodes["Base:b3"]["role"] == "other"
    assert sorted(graph.successors("Base:b2")) == ["Industry:SW2021:U3", "Product:银浆"]
    assert graph.edges["Product:银浆", "Base:b1"]["weight"] == 1.5


def test_chain_graph_for_views(g: GraphStore) -> None:
    graph = chain_graph(g, ChainQuestion("b1", 3))
    assert graph.nodes["Product:银浆"]["status"] == "gap"
    assert graph.nodes["Product:组件"]["enterprises"] == ["甲组件", "乙组件"]
    assert graph.nodes["Industry:SW2021:U1"]["stage"] == "midstream"
    assert graph.edges["Industry:SW2021:U1", "Industry:SW2021:I1"]["strength"] == 0.75
    assert graph.number_of_nodes() == 13  # 单晶组件, a sub-class, is not in the chain


def test_summary_contract(g: GraphStore) -> None:
    s = base_chain_summary(g, ChainQuestion("b1", 3))
    assert (s.segments, s.covered, s.gaps, s.weak_links) == (13, 6, 7, 5)
    assert s.completeness == pytest.approx(6 / 13)
    assert (s.product.segments, s.product.gaps, s.industry.weak_links) == (7, 4, 3)
    assert s.industry.completeness == 0.5
    assert set(s.gap_segments) == {"电池片", "银浆", "多晶硅", "石英", ind("U1"), ind("S2"), ind("U3")}


def test_a_base_without_chain(g: GraphStore) -> None:
    g.merge_nodes("Base", [{"key": "empty", "name": "空基地"}])
    s = base_chain_summary(g, ChainQuestion("empty"))
    assert (s.segments, s.completeness) == (0, None)
    assert find_gaps(g, ChainQuestion("empty")) == []
    assert complementarity(g, ChainQuestion("empty")).rows == []


def test_errors_in_plain_words(g: GraphStore) -> None:
    with pytest.raises(NotFoundError, match=r"没有编号为“nope”的基地.*b1"):
        find_gaps(g, ChainQuestion("nope"))
    with pytest.raises(InvalidInputError, match="from 1 to 6"):
        base_chain(g, ChainQuestion("b1", 7))
    with pytest.raises(InvalidInputError, match="product, industry or both"):
        find_gaps(g, ChainQuestion("b1", level="bogus"))  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        fill_candidates(g, "b1", "不存在")
    with pytest.raises(InvalidInputError):
        what_if(g, ChainQuestion("b1"), [])
    with pytest.raises(InvalidInputError, match="年份"):  # the other bases are read as the data stands
        complementarity(g, ChainQuestion("b1", year=2020))
    with pytest.raises(InvalidInputError, match="0 or more"):
        find_gaps(g, ChainQuestion("b1"), limit=-1)


HOSTILE = ["d'zzit", '4\'-二氯二苯砜 "quoted"', "锌合金\\铝合金", "'}) DETACH DELETE n //", "$param {key: 1}", "a:b"]


def test_hostile_names_travel_as_values(store: GraphStore) -> None:
    store.merge_nodes("Base", [{"key": "hb", "name": "基地 [x]"}])
    store.merge_nodes("Enterprise", [{"key": "e'1", "name": "甲'"}, {"key": "e2", "name": "乙"}])
    store.merge_rels("LOCATED_IN", "Enterprise", "Base", [{"src": "e'1", "dst": "hb"}])
    store.merge_nodes("Product", [{"key": n, "name": n} for n in HOSTILE])
    store.merge_rels(
        "MAKES", "Enterprise", "Product", [{"src": "e'1", "dst": HOSTILE[0]}, {"src": "e2", "dst": HOSTILE[1]}]
    )
    store.merge_rels("INPUT_TO", "Product", "Product", [{"src": n, "dst": HOSTILE[0]} for n in HOSTILE[1:]])
    gaps = find_gaps(store, ChainQuestion("hb", 2, level="product"), suppliers="all")  # only e2 makes one of them
    assert sorted(g.key for g in gaps) == sorted(HOSTILE[1:])
    # Each is one of the five inputs of HOSTILE[0] (share 1/5) and feeds one product (specificity 1).
    assert all(g.score == 0.2 for g in gaps)
    assert [c.key for c in fill_candidates(store, "hb", "Product:" + HOSTILE[1]).candidates] == ["e2"]
    assert resolve_segment(store, "a:b").key == "a:b"  # not an industry key: the product of that name
    assert [g.key for g in what_if(store, ChainQuestion("hb", 2, level="product"), ["甲'"]).new_gaps] == [HOSTILE[0]]
    assert store.count_nodes("Product") == len(HOSTILE)


def test_answers_follow_every_write(g: GraphStore) -> None:
    """Kept chains (LadybugDB keeps them between questions) never outlive a change of the data."""
    before = {x.key for x in find_gaps(g, ChainQuestion("b1", 3, level="product"), suppliers="all")}
    assert "电池片" in before
    # The base now makes 电池片 too: it is no longer a gap, at once, in every answer.
    g.merge_nodes("Enterprise", [{"key": "G", "name": "庚电池", "province": "广东省"}])
    g.merge_rels("LOCATED_IN", "Enterprise", "Base", [{"src": "G", "dst": "b1"}])
    g.merge_rels("MAKES", "Enterprise", "Product", [{"src": "G", "dst": "电池片"}])
    after = {x.key for x in find_gaps(g, ChainQuestion("b1", 3, level="product"), suppliers="all")}
    assert after == before - {"电池片"}
    assert base_chain_summary(g, ChainQuestion("b1", 3)).product.gaps == len(after)
    # A change of a property (a name) shows too.
    g.merge_nodes("Enterprise", [{"key": "G", "name": "庚新能源"}])
    seg = {s.key: s for s in base_chain(g, ChainQuestion("b1", 3, level="product")).segments}
    assert [e.name for e in seg["电池片"].enterprises] == ["庚新能源"]
