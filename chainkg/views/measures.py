"""Tables of indicators, §2 targets, rankings and policy objects, Chinese first.

A value that is missing shows as ``n/a`` (never as 0 or an empty cell), and the reason is
listed under the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from chainkg.i18n import N_, _, column, value
from chainkg.queries.indicators import BaseIndicators, BaseRank
from chainkg.queries.policy import PolicyProfile
from chainkg.queries.targets import BaseTargets

Kind = Literal["pct", "int", "num", "wan_cny", "wan_usd", "signed_pct"]

# (field, label (a catalog message), how to show it); the order of the table.
INDICATOR_ROWS: tuple[tuple[str, str, Kind], ...] = (
    ("enterprises", N_("number of enterprises"), "int"),
    ("research_orgs", N_("research orgs"), "int"),
    ("own_ip_share", N_("own IP share"), "pct"),
    ("own_brand_share", N_("own brand share"), "pct"),
    ("export_share", N_("export-oriented share"), "pct"),
    ("triple_enterprises", N_("own IP + brand + exports"), "int"),
    ("triple_share", N_("their share"), "pct"),
    ("revenue", N_("revenue, 10k CNY"), "wan_cny"),
    ("output", N_("output value, 10k CNY"), "wan_cny"),
    ("output_growth", N_("output, year on year"), "signed_pct"),
    ("exports", N_("exports, 10k USD"), "wan_usd"),
    ("exports_growth", N_("exports, year on year"), "signed_pct"),
    ("own_ip_export_share", N_("own-IP export share"), "pct"),
    ("exports_high_tech", N_("high-tech exports, 10k USD"), "wan_usd"),
    ("export_intensity", N_("exports ÷ revenue"), "pct"),
    ("rnd_intensity", N_("R&D ÷ revenue"), "pct"),
    ("patents_filed", N_("patents filed (year)"), "int"),
    ("patents_granted", N_("patents granted (year)"), "int"),
    ("patents_per_enterprise", N_("patents per enterprise"), "num"),
    ("intl_patents", N_("international patents"), "int"),
    ("intl_ip_share", N_("share with international IP"), "pct"),
    ("intl_cert_share", N_("share with international certification"), "pct"),
    ("standards", N_("standards drafted"), "int"),
    ("foreign_invested_share", N_("foreign-invested share"), "pct"),
    ("foreign_rd_centres", N_("foreign R&D centres"), "int"),
    ("financing_amount", N_("financing in the year, 10k CNY"), "wan_cny"),
    ("key_enterprises", N_("key enterprises"), "int"),
    ("key_contacts", N_("key enterprises with a contact"), "int"),
    ("chain_completeness", N_("chain completeness"), "pct"),
    ("chain_segments", N_("chain segments"), "int"),
    ("gaps", N_("gaps"), "int"),
    ("weak_links", N_("weak links"), "int"),
    ("alliances", N_("alliances"), "int"),
    ("alliance_share", N_("share in an alliance"), "pct"),
    ("pools", N_("patent pools"), "int"),
    ("platform_types", N_("platform types (of 6)"), "int"),
    ("cooperation_links", N_("industry–academia links"), "int"),
)
NA = "n/a"


def show(v: Any, kind: Kind) -> str:
    """One value as text: percentages with %, money with thousands separators, None as n/a.

    Examples
    --------
    >>> show(0.356, "pct"), show(0.0008, "pct"), show(None, "pct"), show(2418337.0, "wan_cny")
    ('35.6%', '0.08%', 'n/a', '2,418,337')
    """
    if v is None:
        return NA
    if kind == "pct":
        # Small national shares (0.08 %) would all read 0.1 % with one decimal.
        return f"{100 * v:.2f}%" if 0 < abs(v) < 0.01 else f"{100 * v:.1f}%"
    if kind == "signed_pct":
        return f"{100 * v:+.1f}%"
    if kind == "int":
        return f"{int(v):,}"
    if kind in ("wan_cny", "wan_usd"):
        return f"{v:,.0f}"
    return f"{v:.3g}"


def indicator_table(found: Sequence[BaseIndicators], heads: Sequence[str]) -> list[dict[str, str]]:
    """One row per indicator (指标), one column per base or year."""
    rows = []
    for name, label, kind in INDICATOR_ROWS:
        row = {column("indicator"): _(label)}
        for h, i in zip(heads, found, strict=True):
            row[h] = show(getattr(i, name), kind)
        rows.append(row)
    return rows


def change_table(now: BaseIndicators, before: BaseIndicators | None) -> list[dict[str, str]]:
    """The indicators of one base this year and last year, with the change (同比)."""
    rows = []
    for name, label, kind in INDICATOR_ROWS:
        a = getattr(now, name)
        b = getattr(before, name) if before is not None else None
        if a is None or b is None:
            delta = NA
        elif kind in ("pct", "signed_pct"):
            delta = _("{change:+.1f} points").format(change=100 * (a - b))
        else:
            delta = f"{a - b:+,.4g}"
        rows.append(
            {
                column("indicator"): _(label),
                str(now.year): show(a, kind),
                str(now.year - 1 if now.year else "") or _("year before"): show(b, kind),
                column("change"): delta,
            }
        )
    return rows


def missing_lines(found: Sequence[BaseIndicators]) -> list[str]:
    """'n/a' reasons, one line per indicator and base or year."""
    labels = {n: label for n, label, _kind in INDICATOR_ROWS}
    out = []
    for i in found:
        where = str(i.year) if i.year is not None else i.base
        for k, why in i.missing.items():
            if k in labels:
                out.append(f"{where} {_(labels[k])}: {NA} — {why}")
    return out


def target_rows(bt: BaseTargets) -> list[dict[str, str]]:
    """The three §2 targets: threshold, value, all-bases total, met or not."""
    rows = []
    for t in bt.targets:
        kind: Kind = "pct" if t.unit == "%" else "int"
        thr = f"≥ {show(t.threshold, kind)}" + ("" if t.unit == "%" else f" {t.unit}")
        rows.append(
            {
                column("§2 target"): f"{t.code} {t.name}",
                column("scope"): _("base") if t.scope == "base" else _("national (base's share)"),
                column("threshold"): thr,
                column("this base"): show(t.value, kind),
                column("all bases"): "—" if t.scope == "base" else show(t.total, kind),
                column("status"): NA if t.met is None else _("met") if t.met else _("not met"),
            }
        )
    return rows


def indicator_title(i: BaseIndicators, year: int | None, *, history: bool = False) -> str:
    """The title of a base's indicator table: by year (``history``) or one year beside the one before."""
    if history:
        return _("Indicators of {name} ({base}) by year").format(name=i.name, base=i.base)
    return _("Indicators of {name}, {year} and the year before").format(name=i.name, year=year)


def targets_title(bt: BaseTargets) -> str:
    """The title of the §2 targets table."""
    return _("§2 targets of {name} ({base}), {year}").format(name=bt.name, base=bt.base, year=bt.year)


def target_details(bt: BaseTargets) -> list[str]:
    """The inputs each target used, and what is missing, as lines."""
    out = []
    for t in bt.targets:
        out.append(_("{code} ({clause}) inputs:").format(code=t.code, clause=t.clause))
        for x in t.inputs:
            kind: Kind = "pct" if x.unit == "" and x.value is not None and x.value <= 1 else "num"
            if kind == "pct":
                value = show(x.value, kind)
            else:
                value = NA if x.value is None else (f"{x.value:,.0f}" if abs(x.value) >= 100 else f"{x.value:,.4g}")
            src = f" [{x.source}]" if x.source else ""
            out.append(f"  · {x.name}: {value} {x.unit}{src}")
        for m in t.missing:
            out.append("  ✗ " + _("n/a — missing input: {what}").format(what=m))
        if t.note:
            out.append("  " + _("Note: {note}").format(note=t.note))
    return out


def ranking_rows(ranked: Sequence[BaseRank]) -> list[dict[str, str]]:
    """The ranking with the previous year's rank and the change of score."""
    rows = []
    for r in ranked:
        top = sorted(r.contributions.items(), key=lambda x: -x[1])[:3]
        rows.append(
            {
                "#": str(r.rank),
                column("base"): f"{r.name} ({r.base})",
                column("enterprises"): str(r.enterprises),
                column("score"): f"{r.score:.3f}",
                column("rank last year"): NA if r.previous_rank is None else str(r.previous_rank),
                column("change"): NA if r.score_change is None else f"{r.score_change:+.3f}",
                column("top contributions"): ", ".join(f"{indicator_name(k)} {v:.3f}" for k, v in top),
            }
        )
    return rows


def weights_line(weights: Mapping[str, float]) -> str:
    """The weights used, named in the current language, with the key ``--weight`` takes."""
    return _("Weights: ") + ", ".join(f"{indicator_name(k)}({k})={v:.3g}" for k, v in weights.items())


# Ranking indicators that are no row of the table (ratios of rows).
RANK_ONLY_LABELS: dict[str, str] = {
    "gap_share": N_("share of chain gaps"),
    "weak_share": N_("share of weak links"),
    "pool_share": N_("share in a patent pool"),
    "cooperation_per_enterprise": N_("industry–academia links per enterprise"),
    "standards_per_enterprise": N_("standards per enterprise"),
}


def indicator_name(key: str) -> str:
    """An indicator's name in the current language (the key when it has none)."""
    labels = {n: label for n, label, _kind in INDICATOR_ROWS} | RANK_ONLY_LABELS
    return _(labels[key]) if key in labels else key


def profile_sections(p: PolicyProfile) -> dict[str, list[dict[str, Any]]]:
    """The policy objects of a base as titled tables, in the current language."""
    c = column
    return {
        _("Standards (§4(2))"): [
            {
                c("standard"): s.standard,
                c("name"): s.name,
                c("standard level"): value(s.level) if s.level else NA,
                c("year"): s.year,
                c("drafters"): "、".join(s.drafters),
                c("lead drafter"): value(bool(s.lead)),
            }
            for s in p.standards
        ],
        _("International patents (§6(2))"): [
            {c("patent"): x.patent, c("jurisdiction"): x.jurisdiction, c("year"): x.year, c("holder"): x.holder}
            for x in p.international_patents
        ],
        _("Certifications (§6(2))"): [
            {
                c("enterprise"): e.enterprise,
                c("certification"): e.certification,
                c("name"): e.name,
                c("market"): e.region,
                c("international"): value(bool(e.international)),
                c("from"): e.since,
            }
            for e in p.certifications
        ],
        _("Foreign R&D centres and foreign-invested firms (§3(4))"): [
            {
                c("name"): r.name,
                c("parent"): r.parent,
                c("home country"): r.country,
                c("foreign"): value(bool(r.foreign)),
                c("founded"): r.founded,
            }
            for r in p.rd_centres
        ]
        + [
            {
                c("name"): n,
                c("parent"): "",
                c("home country"): "",
                c("foreign"): _("foreign-invested firm"),
                c("founded"): "",
            }
            for n in p.foreign_invested
        ],
        _("Financing (§5)"): [
            {
                c("enterprise"): f.enterprise,
                c("instrument"): value(f.instrument),
                c("amount (10k CNY)"): show(f.amount, "wan_cny"),
                c("year"): f.year,
                c("provider"): f.provider,
            }
            for f in p.financing
        ],
        _("Key enterprises (§7, key enterprise liaison)"): [
            {
                c("enterprise"): k.name,
                c("contact"): k.contact or _("(missing)"),
                c("position"): k.contact_role or "",
                c("base liaison"): k.liaison or "",
                c("from"): k.since,
            }
            for k in p.key_enterprises
        ],
    }
