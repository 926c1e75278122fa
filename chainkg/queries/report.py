"""What the annual review report needs beyond the other questions: the base's alliances and
patent pools in a year (with its members' count), and where the stored facts came from.

Provenance: every node carries ``source`` (file or data set) and ``loaded_at`` (UTC time of
the load); the report lists each source with the node types it holds, how many, and the
latest load. Labels come from the model, one grouped query per label.
"""

from __future__ import annotations

from collections import defaultdict

from chainkg.graph.model import NODE_TYPES
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.queries.measures import holds
from chainkg.queries.orgs import expand
from chainkg.queries.results import Record

BASE_ALLIANCES: NamedQuery = q(
    "report.base_alliances",
    expand(
        """
MATCH (o:__ORG__)-[:LOCATED_IN]->(b:Base {key: $base}), (o)-[m:MEMBER_OF]->(a:Alliance)
RETURN a.key AS key, a.name AS name, o.key AS org, m.since AS since, m.until AS until, m.role AS role"""
    ),
    "Alliances the base's enterprises and research organizations belong to, one row per member.",
)
ALLIANCE_SIZE: NamedQuery = q(
    "report.alliance_size",
    "MATCH (o)-[:MEMBER_OF]->(a:Alliance) WHERE a.key IN $keys RETURN a.key AS key, count(DISTINCT o) AS n",
    "Members of each alliance, everywhere.",
)
BASE_POOLS: NamedQuery = q(
    "report.base_pools",
    "\nUNION ALL\n".join(
        expand(
            f"""
MATCH (o:__ORG__)-[:LOCATED_IN]->(b:Base {{key: $base}}), (o)-[r:{rel}]->(p:PatentPool)
RETURN p.key AS key, p.name AS name, o.key AS org, '{role}' AS role, r.since AS since, NULL AS until"""
        )
        for rel, role in (("LICENSOR_OF", "licensor"), ("LICENSEE_OF", "licensee"))
    ),
    "Patent pools the base's organizations license to (licensor) or from (licensee).",
)
POOL_PATENTS: NamedQuery = q(
    "report.pool_patents",
    "MATCH (t:Patent)-[:IN_POOL]->(p:PatentPool) WHERE p.key IN $keys RETURN p.key AS key, count(t) AS n",
    "Patents in each pool.",
)


def _source_query(label: str) -> NamedQuery:
    return q(
        f"report.sources.{label}",
        f"MATCH (n:{label}) WHERE n.source IS NOT NULL "
        "RETURN n.source AS source, count(n) AS n, max(n.loaded_at) AS loaded_at",
        f"Where the {label} nodes came from: count and latest load per source.",
    )


SOURCE_QUERIES: dict[str, NamedQuery] = {n.label: _source_query(n.label) for n in NODE_TYPES}


class HubRow(Record):
    """An alliance or a patent pool the base takes part in, in the year."""

    key: str
    name: str
    base_members: int
    roles: dict[str, int]
    size: int | None
    """All members of the alliance, or the patents of the pool (None where unknown)."""


class SourceRow(Record):
    """One source of stored facts: what it holds and when it was last loaded."""

    source: str
    kinds: dict[str, int]
    """Node label (``Enterprise``) → how many nodes of that type came from the source."""
    nodes: int
    loaded_at: str | None


def _hubs(rows: list[dict[str, object]], year: int, sizes: dict[str, int]) -> list[HubRow]:
    members: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = {}
    for r in rows:
        if not holds(r.get("since"), r.get("until"), year):
            continue
        k = str(r["key"])
        names[k] = str(r.get("name") or k)
        if str(r["org"]) not in members[k]:
            roles[k][str(r.get("role") or "member")] += 1
        members[k].add(str(r["org"]))
    return [
        HubRow(key=k, name=names[k], base_members=len(members[k]), roles=dict(roles[k]), size=sizes.get(k))
        for k in sorted(names, key=lambda k: (-len(members[k]), k))
    ]


def base_alliances(store: GraphStore, base: str, year: int) -> list[HubRow]:
    """Alliances with members from ``base`` in ``year``, most base members first."""
    rows = store.run(BASE_ALLIANCES, {"base": base})
    keys = sorted({str(r["key"]) for r in rows})
    sizes = {str(r["key"]): int(r["n"]) for r in store.run(ALLIANCE_SIZE, {"keys": keys})} if keys else {}
    return _hubs(rows, year, sizes)


def base_pools(store: GraphStore, base: str, year: int) -> list[HubRow]:
    """Patent pools the base's organizations license to or from in ``year``, with the pool's patents."""
    rows = store.run(BASE_POOLS, {"base": base})
    keys = sorted({str(r["key"]) for r in rows})
    sizes = {str(r["key"]): int(r["n"]) for r in store.run(POOL_PATENTS, {"keys": keys})} if keys else {}
    return _hubs(rows, year, sizes)


def data_sources(store: GraphStore) -> list[SourceRow]:
    """Every source of the stored nodes with the node types it holds and its latest load time."""
    kinds: dict[str, dict[str, int]] = defaultdict(dict)
    latest: dict[str, str] = {}
    for label, query in SOURCE_QUERIES.items():
        for r in store.run(query, {}):
            src = str(r["source"])
            kinds[src][label] = int(r["n"])
            t = r.get("loaded_at")
            if t and (src not in latest or str(t) > latest[src]):
                latest[src] = str(t)
    return [
        SourceRow(source=s, kinds=k, nodes=sum(k.values()), loaded_at=latest.get(s))
        for s, k in sorted(kinds.items(), key=lambda x: (-sum(x[1].values()), x[0]))
    ]
