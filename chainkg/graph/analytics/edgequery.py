"""The edge-query contract both analytics engines share (see :mod:`chainkg.graph.analytics.backend`).

Kept apart so the networkx and GDS engines both build on it without importing each other.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from chainkg.errors import InvalidInputError, SchemaError
from chainkg.graph.analytics import community, linkpred
from chainkg.graph.nxgraph import node_id
from chainkg.graph.store.named import NamedQuery

NodeId = str
Pair = tuple[NodeId, NodeId]

#: The columns an edge query must return (``weight`` may be null).
EDGE_COLUMNS: tuple[str, ...] = ("src_label", "src", "rel", "dst_label", "dst", "weight")


class AnalyticsBackend(ABC):
    """Graph algorithms over the undirected simple graph of an edge query (see the module text).

    The engines (networkx, GDS) subclass it; what they share, checking the link-prediction
    arguments, is done here once.
    """

    name: str

    @abstractmethod
    def betweenness(self, query: NamedQuery, params: Mapping[str, Any] | None = None) -> dict[NodeId, float]:
        """Normalized betweenness centrality (0–1, hops) of every node, like networkx's default."""

    @abstractmethod
    def communities(
        self, query: NamedQuery, params: Mapping[str, Any] | None = None, seed: int = 42
    ) -> dict[NodeId, int]:
        """Louvain community of every node; 0 is the largest community (see :func:`number_communities`)."""

    def link_scores(
        self,
        query: NamedQuery,
        params: Mapping[str, Any] | None,
        pairs: Iterable[Pair],
        method: str = "resource_allocation",
    ) -> dict[Pair, float]:
        """Link-prediction score of each pair whose two nodes are in the graph (others are left out).

        ``method`` is resource_allocation, adamic_adar or jaccard; an unknown method or
        something that is not a pair of node ids raises ``InvalidInputError``.
        """
        m = check_method(method)
        return self._link_scores(query, params, list(dict.fromkeys(check_pairs(pairs))), m)

    @abstractmethod
    def _link_scores(
        self, query: NamedQuery, params: Mapping[str, Any] | None, wanted: list[Pair], method: linkpred.Method
    ) -> dict[Pair, float]:
        """:meth:`link_scores` of checked, distinct pairs."""


def check_method(method: str) -> linkpred.Method:
    """Return ``method`` if it is a link-prediction method; raise ``InvalidInputError`` otherwise.

    Examples
    --------
    >>> check_method("adamic_adar")
    'adamic_adar'
    """
    try:
        return linkpred.check_method(method)
    except ValueError:
        raise InvalidInputError(
            f"'{method}' is not a link-prediction method; use one of {', '.join(linkpred.METHODS)}",
            field="method",
        ) from None


def check_pairs(pairs: Iterable[Sequence[str]]) -> list[Pair]:
    """The pairs as a list of ``(a, b)`` node-id tuples; refuse anything that is not a pair of texts.

    Examples
    --------
    >>> check_pairs([["Enterprise:a", "Enterprise:b"]])
    [('Enterprise:a', 'Enterprise:b')]
    """
    out: list[Pair] = []
    for p in pairs:
        if len(p) != 2 or not all(isinstance(x, str) for x in p):
            raise InvalidInputError(f"{p!r} is not a pair of node ids such as ('Enterprise:a', 'Enterprise:b')")
        out.append((p[0], p[1]))
    return out


def missing_columns(query_name: str, missing: Sequence[str]) -> SchemaError:
    """The plain error for an edge query that lacks some of :data:`EDGE_COLUMNS`."""
    return SchemaError(
        f"The {query_name} does not return the column(s) {', '.join(missing)}; an edge query for "
        f"analytics must return {', '.join(EDGE_COLUMNS)} (weight may be null)."
    )


def simple_graph(rows: Iterable[Mapping[str, Any]], *, query_name: str = "edge query") -> nx.Graph:
    """Build the undirected simple graph of edge rows by the rules in the module text.

    Examples
    --------
    >>> rows = [
    ...     {"src_label": "E", "src": "a", "rel": "SUPPLIES", "dst_label": "E", "dst": "b", "weight": None},
    ...     {"src_label": "E", "src": "b", "rel": "SUPPLIES", "dst_label": "E", "dst": "a", "weight": 2.0},
    ...     {"src_label": "E", "src": "a", "rel": "SUPPLIES", "dst_label": "E", "dst": "a", "weight": None},
    ... ]
    >>> g = simple_graph(rows)
    >>> sorted(g.nodes), g["E:a"]["E:b"]["weight"]
    (['E:a', 'E:b'], 3.0)
    """
    ties: dict[tuple[NodeId, str, NodeId], float] = {}
    for i, row in enumerate(rows):
        if i == 0:
            missing = [c for c in EDGE_COLUMNS if c not in row]
            if missing:
                raise missing_columns(query_name, missing)
        a, b = node_id(row["src_label"], row["src"]), node_id(row["dst_label"], row["dst"])
        if a == b:
            continue
        w = 1.0 if row["weight"] is None else float(row["weight"])
        k = (a, row["rel"], b)
        ties[k] = max(ties.get(k, w), w)
    g = nx.Graph()
    for (a, _, b), w in ties.items():
        if g.has_edge(a, b):
            g[a][b]["weight"] += w
        else:
            g.add_edge(a, b, weight=w)
    return g


def number_communities(membership: Mapping[NodeId, Hashable]) -> dict[NodeId, int]:
    """Renumber a node -> community mapping in :func:`community.communities`'s order.

    Largest community first, ties by the smallest member; so two engines that find the same
    partition give the same numbers.

    Examples
    --------
    >>> number_communities({"x": 7, "y": 7, "a": 3})
    {'x': 0, 'y': 0, 'a': 1}
    """
    groups: dict[Hashable, list[NodeId]] = {}
    for n, c in membership.items():
        groups.setdefault(c, []).append(n)
    # Same order as community.communities, so both backends number a partition alike.
    ordered = sorted((sorted(g, key=str) for g in groups.values()), key=lambda g: (-len(g), str(g[0])))
    return {str(n): i for n, i in community.community_index(ordered).items()}
