"""Patent pool analysis: field coverage, contributors and concentration, licensees, candidates.

- **Coverage**: the tech fields (IPC subclasses) of the pool's patents, with patent counts.
- **Contributors**: organizations holding the pool's patents. A patent held by ``n``
  organizations credits each with ``1/n``, so credits add up to the number of patents.
  Declared licensors (``LICENSOR_OF``) are listed even without a pool patent, and holders
  that have not declared are flagged.
- **Concentration**: the Herfindahl–Hirschman index of contributor credits (0–10,000) and
  its band (:mod:`chainkg.graph.analytics.concentration`).
- **Licensees** (``LICENSEE_OF``) with the fields their products need, and which of those the
  pool covers.
- **Candidate licensors**: organizations holding patents in the pool's fields that are
  neither licensors nor holders of a pool patent, ordered by those patents (most first,
  then by id).
"""

from __future__ import annotations

from collections import defaultdict

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.analytics.concentration import concentration_ratio, hhi, hhi_band
from chainkg.graph.nxgraph import node_id
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.i18n import _, ngettext
from chainkg.queries.orgs import OrgRef, expand, org_refs, split_keys
from chainkg.queries.results import Record

SAMPLE_PATENTS = 3

POOL: NamedQuery = q(
    "pool.get",
    "MATCH (p:PatentPool) WHERE p.key = $key RETURN p.key AS key, p.name AS name, p.founded_year AS founded_year",
    "One patent pool by key.",
)
POOL_PATENTS: NamedQuery = q(
    "pool.patents",
    """
MATCH (pt:Patent)-[:IN_POOL]->(pp:PatentPool) WHERE pp.key = $key
OPTIONAL MATCH (pt)-[:IN_FIELD]->(f:TechField)
RETURN pt.key AS patent, f.key AS field, f.name AS field_name""",
    "Patents in a pool with their tech fields (one row per patent and field; field null when none).",
)
POOL_HOLDERS: NamedQuery = q(
    "pool.holders",
    expand(
        """
MATCH (o:__ORG__)-[:HOLDS_PATENT]->(pt:Patent)-[:IN_POOL]->(pp:PatentPool) WHERE pp.key = $key
RETURN '__ORG__' AS label, o.key AS key, o.name AS name, __KIND__ AS kind, pt.key AS patent"""
    ),
    "Holders of the pool's patents, one row per (holder, patent).",
)
POOL_PARTIES: NamedQuery = q(
    "pool.parties",
    "\nUNION ALL\n".join(
        expand(
            f"""
MATCH (o:__ORG__)-[r:{rel}]->(pp:PatentPool) WHERE pp.key = $key
RETURN '__ORG__' AS label, o.key AS key, o.name AS name, __KIND__ AS kind, '{role}' AS role, r.since AS since"""
        )
        for rel, role in (("LICENSOR_OF", "licensor"), ("LICENSEE_OF", "licensee"))
    ),
    "Declared licensors and licensees of a pool with the year they joined.",
)
NEEDED_FIELDS: NamedQuery = q(
    "pool.needed_fields",
    """
MATCH (e:Enterprise)-[:MAKES]->(:Product)-[:NEEDS_FIELD]->(f:TechField) WHERE e.key IN $ent
RETURN DISTINCT e.key AS key, f.key AS field""",
    "Tech fields the given enterprises' products need.",
)
FIELD_HOLDERS: NamedQuery = q(
    "pool.field_holders",
    expand(
        """
MATCH (o:__ORG__)-[:HOLDS_PATENT]->(pt:Patent)-[:IN_FIELD]->(f:TechField) WHERE f.key IN $fields
RETURN '__ORG__' AS label, o.key AS key, count(DISTINCT pt) AS patents"""
    ),
    "Organizations holding patents in the given fields, with how many such patents each.",
)
HOLDER_PATENTS: NamedQuery = q(
    "pool.holder_patents",
    expand(
        """
MATCH (o:__ORG__)-[:HOLDS_PATENT]->(pt:Patent)-[:IN_FIELD]->(f:TechField) WHERE o.key IN __KEYS__ AND f.key IN $fields
RETURN '__ORG__' AS label, o.key AS key, f.key AS field, pt.key AS patent"""
    ),
    "The given organizations' patents in the given fields (evidence for candidate licensors).",
)


class PoolField(Record):
    """A tech field the pool covers."""

    field: str
    name: str
    patents: int
    share: float


class PoolContributor(Record):
    """An organization contributing to the pool (by patents held or by declaration)."""

    label: str
    key: str
    name: str
    kind: str
    patents: float
    share: float
    declared_licensor: bool
    since: int | None
    sample_patents: list[str]


class PoolLicensee(Record):
    """A licensee, with the fields its products need and whether the pool covers them."""

    label: str
    key: str
    name: str
    kind: str
    since: int | None
    needs: list[str]
    covered: list[str]
    uncovered: list[str]


class CandidateLicensor(Record):
    """An organization with patents in the pool's fields that is not in the pool."""

    rank: int
    label: str
    key: str
    name: str
    kind: str
    patents: int
    fields: list[str]
    sample_patents: list[str]
    is_licensee: bool
    reason: str


class PoolAnalysis(Record):
    """The pool's coverage, contributors, concentration, licensees and candidate licensors."""

    key: str
    name: str
    founded_year: int | None
    patents: int
    fields: list[PoolField]
    contributors: list[PoolContributor]
    hhi: float
    concentration: str
    top_share: float
    undeclared_holders: list[str]
    licensees: list[PoolLicensee]
    uncovered_needs: list[str]
    candidates: list[CandidateLicensor]


def pool_analysis(store: GraphStore, pool_key: str, *, candidates: int = 20) -> PoolAnalysis:
    """Analyse one patent pool (see the module text for each part).

    Parameters
    ----------
    store : GraphStore
        The graph.
    pool_key : str
        Key of the patent pool.
    candidates : int
        Most candidate licensors to return (0 for none).

    Returns
    -------
    PoolAnalysis

    Raises
    ------
    NotFoundError
        No patent pool has ``pool_key``.

    Examples
    --------
    >>> a = pool_analysis(store, "pp-5g")  # doctest: +SKIP
    >>> a.hhi, a.concentration, [c.name for c in a.candidates[:1]]  # doctest: +SKIP
    (2600.0, 'high', ['中科院物理所'])
    """
    if candidates < 0:
        raise InvalidInputError("The number of candidate licensors cannot be negative.", field="candidates")
    rows = store.run(POOL, {"key": pool_key})
    if not rows:
        from chainkg.queries.suggest import did_you_mean

        raise NotFoundError(
            _("No patent pool has the key {key!r}.{near} Check the pool id as it was loaded.").format(
                key=pool_key, near=did_you_mean(store, "PatentPool", pool_key)
            )
        )
    head = rows[0]

    pool_patents: set[str] = set()
    field_patents: dict[str, set[str]] = defaultdict(set)
    field_names: dict[str, str] = {}
    for r in store.run(POOL_PATENTS, {"key": pool_key}):
        pool_patents.add(r["patent"])
        if r["field"] is not None:
            field_patents[r["field"]].add(r["patent"])
            field_names[r["field"]] = r["field_name"] or r["field"]
    fields = [
        PoolField(field=f, name=field_names[f], patents=len(ps), share=len(ps) / len(pool_patents))
        for f, ps in sorted(field_patents.items(), key=lambda x: (-len(x[1]), x[0]))
    ]

    refs: dict[str, OrgRef] = {}
    held: dict[str, set[str]] = defaultdict(set)  # holder -> pool patents
    holders_of: dict[str, set[str]] = defaultdict(set)  # patent -> holders
    for r in store.run(POOL_HOLDERS, {"key": pool_key}):
        nid = node_id(r["label"], r["key"])
        if nid not in refs:
            refs[nid] = OrgRef(label=r["label"], key=r["key"], name=r["name"] or r["key"], kind=r["kind"] or "")
        held[nid].add(r["patent"])
        holders_of[r["patent"]].add(nid)
    # Each patent is one unit of credit, split evenly among its holders.
    credit: dict[str, float] = defaultdict(float)
    for holders in holders_of.values():
        for h in holders:
            credit[h] += 1.0 / len(holders)

    licensors: dict[str, int | None] = {}
    licensee_rows: dict[str, int | None] = {}
    for r in store.run(POOL_PARTIES, {"key": pool_key}):
        ref = OrgRef(label=r["label"], key=r["key"], name=r["name"] or r["key"], kind=r["kind"] or "")
        refs.setdefault(ref.nid, ref)
        (licensors if r["role"] == "licensor" else licensee_rows)[ref.nid] = r["since"]

    total = sum(credit.values())
    contributors = [
        PoolContributor(
            **refs[n].fields(),
            patents=round(credit.get(n, 0.0), 6),
            share=credit.get(n, 0.0) / total if total else 0.0,
            declared_licensor=n in licensors,
            since=licensors.get(n),
            sample_patents=sorted(held[n])[:SAMPLE_PATENTS],
        )
        for n in set(credit) | set(licensors)
    ]
    contributors.sort(key=lambda c: (-c.patents, c.label, c.key))

    licensees = _licensees(store, licensee_rows, refs, set(field_patents))
    uncovered = sorted({f for lic in licensees for f in lic.uncovered})
    cands = _candidates(store, sorted(field_patents), set(credit) | set(licensors), set(licensee_rows), candidates)

    return PoolAnalysis(
        key=head["key"],
        name=head["name"] or head["key"],
        founded_year=head["founded_year"],
        patents=len(pool_patents),
        fields=fields,
        contributors=contributors,
        hhi=hhi(credit),
        concentration=hhi_band(hhi(credit), holders=len(credit)),
        top_share=concentration_ratio(credit, 1) if credit else 0.0,
        undeclared_holders=sorted(refs[n].name for n in credit if n not in licensors),
        licensees=licensees,
        uncovered_needs=uncovered,
        candidates=cands,
    )


def _licensees(
    store: GraphStore, since: dict[str, int | None], refs: dict[str, OrgRef], covered: set[str]
) -> list[PoolLicensee]:
    needs: dict[str, set[str]] = defaultdict(set)
    for r in store.run(NEEDED_FIELDS, {"ent": split_keys(set(since))["ent"]}):
        needs[node_id("Enterprise", r["key"])].add(r["field"])
    out = [
        PoolLicensee(
            **refs[n].fields(),
            since=s,
            needs=sorted(needs[n]),
            covered=sorted(needs[n] & covered),
            uncovered=sorted(needs[n] - covered),
        )
        for n, s in since.items()
    ]
    out.sort(key=lambda x: (x.since is None, x.since or 0, x.label, x.key))
    return out


def _candidates(
    store: GraphStore, fields: list[str], in_pool: set[str], licensees: set[str], limit: int
) -> list[CandidateLicensor]:
    """Holders of patents in ``fields`` outside ``in_pool`` (licensors and pool-patent holders)."""
    counts = {
        nid: int(r["patents"])
        for r in store.run(FIELD_HOLDERS, {"fields": fields})
        if (nid := node_id(r["label"], r["key"])) not in in_pool
    }
    top = sorted(counts, key=lambda n: (-counts[n], n))[:limit]
    refs = org_refs(store, set(top))
    patents: dict[str, set[str]] = defaultdict(set)
    by_field: dict[str, set[str]] = defaultdict(set)
    if top:
        for r in store.run(HOLDER_PATENTS, {**split_keys(set(top)), "fields": fields}):
            nid = node_id(r["label"], r["key"])
            patents[nid].add(r["patent"])
            by_field[nid].add(r["field"])
    out = []
    for i, n in enumerate(top, start=1):
        ref, fs = refs[n], sorted(by_field[n])
        lic = n in licensees
        reason = ngettext(
            "holds {n} patent in the pool's field(s) {fields} but is not a licensor",
            "holds {n} patents in the pool's field(s) {fields} but is not a licensor",
            counts[n],
        ).format(n=counts[n], fields=", ".join(fs))
        out.append(
            CandidateLicensor(
                rank=i,
                **ref.fields(),
                patents=counts[n],
                fields=fs,
                sample_patents=sorted(patents[n])[:SAMPLE_PATENTS],
                is_licensee=lic,
                reason=reason + (_("; already a licensee (cross-licensing)") if lic else ""),
            )
        )
    return out
