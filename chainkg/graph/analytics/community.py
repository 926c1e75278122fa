"""Communities and brokers in a network of ties between organizations.

A tie network is undirected: nodes are organizations, an edge joins two that have at least
one tie (supply, cooperation, a co-held patent, a shared tech field ...). The edge carries
``weight`` (the number of ties) and ``ties`` (what they are, for the evidence).

- Communities: Louvain modularity optimisation (networkx), on ``weight``, with a fixed seed so
  the same graph always gives the same split.
- Brokers: nodes with positive betweenness centrality, i.e. nodes on shortest paths between
  others; removing a broker lengthens or cuts paths between parts of the network.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import networkx as nx


@dataclass(frozen=True)
class Tie:
    """One tie between two organizations, e.g. ``Tie("a", "b", "supplies", "硅片")``."""

    a: Hashable
    b: Hashable
    kind: str
    detail: str = ""


def tie_graph(nodes: Iterable[Hashable], ties: Iterable[Tie]) -> nx.Graph:
    """Build the undirected tie network: every node, and one weighted edge per tied pair.

    Self-ties and ties to nodes outside ``nodes`` are ignored; an edge's ``weight`` is the
    number of distinct ties and ``ties`` lists them as ``"kind: detail"`` texts, sorted.

    Examples
    --------
    >>> g = tie_graph(["a", "b", "c"], [Tie("a", "b", "supplies", "硅片"),
    ...                                 Tie("b", "a", "shared_field", "H01L"), Tie("a", "z", "supplies")])
    >>> g["a"]["b"]["weight"], g["a"]["b"]["ties"], g.number_of_edges()
    (2, ['shared_field: H01L', 'supplies: 硅片'], 1)
    """
    g = nx.Graph()
    g.add_nodes_from(nodes)
    for t in ties:
        if t.a == t.b or t.a not in g or t.b not in g:
            continue
        text = f"{t.kind}: {t.detail}" if t.detail else t.kind
        if g.has_edge(t.a, t.b):
            data = g[t.a][t.b]
            if text not in data["ties"]:
                data["ties"] = sorted([*data["ties"], text])
                data["weight"] = len(data["ties"])
        else:
            g.add_edge(t.a, t.b, weight=1, ties=[text])
    return g


def communities(
    g: nx.Graph, *, weight: str | None = "weight", seed: int = 42, resolution: float = 1.0
) -> list[list[Hashable]]:
    """Louvain communities of ``g``, largest first, each sorted; ties by the first member.

    Isolated nodes form communities of one. The seed makes the result repeatable, also from
    one process to the next: networkx's Louvain walks sets of nodes, whose order for strings
    changes with Python's per-process hash seed, so the graph is first rebuilt with integer
    nodes (numbered in sorted order) and edges added in sorted order.

    Examples
    --------
    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    >>> communities(g)
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    if g.number_of_nodes() == 0:
        return []
    order = sorted(g.nodes, key=str)
    number = {n: i for i, n in enumerate(order)}
    canon = nx.Graph()
    canon.add_nodes_from(range(len(order)))
    edges = sorted((min(number[a], number[b]), max(number[a], number[b]), d) for a, b, d in _edges(g, weight))
    canon.add_weighted_edges_from(edges, weight="weight")
    found = nx.community.louvain_communities(
        canon, weight="weight" if weight is not None else None, resolution=resolution, seed=seed
    )
    groups = [sorted((order[i] for i in c), key=str) for c in found]
    groups.sort(key=lambda c: (-len(c), str(c[0])))
    return groups


def _edges(g: nx.Graph, weight: str | None) -> Iterable[tuple[Hashable, Hashable, float]]:
    """Each edge with its weight (1 without a weight attribute, or when weights are ignored)."""
    for a, b, data in g.edges(data=True):
        yield a, b, 1.0 if weight is None else data.get(weight, 1)


def community_index(groups: Iterable[Iterable[Hashable]]) -> dict[Hashable, int]:
    """Map each node to the position of its community in ``groups`` (0 = the first).

    Examples
    --------
    >>> community_index([["a", "b"], ["c"]])
    {'a': 0, 'b': 0, 'c': 1}
    """
    return {n: i for i, group in enumerate(groups) for n in group}


def betweenness(g: nx.Graph) -> dict[Hashable, float]:
    """Normalized betweenness centrality (0–1) on unweighted shortest paths.

    Hops, not weights, measure distance: a tie is a tie, and a broker is judged by the
    paths it sits on.

    Examples
    --------
    >>> betweenness(nx.path_graph(["a", "b", "c"]))
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    return {n: float(v) for n, v in nx.betweenness_centrality(g, normalized=True).items()}


def brokers(g: nx.Graph, *, limit: int | None = None) -> list[tuple[Hashable, float]]:
    """Nodes with betweenness above zero, highest first (then by the node's text form).

    Examples
    --------
    >>> brokers(nx.path_graph(["a", "b", "c", "d"]))
    [('b', 0.6666666666666666), ('c', 0.6666666666666666)]
    """
    ranked = sorted(((n, v) for n, v in betweenness(g).items() if v > 0), key=lambda x: (-x[1], str(x[0])))
    return ranked[:limit] if limit is not None else ranked
