"""One analytics interface, two engines: networkx in this process, or GDS inside Neo4j.

A backend answers graph questions about a graph that an *edge query* describes: a
:class:`~chainkg.queries.registry.NamedQuery` whose rows have the columns ``src_label``,
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

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

import networkx as nx

from chainkg.errors import InvalidInputError, SchemaError
from chainkg.graph.analytics import community, linkpred
from chainkg.graph.nxgraph import node_id
from chainkg.graph.store.base import GraphStore
from chainkg.queries.registry import NamedQuery

NodeId = str
Pair = tuple[NodeId, NodeId]
BackendKind = Literal["networkx", "gds", "auto"]

#: The columns an edge query must return (``weight`` may be null).
EDGE_COLUMNS: tuple[str, ...] = ("src_label", "src", "rel", "dst_label", "dst", "weight")


@runtime_checkable
class AnalyticsBackend(Protocol):
    """Graph algorithms over the undirected simple graph of an edge query (see the module text)."""

    name: str

    def betweenness(self, query: NamedQuery, params: Mapping[str, Any] | None = None) -> dict[NodeId, float]:
        """Normalized betweenness centrality (0–1, hops) of every node, like networkx's default."""
        ...

    def communities(
        self, query: NamedQuery, params: Mapping[str, Any] | None = None, seed: int = 42
    ) -> dict[NodeId, int]:
        """Louvain community of every node; 0 is the largest community (see :func:`number_communities`)."""
        ...

    def link_scores(
        self,
        query: NamedQuery,
        params: Mapping[str, Any] | None,
        pairs: Iterable[Pair],
        method: str = "resource_allocation",
    ) -> dict[Pair, float]:
        """Link-prediction score of each pair whose two nodes are in the graph (others are left out)."""
        ...


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


class NetworkxBackend:
    """Pull the edge rows out of the store and run networkx in this process.

    Works on every store. Memory and time grow with the whole graph in Python; for large
    graphs on Neo4j see :class:`~chainkg.graph.analytics.gds_backend.GdsBackend`.

    Examples
    --------
    >>> from chainkg.queries.registry import NamedQuery
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

    def link_scores(
        self,
        query: NamedQuery,
        params: Mapping[str, Any] | None,
        pairs: Iterable[Pair],
        method: str = "resource_allocation",
    ) -> dict[Pair, float]:
        """Score each pair with ``method`` (resource_allocation, adamic_adar or jaccard)."""
        m = check_method(method)
        wanted = check_pairs(pairs)
        scores = linkpred.score_pairs(self.graph(query, params), wanted, m)
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
    # Imported here: the GDS module builds on this one.
    from chainkg.graph.analytics.gds_backend import GdsBackend, gds_version

    if kind == "gds":
        return GdsBackend(store)
    if kind == "auto":
        return GdsBackend(store) if gds_version(store) is not None else NetworkxBackend(store)
    raise InvalidInputError(f"'{kind}' is not an analytics backend; use networkx, gds or auto", field="analytics")
