"""Base indicators, their history by year, and a weighted ranking of bases.

Per base (科技兴贸创新基地), counting what is located in it (``LOCATED_IN``):

- ``enterprises``, ``research_orgs``;
- ``own_ip_share``, ``own_brand_share``, ``export_share``: enterprises with the flag set to
  true ÷ all enterprises of the base (an unknown flag counts as not shown); none without
  enterprises;
- ``chain_completeness``, ``chain_segments``, ``gaps``, ``weak_links``: from the supply-chain
  gap analysis (:func:`chainkg.queries.chainengine.gaps.base_chain_summary`, depth 3, its product and
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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from chainkg.errors import InvalidInputError
from chainkg.graph.analytics.ranking import rank
from chainkg.graph.model import PLATFORM_KINDS
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.i18n import _
from chainkg.queries.chainengine.chain import ChainQuestion
from chainkg.queries.chainengine.gaps import ChainSummary, base_chain_summary
from chainkg.queries.measures import FIGURES, MeasureData, fetch, holds, measures_at, select_bases, today_year, year_of
from chainkg.queries.orgs import ORG_LABELS, expand
from chainkg.queries.platforms import platform_coverage
from chainkg.queries.results import Record, same_named

FIGURE_FIELDS: tuple[str, ...] = FIGURES
# Measures an indicator takes as they are, under the same name: the ratios of the enterprise
# figures (from the latest year with figures) and the rest (from the snapshot year).
_FIGURE_RATIOS: tuple[str, ...] = (
    "triple_enterprises",
    "triple_share",
    "own_ip_export_share",
    "rnd_intensity",
    "export_intensity",
    "output_growth",
    "exports_growth",
)
_AS_MEASURED: tuple[str, ...] = (
    "research_orgs",
    "own_ip_share",
    "own_brand_share",
    "export_share",
    "intl_patents",
    "intl_ip_share",
    "intl_cert_share",
    "standards",
    "standards_by_level",
    "standards_per_enterprise",
    "foreign_invested_share",
    "foreign_rd_centres",
    "financing_amount",
    "financing_events",
    "financing_by_instrument",
    "key_enterprises",
    "key_contacts",
)
_FROM_FIGURES = frozenset({*FIGURES, *_FIGURE_RATIOS})
CHAIN_DEPTH = 3
# The call (both levels added up): one text in any language.
CHAIN_SOURCE = f"gaps.base_chain_summary(depth={CHAIN_DEPTH})"

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
RETURN b.key AS base, a.key AS hub, m.since AS since, m.until AS until, o.key AS org"""
    ),
    "Alliances joined by each base's organizations, with the year each joined.",
)
POOLS: NamedQuery = q(
    "indicator.pools",
    "\nUNION ALL\n".join(
        expand(
            f"""
MATCH (o:__ORG__)-[:LOCATED_IN]->(b:Base), (o)-[r:{rel}]->(p:PatentPool) WHERE b.key IN $bases
RETURN b.key AS base, p.key AS hub, r.since AS since, NULL AS until, o.key AS org"""
        )
        for rel in ("LICENSOR_OF", "LICENSEE_OF")
    ),
    "Patent pools each base's organizations license to or from, with the year.",
)


@dataclass(frozen=True)
class Indicator:
    """A rankable indicator: default weight, direction, definition, unit and the clause it serves."""

    weight: float
    lower_is_better: bool
    doc: str
    zh: str = ""
    unit: str = ""
    clause: str = ""


_N = "商产发[2007]509号"
MIN_ENTERPRISES = 5
"""A base needs at least this many enterprises in the year to be ranked: below it, shares of a
handful of firms swing between 0 and 100 % and would put a one-firm base first."""

INDICATORS: dict[str, Indicator] = {
    "enterprises": Indicator(
        0.05,
        False,
        "Enterprises located in the base in the year (size; the only count left unnormalised)",
        "企业数",
        "家",
        f"{_N} §7 定期考核 (scale of the base)",
    ),
    "own_ip_share": Indicator(
        0.08,
        False,
        "Enterprises with own core IP ÷ enterprises",
        "自主知识产权企业占比",
        "%",
        f"{_N} §2 / §7 自主知识产权产品贸易统计",
    ),
    "own_brand_share": Indicator(
        0.05,
        False,
        "Enterprises selling under their own brand ÷ enterprises",
        "自主品牌企业占比",
        "%",
        f"{_N} §2",
    ),
    "export_share": Indicator(
        0.04,
        False,
        "Export-oriented enterprises ÷ enterprises",
        "出口导向企业占比",
        "%",
        f"{_N} §2",
    ),
    "triple_share": Indicator(
        0.10,
        False,
        "Enterprises with own IP, own brand and exports in the year ÷ enterprises (the §2 export enterprise)",
        "自主知识产权+自主品牌+出口企业占比",
        "%",
        f"{_N} §2 (1,000 export enterprises)",
    ),
    "own_ip_export_share": Indicator(
        0.08,
        False,
        "Exports of own-IP products ÷ all exports of the base's enterprises in the year",
        "自主知识产权产品出口占比",
        "%",
        f"{_N} §2 / §7 自主知识产权产品贸易统计",
    ),
    "rnd_intensity": Indicator(
        0.06,
        False,
        "R&D spending ÷ operating revenue of the base's enterprises in the year",
        "研发投入强度",
        "%",
        f"{_N} §7 定期考核 (innovation input)",
    ),
    "chain_completeness": Indicator(
        0.08,
        False,
        "Chain segments the base covers ÷ all its chain segments (as of the year)",
        "产业链完整度",
        "%",
        f"{_N} §3(一) 产业发展规划 (配套产业向基地集聚、延长产业链)",
    ),
    "gap_share": Indicator(
        0.04,
        True,
        "Chain segments no enterprise of the base makes ÷ chain segments (lower is better)",
        "产业链缺口占比",
        "%",
        f"{_N} §3(一) 产业发展规划 (配套产业向基地集聚、延长产业链)",
    ),
    "weak_share": Indicator(
        0.04,
        True,
        "Chain segments resting on one enterprise ÷ chain segments (lower is better)",
        "薄弱环节占比",
        "%",
        f"{_N} §3(一) 产业发展规划 (配套产业向基地集聚、延长产业链)",
    ),
    "alliance_share": Indicator(
        0.04,
        False,
        "Enterprises that are members of an industry alliance in the year ÷ enterprises",
        "加入产业联盟企业占比",
        "%",
        f"{_N} 产业联盟 (clause not checked against the notice text)",
    ),
    "pool_share": Indicator(
        0.03,
        False,
        "Enterprises licensing to or from a patent pool ÷ enterprises",
        "参与专利池企业占比",
        "%",
        f"{_N} 专利池 (clause not checked against the notice text)",
    ),
    "platform_types": Indicator(
        0.05,
        False,
        "Policy platform types serving the base, of six (bounded, not a size count)",
        "公共服务平台类型数",
        "种 (of 6)",
        f"{_N} §2(二) 以创新基地公共平台体系建设为重点",
    ),
    "cooperation_per_enterprise": Indicator(
        0.04,
        False,
        "产学研 cooperation links ÷ enterprises",
        "企均产学研合作",
        "项/家",
        f"{_N} 产学研合作 (clause not checked against the notice text)",
    ),
    "patents_per_enterprise": Indicator(
        0.04,
        False,
        "Patents held by the base's enterprises ÷ enterprises",
        "企均专利",
        "件/家",
        f"{_N} §6(二)",
    ),
    "intl_ip_share": Indicator(
        0.07,
        False,
        "Enterprises holding a patent outside China (PCT, US, EP, JP …) ÷ enterprises",
        "拥有国际专利企业占比",
        "%",
        f"{_N} §6(二) 国际专利",
    ),
    "intl_cert_share": Indicator(
        0.04,
        False,
        "Enterprises holding an international certification (CE, UL, FDA …) in the year ÷ enterprises",
        "获国际认证企业占比",
        "%",
        f"{_N} §6(二) 国际认证",
    ),
    "standards_per_enterprise": Indicator(
        0.04,
        False,
        "Standards drafted by the base's enterprises and universities up to the year ÷ enterprises",
        "企均参与制定标准",
        "项/家",
        f"{_N} §4(二) 标准",
    ),
    "foreign_invested_share": Indicator(
        0.03,
        False,
        "Foreign-invested enterprises ÷ enterprises",
        "外商投资企业占比",
        "%",
        f"{_N} §3(四)",
    ),
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
    # -- the policy's own measures (issue 14); None = n/a, the reason in ``missing`` ------------
    approved_year: int | None = None
    figures_year: int | None = None
    revenue: float | None = None
    output: float | None = None
    exports: float | None = None
    exports_own_ip: float | None = None
    exports_high_tech: float | None = None
    exports_high_tech_own_ip: float | None = None
    rnd_spending: float | None = None
    employees: float | None = None
    patents_filed: float | None = None
    patents_granted: float | None = None
    figure_coverage: int = 0
    triple_enterprises: int | None = None
    triple_share: float | None = None
    own_ip_export_share: float | None = None
    rnd_intensity: float | None = None
    export_intensity: float | None = None
    output_growth: float | None = None
    exports_growth: float | None = None
    gap_share: float | None = None
    weak_share: float | None = None
    alliance_share: float | None = None
    pool_share: float | None = None
    cooperation_per_enterprise: float | None = None
    intl_patents: int = 0
    intl_ip_share: float | None = None
    intl_cert_share: float | None = None
    standards: int = 0
    standards_by_level: dict[str, int] = Field(default_factory=dict)
    standards_per_enterprise: float | None = None
    foreign_invested_share: float | None = None
    foreign_rd_centres: int = 0
    financing_amount: float | None = None
    financing_events: int = 0
    financing_by_instrument: dict[str, float] = Field(default_factory=dict)
    key_enterprises: int = 0
    key_contacts: int = 0
    missing: dict[str, str] = Field(default_factory=dict)


class BaseRank(Record):
    """A base's place in the ranking, its score and how each indicator contributed."""

    rank: int
    base: str
    name: str
    score: float
    contributions: dict[str, float]
    values: dict[str, float | None]
    weights: dict[str, float]
    enterprises: int = 0
    year: int | None = None
    previous_rank: int | None = None
    score_change: float | None = None


@dataclass(frozen=True)
class _Chain:
    completeness: float | None
    segments: int
    gaps: list[str]
    weak: list[str]


def _dated(since: int | None, year: int | None) -> bool:
    """A fact counts at ``year`` when it has no year or began that year or earlier."""
    return year is None or since is None or since <= year


def _chains(
    store: GraphStore,
    bases: list[str],
    summaries: Mapping[str, ChainSummary] | None = None,
    year: int | None = None,
) -> dict[str, _Chain]:
    """Chain figures of each base from the supply-chain gap analysis (both levels, depth 3), as
    of ``year`` (the chain as the data stands when None; ``summaries`` are taken only then)."""
    out = {}
    for b in bases:
        given = summaries.get(b) if summaries and year is None else None
        s = (
            given
            if given is not None and given.depth == CHAIN_DEPTH
            else base_chain_summary(store, ChainQuestion(b, CHAIN_DEPTH, year=year))
        )
        out[b] = _Chain(s.completeness, s.segments, list(s.gap_segments), list(s.weak_segments))
    return out


def _share(n: int, total: int) -> float | None:
    return n / total if total else None


def _snapshot(
    store: GraphStore,
    names: Mapping[str, str],
    years: list[int | None],
    summaries: Mapping[str, ChainSummary] | None = None,
    *,
    with_chain: bool = True,
) -> dict[tuple[str, int | None], BaseIndicators]:
    """Indicators of every base in ``names`` at every year in ``years`` (None = today).

    Membership follows the dated rule of :mod:`chainkg.queries.measures` (None = this calendar
    year); yearly figures come from the year itself, or for None from the base's latest year
    with figures. Without ``with_chain`` the chain figures stay empty (no chain walk).
    """
    bases = sorted(names)
    params = {"bases": bases}
    data = fetch(store, bases)
    patents: dict[str, list[tuple[int | None, int]]] = defaultdict(list)
    for r in store.run(PATENTS, params):
        patents[r["base"]].append((r["year"], int(r["n"])))
    coop: dict[str, list[tuple[int | None, int]]] = defaultdict(list)
    for r in store.run(COOPERATION, params):
        coop[r["base"]].append((r["since"], int(r["n"])))
    ties: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for what, query in (("alliances", ALLIANCES), ("pools", POOLS)):
        ties[what] = defaultdict(list)
        for r in store.run(query, params):
            ties[what][r["base"]].append(dict(r))
    platforms = {p.base: p for p in platform_coverage(store)}
    none = {b: _Chain(None, 0, [], []) for b in bases}
    # The chain as of each year asked for (who was located, in business and making what then).
    chains = {y: _chains(store, bases, summaries, y) if with_chain else none for y in dict.fromkeys(years)}

    out = {}
    for b in bases:
        pf = platforms.get(b)
        by_type = {k: sum(1 for p in pf.platforms if p.kind == k) for k in PLATFORM_KINDS} if pf else {}
        for y in years:
            as_of = y if y is not None else today_year()
            chain = chains[y][b]
            m = measures_at(data, b, as_of)
            fy = y if y is not None else data.latest_figure_year(b, as_of)
            fm = m if fy is None or fy == as_of else measures_at(data, b, fy)
            ents = {a["ent"] for a in data.active(b, as_of)}
            here = ents | {o["org"] for o in data.active_orgs(b, as_of)}
            hubs: dict[str, list[str]] = {}
            joined_ents: dict[str, set[str]] = {}
            for what, rows in ties.items():
                held = [r for r in rows.get(b, []) if r["org"] in here and holds(r["since"], r["until"], as_of)]
                hubs[what] = sorted({r["hub"] for r in held})
                joined_ents[what] = {r["org"] for r in held if r["org"] in ents}
            n = m.enterprises
            # Distinct patents per year are summed: a patent has one year, so no double count.
            n_pat = sum(c for yr, c in patents.get(b, []) if _dated(yr, y))
            n_coop = sum(k for since, k in coop.get(b, []) if _dated(since, y))
            segs = chain.segments
            missing = {k: v for k, v in m.missing.items() if k not in _FROM_FIGURES}
            missing |= {k: v for k, v in fm.missing.items() if k in _FROM_FIGURES}
            if fy is None:
                missing |= {k: _("no EnterpriseYear figures") for k in _FROM_FIGURES}
            out[(b, y)] = BaseIndicators(
                base=b,
                name=names[b],
                year=y,
                enterprises=n,
                chain_completeness=chain.completeness,
                chain_segments=segs,
                gaps=len(chain.gaps),
                weak_links=len(chain.weak),
                gap_segments=chain.gaps,
                weak_segments=chain.weak,
                chain_source=CHAIN_SOURCE,
                alliances=len(hubs["alliances"]),
                alliance_keys=hubs["alliances"],
                pools=len(hubs["pools"]),
                pool_keys=hubs["pools"],
                platforms_by_type={k: v for k, v in by_type.items() if v},
                platform_types=sum(1 for v in by_type.values() if v),
                cooperation_links=n_coop,
                patents=n_pat,
                patents_per_enterprise=n_pat / n if n else None,
                approved_year=data.approved.get(b),
                figures_year=fy,
                **{k: fm.totals[k] for k in FIGURE_FIELDS},
                **same_named(fm, _FIGURE_RATIOS),
                **same_named(m, _AS_MEASURED),
                figure_coverage=max(fm.coverage.values(), default=0) if fy is not None else 0,
                gap_share=len(chain.gaps) / segs if segs else None,
                weak_share=len(chain.weak) / segs if segs else None,
                alliance_share=len(joined_ents["alliances"]) / n if n else None,
                pool_share=len(joined_ents["pools"]) / n if n else None,
                cooperation_per_enterprise=n_coop / n if n else None,
                missing=missing,
            )
    return out


def base_indicators(
    store: GraphStore,
    base_key: str | None = None,
    *,
    year: int | None = None,
    summaries: Mapping[str, ChainSummary] | None = None,
    chain: bool = True,
) -> list[BaseIndicators]:
    """Indicators of one base, or of every base by key (see the module text for each one).

    Parameters
    ----------
    store : GraphStore
        The graph.
    base_key : str, optional
        Only this base; every base when omitted. It is checked by
        :func:`~chainkg.queries.measures.select_bases` (``NotFoundError`` for a key no base has).
    year : int, optional
        Snapshot at the end of this year; today's state when omitted.
    summaries : mapping, optional
        Chain summaries (depth 3) the caller already holds, by base key, so they are not
        computed twice (the pages compute them once for the indicators and the charts).
    chain : bool
        False leaves the chain figures (completeness, gaps, weak links) empty and skips the
        chain walk they need (the base page shows them later, when they are ready).

    Examples
    --------
    >>> [(i.base, i.enterprises, i.patents_per_enterprise) for i in base_indicators(store, "b1")]  # doctest: +SKIP
    [('b1', 3, 1.0)]
    """
    names = select_bases(store, base_key)
    snap = _snapshot(store, names, [year], summaries, with_chain=chain)
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


def history_years(store: GraphStore, base_key: str) -> list[int]:
    """Every year from the base's approval (or its first dated fact) to its last dated fact.

    Dated facts: patents, cooperation, memberships, pool ties, yearly figures, the base's own
    ``LOCATED_IN`` since/until. Years before the approval year are never returned: the base did
    not exist, so it had no indicators.
    """
    facts = {int(r["year"]) for r in store.run(HISTORY_YEARS, {"base": base_key})}
    data = fetch(store, [base_key])
    facts |= data.figure_years.get(base_key, set())
    facts |= _dated_years(data, base_key)
    approved = data.approved.get(base_key)
    facts = {y for y in facts if y <= today_year()}
    if not facts:
        return [approved] if approved is not None else []
    first = approved if approved is not None else min(facts)
    last = max(max(facts), first)
    return list(range(first, last + 1))[-MAX_HISTORY_YEARS:]


def _dated_years(data: MeasureData, base: str) -> set[int]:
    """Years in which a dated tie or object of ``base`` begins or ends (see measures)."""
    members = data.members.get(base, [])
    ents = [m["ent"] for m in members]
    cells: list[Any] = []
    for m in members:
        cells += [m["since"], m["until"], m["founded"], m["closed"]]
    for o in data.org_members.get(base, []):
        cells += [o["since"], o["until"]]
    for e in ents:
        cells += [c.get(k) for c in data.certs.get(e, []) for k in ("since", "until")]
        cells += [f.get("year") for f in data.financing.get(e, [])]
        cells += [p.get("year") for p in data.patents.get(e, [])]
    for o in ents + [o["org"] for o in data.org_members.get(base, [])]:
        cells += [s.get("year") for s in data.standards.get(o, [])]
    cells += [r.get(k) for r in data.rd_centres.get(base, []) for k in ("founded", "closed")]
    cells += [k.get(x) for k in data.key_enterprises.get(base, []) for x in ("since", "until")]
    return {y for y in map(year_of, cells) if y is not None}


MAX_HISTORY_YEARS = 40


def indicator_history(store: GraphStore, base_key: str, years: list[int] | None = None) -> list[BaseIndicators]:
    """Snapshots of one base's indicators, one per year, oldest first.

    ``years`` defaults to :func:`history_years`: every year from the base's approval year to
    its last dated fact. Given years before the approval year are dropped. A base without
    dated facts or approval year gets a single snapshot of today (``year`` None).

    Examples
    --------
    >>> [(i.year, i.enterprises, i.triple_enterprises) for i in indicator_history(store, "sz-led")][:2]
    ... # doctest: +SKIP
    [(2010, 3, 3), (2011, 5, 4)]
    """
    names = select_bases(store, base_key)
    if years is None:
        years = history_years(store, base_key)
    else:
        approved = fetch(store, [base_key]).approved.get(base_key)
        years = [y for y in years if approved is None or y >= approved]
    wanted: list[int | None] = list(years) if years else [None]
    snap = _snapshot(store, names, wanted)
    return [snap[(base_key, y)] for y in wanted]


def check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """The default weights with the given ones applied; refuse unknown names and negatives.

    Examples
    --------
    >>> check_weights({"gap_share": 0})["gap_share"]
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


def parse_weights(items: Iterable[str] | None, field: str = "weights") -> dict[str, float]:
    """Ranking weights from text, the same for the CLI and the API.

    Each weight is ``name:number`` or ``name=number``; several may share one text, separated by
    commas. More weights than there are indicators is refused (so no request runs away), as is
    a malformed one, naming ``field``.

    >>> parse_weights(["gaps:0.2,export_share=1", "pools:0"])
    {'gaps': 0.2, 'export_share': 1.0, 'pools': 0.0}
    """
    out: dict[str, float] = {}
    for part in (p.strip() for chunk in items or () for p in chunk.split(",")):
        if not part:
            continue
        sep = ":" if ":" in part else "="
        name, found, value = part.partition(sep)
        try:
            if not found or not name.strip():
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise InvalidInputError(
                f"Cannot read the weight {part!r}. Write it as name:number or name=number, for example "
                f"own_ip_share=0.3. Indicator names: {', '.join(INDICATORS)}.",
                field=field,
            ) from None
        if len(out) > len(INDICATORS):
            raise InvalidInputError(f"More weights than indicators ({len(INDICATORS)}).", field=field)
    return out


def rank_bases(
    store: GraphStore,
    weights: Mapping[str, float] | None = None,
    *,
    year: int | None = None,
    only: bool = False,
    indicators: Sequence[BaseIndicators] | None = None,
    min_enterprises: int = MIN_ENTERPRISES,
) -> list[BaseRank]:
    """Rank the bases with enough data by a weighted score of their indicators (0–1, higher is better).

    Only bases with at least ``min_enterprises`` enterprises in the year take part (see
    :data:`MIN_ENTERPRISES`); :func:`unranked_bases` lists the others. ``weights`` overrides
    the defaults in :data:`DEFAULT_WEIGHTS` by name (0 leaves an indicator out); with
    ``only=True`` the given weights are the whole set. Weights are divided by their sum. Each
    result carries the values, the weights used and each indicator's contribution, so the
    score can be checked by hand. With ``year`` set, each result also carries its rank and
    score of the year before (``previous_rank``, ``score_change``). A missing value (n/a)
    earns nothing. ``indicators``: those of every base at ``year`` when the caller has them.

    Examples
    --------
    >>> [(r.rank, r.base, round(r.score, 3)) for r in rank_bases(store, {"patents_per_enterprise": 1}, only=True)]
    ... # doctest: +SKIP
    [(1, 'b1', 1.0), (2, 'b2', 0.333)]
    """
    chosen = _chosen_weights(weights, only)
    if indicators is None:
        indicators = base_indicators(store, year=year)
    ranked = _rank(indicators, chosen, min_enterprises, year)
    if year is None or not ranked:
        return ranked
    before = {r.base: r for r in _rank(base_indicators(store, year=year - 1), chosen, min_enterprises, year - 1)}
    return [
        r.model_copy(
            update={
                "previous_rank": before[r.base].rank if r.base in before else None,
                "score_change": round(r.score - before[r.base].score, 12) if r.base in before else None,
            }
        )
        for r in ranked
    ]


def unranked_bases(
    indicators: Sequence[BaseIndicators], min_enterprises: int = MIN_ENTERPRISES
) -> list[BaseIndicators]:
    """The bases left out of the ranking: fewer than ``min_enterprises`` enterprises."""
    return [i for i in indicators if i.enterprises < min_enterprises]


def _chosen_weights(weights: Mapping[str, float] | None, only: bool) -> dict[str, float]:
    if only:
        if not weights:
            raise InvalidInputError("Give at least one weight when ranking on the given weights only.", field="weights")
        chosen = {k: v for k, v in check_weights(weights).items() if k in weights}
    else:
        chosen = check_weights(weights)
    chosen = {k: v for k, v in chosen.items() if v > 0}
    if not chosen:
        raise InvalidInputError("At least one weight must be above zero.", field="weights")
    return chosen


def _rank(
    indicators: Sequence[BaseIndicators], chosen: Mapping[str, float], min_enterprises: int, year: int | None
) -> list[BaseRank]:
    eligible = [i for i in indicators if i.enterprises >= min_enterprises]
    if not eligible:
        return []
    table = {i.base: {k: _value(i, k) for k in chosen} for i in eligible}
    lower = {k for k in chosen if INDICATORS[k].lower_is_better}
    by_base = {i.base: i for i in eligible}
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
            enterprises=by_base[str(r.entity)].enterprises,
            year=year,
        )
        for r in rank(table, chosen, lower_is_better=lower)
    ]


def _value(i: BaseIndicators, name: str) -> float | None:
    """An indicator's value for ranking; a base with no chain gets no credit for having no gaps."""
    if name in ("gaps", "weak_links", "gap_share", "weak_share") and i.chain_segments == 0:
        return None
    v = getattr(i, name)
    return None if v is None else float(v)
