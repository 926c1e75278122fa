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
    has_weight = any(p.name == "weight" for p in rel_type(type_).props)
    weight = ", r.weight AS weight" if has_weight else ""
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
    # The links of the touched pairs as they are now, and the self-loops of their ends (a whole
    # fetch numbers a node that only a self-loop names; the self-loop itself is dropped).
    rows: list[tuple[str, str, str, float | None]] = []
    loops = [{"src": k, "dst": k} for k in sorted(ends)]
    for t in types:
        pairs = [{"src": s, "dst": d} for tt, s, d in touched if tt == t] + loops
        for r in store.run(_PAIRS[(level, t)], {"pairs": pairs}) if pairs else []:
            rows.append((r["src"], r["dst"], t, r.get("weight")))
    # Keys of the earlier graph that no kept link names stay (as a self-loop would keep them),
    # unless they are a touched pair's end: those are named by the rows above or gone.
    linked = np.zeros(len(keys), dtype=bool)
    linked[old.src[kept]] = True
    linked[old.dst[kept]] = True
    alone = [i for i in np.flatnonzero(~linked).tolist() if keys[i] not in ends]
    names = dict(old.names)
    if named and changes.nodes.get(_LABEL[level]):
        found = store.run(INDUSTRY_NAMES_OF, {"keys": sorted(changes.nodes[_LABEL[level]])})
        names.update({r["key"]: r["name"] for r in found})
    graph = _same_keys(old, kept, alone, rows, names)
    if graph is None:  # keys or link types come or go: numbered anew from the key strings
        src = [keys[i] for i in old.src[kept].tolist()] + [keys[i] for i in alone] + [r[0] for r in rows]
        dst = [keys[i] for i in old.dst[kept].tolist()] + [keys[i] for i in alone] + [r[1] for r in rows]
        rel = [old.rels[i] for i in old.rel[kept].tolist()] + list(old.rels[:1]) * len(alone) + [r[2] for r in rows]
        weight: list[float | None] = [*old.weight[kept].tolist(), *[None] * len(alone), *(r[3] for r in rows)]
        graph = LinkGraph.from_columns(src, dst, rel, weight if named else None, names=names)
    log.info(
        "%s link graph refreshed: %d touched pairs, %d links in %.0f ms",
        level,
        len(touched),
        len(graph),
        (time.perf_counter() - started) * 1000,
    )
    return graph


def _same_keys(
    old: LinkGraph,
    kept: np.ndarray,
    alone: list[int],
    rows: list[tuple[str, str, str, float | None]],
    names: dict[str, str],
) -> LinkGraph | None:
    """The new graph numbered as ``old`` (no key strings handled), when it has exactly the same
    keys and link types; else ``None``."""
    ids = old.ids
    if any(s not in ids or d not in ids or r not in old.rels for s, d, r, _ in rows):
        return None
    s = np.array([ids[r[0]] for r in rows], dtype=np.int32)
    d = np.array([ids[r[1]] for r in rows], dtype=np.int32)
    covered = np.zeros(len(old.keys), dtype=bool)
    for part in (old.src[kept], old.dst[kept], s, d, np.array(alone, dtype=np.int64)):
        covered[part] = True
    code = {name: i for i, name in enumerate(old.rels)}
    r = np.array([code[row[2]] for row in rows], dtype=np.int8)
    used = set(np.unique(old.rel[kept]).tolist()) | set(r.tolist()) | ({0} if alone else set())
    if not covered.all() or len(used) != len(old.rels):
        return None
    w = np.array([np.nan if row[3] is None else row[3] for row in rows], dtype=np.float64)
    return LinkGraph._build(
        old.keys,
        old.ids,
        old.rels,
        np.concatenate([old.src[kept], s]),
        np.concatenate([old.dst[kept], d]),
        np.concatenate([old.rel[kept], r]),
        np.concatenate([old.weight[kept], w]),
        names,
    )
