"""The annual review report (年度考核报告) of a base: its content, built once, and its tables.

:func:`build_report` asks the questions (the §2 targets, the indicators of the year and the
year before, the chain maps per segment, candidates for each gap segment, weak links,
alliances, patent pools, platforms, the data sources) and keeps the answers in one typed
record, :class:`AnnualReport`. :func:`report_tables` turns it into the report's parts, each a
:class:`ReportTable` with headers and a kind per column (percent, count, money, text),
which :mod:`chainkg.views.report_files` writes as Excel, Word or PDF. The three formats thus
show the same figures.

Language: every word of the report that is ours (titles, headers, intros, coded values, notes)
goes through the catalogs in the current language (:mod:`chainkg.i18n`: Chinese by default,
English on request); data (names of bases, firms, products, segments, sources) stays as stored.
The report is built and its tables made in one language: the CLI and the API set it first.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from chainkg.errors import InvalidInputError
from chainkg.graph.model import NODE_TYPES
from chainkg.graph.store import GraphStore
from chainkg.i18n import N_, Msg, _, get_locale, localized, pgettext, value
from chainkg.queries.chainengine.chain import BaseRef, ChainQuestion, get_base
from chainkg.queries.chainengine.gaps import WeakLink, gap_overview, weak_links
from chainkg.queries.chainengine.segments import (
    MapGaps,
    MapSummary,
    SegmentAnswer,
    SegmentCandidate,
    SegmentGapsResult,
    segment_candidates,
    segment_gaps,
)
from chainkg.queries.indicators import BaseIndicators, base_indicators
from chainkg.queries.measures import today_year
from chainkg.queries.platforms import BasePlatforms, platform_coverage
from chainkg.queries.report import HubRow, SourceRow, base_alliances, base_pools, data_sources
from chainkg.queries.results import Record
from chainkg.queries.targets import BaseTargets, base_targets
from chainkg.views.measures import INDICATOR_ROWS, NA, Kind, label_text, show, unit_text

CANDIDATES_PER_GAP = 3
"""招商 candidates listed per gap segment."""
WEAK_LINKS_SHOWN = 20
"""Product-level weak links listed (the total is stated)."""

CellKind = Literal["text", "pct", "int", "num", "wan_cny", "wan_usd", "signed_pct", "pp", "delta"]
"""How a cell is shown: ``pp`` is a change in percentage points (0.012 → +1.2 个百分点), ``delta``
a signed change (+262)."""


class GapSegment(Record):
    """A gap segment of a chain map with the firms elsewhere to attract, most relevant first."""

    map: str
    map_name: str
    segment: SegmentAnswer
    candidates: list[SegmentCandidate]


class IndicatorChange(Record):
    """One indicator this year and the year before, with the change."""

    name: str
    zh: str
    en: str
    kind: Kind
    value: float | None
    previous: float | None
    change: float | None
    """this year − last year (for shares: in fractions, shown as percentage points)."""
    missing: str | None = None


class AnnualReport(Record):
    """Everything the annual review report of a base shows, for one year."""

    base: BaseRef
    year: int
    previous_year: int
    generated_at: str
    targets: BaseTargets
    indicators: BaseIndicators
    changes: list[IndicatorChange]
    maps: SegmentGapsResult | None
    maps_error: str | None = None
    gap_segments: list[GapSegment]
    no_supplier_segments: list[SegmentAnswer]
    weak_segments: list[SegmentAnswer]
    weak_links: list[WeakLink]
    weak_links_total: int
    product_gaps_total: int
    alliances: list[HubRow]
    pools: list[HubRow]
    platforms: BasePlatforms | None
    sources: list[SourceRow]
    figure_sources: list[str] = Field(default_factory=list)


def _changes(now: BaseIndicators, before: BaseIndicators | None) -> list[IndicatorChange]:
    out = []
    for name, label, kind in INDICATOR_ROWS:
        a = getattr(now, name)
        b = getattr(before, name) if before is not None else None
        change = None if a is None or b is None else float(a) - float(b)
        out.append(
            IndicatorChange(
                name=name,
                zh=label_text(label, "zh"),
                en=label,
                kind=kind,
                value=a,
                previous=b,
                change=change,
                missing=now.missing.get(name),
            )
        )
    return out


def build_report(
    store: GraphStore, base_key: str, year: int | None = None, maps: list[str] | None = None
) -> AnnualReport:
    """The annual review report of ``base_key`` for ``year`` (default: last year).

    ``maps`` are the chain maps to answer per segment (default: the base's own maps). A base
    with no chain map keeps the other parts; the report says why the map part is empty.
    """
    base = get_base(store, base_key)
    y = year if year is not None else today_year() - 1
    targets = base_targets(store, base_key, y)
    now = base_indicators(store, base_key, year=y)[0]
    before = base_indicators(store, base_key, year=y - 1)[0]
    answered: SegmentGapsResult | None = None
    maps_error = None
    try:
        answered = segment_gaps(store, base_key, maps or None)
    except InvalidInputError as e:
        maps_error = _("No chain map: {reason}").format(reason=e.reason)
    gaps: list[GapSegment] = []
    no_supplier: list[SegmentAnswer] = []
    weak: list[SegmentAnswer] = []
    for m in answered.maps if answered else []:
        for s in m.segments:
            if s.status == "gap":
                cands = segment_candidates(store, base_key, m.map.key, s.key, limit=CANDIDATES_PER_GAP)
                gaps.append(GapSegment(map=m.map.key, map_name=m.map.name, segment=s, candidates=cands))
            elif s.status == "no_supplier":
                no_supplier.append(s)
            elif s.status == "weak":
                weak.append(s)
    ask = ChainQuestion(base_key)
    overview = gap_overview(store, ask, limit=1, weak=False)
    # weak_links cuts per level; the report lists one ranking, highest score first.
    weak_found = sorted(weak_links(store, ask, limit=None), key=lambda w: (-w.score, w.level, w.key))
    plats = platform_coverage(store, base_key)
    figure_sources = sorted({x.source for t in targets.targets for x in t.inputs if x.source})
    return AnnualReport(
        base=base,
        year=y,
        previous_year=y - 1,
        generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        targets=targets,
        indicators=now,
        changes=_changes(now, before),
        maps=answered,
        maps_error=maps_error,
        gap_segments=gaps,
        no_supplier_segments=no_supplier,
        weak_segments=weak,
        weak_links=weak_found[:WEAK_LINKS_SHOWN],
        weak_links_total=len(weak_found),
        product_gaps_total=sum(overview.total_gaps.values()),
        alliances=base_alliances(store, base_key, y),
        pools=base_pools(store, base_key, y),
        platforms=plats[0] if plats else None,
        sources=data_sources(store),
        figure_sources=figure_sources,
    )


# -- the report's parts as tables ----------------------------------------------------------------

Cell = str | int | float | None


class Column(Record):
    """A column: header in the report's language, how its cells are shown, its width in characters."""

    header: str
    kind: CellKind = "text"
    width: int = 14


class ReportTable(Record):
    """One part of the report: a sheet in Excel, a section in Word and PDF.

    ``kinds`` overrides the column's kind for single cells, keyed ``"row,col"`` (a target in
    percent beside one in enterprises).
    """

    key: str
    title: str
    intro: str = ""
    columns: list[Column]
    rows: list[list[Cell]]
    kinds: dict[str, CellKind] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    def kind(self, row: int, col: int) -> CellKind:
        """The kind of one cell."""
        return self.kinds.get(f"{row},{col}", self.columns[col].kind)

    def text(self, row: int, col: int) -> str:
        """One cell as text, as Word and PDF show it."""
        return cell_text(self.rows[row][col], self.kind(row, col))


def cell_text(v: Cell, kind: CellKind) -> str:
    """A cell as text in the current language: numbers as :func:`chainkg.views.measures.show`
    writes them, None as n/a.

    Examples
    --------
    >>> cell_text(0.356, "pct"), cell_text(0.012, "pp"), cell_text(None, "int"), cell_text("x", "text")
    ('35.6%', '+1.2 个百分点', 'n/a', 'x')
    """
    if kind == "text":
        return "" if v is None else str(v)
    if v is None or isinstance(v, str):
        return NA if v is None else v
    if kind == "pp":
        return _("{change:+.1f} points").format(change=100 * v)
    if kind == "delta":
        return f"{v:+,.4g}" if abs(v) < 10_000 else f"{v:+,.0f}"
    return show(v, kind)


def _en() -> bool:
    return get_locale() == "en"


def _join(items: list[str]) -> str:
    """Items of one cell: 「、」 in Chinese, commas in English."""
    return _(LIST_SEP).join(items)


LIST_SEP = N_("、")
"""The separator of names in a cell (a catalog message: 「、」 in Chinese, ", " in English)."""
PART_SEP = N_("；")
"""The separator of the parts of a cell (「；」 in Chinese, "; " in English)."""
NOTICE_NAME = N_("Shangchanfa [2007] No. 509")
"""The founding notice (商产发[2007]509号) as the current language cites it."""


def _status(met: bool | None) -> str:
    return _("not applicable") if met is None else (_("met") if met else _("not met"))


def _map_name(m: MapSummary) -> str:
    return (m.name_en or m.name) if _en() else m.name


def _stage_names(m: MapGaps) -> dict[str, str]:
    """The stage names of a map in the current language (English where the map gives one)."""
    return {s.key: (s.name_en or s.name) if _en() else s.name for s in m.stages}


def _all_stage_names(r: AnnualReport) -> dict[str, str]:
    """The stage names of every chain map of the report, by stage key (see :func:`_stage_names`)."""
    stages: dict[str, str] = {}
    for m in r.maps.maps if r.maps else []:
        stages |= _stage_names(m)
    return stages


def _summary(r: AnnualReport) -> ReportTable:
    met = sum(1 for t in r.targets.targets if t.met)
    na = sum(1 for t in r.targets.targets if t.met is None)
    counts: dict[str, int] = {}
    for m in r.maps.maps if r.maps else []:
        for k, n in m.counts.items():
            counts[k] = counts.get(k, 0) + n
    rows: list[list[Cell]] = [
        [pgettext("column", "base"), _("{name} ({key})").format(name=r.base.name, key=r.base.key)],
        [_("year under review"), str(r.year)],
        [_("compared with"), str(r.previous_year)],
        [
            _("§2 targets met"),
            _("{met} / {n} (not applicable: {na})").format(met=met, n=len(r.targets.targets), na=na),
        ],
        [_("number of enterprises"), r.indicators.enterprises],
        [_("chain maps"), _(PART_SEP).join(_map_name(m.map) for m in r.maps.maps) if r.maps else (r.maps_error or NA)],
        [_("covered segments"), counts.get("covered", 0)],
        [_("weak segments"), counts.get("weak", 0)],
        [_("gap segments"), counts.get("gap", 0)],
        [_("segments with no known supplier"), counts.get("no_supplier", 0)],
        [_("industry alliances"), len(r.alliances)],
        [_("patent pools"), len(r.pools)],
        [_("public service platforms"), len(r.platforms.platforms) if r.platforms else 0],
        [_("generated (UTC)"), r.generated_at],
    ]
    # counts are numbers in Excel, not text
    kinds: dict[str, CellKind] = {f"{i},1": "int" for i, row in enumerate(rows) if isinstance(row[1], int)}
    return ReportTable(
        key=_("Summary"),
        kinds=kinds,
        title=_("Summary"),
        columns=[Column(header=_("item"), width=34), Column(header=_("details"), width=60)],
        rows=rows,
        notes=[_("Illustrative figures for the demonstration, not official statistics (marked in the sources).")]
        if any("示例" in s or "illustrative" in s for s in r.figure_sources)
        else [],
    )


SOURCE_WORDS: dict[str, str] = {"computed": Msg("computed"), "all bases": Msg.in_context("total", "all bases")}
"""Sources of a §2 input that are our words, not a file or a field: shown in the report's language."""


def _source(source: str) -> str:
    return localized(SOURCE_WORDS[source]) if source in SOURCE_WORDS else source


def _targets(r: AnnualReport) -> ReportTable:
    rows: list[list[Cell]] = []
    kinds: dict[str, CellKind] = {}
    notes = []
    for i, t in enumerate(r.targets.targets):
        k: CellKind = "pct" if t.unit == "%" else "int"
        for col in (3, 4, 5):
            kinds[f"{i},{col}"] = k
        rows.append(
            [
                t.code,
                t.name_en if _en() else t.name,
                pgettext("scope", "this base") if t.scope == "base" else _("national (this base's contribution)"),
                t.threshold,
                t.value,
                "—" if t.scope == "base" else t.total,
                _status(t.met),
                _(PART_SEP).join(t.missing),
            ]
        )
        for x in t.inputs:
            if x.value is not None and x.unit == "" and abs(x.value) <= 1:  # a share, as the CLI shows it
                val = show(x.value, "pct")
            else:
                val = NA if x.value is None else (f"{x.value:,.4g}" if abs(x.value) < 100 else f"{x.value:,.0f}")
            line = _("{code} input: {name} = {value} {unit}").format(
                code=t.code, name=x.name, value=val, unit=unit_text(x.unit)
            )
            if x.source:
                line = line.rstrip() + _(" (source: {source})").format(source=_source(x.source))
            notes.append(line.rstrip())
        if t.note:
            notes.append(_("{code} note: {note}").format(code=t.code, note=t.note))
    return ReportTable(
        key=_("§2 targets"),
        title=_("§2 targets of the founding notice ({notice})").format(notice=_(NOTICE_NAME)),
        intro=_(
            "Met / not met / not applicable: a target whose input is missing is not applicable and the missing "
            "input is named (it never counts as 0)."
        ),
        columns=[
            Column(header=pgettext("threshold", "target"), width=8),
            Column(header=pgettext("column", "name"), width=40),
            Column(header=pgettext("column", "scope"), width=18),
            Column(header=pgettext("column", "threshold"), kind="num", width=12),
            Column(header=pgettext("column", "this base"), kind="num", width=12),
            Column(header=pgettext("column", "all bases"), kind="num", width=14),
            Column(header=pgettext("column", "status"), width=12),
            Column(header=_("missing input"), width=50),
        ],
        rows=rows,
        kinds=kinds,
        notes=notes,
    )


def _indicators(r: AnnualReport) -> ReportTable:
    rows: list[list[Cell]] = []
    kinds: dict[str, CellKind] = {}
    for i, c in enumerate(r.changes):
        kinds[f"{i},1"] = kinds[f"{i},2"] = c.kind
        kinds[f"{i},3"] = "pp" if c.kind in ("pct", "signed_pct") else "delta"
        rows.append([c.en if _en() else c.zh, c.value, c.previous, c.change, c.missing or ""])
    return ReportTable(
        key=_("Indicators"),
        title=_("Indicators, {year} against {previous}").format(year=r.year, previous=r.previous_year),
        intro=_("Changes of shares are in percentage points; n/a means the data is missing, the last column says why."),
        columns=[
            Column(header=pgettext("column", "indicator"), width=44),
            Column(header=_("year {year}").format(year=r.year), kind="num", width=14),
            Column(header=_("year {year}").format(year=r.previous_year), kind="num", width=14),
            Column(header=_("change on the year before"), kind="num", width=16),
            Column(header=_("why n/a"), width=50),
        ],
        rows=rows,
        kinds=kinds,
    )


def _names(firms: list[str], n: int = 6) -> str:
    shown = _join(firms[:n])
    return _("{names} and others, {n} in all").format(names=shown, n=len(firms)) if len(firms) > n else shown


def _coverage(r: AnnualReport) -> ReportTable:
    rows: list[list[Cell]] = []
    for m in r.maps.maps if r.maps else []:
        stages = _stage_names(m)
        for s in m.segments:
            rows.append(
                [
                    _map_name(m.map),
                    stages.get(s.stage, s.stage_name),
                    s.name,
                    value(s.status),
                    s.base_count,
                    _names([f.name for f in s.base_firms]),
                    s.makers_count,
                ]
            )
    notes = [r.maps_error] if r.maps_error else []
    return ReportTable(
        key=_("Chain map coverage"),
        title=_("Chain map coverage by segment"),
        intro=_(
            "Covered: two or more firms in the base; weak: only one; gap: none in the base, makers elsewhere in "
            "China; no known supplier: no maker in the data (a research target)."
        ),
        columns=[
            Column(header=_("chain map"), width=24),
            Column(header=pgettext("column", "stage"), width=22),
            Column(header=pgettext("column", "segment"), width=26),
            Column(header=pgettext("column", "status"), width=12),
            Column(header=_("number of base firms"), kind="int", width=12),
            Column(header=_("firms of the base"), width=40),
            Column(header=_("makers nationwide"), kind="int", width=14),
        ],
        rows=rows,
        notes=notes,
    )


def _why(x: SegmentAnswer | SegmentCandidate | WeakLink) -> str:
    return x.why if _en() else x.why_zh


def _gaps(r: AnnualReport) -> ReportTable:
    rows: list[list[Cell]] = []
    stages = _all_stage_names(r)
    for g in r.gap_segments:
        s = g.segment
        stage = stages.get(s.stage, s.stage_name)
        if not g.candidates:
            rows.append([s.name, stage, s.makers_count, None, "", "", _why(s)])
        for i, c in enumerate(g.candidates, 1):
            place = "".join(p for p in (c.province, c.city) if p) or _("unknown")
            rows.append([s.name, stage, s.makers_count, i, c.name, place, _why(c)])
    for s in r.no_supplier_segments:
        rows.append([s.name, stages.get(s.stage, s.stage_name), 0, None, _(NO_SUPPLIER), "", _why(s)])
    return ReportTable(
        key=_("Gaps to attract"),
        title=_("Gap segments and whom to attract"),
        intro=_(
            "For each gap segment, the {n} most relevant makers in China (those making most of the segment's "
            "products first, then by revenue). Product-level gaps in all: {gaps} (see chainkg gaps)."
        ).format(n=CANDIDATES_PER_GAP, gaps=r.product_gaps_total),
        columns=[
            Column(header=_("gap segment"), width=24),
            Column(header=pgettext("column", "stage"), width=22),
            Column(header=_("makers nationwide"), kind="int", width=12),
            Column(header=pgettext("column", "rank"), kind="int", width=8),
            Column(header=_("candidate to attract"), width=28),
            Column(header=pgettext("column", "place"), width=16),
            Column(header=pgettext("column", "why"), width=60),
        ],
        rows=rows,
    )


NO_SUPPLIER = N_("no known supplier: a research target")
"""The candidate cell of a segment nobody in the data makes."""


def _weak(r: AnnualReport) -> ReportTable:
    rows: list[list[Cell]] = []
    stages = _all_stage_names(r)
    for s in r.weak_segments:
        stage = stages.get(s.stage, s.stage_name)
        rows.append([_("chain-map segment"), s.name, stage, _names([f.name for f in s.base_firms]), _why(s)])
    for w in r.weak_links:
        rows.append([value(w.level), w.name, value(w.stage), w.enterprise.name, _why(w)])
    return ReportTable(
        key=_("Weak links"),
        title=_("Weak links (a single firm holds each)"),
        intro=_(
            "Chain-map segments: {segments}; product-level weak links: {total} in all, the {shown} with the "
            "highest score listed."
        ).format(segments=len(r.weak_segments), total=r.weak_links_total, shown=len(r.weak_links)),
        columns=[
            Column(header=pgettext("column", "level"), width=16),
            Column(header=_("link"), width=26),
            Column(header=pgettext("column", "stage"), width=22),
            Column(header=pgettext("column", "only enterprise"), width=24),
            Column(header=pgettext("column", "why"), width=60),
        ],
        rows=rows,
    )


def _hub_table(key: str, title: str, hubs: list[HubRow], size_header: str) -> ReportTable:
    rows: list[list[Cell]] = [
        [
            h.name,
            h.key,
            h.base_members,
            _(PART_SEP).join(f"{value(k)} {n}" for k, n in sorted(h.roles.items())),
            h.size,
        ]
        for h in hubs
    ]
    return ReportTable(
        key=key,
        title=title,
        columns=[
            Column(header=pgettext("column", "name"), width=34),
            Column(header=pgettext("column", "key"), width=18),
            Column(header=_("members from the base"), kind="int", width=14),
            Column(header=_("roles"), width=36),
            Column(header=size_header, kind="int", width=14),
        ],
        rows=rows,
        notes=[] if rows else [_("None in the year.")],
    )


def _platforms(r: AnnualReport) -> ReportTable:
    p = r.platforms
    rows: list[list[Cell]] = (
        [[x.name, value(x.kind), x.key, _join(x.bases)] for x in p.platforms] if p is not None else []
    )
    notes = (
        [
            _("Platform types missing: {types} (of 6 types; coverage {coverage})").format(
                types=_join([value(k) for k in p.kinds_missing]) or pgettext("value", "none"),
                coverage=show(p.coverage, "pct"),
            )
        ]
        if p
        else []
    )
    return ReportTable(
        key=_("Public service platforms"),
        title=_("Public service platforms"),
        columns=[
            Column(header=_("platform"), width=40),
            Column(header=pgettext("column", "type"), width=10),
            Column(header=pgettext("column", "key"), width=18),
            Column(header=_("bases served"), width=30),
        ],
        rows=rows,
        notes=notes,
    )


def _node_type(label: str) -> str:
    """A node type's name in the current language (the label when the model has none)."""
    for n in NODE_TYPES:
        if n.label == label:
            return n.en if _en() else n.zh
    return label


def _sources(r: AnnualReport) -> ReportTable:
    rows: list[list[Cell]] = [
        [s.source, _(PART_SEP).join(f"{_node_type(k)} {n}" for k, n in s.kinds.items()), s.nodes, s.loaded_at]
        for s in r.sources
    ]
    return ReportTable(
        key=_("Data sources"),
        title=_("Data sources and their dates"),
        intro=_("The nodes each source file or data set loaded, and its latest load time (UTC)."),
        columns=[
            Column(header=pgettext("column", "source"), width=46),
            Column(header=_("contents"), width=40),
            Column(header=_("nodes"), kind="int", width=10),
            Column(header=_("loaded at (UTC)"), width=26),
        ],
        rows=rows,
        notes=[_("Source of the §2 figures: {source}").format(source=_source(s)) for s in r.figure_sources],
    )


def report_tables(r: AnnualReport) -> list[ReportTable]:
    """The report's parts in order; each is a sheet in Excel and a section in Word and PDF."""
    return [
        _summary(r),
        _targets(r),
        _indicators(r),
        _coverage(r),
        _gaps(r),
        _weak(r),
        _hub_table(_("Industry alliances"), _("Industry alliances"), r.alliances, _("members in all")),
        _hub_table(_("Patent pools"), _("Patent pools"), r.pools, _("patents in the pool")),
        _platforms(r),
        _sources(r),
    ]


def report_title(r: AnnualReport) -> str:
    """The report's title line, in the current language."""
    return _("{name}: annual review report, {year}").format(name=r.base.name, year=r.year)


def report_meta(r: AnnualReport) -> str:
    """The line under the title: base, years compared, when the report was made."""
    return _(
        "Base {name} ({key}) · year under review {year} · compared with {previous} · generated {at} (chainkg)"
    ).format(name=r.base.name, key=r.base.key, year=r.year, previous=r.previous_year, at=r.generated_at)


def file_name(r: AnnualReport, fmt: str) -> str:
    """A file name for the report: base key (``:`` made safe), year, format."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in r.base.key)
    return f"chainkg-report-{safe}-{r.year}.{fmt}"
