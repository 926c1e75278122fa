"""The chain map view as JSON (产业链图谱视图数据): what the base page draws, for other front ends.

- ``GET /analytics/chain-map?base=&map=`` — a base on one chain map laid out as the page
  draws it: stages as columns, segments as boxes (children nested), statuses and counts, the
  map's flow and every segment's answer (firms, products, why); without ``map`` the base's own
  map, or — for a base without one — a message and the maps to choose from;
- ``GET /analytics/chain-map/segment?base=&map=&segment=`` — one segment in full (every firm
  and product), what a click on a box leads to.
"""

# No "from __future__ import annotations": FastAPI reads the routes' parameter types at runtime.
from typing import Annotated

from fastapi import Query, Response

from chainkg.api.output import AnswerDep
from chainkg.api.routing import QuestionRouter
from chainkg.queries.chainengine.segments import SegmentAnswer, segment_gaps
from chainkg.views.chainmap import ChainMapView, chain_map_view

TAG = "Chain maps / 产业链图谱"

router = QuestionRouter(TAG)

BaseQ = Annotated[
    str, Query(min_length=1, max_length=200, description="Key of the base, e.g. sz-led or city:深圳市 / 基地主键")
]
MapQ = Annotated[
    str | None,
    Query(max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$", description="Chain map key, e.g. led / 图谱编号"),
]


@router.answer(
    "/chain-map",
    "chain_map_view",
    response_model=ChainMapView,
    summary="A base on a chain map, laid out / 产业链图谱视图",
    description=(
        "The chain map view of a base: `columns` are the map's stages (上游 → 下游) holding the segments' boxes "
        "(children nested in their parent) with the base's status (covered 已覆盖 / weak 薄弱 / gap 缺口 / "
        "no_supplier 无已知供应商) and counts (`base_count` the base's firms, `makers_count` the makers "
        "nationwide); `flow` is the map's own supply flow; `segments` the full answer per segment (the "
        "base's firms, the top makers nationwide, the products, `why` / `why_zh`). Without `map`: the base's "
        "own map; a base without one gets `map` null, a Chinese `message` and `choices` (the maps, those the "
        "base's firms are in first). CSV: the segments."
    ),
)
def chain_map(ans: AnswerDep, base: BaseQ, map: MapQ = None) -> Response:
    """The chain map view of one base (see the description)."""
    return ans.send(lambda: chain_map_view(ans.store, base, map), table=lambda r: r.segments, name=f"chain-map-{base}")


@router.answer(
    "/chain-map/segment",
    "chain_map_segment",
    response_model=SegmentAnswer,
    summary="One segment of a chain map in full / 图谱环节详情",
    description=(
        "One segment of the map for the base, with every firm of the base, every maker nationwide (most of "
        "the segment's products made first, then revenue) and every product matched, and `why` / `why_zh`."
    ),
    csv=False,
)
def chain_map_segment(
    ans: AnswerDep,
    base: BaseQ,
    map: Annotated[str, Query(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$", description="Map / 图谱")],
    segment: Annotated[str, Query(min_length=1, max_length=120, description="Segment key, e.g. chip / 环节")],
) -> Response:
    """One segment in full (see the description)."""
    return ans.send(lambda: segment_gaps(ans.store, base, [map], segment=segment).maps[0].segments[0])
