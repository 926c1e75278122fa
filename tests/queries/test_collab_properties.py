"""Invariants on random small graphs, on both stores: proposals and recruits never break the rules.

- A proposed partner never already cooperates with the organization, never co-holds a patent
  with it, and always shares a tech field with it; the proposals equal networkx's ranking on
  the whole organization–field graph (the bounded reads lose nothing).
- A recruit is never a member; covered and missing segments split the chain; a missing
  segment has no member making it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainkg.graph.analytics.linkpred import bipartite_graph, rank_partners
from chainkg.graph.store import GraphStore
from chainkg.queries.alliances import alliance_map
from chainkg.queries.collaboration import collaboration_opportunities

ENTS = [f"e{i}" for i in range(5)]
ORGS = [f"u{i}" for i in range(3)]
FIELDS = ["F0", "F1", "F2", "F3"]
PRODUCTS = ["p0", "p1", "p2", "p3", "p4"]


@dataclass
class World:
    needs: set[tuple[str, str]]
    makes: set[tuple[str, str]]
    inputs: set[tuple[str, str]]
    patents: list[tuple[list[str], list[str]]]  # (fields, holders)
    cooperation: set[tuple[str, str]]
    in_focus: set[str]
    members: set[str]
    label: dict[str, str] = field(default_factory=dict)


def pairs(a: list[str], b: list[str], max_size: int) -> st.SearchStrategy[set[tuple[str, str]]]:
    return st.sets(st.tuples(st.sampled_from(a), st.sampled_from(b)), max_size=max_size)


worlds = st.builds(
    World,
    needs=pairs(PRODUCTS, FIELDS, 8),
    makes=pairs(ENTS, PRODUCTS, 8),
    inputs=pairs(PRODUCTS, PRODUCTS, 5),
    patents=st.lists(
        st.tuples(
            st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2, unique=True),
            st.lists(st.sampled_from(ENTS + ORGS), min_size=1, max_size=2, unique=True),
        ),
        max_size=8,
    ),
    cooperation=pairs(ENTS, ORGS, 4),
    in_focus=st.sets(st.sampled_from(ENTS), max_size=3),
    members=st.sets(st.sampled_from(ENTS + ORGS), max_size=4),
)


def lbl(org: str) -> str:
    return "ResearchOrg" if org.startswith("u") else "Enterprise"


def write(store: GraphStore, w: World) -> None:
    store.clear()
    store.merge_nodes("Enterprise", [{"key": e, "name": e} for e in ENTS])
    store.merge_nodes("ResearchOrg", [{"key": u, "name": u, "kind": "university"} for u in ORGS])
    store.merge_nodes("TechField", [{"key": f, "name": f} for f in FIELDS])
    store.merge_nodes("Product", [{"key": p, "name": p} for p in PRODUCTS])
    store.merge_nodes("Industry", [{"key": "I", "name": "I", "code": "1", "scheme": "T"}])
    store.merge_nodes("Alliance", [{"key": "al", "name": "al"}])
    store.merge_nodes("Patent", [{"key": f"P{i}", "title": f"P{i}"} for i in range(len(w.patents))])
    store.merge_rels("NEEDS_FIELD", "Product", "TechField", [{"src": p, "dst": f} for p, f in w.needs])
    store.merge_rels("MAKES", "Enterprise", "Product", [{"src": e, "dst": p} for e, p in w.makes])
    store.merge_rels("INPUT_TO", "Product", "Product", [{"src": a, "dst": b} for a, b in w.inputs if a != b])
    store.merge_rels(
        "IN_FIELD",
        "Patent",
        "TechField",
        [{"src": f"P{i}", "dst": f} for i, (fs, _) in enumerate(w.patents) for f in fs],
    )
    holds = [(h, f"P{i}") for i, (_, hs) in enumerate(w.patents) for h in hs]
    members = sorted(w.members)
    for label in ("Enterprise", "ResearchOrg"):
        store.merge_rels("HOLDS_PATENT", label, "Patent", [{"src": h, "dst": p} for h, p in holds if lbl(h) == label])
        store.merge_rels("MEMBER_OF", label, "Alliance", [{"src": m, "dst": "al"} for m in members if lbl(m) == label])
    store.merge_rels("COOPERATES_WITH", "Enterprise", "ResearchOrg", [{"src": e, "dst": u} for e, u in w.cooperation])
    store.merge_rels("IN_INDUSTRY", "Enterprise", "Industry", [{"src": e, "dst": "I"} for e in sorted(w.in_focus)])
    store.merge_rels("FOCUSES_ON", "Alliance", "Industry", [{"src": "al", "dst": "I"}])


def reach(w: World, org: str) -> set[str]:
    held = {f for fs, hs in w.patents if org in hs for f in fs}
    needed = {f for e, p in w.makes if e == org for q, f in w.needs if q == p}
    return held | needed


PROPERTY_SETTINGS = settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(w=worlds, method=st.sampled_from(["resource_allocation", "adamic_adar", "jaccard"]))
def test_proposals_respect_existing_ties(store: GraphStore, w: World, method: str) -> None:
    write(store, w)
    for org in ENTS + ORGS:
        tied = {u for e, u in w.cooperation if e == org} | {e for e, u in w.cooperation if u == org}
        tied |= {h for _, hs in w.patents if org in hs for h in hs if h != org}
        found = collaboration_opportunities(store, org, method, limit=50)
        for o in found:
            assert o.partner != org
            assert o.partner not in tied, f"{org} already works with {o.partner}"
            assert set(o.shared_fields) == reach(w, org) & reach(w, o.partner) != set()
            if lbl(org) == "ResearchOrg":
                assert o.partner_label == "Enterprise"
        assert [o.score for o in found] == sorted((o.score for o in found), reverse=True)
        # The bounded subgraph gives exactly the answer of networkx on the whole graph.
        full = bipartite_graph((o, f) for o in ENTS + ORGS for f in reach(w, o))
        allowed = ENTS if lbl(org) == "ResearchOrg" else ENTS + ORGS
        expected = rank_partners(full, org, allowed, method, exclude=tied, limit=50)
        assert [(o.partner, o.score) for o in found] == [(r.node, pytest.approx(r.score)) for r in expected]


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(w=worlds)
def test_recruits_are_never_members(store: GraphStore, w: World) -> None:
    write(store, w)
    m = alliance_map(store, "al", recruits=100)
    members = {x.key for x in m.members}
    assert members == w.members
    assert not {r.key for r in m.recruits} & members
    assert all(r.reasons for r in m.recruits)
    assert sorted(m.covered + m.missing) == sorted(s.product for s in m.segments)
    member_makes = {p for e, p in w.makes if e in members}
    assert not set(m.missing) & member_makes
    assert set(m.covered) <= member_makes
