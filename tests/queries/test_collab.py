"""Collaboration opportunities on the hand-built graph, on both stores.

Degrees in the organization–field graph (see collab_graph.py): H01L 7, G06F 5, H01M 2, C08L 2.
e1 reaches {H01L, G06F}; it cooperates with u1, so u1 is never proposed.
"""

from __future__ import annotations

import math

import pytest
from queries import collab_graph

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.store import GraphStore
from chainkg.i18n import use_locale
from chainkg.queries.collaboration import collaboration_opportunities, opportunities_frame

graph = collab_graph.graph  # the hand-built graph, once per module and backend


def ranked(store: GraphStore, org: str, method: str, **kw: object) -> list[tuple[str, float]]:
    return [(o.partner, o.score) for o in collaboration_opportunities(store, org, method, **kw)]  # type: ignore[arg-type]


def test_resource_allocation_by_hand(graph: GraphStore) -> None:
    got = ranked(graph, "e1", "resource_allocation")
    # e2, e6 share H01L+G06F: 1/7 + 1/5; e5 shares G06F: 1/5; e4, u2, u3 share H01L: 1/7.
    assert [p for p, _ in got] == ["e2", "e6", "e5", "e4", "u2", "u3"]
    assert [s for _, s in got] == pytest.approx([1 / 7 + 1 / 5, 1 / 7 + 1 / 5, 1 / 5, 1 / 7, 1 / 7, 1 / 7])


def test_jaccard_by_hand(graph: GraphStore) -> None:
    got = ranked(graph, "e1", "jaccard")
    # e4: {H01L}/{H01L,G06F}; u2: {H01L}/{H01L,G06F,H01M}; u3 likewise with C08L.
    assert got == [
        ("e2", 1.0),
        ("e6", 1.0),
        ("e4", 0.5),
        ("e5", 0.5),
        ("u2", pytest.approx(1 / 3)),
        ("u3", pytest.approx(1 / 3)),
    ]


def test_adamic_adar_by_hand(graph: GraphStore) -> None:
    got = ranked(graph, "e1", "adamic_adar")
    both = 1 / math.log(7) + 1 / math.log(5)
    assert [p for p, _ in got] == ["e2", "e6", "e5", "e4", "u2", "u3"]
    assert [s for _, s in got] == pytest.approx([both, both, 1 / math.log(5)] + [1 / math.log(7)] * 3)


def test_research_org_source_gets_enterprises(graph: GraphStore) -> None:
    # u2 reaches {H01M, H01L}; e3 co-holds P4 and cooperates with u2, so it is left out.
    assert ranked(graph, "u2", "jaccard") == [
        ("e4", 0.5),
        ("e1", pytest.approx(1 / 3)),
        ("e2", pytest.approx(1 / 3)),
        ("e6", pytest.approx(1 / 3)),
    ]
    found = collaboration_opportunities(graph, "u2")
    assert {o.kind for o in found} == {"industry_academia"}
    assert {o.partner_label for o in found} == {"Enterprise"}
    # u3 co-holds P10 with e6: e6 is excluded for u3.
    assert "e6" not in [p for p, _ in ranked(graph, "u3", "resource_allocation")]


def test_kinds_and_limit(graph: GraphStore) -> None:
    only_academia = collaboration_opportunities(graph, "e1", kinds=["industry_academia"])
    assert [(o.partner, o.partner_kind, o.kind) for o in only_academia] == [
        ("u2", "institute", "industry_academia"),
        ("u3", "institute", "industry_academia"),
    ]
    assert [o.rank for o in collaboration_opportunities(graph, "e1", limit=2)] == [1, 2]


def test_evidence(graph: GraphStore) -> None:
    zh = collaboration_opportunities(graph, "e1")[0]  # the texts in the current language: Chinese by default
    assert "同一联盟：半导体产业联盟" in zh.ties and "尚无合作或共有专利" in zh.explanation
    with use_locale("en"):
        _english_evidence(graph)


def _english_evidence(graph: GraphStore) -> None:
    top = collaboration_opportunities(graph, "e1")[0]
    assert (top.partner, top.partner_name, top.kind) == ("e2", "华芯科技", "joint_rnd")
    assert top.shared_fields == ["G06F", "H01L"]
    h01l = next(e for e in top.evidence if e.field == "H01L")
    assert h01l.name == "半导体器件"
    assert h01l.orgs_in_field == 7
    assert (h01l.org_patents, h01l.partner_patents) == (2, 1)
    assert h01l.org_via == ["holds", "needs"]
    assert h01l.partner_products == ["晶圆", "芯片"]
    assert h01l.sample_patents == ["P3: 专利P3"]
    assert top.ties == [
        "same alliance: 半导体产业联盟",
        "same base: 深圳高新区",
        "same pool: 半导体专利池",
        "supplies 光明电子 (晶圆)",
    ]
    assert "no cooperation" in top.explanation
    u2 = next(o for o in collaboration_opportunities(graph, "e1") if o.partner == "u2")
    assert u2.evidence[0].sample_patents == ["P8: 专利P8"]
    assert "中科院物理所 holds 1 patent in H01L" in u2.explanation
    frame = opportunities_frame(collaboration_opportunities(graph, "e1"))
    assert list(frame["partner"]) == ["e2", "e6", "e5", "e4", "u2", "u3"]


def test_existing_partners_never_proposed(graph: GraphStore) -> None:
    for method in ("resource_allocation", "adamic_adar", "jaccard"):
        assert "u1" not in [p for p, _ in ranked(graph, "e1", method)]  # cooperates
        assert "u2" not in [p for p, _ in ranked(graph, "e3", method)]  # cooperates and co-holds P4


def test_org_without_fields(graph: GraphStore) -> None:
    assert collaboration_opportunities(graph, "e8") == []


def test_errors(graph: GraphStore) -> None:
    with pytest.raises(NotFoundError, match="的企业、高校或科研院所"):
        collaboration_opportunities(graph, "nobody")
    with pytest.raises(InvalidInputError, match="Unknown scoring method"):
        collaboration_opportunities(graph, "e1", method="cosine")
    with pytest.raises(InvalidInputError, match="at least 1"):
        collaboration_opportunities(graph, "e1", limit=0)
    with pytest.raises(InvalidInputError, match="partner kind"):
        collaboration_opportunities(graph, "e1", kinds=["friends"])
