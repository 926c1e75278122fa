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
from chainkg.i18n import _, get_locale, value
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


@dataclass(frozen=True)
class Scoreboard:
    """Every base with its indicators, rank and chain completeness per level, best rank first.

    Computed once per data version (kept with the fetched chains, see
    :class:`chainkg.queries.chainengine.ChainEngine`) and shared by the home page, the ranking page and the
    charts, so none of them walks every base's chain again.
    """

    rows: list[dict[str, Any]]
    weights: dict[str, float]

    def keys(self) -> list[str]:
        """Base keys in rank order."""
        return [r["node"]["key"] for r in self.rows]


def _compute_scoreboard(store: GraphStore) -> Scoreboard:
    from chainkg.queries.chainengine.chain import ChainQuestion
    from chainkg.queries.chainengine.gaps import base_chain_summary
    from chainkg.queries.indicators import CHAIN_DEPTH, base_indicators, rank_bases

    bases = all_bases(store)
    summaries = {b["key"]: base_chain_summary(store, ChainQuestion(b["key"], CHAIN_DEPTH)) for b in bases}
    indicators = base_indicators(store, summaries=summaries)
    ind = {i.base: i for i in indicators}
    ranks = {r.base: r for r in rank_bases(store, indicators=indicators)}
    weights = next(iter(ranks.values())).weights if ranks else {}
    rows: list[dict[str, Any]] = []
    for b in bases:
        s = summaries.get(b["key"])
        rows.append(
            {
                "node": b,
                "ind": ind.get(b["key"]),
                "rank": ranks.get(b["key"]),
                "product_completeness": s.product.completeness if s else None,
                "industry_completeness": s.industry.completeness if s else None,
            }
        )
    rows.sort(key=lambda r: (r["rank"].rank if r["rank"] else 10**6, r["node"]["key"]))
    return Scoreboard(rows, dict(weights))


def scoreboard(store: GraphStore) -> Scoreboard:
    """The :class:`Scoreboard` of the store's current data (computed on the first call after a change)."""
    from chainkg.queries.chainengine import engine_for

    return engine_for(store).cached(
        ("pages.scoreboard",), lambda: _compute_scoreboard(store), lambda sb: 50 * len(sb.rows)
    )


def warm(store: GraphStore) -> bool:
    """Compute the scoreboard now (the API calls it at start); ``False`` when the store cannot answer."""
    import logging

    from chainkg.errors import ChainkgError

    try:
        scoreboard(store)
    except ChainkgError as exc:
        logging.getLogger("chainkg.views").warning("scoreboard not computed at start: %s", exc)
        return False
    return True


PAGE_SIZE = 30
"""Bases per page of the home page and the ranking page (and per chart: at most charts.MAX_BARS)."""


@dataclass
class PagePart:
    """Which part of a longer list a table shows: rows ``first``–``last`` of ``total``."""

    page: int
    pages: int
    first: int
    last: int
    total: int

    @property
    def partial(self) -> bool:
        """True when the table shows fewer rows than the list has."""
        return self.last - self.first + 1 < self.total


def page_of(total: int, page: int, size: int = PAGE_SIZE) -> PagePart:
    """The part of a list of ``total`` rows that page ``page`` (from 1, clamped) shows."""
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    first = (page - 1) * size + 1
    return PagePart(page, pages, min(first, total), min(page * size, total), total)


@dataclass
class HomeData:
    """The home page: one page of the bases in rank order, and the weights of the rank."""

    bases: list[dict[str, Any]]
    weights: dict[str, float]
    part: PagePart
    chart_keys: list[str]


def home_data(store: GraphStore, page: int = 1) -> HomeData:
    """The bases of page ``page`` in rank order with their indicators; the charts compare them."""
    board = scoreboard(store)
    part = page_of(len(board.rows), page)
    rows = board.rows[part.first - 1 : part.last] if board.rows else []
    return HomeData(rows, board.weights, part, [r["node"]["key"] for r in rows])


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
    from chainkg.queries.chainengine.chain import ChainQuestion
    from chainkg.queries.chainengine.gaps import base_chain_summary

    node = get_node(store, "Base", key)
    gaps, gap_total, weak, summary, weak_total = _chain_sections(store, key)
    s = base_chain_summary(store, ChainQuestion(key))  # kept from _chain_sections' own call: no second walk
    return BaseChainData(node, gaps, gap_total, weak, summary, s.completeness, weak_total)


def _chain_sections(store: GraphStore, key: str) -> tuple[list[GapRow], int, list[dict[str, Any]], str, int]:
    """Top gaps with their fill candidates, the weak links and a one-line chain summary of a base."""
    from chainkg.queries.chainengine.candidates import fill_candidates
    from chainkg.queries.chainengine.chain import ChainQuestion
    from chainkg.queries.chainengine.gaps import base_chain_summary, find_gaps, weak_links

    ask = ChainQuestion(key)
    summary = base_chain_summary(store, ask)
    en = get_locale() == "en"  # texts for people in the request's language (the answers carry both)
    # find_gaps cuts per level; the page lists one ranking, highest score first, as it says.
    gaps = sorted(find_gaps(store, ask, limit=PAGE_GAPS), key=lambda g: (-g.score, g.level, g.key))[:PAGE_GAPS]
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
                reason=gap.why if en else gap.why_zh,
                candidates=[
                    {"name": c.name, "reasons": [(r.text if en else r.zh) or r.text for r in c.reasons]}
                    for c in fc.candidates
                ],
                other_bases=[b.name for b in fc.other_bases],
            )
        )
    found = sorted(weak_links(store, ask, limit=PAGE_GAPS), key=lambda w: (-w.score, w.level, w.key))[:PAGE_GAPS]
    weak = [
        {"name": w.name, "stage": w.stage, "enterprise": w.enterprise.name, "why": w.why if en else w.why_zh}
        for w in found
    ]
    levels = "; ".join(
        _("%(level)s: %(covered)s/%(segments)s covered (of which %(weak)s weak), %(gaps)s gaps")
        % {
            "level": value(lv.level),
            "covered": lv.covered,
            "segments": lv.segments,
            "weak": lv.weak_links,
            "gaps": lv.gaps,
        }
        for lv in (summary.product, summary.industry)
    )
    return rows, summary.gaps, weak, levels, summary.weak_links


def alliance_list(store: GraphStore) -> list[dict[str, Any]]:
    """Every stored alliance, ordered by key."""
    return list_nodes(store, "Alliance", limit=MAX_BASES).items


def pool_list(store: GraphStore) -> list[dict[str, Any]]:
    """Every stored patent pool, ordered by key."""
    return list_nodes(store, "PatentPool", limit=MAX_BASES).items


def platform_rows(store: GraphStore) -> list[Any]:
    """Platform coverage of every base (types present and missing), bases by key."""
    from chainkg.queries.platforms import platform_coverage

    return platform_coverage(store)


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
    """One row per base with the numbers the charts compare: those in ``keys`` (in that order),
    or by default the best-ranked :data:`charts.MAX_BARS` bases."""
    board = scoreboard(store)
    by_key = {r["node"]["key"]: r for r in board.rows}
    if keys is None:
        chosen = board.keys()[: charts.MAX_BARS]
    else:
        all_bases(store, keys)  # InvalidInputError naming unknown keys
        chosen = list(dict.fromkeys(keys))
    rows = []
    for k in chosen:
        r = by_key.get(k)
        if r is None or r["ind"] is None:
            continue
        row = r["ind"].model_dump()
        row.update(key=k, name=r["ind"].name, name_en=r["node"].get("name_en"))
        row.update(product_completeness=r["product_completeness"], industry_completeness=r["industry_completeness"])
        rows.append(row)
    return rows


def chart_bytes(store: GraphStore, chart: str, fmt: str, keys: Sequence[str] | None = None) -> bytes:
    """The chart ``chart`` (indicators or completeness) as PNG or SVG bytes."""
    rows = chart_rows(store, keys)
    if chart == "indicators":
        return charts.indicator_chart(rows, fmt)  # type: ignore[arg-type]
    if chart == "completeness":
        return charts.completeness_chart(rows, fmt)  # type: ignore[arg-type]
    raise InvalidInputError(f"There is no chart called '{chart}'; choose indicators or completeness.", field="chart")


def segment_places(store: GraphStore, base: str | None, segment: str) -> Any:
    """Where the makers of a chain-map segment (``map/segment``) are, nationwide, for the map page.

    The makers are the segment's firms as the base's segment answer lists them in full; they
    are counted through :func:`chainkg.queries.geography.enterprise_places` by key.
    """
    from chainkg.queries.chainengine.segments import segment_gaps
    from chainkg.queries.geography import PlaceCounts, enterprise_places

    if not base:
        raise InvalidInputError("Give the base with the segment: ?base=sz-led&segment=led/chip", field="base")
    map_key, _, seg = segment.partition("/")
    if not seg:
        raise InvalidInputError(
            f"Name the segment as map/segment (for example led/chip), not {segment!r}.", field="segment"
        )
    found = segment_gaps(store, base, [map_key], segment=segment)
    ans = found.maps[0].segments[0]
    scope = f"segment:{ans.key}"
    name = f"{found.maps[0].map.name} · {ans.name} 生产企业 makers（{found.base.name}：{ans.status_zh}）"
    keys = [f.key for f in ans.makers]
    if not keys:  # no known supplier: nothing to place, an empty map says so
        return PlaceCounts(
            scope=scope, scope_name=name, enterprises=0, placed=0, unplaced=0, provinces=[], missing_keys=[]
        )
    return enterprise_places(store, enterprises=keys).model_copy(update={"scope": scope, "scope_name": name})
