"""Fill candidates (招商 targets) for a chain segment a base lacks, ranked with stated reasons.

A candidate is an enterprise *outside* the base that covers the segment: it makes the product,
or it is in the industry or one of its sub-industries. Candidates are ranked by
:func:`chainkg.graph.analytics.fill.rank_candidates` on facts fetched for them alone: same
province as the base, a shared alliance with the base's enterprises or research organisations,
supply links with the base's enterprises, a research partner shared with the base, own IP
(flag or patents), own brand, export orientation, scale, and how much of its revenue the
segment brings. The other bases whose enterprises cover the segment are listed too.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chainkg.gctuning import with_fewer_collections
from chainkg.graph.analytics.fill import CandidateFacts, rank_candidates
from chainkg.graph.store import GraphStore
from chainkg.queries.chain import BaseRef, EnterpriseRef, SegmentRef, get_base, resolve_segment
from chainkg.queries.registry import NamedQuery, q
from chainkg.queries.results import Record

DEFAULT_LIMIT = 20

_ENT_COLS = """e.key AS key, e.name AS name, e.province AS province, e.city AS city, e.size AS size,
       e.revenue_musd AS revenue_musd, e.own_ip AS own_ip, e.own_brand AS own_brand,
       e.export_oriented AS export_oriented, e.high_tech AS high_tech"""

PRODUCT_MAKERS: NamedQuery = q(
    "candidates.product_makers",
    f"MATCH (e:Enterprise)-[m:MAKES]->(p:Product {{key: $seg}}) WHERE coalesce(e.defunct, false) = false "
    f"RETURN {_ENT_COLS}, m.share AS share",
    "Every enterprise making the product, with the facts ranking needs. Params: seg.",
)
INDUSTRY_MEMBERS: NamedQuery = q(
    "candidates.industry_members",
    f"""
MATCH (e:Enterprise)-[:IN_INDUSTRY]->(:Industry)-[:SUB_INDUSTRY_OF*0..4]->(s:Industry {{key: $seg}})
WHERE coalesce(e.defunct, false) = false
WITH DISTINCT e
RETURN {_ENT_COLS}, NULL AS share""",
    "Every enterprise in the industry or one of its sub-industries. Params: seg.",
    ladybug=f"""
MATCH (e:Enterprise)-[:IN_INDUSTRY]->(:Industry)-[:SUB_INDUSTRY_OF*0..4]->(s:Industry {{key: $seg}})
WHERE coalesce(e.defunct, false) = false
WITH DISTINCT e
RETURN {_ENT_COLS}, CAST(NULL AS DOUBLE) AS share""",
)
LOCATIONS: NamedQuery = q(
    "candidates.locations",
    """
UNWIND $keys AS k
MATCH (e:Enterprise {key: k})-[:LOCATED_IN]->(b:Base)
RETURN e.key AS ent, b.key AS base, b.name AS name""",
    "The bases the given enterprises are located in. Params: keys.",
)
BASE_ALLIANCES: NamedQuery = q(
    "candidates.base_alliances",
    """
MATCH (b:Base {key: $base})<-[:LOCATED_IN]-(o)-[:MEMBER_OF]->(a:Alliance)
RETURN DISTINCT a.key AS key, a.name AS name""",
    "Alliances the base's enterprises and research organisations belong to. Params: base.",
)
ALLIANCES: NamedQuery = q(
    "candidates.alliances",
    """
UNWIND $keys AS k
MATCH (e:Enterprise {key: k})-[:MEMBER_OF]->(a:Alliance)
RETURN e.key AS ent, a.key AS key, a.name AS name""",
    "Alliances of the given enterprises. Params: keys.",
)
BASE_PARTNERS: NamedQuery = q(
    "candidates.base_partners",
    """
MATCH (b:Base {key: $base})<-[:LOCATED_IN]-(:Enterprise)-[:COOPERATES_WITH]->(r:ResearchOrg)
RETURN DISTINCT r.key AS key, r.name AS name
UNION
MATCH (b:Base {key: $base})<-[:LOCATED_IN]-(r:ResearchOrg)
RETURN DISTINCT r.key AS key, r.name AS name""",
    "Research organisations in the base or cooperating with its enterprises. Params: base.",
)
PARTNERS: NamedQuery = q(
    "candidates.partners",
    """
UNWIND $keys AS k
MATCH (e:Enterprise {key: k})-[:COOPERATES_WITH]->(r:ResearchOrg)
RETURN e.key AS ent, r.key AS key, r.name AS name""",
    "Research partners of the given enterprises. Params: keys.",
)
SUPPLY_TIES: NamedQuery = q(
    "candidates.supply_ties",
    """
UNWIND $keys AS k
MATCH (e:Enterprise {key: k})-[:SUPPLIES]-(x:Enterprise)-[:LOCATED_IN]->(b:Base {key: $base})
RETURN DISTINCT e.key AS ent, x.key AS key, x.name AS name""",
    "Enterprises of the base that the given enterprises supply or are supplied by. Params: keys, base.",
)
PATENTS: NamedQuery = q(
    "candidates.patents",
    """
UNWIND $keys AS k
MATCH (e:Enterprise {key: k})-[:HOLDS_PATENT]->(p:Patent)
RETURN e.key AS ent, count(p) AS n""",
    "Number of patents each given enterprise holds. Params: keys.",
)


class ReasonRecord(Record):
    """One reason a candidate ranks where it does, with its points."""

    code: str
    text: str
    zh: str
    points: float


class Candidate(Record):
    """An enterprise outside the base that covers the segment, with its score and reasons."""

    key: str
    name: str
    province: str | None
    city: str | None
    score: float
    reasons: list[ReasonRecord]
    reasons_text: str
    share: float | None
    bases: list[str]


class BaseCover(Record):
    """Another base whose enterprises cover the segment."""

    key: str
    name: str
    enterprises: int
    examples: list[str]


class FillCandidates(Record):
    """Who could fill a segment of a base's chain: ranked candidates and the bases that cover it."""

    base: BaseRef
    segment: SegmentRef
    in_base: list[EnterpriseRef]
    total_candidates: int
    candidates: list[Candidate]
    other_bases: list[BaseCover]
    note: str


def _pairs(
    store: GraphStore, query: NamedQuery, params: dict[str, Any], key: str = "key"
) -> defaultdict[str, list[tuple[str, str]]]:
    """Enterprise -> its ``(key, name)`` pairs from the query's rows (``key`` names the key column)."""
    out: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in store.run(query, params):
        out[r["ent"]].append((r[key], r["name"] or r[key]))
    return out


@with_fewer_collections
def fill_candidates(
    store: GraphStore, base_key: str, segment: str, *, limit: int | None = DEFAULT_LIMIT
) -> FillCandidates:
    """Enterprises outside a base that could fill a segment of its chain, best first, with reasons.

    Parameters
    ----------
    store
        The graph store.
    base_key
        The base's key.
    segment
        A product name, an industry key (``SW2021:270100``) or a unique industry name;
        ``Product:<name>`` or ``Industry:<key>`` to be explicit.
    limit
        At most this many candidates (``None`` or 0 for all); ``total_candidates`` counts all.

    Returns
    -------
    FillCandidates
        Candidates ranked by score (reasons and their points listed), then by how much of
        their revenue the segment brings, then key; the other bases that cover the segment
        (most enterprises first); the base's own enterprises covering it, if any.

    Raises
    ------
    NotFoundError
        For an unknown base or segment.

    Examples
    --------
    >>> c = fill_candidates(store, "sz-led", "SMDLED器件")             # doctest: +SKIP
    >>> c.candidates[0].name, c.candidates[0].score, c.candidates[0].reasons[0].text  # doctest: +SKIP
    ('国星光电', 11.5, 'in the same province as the base (广东省)')
    """
    base = get_base(store, base_key)
    seg = resolve_segment(store, segment)
    query = PRODUCT_MAKERS if seg.level == "product" else INDUSTRY_MEMBERS
    covering = {r["key"]: r for r in store.run(query, {"seg": seg.key})}
    keys = sorted(covering)
    located = _pairs(store, LOCATIONS, {"keys": keys}, key="base")
    in_base = sorted(k for k in keys if any(b == base.key for b, _ in located[k]))
    in_base_set = set(in_base)
    outside = [k for k in keys if k not in in_base_set]

    base_alliances = {r["key"]: r["name"] or r["key"] for r in store.run(BASE_ALLIANCES, {"base": base.key})}
    base_partners = {r["key"]: r["name"] or r["key"] for r in store.run(BASE_PARTNERS, {"base": base.key})}
    alliances = _pairs(store, ALLIANCES, {"keys": outside}) if base_alliances else {}
    partners = _pairs(store, PARTNERS, {"keys": outside}) if base_partners else {}
    supplies = _pairs(store, SUPPLY_TIES, {"keys": outside, "base": base.key})
    patents = {r["ent"]: int(r["n"]) for r in store.run(PATENTS, {"keys": outside})}

    facts = []
    for k in outside:
        r = covering[k]
        facts.append(
            CandidateFacts(
                key=k,
                name=r["name"] or k,
                province=r["province"],
                base_province=base.province,
                alliances=tuple(sorted(n for a, n in alliances.get(k, ()) if a in base_alliances)),
                cooperations=tuple(sorted(n for p, n in partners.get(k, ()) if p in base_partners)),
                supplies=tuple(sorted(n for _, n in supplies.get(k, ()))),
                own_ip=r["own_ip"],
                patents=patents.get(k, 0),
                own_brand=r["own_brand"],
                export_oriented=r["export_oriented"],
                high_tech=r["high_tech"],
                size=r["size"],
                revenue_musd=r["revenue_musd"],
                share=r["share"],
            )
        )
    ranked = rank_candidates(facts)
    shown = ranked if not limit else ranked[:limit]
    candidates = [
        Candidate(
            key=c.facts.key,
            name=c.facts.name,
            province=c.facts.province,
            city=covering[c.facts.key]["city"],
            score=c.score,
            reasons=[ReasonRecord(code=x.code, text=x.text, zh=x.zh, points=x.points) for x in c.reasons],
            reasons_text="; ".join(f"{x.text} +{x.points:g}" for x in c.reasons) or "covers the segment",
            share=c.facts.share,
            bases=sorted(b for b, _ in located[c.facts.key]),
        )
        for c in shown
    ]
    by_base: dict[str, list[str]] = defaultdict(list)
    base_names: dict[str, str] = {}
    for k in outside:
        for b, name in located[k]:
            by_base[b].append(covering[k]["name"] or k)
            base_names[b] = name
    other = sorted(by_base.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    verb = "makes" if seg.level == "product" else "is in"
    if in_base:
        note = f"{len(in_base)} enterprise(s) of the base already cover {seg.name}: it is not a gap of this base."
    elif not outside:
        note = f"No enterprise outside the base {verb} {seg.name}."
    else:
        note = f"{len(outside)} enterprise(s) outside the base cover {seg.name}."
    return FillCandidates(
        base=base,
        segment=seg,
        in_base=[EnterpriseRef(key=k, name=covering[k]["name"] or k) for k in in_base],
        total_candidates=len(outside),
        candidates=candidates,
        other_bases=[
            BaseCover(key=b, name=base_names[b], enterprises=len(ns), examples=sorted(ns)[:5]) for b, ns in other
        ],
        note=note,
    )
