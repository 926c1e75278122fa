"""The alliance map: members, the chain they cover and miss, brokers, communities, recruits.

What "the alliance's chain" means here (stated once, used everywhere):

- **Chain enterprises**: enterprises in an industry the alliance focuses on
  (``FOCUSES_ON``), or in one of its sub-industries up to three levels down
  (``SUB_INDUSTRY_OF``).
- **Chain segments** (产业链环节): the products those enterprises make, plus the direct
  upstream inputs of those products (one ``INPUT_TO`` hop).
- A segment is **covered** when a member enterprise makes it, **missing** otherwise.
- **Chain fields**: the tech fields the segments need (``NEEDS_FIELD``).

The member network joins two members that have an actual tie: one supplies the other, they
cooperate (产学研) or they co-hold a patent; optionally also a shared tech field. Brokers are
members with positive betweenness in it; communities come from Louvain
(:mod:`chainkg.graph.analytics.community`).

Recruits are non-members in the chain: enterprises that make a segment or sit in a focus
industry, and universities or institutes holding patents in the chain fields. They are
ordered by how many missing segments they make, then segments made, then patents in chain
fields, then ties to members, then id; each carries its reasons.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations

import networkx as nx

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.analytics.community import Tie, brokers, communities, community_index, tie_graph
from chainkg.graph.analytics.community import betweenness as betweenness_of
from chainkg.graph.nxgraph import node_id
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.i18n import N_, _
from chainkg.queries.orgs import ORG_LABELS, OrgRef, expand, org_refs, split_keys
from chainkg.queries.results import Record

SUB_INDUSTRY_DEPTH = 3

# -- named queries ------------------------------------------------------------------------------

ALLIANCE: NamedQuery = q(
    "alliance.get",
    "MATCH (a:Alliance) WHERE a.key = $key RETURN a.key AS key, a.name AS name, a.founded_year AS founded_year",
    "One alliance by key.",
)
MEMBERS: NamedQuery = q(
    "alliance.members",
    expand(
        """
MATCH (o:__ORG__)-[m:MEMBER_OF]->(a:Alliance) WHERE a.key = $key
RETURN '__ORG__' AS label, o.key AS key, o.name AS name, __KIND__ AS kind, m.role AS role, m.since AS since"""
    ),
    "Members of one alliance with role and year joined.",
)
FOCUS: NamedQuery = q(
    "alliance.focus",
    "MATCH (a:Alliance)-[:FOCUSES_ON]->(i:Industry) WHERE a.key = $key RETURN i.key AS key, i.name AS name",
    "Industries an alliance focuses on.",
)
CHAIN_ENTERPRISES: NamedQuery = q(
    "alliance.chain_enterprises",
    f"""
MATCH (a:Alliance)-[:FOCUSES_ON]->(top:Industry)<-[:SUB_INDUSTRY_OF*0..{SUB_INDUSTRY_DEPTH}]-(i:Industry)
      <-[:IN_INDUSTRY]-(e:Enterprise)
WHERE a.key = $key
RETURN DISTINCT e.key AS key, e.name AS name, top.key AS industry, top.name AS industry_name""",
    "Enterprises in the alliance's focus industries or their sub-industries.",
)
MADE_BY: NamedQuery = q(
    "alliance.made_by",
    "MATCH (e:Enterprise)-[:MAKES]->(p:Product) WHERE e.key IN $ent RETURN e.key AS ent, p.key AS product",
    "Products made by the given enterprises.",
)
UPSTREAM: NamedQuery = q(
    "alliance.upstream",
    """
MATCH (u:Product)-[:INPUT_TO]->(p:Product) WHERE p.key IN $products
RETURN u.key AS product, p.key AS feeds""",
    "Direct upstream inputs of the given products.",
)
MAKERS: NamedQuery = q(
    "alliance.makers",
    """
MATCH (e:Enterprise)-[:MAKES]->(p:Product) WHERE p.key IN $products
RETURN e.key AS key, e.name AS name, p.key AS product, p.name AS product_name""",
    "Every enterprise making one of the given products.",
)
SEGMENT_FIELDS: NamedQuery = q(
    "alliance.segment_fields",
    "MATCH (p:Product)-[:NEEDS_FIELD]->(f:TechField) WHERE p.key IN $products RETURN p.key AS product, f.key AS field",
    "Tech fields the given products need.",
)
RESEARCH_HOLDERS: NamedQuery = q(
    "alliance.research_holders",
    """
MATCH (o:ResearchOrg)-[:HOLDS_PATENT]->(pt:Patent)-[:IN_FIELD]->(f:TechField) WHERE f.key IN $fields
RETURN o.key AS key, count(DISTINCT pt) AS patents""",
    "Universities and institutes holding patents in the given fields, with how many such patents each.",
)
ENTERPRISE_PATENTS: NamedQuery = q(
    "alliance.enterprise_patents",
    """
MATCH (o:Enterprise)-[:HOLDS_PATENT]->(pt:Patent)-[:IN_FIELD]->(f:TechField) WHERE o.key IN $ent AND f.key IN $fields
RETURN o.key AS key, count(DISTINCT pt) AS patents""",
    "How many patents in the given fields each of the given enterprises holds.",
)
HELD_FIELDS: NamedQuery = q(
    "alliance.held_fields",
    expand(
        """
MATCH (o:__ORG__)-[:HOLDS_PATENT]->(:Patent)-[:IN_FIELD]->(f:TechField) WHERE o.key IN __KEYS__ AND f.key IN $fields
RETURN DISTINCT '__ORG__' AS label, o.key AS key, f.key AS field"""
    ),
    "Which of the given fields the given organizations hold patents in.",
)
ORG_FIELDS: NamedQuery = q(
    "alliance.org_fields",
    expand(
        """
MATCH (o:__ORG__)-[:HOLDS_PATENT]->(:Patent)-[:IN_FIELD]->(f:TechField) WHERE o.key IN __KEYS__
RETURN DISTINCT '__ORG__' AS label, o.key AS key, f.key AS field"""
    )
    + """
UNION ALL
MATCH (o:Enterprise)-[:MAKES]->(:Product)-[:NEEDS_FIELD]->(f:TechField) WHERE o.key IN $ent
RETURN DISTINCT 'Enterprise' AS label, o.key AS key, f.key AS field""",
    "Tech fields the given organizations hold patents in or (enterprises) need for their products.",
)
SUPPLY_TIES: NamedQuery = q(
    "alliance.supply_ties",
    """
MATCH (a:Enterprise)-[s:SUPPLIES]->(b:Enterprise) WHERE a.key IN $ent OR b.key IN $ent
RETURN a.key AS a, b.key AS b, s.product AS product""",
    "Supply links touching the given enterprises.",
)
COOPERATION_TIES: NamedQuery = q(
    "alliance.cooperation_ties",
    """
MATCH (a:Enterprise)-[c:COOPERATES_WITH]->(b:ResearchOrg) WHERE a.key IN $ent OR b.key IN $res
RETURN a.key AS a, b.key AS b, c.kind AS kind, c.since AS since""",
    "产学研 cooperation touching the given organizations.",
)
CO_PATENT_TIES: NamedQuery = q(
    "alliance.co_patent_ties",
    "\nUNION ALL\n".join(
        expand(
            f"""
MATCH (o:__ORG__)-[:HOLDS_PATENT]->(p:Patent)<-[:HOLDS_PATENT]-(b:{other}) WHERE o.key IN __KEYS__
RETURN '__ORG__' AS a_label, o.key AS a, '{other}' AS b_label, b.key AS b, p.key AS patent"""
        )
        for other in ORG_LABELS
    ),
    "Patents co-held by one of the given organizations and any other organization.",
)
OTHER_ALLIANCES: NamedQuery = q(
    "alliance.other_alliances",
    expand(
        """
MATCH (o:__ORG__)-[:MEMBER_OF]->(b:Alliance) WHERE o.key IN __KEYS__ AND b.key <> $key
RETURN '__ORG__' AS label, o.key AS member, b.key AS alliance, b.name AS name"""
    ),
    "Other alliances the given organizations belong to.",
)
ALLIANCE_SIZES: NamedQuery = q(
    "alliance.sizes",
    expand(
        """
MATCH (o:__ORG__)-[:MEMBER_OF]->(b:Alliance) WHERE b.key IN $alliances
RETURN '__ORG__' AS label, b.key AS alliance, count(o) AS members"""
    ),
    "Member counts of the given alliances, per member label.",
)

# -- results ------------------------------------------------------------------------------------


class IndustryRef(Record):
    """An industry by key and name."""

    key: str
    name: str


class AllianceMember(Record):
    """A member with its role and its place in the member network."""

    label: str
    key: str
    name: str
    kind: str
    role: str
    since: int | None
    makes_segments: list[str]
    fields: list[str]
    community: int
    betweenness: float
    ties: int


class ChainSegment(Record):
    """A chain segment and who covers it."""

    product: str
    made_in_chain: bool
    covered: bool
    members_making: list[str]
    others_making: int
    fields: list[str]
    members_with_patents: list[str]


class Broker(Record):
    """A member that sits on paths between other members."""

    label: str
    key: str
    name: str
    betweenness: float
    neighbours: list[str]


class MemberCommunity(Record):
    """A group of members more tied to each other than to the rest (Louvain)."""

    index: int
    size: int
    members: list[str]
    names: list[str]


class MemberTie(Record):
    """An edge of the member network: two members and what ties them."""

    a: str
    b: str
    weight: int
    ties: list[str]


class AllianceOverlap(Record):
    """Another alliance sharing members with this one."""

    alliance: str
    name: str
    shared: list[str]
    shared_count: int
    jaccard: float


class Recruit(Record):
    """A non-member in the alliance's chain, with the reasons to invite it."""

    rank: int
    label: str
    key: str
    name: str
    kind: str
    fills_gaps: list[str]
    makes: list[str]
    focus_industries: list[str]
    chain_patents: int
    chain_fields: list[str]
    member_ties: list[str]
    reasons: list[str]


class AllianceMap(Record):
    """Everything the alliance map shows, with the evidence behind each part."""

    key: str
    name: str
    founded_year: int | None
    focus_industries: list[IndustryRef]
    members: list[AllianceMember]
    chain_enterprises: int
    segments: list[ChainSegment]
    covered: list[str]
    missing: list[str]
    coverage: float | None
    chain_fields: list[str]
    ties: list[MemberTie]
    brokers: list[Broker]
    communities: list[MemberCommunity]
    overlaps: list[AllianceOverlap]
    recruits: list[Recruit]
    definition: str


DEFINITION = N_(
    "Chain segments = products made by enterprises in the focus industries (and their sub-industries), "
    "plus their direct upstream inputs; a segment is covered when a member makes it. "
    "Member ties = supply, 产学研 cooperation, co-held patents."
)
DEFINITION_SHARED = N_(
    "Chain segments = products made by enterprises in the focus industries (and their sub-industries), "
    "plus their direct upstream inputs; a segment is covered when a member makes it. "
    "Member ties = supply, 产学研 cooperation, co-held patents and shared tech fields."
)

# -- building blocks ----------------------------------------------------------------------------


def _get_alliance(store: GraphStore, key: str) -> dict[str, object]:
    rows = store.run(ALLIANCE, {"key": key})
    if not rows:
        from chainkg.queries.suggest import did_you_mean

        raise NotFoundError(
            _("No alliance has the key {key!r}.{near} Check the alliance id as it was loaded.").format(
                key=key, near=did_you_mean(store, "Alliance", key)
            )
        )
    return rows[0]


def _members(store: GraphStore, key: str) -> dict[str, tuple[OrgRef, str, int | None]]:
    out = {}
    for r in store.run(MEMBERS, {"key": key}):
        ref = OrgRef(label=r["label"], key=r["key"], name=r["name"] or r["key"], kind=r["kind"] or "")
        out[ref.nid] = (ref, r["role"] or "member", r["since"])
    return out


def _org_fields(store: GraphStore, nids: Iterable[str]) -> dict[str, set[str]]:
    fields: dict[str, set[str]] = defaultdict(set)
    for r in store.run(ORG_FIELDS, split_keys(set(nids))):
        fields[node_id(r["label"], r["key"])].add(r["field"])
    return fields


def member_ties(
    store: GraphStore,
    nids: Iterable[str],
    *,
    include_shared_fields: bool = False,
    fields: Mapping[str, set[str]] | None = None,
) -> list[Tie]:
    """Ties touching the given organizations (``"Label:key"`` ids): supply, cooperation, co-held patents.

    With ``include_shared_fields`` two of the given organizations that reach the same tech
    field are tied too (one tie per field); ``fields`` (their tech fields, as ``_org_fields``
    gives them) saves fetching those again when the caller has them.
    """
    wanted = set(nids)
    keys = split_keys(wanted)
    ties: list[Tie] = []
    for r in store.run(SUPPLY_TIES, keys):
        what = r["product"] or ""
        ties.append(Tie(node_id("Enterprise", r["a"]), node_id("Enterprise", r["b"]), "supplies", what))
    for r in store.run(COOPERATION_TIES, keys):
        detail = (r["kind"] or "other") + (f" since {r['since']}" if r["since"] is not None else "")
        ties.append(Tie(node_id("Enterprise", r["a"]), node_id("ResearchOrg", r["b"]), "cooperates", detail))
    for r in store.run(CO_PATENT_TIES, keys):
        a, b = node_id(r["a_label"], r["a"]), node_id(r["b_label"], r["b"])
        if a != b:
            lo, hi = sorted((a, b))
            ties.append(Tie(lo, hi, "co_patent", r["patent"]))
    if include_shared_fields:
        if fields is None:
            fields = _org_fields(store, wanted)
        for a, b in combinations(sorted(wanted), 2):
            ties.extend(Tie(a, b, "shared_field", f) for f in sorted(fields.get(a, set()) & fields.get(b, set())))
    return ties


def _network(members: dict[str, tuple[OrgRef, str, int | None]], ties: list[Tie]) -> nx.Graph:
    g = tie_graph(sorted(members), ties)
    groups = communities(g)
    where = community_index(groups)
    between = betweenness_of(g)
    for nid, (ref, role, since) in members.items():
        g.nodes[nid].update(
            **ref.fields(),
            role=role,
            since=since,
            community=where.get(nid, -1),
            betweenness=between.get(nid, 0.0),
        )
    g.graph["communities"] = groups
    return g


def alliance_graph(store: GraphStore, alliance_key: str, *, include_shared_fields: bool = False) -> nx.Graph:
    """The member network of an alliance as networkx, for views and notebooks.

    Nodes are ``"Label:key"`` ids with ``label``, ``key``, ``name``, ``kind``, ``role``,
    ``since``, ``community`` and ``betweenness``; edges carry ``weight`` (number of ties) and
    ``ties`` (their texts). ``graph.graph["communities"]`` holds the groups.

    Examples
    --------
    >>> g = alliance_graph(store, "al-led")  # doctest: +SKIP
    >>> max(g.nodes(data=True), key=lambda n: n[1]["betweenness"])[1]["name"]  # doctest: +SKIP
    '三安光电'
    """
    _get_alliance(store, alliance_key)
    members = _members(store, alliance_key)
    return _network(members, member_ties(store, members, include_shared_fields=include_shared_fields))


def _chain(store: GraphStore, key: str, names: dict[str, str]) -> tuple[dict[str, dict[str, str]], dict[str, bool]]:
    """Chain enterprises (nid -> focus industries) and segments (product -> made in chain?)."""
    chain_ents: dict[str, dict[str, str]] = defaultdict(dict)
    for r in store.run(CHAIN_ENTERPRISES, {"key": key}):
        nid = node_id("Enterprise", r["key"])
        chain_ents[nid][r["industry"]] = r["industry_name"] or r["industry"]
        names.setdefault(nid, r["name"] or r["key"])
    made = {r["product"] for r in store.run(MADE_BY, split_keys(set(chain_ents)))}
    segments = dict.fromkeys(sorted(made), True)
    for r in store.run(UPSTREAM, {"products": sorted(made)}):
        segments.setdefault(r["product"], False)
    return chain_ents, segments


# -- the question -------------------------------------------------------------------------------


def alliance_map(
    store: GraphStore,
    alliance_key: str,
    *,
    recruits: int = 20,
    include_shared_fields: bool = False,
) -> AllianceMap:
    """Map one alliance: members and roles, chain coverage, brokers, communities, overlaps, recruits.

    Parameters
    ----------
    store : GraphStore
        The graph.
    alliance_key : str
        Key of the alliance.
    recruits : int
        Most recruits to return (0 for none).
    include_shared_fields : bool
        Also tie members that reach the same tech field (denser network, fewer brokers).

    Returns
    -------
    AllianceMap
        See the module text for what each part means.

    Raises
    ------
    NotFoundError
        No alliance has ``alliance_key``.

    Examples
    --------
    >>> m = alliance_map(store, "al-led")  # doctest: +SKIP
    >>> m.coverage, m.missing[:3], [r.name for r in m.recruits[:2]]  # doctest: +SKIP
    (0.5, ['光刻胶', '硅片'], ['硅材股份', '化学材料'])
    """
    if recruits < 0:
        raise InvalidInputError("The number of recruits cannot be negative.", field="recruits")
    head = _get_alliance(store, alliance_key)
    members = _members(store, alliance_key)
    focus = sorted(
        (IndustryRef(key=r["key"], name=r["name"] or r["key"]) for r in store.run(FOCUS, {"key": alliance_key})),
        key=lambda i: i.key,
    )
    names: dict[str, str] = {nid: ref.name for nid, (ref, _, _) in members.items()}
    chain_ents, segments = _chain(store, alliance_key, names)
    products = sorted(segments)

    makers: dict[str, set[str]] = defaultdict(set)  # product -> enterprise nids
    for r in store.run(MAKERS, {"products": products}):
        nid = node_id("Enterprise", r["key"])
        makers[r["product"]].add(nid)
        names.setdefault(nid, r["name"] or r["key"])
    seg_fields: dict[str, set[str]] = defaultdict(set)
    for r in store.run(SEGMENT_FIELDS, {"products": products}):
        seg_fields[r["product"]].add(r["field"])
    chain_fields = sorted({f for fs in seg_fields.values() for f in fs})

    # Patents in chain fields: counts for the candidates, the fields themselves only where shown.
    outside = (set(chain_ents) | {n for ns in makers.values() for n in ns}) - set(members)
    chain_patents = {
        node_id("ResearchOrg", r["key"]): int(r["patents"])
        for r in store.run(RESEARCH_HOLDERS, {"fields": chain_fields})
    }
    ent_keys = split_keys(outside)["ent"]
    chain_patents.update(
        (node_id("Enterprise", r["key"]), int(r["patents"]))
        for r in store.run(ENTERPRISE_PATENTS, {"ent": ent_keys, "fields": chain_fields})
    )
    held = _held_fields(store, set(members), chain_fields)
    member_set = set(members)
    seg_rows = []
    for p in products:
        in_members = sorted(n for n in makers[p] if n in member_set)
        tech = sorted(n for n in member_set if held[n] & seg_fields[p])
        seg_rows.append(
            ChainSegment(
                product=p,
                made_in_chain=segments[p],
                covered=bool(in_members),
                members_making=[names[n] for n in in_members],
                others_making=len(makers[p] - member_set),
                fields=sorted(seg_fields[p]),
                members_with_patents=[names[n] for n in tech],
            )
        )
    covered = [s.product for s in seg_rows if s.covered]
    missing = [s.product for s in seg_rows if not s.covered]

    member_fields = _org_fields(store, member_set)
    ties = member_ties(store, member_set, include_shared_fields=include_shared_fields, fields=member_fields)
    g = _network(members, ties)
    member_rows = [
        AllianceMember(
            **ref.fields(),
            role=role,
            since=since,
            makes_segments=sorted(p for p in products if nid in makers[p]),
            fields=sorted(member_fields[nid]),
            community=g.nodes[nid]["community"],
            betweenness=g.nodes[nid]["betweenness"],
            ties=g.degree(nid),
        )
        for nid, (ref, role, since) in sorted(members.items(), key=lambda m: (_ROLE_ORDER.get(m[1][1], 9), m[0]))
    ]

    return AllianceMap(
        key=str(head["key"]),
        name=str(head["name"] or head["key"]),
        founded_year=head["founded_year"],
        focus_industries=focus,
        members=member_rows,
        chain_enterprises=len(chain_ents),
        segments=seg_rows,
        covered=covered,
        missing=missing,
        coverage=len(covered) / len(products) if products else None,
        chain_fields=chain_fields,
        ties=[
            MemberTie(a=names[a], b=names[b], weight=d["weight"], ties=d["ties"])
            for a, b, d in sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))
        ],
        brokers=[
            Broker(
                label=members[str(n)][0].label,
                key=members[str(n)][0].key,
                name=members[str(n)][0].name,
                betweenness=v,
                neighbours=sorted(names[str(x)] for x in g[n]),
            )
            for n, v in brokers(g)
        ],
        communities=[
            MemberCommunity(index=i, size=len(c), members=[str(n) for n in c], names=[names[str(n)] for n in c])
            for i, c in enumerate(g.graph["communities"])
        ],
        overlaps=_overlaps(store, alliance_key, members),
        recruits=_recruits(
            store, members, chain_ents, makers, missing, chain_patents, names, ties, chain_fields, recruits
        ),
        definition=_(DEFINITION_SHARED if include_shared_fields else DEFINITION),
    )


_ROLE_ORDER = {"chair": 0, "vice_chair": 1, "secretariat": 2, "member": 3}


def _overlaps(store: GraphStore, key: str, members: dict[str, tuple[OrgRef, str, int | None]]) -> list[AllianceOverlap]:
    shared: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for r in store.run(OTHER_ALLIANCES, {**split_keys(set(members)), "key": key}):
        shared[r["alliance"]].add(node_id(r["label"], r["member"]))
        names[r["alliance"]] = r["name"] or r["alliance"]
    sizes: dict[str, int] = defaultdict(int)
    for r in store.run(ALLIANCE_SIZES, {"alliances": sorted(shared)}):
        sizes[r["alliance"]] += int(r["members"])
    out = [
        AllianceOverlap(
            alliance=a,
            name=names[a],
            shared=sorted(members[n][0].name for n in s),
            shared_count=len(s),
            jaccard=len(s) / (len(members) + sizes[a] - len(s)),
        )
        for a, s in shared.items()
    ]
    out.sort(key=lambda o: (-o.shared_count, o.alliance))
    return out


def _tie_text(t: Tie, forward: bool, other: str) -> str:
    """A tie in words, from the side of the organization it is listed for."""
    if t.kind == "supplies":
        text = f"supplies {other}" if forward else f"is supplied by {other}"
    elif t.kind == "co_patent":
        text = f"co-holds a patent with {other}"
    elif t.kind == "cooperates":
        text = f"cooperates with {other}"
    else:
        text = f"{t.kind} with {other}"
    return f"{text} ({t.detail})" if t.detail else text


def _few(items: list[str], n: int = 5) -> str:
    """A readable list: the first ``n`` items and how many more there are."""
    more = len(items) - n
    return ", ".join(items[:n]) + (_(" and {n} more").format(n=more) if more > 0 else "")


def _held_fields(store: GraphStore, nids: set[str], fields: list[str]) -> dict[str, set[str]]:
    held: dict[str, set[str]] = defaultdict(set)
    if nids and fields:
        for r in store.run(HELD_FIELDS, {**split_keys(nids), "fields": fields}):
            held[node_id(r["label"], r["key"])].add(r["field"])
    return held


def _recruits(
    store: GraphStore,
    members: dict[str, tuple[OrgRef, str, int | None]],
    chain_ents: dict[str, dict[str, str]],
    makers: dict[str, set[str]],
    missing: list[str],
    chain_patents: dict[str, int],
    names: dict[str, str],
    member_tie_list: list[Tie],
    chain_fields: list[str],
    limit: int,
) -> list[Recruit]:
    """Non-members in the chain, best first (see the module text for the order)."""
    member_set = set(members)
    makes: dict[str, set[str]] = defaultdict(set)
    for p, ns in makers.items():
        for n in ns:
            makes[n].add(p)
    candidates = (set(chain_ents) | set(makes) | set(chain_patents)) - member_set
    # Ties to members of candidates: the member tie query covers member-to-anyone ties.
    ties: dict[str, list[str]] = defaultdict(list)
    for t in member_tie_list:
        for me, other in ((t.a, t.b), (t.b, t.a)):
            if me in candidates and other in member_set:
                ties[str(me)].append(_tie_text(t, me == t.a, names.get(str(other), str(other))))
    missing_set = set(missing)
    gaps = {n: sorted(makes[n] & missing_set) for n in candidates}
    top = sorted(
        candidates,
        key=lambda n: (-len(gaps[n]), -len(makes[n]), -chain_patents.get(n, 0), -len(ties[n]), n),
    )[:limit]
    refs = org_refs(store, set(top))
    held = _held_fields(store, {n for n in top if chain_patents.get(n)}, chain_fields)
    out = []
    for i, n in enumerate(top, start=1):
        ref = refs[n]
        made = sorted(makes[n])
        focus = sorted(chain_ents.get(n, {}).values())
        patents, fields = chain_patents.get(n, 0), sorted(held[n])
        reasons = []
        if gaps[n]:
            reasons.append(_("makes {items}, which no member makes").format(items=_few(gaps[n])))
        if made and made != gaps[n]:
            reasons.append(_("makes chain segment(s) {items}").format(items=_few(made)))
        if focus:
            reasons.append(_("is in focus industry {items}").format(items=", ".join(focus)))
        if patents:
            reasons.append(
                _("holds {n} patent(s) in chain field(s) {items}").format(n=patents, items=", ".join(fields))
            )
        if ties[n]:
            reasons.append(_("already tied to members: {items}").format(items="; ".join(sorted(ties[n]))))
        out.append(
            Recruit(
                rank=i,
                **ref.fields(),
                fills_gaps=gaps[n],
                makes=made,
                focus_industries=focus,
                chain_patents=patents,
                chain_fields=fields,
                member_ties=sorted(ties[n]),
                reasons=reasons,
            )
        )
    return out
