"""Held link graphs: thin functions over the store's chain engine (:mod:`chainkg.queries.chainengine`).

A base's chain is walked upstream over the goods and classification links of its level in a
:class:`~chainkg.graph.analytics.linkgraph.LinkGraph` held by the engine per data version
(fetched once, or loaded from disk beside the embedded store), or, where none is held, step by
step in the store. Both ways give the same chain (``tests/queries/test_chainindex.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable

from chainkg.graph.analytics.linkgraph import LinkGraph
from chainkg.graph.model import rel_type
from chainkg.graph.store import GraphStore
from chainkg.queries.chainengine import DEFAULT_MAX_LINKS, engine_for
from chainkg.queries.chainengine.fetch import (
    ALL_INDUSTRY_LINKS,
    ALL_INDUSTRY_NAMES,
    ALL_PRODUCT_LINKS,
    COUNT_INDUSTRY_LINKS,
    COUNT_PRODUCT_LINKS,
    Level,
)

__all__ = [
    "ALL_INDUSTRY_LINKS",
    "ALL_INDUSTRY_NAMES",
    "ALL_PRODUCT_LINKS",
    "COUNT_INDUSTRY_LINKS",
    "COUNT_PRODUCT_LINKS",
    "DEFAULT_MAX_LINKS",
    "Level",
    "forget",
    "is_held",
    "level_graph",
    "parents",
    "set_limit",
    "warm",
]

SUB_INDUSTRY = rel_type("SUB_INDUSTRY_OF").type


def set_limit(store: GraphStore, max_links: int) -> None:
    """Hold a level's link graph for ``store`` only up to ``max_links`` links (0: never)."""
    engine_for(store).set_limit(max_links)


def forget(store: GraphStore) -> None:
    """Drop what the engine of ``store`` holds in memory (benchmarks use it to time a cold start)."""
    engine_for(store).forget()


def level_graph(store: GraphStore, level: Level, version: Hashable | None = None) -> LinkGraph | None:
    """The whole link graph of ``level`` as held for the store's current data, or ``None`` (walk the store)."""
    return engine_for(store).level_graph(level, version)


def is_held(store: GraphStore, level: Level) -> bool:
    """Whether a graph of ``level`` is held for the store's current data (nothing is fetched)."""
    return engine_for(store).is_held(level)


def warm(store: GraphStore) -> bool:
    """Hold both levels' graphs and the product facts now (see :meth:`ChainEngine.warm`)."""
    return engine_for(store).warm()


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
