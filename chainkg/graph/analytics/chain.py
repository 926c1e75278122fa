"""Industry-chain analytics: a base's upstream chain, its gaps, their scores and weak links.

A *chain* is what lies upstream of a set of *anchors* (the products a base's enterprises
make, or the industries it leads in or works in) within a number of steps. Links point
downstream, as the model stores them: ``硅片 -INPUT_TO-> 电池片`` means 硅片 is an input of
电池片. A segment is *covered* when an enterprise of the base makes it (or works in it); a
*gap* is a chain segment nobody in the base covers; a *weak link* is a segment exactly one
enterprise covers.

Everything here is pure: functions take plain data and return values, so they are tested on
tiny hand-built graphs. They work on :class:`Chain`, a compact adjacency structure, rather
than on networkx: one base's chain in the public data set holds about 25,000 links, and
building a networkx graph of that size alone takes longer (≈ 90 ms on the reference
machine) than the whole gap query may (50 ms). :func:`to_networkx` gives the networkx form
for views and notebooks; :func:`chain_from_networkx` reads one back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Literal, NamedTuple

import networkx as nx
import numpy as np

Stage = Literal["downstream", "midstream", "upstream"]
Status = Literal["covered", "weak", "gap"]

STAGE_RELS: frozenset[str] = frozenset({"INPUT_TO", "UPSTREAM_OF"})
"""Links that carry goods along the chain and so decide a segment's stage. A sub-class
(``SUBTYPE_OF``) or a sub-industry (``SUB_INDUSTRY_OF``) refines a segment instead and takes
its stage."""

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

    __slots__ = ("_index", "counts", "scores")

    def __init__(self, index: Mapping[str, int], scores: np.ndarray, counts: np.ndarray) -> None:
        self._index = index
        self.scores = scores
        self.counts = counts

    def __getitem__(self, segment: str) -> Dependency:
        i = self._index[segment]
        return Dependency(float(self.scores[i]), int(self.counts[i]))

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def scores_of(self, segments: Sequence[str]) -> np.ndarray:
        """The scores of ``segments``, in their order."""
        ix = np.fromiter((self._index[s] for s in segments), dtype=np.int64, count=len(segments))
        return self.scores[ix]


@dataclass(frozen=True)
class Chain:
    """The upstream chain of a set of anchors, to a depth.

    Attributes
    ----------
    depth
        The number of steps walked upstream from the anchors.
    anchors
        Where the walk started (distance 0).
    distance
        Every segment of the chain -> fewest steps from it down to an anchor.
    stages
        Every segment -> its stage within the chain (see :func:`walk_upstream`).
    toward
        Every non-anchor segment -> (the next segment on its path to an anchor, link type).
        Among the neighbours one step nearer an anchor the path takes the smallest key,
        so it is deterministic.
    down
        Segment -> downstream neighbours in the chain with the link's strength in (0, 1].
    links
        The links walked: every link into a segment nearer than ``depth`` to an anchor.
    """

    depth: int
    anchors: frozenset[str]
    distance: Mapping[str, int]
    stages: Mapping[str, Stage]
    toward: Mapping[str, tuple[str, str]]
    down: Mapping[str, tuple[tuple[str, float], ...]]
    links: tuple[Link, ...] = field(repr=False)

    @property
    def segments(self) -> list[str]:
        """Every segment, nearest to the anchors first, then by key."""
        return sorted(self.distance, key=lambda s: (self.distance[s], s))

    def __contains__(self, segment: object) -> bool:
        return segment in self.distance

    def __len__(self) -> int:
        return len(self.distance)

    def stage(self, segment: str) -> Stage:
        """The segment's stage: ``upstream``, ``midstream`` or ``downstream``."""
        return self.stages[segment]

    def path(self, segment: str) -> list[tuple[str, str | None]]:
        """The path from ``segment`` down to its anchor: (segment, link type to the next one).

        The last pair is the anchor with ``None``.
        """
        out: list[tuple[str, str | None]] = []
        cur = segment
        while cur in self.toward:
            nxt, rel = self.toward[cur]
            out.append((cur, rel))
            cur = nxt
        out.append((cur, None))
        return out

    def anchor_of(self, segment: str) -> str:
        """The anchor at the end of :meth:`path`."""
        cur = segment
        while cur in self.toward:
            cur = self.toward[cur][0]
        return cur


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
    if not 0 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 0 and {MAX_DEPTH}, got {depth}")
    up: dict[str, list[Link]] = defaultdict(list)
    for link in dict.fromkeys(links):  # a link given twice is one link
        if link.src != link.dst:
            up[link.dst].append(link)
    anchor_set = frozenset(anchors)
    distance: dict[str, int] = dict.fromkeys(anchor_set, 0)
    toward: dict[str, tuple[str, str]] = {}
    frontier: list[str] = list(anchor_set)
    for d in range(depth):
        found: dict[str, tuple[str, str]] = {}
        for n in frontier:
            for lk in up.get(n, ()):
                x = lk.src
                if x not in distance:
                    via = (n, lk.rel)
                    old = found.get(x)
                    if old is None or via < old:  # the smallest (next segment, link type)
                        found[x] = via
        for x, via in found.items():
            distance[x], toward[x] = d + 1, via
        frontier = list(found)
        if not frontier:
            break
    kept = [lk for dst, lst in up.items() if distance.get(dst, depth) < depth for lk in lst]
    return Chain(depth, anchor_set, distance, _stages(distance, kept), toward, _downstream(kept), tuple(kept))


def _stages(segments: Collection[str], links: Collection[Link]) -> dict[str, Stage]:
    """Stage of every segment from the goods links among them (see :func:`walk_upstream`)."""
    fed: set[str] = set()
    feeds: set[str] = set()
    refined_by: dict[str, list[str]] = defaultdict(list)
    for lk in links:
        if lk.rel in STAGE_RELS:
            feeds.add(lk.src)
            fed.add(lk.dst)
        elif lk.src != lk.dst:
            refined_by[lk.dst].append(lk.src)
    out: dict[str, Stage] = {}
    for s in segments:
        if s in feeds:
            out[s] = "midstream" if s in fed else "upstream"
        elif s in fed:
            out[s] = "downstream"
    # Hand stages down the refinement links, nearest first (ties: the smaller key passes it).
    frontier = sorted(out)
    while frontier:
        nxt = []
        for p in frontier:
            for c in refined_by.get(p, ()):
                if c not in out:
                    out[c] = out[p]
                    nxt.append(c)
        frontier = sorted(nxt)
    for s in segments:
        out.setdefault(s, "downstream")
    return out


def _downstream(links: Iterable[Link]) -> dict[str, tuple[tuple[str, float], ...]]:
    """Downstream adjacency with strengths (weights as shares of what flows into each segment)."""
    links = list(links)
    totals: dict[str, float] = defaultdict(float)
    for lk in links:
        if lk.weight is not None and lk.weight > 0:
            totals[lk.dst] += lk.weight
    strongest: dict[tuple[str, str], float]
    if not totals:
        # No positive weight anywhere (the product level): every link counts fully. Two link
        # types between the same pair (input and sub-class) are one dependency.
        strongest = dict.fromkeys([(lk.src, lk.dst) for lk in links], 1.0)
    else:
        strongest = {}
        for src, dst, _, w in links:
            total = totals.get(dst, 0.0)
            st = 1.0 if w is None or total <= 0 else max(w, 0.0) / total
            pair = (src, dst)
            old = strongest.get(pair)
            if old is None or st > old:
                strongest[pair] = st
    down: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (a, b), st in strongest.items():
        if st > 0:
            down[a].append((b, st))
    return {k: tuple(v) for k, v in down.items()}


def covered_set(chain: Chain, coverage: Mapping[str, Collection[str]]) -> set[str]:
    """Segments of ``chain`` that at least one enterprise covers."""
    return {s for s in chain.distance if coverage.get(s)}


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

    Examples
    --------
    >>> c = walk_upstream([Link("硅", "片", "INPUT_TO"), Link("片", "组件", "INPUT_TO"),
    ...                    Link("片", "芯片", "INPUT_TO")], ["组件", "芯片"], 3)
    >>> d = dependency(c, {"组件", "芯片"})
    >>> d["片"], d["硅"]
    (Dependency(score=2.0, dependents=2), Dependency(score=1.0, dependents=2))
    """
    h = chain.depth if hops is None else hops
    cov = set(covered) & set(chain.distance)
    unit = all(s == 1.0 for nbrs in chain.down.values() for _, s in nbrs)
    if method == "bitset" and not unit:
        raise ValueError("the bitset method needs every link strength to be 1")
    if method == "bitset" or (method == "auto" and unit):
        return _dependency_bitset(chain, cov, h)
    if method == "bfs":
        return _dependency_bfs(chain, cov, h)
    return _dependency_matrix(chain, cov, h)


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


def _dependency_matrix(chain: Chain, covered: set[str], hops: int, *, block_cells: int = 4_000_000) -> DependencyTable:
    """The :func:`_dependency_bfs` walk for a block of source segments at once.

    ``best[v, s]`` holds the strongest strength from source ``s`` to ``v`` first reached at
    the current level; one level is a gather of whole rows over the links and a max-reduce
    per target (segments down the rows, sources across, so the gathers copy contiguous rows:
    about 10 % faster than the other way round on an industry chain). Blocks keep
    ``links × sources`` under ``block_cells`` cells.
    """
    nodes = list(chain.distance)
    idx = {n: i for i, n in enumerate(nodes)}
    triples = [(idx[a], idx[b], w) for a, nbrs in chain.down.items() for b, w in nbrs]
    if not triples or not covered:
        return DependencyTable(idx, np.zeros(len(nodes)), np.zeros(len(nodes), dtype=np.int64))
    triples.sort(key=itemgetter(1))
    src = np.array([t[0] for t in triples], dtype=np.int64)
    dst = np.array([t[1] for t in triples], dtype=np.int64)
    weight = np.array([t[2] for t in triples], dtype=np.float64)[:, None]
    starts = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]])
    heads = dst[starts]
    cov = np.array(sorted(idx[c] for c in covered), dtype=np.int64)
    score = np.zeros(len(nodes))
    count = np.zeros(len(nodes), dtype=np.int64)
    block = max(1, block_cells // max(len(src), len(nodes)))
    for b0 in range(0, len(nodes), block):
        cols = np.arange(b0, min(len(nodes), b0 + block))
        best = np.zeros((len(nodes), len(cols)))
        best[cols, np.arange(len(cols))] = 1.0
        reached = best > 0
        for h in range(1, hops + 1):
            cand = np.zeros_like(best)
            cand[heads] = np.maximum.reduceat(best[src] * weight, starts, axis=0)
            new = (cand > 0) & ~reached
            if not new.any():
                break
            best = np.where(new, cand, 0.0)
            reached |= new
            hit = best[cov]
            score[cols] += hit.sum(axis=0) / h
            count[cols] += (hit > 0).sum(axis=0)
    return DependencyTable(idx, score, count)


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


def _dependency_bitset(chain: Chain, covered: set[str], hops: int) -> DependencyTable:
    """Fast method for unit strengths: reach sets as bit rows, one bit per covered segment.

    ``reach_h(n) = reach_1(n) | OR of reach_{h-1}(m) over n's downstream neighbours m``; the
    bits new at level ``h`` are the covered segments first reached in ``h`` links. numpy
    does each level in a few vectorised passes over the links.
    """
    nodes = list(chain.distance)
    idx = {n: i for i, n in enumerate(nodes)}
    src_l: list[int] = []
    dst_l: list[int] = []
    for a, nbrs in chain.down.items():
        ia = idx[a]
        for b, _ in nbrs:
            src_l.append(ia)
            dst_l.append(idx[b])
    if not src_l or not covered:
        return DependencyTable(idx, np.zeros(len(nodes)), np.zeros(len(nodes), dtype=np.int64))
    rounds = _rounds(np.array(src_l, dtype=np.int64), np.array(dst_l, dtype=np.int64))
    cov = np.array(sorted(idx[c] for c in covered), dtype=np.int64)
    pos = np.arange(len(cov), dtype=np.uint64)
    own = np.zeros((len(nodes), (len(cov) + 63) // 64), dtype=np.uint64)
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
    return DependencyTable(idx, score, count)


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
    >>> g = nx.DiGraph([("硅片", "组件", {"type": "INPUT_TO"})])
    >>> chain_from_networkx(g, ["组件"], 2).distance["硅片"]
    1
    """
    links = [Link(a, b, d.get("type", "INPUT_TO"), d.get("weight")) for a, b, d in g.edges(data=True)]
    return walk_upstream(links, anchors, depth)
