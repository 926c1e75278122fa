"""The neighbourhood of any node (its ego network) and the stored facts of a set of nodes.

One named query per node label and direction, generated from the model so labels never come
from user text; the caller's label is checked against the model first. Each query starts
from indexed keys (``c.key IN $keys``) and is bounded by ``$limit``, so a hub node such as a
large industry returns a capped sample plus its true degree for "showing N of M".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.model import MODEL, NodeType, node_type
from chainkg.graph.nxgraph import node_id, split_node_id
from chainkg.graph.store.base import GraphStore
from chainkg.graph.store.named import NamedQuery, q

MAX_DEPTH = 2
"""Deepest ego network served: two hops already reach thousands of nodes around a hub."""
MAX_EDGES = 2000
"""Cap on the edges an ego network returns."""

# Relationship properties worth carrying into a view (each exists on at least one type).
_REL_PROPS = ("weight", "share", "role", "since", "kind", "product")


def _name_expr(n: NodeType, var: str) -> str:
    names = {p.name for p in n.all_props}
    return f"{var}.name" if "name" in names else f"{var}.title" if "title" in names else f"{var}.key"


def _edge_query(n: NodeType, outgoing: bool) -> NamedQuery:
    arrow = "-[r]->(m)" if outgoing else "<-[r]-(m)"
    ends = (
        ("src_label", "src", "src_name", "dst_label", "dst", "dst_name")
        if outgoing
        else ("dst_label", "dst", "dst_name", "src_label", "src", "src_name")
    )
    rel_cols = "".join(f", r.{p} AS {p}" for p in _REL_PROPS)

    text = (
        f"MATCH (c:{n.label}){arrow} WHERE c.key IN $keys "
        f"RETURN '{n.label}' AS {ends[0]}, c.key AS {ends[1]}, {_name_expr(n, 'c')} AS {ends[2]}, "
        f"__TYPE__(r) AS rel, __LABEL__(m) AS {ends[3]}, m.key AS {ends[4]}, "
        f"coalesce(m.name, m.title, m.key) AS {ends[5]}{rel_cols}, "
        "r.source AS rel_source, r.source_row AS rel_source_row "
        f"ORDER BY rel, {ends[4]} LIMIT $limit"
    )
    direction = "out" if outgoing else "in"
    return q(
        f"ego_{direction}_{n.label}",
        text,
        f"Relationships {'from' if outgoing else 'into'} {n.label} nodes with the given keys, with the far end.",
    )


def _degree_query(n: NodeType) -> NamedQuery:
    return q(
        f"ego_degree_{n.label}",
        f"MATCH (c:{n.label})-[r]-() WHERE c.key IN $keys RETURN count(r) AS n",
        f"Number of relationships touching {n.label} nodes with the given keys.",
    )


def _facts_query(n: NodeType) -> NamedQuery:
    cols = ", ".join(f"n.{p.name} AS {p.name}" for p in n.all_props)
    return q(
        f"node_facts_{n.label}",
        f"MATCH (n:{n.label}) WHERE n.key IN $keys RETURN {cols}",
        f"Every stored property of {n.label} nodes with the given keys.",
    )


EGO_OUT: dict[str, NamedQuery] = {n.label: _edge_query(n, True) for n in MODEL.nodes}
EGO_IN: dict[str, NamedQuery] = {n.label: _edge_query(n, False) for n in MODEL.nodes}
EGO_DEGREE: dict[str, NamedQuery] = {n.label: _degree_query(n) for n in MODEL.nodes}
NODE_FACTS: dict[str, NamedQuery] = {n.label: _facts_query(n) for n in MODEL.nodes}


def check_label(label: str) -> str:
    """The model's spelling of ``label``; ``InvalidInputError`` listing the labels otherwise."""
    try:
        return node_type(label).label
    except KeyError:
        known = ", ".join(f"{n.label} ({n.zh})" for n in MODEL.nodes)
        raise InvalidInputError(
            f"'{label}' is not a kind of node chainkg knows; use one of: {known}.", field="label"
        ) from None


def node_facts(store: GraphStore, nodes: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Stored properties (model and provenance) of the ``(label, key)`` pairs that exist.

    One indexed query per label present, so the cost follows the number of nodes asked for.

    Examples
    --------
    >>> facts = node_facts(store, [("Base", "sz-led")])          # doctest: +SKIP
    >>> facts[("Base", "sz-led")]["name"]                         # doctest: +SKIP
    '深圳LED产业创新基地'
    """
    by_label: dict[str, list[str]] = {}
    for label, key in nodes:
        by_label.setdefault(check_label(label), []).append(key)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for label, keys in by_label.items():
        for row in store.run(NODE_FACTS[label], {"keys": list(dict.fromkeys(keys))}):
            out[(label, row["key"])] = row
    return out


def _edge_rows(
    store: GraphStore, keys_by_label: Mapping[str, list[str]], limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """Edge rows touching the keys, at most ``limit``; True when the limit cut the answer."""
    rows: list[dict[str, Any]] = []
    for label, keys in keys_by_label.items():
        for query in (EGO_OUT[label], EGO_IN[label]):
            left = limit - len(rows)
            if left <= 0:
                return rows, True
            got = store.run(query, {"keys": keys, "limit": left})
            rows.extend(got)
            if len(got) == left:
                return rows, True
    return rows, False


def _degree(store: GraphStore, keys_by_label: Mapping[str, list[str]]) -> int:
    return sum(int(store.run(EGO_DEGREE[label], {"keys": keys})[0]["n"]) for label, keys in keys_by_label.items())


def ego_network(
    store: GraphStore, label: str, key: str, *, depth: int = 1, limit: int = 500
) -> tuple[nx.MultiDiGraph, int]:
    """The relationships around one node, up to ``depth`` hops, at most ``limit`` edges.

    Parameters
    ----------
    store
        The graph store.
    label, key
        The centre node, e.g. ``("Enterprise", "91440300...")``; the label must be the model's.
    depth
        1 (direct neighbours) or 2 (neighbours of neighbours).
    limit
        Edge cap, at most :data:`MAX_EDGES`.

    Returns
    -------
    graph, total
        A multigraph with ``Label:key`` node ids (attributes ``label``, ``key``, ``name``;
        edges ``type``, ``weight`` and the relationship's own properties) and the number of
        relationships within those hops: exact when nothing was cut, else an estimate from
        the nodes' degrees, so a capped view can say "showing N of M".

    Raises ``NotFoundError`` when no such node is stored.

    Examples
    --------
    >>> g, total = ego_network(store, "Base", "sz-led")          # doctest: +SKIP
    >>> g.nodes["Base:sz-led"]["name"]                           # doctest: +SKIP
    '深圳LED产业创新基地'
    """
    label = check_label(label)
    if not 1 <= depth <= MAX_DEPTH:
        raise InvalidInputError(f"depth must be 1 or {MAX_DEPTH}, got {depth}.", field="depth")
    if not 1 <= limit <= MAX_EDGES:
        raise InvalidInputError(f"limit must be between 1 and {MAX_EDGES}, got {limit}.", field="limit")
    facts = node_facts(store, [(label, key)])
    if (label, key) not in facts:
        raise NotFoundError(f"No {node_type(label).en.lower()} ({node_type(label).zh}) with key '{key}' is stored.")
    centre = node_id(label, key)
    g = nx.MultiDiGraph()
    centre_name = facts[(label, key)].get("name") or facts[(label, key)].get("title") or key
    g.add_node(centre, label=label, key=key, name=centre_name, hop=0)
    frontier: dict[str, list[str]] = {label: [key]}
    estimate = 0
    capped = False
    for hop in range(1, depth + 1):
        # Relationships of this hop's nodes, less those already drawn from the previous hop.
        seen = sum(1 for lab, keys in frontier.items() for k in keys for _ in g.in_edges(node_id(lab, k)))
        seen += sum(1 for lab, keys in frontier.items() for k in keys for _ in g.out_edges(node_id(lab, k)))
        estimate += _degree(store, frontier) - seen
        rows, cut = _edge_rows(store, frontier, limit - g.number_of_edges())
        capped = capped or cut
        nxt: dict[str, list[str]] = {}
        for r in rows:
            a, b = node_id(r["src_label"], r["src"]), node_id(r["dst_label"], r["dst"])
            if g.has_edge(a, b, key=r["rel"]):
                continue  # seen from the other end at the previous hop
            for nid, lab, k, name in (
                (a, r["src_label"], r["src"], r["src_name"]),
                (b, r["dst_label"], r["dst"], r["dst_name"]),
            ):
                if nid not in g:
                    g.add_node(nid, label=lab, key=k, name=name if name is not None else k, hop=hop)
                    nxt.setdefault(lab, []).append(k)
            props = {p: r[p] for p in _REL_PROPS if r.get(p) is not None}
            weight = props.pop("weight", None)
            g.add_edge(
                a,
                b,
                key=r["rel"],
                type=r["rel"],
                weight=1.0 if weight is None else float(weight),
                source=r.get("rel_source"),
                source_row=r.get("rel_source_row"),
                **props,
            )
        if capped or not nxt:
            break
        frontier = nxt
    # Uncapped, every relationship within the hops was fetched, so the count is exact; capped,
    # the degree sums estimate it (a link between two nodes of the same hop counts twice).
    total = max(estimate, g.number_of_edges()) if capped else g.number_of_edges()
    return g, total


__all__ = ["EGO_DEGREE", "EGO_IN", "EGO_OUT", "NODE_FACTS", "check_label", "ego_network", "node_facts", "split_node_id"]
