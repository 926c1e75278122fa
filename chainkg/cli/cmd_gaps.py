"""Commands for a base's industry chain: chain, gaps, whatif, candidates, complement.

Each prints tables with headings in the current language (zh by default, --lang en) and
the reasons as paths, or, with ``--json``, the full typed result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import typer

from chainkg.cli.common import BASE_ARG, JSON_OPT, REMOVE_ARG, ask_read, emit, emit_json, store_session
from chainkg.cli.main import app
from chainkg.cli.plain import Printout, recording, replay, say
from chainkg.errors import InvalidInputError
from chainkg.i18n import N_, _, get_locale, value

if TYPE_CHECKING:  # the question modules (numpy, pydantic models) are imported when a command computes
    from chainkg.graph.store import GraphStore
    from chainkg.queries.chainengine.chain import ChainQuestion, LevelChoice, LevelSummary, Stage
    from chainkg.queries.chainengine.gaps import Gap, GapOverview
    from chainkg.queries.chainengine.segments import SegmentGapsResult

DEPTH_OPT = typer.Option(3, "--depth", "-d", help=N_("Steps upstream from what the base makes or leads in (1-6)"))
LEVEL_OPT = typer.Option("both", "--level", "-l", help=N_("product, industry or both"))
YEAR_OPT = typer.Option(None, "--year", "-y", help=N_("As of the end of this year (年份)"))


def _table(rows: Sequence[Mapping[str, object]], title: str) -> None:
    """A table of ``rows`` (its title plain text: base and product names may hold [brackets])."""
    emit(list(rows), as_json=False, title=title)


LEVELS: dict[str, LevelChoice] = {"product": "product", "industry": "industry", "both": "both"}


def _level(level: str) -> LevelChoice:
    if level not in LEVELS:
        from chainkg.queries.chainengine.chain import check_level

        check_level(level)  # the plain-words error for anything else
    return LEVELS[level]


def _ask(base: str, depth: int, level: str, year: int | None = None) -> ChainQuestion:
    """The chain question of a command's base, --depth, --level and --year."""
    from chainkg.queries.chainengine.chain import ChainQuestion

    return ChainQuestion(base, depth, _level(level), year)


def _path(x: object) -> str:
    """The record's path text with its link words in the current language (names are data)."""
    text = str(getattr(x, "path_text", ""))
    if get_locale() == "en":
        return text
    rels = set(getattr(x, "path_rels", None) or []) | {
        s.rel for s in getattr(x, "path", None) or [] if hasattr(s, "rel")
    }
    from chainkg.queries.chainengine.chain import rel_words

    for rel in rels - {None}:
        en, zh = rel_words(rel)
        text = text.replace(f"-[{en}]->", f"-[{zh}]->")
    return text


def _pct(v: float | None) -> str:
    return "" if v is None else f"{100 * v:.1f}%"


def _names(items: list[str], n: int = 3) -> str:
    return ", ".join(items[:n]) + (f" (+{len(items) - n})" if len(items) > n else "")


def _summaries(levels: list[LevelSummary], title: str) -> None:
    rows = [
        {
            "level": s.level,
            "anchors": s.anchors,
            "segments": s.segments,
            "covered": s.covered,
            "gaps": s.gaps,
            "weak": s.weak_links,
            "completeness": _pct(s.completeness),
        }
        for s in levels
    ]
    _table(rows, title=title)


@app.command("chain")
def chain_cmd(
    base: str = typer.Argument(..., help=N_("Key of the base, e.g. sz-led or city:深圳市")),
    depth: int = DEPTH_OPT,
    level: str = LEVEL_OPT,
    stage: str = typer.Option("", "--stage", "-s", help=N_("Only one stage: downstream, midstream or upstream")),
    limit: int = typer.Option(30, "--limit", "-n", help=N_("Most segments to list per level (0 for all)")),
    as_json: bool = JSON_OPT,
    year: int | None = YEAR_OPT,
) -> None:
    """Show a base's industry chain: each segment's stage, coverage and path.

    The chain runs upstream from the products the base's enterprises make and from the
    industries it leads in or works in. With --year, as of that year: only the firms located
    in the base, in business and making the product then cover a segment.

    Example: chainkg chain sz-led --depth 2 --level product
    """
    stages: dict[str, Stage] = {"downstream": "downstream", "midstream": "midstream", "upstream": "upstream"}
    if stage and stage not in stages:
        raise InvalidInputError(f"The stage must be downstream, midstream or upstream; got {stage!r}.", field="stage")
    from chainkg.queries.chainengine.chain import base_chain

    result = ask_read(base_chain, _ask(base, depth, level, year), stage=stages.get(stage), limit=limit or None)
    if emit_json(result, as_json):
        return
    b = result.base
    _summaries(result.levels, _("Chain of {name} ({key}), depth {depth}").format(name=b.name, key=b.key, depth=depth))
    rows = [
        {
            "level": s.level,
            "stage": s.stage,
            "segment": s.name,
            "status": s.status,
            "enterprises": _names([e.name for e in s.enterprises]),
            "path": _path(s),
        }
        for s in result.segments
    ]
    _table(rows, title=_("Segments (nearest first)"))


@app.command("gaps")
def gaps_cmd(
    base: str = typer.Argument(..., help=N_("Key of the base, e.g. sz-led or city:深圳市")),
    depth: int = DEPTH_OPT,
    level: str = LEVEL_OPT,
    limit: int = typer.Option(20, "--limit", "-n", help=N_("Most gaps and weak links to list per level (0 for all)")),
    weak: bool = typer.Option(True, "--weak/--no-weak", help=N_("Also list the weak links (one enterprise only)")),
    include_flagged: bool = typer.Option(
        False, "--include-flagged", help=N_("Also list products flagged as not products (segments, sales lines …)")
    ),
    as_json: bool = JSON_OPT,
    maps: list[str] = typer.Option(
        None, "--map", "-m", help=N_("Answer per segment of this chain map (产业链图谱); default: the base's own maps")
    ),
    segment: str = typer.Option("", "--segment", help=N_("With --map: look into one segment (drill-down)")),
    year: int | None = YEAR_OPT,
) -> None:
    """List the supporting segments a base lacks, most depended-on first, and its weak links.

    With --map (or when the base leads in an industry a chain map serves) the answer comes per
    segment of the map first: covered, weak, gap or no known supplier (see `chainkg segments`).

    A gap is a chain segment no enterprise in the base makes (or works in), under any synonym
    or sub-class; its score adds 1/steps (times the link's strength for industries) for every
    covered segment downstream that needs it, times (products) how specific the input is.
    Gaps somebody in the data makes are targets to attract; gaps nobody makes are listed apart
    (no known supplier: R&D targets). Products flagged as not products are left out and counted.
    A weak link rests on a single enterprise of the base. With --year, as of that year (the
    dates of location, making, founding and closing decide who covers a segment).

    Examples:

      chainkg gaps sz-led --level product --limit 10

      chainkg gaps sz-led --level product --year 2015

      chainkg gaps city:深圳市 --limit 10   # on the public data
    """
    if maps or segment:
        from chainkg.cli.cmd_maps import segments_cmd

        segments_cmd(base, maps or [], segment, as_json, year)
        return
    from chainkg.queries.chainengine.answers import kept_answer

    lv = _level(level)
    # What it prints (tables before layout, in the current language) is kept on disk per data
    # version and code: asked again until the next load, the command opens the store, finds the
    # answer made from the data it holds now, and prints it without walking the chains again.
    args = (base, depth, lv, limit, include_flagged, weak, year, as_json, get_locale())
    with store_session(read_only=True) as store:
        printout = kept_answer(
            store,
            "gaps",
            args,
            lambda: _gaps_printout(store, base, depth, lv, limit, include_flagged, weak, year, as_json),
        )
    replay(printout)


def _gaps_printout(
    store: GraphStore,
    base: str,
    depth: int,
    lv: LevelChoice,
    limit: int,
    include_flagged: bool,
    weak: bool,
    year: int | None,
    as_json: bool,
) -> Printout:
    """The answer of ``chainkg gaps``: the base's segment answers and gap overview, recorded as printed."""
    from chainkg.queries.chainengine.gaps import gap_overview
    from chainkg.queries.chainengine.segments import default_segment_gaps

    by_segment = default_segment_gaps(store, base, year)
    o = gap_overview(
        store, _ask(base, depth, lv, year), limit=limit or None, include_flagged=include_flagged, weak=weak
    )
    with recording() as out:
        _print_gaps(by_segment, o, depth, weak, as_json)
    return out


def _print_gaps(by_segment: SegmentGapsResult | None, o: GapOverview, depth: int, weak: bool, as_json: bool) -> None:
    from chainkg.cli.cmd_maps import print_segment_gaps

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
                "level": g.level,
                "gap": g.name,
                "stage": g.stage,
                "score": g.score,
                "dependents": g.dependents,
                "feeds": "" if g.feeds is None else g.feeds,
                "makers": "" if g.makers is None else g.makers,
                "needed by": _names(g.needed_by),
                "path": _path(g),
            }
            for g in gaps
        ]

    b = o.base
    _table(
        gap_rows(o.gaps),
        title=_("Gaps to attract: {name} ({key}), depth {depth}").format(name=b.name, key=b.key, depth=depth),
    )
    for g in o.gaps[:3]:
        say(f"• {g.why if get_locale() == 'en' else g.why_zh}")
    if o.no_supplier:
        _table(gap_rows(o.no_supplier), title=_("No known supplier in the data (R&D targets)"))
    counts = ", ".join(
        _("{level}: {gaps:,} gaps, {none:,} with no known supplier").format(
            level=value(k), gaps=o.total_gaps[k], none=o.total_no_supplier.get(k, 0)
        )
        for k in o.total_gaps
    )
    say(counts)
    left = sum(o.flagged_left_out.values()) + sum(o.weak_flagged_left_out.values())
    if left:
        say(
            _(
                "Left out {n:,} items flagged as not products (see chainkg quality); --include-flagged shows them."
            ).format(n=left)
        )
    if weak:
        wrows = [
            {
                "level": w.level,
                "segment": w.name,
                "only enterprise": w.enterprise.name,
                "score": w.score,
                "dependents": w.dependents,
                "path": _path(w),
            }
            for w in o.weak_links
        ]
        _table(wrows, title=_("Weak links (one enterprise)"))


@app.command("what-if")
def whatif_cmd(
    base: str = BASE_ARG,
    enterprises: list[str] = REMOVE_ARG,
    depth: int = DEPTH_OPT,
    level: str = LEVEL_OPT,
    limit: int = typer.Option(20, "--limit", "-n", help=N_("Most new gaps and cut-off segments to list per level")),
    as_json: bool = JSON_OPT,
    year: int | None = YEAR_OPT,
) -> None:
    """What if enterprises leave a base: segments that become gaps and segments cut off downstream.

    Example: chainkg whatif sz-led 洲明科技 雷曼光电
    """
    from chainkg.queries.chainengine.gaps import what_if

    r = ask_read(what_if, _ask(base, depth, level, year), enterprises, limit=limit or None)
    if emit_json(r, as_json):
        return
    who = ", ".join(f"{e.name} ({e.key})" for e in r.removed)
    say(_("Removing {who} from {name} ({key})").format(who=who, name=r.base.name, key=r.base.key))
    rows = []
    for b, a in zip(r.before, r.after, strict=True):
        rows.append(
            {
                "level": b.level,
                "gaps before": b.gaps,
                "gaps after": a.gaps,
                "weak before": b.weak_links,
                "weak after": a.weak_links,
                "completeness": f"{_pct(b.completeness)} → {_pct(a.completeness)}",
            }
        )
    _table(rows, title=_("Before and after"))
    _table(
        [
            {
                "level": g.level,
                "new gap": g.name,
                "stage": g.stage,
                "lost": _names([e.name for e in g.lost]),
                "score": g.score,
                "dependents": g.dependents,
                "path": _path(g),
            }
            for g in r.new_gaps
        ],
        title=_("Segments that become gaps"),
    )
    _table(
        [
            {
                "level": c.level,
                "cut off": c.name,
                "because of": c.gap_name,
                "steps": c.hops,
                "path": _path(c),
            }
            for c in r.cut_off
        ],
        title=_("Covered segments cut off downstream"),
    )


@app.command("candidates")
def candidates_cmd(
    base: str = BASE_ARG,
    segment: str = typer.Argument(..., help=N_("The gap: product name, industry key (SW2021:270100) or industry name")),
    limit: int = typer.Option(20, "--limit", "-n", help=N_("Most candidates to list (0 for all)")),
    as_json: bool = JSON_OPT,
    year: int | None = YEAR_OPT,
) -> None:
    """Rank enterprises outside a base that could fill a gap (targets to attract), with reasons.

    Reasons: same province, alliance, supply or research ties with the base, own IP or brand,
    export orientation, scale, and how much of their revenue the segment brings. With --year,
    as of that year: makers in business and making it then, the base's firms as located then.

    Example: chainkg candidates sz-led SMDLED器件 --limit 10
    """
    with store_session(read_only=True) as store:
        from chainkg.queries.chainengine.candidates import fill_candidates  # only this command needs it

        r = fill_candidates(store, base, segment, limit=limit or None, year=year)
    if emit_json(r, as_json):
        return
    say(
        _("Candidates to fill {segment} ({level}) for {name} ({key})").format(
            segment=r.segment.name, level=value(r.segment.label), name=r.base.name, key=r.base.key
        )
    )
    say(r.note)
    _table(
        [
            {
                "#": i,
                "enterprise": f"{c.name} ({c.key})",
                "province": c.province or "",
                "relatedness": "" if c.relatedness is None else f"{c.relatedness:.2f} {c.related_activity}",
                "matched": f"{c.matched} ({c.match})" if c.matched else "",
                "score": c.score,
                # One column, Chinese first: the English reasons are in --json (reasons_text).
                "reasons": "\n".join(f"{x.text if get_locale() == 'en' else x.zh} +{x.points:g}" for x in c.reasons)
                or _("covers the segment"),
            }
            for i, c in enumerate(r.candidates, 1)
        ],
        title=_("Ranked candidates ({n} of {total})").format(n=len(r.candidates), total=r.total_candidates),
    )
    _table(
        [
            {
                "base": f"{b.name} ({b.key})",
                "enterprises": b.enterprises,
                "examples": _names(b.examples),
            }
            for b in r.other_bases
        ],
        title=_("Other bases covering it"),
    )


@app.command("complement")
def complement_cmd(
    base: str = BASE_ARG,
    depth: int = DEPTH_OPT,
    level: str = LEVEL_OPT,
    limit: int = typer.Option(20, "--limit", "-n", help=N_("Most bases to list (0 for all)")),
    as_json: bool = JSON_OPT,
) -> None:
    """Which other bases cover this base's gaps, best complement first.

    Example: chainkg complement sz-led --level product
    """
    with store_session(read_only=True) as store:
        from chainkg.queries.chainengine.complement import complementarity  # only this command needs it

        r = complementarity(store, _ask(base, depth, level), limit=limit or None)
    if emit_json(r, as_json):
        return
    say(
        _("{name} ({key}): {products} product gaps, {industries} industry gaps at depth {depth}").format(
            name=r.base.name, key=r.base.key, products=r.product_gaps, industries=r.industry_gaps, depth=r.depth
        )
    )
    _table(
        [
            {
                "base": f"{x.base.name} ({x.base.key})",
                "complement": _pct(x.complement),
                "product gaps": f"{x.product_gaps_covered} ({_pct(x.product_share)})",
                "industry gaps": f"{x.industry_gaps_covered} ({_pct(x.industry_share)})",
                "enterprises": x.enterprises,
                "most needed": _names(x.top_segments),
            }
            for x in r.rows
        ],
        title=_("Bases covering the gaps"),
    )
