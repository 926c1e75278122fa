"""The policy's own measures per base and year: figures, dated membership and policy objects.

Everything here answers "as of year Y" by one rule, stated once:

- an enterprise (or research organization) belongs to a base in year Y when its
  ``LOCATED_IN`` tie has ``since`` ≤ Y (or no ``since``) and ``until`` ≥ Y (or no ``until``),
  and the enterprise was founded in or before Y and not closed before Y (the year of
  ``founded`` / ``closed``; a firm closed in Y still counts in Y, its last year);
- a tie with ``since``/``until`` (certification, key enterprise, alliance membership) holds
  in Y by the same rule; an R&D centre counts from its ``founded`` to its ``closed`` year;
- yearly figures (``EnterpriseYear``) count in their own year only; a standard, patent or
  financing event counts from its year on (standards, patents) or in its year (financing).

A figure summed over a base is ``None`` — shown as "n/a" with the missing input named — when
no enterprise of the base reports it for that year; it is never replaced by 0. The number of
enterprises that did report is kept (``coverage``), so a partial sum is visible as partial.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.i18n import _
from chainkg.queries.suggest import no_base

FIGURES: tuple[str, ...] = (
    "revenue",
    "output",
    "exports",
    "exports_own_ip",
    "exports_high_tech",
    "exports_high_tech_own_ip",
    "rnd_spending",
    "employees",
    "patents_filed",
    "patents_granted",
)
FIGURE_ZH: dict[str, str] = {
    "revenue": "营业收入",
    "output": "产值",
    "exports": "出口额",
    "exports_own_ip": "自主知识产权产品出口额",
    "exports_high_tech": "高新技术产品出口额",
    "exports_high_tech_own_ip": "自主知识产权高新技术产品出口额",
    "rnd_spending": "研发投入",
    "employees": "从业人员",
    "patents_filed": "专利申请数",
    "patents_granted": "专利授权数",
}
FIGURE_UNIT: dict[str, str] = {
    "revenue": "万元",
    "output": "万元",
    "exports": "万美元",
    "exports_own_ip": "万美元",
    "exports_high_tech": "万美元",
    "exports_high_tech_own_ip": "万美元",
    "rnd_spending": "万元",
    "employees": "人",
    "patents_filed": "件",
    "patents_granted": "件",
}

ALL_BASES: NamedQuery = q(
    "measure.all_bases", "MATCH (b:Base) RETURN b.key AS key, b.name AS name ORDER BY key", "Every base with its name."
)


def base_names(store: GraphStore, check: str | None = None) -> dict[str, str]:
    """The name of every base by key (the key where it has no name).

    This is where the questions of one base check the key they are given: with ``check``,
    a key no base has raises ``NotFoundError`` (with the message of :func:`no_base`).
    """
    names = {r["key"]: r["name"] or r["key"] for r in store.run(ALL_BASES)}
    if check is not None and check not in names:
        raise no_base(check)
    return names


def select_bases(store: GraphStore, base_key: str | None) -> dict[str, str]:
    """The bases a question covers, name by key: the one ``base_key`` names, or every base.

    ``base_key`` is checked by :func:`base_names` (``NotFoundError`` for a key no base has).
    """
    names = base_names(store, base_key)
    return names if base_key is None else {base_key: names[base_key]}


BASE_INFO: NamedQuery = q(
    "measure.bases",
    "MATCH (b:Base) WHERE b.key IN $bases RETURN b.key AS key, b.name AS name, b.approved_year AS approved",
    "Name and approval year of each base.",
)
MEMBERS: NamedQuery = q(
    "measure.members",
    """
MATCH (e:Enterprise)-[l:LOCATED_IN]->(b:Base) WHERE b.key IN $bases
RETURN b.key AS base, e.key AS ent, e.name AS name, l.since AS since, l.until AS until,
       e.founded AS founded, e.closed AS closed, e.own_ip AS own_ip, e.own_brand AS own_brand,
       e.export_oriented AS export_oriented, e.foreign_invested AS foreign_invested""",
    "Enterprises of each base with the dates of their tie and of the firm, and their flags.",
)
ORG_MEMBERS: NamedQuery = q(
    "measure.org_members",
    """
MATCH (o:ResearchOrg)-[l:LOCATED_IN]->(b:Base) WHERE b.key IN $bases
RETURN b.key AS base, o.key AS org, o.name AS name, l.since AS since, l.until AS until""",
    "Universities and institutes of each base with the dates of their tie.",
)
FIGURE_ROWS: NamedQuery = q(
    "measure.figures",
    "MATCH (e:Enterprise)-[:REPORTS]->(f:EnterpriseYear) WHERE e.key IN $ents RETURN e.key AS ent, f.year AS year, "
    + ", ".join(f"f.{k} AS {k}" for k in FIGURES)
    + ", f.data_source AS data_source, f.source AS source",
    "Yearly figures of the given enterprises.",
)
NATIONAL: NamedQuery = q(
    "measure.national",
    """
MATCH (n:NationalTotal)
RETURN n.measure AS measure, n.industry AS industry, n.year AS year, n.value AS value, n.unit AS unit,
       n.data_source AS data_source, n.source AS source""",
    "Every national total (measure, industry, year).",
)
RATES: NamedQuery = q(
    "measure.rates",
    "MATCH (x:ExchangeRate) RETURN x.currency AS currency, x.year AS year, x.cny_per_unit AS rate, "
    "x.data_source AS data_source",
    "Every exchange rate (yuan per unit, by currency and year).",
)
LEADS: NamedQuery = q(
    "measure.leads",
    "MATCH (b:Base)-[:LEADS_IN]->(i:Industry) WHERE b.key IN $bases RETURN b.key AS base, i.key AS industry, "
    "i.name AS name",
    "Leading industries (特色主导产业) of each base.",
)
ENT_INDUSTRY: NamedQuery = q(
    "measure.ent_industry",
    "MATCH (e:Enterprise)-[:IN_INDUSTRY]->(i:Industry) WHERE e.key IN $ents RETURN e.key AS ent, i.key AS industry",
    "Industries of the given enterprises.",
)
INDUSTRY_PARENTS: NamedQuery = q(
    "measure.industry_parents",
    "MATCH (i:Industry)-[:SUB_INDUSTRY_OF]->(p:Industry) RETURN i.key AS child, p.key AS parent",
    "The industry hierarchy (child, parent).",
)
PATENT_ROWS: NamedQuery = q(
    "measure.patents",
    """
MATCH (e:Enterprise)-[:HOLDS_PATENT]->(p:Patent) WHERE e.key IN $ents
RETURN e.key AS ent, p.key AS patent, p.year AS year, p.jurisdiction AS jurisdiction""",
    "Patents of the given enterprises with year and jurisdiction.",
)
CERT_ROWS: NamedQuery = q(
    "measure.certifications",
    """
MATCH (e:Enterprise)-[c:CERTIFIED]->(x:Certification) WHERE e.key IN $ents
RETURN e.key AS ent, x.key AS cert, x.name AS name, x.region AS region, x.international AS international,
       c.since AS since, c.until AS until""",
    "Certifications held by the given enterprises, with their dates.",
)
STANDARD_ROWS: NamedQuery = q(
    "measure.standards",
    """
MATCH (o:Enterprise)-[d:DRAFTED]->(s:Standard) WHERE o.key IN $orgs
RETURN o.key AS org, s.key AS standard, s.name AS name, s.level AS level, s.year AS year, d.role AS role
UNION ALL
MATCH (o:ResearchOrg)-[d:DRAFTED]->(s:Standard) WHERE o.key IN $orgs
RETURN o.key AS org, s.key AS standard, s.name AS name, s.level AS level, s.year AS year, d.role AS role
UNION ALL
MATCH (o:Alliance)-[d:DRAFTED]->(s:Standard) WHERE o.key IN $orgs
RETURN o.key AS org, s.key AS standard, s.name AS name, s.level AS level, s.year AS year, d.role AS role""",
    "Standards drafted by the given enterprises, research organizations and alliances.",
)
ENT_ALLIANCES: NamedQuery = q(
    "measure.ent_alliances",
    """
MATCH (e:Enterprise)-[m:MEMBER_OF]->(a:Alliance) WHERE e.key IN $ents
RETURN e.key AS ent, a.key AS alliance, m.since AS since, m.until AS until""",
    "Alliance memberships of the given enterprises, with their dates.",
)
FINANCING_ROWS: NamedQuery = q(
    "measure.financing",
    """
MATCH (e:Enterprise)-[:RECEIVED]->(f:FinancingEvent) WHERE e.key IN $ents
RETURN e.key AS ent, f.key AS event, f.instrument AS instrument, f.amount AS amount, f.year AS year,
       f.provider AS provider""",
    "Financing events of the given enterprises.",
)
RDC_ROWS: NamedQuery = q(
    "measure.rd_centres",
    """
MATCH (r:RDCentre)-[:SITED_IN]->(b:Base) WHERE b.key IN $bases
RETURN b.key AS base, r.key AS centre, r.name AS name, r.parent AS parent, r.country AS country,
       r.foreign AS foreign, r.founded AS founded, r.closed AS closed""",
    "R&D centres sited in each base.",
)
KEY_ROWS: NamedQuery = q(
    "measure.key_enterprises",
    """
MATCH (e:Enterprise)-[k:KEY_ENTERPRISE_OF]->(b:Base) WHERE b.key IN $bases
RETURN b.key AS base, e.key AS ent, e.name AS name, k.contact AS contact, k.contact_role AS contact_role,
       k.liaison AS liaison, k.since AS since, k.until AS until""",
    "Key enterprises (重点企业) of each base with their contact and dates.",
)


def year_of(text: Any) -> int | None:
    """The year of a ``YYYY`` / ``YYYY-MM-DD`` value (or an int), ``None`` when empty or unreadable."""
    if text is None or text == "":
        return None
    if isinstance(text, int):
        return text
    head = str(text).strip()[:4]
    return int(head) if head.isdigit() else None


def holds(since: Any, until: Any, year: int) -> bool:
    """A tie from ``since`` to ``until`` (years, both included; either may be open) holds in ``year``."""
    s, u = year_of(since), year_of(until)
    return (s is None or s <= year) and (u is None or u >= year)


def today_year() -> int:
    """The current calendar year (the default 'as of' year)."""
    return dt.date.today().year


@dataclass
class MeasureData:
    """Everything the measures of some bases need, fetched once (then computed per year)."""

    bases: list[str]
    names: dict[str, str]
    approved: dict[str, int | None]
    members: dict[str, list[dict[str, Any]]]
    org_members: dict[str, list[dict[str, Any]]]
    figures: dict[tuple[str, int], dict[str, Any]]
    national: list[dict[str, Any]]
    rates: dict[tuple[str, int], float]
    leads: dict[str, list[tuple[str, str]]]
    ent_industries: dict[str, set[str]]
    parents: dict[str, set[str]]
    patents: dict[str, list[dict[str, Any]]]
    certs: dict[str, list[dict[str, Any]]]
    standards: dict[str, list[dict[str, Any]]]
    financing: dict[str, list[dict[str, Any]]]
    rd_centres: dict[str, list[dict[str, Any]]]
    key_enterprises: dict[str, list[dict[str, Any]]]
    memberships: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    figure_years: dict[str, set[int]] = field(default_factory=dict)

    def drafters(self, base: str, year: int) -> list[str]:
        """Who drafts standards for ``base`` in ``year``: its enterprises and universities, and the
        alliances its enterprises belong to in that year (an alliance's standard serves its members)."""
        ents = [m["ent"] for m in self.active(base, year)]
        alliances = {
            a["alliance"] for e in ents for a in self.memberships.get(e, []) if holds(a["since"], a["until"], year)
        }
        return ents + [o["org"] for o in self.active_orgs(base, year)] + sorted(alliances)

    def active(self, base: str, year: int) -> list[dict[str, Any]]:
        """The enterprises of ``base`` in ``year`` (see the module rule)."""
        out = []
        for m in self.members.get(base, []):
            if not holds(m["since"], m["until"], year):
                continue
            if not holds(m["founded"], m["closed"], year):
                continue
            out.append(m)
        return out

    def active_orgs(self, base: str, year: int) -> list[dict[str, Any]]:
        """The research organizations of ``base`` in ``year``."""
        return [o for o in self.org_members.get(base, []) if holds(o["since"], o["until"], year)]

    def under(self, industry: str, lead: str) -> bool:
        """``industry`` is ``lead`` or one of its sub-industries."""
        seen = {industry}
        todo = [industry]
        while todo:
            cur = todo.pop()
            if cur == lead:
                return True
            for p in self.parents.get(cur, ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return False

    def national_total(self, measure: str, industry: str | None, year: int) -> dict[str, Any] | None:
        """The national total of ``measure`` for ``industry`` (None = whole economy) in ``year``."""
        for n in self.national:
            if n["measure"] == measure and (n["industry"] or None) == industry and n["year"] == year:
                return n
        return None

    def latest_figure_year(self, base: str, year: int) -> int | None:
        """The latest year ≤ ``year`` in which an enterprise of ``base`` reported figures."""
        years = [y for y in self.figure_years.get(base, set()) if y <= year]
        return max(years, default=None)


def _group(rows: Iterable[Mapping[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r[key]].append(dict(r))
    return out


def fetch(store: GraphStore, bases: Sequence[str]) -> MeasureData:
    """Fetch what the measures of ``bases`` need (about a dozen bounded queries)."""
    params = {"bases": list(bases)}
    info = {r["key"]: r for r in store.run(BASE_INFO, params)}
    members = _group(store.run(MEMBERS, params), "base")
    orgs = _group(store.run(ORG_MEMBERS, params), "base")
    ents = sorted({m["ent"] for ms in members.values() for m in ms})
    org_keys = sorted({o["org"] for os in orgs.values() for o in os})
    figures = {(r["ent"], int(r["year"])): dict(r) for r in store.run(FIGURE_ROWS, {"ents": ents})}
    rates = {(r["currency"], int(r["year"])): float(r["rate"]) for r in store.run(RATES) if r["rate"] is not None}
    memberships = _group(store.run(ENT_ALLIANCES, {"ents": ents}), "ent")
    alliances = sorted({a["alliance"] for ms in memberships.values() for a in ms})
    ent_ind: dict[str, set[str]] = defaultdict(set)
    for r in store.run(ENT_INDUSTRY, {"ents": ents}):
        ent_ind[r["ent"]].add(r["industry"])
    parents: dict[str, set[str]] = defaultdict(set)
    for r in store.run(INDUSTRY_PARENTS):
        parents[r["child"]].add(r["parent"])
    leads: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in store.run(LEADS, params):
        leads[r["base"]].append((r["industry"], r["name"] or r["industry"]))
    data = MeasureData(
        bases=list(bases),
        names={b: (info.get(b) or {}).get("name") or b for b in bases},
        approved={b: (info.get(b) or {}).get("approved") for b in bases},
        members=members,
        org_members=orgs,
        figures=figures,
        national=[dict(r) for r in store.run(NATIONAL)],
        rates=rates,
        leads={b: sorted(v) for b, v in leads.items()},
        ent_industries=ent_ind,
        parents=parents,
        patents=_group(store.run(PATENT_ROWS, {"ents": ents}), "ent"),
        certs=_group(store.run(CERT_ROWS, {"ents": ents}), "ent"),
        memberships=memberships,
        standards=_group(store.run(STANDARD_ROWS, {"orgs": ents + org_keys + alliances}), "org"),
        financing=_group(store.run(FINANCING_ROWS, {"ents": ents}), "ent"),
        rd_centres=_group(store.run(RDC_ROWS, params), "base"),
        key_enterprises=_group(store.run(KEY_ROWS, params), "base"),
    )
    for b, ms in members.items():
        keys = {m["ent"] for m in ms}
        data.figure_years[b] = {y for (e, y) in figures if e in keys}
    return data


@dataclass
class YearMeasures:
    """The measures of one base in one year (values None = n/a; see ``missing``)."""

    base: str
    year: int
    enterprises: int
    research_orgs: int
    totals: dict[str, float | None]
    coverage: dict[str, int]
    own_ip_share: float | None
    own_brand_share: float | None
    export_share: float | None
    triple_enterprises: int | None
    triple_share: float | None
    own_ip_export_share: float | None
    rnd_intensity: float | None
    export_intensity: float | None
    output_growth: float | None
    exports_growth: float | None
    intl_patents: int
    intl_ip_share: float | None
    intl_cert_share: float | None
    standards: int
    standards_by_level: dict[str, int]
    standards_per_enterprise: float | None
    foreign_invested_share: float | None
    foreign_rd_centres: int
    financing_amount: float | None
    financing_events: int
    financing_by_instrument: dict[str, float]
    key_enterprises: int
    key_contacts: int
    missing: dict[str, str]


def _sum_figure(data: MeasureData, ents: Sequence[str], name: str, year: int) -> tuple[float | None, int]:
    cells = [data.figures[(e, year)].get(name) for e in ents if (e, year) in data.figures]
    vals = [float(v) for v in cells if v is not None]
    # fsum: exactly rounded, so the total does not depend on the order the store returns rows in.
    return (math.fsum(vals) if vals else None), len(vals)


def _share(n: int, total: int) -> float | None:
    return n / total if total else None


def _flag_share(active: Sequence[Mapping[str, Any]], flag: str) -> float | None:
    """True flags ÷ enterprises; None when no enterprise of the base has the flag filled in."""
    if not active or all(m.get(flag) is None for m in active):
        return None
    return sum(1 for m in active if m.get(flag)) / len(active)


def measures_at(data: MeasureData, base: str, year: int) -> YearMeasures:
    """The measures of ``base`` in ``year`` (see the module rule for what counts)."""
    active = data.active(base, year)
    ents = [m["ent"] for m in active]
    n = len(ents)
    missing: dict[str, str] = {}
    totals: dict[str, float | None] = {}
    coverage: dict[str, int] = {}
    for f in FIGURES:
        totals[f], coverage[f] = _sum_figure(data, ents, f, year)
        if totals[f] is None:
            missing[f] = _("no enterprise reports EnterpriseYear.{figure} for {year}").format(
                figure=f, name=FIGURE_ZH[f], year=year
            )
    prev = {f: _sum_figure(data, [m["ent"] for m in data.active(base, year - 1)], f, year - 1)[0] for f in FIGURES}

    def ratio(a: str, b: str, key: str) -> float | None:
        x, y = totals[a], totals[b]
        if x is None or y is None or y == 0:
            lacking = [k for k in (a, b) if totals[k] is None] or [f"{b} > 0"]
            names = [FIGURE_ZH[k] for k in (a, b) if totals[k] is None] or [f"{FIGURE_ZH[b]} > 0"]
            missing[key] = _("missing for {year}: {figures}").format(
                year=year, figures=", ".join(lacking), names="、".join(names)
            )
            return None
        return x / y

    def growth(f: str, key: str) -> float | None:
        if totals[f] is None or prev[f] is None or not prev[f]:
            missing[key] = _("missing {figure} for {before} or {year}").format(
                figure=f, name=FIGURE_ZH[f], before=year - 1, year=year
            )
            return None
        return float(totals[f]) / float(prev[f]) - 1  # type: ignore[arg-type]

    own_ip_export = ratio("exports_own_ip", "exports", "own_ip_export_share")
    rnd = ratio("rnd_spending", "revenue", "rnd_intensity")
    export_intensity = None
    rate = data.rates.get(("USD", year))
    if totals["exports"] is None or totals["revenue"] is None or not totals["revenue"]:
        missing["export_intensity"] = _("missing exports or revenue for {year}").format(year=year)
    elif rate is None:
        missing["export_intensity"] = _("missing the exchange rate USD:{year}").format(year=year)
    else:
        export_intensity = totals["exports"] * rate / totals["revenue"]

    # §2's export enterprises: own IP, own brand and exports in the year.
    exporters = {e for e in ents if ((data.figures.get((e, year)) or {}).get("exports") or 0) > 0}
    if coverage["exports"] == 0:
        triple: int | None = None
        missing["triple_enterprises"] = _("missing exports for {year}").format(year=year)
    elif all(m.get("own_ip") is None for m in active) or all(m.get("own_brand") is None for m in active):
        triple = None
        missing["triple_enterprises"] = _("missing own_ip / own_brand flags")
    else:
        triple = sum(1 for m in active if m["ent"] in exporters and m.get("own_ip") and m.get("own_brand"))
    if "triple_enterprises" in missing:
        missing["triple_share"] = missing["triple_enterprises"]

    intl_ents = set()
    intl_patents = set()
    for e in ents:
        for p in data.patents.get(e, []):
            j = p.get("jurisdiction")
            if j and j != "CN" and (p.get("year") is None or p["year"] <= year):
                intl_ents.add(e)
                intl_patents.add(p["patent"])
    cert_ents = {
        e
        for e in ents
        for c in data.certs.get(e, [])
        if c.get("international") and holds(c.get("since"), c.get("until"), year)
    }
    orgs = data.drafters(base, year)
    std: dict[str, str | None] = {}
    for o in orgs:
        for s in data.standards.get(o, []):
            if s.get("year") is None or s["year"] <= year:
                std[s["standard"]] = s.get("level")
    by_level: dict[str, int] = defaultdict(int)
    for lv in std.values():
        by_level[lv or "unknown"] += 1
    fin = [ev for e in ents for ev in data.financing.get(e, []) if ev.get("year") == year]
    amounts: dict[str, list[float]] = defaultdict(list)
    for ev in fin:
        amounts[ev["instrument"]].append(float(ev.get("amount") or 0))
    by_inst = {k: math.fsum(v) for k, v in amounts.items()}
    rdc = [
        r for r in data.rd_centres.get(base, []) if r.get("foreign") and holds(r.get("founded"), r.get("closed"), year)
    ]
    keys = [k for k in data.key_enterprises.get(base, []) if holds(k.get("since"), k.get("until"), year)]
    if not fin:
        missing["financing_amount"] = _("no financing event recorded for {year}").format(year=year)
    fis = _flag_share(active, "foreign_invested")
    if fis is None:
        missing["foreign_invested_share"] = _("missing foreign_invested flags")
    for flag, key in (
        ("own_ip", "own_ip_share"),
        ("own_brand", "own_brand_share"),
        ("export_oriented", "export_share"),
    ):
        if _flag_share(active, flag) is None:
            missing[key] = _("missing {flag} flags").format(flag=flag)
    return YearMeasures(
        base=base,
        year=year,
        enterprises=n,
        research_orgs=len(data.active_orgs(base, year)),
        totals=totals,
        coverage=coverage,
        own_ip_share=_flag_share(active, "own_ip"),
        own_brand_share=_flag_share(active, "own_brand"),
        export_share=_flag_share(active, "export_oriented"),
        triple_enterprises=triple,
        triple_share=None if triple is None else _share(triple, n),
        own_ip_export_share=own_ip_export,
        rnd_intensity=rnd,
        export_intensity=export_intensity,
        output_growth=growth("output", "output_growth"),
        exports_growth=growth("exports", "exports_growth"),
        intl_patents=len(intl_patents),
        intl_ip_share=_share(len(intl_ents), n),
        intl_cert_share=_share(len(cert_ents), n),
        standards=len(std),
        standards_by_level=dict(by_level),
        standards_per_enterprise=_share(len(std), n),
        foreign_invested_share=fis,
        foreign_rd_centres=len(rdc),
        financing_amount=math.fsum(a for v in amounts.values() for a in v) if fin else None,
        financing_events=len(fin),
        financing_by_instrument=dict(by_inst),
        key_enterprises=len(keys),
        key_contacts=sum(1 for k in keys if k.get("contact")),
        missing=missing,
    )
