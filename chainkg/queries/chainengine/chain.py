"""The industry chain of a base (产业链): what lies upstream of what the base makes and leads in.

Two levels, computed the same way:

- **product**: a product segment is covered by the base's enterprises that make it, a
  synonym of it, or a sub-class of either (two levels down: a maker of 不锈钢管 covers
  不锈钢); ``SUBTYPE_OF`` is taxonomy, not supply, so it matches and is never walked. The
  anchors are the covered products, less those flagged as not products
  (:mod:`chainkg.queries.products`); the walk goes upstream over ``INPUT_TO`` (inputs) only.
- **industry**: the anchors are the base's leading industries (``LEADS_IN``) and the
  industries its enterprises are in (``IN_INDUSTRY``); the walk goes upstream over
  ``UPSTREAM_OF`` (weighted supply links) and ``SUB_INDUSTRY_OF`` (sub-industries). An
  enterprise in an industry covers that industry *and every industry above it* (a firm in
  LED is in 光学光电子 too); an enterprise in a broad industry does not cover its narrower
  sub-industries, since nobody can tell which of them it works in.

At the product level a segment is covered when the base makes it, a synonym or a sub-class
of it; every other segment is a gap. At the industry level a leading
industry nobody in the base works in is a gap too.

Each segment has a distance (steps down to the nearest anchor), a stage from the chain's own
goods links (upstream: feeds the chain but nothing in it feeds it; downstream: fed but
feeding nothing, an end product; midstream: both; sub-classes and sub-industries take the
stage of what they refine), the base's enterprises covering it and the path that puts it in
the chain.

Per question the store is asked only for the base's own rows (what its enterprises make, the
industries they are in, what it leads in). The walk upstream runs in memory over the level's
link graph, which :class:`~chainkg.queries.chainengine.ChainEngine` fetches once per data version; where no
graph is held (too large, or a store that cannot tell its data version) the walk asks the
store one query per step, each starting from the base, so its cost grows with the base's chain
and the depth, not with the graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.gctuning import with_fewer_collections
from chainkg.graph.analytics.chain import (
    MAX_DEPTH,
    Chain,
    Link,
    Stage,
    Status,
    status,
    sub_industry_parents,
    to_networkx,
    walk_graph,
    walk_upstream,
)
from chainkg.graph.analytics.linkgraph import LinkGraph
from chainkg.graph.model import rel_type
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q, q_rel_type
from chainkg.i18n import _
from chainkg.queries.chainengine.engine import engine_for
from chainkg.queries.measures import holds
from chainkg.queries.products import product_info
from chainkg.queries.results import Record

if TYPE_CHECKING:  # networkx (0.2 s to import) only for chain_graph, which imports it when called
    import networkx as nx

Level = Literal["product", "industry"]
LevelChoice = Literal["product", "industry", "both"]
LEVELS: tuple[Level, ...] = ("product", "industry")
LEVEL_LABEL: dict[str, str] = {"product": "Product", "industry": "Industry"}
DEFAULT_DEPTH = 3
MAX_HIERARCHY = 6
"""Levels of an industry classification climbed at most (SW2021 has three)."""
STAGE_ZH: dict[str, str] = {"downstream": "下游", "midstream": "中游", "upstream": "上游"}
STATUS_ZH: dict[str, str] = {"covered": "已覆盖", "weak": "薄弱", "gap": "缺口"}

# Relationship types of the walk, checked against the model once at import.
PRODUCT_RELS = rel_type("INPUT_TO").type  # SUBTYPE_OF is taxonomy: it matches, it is not walked
INDUSTRY_RELS = "|".join(rel_type(t).type for t in ("UPSTREAM_OF", "SUB_INDUSTRY_OF"))

# -- named queries ------------------------------------------------------------------------------

BASE: NamedQuery = q(
    "chain.base",
    "MATCH (b:Base {key: $base}) RETURN b.key AS key, b.name AS name, b.province AS province, b.city AS city",
    "One base by key. Params: base.",
)
SOME_BASES: NamedQuery = q(
    "chain.some_bases",
    "MATCH (b:Base) RETURN b.key AS key ORDER BY key LIMIT 8",
    "A few base keys, for error messages.",
)
BASE_MAKES: NamedQuery = q(
    "chain.base_makes",
    """
MATCH (b:Base {key: $base})<-[:LOCATED_IN]-(e:Enterprise)-[:MAKES]->(p:Product)
WHERE coalesce(e.defunct, false) = false
RETURN collect(e.key) AS ent, collect(coalesce(e.name, e.key)) AS ent_name, collect(p.key) AS key""",
    "Every (enterprise, product) pair of the base's enterprises still in business (not 注销/吊销), as three "
    "parallel lists in one row. Params: base.",
)


def _as_of(name: str, pattern: str, cols: str, tie: str | None, doc: str) -> NamedQuery:
    """A query of the base's enterprises (and what ``pattern`` reaches from them) as of a year.

    One row per tie with the years that decide whether it held then (:func:`dated_rows`): the
    location's, the tie's own (``tie``, where it has them) and the firm's founding and closing.
    A firm flagged defunct counts only where its closing date says when.
    """
    dates = f", {tie}.since AS since, {tie}.until AS until" if tie else ""
    return q(
        f"chain.{name}",
        f"""
MATCH (b:Base {{key: $base}})<-[l:LOCATED_IN]-(e:Enterprise){pattern}
WHERE coalesce(e.defunct, false) = false OR e.closed IS NOT NULL
RETURN e.key AS ent, coalesce(e.name, e.key) AS ent_name{cols}, l.since AS l_since, l.until AS l_until{dates},
       e.founded AS founded, e.closed AS closed""",
        f"{doc}, with the years of location, founding and closing, one row each. Params: base.",
    )


BASE_MAKES_AS_OF = _as_of(
    "base_makes_as_of", "-[m:MAKES]->(p:Product)", ", p.key AS key", "m", "Every (enterprise, product) pair of the base"
)
BASE_INDUSTRIES_AS_OF = _as_of(
    "base_industries_as_of",
    "-[:IN_INDUSTRY]->(i:Industry)",
    ", i.key AS key, coalesce(i.name, i.key) AS name",
    None,
    "Every (enterprise, industry) pair of the base",
)
BASE_PRESENT_AS_OF = _as_of("base_present_as_of", "", "", None, "The base's enterprises")

BASE_ENTERPRISES: NamedQuery = q(
    "chain.base_enterprises",
    """
MATCH (b:Base {key: $base})<-[:LOCATED_IN]-(e:Enterprise)
RETURN e.key AS key, e.name AS name, e.full_name AS full_name""",
    "The base's enterprises. Params: base.",
)
BASE_INDUSTRIES: NamedQuery = q(
    "chain.base_industries",
    """
MATCH (b:Base {key: $base})<-[:LOCATED_IN]-(e:Enterprise)-[:IN_INDUSTRY]->(i:Industry)
WHERE coalesce(e.defunct, false) = false
RETURN collect(e.key) AS ent, collect(coalesce(e.name, e.key)) AS ent_name, collect(i.key) AS key,
       collect(coalesce(i.name, i.key)) AS name""",
    "The base's enterprises and their industries, as parallel lists in one row. Params: base.",
)
PARENTS: NamedQuery = q(
    "chain.parents",
    """
UNWIND $keys AS k
MATCH (i:Industry {key: k})-[:SUB_INDUSTRY_OF]->(p:Industry)
RETURN collect(i.key) AS key, collect(p.key) AS parent, collect(coalesce(p.name, p.key)) AS name""",
    "The parent industries of the given industries, as parallel lists in one row. Params: keys.",
)
LEADING: NamedQuery = q(
    "chain.leading",
    "MATCH (b:Base {key: $base})-[:LEADS_IN]->(i:Industry) RETURN i.key AS key, i.name AS name",
    "The base's leading industries. Params: base.",
)
# Each weight travels in a one-element list: collect() drops nulls in Neo4j, and a
# sub-industry link has no weight, so a bare collect(r.weight) would shift the lists.
INDUSTRY_LINKS: NamedQuery = q_rel_type(
    "chain.industry_links",
    f"""
UNWIND $keys AS k
MATCH (i:Industry {{key: k}})<-[r:{INDUSTRY_RELS}]-(x:Industry)
RETURN collect(x.key) AS src, collect(coalesce(x.name, x.key)) AS src_name, collect(__TYPE__(r)) AS rel,
       collect([r.weight]) AS weight, collect(i.key) AS dst""",
    "Upstream and sub-industry links into the given industries, as parallel lists in one row. Params: keys.",
)
INDUSTRY_NAMES: NamedQuery = q(
    "chain.industry_names",
    "UNWIND $keys AS k MATCH (i:Industry {key: k}) RETURN i.key AS key, i.name AS name",
    "Names of the given industries. Params: keys.",
)


def _find(name: str, label: str, prop: str, doc: str) -> NamedQuery:
    """The ``label`` nodes whose ``prop`` equals the parameter of that name, by key."""
    return q(
        f"chain.{name}",
        f"MATCH (n:{label}) WHERE n.{prop} = ${prop} RETURN n.key AS key, n.name AS name ORDER BY key",
        f"{doc} Params: {prop}.",
    )


FIND_PRODUCT = _find("find_product", "Product", "key", "A product by key.")
FIND_INDUSTRY = _find("find_industry", "Industry", "key", "An industry by key.")
FIND_INDUSTRY_BY_NAME = _find("find_industry_by_name", "Industry", "name", "Industries with this exact name.")


def _product_links_text(step: int) -> str:
    """Links into the products reached from the base's products by exactly ``step - 1`` steps.

    Each step starts again from the base and narrows with ``WITH DISTINCT``, which both
    stores plan well; a variable-length pattern would enumerate every walk instead (seconds
    on the public data) and a key list (``IN $keys``) is slower in LadybugDB. The links come
    back as three parallel lists in one row: about 3× faster to fetch than one row per link
    on both stores (16,000 links for the largest city base).
    """
    lines = [
        # The anchors: what the base covers (made, synonyms, classes above), less flagged products.
        "MATCH (p:Product) WHERE p.key IN $anchors",
        "WITH DISTINCT p AS n0",
    ]
    for i in range(1, step):
        lines.append(f"MATCH (n{i - 1})<-[:{PRODUCT_RELS}]-(n{i}:Product) WITH DISTINCT n{i}")
    last = f"n{step - 1}"
    lines.append(f"MATCH ({last})<-[r:{PRODUCT_RELS}]-(x:Product)")
    lines.append(f"RETURN collect(x.key) AS src, collect(__TYPE__(r)) AS rel, collect({last}.key) AS dst")
    return "\n".join(lines)


PRODUCT_LINKS: dict[int, NamedQuery] = {
    step: q_rel_type(
        f"chain.product_links_{step}",
        _product_links_text(step),
        f"Input links into the products {step - 1} steps upstream of the given anchors. Params: anchors.",
    )
    for step in range(1, MAX_DEPTH + 1)
}

# -- records ------------------------------------------------------------------------------------


class BaseRef(Record):
    """A base: key, name and where it is."""

    key: str
    name: str
    province: str | None = None
    city: str | None = None


class EnterpriseRef(Record):
    """An enterprise by key and name."""

    key: str
    name: str


class SegmentRef(Record):
    """A chain segment: a product or an industry."""

    level: Level
    label: str
    key: str
    name: str


class Step(Record):
    """One node of an explanation path; ``rel`` is the link to the next node (``None`` at the end)."""

    label: str
    key: str
    name: str
    rel: str | None = None
    rel_zh: str | None = None


class ChainSegment(Record):
    """One segment of a base's chain with its stage, coverage and the path that puts it there.

    ``path`` lists the keys from this segment down to its anchor, ``path_rels`` the link types
    between them (one fewer); ``path_text`` reads them out.
    """

    level: Level
    label: str
    key: str
    name: str
    distance: int
    stage: Stage
    stage_zh: str
    anchor: bool
    status: Status
    enterprises: list[EnterpriseRef]
    path: list[str]
    path_rels: list[str]
    path_text: str
    why: str
    why_zh: str


class ChainLink(Record):
    """One link of a base's chain, pointing downstream (``src`` feeds or refines ``dst``)."""

    level: Level
    src: str
    dst: str
    rel: str
    weight: float | None
    strength: float


class LevelSummary(Record):
    """Counts for one level of a base's chain; ``completeness`` = covered / segments."""

    level: Level
    anchors: int
    segments: int
    covered: int
    gaps: int
    weak_links: int
    completeness: float | None


class BaseChain(Record):
    """A base's chain: every segment, every link walked and the counts per level."""

    base: BaseRef
    depth: int
    levels: list[LevelSummary]
    segments: list[ChainSegment]
    links: list[ChainLink]


# -- the question -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainQuestion:
    """Which chain a question is about: every chain question (chain, gaps, weak links, what-if,
    complementarity …) takes one, so the base, depth, level and year are named once. Each of
    them raises :class:`~chainkg.errors.NotFoundError` for an unknown base and
    :class:`~chainkg.errors.InvalidInputError` for a depth or level out of range.

    Attributes
    ----------
    base
        The base's key, e.g. ``sz-led`` or ``city:深圳市``.
    depth
        Steps upstream from what the base makes or leads in, 1 to 6 (default 3).
    level
        ``product``, ``industry`` or ``both``.
    year
        The chain as of that year: only the firms located in the base, in business and making
        the product then cover a segment (:func:`dated_rows`); ``None``: as the data stands.

    Examples
    --------
    >>> ChainQuestion("sz-led", 2, level="product")
    ChainQuestion(base='sz-led', depth=2, level='product', year=None)
    """

    base: str
    depth: int = DEFAULT_DEPTH
    level: LevelChoice = "both"
    year: int | None = None


# -- fetching -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelChain:
    """One level of a base's chain with what the record builders need."""

    level: Level
    chain: Chain
    coverage: Mapping[str, frozenset[str]]
    names: Mapping[str, str]
    leading: frozenset[str] = frozenset()
    # Anchor phrases, computed once per anchor: thousands of paths end at the same few.
    phrases: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False, repr=False)
    # Results derived from this chain alone (its dependency scores), kept with it.
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def label(self) -> str:
        """The node label of this level's segments."""
        return LEVEL_LABEL[self.level]

    def name(self, key: str) -> str:
        """Display name of a segment (a product's name is its key)."""
        return self.names.get(key) or key


@dataclass(frozen=True)
class BaseChainData:
    """A base, its enterprises and the chain at each level asked for."""

    base: BaseRef
    depth: int
    enterprises: Mapping[str, str]
    levels: Mapping[str, LevelChain]


def check_depth(depth: int) -> int:
    """``depth`` if it is between 1 and :data:`MAX_DEPTH`; otherwise a plain-words error."""
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
        raise InvalidInputError(
            f"The chain depth must be a whole number from 1 to {MAX_DEPTH} (steps upstream); got {depth!r}.",
            field="depth",
        )
    return depth


def check_level(level: str) -> tuple[Level, ...]:
    """The levels ``level`` names: ``product``, ``industry`` or ``both``."""
    if level == "both":
        return LEVELS
    if level in LEVELS:
        return (level,)
    raise InvalidInputError(f"The level must be product, industry or both; got {level!r}.", field="level")


def get_base(store: GraphStore, base_key: str) -> BaseRef:
    """The base called ``base_key``; :class:`NotFoundError` naming a few real keys otherwise."""
    rows = store.run(BASE, {"base": base_key})
    if not rows:
        from chainkg.queries.suggest import did_you_mean

        known = [r["key"] for r in store.run(SOME_BASES)]
        hint = (
            _(" Known bases include: {keys}.").format(keys=", ".join(known))
            if known
            else _(" The store holds no bases yet: load data first.")
        )
        near = did_you_mean(store, "Base", base_key) if known else ""
        raise NotFoundError(_("There is no base with the key '{key}'.").format(key=base_key) + near + hint)
    r = rows[0]
    return BaseRef(key=r["key"], name=r["name"] or r["key"], province=r["province"], city=r["city"])


def dated_rows(rows: Sequence[Mapping[str, Any]], year: int) -> list[Mapping[str, Any]]:
    """The rows of a ``*_AS_OF`` query whose ties all held in ``year``.

    One rule with the policy measures (:func:`chainkg.queries.measures.holds`): the location
    (``l_since``..``l_until``), the tie itself (``since``..``until``) and the firm's life
    (``founded``..``closed``), both ends included, an open end holding.

    >>> rows = [{"l_since": 2015, "l_until": None, "since": None, "until": 2018,
    ...          "founded": "2012-05-01", "closed": None}]
    >>> [len(dated_rows(rows, y)) for y in (2014, 2015, 2018, 2019)]
    [0, 1, 1, 0]
    """
    return [
        r
        for r in rows
        if holds(r["l_since"], r["l_until"], year)
        and holds(r.get("since"), r.get("until"), year)
        and holds(r["founded"], r["closed"], year)
    ]


def present_in(store: GraphStore, base_key: str, year: int) -> set[str]:
    """Keys of the base's enterprises located in it and in business in ``year`` (see :func:`dated_rows`)."""
    return {r["ent"] for r in dated_rows(store.run(BASE_PRESENT_AS_OF, {"base": base_key}), year)}


def _base_pairs(store: GraphStore, base_key: str, year: int | None, level: Level) -> list[tuple[str, ...]]:
    """(enterprise, its name, key[, name]) for every tie of the base's firms at ``level``, now or in ``year``."""
    cols = ("ent", "ent_name", "key") + (("name",) if level == "industry" else ())
    if year is None:  # the current state: one row of parallel lists (see BASE_MAKES)
        query = BASE_MAKES if level == "product" else BASE_INDUSTRIES
        return [t for r in store.run(query, {"base": base_key}) for t in zip(*(r[c] for c in cols), strict=True)]
    query = BASE_MAKES_AS_OF if level == "product" else BASE_INDUSTRIES_AS_OF
    return [tuple(r[c] for c in cols) for r in dated_rows(store.run(query, {"base": base_key}), year)]


def product_chain(
    store: GraphStore, base_key: str, depth: int, *, version: Hashable | None = None, year: int | None = None
) -> tuple[LevelChain, dict[str, str]]:
    """The product level of a base's chain, and the names of the base's enterprises that make something.

    ``version``: the store's data version if the caller has just read it (see :func:`level_graph`).
    ``year``: as of that year (see :func:`dated_rows`); ``None``: as the data stands.
    """
    made: dict[str, set[str]] = defaultdict(set)
    ent_names: dict[str, str] = {}
    for ent, name, key in _base_pairs(store, base_key, year, "product"):
        made[key].add(ent)
        ent_names[ent] = name
    info = product_info(store, version)
    coverage: dict[str, set[str]] = defaultdict(set)
    for key, ents in made.items():
        for c in info.covers(key):  # itself, its synonyms and the classes above them
            coverage[c] |= ents
    # What the base covers anchors its chain (a class's inputs are its sub-classes' inputs);
    # a sales line or a business segment anchors nothing.
    anchors = sorted(k for k in coverage if not info.flagged(k))
    graph = engine_for(store).level_graph("product", version) if anchors else None
    if graph is not None:
        chain = walk_graph(graph, anchors, depth)
    else:  # no graph held: walk in the store, step by step from the base
        chain = walk_upstream(_product_links(store, anchors, depth) if anchors else [], anchors, depth)
    return LevelChain("product", chain, {k: frozenset(v) for k, v in coverage.items()}, {}), ent_names


def _product_links(store: GraphStore, anchors: Sequence[str], depth: int) -> list[Link]:
    """The product links of a base's chain, fetched one step upstream at a time from its anchors."""
    links: list[Link] = []
    for step in range(1, depth + 1):
        rows = store.run(PRODUCT_LINKS[step], {"anchors": list(anchors)})
        if not rows or not rows[0]["src"]:
            break
        r = rows[0]
        links.extend(map(Link, r["src"], r["dst"], r["rel"]))
    return links


def industry_chain(
    store: GraphStore, base_key: str, depth: int, *, version: Hashable | None = None, year: int | None = None
) -> tuple[LevelChain, dict[str, str]]:
    """The industry level of a base's chain, and the names of the base's enterprises in an industry.

    ``version``, ``year``: as for :func:`product_chain`.
    """
    coverage: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    ent_names: dict[str, str] = {}
    for ent, ent_name, key, name in _base_pairs(store, base_key, year, "industry"):
        coverage[key].add(ent)
        names[key] = name
        ent_names[ent] = ent_name
    own = set(coverage)
    graph = engine_for(store).level_graph("industry", version)
    # A firm in an industry is in every industry above it, up to MAX_HIERARCHY levels.
    parents = _parents(store, graph, own, names)
    for key in own:
        ents, todo, done = set(coverage[key]), list(parents.get(key, ())), set()
        while todo:
            p = todo.pop()
            if p not in done:
                done.add(p)
                coverage[p] |= ents
                todo.extend(parents.get(p, ()))
    leading = {r["key"]: r["name"] or r["key"] for r in store.run(LEADING, {"base": base_key})}
    names.update(leading)
    anchors = own | set(leading)
    if graph is not None:
        names = {**graph.names, **names}
        chain = walk_graph(graph, anchors, depth)
    else:  # no graph held: walk in the store, step by step from the base
        chain = walk_upstream(_industry_links(store, anchors, depth, names), anchors, depth)
        missing = [k for k in own if k not in names]
        if missing:
            names.update({r["key"]: r["name"] or r["key"] for r in store.run(INDUSTRY_NAMES, {"keys": missing})})
    cov = {k: frozenset(v) for k, v in coverage.items()}
    return LevelChain("industry", chain, cov, names, frozenset(leading)), ent_names


def _parents(store: GraphStore, graph: LinkGraph | None, own: set[str], names: dict[str, str]) -> dict[str, list[str]]:
    """The parents of ``own`` industries and of theirs, up to MAX_HIERARCHY levels (names noted).

    From the held graph when there is one; else with small key lookups, level by level (a
    variable-length pattern costs more in LadybugDB).
    """
    parents: dict[str, list[str]] = defaultdict(list)
    asked: set[str] = set()
    frontier = sorted(own)
    for _step in range(MAX_HIERARCHY):
        if not frontier:
            break
        asked.update(frontier)
        if graph is not None:
            held = sub_industry_parents(graph)
            for key in frontier:
                parents[key].extend(held.get(key, ()))
        else:
            for r in store.run(PARENTS, {"keys": frontier}):
                for key, parent, name in zip(r["key"], r["parent"], r["name"], strict=True):
                    parents[key].append(parent)
                    names[parent] = name
        frontier = sorted({p for k in frontier for p in parents.get(k, ()) if p not in asked})
    return parents


def _industry_links(store: GraphStore, anchors: set[str], depth: int, names: dict[str, str]) -> list[Link]:
    """The industry links of a chain, fetched one step upstream at a time (names noted)."""
    links: list[Link] = []
    seen = set(anchors)
    frontier = sorted(anchors)
    for _step in range(depth):
        if not frontier:
            break
        nxt: set[str] = set()
        for r in store.run(INDUSTRY_LINKS, {"keys": frontier}):
            for src, name, rel, (w,), dst in zip(r["src"], r["src_name"], r["rel"], r["weight"], r["dst"], strict=True):
                links.append(Link(src, dst, rel, None if w is None else float(w)))
                names[src] = name
                if src not in seen:
                    nxt.add(src)
        seen |= nxt
        frontier = sorted(nxt)
    return links


def load_chain(store: GraphStore, ask: ChainQuestion) -> BaseChainData:
    """Fetch a base's chain at the levels asked for (``product``, ``industry`` or ``both``).

    With ``ask.year`` only the ties (location, making, the firm's life) that held then cover a
    segment (:func:`dated_rows`); ``None``: as the data stands.

    Examples
    --------
    >>> data = load_chain(store, ChainQuestion("sz-led", depth=2))  # doctest: +SKIP
    >>> len(data.levels["product"].chain), len(data.levels["industry"].chain)  # doctest: +SKIP
    (122, 7)
    """
    base_key, depth, year = ask.base, ask.depth, ask.year
    check_depth(depth)
    levels = check_level(ask.level)

    version = store.data_version()  # read once: for the kept chains and the held link graphs

    def fetch() -> BaseChainData:
        base = get_base(store, base_key)
        out: dict[str, LevelChain] = {}
        ents: dict[str, str] = {}
        for lv in levels:
            if lv == "product":
                lc, names = product_chain(store, base_key, depth, version=version, year=year)
            else:
                lc, names = industry_chain(store, base_key, depth, version=version, year=year)
            out[lv] = lc
            ents.update(names)
        return BaseChainData(base, depth, ents, out)

    # Kept between requests while the store's data is unchanged (the engine explains when).
    return engine_for(store).cached(("chain", base_key, depth, levels, year), fetch, chain_size, version=version)


def chain_size(data: BaseChainData) -> int:
    """Segments and links of a fetched chain: what it costs to keep."""
    return sum(len(lc.chain) + lc.chain.n_links for lc in data.levels.values())


# -- explanations -------------------------------------------------------------------------------


_REL_WORDS: dict[str, tuple[str, str]] = {
    t: (rel_type(t).en, rel_type(t).zh) for t in ("INPUT_TO", "SUBTYPE_OF", "UPSTREAM_OF", "SUB_INDUSTRY_OF")
}


def rel_words(rel: str | None) -> tuple[str | None, str | None]:
    """English and Chinese words of a link type, from the model."""
    if rel is None:
        return None, None
    words = _REL_WORDS.get(rel)
    if words is None:
        rt = rel_type(rel)
        words = _REL_WORDS[rel] = (rt.en, rt.zh)
    return words


def path_steps(lc: LevelChain, path: Sequence[tuple[str, str | None]]) -> list[Step]:
    """Turn an analytics path into :class:`Step` records.

    Records built here from the store's own values skip pydantic's validation
    (``model_construct``): a chain of the public data has 20,000 segments, and validating
    their paths took most of the chain query's time.
    """
    label = lc.label
    return [
        Step.model_construct(label=label, key=key, name=lc.name(key), rel=rel, rel_zh=rel_words(rel)[1])
        for key, rel in path
    ]


def path_text(lc: LevelChain, path: Sequence[tuple[str, str | None]], *, zh: bool = False) -> str:
    """``硅片 -[is input to]-> 电池片 -[is input to]-> 光伏组件`` (``zh``: the Chinese link words)."""
    parts = []
    for key, rel in path:
        parts.append(lc.name(key))
        if rel is not None:
            en, z = rel_words(rel)
            parts.append(f"-[{z if zh else en}]->")
    return " ".join(parts)


def _ent_list(ents: Collection[str], names: Mapping[str, str], n: int = 3) -> str:
    shown = [names.get(e, e) for e in sorted(ents, key=lambda e: names.get(e, e))[:n]]
    more = f" and {len(ents) - n} more" if len(ents) > n else ""
    return ", ".join(shown) + more


def _ent_list_zh(ents: Collection[str], names: Mapping[str, str], n: int = 3) -> str:
    shown = [names.get(e, e) for e in sorted(ents, key=lambda e: names.get(e, e))[:n]]
    more = f"等{len(ents)}家" if len(ents) > n else ""
    return "、".join(shown) + more


def _anchor_phrase(lc: LevelChain, anchor: str, enterprises: Mapping[str, str]) -> tuple[str, str]:
    """Why the anchor at the end of a path belongs to the base, in English and Chinese."""
    cached = lc.phrases.get(anchor)
    if cached is None:
        cached = lc.phrases[anchor] = _anchor_phrase_text(lc, anchor, enterprises)
    return cached


def _anchor_phrase_text(lc: LevelChain, anchor: str, enterprises: Mapping[str, str]) -> tuple[str, str]:
    ents = lc.coverage.get(anchor, frozenset())
    en, zh = _ent_list(ents, enterprises), _ent_list_zh(ents, enterprises)
    verb = "works" if len(ents) == 1 else "work"
    if lc.level == "product":
        return f"made in the base by {en}", f"基地内由{zh}生产"
    if anchor in lc.leading:
        more_en = f"; {en} {verb} in it" if ents else ""
        more_zh = f"，{zh}从事该行业" if ents else ""
        return f"a leading industry of the base{more_en}", f"基地主导产业{more_zh}"
    return f"{en} in the base {verb} in it", f"基地内{zh}从事该行业"


def explain(
    lc: LevelChain,
    segment: str,
    enterprises: Mapping[str, str],
    coverage: Mapping[str, Collection[str]] | None = None,
    *,
    path: Sequence[tuple[str, str | None]] | None = None,
    text: str | None = None,
) -> tuple[str, str]:
    """Why ``segment`` is in the chain and who covers it, in English and Chinese.

    ``coverage`` overrides the level's own for the second half (what-if passes the coverage
    after a removal); the path's anchor is always described as it is. ``path`` and ``text``
    save recomputing the segment's path and its English text when the caller has them.
    """
    cov = lc.coverage if coverage is None else coverage
    path = lc.chain.path(segment) if path is None else path
    name = lc.name(segment)
    if len(path) > 1:
        phrase_en, phrase_zh = _anchor_phrase(lc, path[-1][0], enterprises)
        where_en = f"{text or path_text(lc, path)} ({phrase_en})"
        where_zh = f"{path_text(lc, path, zh=True)}（{phrase_zh}）"
    elif lc.level == "product":
        where_en, where_zh = f"{name} is one of the base's products", f"{name}是基地产品"
    elif segment in lc.leading:
        where_en, where_zh = f"{name} is a leading industry of the base", f"{name}是基地主导产业"
    else:
        where_en, where_zh = f"{name} is an industry of the base's enterprises", f"{name}是基地企业所属行业"
    ents = cov.get(segment, ())
    verb_en, verb_zh = ("makes", "生产") if lc.level == "product" else ("works in", "从事")
    if not ents:
        tail_en = f"no enterprise in the base {verb_en} {name}."
        tail_zh = f"基地内没有企业{verb_zh}{name}。"
    elif len(ents) == 1:
        tail_en = f"only {_ent_list(ents, enterprises)} in the base {verb_en} {name}."
        tail_zh = f"基地内仅{_ent_list_zh(ents, enterprises)}{verb_zh}{name}。"
    else:
        tail_en = f"{len(ents)} enterprises in the base {verb_en} {name}: {_ent_list(ents, enterprises)}."
        tail_zh = f"基地内有{len(ents)}家企业{verb_zh}{name}：{_ent_list_zh(ents, enterprises)}。"
    return f"{where_en}; {tail_en}", f"{where_zh}；{tail_zh}"


def level_summary(lc: LevelChain) -> LevelSummary:
    """Counts of one level: anchors, segments, covered, gaps, weak links, completeness."""
    segs = lc.chain.distance
    covered = sum(1 for s in segs if lc.coverage.get(s))
    weak = sum(1 for s in segs if len(lc.coverage.get(s, ())) == 1)
    return LevelSummary(
        level=lc.level,
        anchors=len(lc.chain.anchors),
        segments=len(segs),
        covered=covered,
        gaps=len(segs) - covered,
        weak_links=weak,
        completeness=covered / len(segs) if segs else None,
    )


def segment_record(lc: LevelChain, key: str, enterprises: Mapping[str, str]) -> ChainSegment:
    """The :class:`ChainSegment` record of one segment."""
    chain = lc.chain
    path = chain.path(key)
    stage = chain.stage(key)
    text = path_text(lc, path)
    why, why_zh = explain(lc, key, enterprises, path=path, text=text)
    ents = sorted(lc.coverage.get(key, ()), key=lambda e: (enterprises.get(e, e), e))
    return ChainSegment.model_construct(  # trusted values: see path_steps
        level=lc.level,
        label=lc.label,
        key=key,
        name=lc.name(key),
        distance=chain.distance[key],
        stage=stage,
        stage_zh=STAGE_ZH[stage],
        anchor=key in chain.anchors,
        status=status(chain, lc.coverage, key),
        enterprises=[EnterpriseRef.model_construct(key=e, name=enterprises.get(e, e)) for e in ents],
        path=[k for k, _ in path],
        path_rels=[r for _, r in path if r is not None],
        path_text=text,
        why=why,
        why_zh=why_zh,
    )


# -- public functions ---------------------------------------------------------------------------


@with_fewer_collections
def base_chain(
    store: GraphStore, ask: ChainQuestion, *, stage: Stage | None = None, limit: int | None = None
) -> BaseChain:
    """The upstream chain of a base at the product and industry levels.

    Parameters
    ----------
    store
        The graph store.
    ask
        The base, depth, level(s) and year (:class:`ChainQuestion`).
    stage
        Keep only segments of one stage (``downstream``, ``midstream``, ``upstream``).
    limit
        Keep at most this many segments per level (nearest first); ``None`` keeps all. The
        counts in ``levels`` always describe the whole chain; ``links`` holds the links
        between the segments kept.

    Returns
    -------
    BaseChain
        Segments (per level, nearest to the anchors first, then by key) with stage, status,
        covering enterprises and path; links walked; counts per level.

    Examples
    --------
    >>> c = base_chain(store, ChainQuestion("sz-led", 2, level="product"), stage="upstream")  # doctest: +SKIP
    >>> [(s.name, s.stage, s.status) for s in c.segments][:2]        # doctest: +SKIP
    [('LED封装器件', 'upstream', 'weak'), ('LED驱动芯片', 'upstream', 'weak')]
    """
    data = load_chain(store, ask)
    segments: list[ChainSegment] = []
    links: list[ChainLink] = []
    for lc in data.levels.values():
        keys = [s for s in lc.chain.segments if stage is None or lc.chain.stage(s) == stage]
        if limit is not None:
            keys = keys[: max(limit, 0)]
        segments.extend(segment_record(lc, k, data.enterprises) for k in keys)
        shown = set(keys) if len(keys) < len(lc.chain) else None
        strength = {(a, b): w for a, nbrs in lc.chain.down.items() for b, w in nbrs}
        links.extend(
            ChainLink.model_construct(  # trusted values: see path_steps
                level=lc.level,
                src=lk.src,
                dst=lk.dst,
                rel=lk.rel,
                weight=lk.weight,
                strength=strength.get((lk.src, lk.dst), 0.0),
            )
            for lk in sorted(lc.chain.links, key=lambda x: (x.src, x.dst, x.rel))
            if shown is None or (lk.src in shown and lk.dst in shown)
        )
    return BaseChain(
        base=data.base,
        depth=data.depth,
        levels=[level_summary(lc) for lc in data.levels.values()],
        segments=segments,
        links=links,
    )


@with_fewer_collections
def chain_graph(store: GraphStore, ask: ChainQuestion) -> nx.DiGraph:
    """A base's chain as a networkx graph, for views (pyvis) and notebooks.

    Node ids are ``"Label:key"`` (:func:`chainkg.graph.nxgraph.node_id`). Node attributes:
    ``label``, ``key``, ``name``, ``level``, ``distance``, ``stage``, ``anchor``,
    ``status`` (``covered``/``weak``/``gap``) and ``enterprises`` (names of the base's
    enterprises covering it). Edges point downstream with ``type``, ``weight``, ``strength``.

    Examples
    --------
    >>> g = chain_graph(store, ChainQuestion("sz-led", depth=2))    # doctest: +SKIP
    >>> g.nodes["Product:SMDLED器件"]["status"], g.nodes["Product:SMDLED器件"]["stage"]  # doctest: +SKIP
    ('gap', 'midstream')
    """
    import networkx as nx

    from chainkg.graph.nxgraph import node_id

    data = load_chain(store, ask)
    out = nx.DiGraph(base=data.base.key, depth=data.depth)
    for lc in data.levels.values():
        g = to_networkx(lc.chain, lc.coverage, labels=dict(lc.names))
        ids = {n: node_id(lc.label, n) for n in g.nodes}
        for n, attrs in g.nodes(data=True):
            attrs = dict(attrs)
            attrs["enterprises"] = [data.enterprises.get(e, e) for e in attrs["enterprises"]]
            attrs.update(label=lc.label, key=n, level=lc.level, name=lc.name(n))
            out.add_node(ids[n], **attrs)
        for a, b, attrs in g.edges(data=True):
            out.add_edge(ids[a], ids[b], **attrs)
    return out


def resolve_segment(store: GraphStore, segment: str) -> SegmentRef:
    """Find a chain segment from what a user typed.

    ``Product:<name>`` or ``Industry:<key>`` name it exactly; otherwise an industry key
    (``SW2021:270100``), then a product name, then a unique industry name is tried.

    Raises
    ------
    NotFoundError
        When nothing matches, or an industry name matches several industries.
    """
    label, _, rest = segment.partition(":")
    tries: list[tuple[str, str]]
    if label in ("Product", "Industry") and rest:
        tries = [(label, rest)]
    else:
        tries = [("Industry", segment), ("Product", segment)]
    for lab, key in tries:
        qy = FIND_PRODUCT if lab == "Product" else FIND_INDUSTRY
        rows = store.run(qy, {"key": key})
        if rows:
            lv: Level = "product" if lab == "Product" else "industry"
            return SegmentRef(level=lv, label=lab, key=rows[0]["key"], name=rows[0]["name"] or rows[0]["key"])
    rows = store.run(FIND_INDUSTRY_BY_NAME, {"name": segment})
    if len(rows) == 1:
        return SegmentRef(level="industry", label="Industry", key=rows[0]["key"], name=rows[0]["name"] or segment)
    if len(rows) > 1:
        keys = ", ".join(r["key"] for r in rows)
        raise NotFoundError(f"'{segment}' names several industries ({keys}); give the industry key instead.")
    raise NotFoundError(
        f"There is no product or industry called '{segment}'. Give a product name exactly as stored, "
        "an industry key such as SW2021:270100, or prefix it: Product:<name> or Industry:<key>."
    )
