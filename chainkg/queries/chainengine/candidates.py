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

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainkg.gctuning import with_fewer_collections
from chainkg.graph.analytics.fill import CandidateFacts, rank_candidates
from chainkg.graph.analytics.relatedness import place_density
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.i18n import _
from chainkg.queries.chainengine.chain import BaseRef, EnterpriseRef, SegmentRef, get_base, present_in, resolve_segment
from chainkg.queries.measures import holds
from chainkg.queries.products import held, product_info
from chainkg.queries.results import Record

DEFAULT_LIMIT = 20

_ENT_COLS = """e.key AS key, e.name AS name, e.province AS province, e.city AS city, e.size AS size,
       e.revenue_musd AS revenue_musd, e.own_ip AS own_ip, e.own_brand AS own_brand,
       e.export_oriented AS export_oriented, e.high_tech AS high_tech, e.founded AS founded, e.closed AS closed"""

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
RETURN {_ENT_COLS}, __NULL_FLOAT__ AS share""",
    "Every enterprise in the industry or one of its sub-industries. Params: seg.",
)
MATCHED_MAKERS: NamedQuery = q(
    "candidates.matched_makers",
    f"""
UNWIND $keys AS k
MATCH (e:Enterprise)-[m:MAKES]->(p:Product {{key: k}})
RETURN {_ENT_COLS}, m.share AS share, p.key AS product, m.since AS since, m.until AS until""",
    "Every enterprise making one of the given products (the segment, its synonyms and sub-classes). Params: keys.",
)
ACTIVITIES: NamedQuery = q(
    "candidates.activities",
    """
MATCH (e:Enterprise)-[:IN_INDUSTRY]->(i:Industry)
RETURN collect(e.key) AS ent, collect([coalesce(e.city, e.province)]) AS place, collect(i.key) AS industry""",
    "Every enterprise's place (city, else province) and industries, as parallel lists in one row.",
)
INDUSTRY_PARENTS: NamedQuery = q(
    "candidates.industry_parents",
    "MATCH (i:Industry)-[:SUB_INDUSTRY_OF]->(p:Industry) RETURN collect(i.key) AS child, collect(p.key) AS parent",
    "Every sub-industry link, as parallel lists in one row.",
)
INDUSTRY_NAMES: NamedQuery = q(
    "candidates.industry_names",
    "MATCH (i:Industry) RETURN collect(i.key) AS key, collect(coalesce(i.name, i.key)) AS name",
    "Every industry's key and name, as parallel lists in one row.",
)
BASE_MEMBERS: NamedQuery = q(
    "candidates.base_members",
    "MATCH (b:Base {key: $base})<-[:LOCATED_IN]-(e:Enterprise) RETURN collect(e.key) AS key",
    "The keys of the base's enterprises. Params: base.",
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


def _ties_of(name: str, rel: str, label: str, doc: str) -> NamedQuery:
    """(enterprise, key, name) of what the given enterprises reach over ``rel`` (``label`` nodes)."""
    return q(
        f"candidates.{name}",
        f"UNWIND $keys AS k MATCH (e:Enterprise {{key: k}})-[:{rel}]->(x:{label}) "
        "RETURN e.key AS ent, x.key AS key, x.name AS name",
        f"{doc} of the given enterprises. Params: keys.",
    )


ALLIANCES = _ties_of("alliances", "MEMBER_OF", "Alliance", "Alliances")
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
PARTNERS = _ties_of("partners", "COOPERATES_WITH", "ResearchOrg", "Research partners")
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
    """An enterprise outside the base that covers the segment, with its score and reasons.

    ``relatedness`` is the relatedness density of the base to the candidate's closest
    activity (docs/gaps.md); ``matched`` the product it makes that matches the segment and
    ``match`` how (``exact``, ``synonym``, ``subclass``).
    """

    key: str
    name: str
    province: str | None
    city: str | None
    score: float
    reasons: list[ReasonRecord]
    reasons_text: str
    share: float | None
    bases: list[str]
    relatedness: float | None = None
    related_activity: str | None = None
    matched: str | None = None
    match: str | None = None


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


def _in_year(rows: list[dict[str, Any]], year: int | None) -> list[dict[str, Any]]:
    """The rows (enterprise facts, with ``since``/``until`` of a tie where they have one) that held in ``year``."""
    if year is None:
        return rows
    return [r for r in rows if holds(r["founded"], r["closed"], year) and holds(r.get("since"), r.get("until"), year)]


@with_fewer_collections
def fill_candidates(
    store: GraphStore, base_key: str, segment: str, *, limit: int | None = DEFAULT_LIMIT, year: int | None = None
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
    year
        As of that year: a maker counts while it is in business and makes the product then,
        and the base's own firms are those located in it then (a firm that joined later is a
        candidate); the other facts (alliances, locations elsewhere, relatedness) as the data stands.

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
    matched: dict[str, tuple[str, str]] = {}  # enterprise -> (product, how it matches)
    if seg.level == "product":
        how = product_info(store).matches(seg.key)
        covering: dict[str, dict[str, Any]] = {}
        rank = {"exact": 0, "synonym": 1, "subclass": 2}
        for r in _in_year(store.run(MATCHED_MAKERS, {"keys": sorted(how)}), year):
            k, prod = r["key"], r["product"]
            best = matched.get(k)
            if best is None or (rank[how[prod]], prod) < (rank[best[1]], best[0]):
                matched[k] = (prod, how[prod])
                covering[k] = r
    else:
        covering = {r["key"]: r for r in _in_year(store.run(INDUSTRY_MEMBERS, {"seg": seg.key}), year)}
    keys = sorted(covering)
    located = _pairs(store, LOCATIONS, {"keys": keys}, key="base")
    if year is None:
        in_base = sorted(k for k in keys if any(b == base.key for b, _ in located[k]))
    else:
        present = present_in(store, base.key, year)
        in_base = [k for k in keys if k in present]
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
    related = _relatedness(store, base.key, outside)
    ranked = rank_candidates(facts, {k: v[0] for k, v in related.items()})
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
            relatedness=related.get(c.facts.key, (None, None))[0],
            related_activity=related.get(c.facts.key, (None, None))[1],
            matched=matched.get(c.facts.key, (None, None))[0],
            match=matched.get(c.facts.key, (None, None))[1],
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
    # the note is read by people: in the current language (chainkg.i18n)
    if in_base:
        note = _("{n} enterprise(s) of the base already cover {name}: it is not a gap of this base.").format(
            n=len(in_base), name=seg.name
        )
    elif not outside:
        note = (
            _("No enterprise outside the base makes {name}.")
            if seg.level == "product"
            else _("No enterprise outside the base is in {name}.")
        ).format(name=seg.name)
    else:
        note = _("{n} enterprise(s) outside the base cover {name}.").format(n=len(outside), name=seg.name)
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


# -- relatedness --------------------------------------------------------------------------------

MIN_PLACE_ENTERPRISES = 10
"""Places (cities, else provinces) with fewer enterprises are left out of the reference matrix:
one firm more or less swings their RCA from 0 to many times 1."""


@dataclass(frozen=True)
class ActivitySpace:
    """The place × activity matrix of the data: enterprises per place and SW2021 level-2 industry."""

    activities: list[str]
    names: dict[str, str]
    index: dict[str, int]
    x: np.ndarray
    of: dict[str, tuple[int, ...]]
    """Enterprise -> the activities (column numbers) it is in."""


def _space(store: GraphStore) -> ActivitySpace:
    rows = store.run(ACTIVITIES)
    par = store.run(INDUSTRY_PARENTS)
    up = dict(zip(par[0]["child"], par[0]["parent"], strict=True)) if par else {}
    # SW2021 level 2: firms are filed at level 3 (346 industries, a median of 8 firms each in the
    # public data: too sparse for co-occurrence); level 1 (31) is too coarse to tell neighbours.
    level2 = {k: up.get(k, k) for k in (rows[0]["industry"] if rows else [])}
    acts: dict[str, set[str]] = defaultdict(set)
    place_of: dict[str, str] = {}
    if rows:
        # Each place travels in a one-element list: collect() drops nulls (see chain.industry_links).
        for e, (p,), i in zip(rows[0]["ent"], rows[0]["place"], rows[0]["industry"], strict=True):
            acts[e].add(level2[i])
            if p:
                place_of[e] = p
    activities = sorted({a for v in acts.values() for a in v})
    index = {a: j for j, a in enumerate(activities)}
    firms = Counter(place_of.values())
    places = sorted(p for p, n in firms.items() if n >= MIN_PLACE_ENTERPRISES)
    pi = {p: j for j, p in enumerate(places)}
    x = np.zeros((len(places), len(activities)))
    for e, p in place_of.items():
        if p in pi:
            for a in acts[e]:
                x[pi[p], index[a]] += 1
    nm = store.run(INDUSTRY_NAMES)
    names = dict(zip(nm[0]["key"], nm[0]["name"], strict=True)) if nm else {}
    return ActivitySpace(activities, names, index, x, {e: tuple(sorted(index[a] for a in v)) for e, v in acts.items()})


def _relatedness(store: GraphStore, base_key: str, candidates: list[str]) -> dict[str, tuple[float, str]]:
    """Candidate -> (relatedness density of the base to its closest activity, that activity)."""
    space = held(store, "activity_space", lambda: _space(store))
    if not space.activities or not candidates:
        return {}
    rows = store.run(BASE_MEMBERS, {"base": base_key})
    row = np.zeros(len(space.activities))
    for e in rows[0]["key"] if rows else []:
        for a in space.of.get(e, ()):
            row[a] += 1
    dens = place_density(space.x, row)
    out: dict[str, tuple[float, str]] = {}
    for k in candidates:
        cols = space.of.get(k)
        if cols:
            best = max(cols, key=lambda c: (dens[c], -c))
            act = space.activities[best]
            out[k] = (round(float(dens[best]), 4), f"{space.names.get(act, act)} ({act})")
    return out
