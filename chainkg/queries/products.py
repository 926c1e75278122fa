"""What the whole graph says about each product, held per data version: flags, synonyms, taxonomy, use.

Chain questions need, for the products of a base's chain, facts about the whole graph: which
products are flagged as not products (business segments, sales lines, fragments: see
:mod:`chainkg.graph.analytics.products`), which names are synonyms, which products are
sub-classes of which (``SUBTYPE_OF``: taxonomy, used to match, never walked as supply), how
many distinct products each input feeds (how generic it is) and how many enterprises make
each product. They change when data is loaded, not between questions, so they are fetched
once per :meth:`~chainkg.graph.store.base.GraphStore.data_version` (five queries, about
0.3 s on the public data) and held by the chain engine like the link graphs (:mod:`chainkg.queries.chainengine`).

``chainkg quality`` reports the flags and synonym groups (:func:`quality_report`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import numpy as np

from chainkg.graph.analytics.products import FLAG_CODES
from chainkg.graph.store import GraphStore
from chainkg.graph.store.changes import Changes
from chainkg.graph.store.named import NamedQuery, q
from chainkg.i18n import Msg, _, localized
from chainkg.queries.chainengine import engine_for
from chainkg.queries.results import Record

T = TypeVar("T")
V = TypeVar("V")
TAXONOMY_DEPTH = 1
"""Sub-class levels that match a product: a maker of 不锈钢管 (a sub-class of 不锈钢) covers
不锈钢 and is a candidate for it. One level: deeper, the public data's 产品小类 links drift
away (不锈钢 → 不锈钢制品 → 不锈钢饭盒), and two levels up made a maker of a car part cover
汽车 and pulled fuel oil into a display maker's chain."""

QUALITY: NamedQuery = q(
    "products.quality",
    """
MATCH (p:Product) WHERE p.quality_source IS NOT NULL
RETURN collect(p.key) AS key, collect(p.synonym_group) AS grp, collect(p.flags) AS flags""",
    "Products the quality pass wrote: synonym group and flags (parallel lists).",
)
FLAG_REASONS: NamedQuery = q(
    "products.flag_reasons",
    "UNWIND $keys AS k MATCH (p:Product {key: k}) RETURN p.key AS key, p.flag_reasons AS reasons",
    "The flag reasons of the given products. Params: keys.",
)
SUBTYPES: NamedQuery = q(
    "products.subtypes",
    "MATCH (c:Product)-[:SUBTYPE_OF]->(p:Product) RETURN collect(c.key) AS child, collect(p.key) AS parent",
    "Every sub-class link between products, as parallel lists in one row.",
)
INPUT_SOURCES: NamedQuery = q(
    "products.input_sources",
    "MATCH (x:Product)-[:INPUT_TO]->(p:Product) RETURN collect(x.key) AS src, collect(p.key) AS dst",
    "Every input link between products, as parallel lists in one row.",
)
MADE: NamedQuery = q(
    "products.made",
    "MATCH (:Enterprise)-[:MAKES]->(p:Product) RETURN collect(p.key) AS key",
    "One entry per MAKES link: the product made.",
)


@dataclass(frozen=True, eq=False)
class ProductInfo:
    """Facts about every product of the graph, as held for one data version.

    ``feeds[p]`` counts the distinct products ``p`` is an input of, ``inputs[p]`` the distinct
    inputs of ``p``; ``inputs_total`` counts the
    products that have at least one input (the N of the specificity weight). ``makers[p]``
    counts the enterprises making ``p`` itself.
    """

    flags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    group: dict[str, str] = field(default_factory=dict)
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    children: dict[str, tuple[str, ...]] = field(default_factory=dict)
    feeds: dict[str, int] = field(default_factory=dict)
    inputs: dict[str, int] = field(default_factory=dict)
    inputs_total: int = 0
    makers: dict[str, int] = field(default_factory=dict)
    memo: dict[str, object] = field(default_factory=dict, repr=False)

    def flagged(self, key: str) -> bool:
        """Whether ``key`` is flagged as not a product."""
        return key in self.flags

    def synonyms(self, key: str) -> tuple[str, ...]:
        """The other names of ``key``'s synonym group (none when it has no group)."""
        g = self.group.get(key)
        return tuple(m for m in self.members.get(g, ()) if m != key) if g else ()

    def _walk(self, start: Iterable[str], step: dict[str, tuple[str, ...]], levels: int) -> dict[str, int]:
        seen: dict[str, int] = {}
        frontier = list(start)
        for lv in range(1, levels + 1):
            nxt = []
            for k in frontier:
                for m in step.get(k, ()):
                    if m not in seen:
                        seen[m] = lv
                        nxt.append(m)
            frontier = nxt
        return seen

    def matches(self, key: str) -> dict[str, str]:
        """Products that count as ``key`` for coverage and candidates, each with how it matches.

        ``key`` itself (``exact``), its synonyms (``synonym``), and the sub-classes of either
        down :data:`TAXONOMY_DEPTH` level(s) (``subclass``); flagged products never match.
        """
        out = {key: "exact"}
        for s in self.synonyms(key):
            out.setdefault(s, "synonym")
        for c in self._walk(list(out), self.children, TAXONOMY_DEPTH):
            out.setdefault(c, "subclass")
        return {k: v for k, v in out.items() if k == key or not self.flagged(k)}

    def covers(self, made: str) -> set[str]:
        """What making ``made`` covers: itself, its synonyms and the classes above either (:data:`TAXONOMY_DEPTH`)."""
        if self.flagged(made):
            return {made}
        own = {made, *self.synonyms(made)}
        return own | set(self._walk(own, self.parents, TAXONOMY_DEPTH))

    def known_makers(self, key: str) -> int:
        """Enterprises making ``key``, a synonym or a sub-class of it (an enterprise may count twice)."""
        return sum(self.makers.get(m, 0) for m in self.matches(key))

    def input_share(self, key: str) -> float:
        """The share of ``key``'s inputs that one of them is: ``1 / inputs``, 1 for a product with none known."""
        return 1.0 / max(self.inputs.get(key, 0), 1)

    def specificity(self, key: str) -> float:
        """How specific an input is: ``ln((N + 1) / f) / ln(N + 1)`` (an IDF weight scaled to (0, 1]).

        ``f`` is the number of distinct products ``key`` feeds in the whole graph (at least 1)
        and ``N`` the number of products with at least one input: an input of one product
        weighs 1, an input of every product ``ln((N + 1) / N) / ln(N + 1)``, close to 0.
        """
        n = self.inputs_total
        if n <= 0:
            return 1.0
        return math.log((n + 1) / max(self.feeds.get(key, 0), 1)) / math.log(n + 1)


def build_info(
    quality: Iterable[tuple[str, str | None, Collection[str] | None]],
    subtypes: Iterable[tuple[str, str]],
    inputs: Iterable[tuple[str, str]],
    made: Iterable[str],
) -> ProductInfo:
    """A :class:`ProductInfo` from plain rows (pure: tested on tiny lists).

    ``quality``: ``(key, group, flags)``; ``subtypes``: ``(child, parent)``; ``inputs``:
    ``(input, product)``; ``made``: one product key per MAKES link.
    """
    info = ProductInfo()
    _add_quality(info, quality)
    _add_taxonomy(info, subtypes)
    _add_inputs(info, inputs)
    info.makers.update(Counter(made))
    _share_keys(info)
    return info


def _add_quality(info: ProductInfo, quality: Iterable[tuple[str, str | None, Collection[str] | None]]) -> None:
    members: dict[str, list[str]] = defaultdict(list)
    for key, grp, flags in quality:
        if flags:
            info.flags[key] = tuple(flags)
        if grp and grp != key:
            info.group[key] = grp
            members[grp].append(key)
    for g, ms in members.items():
        info.group[g] = g
        info.members[g] = tuple(sorted({g, *ms}))


def _add_taxonomy(info: ProductInfo, subtypes: Iterable[tuple[str, str]]) -> None:
    # Sorted once as pairs (fast in C), so every list below comes out in key order.
    parents: dict[str, list[str]] = defaultdict(list)
    children: dict[str, list[str]] = defaultdict(list)
    for c, p in sorted({(c, p) for c, p in subtypes if c != p}):
        parents[c].append(p)
        children[p].append(c)
    info.parents.update({k: tuple(v) for k, v in parents.items()})
    info.children.update({k: tuple(v) for k, v in children.items()})


def _add_inputs(info: ProductInfo, inputs: Iterable[tuple[str, str]]) -> None:
    links = {(x, p) for x, p in inputs if x != p}
    info.feeds.update(Counter(x for x, _ in links))
    info.inputs.update(Counter(p for _, p in links))
    object.__setattr__(info, "inputs_total", len({p for _, p in links}))


def _share_keys(info: ProductInfo) -> None:
    """Make every occurrence of a product key one string object, in place (values unchanged).

    The rows come from separate queries, so each table holds its own copy of a key; shared, the
    facts kept on disk pickle each key once and load in half the time (0.028 against 0.062 s
    for the public data's 100,000 entries, a 28 % smaller file).
    """
    one: dict[str, str] = {}

    def k(x: str) -> str:
        return one.setdefault(x, x)

    def refill(table: dict[str, V], value: Callable[[V], V]) -> None:
        # rebuilt, not assigned over: a dict keeps its first key object when an equal one is set
        new = {k(key): value(v) for key, v in table.items()}
        table.clear()
        table.update(new)

    def same(v: V) -> V:
        return v

    refill(info.group, k)
    for keys in (info.members, info.parents, info.children):
        refill(keys, lambda t: tuple(map(k, t)))
    refill(info.flags, same)  # its values are reasons, not keys
    for counts in (info.feeds, info.inputs, info.makers):
        refill(counts, same)


def held(
    store: GraphStore, name: str, fetch: Callable[[], T], version: Hashable | None = None, *, on_disk: bool = False
) -> T:
    """``fetch()`` once per data version of ``store``, held by its chain engine (always, for a store
    that cannot tell its version); ``on_disk``: kept beside an embedded store for the next process."""
    return engine_for(store).held(name, fetch, version, on_disk=on_disk)


def _quality_rows(store: GraphStore) -> Iterable[tuple[str, str | None, Collection[str] | None]]:
    qr = store.run(QUALITY)
    return zip(qr[0]["key"], qr[0]["grp"], qr[0]["flags"], strict=True) if qr else iter(())


def _fetch(store: GraphStore) -> ProductInfo:
    quality = _quality_rows(store)
    st = store.run(SUBTYPES)
    subtypes = zip(st[0]["child"], st[0]["parent"], strict=True) if st else iter(())
    it = store.run(INPUT_SOURCES)
    inputs = zip(it[0]["src"], it[0]["dst"], strict=True) if it else iter(())
    md = store.run(MADE)
    return build_info(quality, subtypes, inputs, md[0]["key"] if md else [])


def product_info(store: GraphStore, version: Hashable | None = None) -> ProductInfo:
    """The product facts of the store's current data (fetched once per data version; after a
    small write, refreshed from the previous version's: :func:`refresh_info`)."""
    engine = engine_for(store)
    return engine.held(
        "product_info", lambda: _fetch(store), version, on_disk=True, refresh=partial(refresh_info, store)
    )


# -- the facts for new data from an earlier version's and what was written since ---------------

SUBTYPE_PARENTS_OF: NamedQuery = q(
    "products.subtype_parents_of",
    "UNWIND $keys AS k MATCH (c:Product {key: k}) MATCH (c)-[:SUBTYPE_OF]->(p:Product) "
    "RETURN c.key AS child, p.key AS parent",
    "The sub-class links from the given products. Params: keys.",
)
SUBTYPE_CHILDREN_OF: NamedQuery = q(
    "products.subtype_children_of",
    "UNWIND $keys AS k MATCH (p:Product {key: k}) MATCH (c:Product)-[:SUBTYPE_OF]->(p) "
    "RETURN c.key AS child, p.key AS parent",
    "The sub-class links into the given products. Params: keys.",
)
MADE_OF: NamedQuery = q(
    "products.made_of",
    "UNWIND $keys AS k MATCH (p:Product {key: k}) MATCH (:Enterprise)-[:MAKES]->(p) RETURN p.key AS key, count(*) AS n",
    "How many MAKES links end at each of the given products. Params: keys.",
)
_PRODUCT, _INPUT_TO, _SUBTYPE_OF, _MAKES = "Product", "INPUT_TO", "SUBTYPE_OF", "MAKES"


def refresh_info(store: GraphStore, old: ProductInfo, changes: Changes) -> ProductInfo | None:
    """The product facts now, from ``old`` (an earlier version's) and the ``changes`` written
    since: each part the changes touch is made again (quality fields from the stored ones, input
    counts from the refreshed product link graph, sub-classes and makers of the touched products
    only); ``None`` when that cannot be done (changes unknown, no product link graph held)."""
    if changes.unknown:
        return None
    if not changes.touches([_PRODUCT], [_INPUT_TO, _SUBTYPE_OF, _MAKES]):
        return old
    info = ProductInfo(
        flags=dict(old.flags),
        group=dict(old.group),
        members=dict(old.members),
        parents=dict(old.parents),
        children=dict(old.children),
        feeds=dict(old.feeds),
        inputs=dict(old.inputs),
        inputs_total=old.inputs_total,
        makers=dict(old.makers),
    )
    if changes.nodes.get(_PRODUCT):  # the quality pass may regroup any product: its few rows, again
        for table in (info.flags, info.group, info.members):
            table.clear()
        _add_quality(info, _quality_rows(store))
    sub = changes.rels.get(_SUBTYPE_OF)
    if sub:
        _refresh_taxonomy(store, info, sub)
    if changes.rels.get(_INPUT_TO):
        graph = engine_for(store).level_graph("product")
        if graph is None:
            return None
        code = graph.rels.index(_INPUT_TO) if _INPUT_TO in graph.rels else -1
        on = graph.rel == code
        keys = graph.keys
        for counted, ends in ((info.feeds, graph.src[on]), (info.inputs, graph.dst[on])):
            _recount(counted, keys, np.bincount(ends, minlength=len(keys)))
        object.__setattr__(info, "inputs_total", len(info.inputs))
    made = changes.rels.get(_MAKES)
    if made:
        touched = sorted({p for _, p in made})
        for k in touched:
            info.makers.pop(k, None)
        info.makers.update({r["key"]: int(r["n"]) for r in store.run(MADE_OF, {"keys": touched}) if r["n"]})
    if changes.nodes.get(_PRODUCT):
        _share_keys(info)  # the quality tables were made anew; the others kept their shared keys
    return info


def _recount(counted: dict[str, int], keys: list[str], counts: np.ndarray) -> None:
    """Make ``counted`` hold ``counts`` (by node id of ``keys``; zeros left out), changing only
    the entries that differ: the others keep their key objects (shared: see :func:`_share_keys`)."""
    before = np.fromiter((counted.get(k, 0) for k in keys), dtype=np.int64, count=len(keys))
    for i in np.flatnonzero(counts != before).tolist():
        if counts[i]:
            counted[keys[i]] = int(counts[i])
        else:
            counted.pop(keys[i], None)
    if len(counted) != np.count_nonzero(counts):  # products that are no longer in the graph at all
        for k in counted.keys() - set(keys):
            del counted[k]


def _refresh_taxonomy(store: GraphStore, info: ProductInfo, touched: Collection[tuple[str, str]]) -> None:
    """The parents of the touched children and the children of the touched parents, again."""
    kids, heads = sorted({c for c, _ in touched}), sorted({p for _, p in touched})
    rows = {(r["child"], r["parent"]) for r in store.run(SUBTYPE_PARENTS_OF, {"keys": kids})}
    rows |= {(r["child"], r["parent"]) for r in store.run(SUBTYPE_CHILDREN_OF, {"keys": heads})}
    for k in kids:
        info.parents.pop(k, None)
    for k in heads:
        info.children.pop(k, None)
    fresh = ProductInfo()
    _add_taxonomy(fresh, rows)
    info.parents.update({k: v for k, v in fresh.parents.items() if k in set(kids)})
    info.children.update({k: v for k, v in fresh.children.items() if k in set(heads)})


# -- the quality report -------------------------------------------------------------------------


class FlaggedProduct(Record):
    """A product flagged as not a product, with its reasons and how many enterprises list it."""

    key: str
    flags: list[str]
    flags_zh: list[str]
    reasons: list[str]
    makers: int


class SynonymGroup(Record):
    """Names that denote one product; ``name`` is the group's name (the most made member)."""

    name: str
    members: list[str]
    makers: int


class QualityReport(Record):
    """Product quality of the store: flag counts, the most listed flagged products, synonym groups."""

    products_flagged: int
    by_flag: dict[str, int]
    flagged_made: int
    flagged: list[FlaggedProduct]
    groups: int
    grouped_names: int
    synonym_groups: list[SynonymGroup]
    note: str


def quality_report(store: GraphStore, *, limit: int | None = 50, flag: str | None = None) -> QualityReport:
    """The flags and synonym groups the quality pass stored, most listed first.

    ``flag`` keeps one flag code (segment, sales_service, brand, fragment, unspecified).
    """
    info = product_info(store)
    by_flag: Counter[str] = Counter(f for fl in info.flags.values() for f in fl)
    keys = [k for k, fl in info.flags.items() if flag is None or flag in fl]
    keys.sort(key=lambda k: (-info.makers.get(k, 0), k))
    shown = keys[:limit] if limit else keys
    reasons = {r["key"]: r["reasons"] or [] for r in store.run(FLAG_REASONS, {"keys": shown})}
    flagged = [
        FlaggedProduct(
            key=k,
            flags=list(info.flags[k]),
            flags_zh=[FLAG_CODES.get(f, f) for f in info.flags[k]],
            reasons=[
                localized(Msg.loads(x)) for x in reasons.get(k, ())
            ],  # stored stable, said in the reader's language
            makers=info.makers.get(k, 0),
        )
        for k in shown
    ]
    groups = [
        SynonymGroup(name=g, members=list(ms), makers=sum(info.makers.get(m, 0) for m in ms))
        for g, ms in info.members.items()
    ]
    groups.sort(key=lambda s: (-s.makers, -len(s.members), s.name))
    note = (
        _(
            "No product carries quality fields: run a load (chainkg ingest / ingest-ckg / ingest-demo), "
            "which runs the quality pass."
        )
        if not info.flags and not info.members
        else _("Flagged products stay in the graph; analyses leave them out unless asked to include them.")
    )
    return QualityReport(
        products_flagged=len(info.flags),
        by_flag=dict(sorted(by_flag.items())),
        flagged_made=sum(1 for k in info.flags if info.makers.get(k, 0)),
        flagged=flagged,
        groups=len(groups),
        grouped_names=sum(len(g.members) for g in groups),
        synonym_groups=groups[:limit] if limit else groups,
        note=note,
    )
