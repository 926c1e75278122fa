"""The three targets of the founding notice's §2 (商产发[2007]509号), as indicators.

- **2a** 特色主导产业产值占全国该产业产值 ≥ 30 % — per base: the output value (产值) of the
  base's enterprises in a leading industry (``LEADS_IN``, sub-industries included) ÷ the
  national output of that industry (``NationalTotal`` measure ``output``) in the year. With
  several leading industries the base's value is the best one (the 特色主导产业 is the one it
  leads in); the others are listed in the inputs.
- **2b** 1,000 家拥有自主知识产权、自主品牌、较强国际竞争力的出口企业 — national: an enterprise
  counts in year Y when it has own IP (``own_ip``), its own brand (``own_brand``) and exports in Y
  (``EnterpriseYear.exports`` > 0). "Strong international competitiveness" has no figure of its
  own; exporting in the year is the reading used, and the inputs show how many of those firms
  also hold international IP or an international certification. The base's value is its
  contribution; the all-bases total (each firm once) is compared with 1,000.
- **2c** 自主知识产权高新技术产品出口占全国高新技术产品出口 ≥ 30 % — national: the bases'
  high-tech exports with own IP (``exports_high_tech_own_ip``) ÷ the national high-tech exports
  (``NationalTotal`` measure ``exports_high_tech``, no industry) in the year; the base's share
  is its contribution.

A target whose inputs are missing is "n/a" and names what is missing; it is never 0.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from chainkg.graph.store import GraphStore
from chainkg.i18n import N_, Msg, _
from chainkg.queries.measures import MeasureData, base_names, fetch, today_year
from chainkg.queries.results import Record

OUTPUT_SHARE_THRESHOLD = 0.30
EXPORT_ENTERPRISES_THRESHOLD = 1000
HIGH_TECH_SHARE_THRESHOLD = 0.30
NOTICE = "商产发[2007]509号"


class TargetInput(Record):
    """One input a target used: what, its value and unit, the year and where it came from."""

    name: str
    value: float | None
    unit: str
    year: int | None
    source: str
    name_en: str = ""


class Target(Record):
    """One §2 target: threshold, value, met or not, and the inputs (or what is missing)."""

    code: str
    name: str
    name_en: str
    clause: str
    scope: Literal["base", "national"]
    threshold: float
    unit: str
    value: float | None
    total: float | None
    met: bool | None
    status: str
    missing: list[str]
    inputs: list[TargetInput]
    note: str


class BaseTargets(Record):
    """The three §2 targets of one base in one year."""

    base: str
    name: str
    year: int
    targets: list[Target]


def _status(met: bool | None) -> str:
    return "n/a" if met is None else ("达标 met" if met else "未达标 not met")


# Each §2 target as the notice words it: name, English name, scope, threshold and unit.
_DEFINED: dict[str, tuple[str, str, Literal["base", "national"], float, str]] = {
    "2a": (
        "特色主导产业产值占全国该产业产值比重",
        "Leading industry's output as a share of the national industry",
        "base",
        OUTPUT_SHARE_THRESHOLD,
        "%",
    ),
    "2b": (
        "拥有自主知识产权、自主品牌、较强国际竞争力的出口企业数",
        "Export enterprises with own IP, own brand and strong international competitiveness",
        "national",
        float(EXPORT_ENTERPRISES_THRESHOLD),
        "家",
    ),
    "2c": (
        "自主知识产权高新技术产品出口占全国高新技术产品出口比重",
        "High-tech exports with own IP as a share of national high-tech exports",
        "national",
        HIGH_TECH_SHARE_THRESHOLD,
        "%",
    ),
}


def _target(code: str, met: bool | None, **figures: Any) -> Target:
    """Target ``code`` as :data:`_DEFINED` words it, with ``met``, its status and the ``figures`` found."""
    defined = dict(zip(("name", "name_en", "scope", "threshold", "unit"), _DEFINED[code], strict=True))
    return Target(code=code, clause=f"{NOTICE} §2", met=met, status=_status(met), **defined, **figures)


def _src(row: dict[str, object] | None) -> str:
    if not row:
        return ""
    parts = [str(row.get(k)) for k in ("data_source", "source") if row.get(k)]
    return "; ".join(parts)


def _input(msg: str, value: float | None, unit: str, year: int, source: str, **words: object) -> TargetInput:
    """One input named by the catalog message ``msg`` (filled with ``words``): ``name`` in the
    current language, ``name_en`` in English for every language."""
    said = msg.text() if isinstance(msg, Msg) else _(msg)
    return TargetInput(
        name=said.format(**words), name_en=str(msg).format(**words), value=value, unit=unit, year=year, source=source
    )


def output_share(data: MeasureData, base: str, year: int) -> Target:
    """Target 2a for ``base`` in ``year`` (see the module text)."""
    inputs: list[TargetInput] = []
    missing: list[str] = []
    notes: list[str] = []
    best: float | None = None
    leads = data.leads.get(base, [])
    if not leads:
        missing.append(_("no leading industry: add LEADS_IN for the base"))
    active = data.active(base, year)
    for ind, ind_name in leads:
        ents = [m["ent"] for m in active if any(data.under(i, ind) for i in data.ent_industries.get(m["ent"], ()))]
        vals = [data.figures[(e, year)]["output"] for e in ents if (e, year) in data.figures]
        vals = [v for v in vals if v is not None]
        nat = data.national_total("output", ind, year)
        lack = []
        if not ents:
            lack.append(_("no enterprise of the base in {code}").format(code=ind, name=ind_name))
        elif not vals:
            lack.append(_("missing EnterpriseYear.output of {code}, {year}").format(code=ind, name=ind_name, year=year))
        if nat is None or not nat.get("value"):
            lack.append(_("missing NationalTotal output {code} {year}").format(code=ind, name=ind_name, year=year))
        if vals:
            inputs.append(
                _input(
                    N_("output of the base's {name} enterprises ({n} of {m} reporting)"),
                    float(math.fsum(vals)),
                    "万元",
                    year,
                    "EnterpriseYear.output",
                    name=ind_name,
                    n=len(vals),
                    m=len(ents),
                )
            )
        if nat is not None:
            inputs.append(
                _input(
                    N_("national {name} output"),
                    nat["value"],
                    nat.get("unit") or "万元",
                    year,
                    _src(nat),
                    name=ind_name,
                )
            )
        if lack:
            (notes if len(leads) > 1 else missing).extend(lack)
            continue
        share = math.fsum(vals) / nat["value"]  # type: ignore[index]
        inputs.append(_input(N_("{name} share of the nation"), share, "", year, "computed", name=ind_name))
        best = share if best is None else max(best, share)
    if best is None and leads and len(leads) > 1:
        missing, notes = notes, []
    met = None if best is None else best >= OUTPUT_SHARE_THRESHOLD
    return _target(
        "2a", met, value=best, total=None, missing=missing if best is None else [], inputs=inputs, note="; ".join(notes)
    )


def _exporters(data: MeasureData, base: str, year: int) -> tuple[set[str] | None, str]:
    """The base's enterprises meeting 2b in ``year``; None and the reason when inputs are missing."""
    active = data.active(base, year)
    figs = [data.figures.get((m["ent"], year)) or {} for m in active]
    if not any(f.get("exports") is not None for f in figs):
        return None, _("missing EnterpriseYear.exports of the base's enterprises for {year}").format(year=year)
    if all(m.get("own_ip") is None for m in active) or all(m.get("own_brand") is None for m in active):
        return None, _("missing Enterprise.own_ip / own_brand")
    return {
        m["ent"]
        for m, f in zip(active, figs, strict=True)
        if m.get("own_ip") and m.get("own_brand") and (f.get("exports") or 0) > 0
    }, ""


def export_enterprises(data: MeasureData, base: str, year: int) -> Target:
    """Target 2b: the base's contribution and the all-bases total (see the module text)."""
    mine, why = _exporters(data, base, year)
    everyone: set[str] = set()
    na_bases = 0
    for b in data.bases:
        got, _why = _exporters(data, b, year)
        if got is None:
            na_bases += 1
        else:
            everyone |= got
    total = None if na_bases == len(data.bases) else float(len(everyone))
    strong = 0
    for e in mine or ():
        intl_ip = any(
            p.get("jurisdiction") not in (None, "CN") and (p.get("year") is None or p["year"] <= year)
            for p in data.patents.get(e, [])
        )
        intl_cert = any(c.get("international") for c in data.certs.get(e, []))
        strong += intl_ip or intl_cert
    met = None if total is None else total >= EXPORT_ENTERPRISES_THRESHOLD
    inputs = [
        _input(
            N_("export enterprises of the base that qualify"),
            None if mine is None else float(len(mine)),
            "家",
            year,
            "Enterprise.own_ip, own_brand; EnterpriseYear.exports > 0",
        ),
        _input(
            N_("of which hold international patents or certifications"), float(strong), "家", year, "Patent, CERTIFIED"
        ),
        _input(N_("all bases (each enterprise once)"), total, "家", year, "all bases"),
    ]
    note = _("{n} bases without the inputs, not counted").format(n=na_bases) if na_bases else ""
    return _target(
        "2b",
        met,
        value=None if mine is None else float(len(mine)),
        total=total,
        missing=[why] if mine is None and why else [],
        inputs=inputs,
        note=note,
    )


def _ht_own_ip(data: MeasureData, base: str, year: int) -> tuple[float | None, dict[str, float]]:
    per: dict[str, float] = {}
    for m in data.active(base, year):
        v = (data.figures.get((m["ent"], year)) or {}).get("exports_high_tech_own_ip")
        if v is not None:
            per[m["ent"]] = float(v)
    return (math.fsum(per.values()) if per else None), per


def high_tech_share(data: MeasureData, base: str, year: int) -> Target:
    """Target 2c: the base's share and the all-bases share (see the module text)."""
    mine, _by_firm = _ht_own_ip(data, base, year)
    nat = data.national_total("exports_high_tech", None, year)
    missing = []
    if mine is None:
        missing.append(_("missing exports_high_tech_own_ip of the base's enterprises, {year}").format(year=year))
    if nat is None or not nat.get("value"):
        missing.append(_("missing NationalTotal exports_high_tech {year}").format(year=year))
    everyone: dict[str, float] = {}
    for b in data.bases:
        everyone.update(_ht_own_ip(data, b, year)[1])
    value = total = None
    if nat is not None and nat.get("value"):
        if mine is not None:
            value = mine / nat["value"]
        if everyone:
            total = math.fsum(everyone.values()) / nat["value"]
    met = None if total is None else total >= HIGH_TECH_SHARE_THRESHOLD
    inputs = [
        _input(
            N_("the base's high-tech exports with own IP"),
            mine,
            "万美元",
            year,
            "EnterpriseYear.exports_high_tech_own_ip",
        ),
        _input(
            Msg.in_context("total", "all bases"),
            math.fsum(everyone.values()) if everyone else None,
            "万美元",
            year,
            "all bases",
        ),
        _input(
            N_("national high-tech exports"),
            None if nat is None else nat["value"],
            "万美元",
            year,
            _src(nat),
        ),
    ]
    return _target(
        "2c",
        met,
        value=value,
        total=total,
        missing=missing if (value is None or total is None) else [],
        inputs=inputs,
        note="",
    )


def base_targets(
    store: GraphStore, base: str, year: int | None = None, *, data: MeasureData | None = None
) -> BaseTargets:
    """The three §2 targets of ``base`` in ``year`` (default: its latest year with figures).

    ``base`` is checked by :func:`~chainkg.queries.measures.base_names` (``NotFoundError`` for a
    key no base has).

    Examples
    --------
    >>> [(t.code, t.status) for t in base_targets(store, "sz-led", 2021).targets]  # doctest: +SKIP
    [('2a', '达标 met'), ('2b', '未达标 not met'), ('2c', '未达标 not met')]
    """
    if data is None:
        data = fetch(store, list(base_names(store, base)))
    if year is None:
        year = data.latest_figure_year(base, today_year()) or today_year()
    return BaseTargets(
        base=base,
        name=data.names.get(base, base),
        year=year,
        targets=[
            output_share(data, base, year),
            export_enterprises(data, base, year),
            high_tech_share(data, base, year),
        ],
    )
