"""Base indicators, their history by year, and a weighted ranking of bases.

Per base (科技兴贸创新基地), counting what is located in it (``LOCATED_IN``):

- ``enterprises``, ``research_orgs``;
- ``own_ip_share``, ``own_brand_share``, ``export_share``: enterprises with the flag set to
  true ÷ all enterprises of the base (an unknown flag counts as not shown); none without
  enterprises;
- ``chain_completeness``, ``chain_segments``, ``gaps``, ``weak_links``: from the supply-chain
  gap analysis (:func:`chainkg.queries.gaps.base_chain_summary`, depth 3, its product and
  industry levels added up): covered ÷ all chain segments, segments no enterprise of the base
  covers, and segments exactly one covers;
- ``alliances`` and ``pools`` joined (any organization of the base is a member, licensor or
  licensee), ``platforms_by_type`` and ``platform_types`` (of the six policy types),
  ``cooperation_links`` (产学研 links with either end in the base), ``patents`` (distinct
  patents held by its enterprises) and ``patents_per_enterprise``.

Snapshots by year: facts that carry a year (patent year, ``since`` of memberships, pool
ties and cooperation) count in the snapshot of year ``Y`` when their year is ``Y`` or
earlier; facts without a year count in every snapshot. Enterprises, platforms and the chain
carry no year, so they are the same in every snapshot.

Ranking: see :data:`INDICATORS` for the indicators, their default weights and direction, and
:mod:`chainkg.graph.analytics.ranking` for the scaling (share of the best base's value). A
missing value earns nothing; so does "no gaps" or "no weak links" for a base without any chain
segments, since there is nothing to be complete about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.analytics.ranking import rank
from chainkg.graph.model import PLATFORM_KINDS
from chainkg.graph.store import GraphStore
from chainkg.queries.gaps import base_chain_summary
from chainkg.queries.orgs import ORG_LABELS, expand
from chainkg.queries.platforms import platform_coverage
from chainkg.queries.registry import NamedQuery, q
from chainkg.queries.results import Record

CHAIN_DEPTH = 3
CHAIN_SOURCE = f"gaps.base_chain_summary(depth={CHAIN_DEPTH}), product and industry levels"

BASES: NamedQuery = q(
    "indicator.bases",
    "MATCH (b:Base) RETURN b.key AS key, b.name AS name ORDER BY key",
    "Every base.",
)
ENTERPRISES: NamedQuery = q(
    "indicator.enterprises",
    """
MATCH (e:Enterprise)-[:LOCATED_IN]->(b:Base) WHERE b.key IN $bases
RETURN b.key AS base, count(e) AS n,
       sum(CASE WHEN e.own_ip THEN 1 ELSE 0 END) AS own_ip,
       sum(CASE WHEN e.own_brand THEN 1 ELSE 0 END) AS own_brand,
       sum(CASE WHEN e.export_oriented THEN 1 ELSE 0 END) AS export_oriented""",
    "Enterprises per base and how many have own IP, own brand, export orientation.",
)
RESEARCH_ORGS: NamedQuery = q(
    "indicator.research_orgs",
    "MATCH (o:ResearchOrg)-[:LOCATED_IN]->(b:Base) WHERE b.key IN $bases RETURN b.key AS base, count(o) AS n",
    "Universities and institutes per base.",
)
PATENTS: NamedQuery = q(
    "indicator.patents",
    """
MATCH (e:Enterprise)-[:LOCATED_IN]->(b:Base), (e)-[:HOLDS_PATENT]->(p:Patent) WHERE b.key IN $bases
RETURN b.key AS base, p.year AS year, count(DISTINCT p) AS n""",
    "Distinct patents held by each base's enterprises, by application year.",
)
COOPERATION: NamedQuery = q(
    "indicator.cooperation",
    """
MATCH (e:Enterprise)-[c:COOPERATES_WITH]->(:ResearchOrg), (e)-[:LOCATED_IN]->(b:Base) WHERE b.key IN $bases
RETURN b.key AS base, c.since AS since, count(*) AS n
UNION ALL
MATCH (e:Enterprise)-[c:COOPERATES_WITH]->(u:ResearchOrg), (u)-[:LOCATED_IN]->(b:Base)
WHERE b.key IN $bases AND NOT EXISTS { MATCH (e)-[:LOCATED_IN]->(b) }
RETURN b.key AS base, c.since AS since, count(*) AS n""",
    "产学研 links with either end in the base, by starting year (a link inside the base counts once).",
)
ALLIANCES: NamedQuery = q(
    "indicator.alliances",
    expand(
        """
MATCH (o:__ORG__)-[:LOCATED_IN]->(b:Base), (o)-[m:MEMBER_OF]->(a:Alliance) WHERE b.key IN $bases
RETURN b.key AS base, a.key AS hub, m.since AS since"""
    ),
    "Alliances joined by each base's organizations, with the year each joined.",
)
POOLS: NamedQuery = q(
    "indicator.pools",
    "\nUNION ALL\n".join(
        expand(
            f"""
MATCH (o:__ORG__)-[:LOCATED_IN]->(b:Base), (o)-[r:{rel}]->(p:PatentPool) WHERE b.key IN $bases
RETURN b.key AS base, p.key AS hub, r.since AS since"""
        )
        for rel in ("LICENSOR_OF", "LICENSEE_OF")
    ),
    "Patent pools each base's organizations license to or from, with the year.",
)


@dataclass(frozen=True)
class Indicator:
    """A rankable indicator: default weight, direction and meaning."""

    weight: float
    lower_is_better: bool
    doc: str


INDICATORS: dict[str, Indicator] = {
    "enterprises": Indicator(0.10, False, "Enterprises located in the base"),
    "own_ip_share": Indicator(0.15, False, "Share of enterprises with their own core IP"),
    "own_brand_share": Indicator(0.10, False, "Share of enterprises selling under their own brand"),
    "export_share": Indicator(0.10, False, "Share of export-oriented enterprises"),
    "chain_completeness": Indicator(0.15, False, "Covered ÷ all chain segments"),
    "gaps": Indicator(0.05, True, "Chain segments no enterprise of the base makes (fewer is better)"),
    "weak_links": Indicator(0.05, True, "Chain segments resting on a single enterprise (fewer is better)"),
    "alliances": Indicator(0.05, False, "Industry alliances joined"),
    "pools": Indicator(0.05, False, "Patent pools joined"),
    "platform_types": Indicator(0.10, False, "Policy platform types present (of six)"),
    "cooperation_links": Indicator(0.05, False, "产学研 cooperation links"),
    "patents_per_enterprise": Indicator(0.05, False, "Patents held per enterprise"),
}
DEFAULT_WEIGHTS: dict[str, float] = {k: v.weight for k, v in INDICATORS.items()}


class BaseIndicators(Record):
    """The indicators of one base (at one year when ``year`` is set)."""

    base: str
    name: str
    year: int | None
    enterprises: int
    research_orgs: int
    own_ip_share: float | None
    own_brand_share: float | None
    export_share: float | None
    chain_completeness: float | None
    chain_segments: int
    gaps: int
    weak_links: int
    gap_segments: list[str]
    weak_segments: list[str]
    chain_source: str
    alliances: int
    alliance_keys: list[str]
    pools: int
    pool_keys: list[str]
    platforms_by_type: dict[str, int]
    platform_types: int
    cooperation_links: int
    patents: int
    patents_per_enterprise: float | None


class BaseRank(Record):
    """A base's place in the ranking, its score and how each indicator contributed."""

    rank: int
    base: str
    name: str
    score: float
    contributions: dict[str, float]
    values: dict[str, float | None]
    weights: dict[str, float]


@dataclass(frozen=True)
class _Chain:
    completeness: float | None
    segments: int
    gaps: list[str]
    weak: list[str]


def _dated(since: int | None, year: int | None) -> bool:
    """A fact counts at ``year`` when it has no year or began that year or earlier."""
    return year is None or since is None or since <= year


def _chains(store: GraphStore, bases: list[str]) -> dict[str, _Chain]:
    """Chain figures of each base from the supply-chain gap analysis (both levels, depth 3)."""
    out = {}
    for b in bases:
        s = base_chain_summary(store, b, depth=CHAIN_DEPTH)
        out[b] = _Chain(s.completeness, s.segments, list(s.gap_segments), list(s.weak_segments))
    return out


def _share(n: int, total: int) -> float | None:
    return n / total if total else None


def _base_names(store: GraphStore, base_key: str | None) -> dict[str, str]:
    names = {r["key"]: r["name"] or r["key"] for r in store.run(BASES)}
    if base_key is None:
        return names
    if base_key not in names:
        raise NotFoundError(f"No base has the key {base_key!r}. Check the base id (for example 'sz-hitech').")
    return {base_key: names[base_key]}


def _snapshot(
    store: GraphStore, names: Mapping[str, str], years: list[int | None], *, with_chain: bool = True
) -> dict[tuple[str, int | None], BaseIndicators]:
    """Indicators of every base in ``names`` at every year in ``years`` (None = today); without
    ``with_chain`` the chain figures stay empty (no chain walk)."""
    bases = sorted(names)
    params = {"bases": bases}
    ents = {r["base"]: r for r in store.run(ENTERPRISES, params)}
    research = {r["base"]: int(r["n"]) for r in store.run(RESEARCH_ORGS, params)}
    patents: dict[str, list[tuple[int | None, int]]] = defaultdict(list)
    for r in store.run(PATENTS, params):
        patents[r["base"]].append((r["year"], int(r["n"])))
    coop: dict[str, list[tuple[int | None, int]]] = defaultdict(list)
    for r in store.run(COOPERATION, params):
        coop[r["base"]].append((r["since"], int(r["n"])))
    hubs: dict[str, dict[str, dict[str, list[int | None]]]] = {"alliances": {}, "pools": {}}
    for what, query in (("alliances", ALLIANCES), ("pools", POOLS)):
        joined: dict[str, dict[str, list[int | None]]] = defaultdict(lambda: defaultdict(list))
        for r in store.run(query, params):
            joined[r["base"]][r["hub"]].append(r["since"])
        hubs[what] = joined
    platforms = {p.base: p for p in platform_coverage(store)}
    chains = _chains(store, bases) if with_chain else {b: _Chain(None, 0, [], []) for b in bases}

    out = {}
    for b in bases:
        e = ents.get(b, {})
        n = int(e.get("n", 0))
        chain = chains[b]
        pf = platforms.get(b)
        by_type = {k: sum(1 for p in pf.platforms if p.kind == k) for k in PLATFORM_KINDS} if pf else {}
        for y in years:
            joined_a = sorted(a for a, s in hubs["alliances"].get(b, {}).items() if any(_dated(x, y) for x in s))
            joined_p = sorted(p for p, s in hubs["pools"].get(b, {}).items() if any(_dated(x, y) for x in s))
            # Distinct patents per year are summed: a patent has one year, so no double count.
            n_pat = sum(c for yr, c in patents.get(b, []) if _dated(yr, y))
            out[(b, y)] = BaseIndicators(
                base=b,
                name=names[b],
                year=y,
                enterprises=n,
                research_orgs=research.get(b, 0),
                own_ip_share=_share(int(e.get("own_ip") or 0), n),
                own_brand_share=_share(int(e.get("own_brand") or 0), n),
                export_share=_share(int(e.get("export_oriented") or 0), n),
                chain_completeness=chain.completeness,
                chain_segments=chain.segments,
                gaps=len(chain.gaps),
                weak_links=len(chain.weak),
                gap_segments=chain.gaps,
                weak_segments=chain.weak,
                chain_source=CHAIN_SOURCE,
                alliances=len(joined_a),
                alliance_keys=joined_a,
                pools=len(joined_p),
                pool_keys=joined_p,
                platforms_by_type={k: v for k, v in by_type.items() if v},
                platform_types=sum(1 for v in by_type.values() if v),
                cooperation_links=sum(n for since, n in coop.get(b, []) if _dated(since, y)),
                patents=n_pat,
                patents_per_enterprise=n_pat / n if n else None,
            )
    return out


def base_indicators(
    store: GraphStore, base_key: str | None = None, *, year: int | None = None, chain: bool = True
) -> list[BaseIndicators]:
    """Indicators of one base, or of every base by key (see the module text for each one).

    Parameters
    ----------
    store : GraphStore
        The graph.
    base_key : str, optional
        Only this base; every base when omitted.
    year : int, optional
        Snapshot at the end of this year; today's state when omitted.
    chain : bool
        False leaves the chain figures (completeness, gaps, weak links) empty and skips the
        chain walk they need (the base page shows them later, when they are ready).

    Raises
    ------
    NotFoundError
        ``base_key`` names no base.

    Examples
    --------
    >>> [(i.base, i.enterprises, i.patents_per_enterprise) for i in base_indicators(store, "b1")]  # doctest: +SKIP
    [('b1', 3, 1.0)]
    """
    names = _base_names(store, base_key)
    snap = _snapshot(store, names, [year], with_chain=chain)
    return [snap[(b, year)] for b in sorted(names)]


_YEAR_BRANCHES = [
    """MATCH (e:Enterprise)-[:LOCATED_IN]->(b:Base), (e)-[:HOLDS_PATENT]->(p:Patent)
WHERE b.key = $base AND p.year IS NOT NULL RETURN p.year AS year""",
    """MATCH (e:Enterprise)-[c:COOPERATES_WITH]->(:ResearchOrg), (e)-[:LOCATED_IN]->(b:Base)
WHERE b.key = $base AND c.since IS NOT NULL RETURN c.since AS year""",
    """MATCH (:Enterprise)-[c:COOPERATES_WITH]->(u:ResearchOrg), (u)-[:LOCATED_IN]->(b:Base)
WHERE b.key = $base AND c.since IS NOT NULL RETURN c.since AS year""",
] + [
    f"""MATCH (o:{label})-[:LOCATED_IN]->(b:Base), (o)-[r:{rel}]->(:{hub})
WHERE b.key = $base AND r.since IS NOT NULL RETURN r.since AS year"""
    for label in ORG_LABELS
    for rel, hub in (("MEMBER_OF", "Alliance"), ("LICENSOR_OF", "PatentPool"), ("LICENSEE_OF", "PatentPool"))
]
HISTORY_YEARS: NamedQuery = q(
    "indicator.years",
    "\nUNION\n".join(_YEAR_BRANCHES),
    "Every year in which a dated fact of the base begins (patent, cooperation, membership, pool tie).",
)


def indicator_history(store: GraphStore, base_key: str, years: list[int] | None = None) -> list[BaseIndicators]:
    """Snapshots of one base's indicators, one per year, oldest first.

    ``years`` defaults to every year in which a dated fact of the base begins (a patent
    application, a membership, a pool tie, a cooperation). A base without dated facts gets
    a single snapshot of today (``year`` None).

    Examples
    --------
    >>> [(i.year, i.patents, i.alliances) for i in indicator_history(store, "b1")]  # doctest: +SKIP
    [(2018, 0, 1), (2019, 1, 1), (2020, 2, 1), (2021, 3, 2)]
    """
    names = _base_names(store, base_key)
    if years is None:
        years = sorted({int(r["year"]) for r in store.run(HISTORY_YEARS, {"base": base_key})})
    wanted: list[int | None] = list(years) if years else [None]
    snap = _snapshot(store, names, wanted)
    return [snap[(base_key, y)] for y in wanted]


def check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """The default weights with the given ones applied; refuse unknown names and negatives.

    Examples
    --------
    >>> check_weights({"gaps": 0})["gaps"]
    0
    """
    merged = dict(DEFAULT_WEIGHTS)
    for k, v in (weights or {}).items():
        if k not in INDICATORS:
            raise InvalidInputError(
                f"Unknown indicator {k!r} in the weights. Known indicators: {', '.join(INDICATORS)}.", field="weights"
            )
        if v < 0:
            raise InvalidInputError(f"The weight of {k!r} cannot be negative (got {v}).", field="weights")
        merged[k] = v
    if not any(merged.values()):
        raise InvalidInputError("At least one weight must be above zero.", field="weights")
    return merged


def rank_bases(
    store: GraphStore,
    weights: Mapping[str, float] | None = None,
    *,
    year: int | None = None,
    only: bool = False,
    indicators: Sequence[BaseIndicators] | None = None,
) -> list[BaseRank]:
    """Rank every base by a weighted score of its indicators (0–1, higher is better).

    ``weights`` overrides the defaults in :data:`DEFAULT_WEIGHTS` by name (set a weight to 0
    to leave an indicator out); with ``only=True`` the given weights are the whole set.
    Weights are divided by their sum. Each result carries the values, the weights used and
    each indicator's contribution, so the score can be checked by hand. ``indicators``: those
    of every base at ``year`` when the caller has them (``base_indicators(store, year=year)``),
    so they are not computed twice.

    Examples
    --------
    >>> [(r.rank, r.base, round(r.score, 3)) for r in rank_bases(store, {"patents_per_enterprise": 1}, only=True)]
    ... # doctest: +SKIP
    [(1, 'b1', 1.0), (2, 'b2', 0.333), (3, 'b3', 0.0)]
    """
    if only:
        if not weights:
            raise InvalidInputError("Give at least one weight when ranking on the given weights only.", field="weights")
        chosen = {k: v for k, v in check_weights(weights).items() if k in weights}
    else:
        chosen = check_weights(weights)
    chosen = {k: v for k, v in chosen.items() if v > 0}
    if not chosen:
        raise InvalidInputError("At least one weight must be above zero.", field="weights")
    if indicators is None:
        indicators = base_indicators(store, year=year)
    if not indicators:
        return []
    table = {i.base: {k: _value(i, k) for k in chosen} for i in indicators}
    lower = {k for k in chosen if INDICATORS[k].lower_is_better}
    by_base = {i.base: i for i in indicators}
    total = sum(chosen.values())
    return [
        BaseRank(
            rank=r.rank,
            base=str(r.entity),
            name=by_base[str(r.entity)].name,
            score=r.score,
            contributions={k: round(v, 12) for k, v in r.contributions.items()},
            values=table[str(r.entity)],
            weights={k: round(v / total, 12) for k, v in chosen.items()},
        )
        for r in rank(table, chosen, lower_is_better=lower)
    ]


def _value(i: BaseIndicators, name: str) -> float | None:
    """An indicator's value for ranking; a base with no chain gets no credit for having no gaps."""
    if name in ("gaps", "weak_links") and i.chain_segments == 0:
        return None
    v = getattr(i, name)
    return None if v is None else float(v)
