"""The named Cypher that fetches a whole level's link graph (the engine's only store reads of its own).

Each level's links are fetched as parallel lists in one row and numbered into a
:class:`~chainkg.graph.analytics.linkgraph.LinkGraph`; the walking and scoring over it are pure
functions in :mod:`chainkg.graph.analytics.chain`.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Literal

from chainkg.graph.model import rel_type
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q, q_rel_type

if TYPE_CHECKING:  # numpy: imported when a level is fetched
    from chainkg.graph.analytics.linkgraph import LinkGraph

log = logging.getLogger(__name__)

Level = Literal["product", "industry"]
LEVELS: tuple[Level, ...] = ("product", "industry")

_PRODUCT_RELS = rel_type("INPUT_TO").type  # SUBTYPE_OF is taxonomy, matched (queries.products), not walked
_INDUSTRY_RELS = "|".join(rel_type(t).type for t in ("UPSTREAM_OF", "SUB_INDUSTRY_OF"))

# The names keep their "chainindex." prefix: they are the same questions as before the engine.
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


def fetch_level(store: GraphStore, level: Level, max_links: int) -> LinkGraph | None:
    """The whole link graph of ``level``, or ``None`` when it has more than ``max_links`` links."""
    from chainkg.graph.analytics.linkgraph import LinkGraph

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
