"""Chain-map segments (产业链环节): which products and firms belong to each, and their status.

Pure functions over plain values (no store): the loader uses :func:`match_products` and
:func:`match_enterprises` to materialise ``IN_SEGMENT``; the segment answers use
:func:`segment_status` and :func:`sole_firm_losses`. The semantics are those of the chain-map
file format (docs/ingest.md, "Chain maps"):

- a product belongs to a segment when its canonical name is one of ``products``, contains one
  of ``keywords``, or is (a sub-class of) one of ``taxonomy``, unless it contains an
  ``exclude`` keyword; a parent segment holds its own products and its children's;
- an enterprise belongs to a segment when it makes one of the segment's products, is in one
  of its ``industries`` (or a sub-industry), carries one of its GB/T 4754 code prefixes, or is
  listed in ``enterprises``.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

SegmentStatus = Literal["covered", "weak", "gap", "no_supplier"]
STATUS_ORDER: tuple[SegmentStatus, ...] = ("gap", "weak", "covered", "no_supplier")
SEGMENT_STATUS_ZH: dict[str, str] = {
    "covered": "已覆盖",
    "weak": "薄弱",
    "gap": "缺口",
    "no_supplier": "无已知供应商",
}

_SPACE = re.compile(r"\s+")


def match_key(name: str) -> str:
    """The canonical form of a product name used for matching (never stored).

    NFKC (which also folds full-width letters, digits and punctuation to half-width), ``\\``
    to ``/``, whitespace collapsed and stripped, ASCII letters upper-cased.

    Examples
    --------
    >>> match_key(" ＬＥＤ  芯片 ") == match_key("led 芯片")
    True
    >>> match_key("锌合金\\\\铝合金")
    '锌合金/铝合金'
    """
    t = unicodedata.normalize("NFKC", name).replace("\\", "/")
    t = _SPACE.sub(" ", t).strip()
    return t.upper()


@dataclass(frozen=True)
class SegmentRule:
    """The match rules of one segment (``key`` is the stored key, ``map/segment``)."""

    key: str
    parent: str | None = None
    products: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    taxonomy: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    gb4754: tuple[str, ...] = ()
    enterprises: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """Why something belongs to a segment: the rule and what matched (keyword, product ...)."""

    rule: str
    via: str
    weight: int = 1


@dataclass
class Membership:
    """Members of each segment by key, with their evidence."""

    products: dict[str, dict[str, Evidence]] = field(default_factory=dict)
    enterprises: dict[str, dict[str, Evidence]] = field(default_factory=dict)


def _descendants(roots: Iterable[str], children: Mapping[str, Collection[str]]) -> dict[str, str]:
    """Every node reachable down ``children`` from ``roots`` -> the root it was reached from."""
    out: dict[str, str] = {}
    for root in roots:
        stack = [root]
        while stack:
            n = stack.pop()
            if n in out:
                continue
            out[n] = root
            stack.extend(children.get(n, ()))
    return out


class _NameIndex:
    """Names joined into one text, so a keyword is found with one C-speed scan, not a loop
    over 100,000 names per keyword (the public data holds ~95k products)."""

    SEP = "\n"

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.starts: list[int] = []
        pos = 0
        for n in names:
            self.starts.append(pos)
            pos += len(n) + 1
        self.text = self.SEP.join(names)

    def containing(self, keyword: str) -> list[str]:
        """The names containing ``keyword`` (an empty keyword matches nothing)."""
        if not keyword or self.SEP in keyword:
            return []
        out: list[str] = []
        seen = -1
        i = self.text.find(keyword)
        while i >= 0:
            j = bisect.bisect_right(self.starts, i) - 1
            if j != seen:
                out.append(self.names[j])
                seen = j
            # Jump to the next name: one hit per name is enough.
            nxt = self.starts[j + 1] if j + 1 < len(self.starts) else len(self.text)
            i = self.text.find(keyword, nxt)
        return out


def match_products(
    rules: Sequence[SegmentRule],
    products: Iterable[str],
    subtypes: Iterable[tuple[str, str]] = (),
) -> dict[str, dict[str, Evidence]]:
    """Segment key -> {product key: evidence}; a parent segment also holds its children's.

    ``products`` are product keys (the verbatim names); ``subtypes`` are ``SUBTYPE_OF`` pairs
    (sub-class, class). Evidence order: an exact name beats taxonomy beats a keyword.
    """
    by_key: dict[str, list[str]] = defaultdict(list)
    for p in products:
        by_key[match_key(p)].append(p)
    children: dict[str, list[str]] = defaultdict(list)
    for sub, sup in subtypes:
        children[match_key(sup)].append(match_key(sub))
    index = _NameIndex(list(by_key))
    out: dict[str, dict[str, Evidence]] = {}
    for r in rules:
        found: dict[str, Evidence] = {}
        excl = [match_key(x) for x in r.exclude]
        for kw in r.keywords:
            for c in index.containing(match_key(kw)):
                for p in by_key[c]:
                    found.setdefault(p, Evidence("keyword", kw))
        for root, top in _descendants([match_key(t) for t in r.taxonomy], children).items():
            for p in by_key.get(root, ()):
                found[p] = Evidence("taxonomy", top if root == top else f"{top} ⊃ {p}")
        for name in r.products:
            for p in by_key.get(match_key(name), ()):
                found[p] = Evidence("product", name)
        if excl:
            found = {p: e for p, e in found.items() if not any(x in match_key(p) for x in excl)}
        out[r.key] = found
    for r in rules:
        if r.parent and r.parent in out:
            parent = out[r.parent]
            for p, e in out[r.key].items():
                parent.setdefault(p, e)
    return out


def match_enterprises(
    rules: Sequence[SegmentRule],
    segment_products: Mapping[str, Mapping[str, Evidence]],
    makes: Iterable[tuple[str, str]],
    in_industry: Iterable[tuple[str, str]] = (),
    sub_industries: Iterable[tuple[str, str]] = (),
    industry_codes: Mapping[str, tuple[str, str]] | None = None,
    known_enterprises: Collection[str] | None = None,
) -> dict[str, dict[str, Evidence]]:
    """Segment key -> {enterprise key: evidence}; a parent segment also holds its children's.

    ``makes`` are (enterprise, product) pairs; ``in_industry`` (enterprise, industry);
    ``sub_industries`` (sub-industry, industry); ``industry_codes`` industry key -> (scheme,
    code), for GB/T 4754 prefixes; ``known_enterprises`` (when given) drops explicit keys the
    store lacks. An enterprise found by making products has weight = how many it makes.
    """
    made_by: dict[str, list[str]] = defaultdict(list)
    for ent, prod in makes:
        made_by[prod].append(ent)
    firms_in: dict[str, list[str]] = defaultdict(list)
    for ent, ind in in_industry:
        firms_in[ind].append(ent)
    children: dict[str, list[str]] = defaultdict(list)
    for sub, sup in sub_industries:
        children[sup].append(sub)
    codes = industry_codes or {}
    out: dict[str, dict[str, Evidence]] = {}
    for r in rules:
        found: dict[str, Evidence] = {}
        for e in r.enterprises:
            if known_enterprises is None or e in known_enterprises:
                found[e] = Evidence("enterprise", e)
        for prefix in r.gb4754:
            for ind, (scheme, code) in codes.items():
                if scheme == "GB4754" and code.startswith(prefix):
                    for e in firms_in.get(ind, ()):
                        found.setdefault(e, Evidence("gb4754", ind))
        for ind, top in _descendants(r.industries, children).items():
            for e in firms_in.get(ind, ()):
                found.setdefault(e, Evidence("industry", top if ind == top else f"{top} ⊃ {ind}"))
        made: dict[str, list[str]] = defaultdict(list)
        for prod in sorted(segment_products.get(r.key, {})):
            for e in made_by.get(prod, ()):
                made[e].append(prod)
        for e, prods in made.items():
            # Making the segment's products is the strongest evidence: it replaces the others.
            found[e] = Evidence(
                "makes", "、".join(prods[:5]) + (f" 等{len(prods)}项" if len(prods) > 5 else ""), len(prods)
            )
        out[r.key] = found
    for r in rules:
        if r.parent and r.parent in out:
            parent = out[r.parent]
            for e, ev in out[r.key].items():
                if e not in parent:
                    parent[e] = ev
                elif ev.rule == "makes" and parent[e].rule == "makes":
                    parent[e] = Evidence("makes", parent[e].via, max(parent[e].weight, ev.weight))
    return out


def segment_status(base_firms: int, makers: int) -> SegmentStatus:
    """A segment's status for a base.

    covered: two or more of the base's firms; weak: exactly one; gap: none, but there are
    makers elsewhere; no_supplier: nobody in the data at all (an R&D target, not 招商).

    Examples
    --------
    >>> [segment_status(b, m) for b, m in ((3, 9), (1, 1), (0, 4), (0, 0))]
    ['covered', 'weak', 'gap', 'no_supplier']
    """
    if base_firms >= 2:
        return "covered"
    if base_firms == 1:
        return "weak"
    return "gap" if makers > 0 else "no_supplier"


def sole_firm_losses(base_firms: Mapping[str, Collection[str]], removed: Collection[str]) -> dict[str, list[str]]:
    """Segments the base still held but would have no firm in after ``removed`` leave.

    ``base_firms``: segment key -> the base's firms in it. Returns segment key -> the removed
    firms it loses (sorted).

    Examples
    --------
    >>> sole_firm_losses({"a": {"x"}, "b": {"x", "y"}, "c": set()}, {"x"})
    {'a': ['x']}
    """
    gone = set(removed)
    out: dict[str, list[str]] = {}
    for seg, firms in base_firms.items():
        if firms and not set(firms) - gone:
            out[seg] = sorted(set(firms) & gone)
    return out


def complement_segments(
    a_firms: Mapping[str, Collection[str]], b_firms: Mapping[str, Collection[str]]
) -> dict[str, list[str]]:
    """Segments split by who holds them: ``a_fills_b`` (A has firms, B none), ``b_fills_a``,
    ``both`` and ``neither``, each a sorted list of segment keys.

    Examples
    --------
    >>> complement_segments({"s1": {"x"}, "s2": set(), "s3": {"y"}}, {"s1": set(), "s2": {"z"}, "s3": {"w"}})
    {'a_fills_b': ['s1'], 'b_fills_a': ['s2'], 'both': ['s3'], 'neither': []}
    """
    out: dict[str, list[str]] = {"a_fills_b": [], "b_fills_a": [], "both": [], "neither": []}
    for seg in sorted(set(a_firms) | set(b_firms)):
        a, b = bool(a_firms.get(seg)), bool(b_firms.get(seg))
        out["both" if a and b else "a_fills_b" if a else "b_fills_a" if b else "neither"].append(seg)
    return out
