"""A level's link graph for new data, made from the graph of an earlier version and what changed.

After a small write (a few enterprises, a product link, an upload) fetching a whole level again
costs as much as after a full load. The writer records the keys and link pairs it touched
(:mod:`chainkg.graph.store.changes`, journal in :mod:`.disk`); here the links of the touched
pairs are fetched again, and every other link is taken from the earlier graph. The result is
the graph a whole fetch would give (same keys, links, weights and names), which
``tests/queries/test_incremental.py`` checks against a fetch from scratch on both stores.
"""

from __future__ import annotations

import logging
import time

import numpy as np

from chainkg.graph.analytics.linkgraph import LinkGraph
from chainkg.graph.model import node_type, rel_type
from chainkg.graph.store import GraphStore
from chainkg.graph.store.changes import Changes
from chainkg.graph.store.named import NamedQuery, q
from chainkg.queries.chainengine.fetch import Level

log = logging.getLogger(__name__)

_LABEL = {"product": node_type("Product").label, "industry": node_type("Industry").label}
_TYPES: dict[str, tuple[str, ...]] = {
    "product": (rel_type("INPUT_TO").type,),
    "industry": tuple(rel_type(t).type for t in ("UPSTREAM_OF", "SUB_INDUSTRY_OF")),
}


def _pairs_query(level: str, type_: str) -> NamedQuery:
    label = _LABEL[level]
    weight = ", r.weight AS weight" if level == "industry" else ""
    return q(
        f"chainindex.{level}_links_of_pairs.{type_.lower()}",
        f"UNWIND $pairs AS pr MATCH (x:{label} {{key: pr.src}}) MATCH (y:{label} {{key: pr.dst}}) "
        f"MATCH (x)-[r:{type_}]->(y) RETURN x.key AS src, y.key AS dst{weight}",
        f"The {type_} links between the given pairs of {label} keys (a refresh after a write). Params: pairs.",
    )


_PAIRS: dict[tuple[str, str], NamedQuery] = {(lv, t): _pairs_query(lv, t) for lv, ts in _TYPES.items() for t in ts}
INDUSTRY_NAMES_OF: NamedQuery = q(
    "chainindex.industry_names_of",
    "UNWIND $keys AS k MATCH (i:Industry {key: k}) RETURN i.key AS key, coalesce(i.name, i.key) AS name",
    "The names of the given industries (a refresh after a write). Params: keys.",
)


def refresh_level(store: GraphStore, level: Level, old: LinkGraph, changes: Changes) -> LinkGraph | None:
    """The link graph of ``level`` now, from ``old`` (an earlier version's) and the ``changes``
    written since; ``old`` itself when nothing it holds was touched, ``None`` when the changes
    are unknown."""
    if changes.unknown:
        return None
    types = _TYPES[level]
    named = level == "industry"
    if not changes.touches([_LABEL[level]] if named else [], types):
        return old
    started = time.perf_counter()
    touched = {(t, s, d) for t in types for s, d in changes.rels.get(t, ())}
    ends = {k for _, s, d in touched for k in (s, d)}
    keys = old.keys
    # Links of the earlier graph that were not touched: only links into a touched pair's end can be.
    drop = np.zeros(len(old), dtype=bool)
    dst_ids = np.array([old.ids[d] for _, _, d in touched if d in old.ids], dtype=np.int64)
    for i in old.incoming(np.unique(dst_ids)).tolist():
        drop[i] = (old.rels[old.rel[i]], keys[old.src[i]], keys[old.dst[i]]) in touched
    kept = ~drop
    src = [keys[i] for i in old.src[kept].tolist()]
    dst = [keys[i] for i in old.dst[kept].tolist()]
    rel = [old.rels[i] for i in old.rel[kept].tolist()]
    weight: list[float | None] = old.weight[kept].tolist()
    # Every key of a whole fetch is the end of some stored link, self-loops included (they are
    # dropped from the links, not from the keys): keys of the earlier graph that no kept link
    # names stay as self-loops unless they are a touched end, whose self-loops are asked for.
    linked = np.zeros(len(keys), dtype=bool)
    linked[old.src[kept]] = True
    linked[old.dst[kept]] = True
    for i in np.flatnonzero(~linked).tolist():
        if keys[i] not in ends:
            src.append(keys[i])
            dst.append(keys[i])
            rel.append(types[0])
            weight.append(None)
    for t in types:
        pairs = [{"src": s, "dst": d} for tt, s, d in touched if tt == t]
        pairs += [{"src": k, "dst": k} for k in sorted(ends)] if pairs else []
        for r in store.run(_PAIRS[(level, t)], {"pairs": pairs}) if pairs else []:
            src.append(r["src"])
            dst.append(r["dst"])
            rel.append(t)
            weight.append(r.get("weight"))
    names = dict(old.names)
    if named and changes.nodes.get(_LABEL[level]):
        found = store.run(INDUSTRY_NAMES_OF, {"keys": sorted(changes.nodes[_LABEL[level]])})
        names.update({r["key"]: r["name"] for r in found})
    graph = LinkGraph.from_columns(src, dst, rel, weight if named else None, names=names)
    log.info(
        "%s link graph refreshed: %d touched pairs, %d links in %.0f ms",
        level,
        len(touched),
        len(graph),
        (time.perf_counter() - started) * 1000,
    )
    return graph
