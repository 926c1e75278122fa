"""Tables of indicators, §2 targets, rankings and policy objects, Chinese first.

A value that is missing shows as ``n/a`` (never as 0 or an empty cell), and the reason is
listed under the table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from chainkg.i18n import N_, Msg, _, column, get_locale, in_language, pgettext, value
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
    ("gaps", Msg.in_context("indicator", "gaps"), "int"),
    ("weak_links", N_("weak links"), "int"),
    ("alliances", Msg.in_context("indicator", "alliances"), "int"),
    ("alliance_share", N_("share in an alliance"), "pct"),
    ("pools", N_("patent pools"), "int"),
    ("platform_types", N_("platform types (of 6)"), "int"),
    ("cooperation_links", N_("industry–academia links"), "int"),
)
NA = "n/a"


def _indicator_vocabulary() -> None:  # pragma: no cover - never called: lists the labels above for pybabel
    """The labels of INDICATOR_ROWS that are also headers (context ``column``), so have a context of their own."""
    pgettext("indicator", "gaps")
    pgettext("indicator", "alliances")


def label_text(label: str, lang: str | None = None) -> str:
    """An indicator's label (a catalog message) in ``lang`` (the current language when None)."""
    if isinstance(label, Msg):
        return label.text(lang)
    return in_language(lang, label) if lang else _(label)


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


UNITS: dict[str, str] = {"万元": "10k CNY", "万美元": "10k USD", "家": "firms"}
"""The units the queries write (as the notice does), as catalog messages of context ``unit``
(listed in chainkg.views.policypage; ``firms`` is also a header)."""


def unit_text(unit: str) -> str:
    """A unit in the current language (``万元`` is ``10k CNY`` in English)."""
    return pgettext("unit", UNITS[unit]) if unit in UNITS else unit


def indicator_table(found: Sequence[BaseIndicators], heads: Sequence[str]) -> list[dict[str, str]]:
    """One row per indicator (指标), one column per base or year."""
    rows = []
    for name, label, kind in INDICATOR_ROWS:
        row = {column("indicator"): label_text(label)}
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
                column("indicator"): label_text(label),
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
                out.append(f"{where} {label_text(labels[k])}: {NA} — {why}")
    return out


def target_rows(bt: BaseTargets) -> list[dict[str, str]]:
    """The three §2 targets: threshold, value, all-bases total, met or not."""
    rows = []
    for t in bt.targets:
        kind: Kind = "pct" if t.unit == "%" else "int"
        thr = f"≥ {show(t.threshold, kind)}" + ("" if t.unit == "%" else f" {unit_text(t.unit)}")
        rows.append(
            {
                column("§2 target"): f"{t.code} {t.name_en if get_locale() == 'en' else t.name}",
                column("scope"): pgettext("scope", "base") if t.scope == "base" else _("national (base's share)"),
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
            out.append(f"  · {x.name}: {value} {unit_text(x.unit)}{src}")
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
    return label_text(labels[key]) if key in labels else key


Getter = str | Callable[[Any], Any]


def _rows(items: Sequence[Any], spec: Sequence[tuple[str, Getter]]) -> list[dict[str, Any]]:
    """One row per item: for each ``(header, getter)`` of ``spec`` the header in the current
    language and the item's attribute (``getter`` a name) or ``getter(item)``."""
    return [{column(h): (getattr(x, g) if isinstance(g, str) else g(x)) for h, g in spec} for x in items]


def profile_sections(p: PolicyProfile) -> dict[str, list[dict[str, Any]]]:
    """The policy objects of a base as titled tables, in the current language."""
    level = ("standard level", lambda s: value(s.level) if s.level else NA)
    standards: list[tuple[str, Getter]] = [("standard", "standard"), ("name", "name"), level, ("year", "year")]
    standards += [("drafters", lambda s: "、".join(s.drafters)), ("lead drafter", lambda s: value(bool(s.lead)))]
    patents: list[tuple[str, Getter]] = [("patent", "patent"), ("jurisdiction", "jurisdiction"), ("year", "year")]
    patents.append(("holder", "holder"))
    certs: list[tuple[str, Getter]] = [("enterprise", "enterprise"), ("certification", "certification")]
    certs += [("name", "name"), ("market", "region"), ("international", lambda e: value(bool(e.international)))]
    certs.append(("from", "since"))
    centres: list[tuple[str, Getter]] = [("name", "name"), ("parent", "parent"), ("home country", "country")]
    centres += [("foreign", lambda r: value(bool(r.foreign))), ("founded", "founded")]
    # Foreign-invested firms are names only: the centres' columns, the firm's name and its kind.
    firms: list[tuple[str, Getter]] = [(h, lambda n: "") for h, _g in centres]
    firms[0], firms[3] = ("name", lambda n: n), ("foreign", lambda n: _("foreign-invested firm"))
    money: list[tuple[str, Getter]] = [("enterprise", "enterprise"), ("instrument", lambda f: value(f.instrument))]
    money += [("amount (10k CNY)", lambda f: show(f.amount, "wan_cny")), ("year", "year"), ("provider", "provider")]
    keys: list[tuple[str, Getter]] = [("enterprise", "name"), ("contact", lambda k: k.contact or _("(missing)"))]
    keys += [
        ("position", lambda k: k.contact_role or ""),
        ("base liaison", lambda k: k.liaison or ""),
        ("from", "since"),
    ]
    return {
        _("Standards (§4(2))"): _rows(p.standards, standards),
        _("International patents (§6(2))"): _rows(p.international_patents, patents),
        _("Certifications (§6(2))"): _rows(p.certifications, certs),
        _("Foreign R&D centres and foreign-invested firms (§3(4))"): _rows(p.rd_centres, centres)
        + _rows(p.foreign_invested, firms),
        _("Financing (§5)"): _rows(p.financing, money),
        _("Key enterprises (§7, key enterprise liaison)"): _rows(p.key_enterprises, keys),
    }
