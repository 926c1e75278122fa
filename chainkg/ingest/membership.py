"""Segment membership (``IN_SEGMENT``), derived from the chain maps' match rules after loads.

Which products, and through them which enterprises, belong to each segment is computed once
per load (not per question) by :mod:`chainkg.graph.analytics.segments` and kept in the store
as ``Product-[:IN_SEGMENT {rule, via}]->ChainSegment`` and
``Enterprise-[:IN_SEGMENT {rule, via, weight}]->ChainSegment``, so segment questions read
a few hundred rows instead of matching 100,000 product names. Only what changed is written:
memberships that no longer hold are deleted, new ones created, the rest left alone.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chainkg.graph.analytics.segments import Evidence, SegmentRule, match_enterprises, match_products
from chainkg.graph.store.base import GraphStore, chunks

SEGMENT_RULES = """
MATCH (s:ChainSegment)
RETURN s.key AS key, s.parent AS parent, s.match_products AS products, s.match_keywords AS keywords,
       s.match_exclude AS exclude, s.match_taxonomy AS taxonomy, s.match_industries AS industries,
       s.match_gb4754 AS gb4754, s.match_enterprises AS enterprises"""
PRODUCT_KEYS = "MATCH (p:Product) RETURN p.key AS key"
SUBTYPES = "MATCH (a:Product)-[:SUBTYPE_OF]->(b:Product) RETURN a.key AS src, b.key AS dst"
MAKERS = "UNWIND $keys AS k MATCH (e:Enterprise)-[:MAKES]->(p:Product {key: k}) RETURN e.key AS src, p.key AS dst"
IN_INDUSTRY = "MATCH (e:Enterprise)-[:IN_INDUSTRY]->(i:Industry) RETURN e.key AS src, i.key AS dst"
SUB_INDUSTRIES = "MATCH (a:Industry)-[:SUB_INDUSTRY_OF]->(b:Industry) RETURN a.key AS src, b.key AS dst"
INDUSTRY_CODES = "MATCH (i:Industry) WHERE i.scheme = 'GB4754' RETURN i.key AS key, i.scheme AS scheme, i.code AS code"
STORED: dict[str, str] = {
    lb: f"MATCH (x:{lb})-[r:IN_SEGMENT]->(s:ChainSegment) RETURN x.key AS src, s.key AS dst"
    for lb in ("Product", "Enterprise")
}
DELETE: dict[str, str] = {
    lb: f"UNWIND $pairs AS pr MATCH (x:{lb} {{key: pr.src}})-[r:IN_SEGMENT]->(s:ChainSegment {{key: pr.dst}}) DELETE r"
    for lb in ("Product", "Enterprise")
}


@dataclass
class RefreshStats:
    """What one refresh did."""

    segments: int = 0
    products: int = 0
    enterprises: int = 0
    created: int = 0
    deleted: int = 0
    elapsed_s: float = 0.0

    def line(self) -> str:
        """One line for load notes."""
        return (
            f"Chain-map segments: {self.segments} segments hold {self.products:,} product and "
            f"{self.enterprises:,} enterprise memberships ({self.created:,} new, {self.deleted:,} removed, "
            f"{self.elapsed_s:.2f} s)."
        )


def _rules(rows: Iterable[dict[str, Any]]) -> list[SegmentRule]:
    def t(v: Any) -> tuple[str, ...]:
        return tuple(v or ())

    return [
        SegmentRule(
            key=r["key"],
            parent=r["parent"] or None,
            products=t(r["products"]),
            keywords=t(r["keywords"]),
            exclude=t(r["exclude"]),
            taxonomy=t(r["taxonomy"]),
            industries=t(r["industries"]),
            gb4754=t(r["gb4754"]),
            enterprises=t(r["enterprises"]),
        )
        for r in rows
    ]


def compute_membership(store: GraphStore) -> tuple[dict[str, dict[str, Evidence]], dict[str, dict[str, Evidence]]]:
    """(segment -> products, segment -> enterprises) from the stored maps and data."""
    rules = _rules(store.execute(SEGMENT_RULES))
    if not rules:
        return {}, {}
    products = [r["key"] for r in store.execute(PRODUCT_KEYS)]
    subtypes: list[tuple[str, str]] = []
    if any(r.taxonomy for r in rules):
        subtypes = [(r["src"], r["dst"]) for r in store.execute(SUBTYPES)]
    prods = match_products(rules, products, subtypes)
    members = sorted({p for m in prods.values() for p in m})
    makes: list[tuple[str, str]] = []
    for part in chunks(members, 5000):
        makes += [(r["src"], r["dst"]) for r in store.execute(MAKERS, {"keys": list(part)})]
    in_ind: list[tuple[str, str]] = []
    subs: list[tuple[str, str]] = []
    codes: dict[str, tuple[str, str]] = {}
    if any(r.industries or r.gb4754 for r in rules):
        in_ind = [(r["src"], r["dst"]) for r in store.execute(IN_INDUSTRY)]
        subs = [(r["src"], r["dst"]) for r in store.execute(SUB_INDUSTRIES)]
        codes = {r["key"]: (r["scheme"], r["code"] or "") for r in store.execute(INDUSTRY_CODES)}
    explicit = [e for r in rules for e in r.enterprises]
    known = store.existing_keys("Enterprise", explicit) if explicit else set()
    ents = match_enterprises(rules, prods, makes, in_ind, subs, codes, known)
    return prods, ents


def _sync(store: GraphStore, label: str, members: dict[str, dict[str, Evidence]], stats: RefreshStats) -> None:
    want = {
        (x, seg): {"src": x, "dst": seg, "rule": ev.rule, "via": ev.via, "weight": ev.weight}
        for seg, found in members.items()
        for x, ev in found.items()
    }
    stale = [
        {"src": r["src"], "dst": r["dst"]} for r in store.execute(STORED[label]) if (r["src"], r["dst"]) not in want
    ]
    for part in chunks(stale, 5000):
        store.execute(DELETE[label], {"pairs": list(part)})
    stats.deleted += len(stale)
    if want:
        res = store.merge_rels("IN_SEGMENT", label, "ChainSegment", list(want.values()))
        stats.created += res.created


def refresh_membership(store: GraphStore) -> RefreshStats:
    """Recompute ``IN_SEGMENT`` for every stored map; write only the differences."""
    t0 = time.perf_counter()
    prods, ents = compute_membership(store)
    stats = RefreshStats(
        segments=len(prods),
        products=sum(len(v) for v in prods.values()),
        enterprises=sum(len(v) for v in ents.values()),
    )
    _sync(store, "Product", prods, stats)
    _sync(store, "Enterprise", ents, stats)
    stats.elapsed_s = time.perf_counter() - t0
    return stats
