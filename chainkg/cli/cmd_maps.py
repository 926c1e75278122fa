"""Commands for chain maps (产业链图谱) and the answers per segment.

``maps`` lists the maps (or shows one, or its match report); ``maps-report`` writes the
reports to docs/maps/; ``segments`` (also ``gaps BASE --map KEY``), ``segment-whatif``,
``segment-candidates``, ``segment-complement`` and ``alliance-segments`` answer per segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import typer

from chainkg.cli.common import BASE_ARG, JSON_OPT, REMOVE_ARG, ask, emit, emit_json, store_session
from chainkg.cli.main import app
from chainkg.cli.plain import say
from chainkg.i18n import N_, _, get_locale, pgettext, value
from chainkg.queries.chainengine.segments import (
    SegmentFirm,
    SegmentGapsResult,
    alliance_segments,
    get_map,
    list_maps,
    map_report,
    read_map,
    segment_candidates,
    segment_complement,
    segment_gaps,
    segment_what_if,
)
from chainkg.views.mapreport import render_map_report

MAP_OPT = typer.Option(..., "--map", "-m", help=N_("Key of the chain map, e.g. led (see `chainkg maps`)"))


def _names(firms: Sequence[SegmentFirm], n: int = 3, total: int | None = None) -> str:
    count = len(firms) if total is None else total
    shown = "、".join(f.name for f in firms[:n])
    return shown + (_(" ({count} in all)").format(count=count) if count > min(n, len(firms)) else "")


def _seg_name(name: str, parent: object) -> str:
    """A segment's name, indented under its parent's when it has one (the tables list parents first)."""
    return f"  └ {name}" if parent else name


class _Placed(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def parent(self) -> str | None: ...
    @property
    def stage_name(self) -> str: ...


def _placed(s: _Placed) -> dict[str, object]:
    """The first two columns of a segment's row: its stage and its (indented) name."""
    return {"stage": s.stage_name, "segment": _seg_name(s.name, s.parent)}


@app.command("maps")
def maps_cmd(
    key: str = typer.Argument("", help=N_("Key of one map: show its segments")),
    report: bool = typer.Option(False, "--report", help=N_("Print the map's match report (products and firms)")),
    as_json: bool = JSON_OPT,
) -> None:
    """List the chain maps with their stage and segment counts, or show one.

    Example: chainkg maps led --report
    """
    with store_session() as store:
        if not key:
            maps = list_maps(store)
            if emit_json(maps, as_json):
                return
            rows = [
                {
                    "key": m.key,
                    "name": m.name,
                    "version": m.version or "",
                    "stages": m.stages,
                    "segments": m.segments,
                    "references": len(m.references),
                }
                for m in maps
            ]
            emit(rows, as_json=False, title=_("Chain maps"))
            return
        if report:
            r = map_report(store, key)
            if emit_json(r, as_json):
                return
            rows = [
                {
                    **_placed(s),
                    "products": s.products_count,
                    "firms": s.enterprises_count,
                    "sample": "、".join(s.products[:4]),
                    "defect": (_("explained") if s.unmatched_note else pgettext("value", "defect")) if s.defect else "",
                }
                for s in r.segments
            ]
            emit(rows, as_json=False, title=_("Match report of {name} ({key})").format(name=r.map.name, key=key))
            if r.unexplained:
                say(f"{len(r.unexplained)} segment(s) match nothing (map defects 图谱缺陷): {', '.join(r.unexplained)}")
            if r.explained:
                say(
                    f"{len(r.explained)} segment(s) match nothing, explained in the map (已说明): "
                    f"{', '.join(r.explained)}"
                )
            return
        md = read_map(store, key)
    if emit_json({"map": md.summary, "stages": md.stages, "segments": md.segments}, as_json):
        return
    rows = [
        {
            "stage": md.stage_name(str(s["stage"])),
            "segment": _seg_name(str(s["name"]), s["parent"]),
            "key": str(s["key"]),
            "feeds": ", ".join(x.split("/", 1)[1] for x in md.feeds.get(str(s["key"]), [])),
            "products": len(md.products.get(str(s["key"]), [])),
            "firms": len(md.firms.get(str(s["key"]), [])),
        }
        for s in md.segments
    ]
    emit(rows, as_json=False, title=f"{md.summary.name} ({key})")


@app.command("maps-report")
def maps_report_cmd(
    keys: list[str] = typer.Argument(None, help=N_("Maps to report on (all by default)")),
    out: Path = typer.Option(Path("docs/maps"), "--out", "-o", help=N_("Folder for the <key>.md reports")),
) -> None:
    """Write each map's match report to OUT/<key>.md, for review.

    Example: chainkg maps-report led --out docs/maps
    """
    out.mkdir(parents=True, exist_ok=True)
    with store_session() as store:
        for k in keys or [m.key for m in list_maps(store)]:
            get_map(store, k)
            path = out / f"{k}.md"
            path.write_text(render_map_report(map_report(store, k)) + "\n", encoding="utf-8")
            say(f"Wrote {path}")


def print_segment_gaps(r: SegmentGapsResult, *, drill: bool = False) -> None:
    """The segment answers as tables: one per map, the R&D targets apart; a drill-down in full."""
    b = r.base
    if r.default_maps:
        say(
            _("Maps of {name}'s leading industries: {maps}").format(
                name=b.name, maps=", ".join(m.map.key for m in r.maps)
            )
        )
        for mg in r.maps:
            if mg.reason is not None:  # which maps, and why: named by the base or serving its leading industry
                why = mg.reason.why if get_locale() == "en" else mg.reason.why_zh
                say(f"• {why}")
    for mg in r.maps:
        if drill:
            for a in mg.segments:
                say(
                    f"{a.name}（{a.key}，{a.stage_name}）: {value(a.status)}\n"
                    + (a.why if get_locale() == "en" else a.why_zh)
                )
                emit(
                    [{"firm": f.name, "rule": f.rule, "evidence": f.via} for f in a.base_firms],
                    as_json=False,
                    title=_("Firms of the base"),
                )
                emit(
                    [{"firm": f.name, "place": f.city or f.province or "", "evidence": f.via} for f in a.makers],
                    as_json=False,
                    title=_("Firms nationwide ({n})").format(n=a.makers_count),
                )
                say(_("Products ({n}): ").format(n=a.products_count) + "、".join(a.products))
            continue
        c = mg.counts
        title = _(
            "{name} on {map} ({key}) — segments: covered {covered}, weak {weak}, gap {gap}, no known supplier {none}"
        ).format(
            name=b.name,
            map=mg.map.name,
            key=mg.map.key,
            covered=c["covered"],
            weak=c["weak"],
            gap=c["gap"],
            none=c["no_supplier"],
        )
        rows = [
            {
                **_placed(a),
                "status": a.status,
                "base firms": _names(a.base_firms),
                "nationwide": a.makers_count,
                "top makers": _names(
                    [f for f in a.makers if f not in a.base_firms], total=a.makers_count - a.base_count
                ),
                "products": a.products_count,
            }
            for a in mg.segments
            if a.status != "no_supplier"
        ]
        emit(rows, as_json=False, title=title)
        rd = [a for a in mg.segments if a.status == "no_supplier"]
        if rd:
            emit(
                [{"segment": a.name, "stage": a.stage_name, "products": a.products_count} for a in rd],
                as_json=False,
                title=_("No known supplier (R&D targets)"),
            )


@app.command("segments")
def segments_cmd(
    base: str = typer.Argument(..., help=N_("Key of the base, e.g. sz-led or city:深圳市")),
    maps: list[str] = typer.Option(None, "--map", "-m", help=N_("Chain map(s); default: the base's own maps")),
    segment: str = typer.Option("", "--segment", "-s", help=N_("Look into one segment (drill-down)")),
    as_json: bool = JSON_OPT,
    year: int | None = typer.Option(None, "--year", "-y", help=N_("As of the end of this year (年份)")),
) -> None:
    """A base's status in every segment of a chain map: covered, weak, gap or no known supplier.

    With --year, the base's firms are those located in it and in business that year.

    Example: chainkg segments sz-led --map led
    """
    r = ask(segment_gaps, base, maps or None, segment=segment or None, year=year)
    if emit_json(r, as_json):
        return
    print_segment_gaps(r, drill=bool(segment))


@app.command("segment-what-if")
def segment_whatif_cmd(
    base: str = BASE_ARG,
    enterprises: list[str] = REMOVE_ARG,
    map_key: str = MAP_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Which segments a base loses (or leaves to one firm) if enterprises leave.

    Example: chainkg segment-whatif sz-led 雷曼光电 --map led
    """
    r = ask(segment_what_if, base, enterprises, map_key)
    if emit_json(r, as_json):
        return
    who = "、".join(e.name for e in r.removed)
    say(_("If {who} leave {name}").format(who=who, name=r.base.name))
    rows = [
        {
            "effect": pgettext("value", "lost") if x in r.lost else _("weakened"),
            "stage": x.stage_name,
            "segment": x.name,
            "firms leaving": "、".join(e.name for e in x.lost),
            "after": x.status_after,
            "nationwide": x.makers_count,
        }
        for x in [*r.lost, *r.weakened]
    ]
    emit(rows, as_json=False, title=_("Segments affected"))


@app.command("segment-candidates")
def segment_candidates_cmd(
    base: str = BASE_ARG,
    map_key: str = MAP_OPT,
    segment: str = typer.Option(..., "--segment", "-s", help=N_("The segment to fill, e.g. chip")),
    limit: int = typer.Option(20, "--limit", "-n", help=N_("Most candidates to list (0 for all)")),
    as_json: bool = JSON_OPT,
) -> None:
    """Firms elsewhere in a segment: candidates to fill it, most related first.

    Example: chainkg segment-candidates sz-led --map led --segment chip
    """
    r = ask(segment_candidates, base, map_key, segment, limit or None)
    if emit_json(r, as_json):
        return
    rows = [{"firm": c.name, "place": c.city or c.province or "", "products": c.weight, "why": c.via} for c in r]
    emit(rows, as_json=False, title=_("Candidates for {segment}").format(segment=segment))


@app.command("segment-complement")
def segment_complement_cmd(
    a: str = typer.Argument(..., help=N_("Key of one base")),
    b: str = typer.Argument(..., help=N_("Key of the other base")),
    map_key: str = MAP_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Where two bases fill each other's segments on one map.

    Example: chainkg segment-complement sz-led sz-hitech --map led
    """
    r = ask(segment_complement, a, b, map_key)
    if emit_json(r, as_json):
        return
    rows = []
    for label, items in (
        (f"{r.a.name} → {r.b.name}", r.a_fills_b),
        (f"{r.b.name} → {r.a.name}", r.b_fills_a),
        (_("both"), r.both),
        (_("neither"), r.neither),
    ):
        for x in items:
            rows.append(
                {
                    "who fills": label,
                    "segment": x.name,
                    "A firms": "、".join(e.name for e in x.a_firms[:3]),
                    "B firms": "、".join(e.name for e in x.b_firms[:3]),
                }
            )
    emit(rows, as_json=False, title=_("Complementarity by segment"))


@app.command("alliance-segments")
def alliance_segments_cmd(
    alliance: str = typer.Argument(..., help=N_("Key of the alliance, e.g. al-led")),
    map_key: str = MAP_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Which segments of a map an alliance's member firms cover.

    Example: chainkg alliance-segments al-sz-led --map led
    """
    r = ask(alliance_segments, alliance, map_key)
    if emit_json(r, as_json):
        return
    rows = [
        {
            **_placed(s),
            "status": s.status,
            "members": "、".join(m.name for m in s.members[:4]),
            "nationwide": s.makers_count,
        }
        for s in r.segments
    ]
    emit(rows, as_json=False, title=_("{alliance} on {map}").format(alliance=r.alliance.name, map=map_key))
