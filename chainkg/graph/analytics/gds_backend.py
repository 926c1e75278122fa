"""The analytics backend that runs inside Neo4j with the Graph Data Science (GDS) library.

Instead of pulling the rows of an edge query into Python, :class:`GdsBackend` wraps the
query's own Cypher in a *Cypher projection* (the ``gds.graph.project`` aggregation
function), so Neo4j builds a GDS in-memory graph from the very same rows, by the rules of
:mod:`chainkg.graph.analytics.backend` (one tie per ``(src, rel, dst)`` with its largest
weight, no self-ties, one undirected edge per pair with the summed weight). The algorithm
streams its result per node, each internal node id is turned back into ``"Label:key"``, and
the projection is dropped, always, in ``finally``.

What runs where (GDS 2.13, the line for Neo4j 5.26):

- betweenness: ``gds.betweenness.stream`` on the undirected projection. GDS counts each
  unordered pair once, so its score is divided by ``(n-1)(n-2)/2`` to match networkx's
  normalized value.
- communities: ``gds.louvain.stream`` on ``weight``, with ``concurrency: 1`` so the same
  graph always gives the same split. GDS's Louvain has no random seed; ``seed`` is ignored.
- jaccard: ``gds.nodeSimilarity.filtered.stream``, one run per source node of the pairs with
  its own targets as the filter (``similarityCutoff: 0`` keeps zero scores, so a pair is
  missing only when a node is not in the graph).
- resource_allocation and adamic_adar: GDS 2.13 has no such algorithm over a projected graph
  (its ``gds.alpha.linkprediction.*`` functions read stored relationships of one type, not a
  query's rows). They fall back to plain Cypher over the edge query's rows, still inside
  Neo4j: nothing is projected and the graph is not pulled into Python.

Node labels and property names in the generated Cypher come only from the model; values
(keys, the graph's name, the pairs) travel as parameters.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from chainkg.errors import ChainkgError, InvalidInputError, StoreUnavailableError
from chainkg.graph.analytics import linkpred
from chainkg.graph.analytics.edgequery import (
    EDGE_COLUMNS,
    AnalyticsBackend,
    NodeId,
    Pair,
    missing_columns,
    number_communities,
)
from chainkg.graph.model import MODEL
from chainkg.graph.nxgraph import node_id, split_node_id
from chainkg.graph.store.base import GraphStore
from chainkg.graph.store.named import NamedQuery
from chainkg.graph.store.neo4j_store import Neo4jStore

log = logging.getLogger(__name__)

#: Parameter names this module adds to an edge query's own parameters.
RESERVED_PARAMS = frozenset({"chainkg_graph", "chainkg_ends", "chainkg_pairs", "chainkg_groups", "chainkg_concurrency"})


def gds_version(store: GraphStore) -> str | None:
    """The GDS version installed in the store's Neo4j, or ``None`` (not Neo4j, or no GDS).

    Examples
    --------
    >>> gds_version(neo4j_store)  # doctest: +SKIP
    '2.13.9'
    """
    if store.backend != "neo4j":
        return None
    read = _reader(store)
    rows = read("SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'gds.' RETURN count(*) AS n", None)
    if not rows or not rows[0]["n"]:
        return None
    return str(read("RETURN gds.version() AS v", None)[0]["v"])


def _reader(store: GraphStore) -> Callable[[str, Mapping[str, Any] | None], list[dict[str, Any]]]:
    """How to run Cypher on ``store`` in read transactions.

    GDS changes only its in-memory catalog, never the database, so reads suffice; they also
    work on a read-only cluster member (a GDS secondary reached over ``bolt://``).
    """
    return store.read if isinstance(store, Neo4jStore) else store.execute


def model_labels(found: Iterable[Any]) -> list[str]:
    """The model's labels among ``found``, in the model's order; anything else is dropped.

    Examples
    --------
    >>> model_labels(["TechField", "Enterprise", "Nowhere) DETACH DELETE n //"])
    ['Enterprise', 'TechField']
    """
    wanted = set(found)
    return [n.label for n in MODEL.nodes if n.label in wanted]


def _lookup(label: str, key: str, out: str, labels: Sequence[str]) -> str:
    """A subquery that finds the node ``out`` whose label and key are in the variables given.

    Cypher 5 cannot match a label held in a variable through an index (``:$(x)`` scans every
    node), so there is one indexed branch per label that occurs (each a model label); only the
    branch of the row's label matches. Fewer branches, less work: one branch instead of all
    ten halved the projection time of 32,000 edges here.
    """
    branches = " UNION ALL ".join(
        f"WITH {label}, {key} WHERE {label} = '{lb}' MATCH ({out}:{lb} {{key: {key}}}) RETURN {out}"
        for lb in model_labels(labels)
    )
    return f"CALL ({label}, {key}) {{ {branches} }}"


def _edge_rows(query: NamedQuery) -> str:
    """The edge query as a subquery, keeping only the edge columns (its other columns may clash)."""
    cols = ", ".join(EDGE_COLUMNS)
    return f"CALL () {{\n{query.text_for('neo4j')}\n}}\nWITH {cols}\n"


def labels_cypher(query: NamedQuery) -> str:
    """Cypher that lists the labels the edge query's rows name (a cheap first pass)."""
    return _edge_rows(query) + "RETURN collect(DISTINCT src_label) + collect(DISTINCT dst_label) AS labels"


def projection_cypher(query: NamedQuery, labels: Sequence[str]) -> str:
    """Cypher that projects the edge query's rows as an undirected GDS graph named ``$chainkg_graph``.

    ``labels`` are the labels the rows name (see :func:`labels_cypher`).
    """
    return (
        _edge_rows(query)
        + "WHERE NOT (src_label = dst_label AND src = dst)\n"
        + _lookup("src_label", "src", "s", labels)
        + "\n"
        + _lookup("dst_label", "dst", "t", labels)
        + """
WITH s, rel, t, max(coalesce(toFloat(weight), 1.0)) AS w
WITH CASE WHEN elementId(s) < elementId(t) THEN s ELSE t END AS a,
     CASE WHEN elementId(s) < elementId(t) THEN t ELSE s END AS b, w
WITH a, b, sum(w) AS weight
WITH gds.graph.project($chainkg_graph, a, b, {relationshipProperties: {weight: weight}},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS rels"""
    )


def shared_neighbour_cypher(query: NamedQuery) -> str:
    """Cypher that scores ``$chainkg_pairs`` by resource allocation and Adamic–Adar over the rows.

    Only nodes in ``$chainkg_ends`` (the pairs' nodes) keep their neighbour lists, so the
    work is one pass over the rows plus the shared neighbours of the pairs.
    """
    return (
        _edge_rows(query)
        + """WITH src_label + ':' + src AS x, dst_label + ':' + dst AS y
WHERE x <> y
WITH DISTINCT CASE WHEN x < y THEN x ELSE y END AS lo, CASE WHEN x < y THEN y ELSE x END AS hi
UNWIND [[lo, hi], [hi, lo]] AS e
WITH e[0] AS w, e[1] AS v
WITH w, count(*) AS deg, collect(CASE WHEN v IN $chainkg_ends THEN v END) AS touching
WITH collect(CASE WHEN w IN $chainkg_ends THEN w END) AS present,
     collect(CASE WHEN size(touching) >= 2 THEN {deg: deg, touching: touching} END) AS shared
UNWIND $chainkg_pairs AS p
WITH p, shared WHERE p[0] <> p[1] AND p[0] IN present AND p[1] IN present
WITH p, [c IN shared WHERE p[0] IN c.touching AND p[1] IN c.touching | c.deg] AS degs
RETURN p[0] AS a, p[1] AS b,
       reduce(acc = 0.0, d IN degs | acc + 1.0 / d) AS resource_allocation,
       reduce(acc = 0.0, d IN degs | acc + 1.0 / log(d)) AS adamic_adar"""
    )


_NODE = "labels(n)[0] AS label, n.key AS key"

BETWEENNESS = f"""
CALL gds.betweenness.stream($chainkg_graph, {{concurrency: $chainkg_concurrency}}) YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS n, score
RETURN {_NODE}, score"""

LOUVAIN = f"""
CALL gds.louvain.stream($chainkg_graph, {{relationshipWeightProperty: 'weight', concurrency: 1}})
YIELD nodeId, communityId
WITH gds.util.asNode(nodeId) AS n, communityId
RETURN {_NODE}, communityId AS community"""


def jaccard_cypher(labels: Sequence[str]) -> str:
    """Cypher for GDS node similarity between each ``$chainkg_groups`` source and its targets."""
    return f"""
UNWIND $chainkg_groups AS grp
CALL (grp) {{
  WITH grp.source[0] AS label, grp.source[1] AS key
  {_lookup("label", "key", "n", labels)}
  WITH n AS source, grp
  UNWIND grp.targets AS target
  WITH source, target[0] AS label, target[1] AS key
  {_lookup("label", "key", "n", labels)}
  WITH source, collect(n) AS targets WHERE size(targets) > 0
  CALL gds.nodeSimilarity.filtered.stream($chainkg_graph, {{
    sourceNodeFilter: [source], targetNodeFilter: targets, topK: size(targets), similarityCutoff: 0.0,
    concurrency: $chainkg_concurrency}})
  YIELD node2, similarity
  RETURN source, node2, similarity
}}
WITH source AS a, gds.util.asNode(node2) AS b, similarity
RETURN labels(a)[0] AS a_label, a.key AS a_key, labels(b)[0] AS b_label, b.key AS b_key, similarity"""


DROP = "CALL gds.graph.drop($chainkg_graph, false) YIELD graphName RETURN graphName"

LEFTOVERS = """
CALL gds.graph.list() YIELD graphName, creationTime
WITH graphName, creationTime WHERE graphName STARTS WITH 'chainkg_'
  AND creationTime <= datetime() - duration({seconds: $chainkg_age})
RETURN graphName ORDER BY graphName"""


@dataclass(frozen=True)
class Projection:
    """A GDS in-memory graph made from an edge query: its name and size (undirected edges)."""

    name: str
    node_count: int
    edge_count: int


class GdsBackend(AnalyticsBackend):
    """Run chainkg's graph algorithms inside Neo4j with GDS (see the module text).

    ``concurrency`` is passed to betweenness and node similarity (GDS Community allows up
    to 4); Louvain always runs with 1 so its split is repeatable.

    Examples
    --------
    >>> GdsBackend(neo4j_store).betweenness(ties)  # doctest: +SKIP
    {'Enterprise:a': 0.0, 'Enterprise:b': 1.0, 'Enterprise:c': 0.0}
    """

    name = "gds"

    def __init__(self, store: GraphStore, *, concurrency: int = 4) -> None:
        if store.backend != "neo4j":
            raise StoreUnavailableError(
                f"The GDS analytics backend runs inside Neo4j, but this store is {store.backend}. "
                "Use CHAINKG_STORE=neo4j, or the networkx analytics backend."
            )
        if not 1 <= concurrency <= 4:
            raise InvalidInputError("concurrency must be between 1 and 4 (GDS Community's limit)", field="concurrency")
        self.store = store
        self._run = _reader(store)
        self.concurrency = concurrency
        self._version: str | None = None

    def require(self) -> str:
        """The GDS version of the store; raises ``StoreUnavailableError`` when GDS is missing."""
        if self._version is None:
            found = gds_version(self.store)
            if found is None:
                where = getattr(self.store, "uri", "the Neo4j server")
                raise StoreUnavailableError(
                    f"Neo4j at {where} has no Graph Data Science plugin (no gds.* procedures). Install GDS 2.13 "
                    "for Neo4j 5.26 and allow it with dbms.security.procedures.unrestricted=gds.*, "
                    "or use the networkx analytics backend."
                )
            self._version = found
        return self._version

    # -- projection -------------------------------------------------------------------------
    @contextmanager
    def projection(self, query: NamedQuery, params: Mapping[str, Any] | None = None) -> Iterator[Projection]:
        """Project the edge query into a uniquely named GDS graph; drop it when the block ends."""
        self.require()  # fail with a plain message before any GDS call
        args = self._params(params, chainkg_graph=f"chainkg_{uuid.uuid4().hex}")
        name = str(args["chainkg_graph"])
        try:
            found = self._execute(query, labels_cypher(query), args)
            labels = model_labels(found[0]["labels"] if found else [])
            # No rows, nothing to project (and an empty projection would return null anyway).
            rows = self._execute(query, projection_cypher(query, labels), args) if labels else []
            nodes = rows[0]["nodes"] if rows else None
            # An empty edge list projects nothing (the aggregation returns null).
            rels = int(rows[0]["rels"] or 0) if rows else 0
            yield Projection(name, int(nodes or 0), rels // 2)
        finally:
            self._drop(name)

    def drop_leftovers(self, min_age_s: float = 3600.0) -> list[str]:
        """Drop chainkg projections older than ``min_age_s`` seconds and return their names.

        A projection outlives its call only when the calling process died before its
        ``finally`` ran (killed, or the connection lost); it then holds server memory until
        Neo4j restarts. Calls take seconds to minutes, so an hour-old one is a leftover.
        """
        rows = self._run(LEFTOVERS, {"chainkg_age": float(min_age_s)})
        names = [str(r["graphName"]) for r in rows]
        for name in names:
            self._drop(name)
        return names

    def _drop(self, name: str) -> None:
        try:
            self._run(DROP, {"chainkg_graph": name})
        except ChainkgError as exc:
            # Never hide the caller's result or error; an undropped graph lives until restart.
            log.warning("could not drop GDS graph %s: %s", name, exc)

    # -- algorithms -------------------------------------------------------------------------
    def betweenness(self, query: NamedQuery, params: Mapping[str, Any] | None = None) -> dict[NodeId, float]:
        """Normalized betweenness centrality of every node (hops, 0–1), as networkx computes it."""
        with self.projection(query, params) as p:
            if p.node_count == 0:
                return {}
            rows = self._run(BETWEENNESS, {"chainkg_graph": p.name, "chainkg_concurrency": self.concurrency})
        n = p.node_count
        # GDS counts each unordered pair once on an undirected graph; networkx divides by the pairs.
        scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
        return {node_id(r["label"], r["key"]): float(r["score"]) * scale for r in rows}

    def communities(
        self, query: NamedQuery, params: Mapping[str, Any] | None = None, seed: int = 42
    ) -> dict[NodeId, int]:
        """Louvain communities on ``weight``, numbered largest first (``seed`` is unused by GDS)."""
        with self.projection(query, params) as p:
            if p.node_count == 0:
                return {}
            rows = self._run(LOUVAIN, {"chainkg_graph": p.name})
        return number_communities({node_id(r["label"], r["key"]): r["community"] for r in rows})

    def _link_scores(
        self, query: NamedQuery, params: Mapping[str, Any] | None, wanted: list[Pair], m: linkpred.Method
    ) -> dict[Pair, float]:
        """Jaccard by GDS, the others by Cypher."""
        if not wanted:
            return {}
        if m == "jaccard":
            return self._jaccard(query, params, wanted)
        ends = sorted({x for p in wanted for x in p})
        self.require()  # same plain message as the GDS paths, though this one needs no GDS
        rows = self._execute(
            query,
            shared_neighbour_cypher(query),
            self._params(params, chainkg_ends=ends, chainkg_pairs=[list(p) for p in wanted]),
        )
        return {(r["a"], r["b"]): float(r[m]) for r in rows}

    def _jaccard(self, query: NamedQuery, params: Mapping[str, Any] | None, wanted: list[Pair]) -> dict[Pair, float]:
        # One small node-similarity run per source node, between it and its own targets only:
        # a single run over all the pairs' nodes scores every pair among them (about 4x slower
        # for 200 random pairs of a 16,000-node graph, measured).
        targets: dict[NodeId, list[NodeId]] = {}
        for a, b in wanted:
            if a != b:
                targets.setdefault(a, []).append(b)
        groups = [
            {"source": list(split_node_id(a)), "targets": [list(split_node_id(b)) for b in bs]}
            for a, bs in targets.items()
        ]
        with self.projection(query, params) as p:
            if p.node_count == 0 or not groups:
                return {}
            labels = model_labels(split_node_id(x)[0] for x in (*targets, *(b for bs in targets.values() for b in bs)))
            if not labels:
                return {}
            rows = self._run(
                jaccard_cypher(labels),
                {"chainkg_graph": p.name, "chainkg_groups": groups, "chainkg_concurrency": self.concurrency},
            )
        sims = {
            (node_id(r["a_label"], r["a_key"]), node_id(r["b_label"], r["b_key"])): float(r["similarity"]) for r in rows
        }
        return {(a, b): sims[(a, b)] for a, b in wanted if (a, b) in sims}

    # -- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _params(params: Mapping[str, Any] | None, **ours: Any) -> dict[str, Any]:
        given = dict(params or {})
        clash = RESERVED_PARAMS & set(given)
        if clash:
            raise InvalidInputError(f"parameter name(s) {', '.join(sorted(clash))} are reserved for the GDS backend")
        given.update(ours)
        return given

    def _execute(self, query: NamedQuery, cypher: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Run generated Cypher around ``query``; a missing edge column becomes a plain SchemaError."""
        try:
            return self._run(cypher, params)
        except ChainkgError as exc:
            missing = [c for c in EDGE_COLUMNS if f"`{c}` not defined" in str(exc)]
            if missing:
                raise missing_columns(f"query '{query.name}'", missing) from exc
            raise
