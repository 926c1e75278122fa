"""Segment answers on a tiny hand-built graph and the test map, on both stores.

The graph (every figure below is worked out by hand from it):

    b1: E1 makes 蓝宝石衬底; E2 LED封装; E3 LED显示屏; E4 LED照明灯; leads in SW2021:270302
    b2: E5 makes LED芯片 and LED封装器件; E6 LED显示屏
    elsewhere: E7 makes 碳化硅衬底 and 蓝宝石衬底
    alliance al1: E2 and E5

Map mini-led (tests/data/maps/mini-led.yaml): substrate (衬底) E1, E7; nothing (matches no
product); chip (LED芯片) E5; packaging E2, E5; apps = display (E3, E6) + lighting (E4).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from segments_graph import MINI, build
from storetools import Seed

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.store import GraphStore
from chainkg.ingest.pipeline import ingest_paths
from chainkg.queries.chainengine.segments import (
    alliance_segments,
    default_map_keys,
    list_maps,
    map_report,
    segment_candidates,
    segment_complement,
    segment_gaps,
    segment_what_if,
)


@pytest.fixture
def g(seeded: Callable[[Seed], GraphStore]) -> GraphStore:
    return seeded(build)


def test_segment_gaps_by_hand(g: GraphStore) -> None:
    r = segment_gaps(g, "b1")
    assert r.default_maps  # b1 leads in SW2021:270302, which the map serves
    (mg,) = r.maps
    # Why the map was chosen: the leading industry it serves (no firm of b1 is filed in it).
    assert mg.reason is not None and not mg.reason.named
    assert [k for k, _, _ in mg.reason.industries] == ["SW2021:270302"]
    assert "SW2021:270302" in mg.reason.why_zh and "主导产业" in mg.reason.why_zh
    assert segment_gaps(g, "b1", ["mini-led"]).maps[0].reason is None  # asked for: no reason needed
    got = {a.segment: (a.status, [f.key for f in a.base_firms], a.makers_count, a.products_count) for a in mg.segments}
    assert got == {
        "substrate": ("weak", ["E1"], 2, 2),
        "nothing": ("no_supplier", [], 0, 0),
        "chip": ("gap", [], 1, 1),
        "packaging": ("weak", ["E2"], 2, 2),
        "apps": ("covered", ["E3", "E4"], 3, 2),
        "display": ("weak", ["E3"], 2, 1),
        "lighting": ("weak", ["E4"], 1, 1),
    }
    assert [a.segment for a in mg.segments] == [
        "substrate",
        "nothing",
        "chip",
        "packaging",
        "apps",
        "display",
        "lighting",
    ]
    assert mg.counts == {"covered": 1, "weak": 4, "gap": 1, "no_supplier": 1}
    assert mg.rd_targets == ["mini-led/nothing"]
    chip = next(a for a in mg.segments if a.segment == "chip")
    assert chip.why_zh == "甲基地没有企业处于「LED芯片」环节；全国有1家，如乙芯片。"
    assert chip.feeds == ["mini-led/packaging"] and chip.stage_name == "中游"
    apps = next(a for a in mg.segments if a.segment == "apps")
    assert apps.children == ["mini-led/display", "mini-led/lighting"]
    sub = next(a for a in mg.segments if a.segment == "substrate")
    # Relevance: E7 makes both substrate products, E1 one.
    assert [(f.key, f.weight) for f in sub.makers] == [("E7", 2), ("E1", 1)]


def test_drill_down_and_errors(g: GraphStore) -> None:
    r = segment_gaps(g, "b1", ["mini-led"], segment="chip")
    (a,) = r.maps[0].segments
    assert a.key == "mini-led/chip" and [f.key for f in a.makers] == ["E5"] and a.products == ["LED芯片"]
    assert [f.via for f in a.makers] == ["LED芯片"]
    with pytest.raises(NotFoundError):
        segment_gaps(g, "b1", ["mini-led"], segment="nope")
    with pytest.raises(NotFoundError):
        segment_gaps(g, "b1", ["no-such-map"])
    with pytest.raises(InvalidInputError):
        segment_gaps(g, "b2")  # no leading industry, no map named


def test_base_named_map(g: GraphStore) -> None:
    assert default_map_keys(g, "b2") == []
    g.merge_rels("USES_MAP", "Base", "ChainMap", [{"src": "b2", "dst": "mini-led"}])
    r = segment_gaps(g, "b2")
    assert r.default_maps and r.maps[0].counts == {"covered": 0, "weak": 4, "gap": 2, "no_supplier": 1}
    reason = r.maps[0].reason
    assert reason is not None and reason.named and reason.industries == [] and "自选图谱" in reason.why_zh


def test_what_if_candidates_complement_alliance(g: GraphStore) -> None:
    w = segment_what_if(g, "b1", ["E3"], "mini-led")
    assert [(x.key, [e.key for e in x.lost], x.status_after) for x in w.lost] == [("mini-led/display", ["E3"], "gap")]
    assert [(x.key, x.status_after) for x in w.weakened] == [("mini-led/apps", "weak")]
    assert w.before == {"covered": 1, "weak": 4, "gap": 1, "no_supplier": 1}
    assert w.after == {"covered": 0, "weak": 4, "gap": 2, "no_supplier": 1}

    c = segment_candidates(g, "b1", "mini-led", "substrate")
    assert [x.key for x in c] == ["E7"]  # E1 is in the base already
    assert [x.key for x in segment_candidates(g, "b1", "mini-led", "chip")] == ["E5"]

    comp = segment_complement(g, "b1", "b2", "mini-led")
    assert [p.key.split("/")[1] for p in comp.a_fills_b] == ["substrate", "lighting"]
    assert [p.key.split("/")[1] for p in comp.b_fills_a] == ["chip"]
    assert [p.key.split("/")[1] for p in comp.both] == ["packaging", "apps", "display"]
    assert [p.key.split("/")[1] for p in comp.neither] == ["nothing"]

    al = alliance_segments(g, "al1", "mini-led")
    got = {s.key.split("/")[1]: (s.status, [m.key for m in s.members]) for s in al.segments}
    assert got == {
        "substrate": ("gap", []),
        "nothing": ("no_supplier", []),
        "chip": ("weak", ["E5"]),
        "packaging": ("covered", ["E5", "E2"]),  # most relevant first: same weight, E5 has more revenue
        "apps": ("gap", []),
        "display": ("gap", []),
        "lighting": ("gap", []),
    }


def test_list_maps_and_report(g: GraphStore) -> None:
    (m,) = list_maps(g)
    assert (m.key, m.stages, m.segments, m.serves_industries) == ("mini-led", 3, 7, ["SW2021:270302"])
    rep = map_report(g, "mini-led")
    assert rep.defects == ["mini-led/nothing"]
    sub = next(s for s in rep.segments if s.key == "mini-led/substrate")
    assert (sub.products_count, sub.enterprises_count, sub.product_rules) == (2, 2, {"keyword": 2})
    assert sub.rules == {"keywords": ["衬底"], "exclude": ["衬底膜"]}


def test_unmatched_note_explains_a_defect(g: GraphStore, tmp_path: Path) -> None:
    assert map_report(g, "mini-led").unexplained == ["mini-led/nothing"]
    text = MINI.read_text(encoding="utf-8").replace(
        "        match: {products: [不存在的产品甲]}",
        "        unmatched_note: 公开数据中没有此类产品（测试）\n        match: {products: [不存在的产品甲]}",
    )
    edited = tmp_path / "mini-led.yaml"
    edited.write_text(text, encoding="utf-8")
    assert ingest_paths(g, [edited]).ok
    rep = map_report(g, "mini-led")
    assert (rep.defects, rep.explained, rep.unexplained) == (["mini-led/nothing"], ["mini-led/nothing"], [])
    nothing = next(s for s in rep.segments if s.key == "mini-led/nothing")
    assert nothing.unmatched_note == "公开数据中没有此类产品（测试）"


def test_the_base_page_draws_its_default_map_and_says_why(g: GraphStore) -> None:
    from chainkg.views.chainmap import chain_map_view

    v = chain_map_view(g, "b1")  # no map asked for: the one serving b1's leading industry
    assert v.map is not None and v.map.key == "mini-led" and v.default_maps == ["mini-led"]
    assert v.reason is not None and not v.reason.named and "SW2021:270302" in v.reason.why_zh
    assert len(v.segments) == 7
    assert chain_map_view(g, "b2", "mini-led").reason is None  # b2 neither names nor leads: no reason
