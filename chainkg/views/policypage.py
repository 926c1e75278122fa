"""The policy page of a base (``/ui/policy``): the three §2 targets and the policy objects, for a year.

The figures are those of the API (``/analytics/targets``, ``/analytics/policy``): this module
calls the same query functions and only puts their answers into the words of the page's
language. Texts the queries write in both languages ("中文 (English)") are split here, so a
Chinese page carries no English reason and an English page no Chinese one; data (names of
firms, standards, sources) stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainkg.graph.store.base import GraphStore
from chainkg.i18n import Msg, _, get_locale, localized, pgettext, pick, value
from chainkg.queries.measures import ALL_BASES, fetch, today_year
from chainkg.queries.policy import PolicyProfile, policy_profile
from chainkg.queries.resources import get_node
from chainkg.queries.targets import Target, TargetInput, base_targets
from chainkg.views.measures import NA, Kind, show

SECTION_ROWS = 50
"""Rows shown per policy-object table; the line above a longer table says how many it has."""

UNITS: dict[str, str] = {"万元": "10k CNY", "万美元": "10k USD", "家": "firms"}
"""The units the targets are given in (Chinese in the data) and their catalog messages (context ``unit``)."""

SOURCES: dict[str, str] = {"computed": Msg("computed"), "all bases": Msg.in_context("total", "all bases")}


def one_language(text: str) -> str:
    """The part of a bilingual "中文 (English)" text in the page's language; other texts as they are.

    >>> from chainkg.i18n import use_locale
    >>> with use_locale("en"):
    ...     one_language("缺少全国LED产值 2021 年 (missing NationalTotal output X 2021)")
    'missing NationalTotal output X 2021'
    >>> one_language("缺少全国LED产值 2021 年 (missing NationalTotal output X 2021)")
    '缺少全国LED产值 2021 年'
    """
    text = text.strip()
    cut = text.rfind(" (")
    if not text.endswith(")") or cut <= 0 or text[cut + 2 :].count("(") != text[cut + 2 :].count(")") - 1:
        return text
    return pick(text[:cut].strip(), text[cut + 2 : -1].strip())


def _reasons(texts: list[str]) -> list[str]:
    return [one_language(part) for t in texts for part in t.split("; ") if part.strip()]


@dataclass
class InputView:
    """One input of a target as the page shows it."""

    name: str
    value: str
    unit: str
    source: str
    raw: float | None


@dataclass
class TargetView:
    """One §2 target as the page shows it; ``raw_*`` are the API's numbers (for tests and data attributes)."""

    code: str
    name: str
    clause: str
    scope: str
    threshold: str
    value: str
    total: str
    met: bool | None
    status: str
    inputs: list[InputView]
    missing: list[str]
    notes: list[str]
    raw_value: float | None
    raw_total: float | None


def _kind(unit: str) -> Kind:
    return "pct" if unit == "%" else "int"


def _unit(unit: str) -> str:
    return pgettext("unit", UNITS[unit]) if unit in UNITS else unit


def _input_view(x: TargetInput) -> InputView:
    if x.value is None:
        shown = NA
    elif x.unit == "" and x.value <= 1:  # a computed share
        shown = show(x.value, "pct")
    else:
        shown = f"{x.value:,.0f}" if abs(x.value) >= 100 else f"{x.value:,.4g}"
    unit = _unit(x.unit)
    source = localized(SOURCES[x.source]) if x.source in SOURCES else x.source
    name = (x.name_en or x.name) if get_locale() == "en" else x.name
    return InputView(name=name, value=shown, unit=unit, source=source, raw=x.value)


def target_view(t: Target) -> TargetView:
    """``t`` in the words of the page's language (figures formatted as the CLI shows them)."""
    kind = _kind(t.unit)
    unit = "" if t.unit == "%" else " " + _unit(t.unit)
    status = _("n/a") if t.met is None else (_("met") if t.met else _("not met"))
    return TargetView(
        code=t.code,
        name=t.name_en if get_locale() == "en" else t.name,
        clause=t.clause,
        scope=pgettext("scope", "this base") if t.scope == "base" else _("national: the base's contribution"),
        threshold=f"≥ {show(t.threshold, kind)}{unit}",
        value=show(t.value, kind),
        total="—" if t.scope == "base" else show(t.total, kind),
        met=t.met,
        status=status,
        inputs=[_input_view(x) for x in t.inputs],
        missing=_reasons(t.missing),
        notes=_reasons([t.note]) if t.note else [],
        raw_value=t.value,
        raw_total=t.total,
    )


@dataclass
class Section:
    """One table of policy objects: its title, columns, the rows shown and how many there are."""

    id: str
    title: str
    clause: str
    columns: list[str]
    rows: list[list[Any]]
    total: int
    summary: str = ""
    extra: list[str] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        """True when the table shows fewer rows than the list has."""
        return len(self.rows) < self.total


def _section(
    id_: str, title: str, clause: str, columns: list[str], rows: list[list[Any]], summary: str = ""
) -> Section:
    return Section(id_, title, clause, columns, rows[:SECTION_ROWS], len(rows), summary)


def _counts(counts: dict[str, int | float], label: Any, money: bool = False) -> str:
    return ", ".join(f"{label(k)} {show(v, 'wan_cny') if money else v}" for k, v in sorted(counts.items()))


def _level(code: str | None) -> str:
    return pgettext("standard level", code) if code else _("unknown")


def _instrument(code: str) -> str:
    return pgettext("financing", code)


def _blank(v: Any) -> Any:
    return "" if v is None else v


def policy_sections(p: PolicyProfile) -> list[Section]:
    """The policy objects of a base as titled tables, in the page's language."""
    yes_no = value
    sections = [
        _section(
            "standards",
            _("Standards drafted"),
            "§4(二)",
            [_("Standard number"), _("Title"), _("Standard level"), _("Year"), _("Drafted by"), _("Lead drafter")],
            [
                [s.standard, s.name, _level(s.level), _blank(s.year), "、".join(s.drafters), yes_no(s.lead)]
                for s in p.standards
            ],
            _counts(dict(p.standards_by_level), _level),
        ),
        _section(
            "intl-patents",
            _("International patents"),
            "§6(二)",
            [_("Patent"), _("Jurisdiction"), _("Year"), _("Holder")],
            [[x.patent, x.jurisdiction, _blank(x.year), x.holder] for x in p.international_patents],
            _counts(dict(p.patents_by_jurisdiction), str),
        ),
        _section(
            "certifications",
            _("Certifications held"),
            "§6(二)",
            [_("Enterprise"), _("Certification"), _("Name"), _("Market"), _("International"), _("Held since")],
            [
                [c.enterprise, c.certification, _blank(c.name), _blank(c.region), yes_no(c.international), c.since]
                for c in p.certifications
            ],
        ),
        _section(
            "rd-centres",
            _("Foreign R&D centres"),
            "§3(四)",
            [_("R&D centre"), _("Parent company"), _("Home country"), _("Foreign"), _("Founded")],
            [[r.name, _blank(r.parent), _blank(r.country), yes_no(r.foreign), _blank(r.founded)] for r in p.rd_centres],
        ),
        _section(
            "foreign-invested",
            _("Foreign-invested enterprises"),
            "§3(四)",
            [_("Enterprise")],
            [[n] for n in p.foreign_invested],
        ),
        _section(
            "financing",
            _("Financing events of the year"),
            "§5",
            [_("Enterprise"), _("Instrument"), _("Amount (10k CNY)"), _("Year"), _("Provider")],
            [
                [f.enterprise, _instrument(f.instrument), show(f.amount, "wan_cny"), f.year, _blank(f.provider)]
                for f in p.financing
            ],
            _counts(dict(p.financing_by_instrument), _instrument, money=True),
        ),
        _section(
            "key-enterprises",
            _("Key enterprises and their contacts"),
            "§7",
            [_("Enterprise"), _("Contact person"), _("Contact's role"), _("Base liaison"), _("Key enterprise since")],
            [
                [k.name, k.contact or _("no contact yet"), _blank(k.contact_role), _blank(k.liaison), _blank(k.since)]
                for k in p.key_enterprises
            ],
        ),
    ]
    if p.key_without_contact:
        sections[-1].extra.append(_("Without a contact yet:") + " " + "、".join(p.key_without_contact))
    return sections


@dataclass
class PolicyPage:
    """Everything ``/ui/policy`` shows for one base and year."""

    node: dict[str, Any]
    year: int
    default_year: int
    years: list[int]
    targets: list[TargetView]
    sections: list[Section]


def policy_page(store: GraphStore, base: str, year: int | None = None) -> PolicyPage:
    """The §2 targets and the policy objects of ``base`` in ``year`` (default: its latest year
    with figures, the default of ``/analytics/targets``); ``NotFoundError`` for an unknown base."""
    node = get_node(store, "Base", base)
    bases = [r["key"] for r in store.run(ALL_BASES)]
    data = fetch(store, bases)
    default = data.latest_figure_year(base, today_year()) or today_year()
    chosen = default if year is None else year
    bt = base_targets(store, base, chosen, data=data)
    profile = policy_profile(store, base, chosen)
    figure_years = data.figure_years.get(base, set())
    first = data.approved.get(base) or min(figure_years, default=default)
    years = list(range(min(first, chosen), max(default, chosen, today_year()) + 1))
    return PolicyPage(
        node=node,
        year=chosen,
        default_year=default,
        years=sorted(years, reverse=True),
        targets=[target_view(t) for t in bt.targets],
        sections=policy_sections(profile),
    )


def _vocabulary() -> None:  # pragma: no cover - never called: lists the codes for pybabel
    """Standard levels and financing instruments as the page names them (model.STANDARD_LEVELS,
    model.FINANCING_INSTRUMENTS)."""
    pgettext("standard level", "international")
    pgettext("standard level", "national")
    pgettext("standard level", "industry")
    pgettext("standard level", "local")
    pgettext("standard level", "group")
    pgettext("standard level", "enterprise")
    pgettext("financing", "fund")
    pgettext("financing", "loan")
    pgettext("financing", "ip_pledge")
    pgettext("financing", "credit_insurance")
    pgettext("financing", "guarantee")
    pgettext("financing", "equity")
    pgettext("financing", "other")
    pgettext("unit", "10k CNY")
    pgettext("unit", "10k USD")
    pgettext("unit", "firms")
    pgettext("total", "all bases")
    pgettext("scope", "base")
    pgettext("scope", "this base")
