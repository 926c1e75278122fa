"""The innovation network of organizations: who brokers it, and which groups it falls into.

What the network holds (stated once, used by both questions):

- **Nodes**: enterprises (企业), universities and research institutes (科研机构), and the
  industry alliances (产业联盟) and patent pools (专利池) they belong to.
- **Organization ties**: ``SUPPLIES`` (enterprise → enterprise) and ``COOPERATES_WITH``
  (enterprise → university or institute, 产学研).
- **Hub ties**: ``MEMBER_OF`` (organization → alliance), ``LICENSOR_OF`` and ``LICENSEE_OF``
  (organization → patent pool). An alliance or pool is a node of its own, so two members
  are two hops apart through it, and one alliance does not turn into a clique of all its
  members (which would drown every other tie).
- Not in it: bases (location is not collaboration), industries, products, patents and tech
  fields, platforms.

The graph is read as the analytics backends read every edge query
(:mod:`chainkg.graph.analytics.backend`): undirected, one edge per pair of nodes, weighted by
how many distinct ties join the pair (each tie counts 1).

**Province filter**: with ``province`` given, an organization tie is kept when *both*
organizations are in that province, and a hub tie when its organization is; the alliance or
pool is kept whatever its own seat (pools have none), since a national alliance can still
tie two organizations of one province. ``province=None`` is the whole country.

**Arguments and errors** (the same for both questions, checked in one place): ``province`` is
written in full, e.g. 广东省, and ``limit`` is the most rows to return. An empty ``province``
or a ``limit`` below 1 is an ``InvalidInputError``; a province no organization is recorded
in is a ``NotFoundError`` (most likely a typo).

The two questions:

- :func:`network_brokers`: betweenness centrality (hops, normalized 0–1, as networkx
  computes it) — the share of shortest paths between two other nodes that run through a
  node. Brokers are the nodes with a positive score, highest first.
- :func:`network_communities`: Louvain communities, largest first, with their make-up.

Both take the analytics backend as an argument (:func:`chainkg.graph.analytics.backend.open_backend`
builds one from the ``CHAINKG_ANALYTICS`` setting): networkx pulls the edges into this
process, GDS runs the algorithm inside Neo4j; the answers are the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.analytics.backend import AnalyticsBackend, NodeId
from chainkg.graph.model import node_type, rel_type
from chainkg.graph.nxgraph import split_node_id
from chainkg.graph.store.base import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.queries.orgs import expand
from chainkg.queries.results import Record

V = TypeVar("V")

ENTERPRISE = node_type("Enterprise").label
RESEARCH_ORG = node_type("ResearchOrg").label
ALLIANCE = node_type("Alliance").label
POOL = node_type("PatentPool").label

NETWORK_LABELS: tuple[str, ...] = (ENTERPRISE, RESEARCH_ORG, ALLIANCE, POOL)
"""Labels of the nodes the network can hold, in the order members are listed."""

ORG_TIES: tuple[tuple[str, str, str], ...] = tuple(
    (a, rel_type(r).type, b)
    for a, r, b in ((ENTERPRISE, "SUPPLIES", ENTERPRISE), (ENTERPRISE, "COOPERATES_WITH", RESEARCH_ORG))
)
"""Ties between two organizations: (from label, relationship type, to label)."""

HUB_TIES: tuple[tuple[str, str], ...] = tuple(
    (rel_type(r).type, h) for r, h in (("MEMBER_OF", ALLIANCE), ("LICENSOR_OF", POOL), ("LICENSEE_OF", POOL))
)
"""Ties from an organization to a hub: (relationship type, hub label)."""

SAMPLE_NAMES = 5
"""How many member names a community lists."""

DIGITS = 9
"""Betweenness is rounded to this many decimals, so both engines rank ties alike (GDS rescales)."""

# ``coalesce($province, '') = ''`` rather than ``$province IS NULL``: LadybugDB infers a
# parameter's type from its first use and takes ``$province IS NULL`` for a boolean.
_ALL = "coalesce($province, '') = ''"


def _org_tie(src: str, rel: str, dst: str) -> str:
    return f"""
MATCH (a:{src})-[:{rel}]->(b:{dst})
WHERE {_ALL} OR (a.province = $province AND b.province = $province)
RETURN '{src}' AS src_label, a.key AS src, '{rel}' AS rel, '{dst}' AS dst_label, b.key AS dst, null AS weight"""


def _hub_tie(rel: str, hub: str) -> str:
    return expand(
        f"""
MATCH (o:__ORG__)-[:{rel}]->(h:{hub})
WHERE {_ALL} OR o.province = $province
RETURN '__ORG__' AS src_label, o.key AS src, '{rel}' AS rel, '{hub}' AS dst_label, h.key AS dst, null AS weight"""
    )


NETWORK_EDGES: NamedQuery = q(
    "network.edges",
    "\nUNION ALL\n".join([*(_org_tie(*t).strip() for t in ORG_TIES), *(_hub_tie(*t).strip() for t in HUB_TIES)]),
    "Edge query (src_label, src, rel, dst_label, dst, weight) of the innovation network: supply and 产学研 ties "
    "between organizations, and organization–alliance / organization–pool ties. Param: province (null for all).",
)

NODE_NAMES: NamedQuery = q(
    "network.node_names",
    f"""
MATCH (n:{ENTERPRISE}) WHERE n.key IN $ent
RETURN '{ENTERPRISE}' AS label, n.key AS key, n.name AS name, n.province AS province
UNION ALL
MATCH (n:{RESEARCH_ORG}) WHERE n.key IN $res
RETURN '{RESEARCH_ORG}' AS label, n.key AS key, n.name AS name, n.province AS province
UNION ALL
MATCH (n:{ALLIANCE}) WHERE n.key IN $alliance
RETURN '{ALLIANCE}' AS label, n.key AS key, n.name AS name, n.province AS province
UNION ALL
MATCH (n:{POOL}) WHERE n.key IN $pool
RETURN '{POOL}' AS label, n.key AS key, n.name AS name, '' AS province""",
    "Name and province of the given network nodes ('' for pools, which have none; LadybugDB cannot unite a null "
    "column with a text one). Params: ent, res, alliance, pool (key lists).",
    params={"ent": ["e"], "res": ["r"], "alliance": ["a"], "pool": ["p"]},
)

PROVINCE_KNOWN: NamedQuery = q(
    "network.province_known",
    expand("MATCH (o:__ORG__) WHERE o.province = $province RETURN count(o) AS n"),
    "How many enterprises and research organizations are recorded in one province (one row per label).",
)

_NAME_PARAMS = {ENTERPRISE: "ent", RESEARCH_ORG: "res", ALLIANCE: "alliance", POOL: "pool"}


# -- results ------------------------------------------------------------------------------------


class NetworkNode(Record):
    """A node of the innovation network: its id, label, key, name and province."""

    node: str
    label: str
    label_zh: str
    key: str
    name: str
    province: str | None


class NetworkBroker(NetworkNode):
    """A node that lies on shortest paths between others, with its betweenness (0–1)."""

    rank: int
    betweenness: float


class NetworkCommunity(Record):
    """One Louvain community: its size, what it is made of, and a few of its members."""

    index: int
    size: int
    enterprises: int
    research_orgs: int
    alliances: int
    patent_pools: int
    members: list[str]
    names: list[str]


# -- the questions ------------------------------------------------------------------------------


def check_province(province: str | None) -> str | None:
    """The province as the filter uses it: stripped, or ``None`` for the whole country.

    Examples
    --------
    >>> check_province(" 广东省 ")
    '广东省'
    >>> check_province(None) is None
    True
    """
    if province is None:
        return None
    text = province.strip()
    if not text:
        raise InvalidInputError("The province is empty; leave it out to see the whole country.", field="province")
    return text


def _check_limit(limit: int) -> None:
    if limit < 1:
        raise InvalidInputError("The number of rows to return must be at least 1.", field="limit")


def _run(
    store: GraphStore,
    province: str | None,
    limit: int,
    algorithm: Callable[[NamedQuery, Mapping[str, Any]], dict[NodeId, V]],
) -> dict[NodeId, V]:
    """``algorithm`` over the network (of ``province``) once the arguments are checked.

    This is the one place that checks them, as the module text says: ``InvalidInputError``
    for a bad ``limit`` or ``province``, and ``NotFoundError`` when the answer is empty because
    no organization is recorded in ``province``.
    """
    _check_limit(limit)
    province = check_province(province)
    found = algorithm(NETWORK_EDGES, {"province": province})
    if not found:
        _require_province(store, province)
    return found


def _require_province(store: GraphStore, province: str | None) -> None:
    """Raise ``NotFoundError`` when no organization is recorded in ``province`` (likely a typo)."""
    if province is None:
        return
    if not any(r["n"] for r in store.run(PROVINCE_KNOWN, {"province": province})):
        raise NotFoundError(
            f"No enterprise, university or institute is recorded in the province {province!r}. "
            "Write the province in full, as it was loaded, e.g. 广东省 or 北京市."
        )


def node_refs(store: GraphStore, nids: Iterable[NodeId]) -> dict[NodeId, NetworkNode]:
    """Name, label and province of each ``"Label:key"`` node id (a vanished node keeps its key as name).

    Examples
    --------
    >>> node_refs(store, ["Alliance:al-led"])["Alliance:al-led"].name  # doctest: +SKIP
    '半导体照明产业联盟'
    """
    wanted = list(dict.fromkeys(nids))
    keys: dict[str, list[str]] = {p: [] for p in _NAME_PARAMS.values()}
    for nid in wanted:
        label, key = split_node_id(nid)
        if label in _NAME_PARAMS:
            keys[_NAME_PARAMS[label]].append(key)
    found = {f"{r['label']}:{r['key']}": r for r in store.run(NODE_NAMES, keys)} if wanted else {}
    out: dict[NodeId, NetworkNode] = {}
    for nid in wanted:
        label, key = split_node_id(nid)
        row = found.get(nid, {})
        out[nid] = NetworkNode(
            node=nid,
            label=label,
            label_zh=node_type(label).zh if label in _NAME_PARAMS else label,
            key=key,
            name=row.get("name") or key,
            province=row.get("province") or None,
        )
    return out


def network_brokers(
    store: GraphStore, backend: AnalyticsBackend, *, province: str | None = None, limit: int = 20
) -> list[NetworkBroker]:
    """The brokers of the innovation network: nodes with the highest betweenness, highest first.

    A broker lies on many of the shortest paths between two other organizations: the link
    between groups that would otherwise not reach each other. Only nodes with a positive
    score are listed; ties are ordered by node id. See the module text for what the network
    holds and how ``province`` filters it.

    Parameters
    ----------
    store
        The graph store (names and provinces are read from it).
    backend
        Where the algorithm runs: a :class:`~chainkg.graph.analytics.backend.NetworkxBackend`
        or a :class:`~chainkg.graph.analytics.gds_backend.GdsBackend` on the same store.
    province, limit
        Only organizations of this province (``None`` for all), and the most brokers to return;
        the module text says how both are checked.

    Returns
    -------
    list[NetworkBroker]
        Rank, node id, label, key, name, province and betweenness (0–1) of each broker.

    Examples
    --------
    >>> from chainkg.graph.analytics.backend import NetworkxBackend
    >>> top = network_brokers(store, NetworkxBackend(store), province="广东省", limit=3)  # doctest: +SKIP
    >>> [(b.name, round(b.betweenness, 2)) for b in top]  # doctest: +SKIP
    [('华南电子', 0.4), ('岭南光电', 0.4)]
    """
    scores = _run(store, province, limit, backend.betweenness)
    ranked = sorted(
        ((round(v, DIGITS), nid) for nid, v in scores.items() if round(v, DIGITS) > 0),
        key=lambda x: (-x[0], x[1]),
    )[:limit]
    refs = node_refs(store, [nid for _, nid in ranked])
    return [
        NetworkBroker(**refs[nid].model_dump(), rank=i, betweenness=v) for i, (v, nid) in enumerate(ranked, start=1)
    ]


def _label_order(nid: NodeId) -> tuple[int, str]:
    label, key = split_node_id(nid)
    return (NETWORK_LABELS.index(label) if label in NETWORK_LABELS else len(NETWORK_LABELS), key)


def network_communities(
    store: GraphStore, backend: AnalyticsBackend, *, province: str | None = None, limit: int = 20
) -> list[NetworkCommunity]:
    """The communities of the innovation network (Louvain), largest first, with their make-up.

    A community is a group of organizations, alliances and pools more densely tied to each
    other than to the rest. Communities are numbered by the backend's own order (0 is the
    largest, ties by the smallest member id), so both engines number the same split alike.
    Each lists its size, how many enterprises, research organizations, alliances and pools
    it holds, and up to :data:`SAMPLE_NAMES` members (enterprises first, then research
    organizations, alliances, pools; by key within each).

    Parameters
    ----------
    store
        The graph store (names are read from it).
    backend
        Where Louvain runs (networkx with a fixed seed, or GDS with one thread: both repeatable).
    province, limit
        Only organizations of this province (``None`` for all), and the most communities to
        return; the module text says how both are checked.

    Returns
    -------
    list[NetworkCommunity]
        One record per community, largest first.

    Examples
    --------
    >>> from chainkg.graph.analytics.backend import NetworkxBackend
    >>> groups = network_communities(store, NetworkxBackend(store), limit=3)  # doctest: +SKIP
    >>> [(c.size, c.enterprises, c.names[:2]) for c in groups]  # doctest: +SKIP
    [(5, 3, ['华南电子', '岭南光电']), (4, 3, ['京北芯片', '燕山材料']), (2, 0, ['上海交通大学', '第三代半导体联盟'])]
    """
    membership = _run(store, province, limit, backend.communities)
    groups: dict[int, list[NodeId]] = {}
    for nid, c in membership.items():
        groups.setdefault(c, []).append(nid)
    chosen = sorted(groups.items())[:limit]
    samples = {c: sorted(members, key=_label_order)[:SAMPLE_NAMES] for c, members in chosen}
    refs = node_refs(store, [n for s in samples.values() for n in s])
    out = []
    for c, members in chosen:
        counts = Counter(split_node_id(n)[0] for n in members)
        out.append(
            NetworkCommunity(
                index=c,
                size=len(members),
                enterprises=counts[ENTERPRISE],
                research_orgs=counts[RESEARCH_ORG],
                alliances=counts[ALLIANCE],
                patent_pools=counts[POOL],
                members=samples[c],
                names=[refs[n].name for n in samples[c]],
            )
        )
    return out
