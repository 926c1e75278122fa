"""Link prediction on an organization–tech-field graph.

Two organizations that reach the same tech fields are candidates to work together. The
graph is undirected and bipartite: organization nodes on one side, tech-field nodes on the
other, an edge when the organization holds patents in the field or (for an enterprise)
makes a product that needs it. Scores are the classic neighbourhood indices of networkx:

- ``resource_allocation``: sum over shared fields of ``1 / degree(field)``;
- ``adamic_adar``: sum over shared fields of ``1 / log(degree(field))``;
- ``jaccard``: shared fields ÷ fields either organization reaches.

Resource allocation and Adamic–Adar reward fields that few organizations reach (a rare shared
speciality says more than a field everyone is in); Jaccard rewards similar profiles.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, get_args

import networkx as nx

Method = Literal["resource_allocation", "adamic_adar", "jaccard"]
METHODS: tuple[str, ...] = get_args(Method)

_SCORERS: dict[str, Callable[..., Iterator[tuple[Hashable, Hashable, float]]]] = {
    "resource_allocation": nx.resource_allocation_index,
    "adamic_adar": nx.adamic_adar_index,
    "jaccard": nx.jaccard_coefficient,
}


@dataclass(frozen=True)
class LinkScore:
    """A scored candidate: the partner node, its score and the neighbours it shares."""

    node: Hashable
    score: float
    common: tuple[Hashable, ...]


def check_method(method: str) -> Method:
    """Return ``method`` when it is a known scoring method; raise ``ValueError`` otherwise.

    Examples
    --------
    >>> check_method("jaccard")
    'jaccard'
    """
    if method not in METHODS:
        raise ValueError(f"unknown link-prediction method {method!r}; choose one of {', '.join(METHODS)}")
    return method  # type: ignore[return-value]


def bipartite_graph(edges: Iterable[tuple[Hashable, Hashable]]) -> nx.Graph:
    """Build the undirected organization–field graph from ``(organization, field)`` pairs.

    Organization nodes get ``side="org"``, field nodes ``side="field"``; repeated pairs make
    one edge.

    Examples
    --------
    >>> g = bipartite_graph([("e1", "H01L"), ("u1", "H01L"), ("u1", "G06F")])
    >>> sorted(g.degree)
    [('G06F', 1), ('H01L', 2), ('e1', 1), ('u1', 2)]
    """
    pairs = list(edges)
    g = nx.Graph()
    # Bulk calls: this graph can hold a few hundred thousand edges.
    g.add_nodes_from({org for org, _ in pairs}, side="org")
    g.add_nodes_from({field for _, field in pairs}, side="field")
    g.add_edges_from(pairs)
    return g


def score_pairs(
    g: nx.Graph, pairs: Iterable[tuple[Hashable, Hashable]], method: str
) -> dict[tuple[Hashable, Hashable], float]:
    """Score each ``(u, v)`` pair of nodes of ``g`` with ``method``.

    The score of a pair depends only on the neighbours of ``u`` and ``v`` and the degrees of
    the neighbours they share, so a subgraph that holds every edge of ``u``, of ``v`` and of
    their shared neighbours gives the same score as the whole graph.

    Examples
    --------
    >>> g = bipartite_graph([("a", "x"), ("b", "x"), ("c", "x"), ("a", "y"), ("b", "y")])
    >>> score_pairs(g, [("a", "b")], "resource_allocation")[("a", "b")]  # 1/3 + 1/2
    0.8333333333333333
    >>> score_pairs(g, [("a", "b")], "jaccard")[("a", "b")]
    1.0
    """
    scorer = _SCORERS[check_method(method)]
    wanted = [(u, v) for u, v in pairs if u in g and v in g and u != v]
    return {(u, v): float(s) for u, v, s in scorer(g, wanted)}


def rank_partners(
    g: nx.Graph,
    source: Hashable,
    candidates: Iterable[Hashable],
    method: str = "resource_allocation",
    *,
    exclude: Iterable[Hashable] = (),
    limit: int | None = None,
) -> list[LinkScore]:
    """Rank ``candidates`` as partners of ``source`` by link-prediction score.

    Candidates that share no neighbour with ``source``, the source itself and the nodes in
    ``exclude`` (existing partners) are left out. Order: score (high first), then the number
    of shared neighbours, then the node's text form, so ties break the same way every time.

    Examples
    --------
    >>> g = bipartite_graph([("e", "x"), ("e", "y"), ("u", "x"), ("u", "y"), ("v", "x"),
    ...                      ("w", "x"), ("w", "z")])
    >>> [(r.node, round(r.score, 3)) for r in rank_partners(g, "e", ["u", "v", "w"])]
    [('u', 0.75), ('v', 0.25), ('w', 0.25)]
    >>> [r.node for r in rank_partners(g, "e", ["u", "v", "w"], "jaccard", exclude=["u"])]
    ['v', 'w']
    """
    if source not in g:
        return []
    skip = set(exclude) | {source}
    pairs = [(source, c) for c in dict.fromkeys(candidates) if c not in skip and c in g]
    scores = score_pairs(g, pairs, method)
    source_nbrs = set(g.adj[source])
    out = []
    for (_, c), s in scores.items():
        common = tuple(sorted(source_nbrs.intersection(g.adj[c]), key=str))
        if common:
            out.append(LinkScore(c, s, common))
    out.sort(key=lambda r: (-r.score, -len(r.common), str(r.node)))
    return out[:limit] if limit is not None else out
