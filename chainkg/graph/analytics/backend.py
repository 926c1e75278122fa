"""One analytics interface, two engines: networkx in this process, or GDS inside Neo4j.

A backend answers graph questions about a graph that an *edge query* describes: a
:class:`~chainkg.graph.store.named.NamedQuery` whose rows have the columns ``src_label``,
``src``, ``rel``, ``dst_label``, ``dst`` and ``weight`` (``null`` where there is none; the
column must be there). Nodes are named ``"Label:key"`` (:func:`chainkg.graph.nxgraph.node_id`).

Both engines read the rows as the same **undirected simple graph**, so they give the same
answers:

1. each ``(src, rel, dst)`` tie counts once, with its largest weight (1 where it has none);
2. self-ties are dropped, and a node that has only self-ties is not in the graph;
3. all ties between two nodes, whatever their type or direction, make one edge whose
   ``weight`` is the sum of theirs.

Betweenness and link scores ignore weights (hops only); Louvain uses them.

- :class:`NetworkxBackend` pulls the rows out of any store and runs
  :mod:`chainkg.graph.analytics.community` and :mod:`chainkg.graph.analytics.linkpred`.
- :class:`~chainkg.graph.analytics.gds_backend.GdsBackend` projects the same rows into a
  Neo4j Graph Data Science in-memory graph and runs the algorithms there, so the graph never
  leaves the database (see docs/scaling.md for what runs where).

:func:`open_backend` picks one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import networkx as nx

from chainkg.errors import InvalidInputError
from chainkg.graph.analytics import community, linkpred
from chainkg.graph.analytics.edgequery import (
    EDGE_COLUMNS,
    AnalyticsBackend,
    NodeId,
    Pair,
    check_method,
    check_pairs,
    missing_columns,
    number_communities,
    simple_graph,
)
from chainkg.graph.store.base import GraphStore
from chainkg.graph.store.named import NamedQuery

# The edge-query contract lives in edgequery (shared with the GDS engine); re-exported here.
__all__ = [
    "EDGE_COLUMNS",
    "AnalyticsBackend",
    "BackendKind",
    "NetworkxBackend",
    "NodeId",
    "Pair",
    "check_method",
    "check_pairs",
    "missing_columns",
    "number_communities",
    "open_backend",
    "simple_graph",
]

BackendKind = Literal["networkx", "gds", "auto"]


class NetworkxBackend(AnalyticsBackend):
    """Pull the edge rows out of the store and run networkx in this process.

    Works on every store. Memory and time grow with the whole graph in Python; for large
    graphs on Neo4j see :class:`~chainkg.graph.analytics.gds_backend.GdsBackend`.

    Examples
    --------
    >>> from chainkg.graph.store.named import NamedQuery
    >>> q = NamedQuery("ties", "MATCH (a:Enterprise)-[:SUPPLIES]->(b:Enterprise) RETURN 'Enterprise' AS src_label, "
    ...                "a.key AS src, 'SUPPLIES' AS rel, 'Enterprise' AS dst_label, b.key AS dst, null AS weight")
    >>> NetworkxBackend(store).betweenness(q)  # doctest: +SKIP
    {'Enterprise:a': 0.0, 'Enterprise:b': 1.0, 'Enterprise:c': 0.0}
    """

    name = "networkx"

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def graph(self, query: NamedQuery, params: Mapping[str, Any] | None = None) -> nx.Graph:
        """The undirected simple graph of the query's rows (see the module text)."""
        return simple_graph(self.store.run(query, params or {}), query_name=f"query '{query.name}'")

    def betweenness(self, query: NamedQuery, params: Mapping[str, Any] | None = None) -> dict[NodeId, float]:
        """Normalized betweenness centrality of every node (hops, 0–1)."""
        return {str(n): v for n, v in community.betweenness(self.graph(query, params)).items()}

    def communities(
        self, query: NamedQuery, params: Mapping[str, Any] | None = None, seed: int = 42
    ) -> dict[NodeId, int]:
        """Louvain communities on ``weight`` with a fixed seed, numbered largest first."""
        groups = community.communities(self.graph(query, params), seed=seed)
        return {str(n): i for n, i in community.community_index(groups).items()}

    def _link_scores(
        self, query: NamedQuery, params: Mapping[str, Any] | None, wanted: list[Pair], method: linkpred.Method
    ) -> dict[Pair, float]:
        scores = linkpred.score_pairs(self.graph(query, params), wanted, method)
        return {(str(a), str(b)): s for (a, b), s in scores.items()}


def open_backend(store: GraphStore, kind: BackendKind = "networkx") -> AnalyticsBackend:
    """The analytics backend called ``kind`` on ``store``.

    ``"auto"`` takes GDS when the store is Neo4j with the Graph Data Science plugin and
    networkx otherwise; ``"gds"`` refuses a store without GDS with a plain message.

    Examples
    --------
    >>> open_backend(store, "auto").name  # doctest: +SKIP
    'networkx'
    """
    if kind == "networkx":
        return NetworkxBackend(store)
    # Imported here: only a Neo4j store needs the GDS module (and its driver).
    from chainkg.graph.analytics.gds_backend import GdsBackend, gds_version

    if kind == "gds":
        return GdsBackend(store)
    if kind == "auto":
        return GdsBackend(store) if gds_version(store) is not None else NetworkxBackend(store)
    raise InvalidInputError(f"'{kind}' is not an analytics backend; use networkx, gds or auto", field="analytics")
