"""The analytics backends: networkx on both stores, and GDS inside Neo4j giving the same answers.

The GDS tests need a Neo4j with the Graph Data Science procedures; start one with
``NEO4J_TEST_GDS=1 scripts/neo4j-test-server.sh start``. Without GDS they skip with a reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import networkx as nx
import pytest

from chainkg.errors import InvalidInputError, SchemaError, StoreUnavailableError
from chainkg.graph.analytics.backend import NetworkxBackend, open_backend, simple_graph
from chainkg.graph.analytics.gds_backend import GdsBackend, gds_version
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery

SUPPLY = NamedQuery(
    "test_supply_edges",
    "MATCH (a:Enterprise)-[:SUPPLIES]->(b:Enterprise) "
    "RETURN 'Enterprise' AS src_label, a.key AS src, 'SUPPLIES' AS rel, 'Enterprise' AS dst_label, b.key AS dst, "
    "null AS weight",
)
UPSTREAM = NamedQuery(
    "test_upstream_edges",
    "MATCH (a:Industry)-[r:UPSTREAM_OF]->(b:Industry) WHERE a.key STARTS WITH $scheme "
    "RETURN 'Industry' AS src_label, a.key AS src, 'UPSTREAM_OF' AS rel, 'Industry' AS dst_label, b.key AS dst, "
    "r.weight AS weight",
)
# Derived two-hop ties (organization -> tech field through its patents): not stored relationships.
ORG_FIELD = NamedQuery(
    "test_org_field_edges",
    "MATCH (o:Enterprise)-[:HOLDS_PATENT]->(:Patent)-[:IN_FIELD]->(f:TechField) "
    "RETURN DISTINCT 'Enterprise' AS src_label, o.key AS src, 'IN_FIELD' AS rel, 'TechField' AS dst_label, "
    "f.key AS dst, null AS weight "
    "UNION ALL MATCH (o:ResearchOrg)-[:HOLDS_PATENT]->(:Patent)-[:IN_FIELD]->(f:TechField) "
    "RETURN DISTINCT 'ResearchOrg' AS src_label, o.key AS src, 'IN_FIELD' AS rel, 'TechField' AS dst_label, "
    "f.key AS dst, null AS weight",
)
NO_WEIGHT = NamedQuery(
    "test_no_weight",
    "MATCH (a:Enterprise)-[:SUPPLIES]->(b:Enterprise) "
    "RETURN 'Enterprise' AS src_label, a.key AS src, 'SUPPLIES' AS rel, 'Enterprise' AS dst_label, b.key AS dst",
)

METHODS = ("resource_allocation", "adamic_adar", "jaccard")


# -- graph builders -----------------------------------------------------------------------
def supply(store: GraphStore, edges: list[tuple[str, str]]) -> None:
    keys = sorted({k for e in edges for k in e})
    store.merge_nodes("Enterprise", [{"key": k, "name": k} for k in keys])
    res = store.merge_rels("SUPPLIES", "Enterprise", "Enterprise", [{"src": a, "dst": b} for a, b in edges])
    assert not res.skipped


def two_cliques(store: GraphStore) -> None:
    """Two 4-cliques joined by one edge, plus a reverse duplicate and a self-tie that must not count."""
    left, right = ["a1", "a2", "a3", "a4"], ["b1", "b2", "b3", "b4"]
    edges = [(x, y) for grp in (left, right) for i, x in enumerate(grp) for y in grp[i + 1 :]]
    edges += [("a4", "b1"), ("a2", "a1"), ("a1", "a1")]
    supply(store, edges)


def random_supply(store: GraphStore, n: int = 24, m: int = 50, seed: int = 7) -> None:
    g = nx.gnm_random_graph(n, m, seed=seed)
    supply(store, [(f"r{u:02d}", f"r{v:02d}") if (u + v) % 2 else (f"r{v:02d}", f"r{u:02d}") for u, v in g.edges])


def weighted_ring(store: GraphStore) -> None:
    """A 6-ring whose weights make the split: heavy i1-i2-i3 and i4-i5-i6, light between."""
    keys = [f"SW2021:27010{i}" for i in range(1, 7)]
    store.merge_nodes("Industry", [{"key": k, "name": k, "scheme": "SW2021", "code": k[7:]} for k in keys])
    w = [5.0, 5.0, 0.1, 5.0, 5.0, 0.1]
    rows = [{"src": keys[i], "dst": keys[(i + 1) % 6], "weight": w[i]} for i in range(6)]
    store.merge_rels("UPSTREAM_OF", "Industry", "Industry", rows)


def org_fields(store: GraphStore) -> None:
    """Organizations with patents in tech fields: the link-prediction graph."""
    holdings = {
        ("Enterprise", "e1"): ["H01L", "G06F", "H02J"],
        ("Enterprise", "e2"): ["H01L", "G06F"],
        ("Enterprise", "e3"): ["H01L"],
        ("Enterprise", "e4"): ["B60L"],
        ("ResearchOrg", "u1"): ["H01L", "H02J", "B60L"],
        ("ResearchOrg", "u2"): ["G06F"],
    }
    fields = sorted({f for fs in holdings.values() for f in fs})
    store.merge_nodes("TechField", [{"key": f, "name": f} for f in fields])
    for label in ("Enterprise", "ResearchOrg"):
        store.merge_nodes(label, [{"key": k, "name": k} for (lb, k) in holdings if lb == label])
    patents: list[dict[str, Any]] = []
    held: dict[str, list[dict[str, Any]]] = {"Enterprise": [], "ResearchOrg": []}
    infield: list[dict[str, Any]] = []
    for (label, org), fs in holdings.items():
        for f in fs:
            for copy in range(2):  # two patents in a field: the org-field tie still counts once
                pk = f"CN-{org}-{f}-{copy}"
                patents.append({"key": pk, "title": pk})
                held[label].append({"src": org, "dst": pk})
                infield.append({"src": pk, "dst": f})
    store.merge_nodes("Patent", patents)
    for label, rows in held.items():
        store.merge_rels("HOLDS_PATENT", label, "Patent", rows)
    store.merge_rels("IN_FIELD", "Patent", "TechField", infield)


ORG_PAIRS = [
    ("Enterprise:e1", "Enterprise:e2"),
    ("Enterprise:e1", "ResearchOrg:u1"),
    ("Enterprise:e2", "Enterprise:e1"),
    ("Enterprise:e3", "Enterprise:e4"),  # nothing shared: 0
    ("Enterprise:e1", "Enterprise:e1"),  # a node with itself: left out
    ("Enterprise:e1", "Enterprise:ghost"),  # not in the graph: left out
    ("Nowhere:x", "Enterprise:e1"),  # not a model label: left out
    ("TechField:H01L", "TechField:G06F"),
]


# -- the networkx backend, on both stores --------------------------------------------------
def test_simple_graph_rules() -> None:
    rows: list[dict[str, Any]] = [
        {"src_label": "E", "src": "a", "rel": "R", "dst_label": "E", "dst": "b", "weight": 1.0},
        {"src_label": "E", "src": "a", "rel": "R", "dst_label": "E", "dst": "b", "weight": 4.0},  # same tie
        {"src_label": "E", "src": "b", "rel": "R", "dst_label": "E", "dst": "a", "weight": None},  # reverse
        {"src_label": "E", "src": "a", "rel": "S", "dst_label": "E", "dst": "b", "weight": 2.0},  # other type
        {"src_label": "E", "src": "c", "rel": "R", "dst_label": "E", "dst": "c", "weight": 9.0},  # self-tie
    ]
    g = simple_graph(rows)
    assert sorted(g.nodes) == ["E:a", "E:b"]
    assert g["E:a"]["E:b"]["weight"] == 4.0 + 1.0 + 2.0
    with pytest.raises(SchemaError, match="weight"):
        simple_graph([{k: v for k, v in rows[0].items() if k != "weight"}])


def test_networkx_backend_on_both_stores(store: GraphStore) -> None:
    two_cliques(store)
    backend = NetworkxBackend(store)
    bc = backend.betweenness(SUPPLY)
    assert set(bc) == {f"Enterprise:{k}" for k in ("a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4")}
    # a4 lies on every shortest path from a1..a3 to b1..b4: 12 of the 7*6/2 = 21 pairs of others.
    assert bc["Enterprise:a4"] == pytest.approx(12 / 21) == bc["Enterprise:b1"]
    assert bc["Enterprise:a1"] == 0.0
    parts = backend.communities(SUPPLY)
    assert {k for k, c in parts.items() if c == parts["Enterprise:a1"]} == {f"Enterprise:a{i}" for i in range(1, 5)}
    assert {k for k, c in parts.items() if c == parts["Enterprise:b1"]} == {f"Enterprise:b{i}" for i in range(1, 5)}
    scores = backend.link_scores(SUPPLY, None, [("Enterprise:a1", "Enterprise:b1")], "resource_allocation")
    assert scores == {("Enterprise:a1", "Enterprise:b1"): pytest.approx(1 / 4)}  # shared a4, degree 4


def test_networkx_backend_weights_and_hostile_keys(store: GraphStore) -> None:
    weighted_ring(store)
    parts = NetworkxBackend(store).communities(UPSTREAM, {"scheme": "SW2021"})
    first = {k for k, c in parts.items() if c == parts["Industry:SW2021:270101"]}
    assert first == {f"Industry:SW2021:27010{i}" for i in (1, 2, 3)}
    assert NetworkxBackend(store).betweenness(UPSTREAM, {"scheme": "none"}) == {}


def test_networkx_backend_refuses_bad_input(store: GraphStore) -> None:
    supply(store, [("a", "b")])
    backend = NetworkxBackend(store)
    with pytest.raises(InvalidInputError, match="not a link-prediction method"):
        backend.link_scores(SUPPLY, None, [("Enterprise:a", "Enterprise:b")], "katz")
    with pytest.raises(InvalidInputError, match="pair"):
        backend.link_scores(SUPPLY, None, [("Enterprise:a",)], "jaccard")  # type: ignore[list-item]
    with pytest.raises(SchemaError, match="weight"):
        backend.betweenness(NO_WEIGHT)


def test_open_backend_picks_networkx_without_gds(store: GraphStore) -> None:
    if store.backend == "ladybug":
        assert open_backend(store, "auto").name == "networkx"
        with pytest.raises(StoreUnavailableError, match="runs inside Neo4j"):
            open_backend(store, "gds")
    else:
        expected = "gds" if gds_version(store) else "networkx"
        assert open_backend(store, "auto").name == expected
        if expected == "networkx":
            with pytest.raises(StoreUnavailableError, match="no Graph Data Science plugin"):
                GdsBackend(store).betweenness(SUPPLY)
    with pytest.raises(InvalidInputError):
        open_backend(store, "spark")  # type: ignore[arg-type]


# -- GDS against networkx ------------------------------------------------------------------
_schema_ready = False


@pytest.fixture
def gds_store() -> Iterator[GraphStore]:
    """An emptied Neo4j store with GDS; skips with a reason when there is none."""
    from chainkg.graph.store.neo4j_store import Neo4jStore

    global _schema_ready
    uri = os.environ.get("CHAINKG_TEST_NEO4J_URI")
    if not uri:
        pytest.skip("GDS tests skipped: CHAINKG_TEST_NEO4J_URI is not set")
    s = Neo4jStore(
        uri, os.environ.get("CHAINKG_TEST_NEO4J_USER", "neo4j"), os.environ.get("CHAINKG_TEST_NEO4J_PASSWORD", "")
    )
    try:
        if gds_version(s) is None:
            pytest.skip(
                "GDS tests skipped: the Neo4j under test has no gds.* procedures "
                "(start it with NEO4J_TEST_GDS=1 scripts/neo4j-test-server.sh start)"
            )
        if not _schema_ready:
            s.ensure_schema()
            _schema_ready = True
        s.clear()
        yield s
    finally:
        s.close()


def leftover_graphs(store: GraphStore) -> list[str]:
    rows = store.execute("CALL gds.graph.list() YIELD graphName RETURN graphName")
    return [r["graphName"] for r in rows if str(r["graphName"]).startswith("chainkg_")]


def both(store: GraphStore) -> tuple[NetworkxBackend, GdsBackend]:
    return NetworkxBackend(store), GdsBackend(store)


def assert_close(a: dict[Any, float], b: dict[Any, float], tol: float = 1e-9) -> None:
    assert set(a) == set(b)
    for k in a:
        assert a[k] == pytest.approx(b[k], abs=tol), k


def partition(parts: dict[str, int]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for n, c in parts.items():
        groups.setdefault(c, set()).add(n)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.neo4j
@pytest.mark.parametrize("build", [two_cliques, random_supply, org_fields], ids=["cliques", "random", "org_field"])
def test_gds_betweenness_equals_networkx(gds_store: GraphStore, build: Any) -> None:
    build(gds_store)
    query = ORG_FIELD if build is org_fields else SUPPLY
    nxb, gds = both(gds_store)
    expected = nxb.betweenness(query)
    assert expected and any(v > 0 for v in expected.values())
    assert_close(gds.betweenness(query), expected)
    assert leftover_graphs(gds_store) == []


@pytest.mark.neo4j
def test_gds_louvain_equals_networkx_on_an_obvious_split(gds_store: GraphStore) -> None:
    two_cliques(gds_store)
    weighted_ring(gds_store)
    nxb, gds = both(gds_store)
    got = gds.communities(SUPPLY)
    assert got == nxb.communities(SUPPLY)  # same partition, numbered the same way
    assert len(partition(got)) == 2
    ring = gds.communities(UPSTREAM, {"scheme": "SW2021"})
    assert partition(ring) == partition(nxb.communities(UPSTREAM, {"scheme": "SW2021"}))
    assert partition(ring) == {
        frozenset(f"Industry:SW2021:27010{i}" for i in (1, 2, 3)),
        frozenset(f"Industry:SW2021:27010{i}" for i in (4, 5, 6)),
    }
    assert leftover_graphs(gds_store) == []


@pytest.mark.neo4j
@pytest.mark.parametrize("method", METHODS)
def test_gds_link_scores_equal_networkx(gds_store: GraphStore, method: str) -> None:
    org_fields(gds_store)
    nxb, gds = both(gds_store)
    expected = nxb.link_scores(ORG_FIELD, None, ORG_PAIRS, method)
    assert ("Enterprise:e3", "Enterprise:e4") in expected and expected[("Enterprise:e3", "Enterprise:e4")] == 0.0
    assert ("Enterprise:e1", "Enterprise:ghost") not in expected
    assert_close(gds.link_scores(ORG_FIELD, None, ORG_PAIRS, method), expected, tol=1e-12)
    assert leftover_graphs(gds_store) == []


@pytest.mark.neo4j
def test_gds_keys_travel_as_parameters(gds_store: GraphStore) -> None:
    keys = ["d'zzit", '"}) MATCH (m) DETACH DELETE m //', "a:b:c", "锌合金\\铝合金"]
    supply(gds_store, [(keys[0], keys[1]), (keys[1], keys[2]), (keys[2], keys[3])])
    nxb, gds = both(gds_store)
    assert_close(gds.betweenness(SUPPLY), nxb.betweenness(SUPPLY))
    pair = [(f"Enterprise:{keys[0]}", f"Enterprise:{keys[2]}")]
    assert gds.link_scores(SUPPLY, None, pair, "jaccard") == nxb.link_scores(SUPPLY, None, pair, "jaccard")
    assert gds_store.count_nodes("Enterprise") == 4


@pytest.mark.neo4j
def test_gds_empty_graph_and_errors_leave_no_projection(gds_store: GraphStore) -> None:
    gds = GdsBackend(gds_store)
    assert gds.betweenness(SUPPLY) == {}
    assert gds.communities(SUPPLY) == {}
    assert gds.link_scores(SUPPLY, None, [("Enterprise:a", "Enterprise:b")], "jaccard") == {}
    supply(gds_store, [("a", "b"), ("b", "c")])
    with pytest.raises(SchemaError, match="weight"):
        gds.betweenness(NO_WEIGHT)
    with pytest.raises(InvalidInputError, match="reserved"):
        gds.betweenness(SUPPLY, {"chainkg_graph": "x"})
    with pytest.raises(InvalidInputError, match="not a link-prediction method"):
        gds.link_scores(SUPPLY, None, [("Enterprise:a", "Enterprise:c")], "katz")
    # A failure after the projection exists (bad config) must still drop it.
    with pytest.raises(Exception), gds.projection(SUPPLY) as p:  # noqa: B017
        assert p.node_count == 3 and p.edge_count == 2
        assert leftover_graphs(gds_store) == [p.name]
        gds_store.execute("CALL gds.betweenness.stream($g, {noSuchOption: 1})", {"g": p.name})
    assert leftover_graphs(gds_store) == []


@pytest.mark.neo4j
def test_gds_drop_leftovers(gds_store: GraphStore) -> None:
    from chainkg.graph.analytics.gds_backend import labels_cypher, projection_cypher

    supply(gds_store, [("a", "b")])
    gds = GdsBackend(gds_store)
    # A projection whose caller died before dropping it (made here without the context manager).
    assert gds_store.execute(labels_cypher(SUPPLY))[0]["labels"] == ["Enterprise", "Enterprise"]
    gds_store.execute(projection_cypher(SUPPLY, ["Enterprise"]), {"chainkg_graph": "chainkg_orphan"})
    assert gds.drop_leftovers() == []  # younger than an hour: may still be in use
    assert gds.drop_leftovers(min_age_s=0) == ["chainkg_orphan"]
    assert leftover_graphs(gds_store) == []
