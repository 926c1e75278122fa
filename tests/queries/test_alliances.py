"""The alliance map on the hand-built graph, on both stores.

al1 (半导体产业联盟) focuses on SW:semi; SW:chip is its sub-industry. Chain enterprises: e1, e2 (chip),
e6 (semi). They make 芯片 and 晶圆; direct upstream inputs add 光刻胶 and 硅片 (of 芯片) and 硅片 (of 晶圆).
Members e1, e2, u1, e5 make 芯片 and 晶圆: covered 2 of 4, missing 光刻胶 and 硅片.
Member ties: e2 supplies e1, e1 cooperates with u1 -> path e2 - e1 - u1, e5 alone.
"""

from __future__ import annotations

import pytest
from queries import collab_graph

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.store import GraphStore
from chainkg.i18n import use_locale
from chainkg.queries.alliances import alliance_graph, alliance_map

graph = collab_graph.graph


def test_members_and_roles(graph: GraphStore) -> None:
    m = alliance_map(graph, "al1")
    assert (m.name, m.founded_year) == ("半导体产业联盟", 2018)
    assert [i.key for i in m.focus_industries] == ["SW:semi"]
    assert [(x.key, x.role, x.since, x.kind) for x in m.members] == [
        ("e1", "chair", 2018, "enterprise"),
        ("u1", "vice_chair", 2019, "university"),
        ("e2", "member", 2020, "enterprise"),
        ("e5", "member", 2021, "enterprise"),
    ]
    e2 = next(x for x in m.members if x.key == "e2")
    assert e2.makes_segments == ["晶圆", "芯片"]
    assert e2.fields == ["G06F", "H01L"]


def test_chain_covered_and_missing(graph: GraphStore) -> None:
    m = alliance_map(graph, "al1")
    assert m.chain_enterprises == 3
    assert m.covered == ["晶圆", "芯片"]
    assert m.missing == ["光刻胶", "硅片"]
    assert m.coverage == 0.5
    assert m.chain_fields == ["C08L", "G06F", "H01L"]
    seg = {s.product: s for s in m.segments}
    assert seg["芯片"].members_making == ["光明电子", "华芯科技"]
    assert seg["芯片"].others_making == 1  # e6
    assert seg["硅片"].made_in_chain is False
    assert seg["光刻胶"].members_with_patents == []  # nobody in al1 holds a C08L patent
    assert seg["硅片"].members_with_patents == ["光明电子", "华芯科技", "清华大学"]


def test_brokers_and_communities(graph: GraphStore) -> None:
    m = alliance_map(graph, "al1")
    # Path e2 - e1 - u1 plus isolated e5 (n = 4): e1 is on the one shortest path e2..u1,
    # normalised by (n-1)(n-2)/2 = 3 -> 1/3.
    assert [(b.key, b.betweenness, b.neighbours) for b in m.brokers] == [
        ("e1", pytest.approx(1 / 3), ["华芯科技", "清华大学"])
    ]
    assert [c.members for c in m.communities] == [
        ["Enterprise:e1", "Enterprise:e2", "ResearchOrg:u1"],
        ["Enterprise:e5"],
    ]
    assert sorted((t.a, t.b, t.ties[0]) for t in m.ties) == [
        ("光明电子", "华芯科技", "supplies: 晶圆"),
        ("光明电子", "清华大学", "cooperates: joint_lab since 2020"),
    ]
    # Shared tech fields tie everyone to everyone through G06F: one community, no broker.
    dense = alliance_map(graph, "al1", include_shared_fields=True)
    assert [c.size for c in dense.communities] == [4]
    assert dense.brokers == []


def test_overlap(graph: GraphStore) -> None:
    m = alliance_map(graph, "al1")
    # al2 has 3 members, al1 has 4, they share e1: 1 / (4 + 3 - 1).
    assert [(o.alliance, o.shared, o.jaccard) for o in m.overlaps] == [("al2", ["光明电子"], pytest.approx(1 / 6))]


def test_recruits_with_reasons(graph: GraphStore) -> None:
    m = alliance_map(graph, "al1")
    assert [(r.rank, r.key) for r in m.recruits] == [(1, "e4"), (2, "e7"), (3, "e6"), (4, "u3"), (5, "u2")]
    e4, e7, e6, u3, u2 = m.recruits
    assert e4.fills_gaps == ["硅片"] and e4.member_ties == ["supplies 华芯科技 (硅片)"]
    assert e7.fills_gaps == ["光刻胶"] and e7.member_ties == []
    assert e6.focus_industries == ["半导体"] and e6.makes == ["芯片"] and e6.chain_patents == 1
    assert (u3.kind, u3.chain_patents, u3.chain_fields) == ("institute", 2, ["C08L", "H01L"])
    assert (u2.chain_patents, u2.chain_fields) == (1, ["H01L"])
    assert e4.reasons[0] == "生产硅片，联盟成员均不生产"  # Chinese by default (chainkg.i18n)
    with use_locale("en"):
        assert alliance_map(graph, "al1").recruits[0].reasons[0] == "makes 硅片, which no member makes"
    assert all(r.reasons for r in m.recruits)
    assert [r.key for r in alliance_map(graph, "al1", recruits=2).recruits] == ["e4", "e7"]


def test_small_alliance_has_nothing_missing(graph: GraphStore) -> None:
    m = alliance_map(graph, "al2")
    assert (m.covered, m.missing, m.coverage) == (["电池"], [], 1.0)
    assert m.recruits == []  # u2, the only other H01M holder, is already a member


def test_graph_for_views(graph: GraphStore) -> None:
    g = alliance_graph(graph, "al1")
    assert set(g.nodes) == {"Enterprise:e1", "Enterprise:e2", "ResearchOrg:u1", "Enterprise:e5"}
    e1 = g.nodes["Enterprise:e1"]
    assert (e1["role"], e1["community"], e1["name"]) == ("chair", 0, "光明电子")
    assert e1["betweenness"] == pytest.approx(1 / 3)
    assert g.nodes["Enterprise:e5"]["community"] == 1
    assert g["Enterprise:e1"]["ResearchOrg:u1"]["ties"] == ["cooperates: joint_lab since 2020"]


def test_errors(graph: GraphStore) -> None:
    with pytest.raises(NotFoundError, match=r"没有编号为 .* 的产业联盟"):
        alliance_map(graph, "al-none")
    with pytest.raises(NotFoundError):
        alliance_graph(graph, "al-none")
    with pytest.raises(InvalidInputError):
        alliance_map(graph, "al1", recruits=-1)
