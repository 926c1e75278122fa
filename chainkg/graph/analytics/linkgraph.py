"""A link graph held as integer arrays, for walking chains without a Python object per link.

:class:`LinkGraph` numbers the nodes in key order and keeps the links sorted by their
downstream end, so the links into any set of nodes are a few slices of the arrays. One level
of the whole public data set (110,000 product links) takes a few megabytes this way, and a
base's chain is walked from it with numpy in milliseconds (:func:`chainkg.graph.analytics.chain.walk_graph`).

Because node ids follow key order, "the smallest key" (the tie-break of a chain's paths) is
"the smallest id", which numpy sorts cheaply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class LinkGraph:
    """Links pointing downstream (``src`` feeds or refines ``dst``) between numbered nodes.

    Attributes
    ----------
    keys
        Node id -> key; ids follow key order.
    ids
        Key -> node id.
    rels
        Link type code -> type name; codes follow name order.
    src, dst, rel, weight
        One entry per link, sorted by ``dst`` then ``src`` then ``rel``. ``weight`` is
        ``nan`` where the link has none. Duplicate links and self-loops are dropped.
    ptr
        The links into node ``i`` are ``ptr[i]:ptr[i + 1]``.
    names
        Display names of nodes that have one (industries); products are named by their key.

    Examples
    --------
    >>> g = LinkGraph.from_columns(["硅片", "电池片"], ["电池片", "组件"], ["INPUT_TO", "INPUT_TO"])
    >>> g.keys, len(g)
    (['电池片', '硅片', '组件'], 2)
    >>> [g.keys[i] for i in g.src[g.incoming(np.array([g.ids["组件"]]))]]
    ['电池片']
    """

    keys: list[str]
    ids: dict[str, int]
    rels: tuple[str, ...]
    src: np.ndarray
    dst: np.ndarray
    rel: np.ndarray
    weight: np.ndarray
    ptr: np.ndarray
    names: Mapping[str, str] = field(default_factory=dict)
    # Things derived from the graph alone (e.g. the parents of each industry), kept with it.
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.src)

    @property
    def nbytes(self) -> int:
        """Bytes held by the link arrays (the keys and names are Python strings on top)."""
        return int(sum(a.nbytes for a in (self.src, self.dst, self.rel, self.weight, self.ptr)))

    @classmethod
    def from_columns(
        cls,
        src: Sequence[str],
        dst: Sequence[str],
        rel: Sequence[str],
        weight: Sequence[float | None] | None = None,
        *,
        names: Mapping[str, str] | None = None,
    ) -> LinkGraph:
        """Build from parallel lists of link ends, types and weights (``None``: no weight)."""
        n = len(src)
        codes, keys = _factorize([*src, *dst])
        ids = dict(zip(keys, range(len(keys)), strict=True))
        s, d = codes[:n].astype(np.int32), codes[n:].astype(np.int32)
        rel_codes, rel_names = _factorize(list(rel))
        rels = tuple(rel_names)
        r = rel_codes.astype(np.int8)
        w = np.full(n, np.nan) if weight is None else np.array(weight, dtype=np.float64)  # None -> nan
        return cls._build(keys, ids, rels, s, d, r, w, dict(names or {}))

    @classmethod
    def from_links(cls, links: Iterable[Any]) -> LinkGraph:
        """Build from objects with ``src``, ``dst``, ``rel`` and ``weight`` (such as chain ``Link`` tuples)."""
        links = list(links)
        return cls.from_columns(
            [lk.src for lk in links], [lk.dst for lk in links], [lk.rel for lk in links], [lk.weight for lk in links]
        )

    @classmethod
    def _build(
        cls,
        keys: list[str],
        ids: dict[str, int],
        rels: tuple[str, ...],
        s: np.ndarray,
        d: np.ndarray,
        r: np.ndarray,
        w: np.ndarray,
        names: dict[str, str],
    ) -> LinkGraph:
        keep = s != d  # a segment does not feed itself
        s, d, r, w = s[keep], d[keep], r[keep], w[keep]
        missing = np.isnan(w)
        wv = np.where(missing, 0.0, w)
        order = np.lexsort((wv, missing, r, s, d))
        s, d, r, w, missing, wv = s[order], d[order], r[order], w[order], missing[order], wv[order]
        if len(s):
            same = (s[1:] == s[:-1]) & (d[1:] == d[:-1]) & (r[1:] == r[:-1])
            same &= (missing[1:] == missing[:-1]) & (wv[1:] == wv[:-1])
            first = np.r_[True, ~same]
            s, d, r, w = s[first], d[first], r[first], w[first]
        ptr = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(np.bincount(d, minlength=len(keys)), out=ptr[1:])
        return cls(keys, ids, rels, s, d, r, w, ptr, names)

    def incoming(self, nodes: np.ndarray) -> np.ndarray:
        """Indices of the links into ``nodes`` (node ids), node by node in the order given."""
        starts = self.ptr[nodes]
        counts = self.ptr[nodes + 1] - starts
        total = int(counts.sum())
        if not total:
            return np.zeros(0, dtype=np.int64)
        offsets = np.cumsum(counts) - counts
        return np.repeat(starts - offsets, counts) + np.arange(total)


# Below this many values a dict numbers them faster than importing pandas (0.25 s) would take.
_SMALL = 100_000


def _factorize(values: list[str]) -> tuple[np.ndarray, list[str]]:
    """Number ``values`` by their rank among the distinct values: (codes, sorted distinct values)."""
    if len(values) < _SMALL:
        keys = sorted(set(values))
        ids = {k: i for i, k in enumerate(keys)}
        return np.fromiter((ids[v] for v in values), dtype=np.int64, count=len(values)), keys
    # pandas' hash-table factorize numbers large key sets in sorted order, 5-10x faster than a dict.
    import pandas as pd

    codes, uniques = pd.factorize(np.array(values, dtype=object), sort=True)
    return np.asarray(codes), list(uniques.tolist())


def to_arrays(graph: LinkGraph) -> dict[str, np.ndarray]:
    """The graph as plain arrays (fixed-width strings for the keys), to be written as one ``.npz``.

    Examples
    --------
    >>> g = LinkGraph.from_columns(["硅片"], ["电池片"], ["INPUT_TO"], names={"硅片": "硅"})
    >>> h = from_arrays(to_arrays(g))
    >>> h.keys, h.rels, h.names, h.src.tolist(), h.ptr.tolist()
    (['电池片', '硅片'], ('INPUT_TO',), {'硅片': '硅'}, [1], [0, 1, 1])
    """
    return {
        "keys": np.array(graph.keys, dtype=str),
        "rels": np.array(graph.rels, dtype=str),
        "src": graph.src,
        "dst": graph.dst,
        "rel": graph.rel,
        "weight": graph.weight,
        "ptr": graph.ptr,
        "name_keys": np.array(list(graph.names), dtype=str),
        "name_values": np.array(list(graph.names.values()), dtype=str),
    }


def from_arrays(arrays: Mapping[str, np.ndarray]) -> LinkGraph:
    """The graph written by :func:`to_arrays` (already sorted and de-duplicated: nothing is redone)."""
    keys: list[str] = arrays["keys"].tolist()
    names = dict(zip(arrays["name_keys"].tolist(), arrays["name_values"].tolist(), strict=True))
    return LinkGraph(
        keys,
        dict(zip(keys, range(len(keys)), strict=True)),
        tuple(arrays["rels"].tolist()),
        arrays["src"],
        arrays["dst"],
        arrays["rel"],
        arrays["weight"],
        arrays["ptr"],
        names,
    )
