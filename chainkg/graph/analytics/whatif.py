"""What-if: which chain segments become gaps when enterprises leave a base, and what they cut off.

The chain itself stays as it is (it is the base's chain, whoever makes its parts); only the
coverage changes. So removing nobody changes nothing, and removing anybody never turns a
gap into a covered segment.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from chainkg.graph.analytics.chain import Chain


@dataclass(frozen=True)
class CutOff:
    """A covered segment downstream of a new gap: it loses the base's own supply of it.

    ``path`` runs from the new gap down to the segment: (segment, link type to the next).
    """

    segment: str
    gap: str
    hops: int
    path: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class WhatIf:
    """The effect of removing enterprises: segments that become gaps, segments cut off."""

    removed: frozenset[str]
    new_gaps: tuple[str, ...]
    cut_off: tuple[CutOff, ...]
    coverage_after: Mapping[str, frozenset[str]]


def remove_enterprises(coverage: Mapping[str, Collection[str]], removed: Iterable[str]) -> dict[str, frozenset[str]]:
    """Coverage with ``removed`` enterprises taken out of every segment.

    Examples
    --------
    >>> remove_enterprises({"组件": {"甲", "乙"}, "硅片": {"甲"}}, ["甲"])
    {'组件': frozenset({'乙'}), '硅片': frozenset()}
    """
    gone = set(removed)
    return {s: frozenset(e for e in ents if e not in gone) for s, ents in coverage.items()}


def what_if(chain: Chain, coverage: Mapping[str, Collection[str]], removed: Iterable[str]) -> WhatIf:
    """Remove ``removed`` enterprises from the base and report the damage to ``chain``.

    Parameters
    ----------
    chain
        The base's chain (:func:`chainkg.graph.analytics.chain.walk_upstream`).
    coverage
        Segment -> the base's enterprises covering it.
    removed
        Enterprise keys to take out.

    Returns
    -------
    WhatIf
        ``new_gaps``: segments covered before and by nobody after, nearest to the anchors
        first. ``cut_off``: segments still covered after the removal that lie downstream
        of a new gap within the chain's depth, each with the nearest new gap and the path
        from it (ties go to the smallest gap key).

    Examples
    --------
    >>> from chainkg.graph.analytics.chain import Link, walk_upstream
    >>> c = walk_upstream([Link("硅片", "电池片", "INPUT_TO"), Link("电池片", "组件", "INPUT_TO")], ["组件"], 3)
    >>> w = what_if(c, {"组件": {"甲"}, "电池片": {"乙"}, "硅片": {"乙"}}, ["乙"])
    >>> w.new_gaps, [(x.segment, x.gap, x.hops) for x in w.cut_off]
    (('电池片', '硅片'), [('组件', '电池片', 1)])
    """
    gone = frozenset(removed)
    after = remove_enterprises(coverage, gone)
    new_gaps = tuple(s for s in chain.segments if coverage.get(s) and not after.get(s))
    # One breadth-first walk downstream from all new gaps at once: each segment is reached
    # first from its nearest new gap; sorted starts make ties go to the smallest key.
    prev: dict[str, tuple[str, str] | None] = dict.fromkeys(sorted(new_gaps))
    origin = {g: g for g in prev}
    hops = dict.fromkeys(prev, 0)
    rel_of: dict[tuple[str, str], str] = {}
    for lk in chain.links:  # the smallest link type names a pair joined by two types
        pair = (lk.src, lk.dst)
        if pair not in rel_of or lk.rel < rel_of[pair]:
            rel_of[pair] = lk.rel
    frontier = list(prev)
    for h in range(1, chain.depth + 1):
        nxt: list[str] = []
        for n in frontier:
            for m, _ in chain.down.get(n, ()):
                if m not in prev:
                    prev[m] = (n, rel_of.get((n, m), ""))
                    origin[m], hops[m] = origin[n], h
                    nxt.append(m)
        frontier = nxt
        if not frontier:
            break
    cut: list[CutOff] = []
    for seg, back in prev.items():
        if back is None or not after.get(seg):
            continue
        path: list[tuple[str, str | None]] = [(seg, None)]
        cur: tuple[str, str] | None = back
        while cur is not None:
            node, rel = cur
            path.append((node, rel))
            cur = prev[node]
        cut.append(CutOff(seg, origin[seg], hops[seg], tuple(reversed(path))))
    cut.sort(key=lambda c: (c.hops, chain.distance[c.segment], c.segment))
    return WhatIf(gone, new_gaps, tuple(cut), after)
