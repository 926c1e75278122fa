"""Tie networks, Louvain communities and brokers on graphs with an obvious answer."""

from __future__ import annotations

import networkx as nx
import pytest

from chainkg.graph.analytics.community import Tie, betweenness, brokers, communities, community_index, tie_graph


def two_triangles() -> nx.Graph:
    """Triangles a-b-c and x-y-z joined by the single edge c-x."""
    return nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])


def test_obvious_split() -> None:
    groups = communities(two_triangles())
    assert groups == [["a", "b", "c"], ["x", "y", "z"]]
    assert community_index(groups) == {"a": 0, "b": 0, "c": 0, "x": 1, "y": 1, "z": 1}


def test_split_is_repeatable_and_isolates_stand_alone() -> None:
    g = two_triangles()
    g.add_node("loner")
    expected = [["a", "b", "c"], ["x", "y", "z"], ["loner"]]  # largest first, then by first member
    assert communities(g) == expected
    # The same graph built in another order gives the same answer (no dependence on insertion order).
    h = nx.Graph()
    h.add_node("loner")
    h.add_edges_from([("z", "y"), ("x", "z"), ("y", "x"), ("c", "x"), ("c", "a"), ("b", "c"), ("a", "b")])
    assert communities(h) == expected
    assert communities(nx.Graph()) == []


def test_bridge_nodes_are_brokers() -> None:
    g = two_triangles()
    # c and x each lie on every shortest path between their triangle and the other one:
    # c: pairs (a|b, x|y|z) = 6 -> 6 / C(5,2)=10 -> 0.6; the same for x.
    b = betweenness(g)
    assert b["c"] == pytest.approx(0.6)
    assert b["x"] == pytest.approx(0.6)
    assert b["a"] == 0.0
    assert brokers(g) == [("c", pytest.approx(0.6)), ("x", pytest.approx(0.6))]
    assert brokers(g, limit=1) == [("c", pytest.approx(0.6))]


def test_star_centre() -> None:
    star = nx.star_graph(4)  # centre 0, leaves 1..4: 6 leaf pairs all through 0
    assert betweenness(star)[0] == pytest.approx(1.0)
    assert brokers(star) == [(0, pytest.approx(1.0))]


def test_tie_graph_counts_distinct_ties() -> None:
    g = tie_graph(
        ["a", "b", "c"],
        [
            Tie("a", "b", "supplies", "硅片"),
            Tie("b", "a", "supplies", "硅片"),  # the same tie seen from the other side
            Tie("a", "b", "co_patent", "CN1"),
            Tie("a", "a", "co_patent", "CN2"),  # self-tie ignored
            Tie("a", "outsider", "cooperates"),  # outside the node set ignored
        ],
    )
    assert g.number_of_edges() == 1
    assert g["a"]["b"]["weight"] == 2
    assert g["a"]["b"]["ties"] == ["co_patent: CN1", "supplies: 硅片"]
    assert set(g.nodes) == {"a", "b", "c"}
