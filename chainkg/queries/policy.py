"""What a base holds of the policy objects the notice names, as of a year.

One question per object, answered together for one base (``policy_profile``):

- standards drafted by its enterprises and universities (§4(二)), by level;
- international patents of its enterprises by jurisdiction (§6(二));
- certifications its enterprises hold in the year (§6(二));
- foreign-invested enterprises and foreign R&D centres (§3(四));
- financing events of the year: funds, loans, IP pledges, export credit insurance (§5);
- key enterprises (重点企业) with their contact person and role (§7, 重点企业联系制度),
  and those without a contact, which the contact system still has to reach.

Dated by the rule of :mod:`chainkg.queries.measures`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from chainkg.graph.store import GraphStore
from chainkg.queries.measures import MeasureData, base_names, fetch, holds, today_year
from chainkg.queries.results import Record, optional


class StandardRow(Record):
    """A standard drafted by the base's organizations."""

    standard: str
    name: str
    level: str | None
    year: int | None
    drafters: list[str]
    lead: bool


class PatentRow(Record):
    """An international patent (not CN) of one of the base's enterprises."""

    patent: str
    jurisdiction: str
    year: int | None
    holder: str


class CertRow(Record):
    """A certification an enterprise of the base holds in the year."""

    enterprise: str
    certification: str
    name: str | None
    region: str | None
    international: bool
    since: int | None


class RDCentreRow(Record):
    """An R&D centre sited in the base and open in the year."""

    centre: str
    name: str
    parent: str | None
    country: str | None
    foreign: bool
    founded: int | None


class FinancingRow(Record):
    """A financing event of an enterprise of the base in the year."""

    enterprise: str
    instrument: str
    amount: float | None
    year: int
    provider: str | None


class KeyEnterpriseRow(Record):
    """A key enterprise (重点企业) with its contact."""

    enterprise: str
    name: str
    contact: str | None
    contact_role: str | None
    liaison: str | None
    since: int | None


class PolicyProfile(Record):
    """The policy objects of one base as of one year."""

    base: str
    name: str
    year: int
    standards: list[StandardRow]
    standards_by_level: dict[str, int]
    international_patents: list[PatentRow]
    patents_by_jurisdiction: dict[str, int]
    certifications: list[CertRow]
    foreign_invested: list[str]
    rd_centres: list[RDCentreRow]
    financing: list[FinancingRow]
    financing_by_instrument: dict[str, float]
    key_enterprises: list[KeyEnterpriseRow]
    key_without_contact: list[str]


def policy_profile(store: GraphStore, base: str, year: int | None = None) -> PolicyProfile:
    """The policy objects of ``base`` as of ``year`` (default: this calendar year).

    ``base`` is checked by :func:`~chainkg.queries.measures.base_names` (``NotFoundError`` for a
    key no base has).

    Examples
    --------
    >>> p = policy_profile(store, "sz-led", 2021)                    # doctest: +SKIP
    >>> p.standards_by_level, [k.contact for k in p.key_enterprises]   # doctest: +SKIP
    ({'national': 1, ...}, ['王示例', ...])
    """
    base_names(store, base)
    y = year if year is not None else today_year()
    return _profile(fetch(store, [base]), base, y)


def _profile(data: MeasureData, base: str, y: int) -> PolicyProfile:
    active = data.active(base, y)
    names = {m["ent"]: m["name"] or m["ent"] for m in data.members.get(base, [])}
    names |= {o["org"]: o["name"] or o["org"] for o in data.org_members.get(base, [])}
    ents = [m["ent"] for m in active]
    orgs = data.drafters(base, y)
    alliances = {a["alliance"] for ms in data.memberships.values() for a in ms}
    std: dict[str, dict[str, Any]] = {}
    for o in orgs:
        for s in data.standards.get(o, []):
            if s.get("year") is not None and s["year"] > y:
                continue
            row = std.setdefault(s["standard"], {**s, "drafters": [], "lead": False})
            row["drafters"].append(names.get(o) or (f"联盟 {o}" if o in alliances else o))
            row["lead"] = bool(row["lead"]) or s.get("role") == "lead"
    standards = [
        StandardRow(
            standard=k,
            name=str(v.get("name") or k),
            level=v.get("level"),
            year=v.get("year"),
            drafters=sorted(v["drafters"]),
            lead=bool(v["lead"]),
        )
        for k, v in sorted(std.items())
    ]
    by_level: dict[str, int] = defaultdict(int)
    for st in standards:
        by_level[st.level or "unknown"] += 1
    patents = sorted(
        (
            PatentRow(patent=p["patent"], jurisdiction=p["jurisdiction"], year=p.get("year"), holder=names.get(e, e))
            for e in ents
            for p in data.patents.get(e, [])
            if p.get("jurisdiction") not in (None, "CN") and (p.get("year") is None or p["year"] <= y)
        ),
        key=lambda r: (r.jurisdiction, r.patent),
    )
    by_j: dict[str, int] = defaultdict(int)
    for p in patents:
        by_j[p.jurisdiction] += 1
    certs = [
        CertRow(
            enterprise=names.get(e, e),
            certification=c["cert"],
            international=bool(c.get("international")),
            **optional(c, "name", "region", "since"),
        )
        for e in ents
        for c in data.certs.get(e, [])
        if holds(c.get("since"), c.get("until"), y)
    ]
    rdc = [
        RDCentreRow(
            centre=r["centre"],
            name=r["name"] or r["centre"],
            foreign=bool(r.get("foreign")),
            **optional(r, "parent", "country", "founded"),
        )
        for r in data.rd_centres.get(base, [])
        if holds(r.get("founded"), r.get("closed"), y)
    ]
    fin = [
        FinancingRow(
            enterprise=names.get(e, e),
            instrument=f["instrument"],
            year=f["year"],
            **optional(f, "amount", "provider"),
        )
        for e in ents
        for f in data.financing.get(e, [])
        if f.get("year") == y
    ]
    amounts: dict[str, list[float]] = defaultdict(list)
    for f in fin:
        amounts[f.instrument].append(f.amount or 0.0)
    by_inst = {k: math.fsum(v) for k, v in amounts.items()}
    keys = [
        KeyEnterpriseRow(
            enterprise=k["ent"],
            name=k["name"] or k["ent"],
            **optional(k, "contact", "contact_role", "liaison", "since"),
        )
        for k in data.key_enterprises.get(base, [])
        if holds(k.get("since"), k.get("until"), y)
    ]
    return PolicyProfile(
        base=base,
        name=data.names.get(base, base),
        year=y,
        standards=standards,
        standards_by_level=dict(by_level),
        international_patents=patents,
        patents_by_jurisdiction=dict(by_j),
        certifications=sorted(certs, key=lambda c: (c.enterprise, c.certification)),
        foreign_invested=sorted(names.get(m["ent"], m["ent"]) for m in active if m.get("foreign_invested")),
        rd_centres=sorted(rdc, key=lambda r: r.centre),
        financing=sorted(fin, key=lambda f: (f.instrument, f.enterprise)),
        financing_by_instrument=dict(by_inst),
        key_enterprises=sorted(keys, key=lambda k: k.enterprise),
        key_without_contact=sorted(k.name for k in keys if not k.contact),
    )
