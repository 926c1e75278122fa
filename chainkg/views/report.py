"""The annual review report (年度考核报告) of a base: its content, built once, and its tables.

:func:`build_report` asks the questions (the §2 targets, the indicators of the year and the
year before, the chain maps per segment, candidates for each gap segment, weak links,
alliances, patent pools, platforms, the data sources) and keeps the answers in one typed
record, :class:`AnnualReport`. :func:`report_tables` turns it into the report's parts, each a
:class:`ReportTable` with Chinese headers and a kind per column (percent, count, money, text),
which :mod:`chainkg.views.report_files` writes as Excel, Word or PDF. The three formats thus
show the same figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from chainkg.errors import InvalidInputError
from chainkg.graph.store import GraphStore
from chainkg.i18n import _, in_language
from chainkg.queries.chainengine.chain import BaseRef, get_base
from chainkg.queries.chainengine.gaps import WeakLink, gap_overview, weak_links
from chainkg.queries.chainengine.segments import (
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
from chainkg.views.measures import INDICATOR_ROWS, NA, Kind, show

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
                zh=in_language("zh", label),
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
    overview = gap_overview(store, base_key, limit=1, weak=False)
    # weak_links cuts per level; the report lists one ranking, highest score first.
    weak_found = sorted(weak_links(store, base_key, limit=None), key=lambda w: (-w.score, w.level, w.key))
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
    """A column: Chinese header (English after it), how its cells are shown, its width in characters."""

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
    """A cell as text: numbers as :func:`chainkg.views.measures.show` writes them, None as n/a.

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
        return f"{100 * v:+.1f} 个百分点"
    if kind == "delta":
        return f"{v:+,.4g}" if abs(v) < 10_000 else f"{v:+,.0f}"
    return show(v, kind)


def _status_zh(met: bool | None) -> str:
    return "不适用 n/a" if met is None else ("达标" if met else "未达标")


def _summary(r: AnnualReport) -> ReportTable:
    met = sum(1 for t in r.targets.targets if t.met)
    na = sum(1 for t in r.targets.targets if t.met is None)
    counts: dict[str, int] = {}
    for m in r.maps.maps if r.maps else []:
        for k, n in m.counts.items():
            counts[k] = counts.get(k, 0) + n
    rows: list[list[Cell]] = [
        ["基地 base", f"{r.base.name}（{r.base.key}）"],
        ["考核年度 year", str(r.year)],
        ["对比年度 compared with", str(r.previous_year)],
        ["§2 目标达标 targets met", f"{met} / {len(r.targets.targets)}（不适用 n/a: {na}）"],
        ["企业数 enterprises", r.indicators.enterprises],
        ["产业链图谱 chain maps", "；".join(m.map.name for m in r.maps.maps) if r.maps else (r.maps_error or NA)],
        ["已覆盖环节 covered segments", counts.get("covered", 0)],
        ["薄弱环节 weak segments", counts.get("weak", 0)],
        ["缺口环节 gap segments", counts.get("gap", 0)],
        ["无已知供应商环节 segments with no known supplier", counts.get("no_supplier", 0)],
        ["产业联盟 alliances", len(r.alliances)],
        ["专利池 patent pools", len(r.pools)],
        ["公共服务平台 platforms", len(r.platforms.platforms) if r.platforms else 0],
        ["生成时间 generated (UTC)", r.generated_at],
    ]
    # counts are numbers in Excel, not text
    kinds: dict[str, CellKind] = {f"{i},1": "int" for i, row in enumerate(rows) if isinstance(row[1], int)}
    return ReportTable(
        key="概况",
        kinds=kinds,
        title="概况 Summary",
        columns=[Column(header="项目 item", width=34), Column(header="内容 value", width=60)],
        rows=rows,
        notes=["示例数据仅用于演示，非官方统计 (illustrative figures are marked in the sources)."]
        if any("示例" in s or "illustrative" in s for s in r.figure_sources)
        else [],
    )


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
                t.name,
                "本基地" if t.scope == "base" else "全国（本基地贡献）",
                t.threshold,
                t.value,
                "—" if t.scope == "base" else t.total,
                _status_zh(t.met),
                "；".join(t.missing),
            ]
        )
        for x in t.inputs:
            if x.value is not None and x.unit == "" and abs(x.value) <= 1:  # a share, as the CLI shows it
                val = show(x.value, "pct")
            else:
                val = NA if x.value is None else (f"{x.value:,.4g}" if abs(x.value) < 100 else f"{x.value:,.0f}")
            notes.append(
                f"{t.code} 输入：{x.name} = {val} {x.unit}".rstrip() + (f"（来源：{x.source}）" if x.source else "")
            )
        if t.note:
            notes.append(f"{t.code} 注：{t.note}")
    return ReportTable(
        key="§2目标",
        title=f"§2 目标完成情况 Targets of {r.targets.targets[0].clause if r.targets.targets else '商产发[2007]509号'}",
        intro="达标 / 未达标 / 不适用：缺少输入时为“不适用”，并列出缺少的输入（从不按 0 计）。",
        columns=[
            Column(header="目标 target", width=8),
            Column(header="名称 name", width=40),
            Column(header="范围 scope", width=18),
            Column(header="门槛 threshold", kind="num", width=12),
            Column(header="本基地 value", kind="num", width=12),
            Column(header="全部基地 all bases", kind="num", width=14),
            Column(header="结论 status", width=12),
            Column(header="缺少的输入 missing input", width=50),
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
        rows.append([f"{c.zh} {c.en}", c.value, c.previous, c.change, c.missing or ""])
    return ReportTable(
        key="指标与同比",
        title=f"指标及同比变化 Indicators, {r.year} vs {r.previous_year}",
        intro="占比类指标的变化以百分点计；n/a 表示缺少数据，原因见最后一列。",
        columns=[
            Column(header="指标 indicator", width=44),
            Column(header=f"{r.year} 年", kind="num", width=14),
            Column(header=f"{r.previous_year} 年", kind="num", width=14),
            Column(header="同比变化 change", kind="num", width=16),
            Column(header="缺失原因 why n/a", width=50),
        ],
        rows=rows,
        kinds=kinds,
    )


def _names(firms: list[str], n: int = 6) -> str:
    return "、".join(firms[:n]) + (f" 等 {len(firms)} 家" if len(firms) > n else "")


def _coverage(r: AnnualReport) -> ReportTable:
    rows: list[list[Cell]] = []
    for m in r.maps.maps if r.maps else []:
        for s in m.segments:
            rows.append(
                [
                    m.map.name,
                    s.stage_name,
                    s.name,
                    s.status_zh,
                    s.base_count,
                    _names([f.name for f in s.base_firms]),
                    s.makers_count,
                ]
            )
    notes = [r.maps_error] if r.maps_error else []
    return ReportTable(
        key="产业链覆盖",
        title="产业链图谱环节覆盖 Chain map coverage",
        intro="已覆盖：基地内两家及以上企业；薄弱：仅一家；缺口：基地内没有、国内有生产企业；无已知供应商：数据中无生产企业（研发攻关方向）。",
        columns=[
            Column(header="图谱 map", width=24),
            Column(header="阶段 stage", width=22),
            Column(header="环节 segment", width=26),
            Column(header="状态 status", width=12),
            Column(header="本基地企业数 base firms", kind="int", width=12),
            Column(header="本基地企业 firms", width=40),
            Column(header="全国生产企业数 makers nationwide", kind="int", width=14),
        ],
        rows=rows,
        notes=notes,
    )


def _gaps(r: AnnualReport) -> ReportTable:
    rows: list[list[Cell]] = []
    for g in r.gap_segments:
        s = g.segment
        if not g.candidates:
            rows.append([s.name, s.stage_name, s.makers_count, None, "", "", s.why_zh])
        for i, c in enumerate(g.candidates, 1):
            place = "".join(p for p in (c.province, c.city) if p) or "未知"
            rows.append([s.name, s.stage_name, s.makers_count, i, c.name, place, c.why_zh])
    for s in r.no_supplier_segments:
        rows.append([s.name, s.stage_name, 0, None, "无已知供应商：研发攻关方向", "", s.why_zh])
    return ReportTable(
        key="缺口与招商",
        title="缺口环节与招商对象 Gap segments and whom to attract",
        intro=f"每个缺口环节列出国内最相关的前 {CANDIDATES_PER_GAP} 家生产企业"
        "（生产该环节产品最多者优先，其次按营收）。"
        f"产品层缺口共 {r.product_gaps_total} 个（见 chainkg gaps）。",
        columns=[
            Column(header="缺口环节 gap segment", width=24),
            Column(header="阶段 stage", width=22),
            Column(header="全国生产企业数 makers", kind="int", width=12),
            Column(header="序号 rank", kind="int", width=8),
            Column(header="招商对象 candidate", width=28),
            Column(header="所在地 place", width=16),
            Column(header="依据 why", width=60),
        ],
        rows=rows,
    )


def _weak(r: AnnualReport) -> ReportTable:
    rows: list[list[Cell]] = []
    for s in r.weak_segments:
        rows.append(["图谱环节 segment", s.name, s.stage_name, _names([f.name for f in s.base_firms]), s.why_zh])
    for w in r.weak_links:
        rows.append(["产品 " + w.level, w.name, w.stage_zh, w.enterprise.name, w.why_zh])
    return ReportTable(
        key="薄弱环节",
        title="薄弱环节 Weak links (仅一家企业支撑)",
        intro=f"图谱环节 {len(r.weak_segments)} 个；产品层薄弱环节共 {r.weak_links_total} 个，"
        f"列出得分最高的 {len(r.weak_links)} 个。",
        columns=[
            Column(header="层级 level", width=16),
            Column(header="环节 link", width=26),
            Column(header="阶段 stage", width=22),
            Column(header="唯一企业 sole firm", width=24),
            Column(header="说明 why", width=60),
        ],
        rows=rows,
    )


_ROLE_ZH = {
    "chair": "理事长",
    "vice_chair": "副理事长",
    "secretariat": "秘书处",
    "member": "成员",
    "licensor": "许可方",
    "licensee": "被许可方",
}


def _hub_table(key: str, title: str, hubs: list[HubRow], size_header: str) -> ReportTable:
    rows: list[list[Cell]] = [
        [
            h.name,
            h.key,
            h.base_members,
            "；".join(f"{_ROLE_ZH.get(k, k)} {n}" for k, n in sorted(h.roles.items())),
            h.size,
        ]
        for h in hubs
    ]
    return ReportTable(
        key=key,
        title=title,
        columns=[
            Column(header="名称 name", width=34),
            Column(header="主键 key", width=18),
            Column(header="本基地参与单位 base members", kind="int", width=14),
            Column(header="角色 roles", width=36),
            Column(header=size_header, kind="int", width=14),
        ],
        rows=rows,
        notes=[] if rows else ["本年度无 none in the year."],
    )


def _platforms(r: AnnualReport) -> ReportTable:
    p = r.platforms
    rows: list[list[Cell]] = (
        [[x.name, x.kind_zh, x.key, "、".join(x.bases)] for x in p.platforms] if p is not None else []
    )
    notes = (
        [f"缺少的平台类型 missing types：{'、'.join(p.missing_zh) or '无'}（共 6 类，覆盖 {show(p.coverage, 'pct')}）"]
        if p
        else []
    )
    return ReportTable(
        key="公共服务平台",
        title="公共服务平台 Public service platforms",
        columns=[
            Column(header="平台 platform", width=40),
            Column(header="类型 type", width=10),
            Column(header="主键 key", width=18),
            Column(header="服务基地 bases served", width=30),
        ],
        rows=rows,
        notes=notes,
    )


def _sources(r: AnnualReport) -> ReportTable:
    rows: list[list[Cell]] = [
        [s.source, "；".join(f"{k} {n}" for k, n in s.kinds.items()), s.nodes, s.loaded_at] for s in r.sources
    ]
    return ReportTable(
        key="数据来源",
        title="数据来源及日期 Data sources and their dates",
        intro="每个来源文件或数据集载入的节点及最近载入时间（UTC）。",
        columns=[
            Column(header="来源 source", width=46),
            Column(header="内容 contents", width=40),
            Column(header="节点数 nodes", kind="int", width=10),
            Column(header="载入时间 loaded at (UTC)", width=26),
        ],
        rows=rows,
        notes=[f"§2 目标数据来源：{s}" for s in r.figure_sources],
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
        _hub_table("产业联盟", "产业联盟 Alliances", r.alliances, "联盟成员总数 all members"),
        _hub_table("专利池", "专利池 Patent pools", r.pools, "池内专利数 patents"),
        _platforms(r),
        _sources(r),
    ]


def report_title(r: AnnualReport) -> str:
    """The report's title line."""
    return f"{r.base.name} {r.year} 年度考核报告"


def file_name(r: AnnualReport, fmt: str) -> str:
    """A file name for the report: base key (``:`` made safe), year, format."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in r.base.key)
    return f"chainkg-report-{safe}-{r.year}.{fmt}"
