"""Precomputed layouts, so the browser draws once with physics off instead of simulating.

A force simulation of 2,000 nodes keeps a browser busy for many seconds; positions computed
here (bands by chain stage, rings by hop distance, or a seeded spring layout for small
graphs) make a view interactive as soon as it is drawn. All layouts are deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

Pos = dict[Hashable, tuple[float, float]]

NODE_GAP = 46.0
"""Vertical distance between nodes in a band column (room for a one-line label)."""
COL_GAP = 150.0
"""Horizontal distance between columns inside a band (room for a Chinese label)."""
BAND_MARGIN = 220.0
"""Empty space between two bands."""
MIN_BAND_WIDTH = 640.0
"""Narrowest band, so a title such as "产品 products · 上游 upstream (20)" fits above it."""


@dataclass(frozen=True)
class Band:
    """A vertical strip of the canvas holding one stage; drawn behind the nodes with its title."""

    title: str
    x0: float
    x1: float
    y0: float
    y1: float
    count: int


def _barycentre_order(g: nx.Graph, nodes: Sequence[Hashable], placed: Pos, tie: Callable[[Hashable], Any]) -> list:
    """Order ``nodes`` by the mean y of their already placed neighbours (fewer crossings)."""

    def key(n: Hashable) -> tuple[float, Any]:
        ys = (
            [placed[m][1] for m in nx.all_neighbors(g, n) if m in placed]
            if g.is_directed()
            else [placed[m][1] for m in g.neighbors(n) if m in placed]
        )
        return (sum(ys) / len(ys) if ys else math.inf, tie(n))

    return sorted(nodes, key=key)


def band_layout(
    g: nx.Graph,
    band_of: Callable[[Hashable], int],
    titles: Sequence[str],
    *,
    tie: Callable[[Hashable], Any] = str,
) -> tuple[Pos, list[Band]]:
    """Place nodes in vertical bands left to right (upstream → downstream), a grid within each.

    Parameters
    ----------
    g
        The graph; only its nodes and adjacency are read.
    band_of
        Maps a node to its band index (0 = leftmost); indexes beyond ``titles`` are clamped.
    titles
        One title per band, drawn above it (for example ``"上游 upstream"``).
    tie
        Sort key among nodes with no placed neighbour, for a stable order.

    Returns
    -------
    positions, bands
        Canvas coordinates per node, and each band's rectangle with its node count.

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> pos, bands = band_layout(g, {"a": 0, "b": 1, "c": 2}.__getitem__, ["up", "mid", "down"])
    >>> pos["a"][0] < pos["b"][0] < pos["c"][0]
    True
    """
    nb = max(1, len(titles))
    members: list[list[Hashable]] = [[] for _ in range(nb)]
    for n in g.nodes:
        members[min(max(band_of(n), 0), nb - 1)].append(n)
    biggest = max((len(m) for m in members), default=0)
    # Rows per column so the canvas is about twice as wide as tall (a screen's shape):
    # width ~ nb * (biggest / rows) * COL_GAP, height ~ rows * NODE_GAP.
    rows = max(8, math.ceil(math.sqrt(nb * max(biggest, 1) * COL_GAP / (2.0 * NODE_GAP))))
    pos: Pos = {}
    bands: list[Band] = []
    x = 0.0
    height = (min(rows, max(biggest, 1)) - 1) * NODE_GAP
    for i, nodes in enumerate(members):
        cols = max(1, math.ceil(len(nodes) / rows))
        ordered = _barycentre_order(g, nodes, pos, tie)
        per_col = math.ceil(len(nodes) / cols) if nodes else 0
        width = (cols - 1) * COL_GAP
        # A band is never narrower than its title needs; its columns sit in the middle.
        inner = max(width, MIN_BAND_WIDTH - 160)
        left = x + (inner - width) / 2
        for j, n in enumerate(ordered):
            c, r = divmod(j, per_col)
            # Centre short columns vertically so small bands sit in the middle of the canvas.
            in_col = min(per_col, len(nodes) - c * per_col)
            y0 = (height - (in_col - 1) * NODE_GAP) / 2
            pos[n] = (left + c * COL_GAP, y0 + r * NODE_GAP)
        title = titles[i] if i < len(titles) else str(i)
        bands.append(Band(title, x - 80, x + inner + 80, -90, height + 60, len(nodes)))
        x += inner + BAND_MARGIN + COL_GAP
    return pos, bands


def ring_layout(g: nx.Graph, centre: Hashable, *, tie: Callable[[Hashable], Any] = str) -> Pos:
    """Rings by hop distance from ``centre`` (the centre at the origin); unreachable nodes outermost.

    Examples
    --------
    >>> pos = ring_layout(nx.path_graph(3), 0)
    >>> pos[0]
    (0.0, 0.0)
    """
    dist = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), centre) if centre in g else {}
    far = max(dist.values(), default=0) + 1
    rings: dict[int, list[Hashable]] = {}
    for n in g.nodes:
        rings.setdefault(dist.get(n, far), []).append(n)
    pos: Pos = {}
    radius = 0.0
    for d in sorted(rings):
        nodes = sorted(rings[d], key=lambda n: (str(g.nodes[n].get("group", "")), tie(n)))
        if d == 0 and len(nodes) == 1:
            pos[nodes[0]] = (0.0, 0.0)
            continue
        # Each ring is wide enough for its nodes at ~70 px apart, and always outside the last.
        radius = max(radius + 220.0, len(nodes) * 70.0 / (2 * math.pi))
        for i, n in enumerate(nodes):
            a = 2 * math.pi * i / len(nodes) - math.pi / 2
            pos[n] = (round(radius * math.cos(a), 1), round(radius * math.sin(a), 1))
    return pos


def spring_positions(g: nx.Graph, *, seed: int = 7, scale: float | None = None) -> Pos:
    """A seeded spring layout scaled to canvas pixels (use for graphs up to a few hundred nodes).

    Examples
    --------
    >>> len(spring_positions(nx.path_graph(4)))
    4
    """
    n = g.number_of_nodes()
    if n == 0:
        return {}
    size = scale if scale is not None else 120.0 * math.sqrt(n) + 200.0
    simple = nx.Graph(g.to_undirected(as_view=True)) if g.is_directed() or g.is_multigraph() else g
    raw = nx.spring_layout(simple, seed=seed, iterations=60 if n <= 400 else 25)
    return {k: (round(float(v[0]) * size, 1), round(float(v[1]) * size, 1)) for k, v in raw.items()}


def cap_graph(g: nx.Graph, max_nodes: int, priority: Callable[[Hashable], Any]) -> tuple[nx.Graph, int]:
    """Keep the ``max_nodes`` nodes that sort first by ``priority``; return the subgraph and the total.

    Examples
    --------
    >>> h, total = cap_graph(nx.path_graph(5), 2, lambda n: n)
    >>> sorted(h.nodes), total
    ([0, 1], 5)
    """
    total = g.number_of_nodes()
    if total <= max_nodes:
        return g, total
    keep = sorted(g.nodes, key=priority)[:max_nodes]
    return g.subgraph(keep).copy(), total
