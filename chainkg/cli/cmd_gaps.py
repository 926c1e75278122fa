"""Commands for a base's industry chain: chain, gaps, whatif, candidates, complement.

Each prints tables with English and Chinese headings and the reasons as paths, or, with
``--json``, the full typed result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import typer
from rich.markup import escape

from chainkg.cli.common import console, emit, friendly_errors, store_session
from chainkg.cli.main import app
from chainkg.errors import InvalidInputError
from chainkg.queries.chain import LevelChoice, LevelSummary, Stage, base_chain, check_level
from chainkg.queries.gaps import Gap, gap_overview, what_if

JSON_OPT = typer.Option(False, "--json", help="Print the full result as JSON instead of tables")
DEPTH_OPT = typer.Option(3, "--depth", "-d", help="Steps upstream from what the base makes or leads in (1-6)")
LEVEL_OPT = typer.Option("both", "--level", "-l", help="product, industry or both")


def _table(rows: Sequence[Mapping[str, object]], title: str) -> None:
    """A rich table of ``rows``; the title is escaped, since base and product names may hold [brackets]."""
    emit(list(rows), as_json=False, title=escape(title))


LEVELS: dict[str, LevelChoice] = {"product": "product", "industry": "industry", "both": "both"}


def _level(level: str) -> LevelChoice:
    check_level(level)  # the plain-words error for anything else
    return LEVELS[level]


def _pct(v: float | None) -> str:
    return "" if v is None else f"{100 * v:.1f}%"


def _names(items: list[str], n: int = 3) -> str:
    return ", ".join(items[:n]) + (f" (+{len(items) - n})" if len(items) > n else "")


def _summaries(levels: list[LevelSummary], title: str) -> None:
    rows = [
        {
            "level 层级": s.level,
            "anchors 锚点": s.anchors,
            "segments 环节": s.segments,
            "covered 已覆盖": s.covered,
            "gaps 缺口": s.gaps,
            "weak 薄弱": s.weak_links,
            "completeness 完整度": _pct(s.completeness),
        }
        for s in levels
    ]
    _table(rows, title=title)


@app.command("chain")
@friendly_errors
def chain_cmd(
    base: str = typer.Argument(..., help="Key of the base, e.g. sz-led or city:深圳市"),
    depth: int = DEPTH_OPT,
    level: str = LEVEL_OPT,
    stage: str = typer.Option("", "--stage", "-s", help="Only one stage: downstream, midstream or upstream"),
    limit: int = typer.Option(30, "--limit", "-n", help="Most segments to list per level (0 for all)"),
    as_json: bool = JSON_OPT,
) -> None:
    """Show a base's industry chain (产业链): each segment's stage, coverage and path.

    The chain runs upstream from the products the base's enterprises make and from the
    industries it leads in or works in.

    Example: chainkg chain sz-led --depth 2 --level product
    """
    stages: dict[str, Stage] = {"downstream": "downstream", "midstream": "midstream", "upstream": "upstream"}
    if stage and stage not in stages:
        raise InvalidInputError(f"The stage must be downstream, midstream or upstream; got {stage!r}.", field="stage")
    with store_session() as store:
        result = base_chain(store, base, depth, level=_level(level), stage=stages.get(stage), limit=limit or None)
    if as_json:
        emit(result, as_json=True)
        return
    b = result.base
    _summaries(result.levels, f"Chain of {b.name} ({b.key}), depth {depth} — 产业链")
    rows = [
        {
            "level 层级": s.level,
            "stage 环节": f"{s.stage} {s.stage_zh}",
            "segment 环节名": s.name,
            "status 状态": s.status,
            "enterprises 企业": _names([e.name for e in s.enterprises]),
            "path 路径": s.path_text,
        }
        for s in result.segments
    ]
    _table(rows, title="Segments (nearest first) — 环节")


@app.command("gaps")
@friendly_errors
def gaps_cmd(
    base: str = typer.Argument(..., help="Key of the base, e.g. sz-led or city:深圳市"),
    depth: int = DEPTH_OPT,
    level: str = LEVEL_OPT,
    limit: int = typer.Option(20, "--limit", "-n", help="Most gaps and weak links to list per level (0 for all)"),
    weak: bool = typer.Option(True, "--weak/--no-weak", help="Also list the weak links (one enterprise only)"),
    include_flagged: bool = typer.Option(
        False, "--include-flagged", help="Also list products flagged as not products (segments, sales lines …)"
    ),
    as_json: bool = JSON_OPT,
    maps: list[str] = typer.Option(
        None, "--map", "-m", help="Answer per segment of this chain map (产业链图谱); default: the base's own maps"
    ),
    segment: str = typer.Option("", "--segment", help="With --map: look into one segment (drill-down)"),
) -> None:
    """List the supporting segments a base lacks (配套缺口), most depended-on first, and its weak links.

    With --map (or when the base leads in an industry a chain map serves) the answer comes per
    segment of the map first: covered, weak, gap or no known supplier (see `chainkg segments`).

    A gap is a chain segment no enterprise in the base makes (or works in), under any synonym
    or sub-class; its score adds 1/steps (times the link's strength for industries) for every
    covered segment downstream that needs it, times (products) how specific the input is.
    Gaps somebody in the data makes are 招商 targets; gaps nobody makes are listed apart
    (无已知供应商: R&D targets). Products flagged as not products are left out and counted.
    A weak link rests on a single enterprise of the base.

    Examples:

      chainkg gaps sz-led --level product --limit 10

      chainkg gaps city:深圳市 --limit 10   # on the public data
    """
    if maps or segment:
        from chainkg.cli.cmd_maps import segments_cmd

        segments_cmd(base, maps or [], segment, as_json)
        return
    from chainkg.cli.cmd_maps import default_segment_gaps, print_segment_gaps

    lv = _level(level)
    with store_session() as store:
        by_segment = default_segment_gaps(store, base)
        o = gap_overview(store, base, depth, level=lv, limit=limit or None, include_flagged=include_flagged, weak=weak)
    if as_json:
        payload = o.model_dump(mode="json")
        if by_segment is not None:
            payload["segments"] = by_segment.model_dump(mode="json")
        emit(payload, as_json=True)
        return
    if by_segment is not None:
        print_segment_gaps(by_segment)

    def gap_rows(gaps: list[Gap]) -> list[dict[str, object]]:
        return [
            {
                "level 层级": g.level,
                "gap 缺口": g.name,
                "stage 环节": f"{g.stage} {g.stage_zh}",
                "score 得分": g.score,
                "dependents 依赖数": g.dependents,
                "feeds 下游产品数": "" if g.feeds is None else g.feeds,
                "makers 全国企业": "" if g.makers is None else g.makers,
                "needed by 下游需求": _names(g.needed_by),
                "path 路径": g.path_text,
            }
            for g in gaps
        ]

    b = o.base
    _table(gap_rows(o.gaps), title=f"招商缺口 Gaps to attract: {b.name} ({b.key}), depth {depth}")
    for g in o.gaps[:3]:
        console.print(f"• {g.why_zh}\n  {g.why}", highlight=False, markup=False)
    if o.no_supplier:
        _table(gap_rows(o.no_supplier), title="无已知供应商（研发目标）No known supplier in the data (R&D targets)")
    counts = ", ".join(
        f"{k}: {o.total_gaps[k]:,} 缺口 gaps, {o.total_no_supplier.get(k, 0):,} 无供应商 no supplier"
        for k in o.total_gaps
    )
    console.print(counts, highlight=False, markup=False)
    left = sum(o.flagged_left_out.values()) + sum(o.weak_flagged_left_out.values())
    if left:
        console.print(
            f"已略去 {left:,} 个被标记为非产品的条目（业务分部、销售/服务、品牌、解析片段）；--include-flagged 显示。"
            f"\nLeft out {left:,} items flagged as not products (see chainkg quality); --include-flagged shows them.",
            highlight=False,
            markup=False,
        )
    if weak:
        wrows = [
            {
                "level 层级": w.level,
                "segment 环节": w.name,
                "only enterprise 唯一企业": w.enterprise.name,
                "score 得分": w.score,
                "dependents 依赖数": w.dependents,
                "path 路径": w.path_text,
            }
            for w in o.weak_links
        ]
        _table(wrows, title="Weak links (one enterprise) — 薄弱环节")


@app.command("what-if")
@friendly_errors
def whatif_cmd(
    base: str = typer.Argument(..., help="Key of the base"),
    enterprises: list[str] = typer.Argument(..., help="Enterprises of the base to remove (key, short or full name)"),
    depth: int = DEPTH_OPT,
    level: str = LEVEL_OPT,
    limit: int = typer.Option(20, "--limit", "-n", help="Most new gaps and cut-off segments to list per level"),
    as_json: bool = JSON_OPT,
) -> None:
    """What if enterprises leave a base: segments that become gaps and segments cut off downstream.

    Example: chainkg whatif sz-led 洲明科技 雷曼光电
    """
    with store_session() as store:
        r = what_if(store, base, enterprises, depth, level=_level(level), limit=limit or None)
    if as_json:
        emit(r, as_json=True)
        return
    who = ", ".join(f"{e.name} ({e.key})" for e in r.removed)
    console.print(f"Removing {who} from {r.base.name} ({r.base.key}) — 假设移除企业", highlight=False, markup=False)
    rows = []
    for b, a in zip(r.before, r.after, strict=True):
        rows.append(
            {
                "level 层级": b.level,
                "gaps before 原缺口": b.gaps,
                "gaps after 新缺口数": a.gaps,
                "weak before 原薄弱": b.weak_links,
                "weak after 现薄弱": a.weak_links,
                "completeness 完整度": f"{_pct(b.completeness)} → {_pct(a.completeness)}",
            }
        )
    _table(rows, title="Before and after — 前后对比")
    _table(
        [
            {
                "level 层级": g.level,
                "new gap 新缺口": g.name,
                "stage 环节": g.stage,
                "lost 失去的企业": _names([e.name for e in g.lost]),
                "score 得分": g.score,
                "dependents 依赖数": g.dependents,
                "path 路径": g.path_text,
            }
            for g in r.new_gaps
        ],
        title="Segments that become gaps — 新增缺口",
    )
    _table(
        [
            {
                "level 层级": c.level,
                "cut off 受影响环节": c.name,
                "because of 因缺": c.gap_name,
                "steps 步数": c.hops,
                "path 路径": c.path_text,
            }
            for c in r.cut_off
        ],
        title="Covered segments cut off downstream — 下游受影响环节",
    )


@app.command("candidates")
@friendly_errors
def candidates_cmd(
    base: str = typer.Argument(..., help="Key of the base"),
    segment: str = typer.Argument(..., help="The gap: product name, industry key (SW2021:270100) or industry name"),
    limit: int = typer.Option(20, "--limit", "-n", help="Most candidates to list (0 for all)"),
    as_json: bool = JSON_OPT,
) -> None:
    """Rank enterprises outside a base that could fill a gap (招商 targets), with reasons.

    Reasons: same province, alliance, supply or research ties with the base, own IP or brand,
    export orientation, scale, and how much of their revenue the segment brings.

    Example: chainkg candidates sz-led SMDLED器件 --limit 10
    """
    with store_session() as store:
        from chainkg.queries.candidates import fill_candidates  # only this command needs it

        r = fill_candidates(store, base, segment, limit=limit or None)
    if as_json:
        emit(r, as_json=True)
        return
    console.print(
        f"Candidates to fill {r.segment.name} ({r.segment.label}) for {r.base.name} ({r.base.key}) — 招商对象",
        highlight=False,
        markup=False,
    )
    console.print(r.note, highlight=False, markup=False)
    _table(
        [
            {
                "#": i,
                "enterprise 企业": f"{c.name} ({c.key})",
                "province 省份": c.province or "",
                "relatedness 关联密度": "" if c.relatedness is None else f"{c.relatedness:.2f} {c.related_activity}",
                "matched 匹配产品": f"{c.matched} ({c.match})" if c.matched else "",
                "score 得分": c.score,
                # One column, Chinese first: the English reasons are in --json (reasons_text).
                "理由 reasons": "\n".join(f"{x.zh} +{x.points:g}" for x in c.reasons) or "覆盖该环节",
            }
            for i, c in enumerate(r.candidates, 1)
        ],
        title=f"Ranked candidates ({len(r.candidates)} of {r.total_candidates})",
    )
    _table(
        [
            {
                "base 基地": f"{b.name} ({b.key})",
                "enterprises 企业数": b.enterprises,
                "examples 示例": _names(b.examples),
            }
            for b in r.other_bases
        ],
        title="Other bases covering it — 其他覆盖基地",
    )


@app.command("complement")
@friendly_errors
def complement_cmd(
    base: str = typer.Argument(..., help="Key of the base"),
    depth: int = DEPTH_OPT,
    level: str = LEVEL_OPT,
    limit: int = typer.Option(20, "--limit", "-n", help="Most bases to list (0 for all)"),
    as_json: bool = JSON_OPT,
) -> None:
    """Which other bases cover this base's gaps (基地互补), best complement first.

    Example: chainkg complement sz-led --level product
    """
    with store_session() as store:
        from chainkg.queries.complement import complementarity  # only this command needs it

        r = complementarity(store, base, depth, level=_level(level), limit=limit or None)
    if as_json:
        emit(r, as_json=True)
        return
    console.print(
        f"{r.base.name} ({r.base.key}): {r.product_gaps} product gaps, {r.industry_gaps} industry gaps "
        f"at depth {r.depth} — 基地互补",
        highlight=False,
        markup=False,
    )
    _table(
        [
            {
                "base 基地": f"{x.base.name} ({x.base.key})",
                "complement 互补度": _pct(x.complement),
                "product gaps 产品缺口": f"{x.product_gaps_covered} ({_pct(x.product_share)})",
                "industry gaps 行业缺口": f"{x.industry_gaps_covered} ({_pct(x.industry_share)})",
                "enterprises 企业": x.enterprises,
                "most needed 最关键": _names(x.top_segments),
            }
            for x in r.rows
        ],
        title="Bases covering the gaps — 覆盖缺口的基地",
    )
