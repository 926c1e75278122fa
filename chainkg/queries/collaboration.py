"""Collaboration opportunities: who should work with whom, and why (产学研, 共性技术).

An organization's tech fields are the IPC subclasses of the patents it holds; an enterprise
also reaches the fields its products need (``MAKES`` → ``NEEDS_FIELD``). Two organizations
that reach the same fields are candidates:

- ``industry_academia``: an enterprise and a university or institute whose patents fall in
  fields the enterprise's products or patents need;
- ``joint_rnd``: two enterprises that reach the same fields (common technology, 共性技术).

Pairs are scored by link prediction over the organization–tech-field graph
(:mod:`chainkg.graph.analytics.linkpred`; the caller picks the index). Pairs that already
work together — a ``COOPERATES_WITH`` link or a co-held patent — are not proposed. Looser ties
(supply, a shared alliance, base or patent pool) do not exclude a pair; they are listed as
evidence, beside the shared fields, the products that need them and sample patents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import networkx as nx

from chainkg.errors import InvalidInputError
from chainkg.graph.analytics.linkpred import METHODS, LinkScore, bipartite_graph, rank_partners
from chainkg.graph.nxgraph import node_id
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.i18n import N_, _, ngettext, value
from chainkg.queries.orgs import ORG_LABELS, OrgRef, expand, find_org, org_refs, split_keys
from chainkg.queries.results import Record, to_frame

if TYPE_CHECKING:  # pandas costs 0.25 s to import; only opportunities_frame returns a DataFrame
    import pandas as pd

PartnerKind = Literal["industry_academia", "joint_rnd"]
PARTNER_KINDS: tuple[str, ...] = ("industry_academia", "joint_rnd")
SAMPLE_PATENTS = 3

# -- named queries ------------------------------------------------------------------------------

ORG_FIELDS: NamedQuery = q(
    "collab.org_fields",
    expand(
        """
MATCH (o:__ORG__)-[:HOLDS_PATENT]->(:Patent)-[:IN_FIELD]->(f:TechField) WHERE o.key IN __KEYS__
RETURN DISTINCT '__ORG__' AS label, o.key AS org, f.key AS field
"""
    )
    + """
UNION ALL
MATCH (o:Enterprise)-[:MAKES]->(:Product)-[:NEEDS_FIELD]->(f:TechField) WHERE o.key IN $ent
RETURN DISTINCT 'Enterprise' AS label, o.key AS org, f.key AS field""",
    "Tech fields the given organizations reach: by holding patents, or (enterprises) by making a product "
    "that needs the field. Params: ent, res (key lists).",
)

FIELD_ORGS: NamedQuery = q(
    "collab.field_orgs",
    expand(
        """
MATCH (o:__ORG__)-[:HOLDS_PATENT]->(:Patent)-[:IN_FIELD]->(f:TechField) WHERE f.key IN $fields
RETURN '__ORG__' AS label, o.key AS org, collect(DISTINCT f.key) AS fields
"""
    )
    + """
UNION ALL
MATCH (o:Enterprise)-[:MAKES]->(:Product)-[:NEEDS_FIELD]->(f:TechField) WHERE f.key IN $fields
RETURN 'Enterprise' AS label, o.key AS org, collect(DISTINCT f.key) AS fields""",
    "Every organization that reaches one of the given tech fields, with those fields "
    "(one row per organization and way of reaching: fewer rows than one per field).",
)

FIELD_NAMES: NamedQuery = q(
    "collab.field_names",
    "MATCH (f:TechField) WHERE f.key IN $fields RETURN f.key AS key, f.name AS name",
    "Names of the given tech fields.",
)

ORG_DEGREES: NamedQuery = q(
    "collab.org_degrees",
    expand(
        """
MATCH (o:__ORG__)-[:HOLDS_PATENT]->(:Patent)-[:IN_FIELD]->(f:TechField) WHERE o.key IN __KEYS__
RETURN '__ORG__' AS label, o.key AS org, 'held' AS part, count(DISTINCT f) AS n
"""
    )
    + """
UNION ALL
MATCH (o:Enterprise)-[:MAKES]->(:Product)-[:NEEDS_FIELD]->(f:TechField) WHERE o.key IN $ent
RETURN 'Enterprise' AS label, o.key AS org, 'needed' AS part, count(DISTINCT f) AS n
UNION ALL
MATCH (o:Enterprise)-[:HOLDS_PATENT]->(:Patent)-[:IN_FIELD]->(f:TechField)<-[:NEEDS_FIELD]-(:Product)<-[:MAKES]-(o)
WHERE o.key IN $ent
RETURN 'Enterprise' AS label, o.key AS org, 'both' AS part, count(DISTINCT f) AS n""",
    "How many tech fields each given organization reaches: held, needed, and both (for Jaccard's union).",
)

PATENT_EVIDENCE: NamedQuery = q(
    "collab.patent_evidence",
    expand(
        """
MATCH (o:__ORG__)-[:HOLDS_PATENT]->(p:Patent)-[:IN_FIELD]->(f:TechField)
WHERE o.key IN __KEYS__ AND f.key IN $fields
RETURN '__ORG__' AS label, o.key AS org, f.key AS field, p.key AS patent, p.title AS title
"""
    ),
    "Patents the given organizations hold in the given fields (evidence for a proposed pair).",
)

PRODUCT_EVIDENCE: NamedQuery = q(
    "collab.product_evidence",
    """
MATCH (o:Enterprise)-[:MAKES]->(pr:Product)-[:NEEDS_FIELD]->(f:TechField)
WHERE o.key IN $ent AND f.key IN $fields
RETURN o.key AS org, f.key AS field, pr.key AS product""",
    "Products of the given enterprises that need the given fields (evidence for a proposed pair).",
)


def _src(template: str, src: str) -> str:
    return template.replace("__SRC__", src)


# Ties of one organization, one query per kind of tie and per label of the organization.
_COOPERATION = {
    "Enterprise": """
MATCH (a:Enterprise)-[c:COOPERATES_WITH]->(o:ResearchOrg) WHERE a.key = $key
RETURN 'ResearchOrg' AS label, o.key AS org, c.kind AS detail, c.since AS since""",
    "ResearchOrg": """
MATCH (o:Enterprise)-[c:COOPERATES_WITH]->(a:ResearchOrg) WHERE a.key = $key
RETURN 'Enterprise' AS label, o.key AS org, c.kind AS detail, c.since AS since""",
}
TIES_COOPERATION: dict[str, NamedQuery] = {
    src: q(f"collab.ties.cooperation.{src}", text, "Existing 产学研 cooperation of one organization.")
    for src, text in _COOPERATION.items()
}
TIES_CO_PATENT: dict[str, NamedQuery] = {
    src: q(
        f"collab.ties.co_patent.{src}",
        expand(
            _src(
                """
MATCH (a:__SRC__)-[:HOLDS_PATENT]->(p:Patent)<-[:HOLDS_PATENT]-(o:__ORG__) WHERE a.key = $key
RETURN '__ORG__' AS label, o.key AS org, p.key AS detail, p.year AS since""",
                src,
            )
        ),
        "Organizations that co-hold a patent with one organization (the organization itself included).",
    )
    for src in ORG_LABELS
}
TIES_SUPPLY: NamedQuery = q(
    "collab.ties.supply",
    """
MATCH (a:Enterprise)-[s:SUPPLIES]->(o:Enterprise) WHERE a.key = $key
RETURN 'Enterprise' AS label, o.key AS org, 'supplies' AS dir, s.product AS product
UNION ALL
MATCH (o:Enterprise)-[s:SUPPLIES]->(a:Enterprise) WHERE a.key = $key
RETURN 'Enterprise' AS label, o.key AS org, 'is supplied by' AS dir, s.product AS product""",
    "Supply links of one enterprise, both ways.",
)
_SHARED_HUB = {
    "alliance": ("MEMBER_OF", "Alliance"),
    "base": ("LOCATED_IN", "Base"),
    "pool": ("LICENSOR_OF", "PatentPool"),
}
TIES_SHARED: dict[tuple[str, str], NamedQuery] = {
    (src, hub): q(
        f"collab.ties.{hub}.{src}",
        expand(
            _src(
                f"""
MATCH (a:__SRC__)-[:{rel}]->(h:{label})<-[:{rel}]-(o:__ORG__) WHERE a.key = $key
RETURN '__ORG__' AS label, o.key AS org, h.name AS detail""",
                src,
            )
        ),
        f"Organizations sharing a {label} with one organization (the organization itself included).",
    )
    for src in ORG_LABELS
    for hub, (rel, label) in _SHARED_HUB.items()
}


# -- results ------------------------------------------------------------------------------------


class FieldEvidence(Record):
    """One tech field a proposed pair shares, and what puts each side in it."""

    field: str
    name: str
    orgs_in_field: int
    org_via: list[str]
    partner_via: list[str]
    org_patents: int
    partner_patents: int
    org_products: list[str]
    partner_products: list[str]
    sample_patents: list[str]


class CollaborationOpportunity(Record):
    """A proposed partner for an organization, its score and the evidence behind it."""

    rank: int
    org: str
    org_name: str
    org_label: str
    partner: str
    partner_name: str
    partner_label: str
    partner_kind: str
    kind: PartnerKind
    method: str
    score: float
    shared_fields: list[str]
    evidence: list[FieldEvidence]
    ties: list[str]
    explanation: str


# -- the question -------------------------------------------------------------------------------


def _check(method: str, limit: int, kinds: Sequence[str]) -> None:
    if method not in METHODS:
        raise InvalidInputError(
            f"Unknown scoring method {method!r}. Choose one of: {', '.join(METHODS)}.", field="method"
        )
    if limit < 1:
        raise InvalidInputError("The number of proposals must be at least 1.", field="limit")
    bad = [k for k in kinds if k not in PARTNER_KINDS]
    if bad or not kinds:
        raise InvalidInputError(
            f"Unknown partner kind(s) {bad or kinds!r}. Choose from: {', '.join(PARTNER_KINDS)}.", field="kinds"
        )


def _pair_kind(org: OrgRef, partner_label: str) -> PartnerKind | None:
    """What a pairing would be; None for pairs this question does not propose (two research orgs)."""
    if org.label == "Enterprise":
        return "joint_rnd" if partner_label == "Enterprise" else "industry_academia"
    return "industry_academia" if partner_label == "Enterprise" else None


SAME_HUB = {"alliance": N_("same alliance: {name}"), "base": N_("same base: {name}"), "pool": N_("same pool: {name}")}
"""A tie through a shared alliance, base or patent pool, in words (a catalog message)."""


def _ties(store: GraphStore, org: OrgRef) -> tuple[set[str], dict[str, list[str]]]:
    """Partners already working with ``org`` (to exclude) and every tie as evidence text."""
    blocking: set[str] = set()
    texts: dict[str, list[str]] = defaultdict(list)
    for r in store.run(TIES_COOPERATION[org.label], {"key": org.key}):
        nid = node_id(r["label"], r["org"])
        blocking.add(nid)
        detail = value(r["detail"] or "other")
        if r["since"] is None:
            texts[nid].append(_("cooperates ({detail})").format(detail=detail))
        else:
            texts[nid].append(_("cooperates ({detail}) since {year}").format(detail=detail, year=r["since"]))
    for r in store.run(TIES_CO_PATENT[org.label], {"key": org.key}):
        nid = node_id(r["label"], r["org"])
        if nid != org.nid:
            blocking.add(nid)
            texts[nid].append(_("co-holds patent {patent}").format(patent=r["detail"]))
    if org.label == "Enterprise":
        for r in store.run(TIES_SUPPLY, {"key": org.key}):
            what = f" ({r['product']})" if r["product"] else ""
            # Worded from the partner's side: the partner supplies the organization, or is supplied.
            text = _("is supplied by {name}{what}") if r["dir"] == "supplies" else _("supplies {name}{what}")
            text = text.format(name=org.name, what=what)
            texts[node_id(r["label"], r["org"])].append(text)
    for (src, hub), query in TIES_SHARED.items():
        if src != org.label:
            continue
        for r in store.run(query, {"key": org.key}):
            nid = node_id(r["label"], r["org"])
            if nid != org.nid:
                texts[nid].append(_(SAME_HUB[hub]).format(name=r["detail"]))
    return blocking, {k: sorted(set(v)) for k, v in texts.items()}


def collaboration_opportunities(
    store: GraphStore,
    org_key: str,
    method: str = "resource_allocation",
    limit: int = 20,
    *,
    kinds: Sequence[str] = PARTNER_KINDS,
) -> list[CollaborationOpportunity]:
    """Propose partners for one organization, best first, each with its evidence.

    For an enterprise the partners are universities and institutes (``industry_academia``)
    and other enterprises (``joint_rnd``); for a university or institute, enterprises. A
    partner must share at least one tech field and must not already cooperate with the
    organization or co-hold a patent with it.

    Parameters
    ----------
    store : GraphStore
        The graph.
    org_key : str
        Key of the enterprise, university or institute.
    method : {"resource_allocation", "adamic_adar", "jaccard"}
        Link-prediction index over the organization–tech-field graph.
    limit : int
        Most proposals to return.
    kinds : sequence of {"industry_academia", "joint_rnd"}
        Which kinds of pairing to propose.

    Returns
    -------
    list of CollaborationOpportunity
        Ordered by score, then number of shared fields, then partner id.

    Raises
    ------
    NotFoundError
        No organization has ``org_key``.
    InvalidInputError
        Unknown method or kind, or ``limit`` below 1.

    Examples
    --------
    >>> for o in collaboration_opportunities(store, "91440300MA5XXXXX", method="jaccard", limit=5):  # doctest: +SKIP
    ...     print(o.rank, o.partner_name, round(o.score, 3), o.shared_fields)
    1 清华大学 0.5 ['H01L']
    """
    _check(method, limit, kinds)
    org = find_org(store, org_key)

    own = store.run(ORG_FIELDS, split_keys({org.nid}))
    fields = sorted({r["field"] for r in own})
    if not fields:
        return []
    # The subgraph around the organization's fields: every edge of those fields, so their
    # degrees (and hence resource allocation and Adamic–Adar scores) are exact.
    edges = {(org.nid, node_id("TechField", f)) for f in fields}
    edges.update(
        (node_id(r["label"], r["org"]), node_id("TechField", f))
        for r in store.run(FIELD_ORGS, {"fields": fields})
        for f in r["fields"]
    )
    g = bipartite_graph(edges)
    candidates = sorted(
        n
        for n in g
        if n != org.nid and not n.startswith("TechField:") and _pair_kind(org, n.partition(":")[0]) in kinds
    )
    blocking, tie_texts = _ties(store, org)
    if method == "jaccard":
        ranked = _jaccard_top(store, g, org.nid, candidates, blocking, limit)
    else:
        ranked = rank_partners(g, org.nid, candidates, method, exclude=blocking, limit=limit)
    if not ranked:
        return []
    return _with_evidence(store, g, org, ranked, method, tie_texts)


def _jaccard_top(
    store: GraphStore, g: nx.Graph, source: str, candidates: list[str], blocking: set[str], limit: int
) -> list[LinkScore]:
    """Top Jaccard partners without reading every candidate's fields.

    Jaccard needs the size ``b`` of each candidate's whole field set (``held + needed -
    both``, counted in the store). With ``a`` fields of the source and ``c`` shared, the score
    is ``c / (a + b - c)`` and can be no more than ``c / a``. Candidates are counted in order of
    ``c``, in growing batches, until the ``limit``-th best score beats every unread
    candidate's bound; only the top candidates' fields are then read, and networkx scores them
    on the completed graph (the same numbers).
    """
    src = set(g[source])
    a = len(src)
    shared = {c: len(src.intersection(g.adj[c])) for c in candidates if c not in blocking}
    order = sorted((c for c, n in shared.items() if n), key=lambda c: (-shared[c], c))
    parts: dict[str, dict[str, int]] = defaultdict(dict)

    def key(c: str) -> tuple[float, int, str]:
        p = parts[c]
        # Never below the shared fields already seen (guards against a concurrent write).
        b = max(p.get("held", 0) + p.get("needed", 0) - p.get("both", 0), shared[c])
        return (-shared[c] / (a + b - shared[c]), -shared[c], c)

    batch, start, top = max(5 * limit, 200), 0, []
    while start < len(order):
        for r in store.run(ORG_DEGREES, split_keys(set(order[start : start + batch]))):
            parts[node_id(r["label"], r["org"])][r["part"]] = int(r["n"])
        start += batch
        top = sorted(order[:start], key=key)[:limit]
        if start < len(order) and len(top) >= limit and -key(top[-1])[0] > shared[order[start]] / a:
            break
        batch *= 2  # few round trips when the bound is loose
    for r in store.run(ORG_FIELDS, split_keys(set(top))):
        g.add_edge(node_id(r["label"], r["org"]), node_id("TechField", r["field"]))
    return rank_partners(g, source, top, "jaccard", exclude=blocking, limit=limit)


def _with_evidence(
    store: GraphStore,
    g: nx.Graph,
    org: OrgRef,
    ranked: list[LinkScore],
    method: str,
    tie_texts: dict[str, list[str]],
) -> list[CollaborationOpportunity]:
    """Turn scored partners into records with their evidence (fetched for these pairs only)."""
    refs = org_refs(store, {str(h.node) for h in ranked})
    shared = sorted({str(f).partition(":")[2] for h in ranked for f in h.common})
    names = {r["key"]: r["name"] or r["key"] for r in store.run(FIELD_NAMES, {"fields": shared})}
    keys = split_keys(set(refs) | {org.nid})
    patents: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in store.run(PATENT_EVIDENCE, {**keys, "fields": shared}):
        patents[(node_id(r["label"], r["org"]), r["field"])].append(f"{r['patent']}: {r['title'] or ''}".strip())
    products: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in store.run(PRODUCT_EVIDENCE, {"ent": keys["ent"], "fields": shared}):
        products[(node_id("Enterprise", r["org"]), r["field"])].append(r["product"])

    def via(nid: str, f: str) -> list[str]:
        return (["holds"] if patents[(nid, f)] else []) + (["needs"] if products[(nid, f)] else [])

    out = []
    for i, hit in enumerate(ranked, start=1):
        partner = refs[str(hit.node)]
        kind = _pair_kind(org, partner.label)
        assert kind is not None  # candidates were filtered on kind
        evidence = []
        for fid in hit.common:
            f = str(fid).partition(":")[2]
            evidence.append(
                FieldEvidence(
                    field=f,
                    name=names.get(f, f),
                    orgs_in_field=g.degree(fid),
                    org_via=via(org.nid, f),
                    partner_via=via(partner.nid, f),
                    org_patents=len(patents[(org.nid, f)]),
                    partner_patents=len(patents[(partner.nid, f)]),
                    org_products=sorted(products[(org.nid, f)]),
                    partner_products=sorted(products[(partner.nid, f)]),
                    sample_patents=sorted(patents[(partner.nid, f)])[:SAMPLE_PATENTS],
                )
            )
        ties = tie_texts.get(partner.nid, [])
        out.append(
            CollaborationOpportunity(
                rank=i,
                org=org.key,
                org_name=org.name,
                org_label=org.label,
                partner=partner.key,
                partner_name=partner.name,
                partner_label=partner.label,
                partner_kind=partner.kind,
                kind=kind,
                method=method,
                score=hit.score,
                shared_fields=[e.field for e in evidence],
                evidence=evidence,
                ties=ties,
                explanation=_explain(org, partner, kind, evidence, ties),
            )
        )
    return out


def _explain(org: OrgRef, partner: OrgRef, kind: str, evidence: list[FieldEvidence], ties: list[str]) -> str:
    """One plain sentence: why this pair, in words an alliance coordinator can check."""
    fields = ", ".join(e.field for e in evidence)
    held = sum(e.partner_patents for e in evidence)
    needs = sorted({p for e in evidence for p in e.org_products})
    if kind == "industry_academia" and org.label == "Enterprise":
        why = ngettext("{partner} holds {n} patent in {fields}", "{partner} holds {n} patents in {fields}", held)
        why = why.format(partner=partner.name, n=f"{held:g}", fields=fields)
        if needs:
            why += _(", fields that {org}'s products need ({needs})").format(org=org.name, needs=", ".join(needs[:5]))
        else:
            why += _(", where {org} is active").format(org=org.name)
    elif kind == "industry_academia":
        wanted = sorted({p for e in evidence for p in e.partner_products})
        why = _("{partner} works in {fields}").format(partner=partner.name, fields=fields)
        why += _(" (its products {products} need them)").format(products=", ".join(wanted[:5])) if wanted else ""
        why += _(", where {org} holds patents").format(org=org.name)
    else:
        why = _("{org} and {partner} both work in {fields} (common technology)").format(
            org=org.name, partner=partner.name, fields=fields
        )
    known = _("; existing ties: {ties}").format(ties="; ".join(ties[:3])) if ties else ""
    return _("{why}; no cooperation or co-held patent yet{ties}.").format(why=why, ties=known)


def opportunities_frame(records: Sequence[CollaborationOpportunity]) -> pd.DataFrame:
    """The proposals as a DataFrame (one row each; evidence stays a list in its column)."""
    return to_frame(records)
