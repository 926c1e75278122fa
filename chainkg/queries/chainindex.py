"""The product and industry link graphs held in memory, so a base's chain is walked without the store.

A base's chain is a walk upstream over the goods and classification links of its level
(:mod:`chainkg.queries.chain`). Those links are reference data: they change when data is
loaded, not between questions. Fetching a large base's 21,700 links step by step costs the
embedded store about 55 ms and Neo4j several times that for every first question, and the
Python objects made for them as much again. So each level's whole link graph is fetched once
per :meth:`~chainkg.graph.store.base.GraphStore.data_version` into a
:class:`~chainkg.graph.analytics.linkgraph.LinkGraph` (integer arrays: 110,000 product links of
the public data take about 2 MB plus their keys), and every base's chain is walked from it in
memory (:func:`~chainkg.graph.analytics.chain.walk_graph`). Only the base's own rows (what its
enterprises make, the industries they are in, what it leads in) are asked of the store per
question.

The API fetches both graphs when it starts and again after an upload; otherwise the first
chain question after a write does (the data version moved). No graph is held when a level has
more links than the limit (``CHAINKG_CHAIN_INDEX_LINKS``, default 2,000,000: ten times the
public data), when the store cannot tell its data version, or in a CLI command (one question
per process: walking one chain in the store costs less than fetching a whole level): the
chain is then fetched step by step, bounded by the base. Both ways give the same chain
(``tests/queries/test_chainindex.py``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Hashable
from typing import Literal

from chainkg.errors import ChainkgError
from chainkg.graph.analytics.linkgraph import LinkGraph
from chainkg.graph.model import rel_type
from chainkg.graph.store import GraphStore
from chainkg.queries.chaincache import PerStore
from chainkg.queries.registry import NamedQuery, q, q_rel_type

log = logging.getLogger(__name__)

Level = Literal["product", "industry"]
DEFAULT_MAX_LINKS = 2_000_000
"""Links of one level held at most (``CHAINKG_CHAIN_INDEX_LINKS``). The public data has 110,000
product links; ten times it, 1.1 million, are held in about 180 MB (keys included)."""

_PRODUCT_RELS = rel_type("INPUT_TO").type  # SUBTYPE_OF is taxonomy, matched (queries.products), not walked
_INDUSTRY_RELS = "|".join(rel_type(t).type for t in ("UPSTREAM_OF", "SUB_INDUSTRY_OF"))
SUB_INDUSTRY = rel_type("SUB_INDUSTRY_OF").type

COUNT_PRODUCT_LINKS: NamedQuery = q(
    "chainindex.count_product_links",
    f"MATCH (:Product)-[r:{_PRODUCT_RELS}]->(:Product) RETURN count(r) AS n",
    "How many input and sub-class links join products.",
)
COUNT_INDUSTRY_LINKS: NamedQuery = q(
    "chainindex.count_industry_links",
    f"MATCH (:Industry)-[r:{_INDUSTRY_RELS}]->(:Industry) RETURN count(r) AS n",
    "How many upstream and sub-industry links join industries.",
)
ALL_PRODUCT_LINKS: NamedQuery = q_rel_type(
    "chainindex.all_product_links",
    f"""
MATCH (x:Product)-[r:{_PRODUCT_RELS}]->(p:Product)
RETURN collect(x.key) AS src, collect(__TYPE__(r)) AS rel, collect(p.key) AS dst""",
    "Every input and sub-class link between products, as parallel lists in one row.",
)
# Weights travel in one-element lists: collect() drops nulls in Neo4j (see chain.industry_links).
ALL_INDUSTRY_LINKS: NamedQuery = q_rel_type(
    "chainindex.all_industry_links",
    f"""
MATCH (x:Industry)-[r:{_INDUSTRY_RELS}]->(i:Industry)
RETURN collect(x.key) AS src, collect(__TYPE__(r)) AS rel, collect([r.weight]) AS weight, collect(i.key) AS dst""",
    "Every upstream and sub-industry link between industries, as parallel lists in one row.",
)
ALL_INDUSTRY_NAMES: NamedQuery = q(
    "chainindex.all_industry_names",
    "MATCH (i:Industry) RETURN collect(i.key) AS key, collect(coalesce(i.name, i.key)) AS name",
    "Every industry's key and name, as parallel lists in one row.",
)


class _Held:
    """The graphs of one store: per level, (data version, graph or ``None`` when too large)."""

    def __init__(self) -> None:
        self.max_links = DEFAULT_MAX_LINKS
        self.graphs: dict[str, tuple[object, LinkGraph | None]] = {}
        self.lock = threading.Lock()


_HELD: PerStore[_Held] = PerStore(_Held)


def _held(store: GraphStore) -> _Held:
    return _HELD.of(store)


def set_limit(store: GraphStore, max_links: int) -> None:
    """Hold a level's link graph for ``store`` only up to ``max_links`` links (0: never).

    Examples
    --------
    >>> set_limit(store, 0)   # doctest: +SKIP  (walk every chain step by step in the store)
    """
    held = _held(store)
    with held.lock:
        held.max_links = max(0, max_links)
        held.graphs.clear()


def forget(store: GraphStore) -> None:
    """Drop the held graphs of ``store`` (benchmarks use it to time a cold start)."""
    held = _held(store)
    with held.lock:
        held.graphs.clear()


def level_graph(store: GraphStore, level: Level, version: Hashable | None = None) -> LinkGraph | None:
    """The whole link graph of ``level`` as held for the store's current data, or ``None``.

    ``None`` means: walk the store step by step instead (the store cannot tell its data
    version, or the level has more links than the limit). The first call after a write
    fetches the graph; concurrent callers wait for that one fetch. ``version`` is the store's
    :meth:`~chainkg.graph.store.base.GraphStore.data_version` when the caller has just read
    it (one round trip fewer on Neo4j).
    """
    held = _held(store)
    if held.max_links == 0:
        return None
    if version is None:
        version = store.data_version()
    if version is None:
        return None
    kept = held.graphs.get(level)
    if kept is not None and kept[0] == version:
        return kept[1]
    with held.lock:
        kept = held.graphs.get(level)
        if kept is not None and kept[0] == version:
            return kept[1]
        graph = _fetch(store, level, held.max_links)
        if store.data_version() == version:  # nothing written meanwhile: it describes `version`
            held.graphs[level] = (version, graph)
        return graph


def is_held(store: GraphStore, level: Level) -> bool:
    """Whether a graph of ``level`` is held for the store's current data (nothing is fetched)."""
    kept = _held(store).graphs.get(level)
    return kept is not None and kept[1] is not None and kept[0] == store.data_version()


def warm(store: GraphStore) -> bool:
    """Fetch both levels' graphs now, so no user's first question waits for them.

    The API calls it at start and after an upload. Only a head start: when the store cannot
    answer, the reason is logged, ``False`` comes back, and the first chain question fetches
    the graphs (or says what is wrong) instead.
    """
    from chainkg.queries.products import product_info  # products imports chaincache, as this module does

    levels: tuple[Level, ...] = ("product", "industry")
    try:
        for level in levels:
            level_graph(store, level)
        product_info(store)  # flags, synonyms, taxonomy and specificity: every product chain needs them
    except ChainkgError as exc:
        log.warning("link graphs not fetched: %s", exc)
        return False
    return True


def _fetch(store: GraphStore, level: Level, max_links: int) -> LinkGraph | None:
    started = time.perf_counter()
    counted = store.run(COUNT_PRODUCT_LINKS if level == "product" else COUNT_INDUSTRY_LINKS)
    n = int(counted[0]["n"]) if counted else 0
    if n > max_links:
        log.info("%s links: %d, more than the limit %d; chains are walked in the store", level, n, max_links)
        return None
    if level == "product":
        r = store.run(ALL_PRODUCT_LINKS)[0]
        graph = LinkGraph.from_columns(r["src"], r["dst"], r["rel"])
    else:
        r = store.run(ALL_INDUSTRY_LINKS)[0]
        names_row = store.run(ALL_INDUSTRY_NAMES)[0]
        names = dict(zip(names_row["key"], names_row["name"], strict=True))
        weights = [w for (w,) in r["weight"]]
        graph = LinkGraph.from_columns(r["src"], r["dst"], r["rel"], weights, names=names)
    log.info("%s link graph: %d links in %.0f ms", level, len(graph), (time.perf_counter() - started) * 1000)
    return graph


def parents(graph: LinkGraph) -> dict[str, list[str]]:
    """Industry -> the industries it is a sub-industry of (from the held graph, computed once)."""
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
