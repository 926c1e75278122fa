"""Chain gaps (配套产业缺口), weak links and what-if removals for a base.

- **Gaps**: chain segments (see :mod:`chainkg.queries.chainengine.chain`) that no enterprise in the base
  covers, scored by how much of the base's covered chain depends on them
  (:func:`chainkg.graph.analytics.chain.dependency`): every covered segment downstream within
  the chain's depth adds ``strength / hops``. Each gap carries the path that makes it one
  (gap → … → what the base makes or leads in) and the nearest covered segments needing it.
- **Weak links**: segments exactly one enterprise of the base covers, scored the same way.
- **What-if**: take enterprises out and list the segments that become gaps and the covered
  segments downstream of them (cut off from the base's own supply).

Results are typed records; :func:`chainkg.queries.results.to_frame` turns a list into a
DataFrame.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal, NamedTuple, TypeVar

import numpy as np

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.gctuning import with_fewer_collections
from chainkg.graph.analytics.chain import Dependency, DependencyTable, Stage, covered_set, dependency
from chainkg.graph.analytics.whatif import what_if as what_if_analysis
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.queries.chainengine.chain import (
    BASE_ENTERPRISES,
    BASE_INDUSTRIES,
    STAGE_ZH,
    BaseChainData,
    BaseRef,
    ChainQuestion,
    EnterpriseRef,
    Level,
    LevelChain,
    LevelChoice,
    LevelSummary,
    Step,
    check_level,
    explain,
    level_summary,
    load_chain,
    path_steps,
    path_text,
)
from chainkg.queries.chainengine.engine import engine_for
from chainkg.queries.products import ProductInfo, product_info
from chainkg.queries.results import Record

T = TypeVar("T")
DEFAULT_LIMIT = 50
NEEDED_BY = 5
"""How many of the covered segments that need a gap are named as evidence."""

LEADING_DOWN: NamedQuery = q(
    "gaps.leading_down",
    """
MATCH (b:Base {key: $base})-[:LEADS_IN]->(l:Industry)
OPTIONAL MATCH (s:Industry)-[:SUB_INDUSTRY_OF*1..3]->(l)
RETURN l.key AS key, collect(s.key) AS subs""",
    "The base's leading industries with the industries below them. Params: base.",
)


class RankedSegment(Record):
    """A segment of a base's chain ranked by how much of the covered chain depends on it: what a
    :class:`Gap` and a :class:`WeakLink` share (built by :func:`_segment_fields`).

    ``score`` sums ``strength / hops`` over the ``dependents`` (covered segments downstream
    within the chain's depth); ``needed_by`` names the nearest of them; ``path`` leads from the
    segment down to the base's own segments.
    """

    level: Level
    label: str
    key: str
    name: str
    stage: Stage
    stage_zh: str
    distance: int
    score: float
    dependents: int
    needed_by: list[str]
    path: list[Step]
    path_text: str
    why: str
    why_zh: str


class Gap(RankedSegment):
    """A chain segment nobody in the base covers, with its score and the path that makes it a gap.

    For a product the dependents are the products of the base's leading chains, a link's
    strength is its share of the downstream product's inputs, and the sum is weighed by
    specificity (docs/gaps.md).
    """

    raw_score: float | None = None
    """The supply-share dependency before the specificity weight (products); ``score`` for industries."""
    specificity: float | None = None
    """``ln((N + 1) / feeds) / ln(N + 1)`` for a product (see docs/gaps.md); ``None`` for industries."""
    feeds: int | None = None
    """Distinct products this product is an input of, across the whole graph."""
    makers: int | None = None
    """Enterprises in the data making it, a synonym or a sub-class of it (0: no known supplier)."""


class GapOverview(Record):
    """A base's gaps as a planner reads them: 招商 targets, R&D targets and what was left out.

    ``gaps`` have at least one maker somewhere in the data (candidates to attract);
    ``no_supplier`` are made by nobody in the data, under any synonym or sub-class (R&D
    targets); ``flagged_left_out`` counts, per level, the gaps not listed because the product
    is flagged as not a product (``include_flagged`` lists them).
    """

    base: BaseRef
    depth: int
    gaps: list[Gap]
    no_supplier: list[Gap]
    total_gaps: dict[str, int]
    total_no_supplier: dict[str, int]
    flagged_left_out: dict[str, int]
    weak_links: list[WeakLink]
    weak_flagged_left_out: dict[str, int]


class WeakLink(RankedSegment):
    """A chain segment exactly one enterprise of the base covers."""

    enterprise: EnterpriseRef


GapOverview.model_rebuild()


class NewGap(Record):
    """A segment that becomes a gap when the removed enterprises leave; ``lost`` covered it."""

    level: Level
    label: str
    key: str
    name: str
    stage: Stage
    distance: int
    lost: list[EnterpriseRef]
    score: float
    dependents: int
    path_text: str
    why: str
    why_zh: str


class CutOffSegment(Record):
    """A still-covered segment downstream of a new gap: the path runs from the gap to it."""

    level: Level
    label: str
    key: str
    name: str
    stage: Stage
    gap: str
    gap_name: str
    hops: int
    path: list[Step]
    path_text: str
    why: str
    why_zh: str


class WhatIfResult(Record):
    """What removing enterprises from a base does to its chain, level by level."""

    base: BaseRef
    depth: int
    removed: list[EnterpriseRef]
    before: list[LevelSummary]
    after: list[LevelSummary]
    new_gaps: list[NewGap]
    cut_off: list[CutOffSegment]


class ChainSummary(Record):
    """Counts of a base's chain: totals over both levels and one summary per level.

    ``gap_segments`` and ``weak_segments`` list the keys (product level first).
    """

    base: str
    depth: int
    segments: int
    covered: int
    gaps: int
    weak_links: int
    completeness: float | None
    product: LevelSummary
    industry: LevelSummary
    gap_segments: list[str]
    weak_segments: list[str]


# -- helpers ------------------------------------------------------------------------------------


def _levels(data: BaseChainData, level: str) -> list[LevelChain]:
    """The levels of ``data`` that ``level`` asks for."""
    return [data.levels[lv] for lv in check_level(level) if lv in data.levels]


class ScoredGap(NamedTuple):
    """A gap with its score, before any record is built."""

    level: Level
    key: str
    name: str
    distance: int
    score: float
    dependents: int


def scored_gaps(data: BaseChainData, level: str = "both") -> list[ScoredGap]:
    """Every gap of a fetched chain with its score: per level, most depended-on first.

    The cheap form of :func:`find_gaps` for callers that need every gap but no explanation
    (complementarity). Scores are rounded to 6 decimals, as in :class:`Gap`.
    """
    out: list[ScoredGap] = []
    for lc in _levels(data, level):
        dep = _scores(lc)
        covered = _covered(lc)
        for k in _order(lc, _gap_keys(lc, covered), dep):
            d = dep[k]
            out.append(ScoredGap(lc.level, k, lc.name(k), lc.chain.distance[k], round(d.score, 6), d.dependents))
    return out


def _gap_keys(lc: LevelChain, covered: Collection[str]) -> np.ndarray:
    """The node numbers (in ``lc.chain.nodes``) of the segments no enterprise of the base covers."""
    idx = lc.chain.index
    gap = np.ones(len(lc.chain.nodes), dtype=bool)
    gap[[idx[c] for c in covered if c in idx]] = False
    return np.flatnonzero(gap)


def _memo(lc: LevelChain, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per chain: kept with it (and so between requests while it is kept)."""
    if name not in lc.memo:
        lc.memo[name] = compute()
    return lc.memo[name]  # type: ignore[return-value]


def _covered(lc: LevelChain) -> set[str]:
    """The covered segments of a level."""
    return _memo(lc, "covered", lambda: covered_set(lc.chain, lc.coverage))


def _scores(lc: LevelChain, coverage: Mapping[str, Collection[str]] | None = None) -> Mapping[str, Dependency]:
    if coverage is not None:  # what-if: coverage after a removal, computed each time
        return dependency(lc.chain, covered_set(lc.chain, coverage))
    return _memo(lc, "dependency", lambda: dependency(lc.chain, _covered(lc)))


Suppliers = Literal["known", "none", "all"]
SUPPLIERS: tuple[str, ...] = ("known", "none", "all")


def _specificity(lc: LevelChain, info: ProductInfo) -> np.ndarray:
    """The specificity weight of every segment of a product chain, by node number (memoised)."""
    return _memo(lc, "specificity", lambda: np.array([info.specificity(k) for k in lc.chain.nodes], dtype=np.float64))


def _leading_firms(store: GraphStore, base_key: str) -> set[str]:
    """The base's enterprises in one of its leading industries or an industry below one."""
    lead: set[str] = set()
    for r in store.run(LEADING_DOWN, {"base": base_key}):
        lead.add(r["key"])
        lead.update(x for x in r["subs"] or [] if x)
    if not lead:
        return set()
    out: set[str] = set()
    for r in store.run(BASE_INDUSTRIES, {"base": base_key}):
        out.update(e for e, k in zip(r["ent"], r["key"], strict=True) if k in lead)
    return out


def leading_covered(store: GraphStore, base_key: str, lc: LevelChain) -> frozenset[str]:
    """The covered products of the base's leading chains: made (or covered) by one of its firms in
    a leading industry; every covered product when it has no leading industry or no such firm (memoised)."""

    def compute() -> frozenset[str]:
        lead = _leading_firms(store, base_key)
        covered = _covered(lc)
        mine = frozenset(k for k in covered if lead & lc.coverage.get(k, frozenset()))
        return mine or frozenset(covered)

    return _memo(lc, "leading_covered", compute)


def _supply_scores(lc: LevelChain, info: ProductInfo, lead: Collection[str]) -> Mapping[str, Dependency]:
    """Product dependency on the leading chains' products, each link weighed by its share of the
    downstream product's inputs (``1 / inputs``): the product form of an industry link's share."""

    def compute() -> Mapping[str, Dependency]:
        src, dst, _ = lc.chain.strengths
        nodes = lc.chain.nodes
        share = np.array([info.input_share(nodes[j]) for j in dst.tolist()], dtype=np.float64)
        # Only the gaps are ranked by it: walk from them alone (a tenth of a large base's chain).
        gaps = _gap_keys(lc, _covered(lc))
        return dependency(lc.chain, lead, strengths=(src, dst, share), sources=gaps, method="matrix")

    return _memo(lc, "supply_scores", compute)


def _gap_scores(
    lc: LevelChain, info: ProductInfo | None, lead: Collection[str] | None = None
) -> Mapping[str, Dependency]:
    """Gap scores: the supply-share dependency on the leading chains times the specificity weight
    (products); the dependency score as is for industries."""
    if lc.level != "product" or info is None or lead is None:
        return _scores(lc)
    dep = _supply_scores(lc, info, lead)

    def weigh() -> Mapping[str, Dependency]:
        w = _specificity(lc, info)
        if isinstance(dep, DependencyTable) and dep.index is lc.chain.index:
            return DependencyTable(dep.index, dep.scores * w, dep.counts)
        idx = lc.chain.index
        return {k: Dependency(d.score * float(w[idx[k]]), d.dependents) for k, d in dep.items()}

    return _memo(lc, "gap_scores", weigh)


class _Split(NamedTuple):
    known: np.ndarray
    none: np.ndarray
    flagged: np.ndarray


def _split_gaps(lc: LevelChain, info: ProductInfo | None) -> _Split:
    """A level's gap node numbers split: with a known maker, with none, flagged (memoised)."""

    def split() -> _Split:
        gaps = _gap_keys(lc, _covered(lc))
        empty = np.zeros(0, dtype=np.int64)
        if lc.level != "product" or info is None:
            return _Split(gaps, empty, empty)
        nodes = lc.chain.nodes
        flagged = np.array([info.flagged(nodes[i]) for i in gaps.tolist()], dtype=bool)
        rest = gaps[~flagged]
        made = np.array([info.known_makers(nodes[i]) > 0 for i in rest.tolist()], dtype=bool)
        return _Split(rest[made], rest[~made], gaps[flagged])

    return _memo(lc, "gap_split", split)


def _picked(split: _Split, suppliers: str, include_flagged: bool) -> np.ndarray:
    parts = {"known": [split.known], "none": [split.none], "all": [split.known, split.none]}[suppliers]
    if include_flagged:
        parts = [*parts, split.flagged]
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)


def _order(
    lc: LevelChain, keys: Sequence[str] | np.ndarray, dep: Mapping[str, Dependency], limit: int | None = None
) -> list[str]:
    """Highest score first, then nearer to the anchors, then key (scores rounded to 6 places).

    ``keys`` are segment keys, or node numbers of ``lc.chain`` (what :func:`_gap_keys` gives).
    With a ``limit`` only that many come back: scores well below the ``limit``-th highest are
    dropped with numpy first, so only the few left (and their ties) are ranked in Python.
    """
    chain = lc.chain
    if isinstance(dep, DependencyTable) and dep.index is chain.index:
        ix = keys if isinstance(keys, np.ndarray) else dep.positions(keys)
        raw = dep.scores[ix]
        if limit and len(ix) > limit:
            # Within 1e-6 of the limit-th highest score: all that can rank in the top after rounding.
            cut = -np.partition(-raw, limit - 1)[limit - 1] - 1e-6
            ix, raw = ix[raw >= cut], raw[raw >= cut]
        nodes = chain.nodes
        ranked = [
            (-round(sc, 6), d, nodes[i])
            for sc, d, i in zip(raw.tolist(), chain.distances[ix].tolist(), ix.tolist(), strict=True)
        ]
    else:
        names = [chain.nodes[i] for i in keys.tolist()] if isinstance(keys, np.ndarray) else keys
        dist = chain.distance
        ranked = [(-round(dep[k].score, 6), dist[k], k) for k in names]
    top = heapq.nsmallest(limit, ranked) if limit else sorted(ranked)
    return [k for _, _, k in top]


def needed_by(lc: LevelChain, segment: str, covered: Collection[str], n: int = NEEDED_BY) -> list[str]:
    """Names of the nearest covered segments downstream of ``segment`` (within the depth)."""
    chain = lc.chain
    seen = {segment}
    frontier = [segment]
    out: list[str] = []
    for _ in range(chain.depth):
        nxt: list[str] = []
        for node in frontier:
            for m, _ in chain.down.get(node, ()):
                if m not in seen:
                    seen.add(m)
                    nxt.append(m)
        for m in sorted(nxt):
            if m in covered:
                out.append(lc.name(m))
                if len(out) >= n:
                    return out
        frontier = nxt
        if not frontier:
            break
    return out


def needed_by_many(
    lc: LevelChain, segments: Sequence[str], covered: Collection[str], n: int = NEEDED_BY
) -> dict[str, list[str]]:
    """:func:`needed_by` for several segments: the same lists, one walk for all of them.

    Walking the chain once per gap in Python cost more than the rest of the gap query (the
    dense industry chain), or needed the whole downstream adjacency as Python objects (the
    product chain of a large base). Here the walks run together: each segment of the chain
    holds one bit per asked segment whose walk has reached it, one step of all walks is a
    vectorised OR over the links, and each walk's newly reached covered segments are read
    off its bit column in key order.
    """
    chain = lc.chain
    nodes = chain.nodes
    idx = chain.index
    src, dst, _ = chain.strengths
    out: list[list[str]] = [[] for _ in segments]
    if segments and len(src):
        pos = np.arange(len(segments), dtype=np.uint64)
        frontier = np.zeros((len(nodes), (len(segments) + 63) // 64), dtype=np.uint64)
        words = (pos // np.uint64(64)).astype(np.int64)
        bits = np.uint64(1) << (pos % np.uint64(64))
        frontier[[idx[s] for s in segments], words] = bits
        seen = frontier.copy()
        # Covered segments in key order: within one step the names come out sorted, as in needed_by.
        cov = np.array(sorted((idx[c] for c in covered if c in idx), key=lambda i: nodes[i]), dtype=np.int64)
        for _ in range(chain.depth):
            reached = np.zeros_like(frontier)
            np.bitwise_or.at(reached, dst, frontier[src])
            new = reached & ~seen
            if not new.any():
                break
            seen |= new
            hits = new[cov]
            for r, (w, bit) in enumerate(zip(words.tolist(), bits.tolist(), strict=True)):
                room = n - len(out[r])
                if room > 0:
                    found = cov[np.flatnonzero(hits[:, w] & np.uint64(bit))[:room]]
                    out[r].extend(lc.name(nodes[c]) for c in found.tolist())
            frontier = new
    return dict(zip(segments, out, strict=True))


def _limit_value(limit: int | None) -> int | None:
    """``limit`` checked: ``None`` (or 0) means no limit."""
    if limit is not None and limit < 0:
        raise InvalidInputError(f"The limit must be 0 or more; got {limit}.", field="limit")
    return limit or None


def _limit(items: list[T], limit: int | None) -> list[T]:
    """The first ``limit`` items; all of them for ``None`` or 0."""
    n = _limit_value(limit)
    return items[:n] if n else items


def _segment_fields(
    lc: LevelChain, key: str, dep: Dependency, needed: list[str], ents: Mapping[str, str]
) -> dict[str, Any]:
    """The fields of a :class:`RankedSegment`, for one segment."""
    chain = lc.chain
    path = chain.path(key)
    text = path_text(lc, path)
    why, why_zh = explain(lc, key, ents, path=path, text=text)
    stage = chain.stage(key)
    return {
        "level": lc.level,
        "label": lc.label,
        "key": key,
        "name": lc.name(key),
        "stage": stage,
        "stage_zh": STAGE_ZH[stage],
        "distance": chain.distance[key],
        "score": round(dep.score, 6),
        "dependents": dep.dependents,
        "needed_by": needed,
        "path": path_steps(lc, path),
        "path_text": text,
        "why": why,
        "why_zh": why_zh,
    }


# -- public functions ---------------------------------------------------------------------------


@with_fewer_collections
def find_gaps(
    store: GraphStore,
    ask: ChainQuestion,
    *,
    limit: int | None = DEFAULT_LIMIT,
    suppliers: Suppliers = "known",
    include_flagged: bool = False,
) -> list[Gap]:
    """The segments of a base's chain that no enterprise in the base covers, most depended-on first.

    Parameters
    ----------
    store
        The graph store.
    ask
        The base, depth, level(s) and year (:class:`~chainkg.queries.chainengine.chain.ChainQuestion`);
        with ``both`` levels product gaps come first, then industry gaps (scores are comparable
        only within a level); with a ``year`` the makers nationwide are still counted as the
        data stands.
    limit
        At most this many gaps per level; ``None`` or 0 for all.
    suppliers
        ``known`` (default): product gaps someone in the data makes (招商 targets); ``none``:
        product gaps nobody makes, under any synonym or sub-class (R&D targets); ``all``.
        Industry gaps are listed with ``known`` and ``all`` (makers are a product notion).
    include_flagged
        Also list product gaps flagged as not products (left out by default).

    Returns
    -------
    list[Gap]
        Per level: highest score first, then nearest to the anchors, then key. A product
        gap's score is its dependency score times its specificity (docs/gaps.md).

    Examples
    --------
    >>> gaps = find_gaps(store, ChainQuestion("sz-led", 2, "product"))  # doctest: +SKIP
    >>> gaps[0].name, gaps[0].score, gaps[0].path_text                 # doctest: +SKIP
    ('SMDLED器件', 3.0, 'SMDLED器件 -[is input to]-> LED显示屏')
    """
    if suppliers not in SUPPLIERS:
        raise InvalidInputError(f"suppliers must be known, none or all; got {suppliers!r}.", field="suppliers")
    # The answer is kept by the chain engine per base, question and data version: asked again
    # (by anyone, any page) it costs no walk, scoring or explanation until the data changes.
    version = store.data_version()
    key = ("gaps", ask, _limit_value(limit), suppliers, include_flagged)

    def compute() -> list[Gap]:
        return _find_gaps(store, load_chain(store, ask), ask.level, limit, suppliers, include_flagged)

    def size(rows: list[Gap]) -> int:  # a gap with its path and texts weighs about 20 kept chain items
        return 20 * len(rows) + 1

    kept: list[Gap] = engine_for(store).cached(key, compute, size, version=version)
    return list(kept)  # a copy: callers may reorder or trim their list (the records are frozen)


def _find_gaps(
    store: GraphStore,
    data: BaseChainData,
    level: LevelChoice,
    limit: int | None,
    suppliers: Suppliers,
    include_flagged: bool,
) -> list[Gap]:
    info = product_info(store) if "product" in data.levels else None
    out: list[Gap] = []
    for lc in _levels(data, level):
        lead = leading_covered(store, data.base.key, lc) if lc.level == "product" and info is not None else None
        dep = _gap_scores(lc, info, lead)
        picked = _picked(_split_gaps(lc, info), suppliers, include_flagged)
        keys, needed = _ranked(lc, picked, dep, limit, lead)
        out.extend(_gap_record(lc, k, dep[k], needed[k], data.enterprises, info, lead) for k in keys)
    return out


def _ranked(
    lc: LevelChain,
    picked: Sequence[str] | np.ndarray,
    dep: Mapping[str, Dependency],
    limit: int | None,
    covered: Collection[str] | None = None,
) -> tuple[list[str], dict[str, list[str]]]:
    """The first ``limit`` of ``picked`` in answer order, and for each the covered segments that need it
    (of ``covered`` where given: the segments the score counted, else every covered one)."""
    keys = _order(lc, picked, dep, _limit_value(limit))
    return keys, needed_by_many(lc, keys, _covered(lc) if covered is None else covered)


def _gap_record(
    lc: LevelChain,
    key: str,
    dep: Dependency,
    needed: list[str],
    ents: Mapping[str, str],
    info: ProductInfo | None,
    lead: Collection[str] | None = None,
) -> Gap:
    fields = _segment_fields(lc, key, dep, needed, ents)
    if lc.level == "product" and info is not None and lead is not None:
        raw = _supply_scores(lc, info, lead)[key].score
        fields.update(
            raw_score=round(raw, 6),
            specificity=round(info.specificity(key), 6),
            feeds=info.feeds.get(key, 0),
            makers=info.known_makers(key),
        )
    else:
        fields["raw_score"] = fields["score"]
    return Gap(**fields)


@with_fewer_collections
def gap_overview(
    store: GraphStore,
    ask: ChainQuestion,
    *,
    limit: int | None = DEFAULT_LIMIT,
    include_flagged: bool = False,
    weak: bool = True,
) -> GapOverview:
    """A base's gaps split into 招商 targets (someone makes them) and R&D targets (nobody does).

    Flagged products (business segments, sales lines, fragments …) are left out and counted
    unless ``include_flagged``; ``ask`` as for :func:`find_gaps`. See :class:`GapOverview`.

    Examples
    --------
    >>> o = gap_overview(store, ChainQuestion("city:深圳市", level="product"), limit=20)  # doctest: +SKIP
    >>> o.gaps[0].makers > 0, o.flagged_left_out["product"] > 0           # doctest: +SKIP
    (True, True)
    """
    level = ask.level
    data = load_chain(store, ask)
    info = product_info(store) if "product" in data.levels else None
    total: dict[str, int] = {}
    total_none: dict[str, int] = {}
    left: dict[str, int] = {}
    for lc in _levels(data, level):
        sp = _split_gaps(lc, info)
        total[lc.level] = len(sp.known) + len(sp.none) + (len(sp.flagged) if include_flagged else 0)
        total_none[lc.level] = len(sp.none)
        left[lc.level] = 0 if include_flagged else len(sp.flagged)
    # One fetched chain for every list. With include_flagged, flagged gaps are listed with the
    # targets (known makers or not).
    gaps = _find_gaps(store, data, level, limit, "known", include_flagged)
    none = _find_gaps(store, data, level, limit, "none", False)
    weak_list: list[WeakLink] = []
    weak_left: dict[str, int] = {}
    if weak:
        weak_list = _weak_links(store, data, level, limit, include_flagged)
        for lc in _levels(data, level):
            n = 0
            if info is not None and lc.level == "product" and not include_flagged:
                n = sum(1 for s in lc.chain.distance if len(lc.coverage.get(s, ())) == 1 and info.flagged(s))
            weak_left[lc.level] = n
    return GapOverview(
        base=data.base,
        depth=data.depth,
        gaps=gaps,
        no_supplier=none,
        total_gaps=total,
        total_no_supplier=total_none,
        flagged_left_out=left,
        weak_links=weak_list,
        weak_flagged_left_out=weak_left,
    )


@with_fewer_collections
def weak_links(
    store: GraphStore, ask: ChainQuestion, *, limit: int | None = DEFAULT_LIMIT, include_flagged: bool = False
) -> list[WeakLink]:
    """Segments of a base's chain that rest on a single enterprise of the base, most depended-on first.

    Parameters are those of :func:`find_gaps`. ``dependents`` and ``score`` say how much of
    the covered chain downstream would lose its in-base supply if that enterprise left.

    Examples
    --------
    >>> w = weak_links(store, ChainQuestion("sz-led", level="product"))  # doctest: +SKIP
    >>> w[0].name, w[0].enterprise.name, w[0].score                  # doctest: +SKIP
    ('LED驱动芯片', '芯光驱动', 1.5)
    """
    return _weak_links(store, load_chain(store, ask), ask.level, limit, include_flagged)


def _weak_links(
    store: GraphStore, data: BaseChainData, level: LevelChoice, limit: int | None, include_flagged: bool
) -> list[WeakLink]:
    out: list[WeakLink] = []
    for lc in _levels(data, level):
        dep = _scores(lc)
        weak = [s for s in lc.chain.distance if len(lc.coverage.get(s, ())) == 1]
        if lc.level == "product" and not include_flagged:
            info = product_info(store)
            weak = [s for s in weak if not info.flagged(s)]
        keys, needed = _ranked(lc, weak, dep, limit)
        for k in keys:
            ent = next(iter(lc.coverage[k]))
            out.append(
                WeakLink(
                    enterprise=EnterpriseRef(key=ent, name=data.enterprises.get(ent, ent)),
                    **_segment_fields(lc, k, dep[k], needed[k], data.enterprises),
                )
            )
    return out


def resolve_enterprises(store: GraphStore, base_key: str, names: Sequence[str]) -> list[EnterpriseRef]:
    """The base's enterprises named by key, short name or full name.

    Raises
    ------
    NotFoundError
        For a name that matches no enterprise located in the base.
    InvalidInputError
        For a name that matches several of them, or for no names at all.
    """
    if not names:
        raise InvalidInputError("Name at least one enterprise of the base to remove.", field="enterprises")
    rows = store.run(BASE_ENTERPRISES, {"base": base_key})
    by_key = {r["key"]: r for r in rows}
    out: dict[str, EnterpriseRef] = {}
    for name in names:
        if name in by_key:
            hits = [by_key[name]]
        else:
            hits = [r for r in rows if r["name"] == name] or [r for r in rows if r["full_name"] == name]
        if not hits:
            raise NotFoundError(
                f"No enterprise '{name}' is located in base '{base_key}'. Give its key, short name or full "
                "name exactly as stored (the 'chain' command lists the base's enterprises)."
            )
        if len(hits) > 1:
            keys = ", ".join(sorted(r["key"] for r in hits))
            raise InvalidInputError(f"'{name}' names several enterprises of the base ({keys}); give the key instead.")
        r = hits[0]
        out[r["key"]] = EnterpriseRef(key=r["key"], name=r["name"] or r["key"])
    return list(out.values())


@with_fewer_collections
def what_if(
    store: GraphStore, ask: ChainQuestion, enterprises: Sequence[str], *, limit: int | None = DEFAULT_LIMIT
) -> WhatIfResult:
    """What happens to a base's chain if some of its enterprises leave.

    The chain stays as it is; only who covers it changes. Segments that only the removed
    enterprises covered become gaps; still-covered segments downstream of a new gap (within
    the depth) are cut off from the base's own supply of it.

    Parameters
    ----------
    store, ask
        As for :func:`find_gaps`.
    enterprises
        Keys, short names or full names of the base's enterprises to remove.
    limit
        At most this many new gaps and cut-off segments per level; ``None`` or 0 for all.

    Returns
    -------
    WhatIfResult
        New gaps (most depended-on first, scored against the coverage after removal), cut-off
        segments (nearest to a new gap first) and per-level counts before and after.

    Examples
    --------
    >>> r = what_if(store, ChainQuestion("sz-led", level="product"), ["雷曼光电"])  # doctest: +SKIP
    >>> [g.name for g in r.new_gaps][:2], [c.name for c in r.cut_off]  # doctest: +SKIP
    (['LED封装器件', 'EMC项目'], ['LED照明灯'])
    """
    data = load_chain(store, ask)
    removed = resolve_enterprises(store, ask.base, enterprises)
    gone = [e.key for e in removed]
    before: list[LevelSummary] = []
    after: list[LevelSummary] = []
    new_gaps: list[NewGap] = []
    cut: list[CutOffSegment] = []
    for lc in data.levels.values():
        result = what_if_analysis(lc.chain, lc.coverage, gone)
        lc_after = LevelChain(lc.level, lc.chain, result.coverage_after, lc.names, lc.leading)
        before.append(level_summary(lc))
        after.append(level_summary(lc_after))
        dep = _scores(lc, result.coverage_after)
        for k in _order(lc, list(result.new_gaps), dep, _limit_value(limit)):
            path = lc.chain.path(k)
            text = path_text(lc, path)
            why, why_zh = explain(lc, k, data.enterprises, result.coverage_after, path=path, text=text)
            lost = sorted(lc.coverage.get(k, ()))
            new_gaps.append(
                NewGap(
                    level=lc.level,
                    label=lc.label,
                    key=k,
                    name=lc.name(k),
                    stage=lc.chain.stage(k),
                    distance=lc.chain.distance[k],
                    lost=[EnterpriseRef(key=e, name=data.enterprises.get(e, e)) for e in lost],
                    score=round(dep[k].score, 6),
                    dependents=dep[k].dependents,
                    path_text=text,
                    why=why,
                    why_zh=why_zh,
                )
            )
        for c in _limit(list(result.cut_off), limit):
            text = path_text(lc, c.path)
            gap_name, name = lc.name(c.gap), lc.name(c.segment)
            why = f"{text}: {name} needs {gap_name} ({c.hops} step(s) upstream), which the base no longer covers."
            why_zh = f"{path_text(lc, c.path, zh=True)}：{name}需要{gap_name}（上游{c.hops}步），基地内已无企业覆盖。"
            cut.append(
                CutOffSegment(
                    level=lc.level,
                    label=lc.label,
                    key=c.segment,
                    name=name,
                    stage=lc.chain.stage(c.segment),
                    gap=c.gap,
                    gap_name=gap_name,
                    hops=c.hops,
                    path=path_steps(lc, c.path),
                    path_text=text,
                    why=why,
                    why_zh=why_zh,
                )
            )
    return WhatIfResult(
        base=data.base, depth=data.depth, removed=removed, before=before, after=after, new_gaps=new_gaps, cut_off=cut
    )


@with_fewer_collections
def base_chain_summary(store: GraphStore, ask: ChainQuestion) -> ChainSummary:
    """Counts of a base's chain at both levels: segments, covered, gaps, weak links, completeness.

    ``ask`` as for :func:`find_gaps`, but always at both levels (its ``level`` is not used).

    The top-level fields add the two levels up; ``product`` and ``industry`` hold each.
    ``completeness`` is covered / segments (``None`` for a base without any chain).

    Examples
    --------
    >>> s = base_chain_summary(store, ChainQuestion("sz-led"))      # doctest: +SKIP
    >>> round(s.product.completeness, 3), s.industry.gaps            # doctest: +SKIP
    (0.866, 5)
    """
    data = load_chain(store, replace(ask, level="both"))
    prod, ind = data.levels["product"], data.levels["industry"]
    ps, is_ = level_summary(prod), level_summary(ind)
    segments = ps.segments + is_.segments
    covered = ps.covered + is_.covered
    gap_keys: list[str] = []
    weak_keys: list[str] = []
    for lc in (prod, ind):
        for s in lc.chain.segments:
            n = len(lc.coverage.get(s, ()))
            if n == 0:
                gap_keys.append(s)
            elif n == 1:
                weak_keys.append(s)
    return ChainSummary(
        base=data.base.key,
        depth=data.depth,
        segments=segments,
        covered=covered,
        gaps=ps.gaps + is_.gaps,
        weak_links=ps.weak_links + is_.weak_links,
        completeness=covered / segments if segments else None,
        product=ps,
        industry=is_,
        gap_segments=gap_keys,
        weak_segments=weak_keys,
    )
