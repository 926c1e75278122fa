"""Industry-chain analytics: a base's upstream chain, its gaps, their scores and weak links.

A *chain* is what lies upstream of a set of *anchors* (the products a base's enterprises
make, or the industries it leads in or works in) within a number of steps. Links point
downstream, as the model stores them: ``硅片 -INPUT_TO-> 电池片`` means 硅片 is an input of
电池片. A segment is *covered* when an enterprise of the base makes it (or works in it); a
*gap* is a chain segment nobody in the base covers; a *weak link* is a segment exactly one
enterprise covers.

Everything here is pure: functions take plain data and return values, so they are tested on
tiny hand-built graphs. They work on numpy arrays rather than networkx: one base's chain in
the public data set holds about 22,000 links, and building a networkx graph of that size
alone takes longer (≈ 90 ms on the reference machine) than the whole gap query may (50 ms).
:func:`walk_graph` walks a :class:`~chainkg.graph.analytics.linkgraph.LinkGraph` (a whole
level of the data set, held once) into a :class:`Chain` whose distances, paths and stages are
arrays over its own node numbers; :func:`walk_upstream` does the same from a list of links.
:func:`to_networkx` gives the networkx form for views and notebooks;
:func:`chain_from_networkx` reads one back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np

from chainkg.graph.analytics.linkgraph import LinkGraph

if TYPE_CHECKING:  # networkx (0.2 s to import) only for the views that ask for a graph
    import networkx as nx

Stage = Literal["downstream", "midstream", "upstream"]
Status = Literal["covered", "weak", "gap"]

STAGE_RELS: frozenset[str] = frozenset({"INPUT_TO", "UPSTREAM_OF"})
"""Links that carry goods along the chain and so decide a segment's stage. A sub-class
(``SUBTYPE_OF``) or a sub-industry (``SUB_INDUSTRY_OF``) refines a segment instead and takes
its stage."""

SUB_INDUSTRY = "SUB_INDUSTRY_OF"
"""The link from an industry to the industry it refines."""

MAX_DEPTH = 6
"""The deepest walk a caller may ask for; beyond it the public data's chains cover most of
the product graph, which is neither bounded nor useful."""


class Link(NamedTuple):
    """One link of a chain, pointing downstream: ``src`` feeds (or refines) ``dst``.

    ``weight`` is the stored link weight (``UPSTREAM_OF.weight``) or ``None`` where the
    relationship has none. A named tuple, not a dataclass: a base's chain in the public data
    has about 25,000 links and tuples are made and hashed several times faster.
    """

    src: str
    dst: str
    rel: str
    weight: float | None = None


class Dependency(NamedTuple):
    """How much of the covered chain depends on one segment.

    ``dependents`` counts the covered segments downstream of it within the chain's depth;
    ``score`` sums, over those, ``strength / hops`` (see :func:`dependency`).
    """

    score: float = 0.0
    dependents: int = 0


class DependencyTable(Mapping[str, Dependency]):
    """:func:`dependency`'s answer for every segment, held as two arrays.

    A base's product chain in the public data has 20,000 segments; building a
    :class:`Dependency` for each took longer than computing them. Items are made on access;
    :meth:`rank` orders many segments at once.
    """

    __slots__ = ("counts", "index", "scores")

    def __init__(self, index: Mapping[str, int], scores: np.ndarray, counts: np.ndarray) -> None:
        self.index = index
        """Segment -> its position in ``scores`` and ``counts``."""
        self.scores = scores
        self.counts = counts

    def __getitem__(self, segment: str) -> Dependency:
        i = self.index[segment]
        return Dependency(float(self.scores[i]), int(self.counts[i]))

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)

    def positions(self, segments: Sequence[str]) -> np.ndarray:
        """The positions of ``segments`` in ``scores`` and ``counts``, in their order."""
        return np.fromiter((self.index[s] for s in segments), dtype=np.int64, count=len(segments))


class ChainLinks(NamedTuple):
    """The links of a chain as arrays over the chain's own node numbers (see :attr:`Chain.nodes`).

    ``rel`` holds codes into ``rels``; ``weight`` is ``nan`` where a link has none.
    """

    src: np.ndarray
    dst: np.ndarray
    rel: np.ndarray
    weight: np.ndarray
    rels: tuple[str, ...]


_STAGE_NAMES: tuple[Stage, ...] = ("downstream", "midstream", "upstream")
_DOWNSTREAM, _MIDSTREAM, _UPSTREAM = 0, 1, 2


class Chain:
    """The upstream chain of a set of anchors, to a depth.

    Attributes
    ----------
    depth
        The number of steps walked upstream from the anchors.
    anchors
        Where the walk started (distance 0).
    nodes
        The segments in a fixed order (key order, then anchors that no link touches): the
        chain's own node numbers, which the arrays below use.
    distances
        Per node number: fewest steps from the segment down to an anchor.
    toward_ix, toward_rel
        Per node number: the next segment on its path to an anchor (``-1`` for an anchor)
        and the code in ``link_arrays.rels`` of the link type to it. Among the neighbours
        one step nearer an anchor the path takes the smallest key, so it is deterministic.
    stage_codes
        Per node number: the index of its stage in ``("downstream", "midstream", "upstream")``.
    link_arrays
        The links walked, as arrays (:class:`ChainLinks`): every link into a segment nearer
        than ``depth`` to an anchor.

    ``distance``, ``stages`` and ``toward`` give the same as dicts keyed by segment, and
    ``links`` (as :class:`Link` tuples) and ``down`` (downstream neighbours with strengths)
    the links; all but ``distance`` are built when first asked for. A gap query needs none
    of them, and building them for the 20,000 segments of a large base cost more than its
    whole walk.
    """

    def __init__(
        self,
        depth: int,
        anchors: frozenset[str],
        nodes: list[str],
        distances: np.ndarray,
        toward_ix: np.ndarray,
        toward_rel: np.ndarray,
        stage_codes: np.ndarray,
        link_arrays: ChainLinks,
    ) -> None:
        self.depth = depth
        self.anchors = anchors
        self.nodes = nodes
        self.distances = distances
        self.toward_ix = toward_ix
        self.toward_rel = toward_rel
        self.stage_codes = stage_codes
        self.link_arrays = link_arrays
        self.distance: dict[str, int] = dict(zip(nodes, distances.tolist(), strict=True))
        """Every segment of the chain -> fewest steps from it down to an anchor."""

    def __repr__(self) -> str:
        return f"Chain(depth={self.depth}, anchors={len(self.anchors)}, segments={len(self)}, links={self.n_links})"

    @property
    def segments(self) -> list[str]:
        """Every segment, nearest to the anchors first, then by key."""
        return sorted(self.distance, key=lambda s: (self.distance[s], s))

    def __contains__(self, segment: object) -> bool:
        return segment in self.distance

    def __len__(self) -> int:
        return len(self.distance)

    @property
    def n_links(self) -> int:
        """How many links the walk crossed."""
        return len(self.link_arrays.src)

    @cached_property
    def index(self) -> dict[str, int]:
        """Segment -> its number in :attr:`nodes`."""
        return dict(zip(self.nodes, range(len(self.nodes)), strict=True))

    @cached_property
    def stages(self) -> dict[str, Stage]:
        """Every segment -> its stage within the chain (see :func:`walk_upstream`)."""
        return dict(zip(self.nodes, [_STAGE_NAMES[c] for c in self.stage_codes.tolist()], strict=True))

    @cached_property
    def toward(self) -> dict[str, tuple[str, str]]:
        """Every non-anchor segment -> (the next segment on its path to an anchor, link type)."""
        nodes, rels = self.nodes, self.link_arrays.rels
        has = np.flatnonzero(self.toward_ix >= 0)
        return dict(
            zip(
                [nodes[i] for i in has.tolist()],
                zip(
                    [nodes[i] for i in self.toward_ix[has].tolist()],
                    [rels[c] for c in self.toward_rel[has].tolist()],
                    strict=True,
                ),
                strict=True,
            )
        )

    @cached_property
    def links(self) -> tuple[Link, ...]:
        """The links walked, as :class:`Link` tuples."""
        la, nodes = self.link_arrays, self.nodes
        rels = [la.rels[c] for c in la.rel.tolist()]
        weights = [None if w != w else w for w in la.weight.tolist()]  # nan -> None
        return tuple(map(Link, [nodes[i] for i in la.src.tolist()], [nodes[i] for i in la.dst.tolist()], rels, weights))

    @cached_property
    def strengths(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Downstream pairs ``(src, dst, strength)`` over :attr:`nodes`, sorted, strength in (0, 1].

        A weighted link's strength is its share of the weights into the same segment (a
        non-positive weight counts as 0; if all are 0 each counts fully); a link without a
        weight counts fully. Two links between the same pair (input and sub-class) are one
        dependency, at the larger strength. Where no link has a positive weight (the product
        level) every link counts fully.
        """
        la, n = self.link_arrays, len(self.nodes)
        src, dst, w = la.src.astype(np.int64), la.dst.astype(np.int64), la.weight
        has = ~np.isnan(w)
        wv = np.where(has, w, 0.0)
        positive = has & (wv > 0)
        if not positive.any():
            st = np.ones(len(src))
        else:
            total = np.bincount(dst[positive], weights=wv[positive], minlength=n)[dst]
            st = np.where(~has | (total <= 0), 1.0, np.maximum(wv, 0.0) / np.where(total > 0, total, 1.0))
        pair = src * max(n, 1) + dst
        order = np.lexsort((-st, pair))
        pair_sorted = pair[order]
        first = order[np.r_[True, pair_sorted[1:] != pair_sorted[:-1]]] if len(order) else order
        keep = first[st[first] > 0]
        return src[keep], dst[keep], st[keep]

    @cached_property
    def down(self) -> dict[str, tuple[tuple[str, float], ...]]:
        """Segment -> its downstream neighbours in the chain with the link's strength (see :attr:`strengths`)."""
        src, dst, st = self.strengths
        nodes = self.nodes
        out: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for a, b, s in zip(src.tolist(), dst.tolist(), st.tolist(), strict=True):
            out[nodes[a]].append((nodes[b], s))
        return {k: tuple(v) for k, v in out.items()}

    def stage(self, segment: str) -> Stage:
        """The segment's stage: ``upstream``, ``midstream`` or ``downstream``."""
        return _STAGE_NAMES[int(self.stage_codes[self.index[segment]])]

    def path(self, segment: str) -> list[tuple[str, str | None]]:
        """The path from ``segment`` down to its anchor: (segment, link type to the next one).

        The last pair is the anchor with ``None``.
        """
        nodes, rels = self.nodes, self.link_arrays.rels
        out: list[tuple[str, str | None]] = []
        i = self.index[segment]
        nxt = int(self.toward_ix[i])
        while nxt >= 0:
            out.append((nodes[i], rels[int(self.toward_rel[i])]))
            i, nxt = nxt, int(self.toward_ix[nxt])
        out.append((nodes[i], None))
        return out


def sub_industry_parents(graph: LinkGraph) -> dict[str, list[str]]:
    """Industry -> the industries it is a sub-industry of, from a held industry graph (computed once).

    >>> g = LinkGraph.from_columns(["光源"], ["照明"], ["SUB_INDUSTRY_OF"])
    >>> sub_industry_parents(g)
    {'光源': ['照明']}
    """
    out = graph.memo.get("parents")
    if out is None:
        found: dict[str, list[str]] = defaultdict(list)
        if SUB_INDUSTRY in graph.rels:
            code = graph.rels.index(SUB_INDUSTRY)
            keys = graph.keys
            pick = graph.rel == code
            for c, p in zip(graph.src[pick].tolist(), graph.dst[pick].tolist(), strict=True):
                found[keys[c]].append(keys[p])
        out = graph.memo["parents"] = dict(found)
    return out


def walk_upstream(links: Iterable[Link], anchors: Iterable[str], depth: int) -> Chain:
    """Walk upstream from ``anchors`` for ``depth`` steps over ``links``.

    Parameters
    ----------
    links
        Links pointing downstream (``src`` feeds ``dst``); links outside the walk are ignored,
        so a caller may pass more than the walk needs.
    anchors
        The segments the base itself holds (distance 0).
    depth
        Steps to walk, 0 to :data:`MAX_DEPTH`.

    Returns
    -------
    Chain
        Segments within ``depth`` steps, each with its distance, stage and path; the links
        into segments nearer than ``depth`` (the ones the walk crossed) with their
        strengths. A weighted link's strength is its share of the weights into the same
        segment (a non-positive weight counts as 0; if all are 0 each counts fully); a
        link without a weight counts fully (1.0).

        The stage comes from the chain's own goods links (``INPUT_TO``, ``UPSTREAM_OF``):
        *upstream* when it feeds something in the chain and nothing in the chain feeds it
        (a raw material, or the walk's horizon), *downstream* when it is fed but feeds
        nothing (an end product), *midstream* when both. A segment with no goods link takes
        the stage of the nearest segment it refines (sub-class of, sub-industry of), and is
        downstream when there is none.

    Examples
    --------
    >>> c = walk_upstream([Link("硅片", "电池片", "INPUT_TO"), Link("电池片", "组件", "INPUT_TO")], ["组件"], 3)
    >>> [(s, c.distance[s], c.stage(s)) for s in c.segments]
    [('组件', 0, 'downstream'), ('电池片', 1, 'midstream'), ('硅片', 2, 'upstream')]
    >>> c.path("硅片")
    [('硅片', 'INPUT_TO'), ('电池片', 'INPUT_TO'), ('组件', None)]
    """
    return walk_graph(LinkGraph.from_links(links), anchors, depth)


def walk_graph(graph: LinkGraph, anchors: Iterable[str], depth: int) -> Chain:
    """:func:`walk_upstream` over a :class:`~chainkg.graph.analytics.linkgraph.LinkGraph`.

    The walk is breadth-first and level-synchronous, every level a few numpy passes over
    the links into the frontier, so its cost follows the chain, not the graph: only the
    links into the chain are touched (and two arrays as long as the graph's nodes made).

    Examples
    --------
    >>> g = LinkGraph.from_columns(["硅片", "电池片", "玻璃"], ["电池片", "组件", "灯具"], ["INPUT_TO"] * 3)
    >>> sorted(walk_graph(g, ["组件"], 3).distance.items())
    [('电池片', 1), ('硅片', 2), ('组件', 0)]
    """
    if not 0 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 0 and {MAX_DEPTH}, got {depth}")
    anchor_set = frozenset(anchors)
    isolated = sorted(a for a in anchor_set if a not in graph.ids)  # anchors no link touches
    n_all = len(graph.keys)
    dist = np.full(n_all, -1, dtype=np.int16)
    frontier = np.array(sorted(graph.ids[a] for a in anchor_set if a in graph.ids), dtype=np.int64)
    dist[frontier] = 0
    crossed: list[np.ndarray] = []
    found_ids: list[np.ndarray] = []
    next_ids: list[np.ndarray] = []
    via_rels: list[np.ndarray] = []
    for d in range(depth):
        if not frontier.size:
            break
        into = graph.incoming(frontier)
        crossed.append(into)
        x = graph.src[into]
        new = dist[x] < 0
        into, x = into[new], x[new]
        nxt, rel = graph.dst[into], graph.rel[into]
        # Each new segment's path goes through the smallest (next segment, link type): ids
        # and codes follow key and name order.
        order = np.lexsort((rel, nxt, x))
        xo = x[order]
        pick = order[np.r_[True, xo[1:] != xo[:-1]]] if len(order) else order
        frontier = x[pick].astype(np.int64)
        dist[frontier] = d + 1
        found_ids.append(frontier)
        next_ids.append(nxt[pick])
        via_rels.append(rel[pick])
    seg = np.flatnonzero(dist >= 0)
    keys = graph.keys
    nodes = [keys[i] for i in seg.tolist()]
    nodes += isolated
    n = len(nodes)
    local = np.full(n_all, -1, dtype=np.int64)
    local[seg] = np.arange(len(seg))
    links_in = np.concatenate(crossed) if crossed else np.zeros(0, dtype=np.int64)
    link_arrays = ChainLinks(
        local[graph.src[links_in]],
        local[graph.dst[links_in]],
        graph.rel[links_in],
        graph.weight[links_in],
        graph.rels,
    )
    distances = np.zeros(n, dtype=np.int64)
    distances[: len(seg)] = dist[seg]
    toward_ix = np.full(n, -1, dtype=np.int64)
    toward_rel = np.zeros(n, dtype=np.int8)
    if found_ids:
        f = local[np.concatenate(found_ids)]
        toward_ix[f] = local[np.concatenate(next_ids)]
        toward_rel[f] = np.concatenate(via_rels)
    stages = _stage_codes(n, link_arrays)
    return Chain(depth, anchor_set, nodes, distances, toward_ix, toward_rel, stages, link_arrays)


def _stage_codes(n: int, links: ChainLinks) -> np.ndarray:
    """Stage of every segment from the goods links among them (see :func:`walk_upstream`).

    Segments with a goods link get their stage from those; the others take it from what they
    refine, handed down level by level (nearest first; ties: the smallest key passes it).
    Node numbers follow key order, so the smallest key is the smallest number.
    """
    goods = np.isin(links.rel, [code for code, name in enumerate(links.rels) if name in STAGE_RELS])
    stage = np.full(n, -1, dtype=np.int8)
    feeds = np.zeros(n, dtype=bool)
    fed = np.zeros(n, dtype=bool)
    feeds[links.src[goods]] = True
    fed[links.dst[goods]] = True
    stage[feeds & fed] = _MIDSTREAM
    stage[feeds & ~fed] = _UPSTREAM
    stage[fed & ~feeds] = _DOWNSTREAM
    child, parent = links.src[~goods], links.dst[~goods]
    passing = stage >= 0  # the segments that hand their stage down this round
    while True:
        can = passing[parent] & (stage[child] < 0)
        if not can.any():
            break
        c, p = child[can], parent[can]
        order = np.lexsort((p, c))
        co = c[order]
        pick = order[np.r_[True, co[1:] != co[:-1]]]
        stage[c[pick]] = stage[p[pick]]
        passing = np.zeros(n, dtype=bool)
        passing[c[pick]] = True
    stage[stage < 0] = _DOWNSTREAM
    return stage


def covered_set(chain: Chain, coverage: Mapping[str, Collection[str]]) -> set[str]:
    """Segments of ``chain`` that at least one enterprise covers."""
    dist = chain.distance
    if len(coverage) < len(dist):  # the smaller side is walked: coverage, for a large chain
        return {s for s, ents in coverage.items() if ents and s in dist}
    return {s for s in dist if coverage.get(s)}


def status(chain: Chain, coverage: Mapping[str, Collection[str]], segment: str) -> Status:
    """``gap`` (no enterprise), ``weak`` (exactly one) or ``covered`` (two or more)."""
    n = len(coverage.get(segment, ()))
    return "gap" if n == 0 else "weak" if n == 1 else "covered"


def gap_segments(chain: Chain, coverage: Mapping[str, Collection[str]]) -> list[str]:
    """Segments of ``chain`` that no enterprise covers, nearest first.

    Examples
    --------
    >>> c = walk_upstream([Link("硅片", "组件", "INPUT_TO")], ["组件"], 2)
    >>> gap_segments(c, {"组件": {"甲"}})
    ['硅片']
    """
    return [s for s in chain.segments if not coverage.get(s)]


def weak_segments(chain: Chain, coverage: Mapping[str, Collection[str]]) -> list[str]:
    """Segments of ``chain`` that exactly one enterprise covers, nearest first.

    Examples
    --------
    >>> c = walk_upstream([Link("硅片", "组件", "INPUT_TO")], ["组件"], 2)
    >>> weak_segments(c, {"组件": {"甲"}, "硅片": {"乙", "丙"}})
    ['组件']
    """
    return [s for s in chain.segments if len(coverage.get(s, ())) == 1]


def dependency(
    chain: Chain,
    covered: Collection[str],
    *,
    hops: int | None = None,
    method: Literal["auto", "bfs", "bitset", "matrix"] = "auto",
    block_cells: int = 4_000_000,
    strengths: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    sources: np.ndarray | None = None,
) -> Mapping[str, Dependency]:
    """For every segment, how much of the covered chain downstream depends on it.

    ``score(s) = Σ strength(s ⇒ c) / hops(s ⇒ c)`` over the covered segments ``c ≠ s``
    reachable downstream from ``s`` in at most ``hops`` links (default: the chain's depth),
    where ``hops`` is the fewest links from ``s`` to ``c`` and ``strength`` the largest
    product of link strengths along such a shortest path (1.0 for product links, the share
    of the downstream industry's upstream weight for industry links). A gap next to many
    covered segments scores high; one far away, or feeding a segment only weakly, low.

    Parameters
    ----------
    chain
        From :func:`walk_upstream`.
    covered
        The segments the base covers.
    hops
        Horizon of the dependency, default ``chain.depth``.
    method
        ``bfs`` walks downstream from every segment in plain Python: the reference.
        ``matrix`` does the same walk for blocks of segments at once with numpy (any
        strengths). ``bitset`` propagates reach sets level by level with numpy (only when all
        strengths are 1). ``auto`` picks ``bitset`` when it applies, else ``matrix``. All give
        the same values (up to float rounding in the last digits for weighted links); on the
        public data ``bitset`` and ``matrix`` are 10-50× faster than ``bfs``.
    block_cells
        The ``matrix`` method walks from blocks of segments of at most this many cells
        (links × segments) at a time: a memory bound.
    strengths
        ``(src, dst, strength)`` over the chain's node numbers in place of
        :attr:`Chain.strengths` (the same pairs, other strengths in (0, 1]): how the product
        gaps weigh a link by its share of the downstream product's inputs (docs/gaps.md).
        Not with ``bfs``.
    sources
        Node numbers to score (``matrix`` only; the others score 0): a caller needing a few
        segments' scores (the gaps) walks from those alone.

    Examples
    --------
    >>> c = walk_upstream([Link("硅", "片", "INPUT_TO"), Link("片", "组件", "INPUT_TO"),
    ...                    Link("片", "芯片", "INPUT_TO")], ["组件", "芯片"], 3)
    >>> d = dependency(c, {"组件", "芯片"})
    >>> d["片"], d["硅"]
    (Dependency(score=2.0, dependents=2), Dependency(score=1.0, dependents=2))
    """
    h = chain.depth if hops is None else hops
    src, dst, strength = chain.strengths if strengths is None else strengths
    unit = bool(np.all(strength == 1.0))
    if method == "bitset" and not unit:
        raise ValueError("the bitset method needs every link strength to be 1")
    if method == "bfs" and (strengths is not None or sources is not None):
        raise ValueError("the bfs method walks the chain's own strengths from every segment")
    if method == "bfs":
        return _dependency_bfs(chain, set(covered) & set(chain.distance), h)
    index = chain.index
    cov = np.array(sorted({index[c] for c in covered if c in index}), dtype=np.int64)
    n = len(chain.nodes)
    if not len(src) or not len(cov):
        return DependencyTable(index, np.zeros(n), np.zeros(n, dtype=np.int64))
    if sources is None and (method == "bitset" or (method == "auto" and unit)):
        score, count = _dependency_bitset(n, src, dst, cov, h)
    else:
        score, count = _dependency_matrix(n, src, dst, strength, cov, h, block_cells=block_cells, sources=sources)
    return DependencyTable(index, score, count)


def _dependency_bfs(chain: Chain, covered: set[str], hops: int) -> dict[str, Dependency]:
    """Reference method: a level-synchronous walk downstream from each segment."""
    out: dict[str, Dependency] = {}
    for src in chain.distance:
        seen = {src}
        frontier: dict[str, float] = {src: 1.0}
        score, count = 0.0, 0
        for h in range(1, hops + 1):
            nxt: dict[str, float] = {}
            for n, s in frontier.items():
                for m, w in chain.down.get(n, ()):
                    if m not in seen and s * w > nxt.get(m, -1.0):
                        nxt[m] = s * w
            if not nxt:
                break
            seen.update(nxt)
            level = [v for m, v in nxt.items() if m in covered]
            if level:
                score += sum(sorted(level)) / h
                count += len(level)
            frontier = nxt
        out[src] = Dependency(score, count)
    return out


def _distinct(a: np.ndarray) -> np.ndarray:
    """``np.unique(a)`` of a 1-d array: numpy 2's unique imports numpy.ma on first use (10 ms of a command).

    >>> _distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def _dependency_matrix(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    strength: np.ndarray,
    cov: np.ndarray,
    hops: int,
    *,
    block_cells: int = 4_000_000,
    sources: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The :func:`_dependency_bfs` walk for a block of source segments at once.

    ``best[s, v]`` holds the strongest strength from source ``s`` to ``v`` first reached at
    the current level; one level gathers the columns of the links' sources, scales them by
    the links' strengths and max-reduces each target's run of links (sources down the rows,
    segments across, so each reduction runs along contiguous memory: about 1.4× faster on
    an industry chain than the other way round). The first level is the links themselves,
    and the last goes only over the links into covered segments (all it can count), which
    leaves one full level of three at the default depth. Blocks keep ``links × sources``
    under ``block_cells`` cells. Returns (score, count) per segment.
    """
    order = np.argsort(dst, kind="stable")
    src, dst, weight = src[order], dst[order], strength[order]
    starts = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]])
    # The last level needs only what reaches covered segments: the links into them.
    into_cov = np.isin(dst, cov)
    last_src, last_dst, last_weight = src[into_cov], dst[into_cov], weight[into_cov]
    last_starts = np.flatnonzero(np.r_[True, last_dst[1:] != last_dst[:-1]]) if len(last_dst) else last_dst
    score = np.zeros(n)
    count = np.zeros(n, dtype=np.int64)
    block = max(1, block_cells // max(len(src), n))
    todo = np.arange(n) if sources is None else _distinct(np.asarray(sources, dtype=np.int64))
    row_of = np.full(n, -1, dtype=np.int64)
    for b0 in range(0, len(todo), block):
        rows = todo[b0 : b0 + block]
        # Level 1 is the links themselves (one per pair): best[s, v] = strength of s -> v.
        best = np.zeros((len(rows), n))
        row_of[rows] = np.arange(len(rows))
        mine = row_of[src] >= 0
        best[row_of[src[mine]], dst[mine]] = weight[mine]
        row_of[rows] = -1
        reached = best > 0
        reached[np.arange(len(rows)), rows] = True  # a segment does not depend on itself
        for h in range(1, hops + 1):
            if h > 1:
                last = h == hops
                s_, d_, w_, st_ = (last_src, last_dst, last_weight, last_starts) if last else (src, dst, weight, starts)
                if not len(s_):
                    break
                through = np.take(best, s_, axis=1)
                through *= w_
                cand = np.zeros_like(best)
                cand[:, d_[st_]] = np.maximum.reduceat(through, st_, axis=1)
                new = (cand > 0) & ~reached
                if not new.any():
                    break
                best = np.where(new, cand, 0.0)
                if not last:
                    reached |= new
            hit = best[:, cov]
            score[rows] += hit.sum(axis=1) / h
            count[rows] += (hit > 0).sum(axis=1)
    return score, count


def _popcount(x: np.ndarray) -> np.ndarray:
    """Set bits per row of a ``uint64`` matrix."""
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(x).sum(axis=1, dtype=np.int64)
    return np.unpackbits(x.view(np.uint8), axis=1).sum(axis=1, dtype=np.int64)


def _rounds(src: np.ndarray, dst: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split links into rounds in which no source repeats: ``out[s] |= x[d]`` is then safe.

    Round ``k`` holds each source's ``k``-th link. A few rounds of plain fancy indexing beat
    ``np.bitwise_or.reduceat`` here, whose cost per group dominates with 20,000 small groups.
    """
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    starts = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
    rank = np.arange(len(src)) - np.repeat(starts, np.diff(np.r_[starts, len(src)]))
    return [(src[rank == k], dst[rank == k]) for k in range(int(rank.max()) + 1)]


def _dependency_bitset(
    n: int, src: np.ndarray, dst: np.ndarray, cov: np.ndarray, hops: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fast method for unit strengths: reach sets as bit rows, one bit per covered segment.

    ``reach_h(n) = reach_1(n) | OR of reach_{h-1}(m) over n's downstream neighbours m``; the
    bits new at level ``h`` are the covered segments first reached in ``h`` links. numpy
    does each level in a few vectorised passes over the links. Returns (score, count).
    """
    # Only covered segments that something in the chain feeds can be depended on: fewer bits.
    fed = np.zeros(n, dtype=bool)
    fed[dst] = True
    cov = cov[fed[cov]]
    if not len(cov):
        return np.zeros(n), np.zeros(n, dtype=np.int64)
    rounds = _rounds(src, dst)
    pos = np.arange(len(cov), dtype=np.uint64)
    own = np.zeros((n, (len(cov) + 63) // 64), dtype=np.uint64)
    own[cov, (pos // np.uint64(64)).astype(np.int64)] = np.uint64(1) << (pos % np.uint64(64))
    other = ~own  # a segment does not depend on itself
    r1 = np.zeros_like(own)
    for s_, d_ in rounds:
        r1[s_] |= own[d_]
    count = _popcount(r1 & other)
    score = count.astype(np.float64)
    prev = r1
    for h in range(2, hops + 1):
        cur = r1.copy()
        for s_, d_ in rounds:
            cur[s_] |= prev[d_]
        new = _popcount(cur & ~prev & other)
        if not new.any():
            break
        count += new
        score += new / h
        prev = cur
    return score, count


def to_networkx(
    chain: Chain,
    coverage: Mapping[str, Collection[str]] | None = None,
    *,
    labels: Mapping[str, str] | None = None,
) -> nx.DiGraph:
    """The chain as a networkx graph for views: downstream edges, status on every node.

    Node attributes: ``distance``, ``stage``, ``anchor``, ``enterprises`` (sorted list),
    ``status`` (``covered``/``weak``/``gap``) and ``name`` (from ``labels``, else the id).
    Edge attributes: ``type`` (link type), ``weight`` (stored weight or ``None``) and
    ``strength``.

    Examples
    --------
    >>> c = walk_upstream([Link("硅片", "组件", "INPUT_TO")], ["组件"], 1)
    >>> g = to_networkx(c, {"组件": {"甲"}})
    >>> g.nodes["硅片"]["status"], g.nodes["组件"]["enterprises"]
    ('gap', ['甲'])
    """
    import networkx as nx

    coverage = coverage or {}
    g = nx.DiGraph()
    for s in chain.segments:
        ents = sorted(coverage.get(s, ()))
        g.add_node(
            s,
            distance=chain.distance[s],
            stage=chain.stage(s),
            anchor=s in chain.anchors,
            enterprises=ents,
            status=status(chain, coverage, s),
            name=(labels or {}).get(s, s),
        )
    strength = {(a, b): w for a, nbrs in chain.down.items() for b, w in nbrs}
    for lk in chain.links:
        if not g.has_edge(lk.src, lk.dst):
            g.add_edge(lk.src, lk.dst, type=lk.rel, weight=lk.weight, strength=strength.get((lk.src, lk.dst), 0.0))
    return g


def chain_from_networkx(g: nx.DiGraph, anchors: Iterable[str], depth: int) -> Chain:
    """Walk a networkx graph whose edges point downstream and carry ``type`` (and ``weight``).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph([("硅片", "组件", {"type": "INPUT_TO"})])
    >>> chain_from_networkx(g, ["组件"], 2).distance["硅片"]
    1
    """
    links = [Link(a, b, d.get("type", "INPUT_TO"), d.get("weight")) for a, b, d in g.edges(data=True)]
    return walk_upstream(links, anchors, depth)
