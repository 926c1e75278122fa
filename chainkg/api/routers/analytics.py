"""Analytics routes: one endpoint per question, each answer with its explanation.

The routes are thin: parse and bound the parameters, call the function in
:mod:`chainkg.queries`, send its typed records as JSON (default) or as a CSV table. Answers
with several tables (chain, what-if, fill candidates, alliance map, patent pool) pick the CSV
table with ``?table=``.
Every count-like parameter has a cap, so no request can run away.
"""

# No "from __future__ import annotations": FastAPI reads the routes' parameter types at runtime.
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_origin

from fastapi import Query, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from chainkg.api.output import AnswerDep
from chainkg.api.routing import QuestionRouter
from chainkg.errors import InvalidInputError
from chainkg.graph.analytics.linkpred import METHODS
from chainkg.queries.alliances import AllianceMap, alliance_map
from chainkg.queries.chainengine.candidates import FillCandidates, fill_candidates
from chainkg.queries.chainengine.chain import BaseChain, ChainQuestion, base_chain
from chainkg.queries.chainengine.complement import Complementarity, complementarity
from chainkg.queries.chainengine.gaps import (
    ChainSummary,
    Gap,
    WeakLink,
    WhatIfResult,
    base_chain_summary,
    find_gaps,
    what_if,
)
from chainkg.queries.chainengine.gaps import weak_links as find_weak_links
from chainkg.queries.collaboration import PARTNER_KINDS, CollaborationOpportunity, collaboration_opportunities
from chainkg.queries.compare import MAX_BASES as COMPARE_MAX
from chainkg.queries.compare import MIN_BASES as COMPARE_MIN
from chainkg.queries.compare import BaseComparison, compare_bases, parse_bases
from chainkg.queries.geography import MAX_KEYS as GEO_MAX_KEYS
from chainkg.queries.geography import PlaceCounts, enterprise_places
from chainkg.queries.indicators import (
    INDICATORS,
    MIN_ENTERPRISES,
    BaseIndicators,
    BaseRank,
    base_indicators,
    parse_weights,
    rank_bases,
)
from chainkg.queries.platforms import BasePlatforms, platform_coverage
from chainkg.queries.pools import PoolAnalysis, pool_analysis

TAG = "Analytics / 分析"
MAX_RESULTS = 100
"""Most proposals, recruits, candidates or other bases one answer may hold."""
MAX_DEPTH = 4
"""Deepest chain walk over HTTP (the CLI goes to 6): depth 4 of Shenzhen on the public data takes ~3 s."""
MAX_SEGMENTS = 1000
"""Most chain segments, gaps or weak links per level in one answer."""
MAX_LINKS = 10_000
"""Most chain links in one answer."""
MAX_REMOVED = 50
"""Most enterprises one what-if may remove."""

router = QuestionRouter(TAG)


def list_tables(model: type[BaseModel]) -> list[str]:
    """Fields of ``model`` that hold a list: the tables ``?table=`` may pick for CSV."""
    return [name for name, f in model.model_fields.items() if get_origin(f.annotation) is list]


@dataclass(frozen=True)
class Tables:
    """The tables of an answer that ``?table=`` picks from for CSV, and the one it gives by default."""

    model: type[BaseModel]
    default: str

    @property
    def doc(self) -> str:
        """The sentence of the route's description that names them."""
        return f"CSV: `table=` one of {', '.join(list_tables(self.model))} (default {self.default})."

    def pick(self, table: str | None) -> Callable[[Any], Any]:
        """The rows of table ``table`` (the default when None) of an answer; another name is invalid input."""
        tables = list_tables(self.model)
        name = table or self.default
        if name not in tables:
            raise InvalidInputError(f"'table' must be one of {', '.join(tables)}; got {name!r}", field="table")
        return lambda result: getattr(result, name)


CHAIN_TABLES = Tables(BaseChain, "segments")
WHAT_IF_TABLES = Tables(WhatIfResult, "new_gaps")
CANDIDATES_TABLES = Tables(FillCandidates, "candidates")
ALLIANCE_TABLES = Tables(AllianceMap, "members")
POOL_TABLES = Tables(PoolAnalysis, "contributors")

Limit = Annotated[int, Query(ge=1, le=MAX_RESULTS, description=f"Most rows to return, at most {MAX_RESULTS} / 条数")]


# -- the chain of a base ---------------------------------------------------------------------------

Base = Annotated[
    str, Query(min_length=1, max_length=200, description="Key of the base, e.g. sz-led or city:深圳市 / 基地主键")
]
BaseOrAll = Annotated[
    str | None, Query(min_length=1, max_length=200, description="Key of one base; all when left out / 基地主键")
]
Depth = Annotated[int, Query(ge=1, le=MAX_DEPTH, description=f"Steps upstream, 1 to {MAX_DEPTH} / 产业链上溯层数")]
LevelQ = Annotated[
    Literal["product", "industry", "both"],
    Query(description="Chain level: product (产品), industry (行业) or both / 层级"),
]
SegLimit = Annotated[
    int, Query(ge=1, le=MAX_SEGMENTS, description=f"Most rows per level, at most {MAX_SEGMENTS} / 每层最多条数")
]
Table = Annotated[str | None, Query(max_length=40, description="CSV only: which table of the answer / CSV表")]
Year = Annotated[
    int | None, Query(ge=1949, le=2100, description="Snapshot at the end of this year; today when left out / 年份")
]


def _trim_links(chain: BaseChain, max_links: int) -> BaseChain:
    """Keep the links between returned segments, at most ``max_links`` (the walk may hold far more)."""
    kept = {(s.level, s.key) for s in chain.segments}
    links = [lk for lk in chain.links if (lk.level, lk.src) in kept and (lk.level, lk.dst) in kept]
    return chain.model_copy(update={"links": links[:max_links]})


@router.answer(
    "/chain",
    "base_chain",
    response_model=BaseChain,
    summary="Industry chain of a base / 基地产业链",
    description=(
        "What lies upstream of what the base makes (product level: INPUT_TO, SUBTYPE_OF) and of the industries "
        "it leads in or its enterprises are in (industry level: UPSTREAM_OF, SUB_INDUSTRY_OF). Each segment has "
        "its stage (下游/中游/上游), status (covered 已覆盖 / weak 薄弱 / gap 缺口), the base's enterprises "
        "covering it, and the path that puts it in the chain (`why`, `why_zh`). `levels` counts the whole "
        "chain; `segments` holds the nearest `limit` per level, `links` the links between them (at most "
        "`max_links`). " + CHAIN_TABLES.doc
    ),
)
def chain(
    ans: AnswerDep,
    base: Base,
    depth: Depth = 3,
    level: LevelQ = "both",
    stage: Annotated[
        Literal["downstream", "midstream", "upstream"] | None,
        Query(description="Only one stage: downstream, midstream or upstream / 环节"),
    ] = None,
    limit: SegLimit = 200,
    max_links: Annotated[int, Query(ge=0, le=MAX_LINKS, description="Most links / 最多连线数")] = 2000,
    table: Table = None,
    year: Year = None,
) -> Response:
    """The chain of one base (see the description)."""
    pick = CHAIN_TABLES.pick(table)
    return ans.send(
        lambda: _trim_links(
            base_chain(ans.store, ChainQuestion(base, depth, level, year), stage=stage, limit=limit), max_links
        ),
        table=pick,
        name=f"chain-{base}",
    )


@router.answer(
    "/chain-summary",
    "chain_summary",
    response_model=ChainSummary,
    summary="Chain counts of a base / 产业链概况",
    description="Segments, covered, gaps, weak links and completeness of a base's chain, per level and in total.",
    csv=False,
)
def chain_summary(ans: AnswerDep, base: Base, depth: Depth = 3, year: Year = None) -> Response:
    """Counts of one base's chain (JSON only: it is not a table)."""
    return ans.send(lambda: base_chain_summary(ans.store, ChainQuestion(base, depth, year=year)))


@router.answer(
    "/gaps",
    "find_gaps",
    response_model=list[Gap],
    summary="Gaps in a base's chain / 产业链缺口",
    description=(
        "Segments of the base's chain that no enterprise of the base covers (under any synonym or sub-class), "
        "most depended-on first: `score` sums strength ÷ hops over the covered segments downstream that need it "
        "(`dependents`), for products times the input's specificity (`raw_score` before it); `needed_by` "
        "names the nearest, `path_text` and `why` / `why_zh` say why it is in the chain. `suppliers=known` "
        "(default) lists product gaps someone in the data makes (`makers` > 0, 招商 targets), `none` those nobody "
        "makes (R&D targets), `all` both. Products flagged as not products are left out unless `include_flagged`."
    ),
)
def gaps(
    ans: AnswerDep,
    base: Base,
    depth: Depth = 3,
    level: LevelQ = "both",
    limit: SegLimit = 100,
    suppliers: Annotated[
        Literal["known", "none", "all"], Query(description="known (招商), none (研发) or all / 供应商")
    ] = "known",
    include_flagged: Annotated[bool, Query(description="Also list flagged non-products / 含被标记条目")] = False,
    year: Year = None,
) -> Response:
    """Gaps of one base (see the description)."""
    return ans.send(
        lambda: find_gaps(
            ans.store,
            ChainQuestion(base, depth, level, year),
            limit=limit,
            suppliers=suppliers,
            include_flagged=include_flagged,
        ),
        name=f"gaps-{base}",
    )


@router.answer(
    "/weak-links",
    "weak_links",
    response_model=list[WeakLink],
    summary="Weak links in a base's chain / 薄弱环节",
    description=(
        "Segments that exactly one enterprise of the base covers (a single point of failure), most depended-on "
        "first, with that enterprise, the segments that need it and why it is in the chain."
    ),
)
def weak_links(
    ans: AnswerDep, base: Base, depth: Depth = 3, level: LevelQ = "both", limit: SegLimit = 100, year: Year = None
) -> Response:
    """Weak links of one base (see the description)."""
    return ans.send(
        lambda: find_weak_links(ans.store, ChainQuestion(base, depth, level, year), limit=limit),
        name=f"weak-links-{base}",
    )


@router.answer(
    "/what-if",
    "what_if",
    response_model=WhatIfResult,
    summary="What if enterprises leave a base / 企业迁出影响模拟",
    description=(
        "Removes the named enterprises (keys, short or full names; repeat `remove`) from the base and answers "
        "the segments that become gaps (`new_gaps`, with who covered them), the covered segments downstream "
        "that lose their in-base supply (`cut_off`), and the counts per level before and after. " + WHAT_IF_TABLES.doc
    ),
)
def what_if_(
    ans: AnswerDep,
    base: Base,
    remove: Annotated[
        list[str],
        Query(
            min_length=1,
            max_length=MAX_REMOVED,
            description=f"Enterprise to remove (repeatable, at most {MAX_REMOVED}) / 迁出企业",
        ),
    ],
    depth: Depth = 3,
    level: LevelQ = "both",
    limit: SegLimit = 100,
    table: Table = None,
    year: Year = None,
) -> Response:
    """The what-if of one base (see the description)."""
    pick = WHAT_IF_TABLES.pick(table)
    return ans.send(
        lambda: what_if(ans.store, ChainQuestion(base, depth, level, year), remove, limit=limit),
        table=pick,
        name=f"what-if-{base}",
    )


@router.answer(
    "/candidates",
    "fill_candidates",
    response_model=FillCandidates,
    summary="Who could fill a gap / 补链候选企业",
    description=(
        "Enterprises outside the base that cover a segment of its chain, best first, each with its reasons and "
        "their points (same province or city, alliance or partner ties, supply ties, patents, revenue share), "
        "and the other bases whose enterprises cover it. `segment`: a product name, an industry key "
        "(SW2021:270100) or a unique industry name; `Product:<name>` / `Industry:<key>` to be explicit. "
        + CANDIDATES_TABLES.doc
    ),
)
def candidates(
    ans: AnswerDep,
    base: Base,
    segment: Annotated[str, Query(min_length=1, max_length=200, description="The segment to fill / 待补环节")],
    limit: Limit = 20,
    table: Table = None,
    year: Year = None,
) -> Response:
    """Fill candidates for one segment of one base (see the description)."""
    pick = CANDIDATES_TABLES.pick(table)
    return ans.send(
        lambda: fill_candidates(ans.store, base, segment, limit=limit, year=year), table=pick, name=f"fill-{base}"
    )


@router.answer(
    "/complement",
    "complementarity",
    response_model=Complementarity,
    summary="Complementary bases / 基地间互补",
    description=(
        "Other bases whose enterprises cover this base's gaps, best complement first: the share of the gaps' "
        "weight each covers per level, the most needed segments it covers, and `why` / `why_zh`. "
        "CSV: the rows."
    ),
)
def complement(ans: AnswerDep, base: Base, depth: Depth = 3, level: LevelQ = "both", limit: Limit = 20) -> Response:
    """Complementarity of one base (see the description)."""
    return ans.send(
        lambda: complementarity(ans.store, ChainQuestion(base, depth, level), limit=limit),
        table=lambda r: r.rows,
        name=f"complementarity-{base}",
    )


# -- collaboration --------------------------------------------------------------------------------


@router.answer(
    "/collaboration",
    "collaboration_opportunities",
    response_model=list[CollaborationOpportunity],
    summary="Collaboration opportunities of an organization / 产学研与共性技术合作机会",
    description=(
        "Proposed partners for an enterprise, university or institute, best first. Partners share tech "
        "fields (IPC subclasses of patents held, or fields the enterprise's products need) and do not yet "
        "cooperate or co-hold a patent. Each proposal carries its evidence (shared fields, patents, products, "
        "existing looser ties) and an `explanation` sentence. `method` picks the link-prediction index."
    ),
)
def collaboration(
    ans: AnswerDep,
    org: Annotated[
        str,
        Query(min_length=1, max_length=200, description="Key of the enterprise or research org / 机构主键"),
    ],
    method: Annotated[
        Literal[METHODS],  # type: ignore[valid-type]
        Query(description=f"Link-prediction index: {', '.join(METHODS)} / 评分方法"),
    ] = "resource_allocation",
    kinds: Annotated[
        list[Literal[PARTNER_KINDS]] | None,  # type: ignore[valid-type]
        Query(description=f"Pairings to propose (repeatable): {', '.join(PARTNER_KINDS)} / 合作类型"),
    ] = None,
    limit: Limit = 20,
) -> Response:
    """Proposals for one organization (see the description)."""
    chosen = tuple(kinds) if kinds else PARTNER_KINDS
    return ans.send(
        lambda: collaboration_opportunities(ans.store, org, method=method, limit=limit, kinds=chosen),
        name=f"collaboration-{org}",
    )


# -- alliances, pools, platforms ----------------------------------------------------------------


@router.answer(
    "/alliance-map",
    "alliance_map",
    response_model=AllianceMap,
    summary="Map of an industry alliance / 产业联盟图谱",
    description=(
        "Members and roles, chain segments the members cover and miss, the member network (supply, 产学研, "
        "co-held patents), brokers (betweenness), communities (Louvain), overlapping alliances and recruits "
        "with reasons. `definition` says how coverage is measured. " + ALLIANCE_TABLES.doc
    ),
)
def alliance(
    ans: AnswerDep,
    alliance: Annotated[str, Query(min_length=1, max_length=200, description="Key of the alliance / 联盟主键")],
    recruits: Annotated[
        int, Query(ge=0, le=MAX_RESULTS, description="Most recruits to propose (0 for none) / 建议吸纳数")
    ] = 20,
    shared_fields: Annotated[
        bool, Query(description="Also tie members working in the same tech field / 同技术领域也算关联")
    ] = False,
    table: Annotated[str | None, Query(description="CSV only: which table / CSV表")] = None,
) -> Response:
    """The alliance map (see the description)."""
    pick = ALLIANCE_TABLES.pick(table)
    return ans.send(
        lambda: alliance_map(ans.store, alliance, recruits=recruits, include_shared_fields=shared_fields),
        table=pick,
        name=f"alliance-{alliance}",
    )


@router.answer(
    "/patent-pool",
    "patent_pool_analysis",
    response_model=PoolAnalysis,
    summary="Patent pool analysis / 专利池分析",
    description=(
        "Tech fields the pool covers, contributors with their share and the concentration (HHI, 0–10,000, "
        "and its band), holders that have not declared, licensees and the needs the pool does not cover, and "
        "candidate licensors with a reason each. " + POOL_TABLES.doc
    ),
)
def patent_pool(
    ans: AnswerDep,
    pool: Annotated[str, Query(min_length=1, max_length=200, description="Key of the patent pool / 专利池主键")],
    candidates: Annotated[int, Query(ge=0, le=MAX_RESULTS, description="Most candidate licensors / 候选许可方数")] = 20,
    table: Annotated[str | None, Query(description="CSV only: which table / CSV表")] = None,
) -> Response:
    """The pool analysis (see the description)."""
    pick = POOL_TABLES.pick(table)
    return ans.send(lambda: pool_analysis(ans.store, pool, candidates=candidates), table=pick, name=f"pool-{pool}")


@router.answer(
    "/platform-coverage",
    "platform_coverage",
    response_model=list[BasePlatforms],
    summary="Public service platform coverage / 公共服务平台覆盖",
    description=(
        "For one base (or every base): the platforms serving it by type, the policy's six types it lacks "
        "(研发, 信息, 认证, 培训, 孵化, 检测), its coverage share, and the platforms it shares with other bases."
    ),
)
def platforms(ans: AnswerDep, base: BaseOrAll = None) -> Response:
    """Platform coverage (see the description)."""
    return ans.send(lambda: platform_coverage(ans.store, base), name="platform-coverage")


# -- indicators and ranking ---------------------------------------------------------------------


@router.answer(
    "/indicators",
    "base_indicators",
    response_model=list[BaseIndicators],
    summary="Base indicators / 基地指标",
    description=(
        "Per base: enterprises and research orgs, shares with own IP / own brand / export orientation, chain "
        "completeness, gaps and weak links, alliances and pools joined, platform types, 产学研 links and "
        "patents. `year` gives a snapshot of dated facts up to that year. Indicators: "
        + "; ".join(f"`{k}`: {v.doc}" for k, v in INDICATORS.items())
    ),
)
def indicators(ans: AnswerDep, base: BaseOrAll = None, year: Year = None) -> Response:
    """Indicators of one base or of all (see the description)."""
    return ans.send(lambda: base_indicators(ans.store, base, year=year), name="indicators")


@router.answer(
    "/ranking",
    "rank_bases",
    response_model=list[BaseRank],
    summary="Ranking of bases / 基地排名",
    description=(
        "Bases ranked by a weighted score (0–1) of their indicators. `weights` overrides default weights "
        "(`name:number` or `name=number`, comma-separated or repeated; 0 leaves one out); `only=true` ranks on "
        "the given weights alone. Each row carries the values, the weights used and each indicator's contribution, "
        "so the score "
        "can be checked by hand. Only bases with at least `min_enterprises` enterprises in the year are ranked "
        f"(default {MIN_ENTERPRISES}); with `year` each row also has last year's rank and the change of score. "
        "Indicators and default weights: " + ", ".join(f"{k} {v.weight:g}" for k, v in INDICATORS.items())
    ),
    not_found=False,
)
def ranking(
    ans: AnswerDep,
    weights: Annotated[
        list[str] | None,
        Query(max_length=2000, description="Weights as name:number, e.g. gaps:0.2,export_share:0.3 / 权重"),
    ] = None,
    only: Annotated[bool, Query(description="Rank on the given weights only / 仅用给定权重")] = False,
    year: Year = None,
    min_enterprises: Annotated[
        int, Query(ge=1, le=10_000, description="Fewest enterprises a base needs to be ranked / 最少企业数")
    ] = MIN_ENTERPRISES,
) -> Response:
    """The ranking (see the description)."""
    parsed = parse_weights(weights) or None
    return ans.send(
        lambda: rank_bases(ans.store, parsed, year=year, only=only, min_enterprises=min_enterprises), name="ranking"
    )


# -- where the firms are, bases side by side ------------------------------------------------------


@router.answer(
    "/places",
    "enterprise_places",
    response_model=PlaceCounts,
    summary="Where the firms are, by province and city / 企业地域分布",
    description=(
        "Enterprises of a base (`base`), or those with the given keys (`enterprises`, comma-separated, at most "
        f"{GEO_MAX_KEYS}; a chain-map segment passes the keys of its firms), counted by province and city. "
        "`unplaced` counts enterprises without a province (the public data places firms by the place name "
        "their full name begins with). CSV: one row per province."
    ),
)
def places(
    ans: AnswerDep,
    base: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Key of the base, e.g. sz-led / 基地主键")
    ] = None,
    enterprises: Annotated[
        str | None,
        # A URL holds a few thousand characters safely (clients refuse ~64 KB): about 500 keys.
        Query(min_length=1, max_length=7_000, description="Comma-separated enterprise keys / 企业主键（逗号分隔）"),
    ] = None,
) -> Response:
    """Province and city counts of a base's enterprises or of the given ones (see the description)."""
    keys = enterprises.split(",") if enterprises is not None else None
    return ans.send(
        lambda: enterprise_places(ans.store, base=base, enterprises=keys),
        table=lambda r: [
            {
                "province": p.province,
                "enterprises": p.enterprises,
                "no_city": p.no_city,
                "cities": "；".join(f"{c.city} {c.enterprises}" for c in p.cities),
            }
            for p in r.provinces
        ],
        name="places",
    )


@router.answer(
    "/compare",
    "compare_bases",
    response_model=BaseComparison,
    summary="Bases side by side / 基地对比",
    description=(
        f"{COMPARE_MIN} to {COMPARE_MAX} bases (`bases`, comma-separated keys) side by side: their indicators "
        "(without the segment key lists `gap_segments` and `weak_segments`, which /analytics/gaps gives); "
        "chain coverage per level (covered = at least one enterprise of the base in the segment; `chain_map` is "
        "reserved for chain-map coverage); `shared_gaps`, gaps of two or more of them, most shared first, then by "
        "the sum of their gap scores; `supply`, for each ordered pair, how many of one base's gaps the other's "
        "enterprises cover (who could supply whom). JSON only."
    ),
    csv=False,
)
def compare(
    ans: AnswerDep,
    bases: Annotated[
        str,
        Query(min_length=1, max_length=1000, description="2 to 5 base keys, comma-separated / 基地主键（逗号分隔）"),
    ],
) -> Response:
    """The compared bases (see the description)."""
    keys = parse_bases(bases.split(","))
    return ans.send(lambda: compare_bases(ans.store, keys))


OLD_PATHS: dict[str, str] = {
    "/fill-candidates": "/candidates",
    "/complementarity": "/complement",
}
"""Old path -> its new name (the CLI's). The old paths answer the same, marked deprecated in
the OpenAPI document, until the next release (see README, "Renamed commands and routes")."""


def _add_old_paths() -> None:
    by_path = {r.path: r for r in router.routes if isinstance(r, APIRoute)}
    for old, new in OLD_PATHS.items():
        route = by_path[router.prefix + new]
        router.add_api_route(
            old,
            route.endpoint,
            methods=["GET"],
            response_model=route.response_model,
            summary=f"{route.summary} (old name of {router.prefix}{new})",
            description=f"Deprecated: use {router.prefix}{new}; removed in the next release. {route.description}",
            operation_id=f"{route.operation_id}_old",
            responses=route.responses,
            deprecated=True,
        )


_add_old_paths()
