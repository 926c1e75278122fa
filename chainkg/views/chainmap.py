"""The chain map view (产业链图谱视图): a base on one chain map, laid out for a page.

Stages are columns (上游 → 中游 → 下游), top-level segments are boxes in their stage's
column in the map's order, and children sit inside their parent's box. Every box carries the
base's status in the segment (covered / weak / gap / no known supplier) and its counts (the
base's firms, the makers nationwide); the details a click shows (firms, products, why) are the
segment answers of :func:`chainkg.queries.chainengine.segments.segment_gaps`, unchanged.

The same record is the page's data and the JSON of ``GET /analytics/chain-map``.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import Field

from chainkg.errors import NotFoundError
from chainkg.graph.store.base import GraphStore
from chainkg.i18n import N_, _
from chainkg.queries.chainengine.chain import BaseRef, get_base
from chainkg.queries.chainengine.segments import (
    MapChoiceReason,
    MapSummary,
    SegmentAnswer,
    StageRef,
    base_map_presence,
    default_maps,
    list_maps,
    segment_gaps,
)
from chainkg.queries.results import Record

STATUS_LEGEND: tuple[tuple[str, str, str, str], ...] = (
    ("covered", "已覆盖", "covered", N_("two or more firms in the base")),
    ("weak", "薄弱", "weak", N_("only one firm in the base")),
    ("gap", "缺口", "gap", N_("none in the base, some elsewhere (firms to attract)")),
    ("no_supplier", "无已知供应商", "no known supplier", N_("nobody in the data (a research target)")),
)
"""Status, Chinese label, English label, what it means (an English msgid: show it with ``_()``),
in the order of the legend. Pages show ``value(status)`` and ``_(means)``: one language."""


class MapChoice(Record):
    """A map a planner may pick for the base: is it one of the base's own, and how many of
    the base's firms are in it."""

    key: str
    name: str
    segments: int
    default: bool
    base_firms: int = 0
    base_segments: int = 0


class MapBox(Record):
    """One segment's box: what the box shows; the details are in ``ChainMapView.segments``."""

    key: str
    name: str
    status: str
    status_zh: str
    base_count: int
    makers_count: int
    products_count: int
    children: list[MapBox] = Field(default_factory=list)


class MapColumn(Record):
    """One stage of the map: its boxes, upstream first."""

    key: str
    name: str
    name_en: str | None = None
    boxes: list[MapBox]


class MapFlow(Record):
    """One arrow of the map's own flow: segment ``src`` supplies segment ``dst``."""

    src: str
    dst: str
    src_name: str
    dst_name: str


class ChainMapView(Record):
    """A base on one chain map (or, when it has none, the maps to choose from).

    ``map`` is None when no map was asked for and the base names none: ``message`` then says
    so and ``choices`` lists every map (those the base's firms are in first).
    """

    base: BaseRef
    map: MapSummary | None = None
    default_maps: list[str] = Field(default_factory=list)
    reason: MapChoiceReason | None = None
    """Why the map shown is one of the base's own: named by it, or serving its leading industries."""
    choices: list[MapChoice] = Field(default_factory=list)
    message: str | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    stages: list[StageRef] = Field(default_factory=list)
    columns: list[MapColumn] = Field(default_factory=list)
    flow: list[MapFlow] = Field(default_factory=list)
    segments: list[SegmentAnswer] = Field(default_factory=list)


def _box(a: SegmentAnswer, kids: list[MapBox]) -> MapBox:
    # A box carries the answer's own fields (all but its children's keys) and the boxes below it.
    return MapBox(**a.model_dump(include=set(MapBox.model_fields) - {"children"}), children=kids)


def layout(stages: list[StageRef], answers: list[SegmentAnswer]) -> list[MapColumn]:
    """Columns of boxes: one per stage in stage order, top-level segments in the map's order,
    children nested in their parent (a child whose parent is missing stands on its own)."""
    keys = {a.key for a in answers}
    kids: dict[str, list[SegmentAnswer]] = defaultdict(list)
    for a in answers:
        if a.parent and a.parent in keys:
            kids[a.parent].append(a)
    by_stage: dict[str, list[MapBox]] = defaultdict(list)
    for a in answers:
        if a.parent and a.parent in keys:
            continue
        by_stage[a.stage].append(_box(a, [_box(k, []) for k in kids.get(a.key, [])]))
    cols = [MapColumn(key=s.key, name=s.name, name_en=s.name_en, boxes=by_stage.pop(s.key, [])) for s in stages]
    # Segments of a stage the map does not list (should not happen) still get a column.
    cols += [MapColumn(key=k, name=k, boxes=v) for k, v in by_stage.items()]
    return cols


def _choices(
    store_maps: list[MapSummary], defaults: list[str], presence: dict[str, tuple[int, int]]
) -> list[MapChoice]:
    out = [
        MapChoice(
            key=m.key,
            name=m.name,
            segments=m.segments,
            default=m.key in defaults,
            base_firms=presence.get(m.key, (0, 0))[0],
            base_segments=presence.get(m.key, (0, 0))[1],
        )
        for m in store_maps
    ]
    # The base's own maps first, then those its firms are most present in.
    out.sort(key=lambda c: (not c.default, -c.base_firms, c.key))
    return out


def chain_map_view(store: GraphStore, base_key: str, map_key: str | None = None) -> ChainMapView:
    """The base ``base_key`` on the map ``map_key`` (default: the base's first own map).

    Raises NotFoundError for an unknown base or map. A base with no own map and no
    ``map_key`` gets a view without a map: a message and the maps to choose from.
    """
    base = get_base(store, base_key)
    maps = list_maps(store)
    reasons = {r.map: r for r in default_maps(store, base_key, base.name)}
    defaults = list(reasons)
    choices = _choices(maps, defaults, base_map_presence(store, base_key))
    chosen = map_key or (defaults[0] if defaults else None)
    if chosen is None:
        if not maps:
            msg = _(
                "No chain map is loaded yet: load a map file with chainkg ingest "
                "(the bundled maps come with ingest-demo / ingest-ckg)."
            )
        else:
            msg = _(
                "%(base)s names no chain map (and none matches its leading industry). Pick one below; "
                "the maps listed first hold more of the base's firms."
            ) % {"base": base.name}
        return ChainMapView(base=base, default_maps=defaults, choices=choices, message=msg)
    if chosen not in {m.key for m in maps}:
        known = _(", ").join(m.key for m in maps) or _("(none)")
        raise NotFoundError(_("There is no chain map '%(key)s'. Maps: %(known)s.") % {"key": chosen, "known": known})
    mg = segment_gaps(store, base_key, [chosen]).maps[0]
    names = {a.key: a.name for a in mg.segments}
    flow = [
        MapFlow(src=a.key, dst=d, src_name=a.name, dst_name=names.get(d, d))
        for a in mg.segments
        for d in a.feeds
        if d in names
    ]
    return ChainMapView(
        base=base,
        map=mg.map,
        default_maps=defaults,
        reason=reasons.get(chosen),
        choices=choices,
        counts=mg.counts,
        stages=mg.stages,
        columns=layout(mg.stages, mg.segments),
        flow=flow,
        segments=mg.segments,
    )
