"""What each page shows, gathered from the query modules: the pages router only renders it.

Each function answers one page (home, base, alliance, search) or one chart with plain
records and dicts, so the pages can be tested without HTTP and the API stays thin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.model import MODEL, node_type
from chainkg.graph.store.base import GraphStore
from chainkg.queries.resources import get_node, list_nodes, search_nodes
from chainkg.views import charts

MAX_BASES = 500
"""Bases listed on the home page (a national programme has a few hundred)."""
PAGE_GAPS = 15
"""Gaps listed on a base page, with their fill candidates."""
PAGE_CANDIDATES = 3
"""Fill candidates shown per gap on a base page (the gap view shows more)."""


def all_bases(store: GraphStore, keys: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Stored bases (all, or those in ``keys``), ordered by key."""
    rows = list_nodes(store, "Base", limit=MAX_BASES).items
    if keys is not None:
        wanted = set(keys)
        missing = wanted - {r["key"] for r in rows}
        if missing:
            raise InvalidInputError(f"No base has the key(s): {', '.join(sorted(missing))}.", field="bases")
        rows = [r for r in rows if r["key"] in wanted]
    return rows


@dataclass
class HomeData:
    """The home page: every base with its indicators and rank, and the weights of the rank."""

    bases: list[dict[str, Any]]
    weights: dict[str, float]


def home_data(store: GraphStore) -> HomeData:
    """Every base with its indicators and its rank under the default weights."""
    from chainkg.queries.indicators import base_indicators, rank_bases

    bases = all_bases(store)
    indicators = base_indicators(store)
    ind = {i.base: i for i in indicators}
    ranks = {r.base: r for r in rank_bases(store, indicators=indicators)}
    weights = next(iter(ranks.values())).weights if ranks else {}
    rows: list[dict[str, Any]] = [{"node": b, "ind": ind.get(b["key"]), "rank": ranks.get(b["key"])} for b in bases]
    rows.sort(key=lambda r: (r["rank"].rank if r["rank"] else 10**6, r["node"]["key"]))
    return HomeData(rows, dict(weights))


@dataclass
class GapRow:
    """One gap on the base page: the segment, its score and reason, and the best fill candidates."""

    segment: str
    label: str
    name: str
    stage: str
    score: float
    reason: str
    candidates: list[Any] = field(default_factory=list)
    other_bases: list[str] = field(default_factory=list)


@dataclass
class BaseData:
    """The base page: the base, its indicators, its chain map, platforms, alliances.

    The chain-walk parts (product-level gaps with candidates, weak links, chain completeness)
    are not here: they take seconds on a big base, so the page fetches them afterwards
    (:func:`base_chain_data`).
    """

    node: dict[str, Any]
    ind: Any
    chain_map: Any
    platforms: Any
    alliances: list[dict[str, Any]]


def base_data(store: GraphStore, key: str, map_key: str | None = None) -> BaseData:
    """Everything the base page shows up front; ``NotFoundError`` for an unknown base or map.

    ``map_key`` picks the chain map (default: the base's own first map; none → a choice).
    """
    from chainkg.queries.indicators import base_indicators
    from chainkg.queries.platforms import platform_coverage
    from chainkg.views.chainmap import chain_map_view

    node = get_node(store, "Base", key)
    ind = base_indicators(store, key, chain=False)[0]
    plats = platform_coverage(store, key)
    cmap = chain_map_view(store, key, map_key or None)
    alliances = []
    for akey in ind.alliance_keys:
        try:
            alliances.append(get_node(store, "Alliance", akey))
        except NotFoundError:  # a dangling key should not break the page
            alliances.append({"key": akey, "name": akey})
    return BaseData(node, ind, cmap, plats[0] if plats else None, alliances)


@dataclass
class BaseChainData:
    """The product-level chain sections of a base page: gaps with candidates, weak links, counts."""

    node: dict[str, Any]
    gaps: list[GapRow]
    gap_total: int
    weak: list[dict[str, Any]]
    summary: str
    completeness: float | None
    weak_total: int


def base_chain_data(store: GraphStore, key: str) -> BaseChainData:
    """The product-level chain sections of the base page (fetched after the page is drawn)."""
    from chainkg.queries.gaps import base_chain_summary

    node = get_node(store, "Base", key)
    gaps, gap_total, weak, summary = _chain_sections(store, key)
    s = base_chain_summary(store, key)
    return BaseChainData(node, gaps, gap_total, weak, summary, s.completeness, len(s.weak_segments))


def _chain_sections(store: GraphStore, key: str) -> tuple[list[GapRow], int, list[dict[str, Any]], str]:
    """Top gaps with their fill candidates, the weak links and a one-line chain summary of a base."""
    from chainkg.queries.candidates import fill_candidates
    from chainkg.queries.gaps import base_chain_summary, find_gaps, weak_links

    summary = base_chain_summary(store, key)
    gaps = find_gaps(store, key, limit=PAGE_GAPS)
    rows = []
    for gap in gaps:
        fc = fill_candidates(store, key, f"{gap.label}:{gap.key}", limit=PAGE_CANDIDATES)
        rows.append(
            GapRow(
                segment=f"{gap.label}:{gap.key}",
                label=gap.label,
                name=gap.name,
                stage=gap.stage,
                score=gap.score,
                reason=f"{gap.why_zh} {gap.why}",
                candidates=[{"name": c.name, "reasons": [r.zh or r.text for r in c.reasons]} for c in fc.candidates],
                other_bases=[b.name for b in fc.other_bases],
            )
        )
    weak = [
        {"name": w.name, "stage": w.stage, "enterprise": w.enterprise.name, "why": w.why}
        for w in weak_links(store, key, limit=PAGE_GAPS)
    ]
    levels = "; ".join(
        f"{zh} {lv.level}: {lv.covered}/{lv.segments} 已覆盖 covered, {lv.gaps} 缺口 gaps, {lv.weak_links} 薄弱 weak"
        for zh, lv in (("产品层", summary.product), ("行业层", summary.industry))
    )
    return rows, summary.gaps, weak, levels


def alliance_list(store: GraphStore) -> list[dict[str, Any]]:
    """Every stored alliance, ordered by key."""
    return list_nodes(store, "Alliance", limit=MAX_BASES).items


def alliance_data(store: GraphStore, key: str) -> Any:
    """The alliance map record of one alliance; ``NotFoundError`` for an unknown key."""
    from chainkg.queries.alliances import alliance_map

    return alliance_map(store, key, recruits=15)


@dataclass
class SearchHit:
    """A search result: the node, how it matched, and where a click leads."""

    label: str
    label_zh: str
    key: str
    name: str
    match: str
    href: str
    extra: list[tuple[str, str]] = field(default_factory=list)


SEARCH_PER_LABEL = 10


def _href(label: str, key: str) -> tuple[str, list[tuple[str, str]]]:
    from urllib.parse import quote, urlencode

    ego = "/views/ego?" + urlencode({"label": label, "key": key})
    if label == "Base":
        return f"/ui/bases/{quote(key, safe='')}", [("关系网络 ego network", ego)]
    if label == "Alliance":
        return f"/ui/alliances/{quote(key, safe='')}", [("关系网络 ego network", ego)]
    if label == "PatentPool":
        return "/views/pool?" + urlencode({"key": key}), [("关系网络 ego network", ego)]
    if label in ("Enterprise", "ResearchOrg"):
        return ego, [("合作机会 collaboration", "/views/collab?" + urlencode({"key": key}))]
    return ego, []


def search_data(store: GraphStore, text: str) -> list[SearchHit]:
    """Nodes of every kind whose name matches ``text`` (best first within each kind)."""
    hits: list[SearchHit] = []
    for n in MODEL.nodes:
        for row, how in search_nodes(store, n.label, text, limit=SEARCH_PER_LABEL):
            href, extra = _href(n.label, row["key"])
            name = row.get("name") or row.get("title") or row["key"]
            hits.append(SearchHit(n.label, node_type(n.label).zh, row["key"], str(name), how, href, extra))
    return hits


ChartName = Literal["indicators", "completeness"]


def chart_rows(store: GraphStore, keys: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One row per base with the numbers the charts compare."""
    from chainkg.queries.indicators import base_indicators

    bases = {b["key"]: b for b in all_bases(store, keys)}
    rows = []
    for i in base_indicators(store):
        if i.base not in bases:
            continue
        row = i.model_dump()
        row.update(key=i.base, name=i.name, name_en=bases[i.base].get("name_en"))
        row.update(_completeness(store, i.base))
        rows.append(row)
    return rows


def _completeness(store: GraphStore, key: str) -> dict[str, float | None]:
    from chainkg.queries.gaps import base_chain_summary

    summary = base_chain_summary(store, key)
    return {
        "product_completeness": summary.product.completeness,
        "industry_completeness": summary.industry.completeness,
    }


def chart_bytes(store: GraphStore, chart: str, fmt: str, keys: Sequence[str] | None = None) -> bytes:
    """The chart ``chart`` (indicators or completeness) as PNG or SVG bytes."""
    rows = chart_rows(store, keys)
    if chart == "indicators":
        return charts.indicator_chart(rows, fmt)  # type: ignore[arg-type]
    if chart == "completeness":
        return charts.completeness_chart(rows, fmt)  # type: ignore[arg-type]
    raise InvalidInputError(f"There is no chart called '{chart}'; choose indicators or completeness.", field="chart")
