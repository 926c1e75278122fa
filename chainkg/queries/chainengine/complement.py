"""Inter-base complementarity (基地互补): which other bases cover a base's chain gaps.

For each other base: how many of this base's gaps its enterprises cover, and which share of
the gaps' total score (:func:`chainkg.queries.chainengine.gaps.find_gaps`) that is, per level. The
``complement`` figure is the mean of those shares over the levels that have gaps, so a base
covering the gaps the chain depends on most ranks first. As a table (:func:`complementarity`)
and as a graph (:func:`complementarity_graph`).

Only the base's gaps are looked up (by key), so the cost follows the size of its chain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import networkx as nx

from chainkg.errors import InvalidInputError
from chainkg.gctuning import with_fewer_collections
from chainkg.graph.nxgraph import node_id
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.i18n import _
from chainkg.queries.chainengine.chain import (
    LEVEL_LABEL,
    BaseChainData,
    BaseRef,
    ChainQuestion,
    load_chain,
)
from chainkg.queries.chainengine.gaps import ScoredGap, scored_gaps
from chainkg.queries.results import Record

DEFAULT_LIMIT = 20
TOP_SEGMENTS = 5

PRODUCT_COVERS: NamedQuery = q(
    "complement.product_covers",
    """
UNWIND $keys AS k
MATCH (p:Product {key: k})<-[:MAKES]-(e:Enterprise)-[:LOCATED_IN]->(b:Base)
WHERE b.key <> $base
RETURN b.key AS base, b.name AS name, collect(p.key) AS seg, collect(e.key) AS ent""",
    "Per other base, the (product, enterprise) pairs covering the given products, as parallel lists. "
    "Params: keys, base.",
)
INDUSTRY_COVERS: NamedQuery = q(
    "complement.industry_covers",
    """
UNWIND $keys AS k
MATCH (s:Industry {key: k})<-[:SUB_INDUSTRY_OF*0..4]-(:Industry)<-[:IN_INDUSTRY]-(e:Enterprise)-[:LOCATED_IN]->(b:Base)
WHERE b.key <> $base
WITH DISTINCT b, s, e
RETURN b.key AS base, b.name AS name, collect(s.key) AS seg, collect(e.key) AS ent""",
    "Per other base, the (industry, enterprise) pairs covering the given industries (or their "
    "sub-industries), as parallel lists. Params: keys, base.",
)


class ComplementRow(Record):
    """Another base and how much of this base's gaps it covers, per level."""

    base: BaseRef
    complement: float
    product_gaps_covered: int
    product_share: float | None
    industry_gaps_covered: int
    industry_share: float | None
    enterprises: int
    top_segments: list[str]
    why: str
    why_zh: str


class Complementarity(Record):
    """A base's gaps and the other bases that cover them, best complement first."""

    base: BaseRef
    depth: int
    product_gaps: int
    industry_gaps: int
    rows: list[ComplementRow]


Covers = dict[str, dict[tuple[str, str], set[str]]]
"""Other base -> {(level, gap key): its enterprises covering that gap}."""


def _covers(store: GraphStore, base_key: str, gaps: list[ScoredGap]) -> tuple[Covers, dict[str, str]]:
    """Other base -> {(level, gap key): enterprises there covering it}, and the bases' names."""
    covers: Covers = defaultdict(lambda: defaultdict(set))
    names: dict[str, str] = {}
    for level, query in (("product", PRODUCT_COVERS), ("industry", INDUSTRY_COVERS)):
        keys = sorted({g.key for g in gaps if g.level == level})
        if not keys:
            continue
        for r in store.run(query, {"keys": keys, "base": base_key}):
            for seg, ent in zip(r["seg"], r["ent"], strict=True):
                covers[r["base"]][(level, seg)].add(ent)
            names[r["base"]] = r["name"] or r["base"]
    return covers, names


def _rows(
    gaps: list[ScoredGap], covers: Mapping[str, Mapping[tuple[str, str], set[str]]], names: Mapping[str, str]
) -> list[ComplementRow]:
    by_key: dict[tuple[str, str], ScoredGap] = {(g.level, g.key): g for g in gaps}
    total = {lv: sum(g.score for g in gaps if g.level == lv) for lv in ("product", "industry")}
    count = {lv: sum(1 for g in gaps if g.level == lv) for lv in ("product", "industry")}
    rows = []
    for b, segs in covers.items():
        got = {lv: [by_key[s] for s in segs if s[0] == lv] for lv in ("product", "industry")}
        share: dict[str, float | None] = {}
        for lv in ("product", "industry"):
            if not count[lv]:
                share[lv] = None
            elif total[lv] > 0:
                share[lv] = sum(g.score for g in got[lv]) / total[lv]
            else:
                share[lv] = len(got[lv]) / count[lv]
        present = [v for v in share.values() if v is not None]
        complement = sum(present) / len(present) if present else 0.0
        top = sorted((g for lv in got for g in got[lv]), key=lambda g: (-g.score, g.level, g.key))[:TOP_SEGMENTS]
        ents = {e for es in segs.values() for e in es}
        np_, ni = len(got["product"]), len(got["industry"])
        top_names = [g.name for g in top]
        why = (
            f"{names[b]} has {len(ents)} enterprise(s) covering {np_} product gap(s) and {ni} industry gap(s) "
            f"of the base, most needed first: {', '.join(top_names)}."
        )
        why_zh = (
            f"{names[b]}有{len(ents)}家企业覆盖本基地{np_}个产品缺口、{ni}个行业缺口，"
            f"最关键的有：{'、'.join(top_names)}。"
        )
        rows.append(
            ComplementRow(
                base=BaseRef(key=b, name=names[b]),
                complement=round(complement, 6),
                product_gaps_covered=np_,
                product_share=None if share["product"] is None else round(share["product"], 6),
                industry_gaps_covered=ni,
                industry_share=None if share["industry"] is None else round(share["industry"], 6),
                enterprises=len(ents),
                top_segments=top_names,
                why=why,
                why_zh=why_zh,
            )
        )
    rows.sort(key=lambda r: (-r.complement, -(r.product_gaps_covered + r.industry_gaps_covered), r.base.key))
    return rows


def _complements(
    store: GraphStore, ask: ChainQuestion
) -> tuple[BaseChainData, list[ScoredGap], Covers, list[ComplementRow]]:
    """A base's chain, its scored gaps, who covers them and the other bases, best complement first."""
    if ask.year is not None:  # the other bases' coverage is read as the data stands, so the base's must be too
        raise InvalidInputError(_("Complementarity is computed as the data stands; leave the year out."), field="year")
    data = load_chain(store, ask)
    gaps = scored_gaps(data, ask.level)
    covers, names = _covers(store, data.base.key, gaps)
    return data, gaps, covers, _rows(gaps, covers, names)


@with_fewer_collections
def complementarity(store: GraphStore, ask: ChainQuestion, *, limit: int | None = DEFAULT_LIMIT) -> Complementarity:
    """Which other bases cover a base's gaps, best complement first.

    Parameters
    ----------
    store, ask
        As for :func:`~chainkg.queries.chainengine.gaps.find_gaps`, without a year (the data as it stands).
    limit
        At most this many other bases (``None`` or 0 for all).

    Returns
    -------
    Complementarity
        Per other base: gaps covered and share of the gap score per level, the mean share
        (``complement``), its enterprises covering them and the most needed gaps it covers.

    Examples
    --------
    >>> c = complementarity(store, ChainQuestion("sz-led"))           # doctest: +SKIP
    >>> c.rows[0].base.key, c.rows[0].complement                       # doctest: +SKIP
    ('hf-new', 0.424753)
    """
    data, gaps, _, rows = _complements(store, ask)
    return Complementarity(
        base=data.base,
        depth=data.depth,
        product_gaps=sum(1 for g in gaps if g.level == "product"),
        industry_gaps=sum(1 for g in gaps if g.level == "industry"),
        rows=rows[:limit] if limit else rows,
    )


@with_fewer_collections
def complementarity_graph(store: GraphStore, ask: ChainQuestion, *, bases: int = 10, segments: int = 30) -> nx.DiGraph:
    """The complementarity as a graph: other bases -COVERS-> gaps -GAP_OF-> the base.

    Parameters
    ----------
    store, ask
        As for :func:`complementarity`.
    bases
        Keep the best this many other bases.
    segments
        Keep the this many highest-scored gaps that those bases cover.

    Returns
    -------
    networkx.DiGraph
        Nodes ``"Base:key"``, ``"Product:key"``, ``"Industry:key"`` with ``label``, ``key``,
        ``name`` (and ``score`` on gaps, ``complement`` on other bases, ``role`` = ``base``,
        ``other`` or ``gap``); ``COVERS`` edges weighted by the number of enterprises,
        ``GAP_OF`` edges weighted by the gap's score.

    Examples
    --------
    >>> g = complementarity_graph(store, ChainQuestion("sz-led"))     # doctest: +SKIP
    >>> sorted(g.successors("Base:hf-new"))[-2:]                       # doctest: +SKIP
    ['Product:显示器件业务', 'Product:玻璃基板']
    """
    data, gaps, covers, rows = _complements(store, ask)
    rows = rows[:bases]
    by_key: dict[tuple[str, str], ScoredGap] = {(g.level, g.key): g for g in gaps}
    wanted = {s for r in rows for s in covers[r.base.key]}
    keep = sorted(wanted, key=lambda s: (-by_key[s].score, s))[:segments]
    g = nx.DiGraph(base=data.base.key, depth=data.depth)
    me = node_id("Base", data.base.key)
    g.add_node(me, label="Base", key=data.base.key, name=data.base.name, role="base")
    for lv, key in keep:
        gap = by_key[(lv, key)]
        nid = node_id(LEVEL_LABEL[lv], key)
        g.add_node(nid, label=LEVEL_LABEL[lv], key=key, name=gap.name, role="gap", score=gap.score)
        g.add_edge(nid, me, type="GAP_OF", weight=gap.score)
    for r in rows:
        oid = node_id("Base", r.base.key)
        g.add_node(oid, label="Base", key=r.base.key, name=r.base.name, role="other", complement=r.complement)
        for lv, key in keep:
            ents = covers[r.base.key].get((lv, key))
            if ents:
                g.add_edge(oid, node_id(LEVEL_LABEL[lv], key), type="COVERS", weight=float(len(ents)))
    return g
