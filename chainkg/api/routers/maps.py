"""Chain-map routes (产业链图谱): the maps, their match reports, and the answers per segment.

Under ``/analytics`` like the other questions and built the same way (thin: bound the
parameters, call :mod:`chainkg.queries.chainengine.segments`, send JSON or a CSV table).
"""

# No "from __future__ import annotations": FastAPI reads the routes' parameter types at runtime.
from typing import Annotated

from fastapi import Path, Query, Response

from chainkg.api.output import AnswerDep
from chainkg.api.routers.analytics import MAX_REMOVED, MAX_RESULTS, Base, Limit, Table, Tables, Year
from chainkg.api.routing import QuestionRouter
from chainkg.queries.chainengine.segments import (
    AllianceSegments,
    MapReport,
    MapSummary,
    SegmentCandidate,
    SegmentComplement,
    SegmentGapsResult,
    SegmentWhatIf,
    alliance_segments,
    list_maps,
    map_report,
    segment_candidates,
    segment_complement,
    segment_gaps,
    segment_what_if,
)

TAG = "Chain maps / 产业链图谱"
MAX_MAPS = 10
"""Most maps one segment answer may cover."""

router = QuestionRouter(TAG)

MapKey = Annotated[
    str, Query(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$", description="Chain map key / 图谱编号")
]
SegmentKey = Annotated[
    str, Query(min_length=1, max_length=120, description="Segment key, e.g. chip or led/chip / 环节编号")
]


@router.answer(
    "/maps",
    "list_maps",
    response_model=list[MapSummary],
    summary="Chain maps / 产业链图谱列表",
    description="Every chain map in the store with its version, stage and segment counts and references.",
    not_found=False,
)
def maps(ans: AnswerDep) -> Response:
    """The chain maps."""
    return ans.send(lambda: list_maps(ans.store), name="maps")


@router.answer(
    "/maps/{key}/report",
    "map_report",
    response_model=MapReport,
    summary="Match report of a chain map / 图谱匹配报告",
    description=(
        "Per segment: the match rules, the products matched (count per rule, a sample) and the enterprises "
        "nationwide; `defects` lists segments that match nothing (a defect of the map). CSV: the segments."
    ),
)
def report(
    ans: AnswerDep,
    key: Annotated[str, Path(max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$", description="Map key / 图谱编号")],
) -> Response:
    """The match report of one map."""
    return ans.send(lambda: map_report(ans.store, key), table=lambda r: r.segments, name=f"map-{key}")


@router.answer(
    "/segments",
    "segment_gaps",
    response_model=SegmentGapsResult,
    summary="A base per segment of a chain map / 基地产业链环节分析",
    description=(
        "The base's status in every segment of the map(s): covered (已覆盖, two or more of its firms), weak "
        "(薄弱, one), gap (缺口, none, makers elsewhere) or no_supplier (无已知供应商, nobody in the data: an R&D "
        "target). Each segment has the base's firms, the makers nationwide (top few, `makers_count` all), the "
        "products behind it and `why` / `why_zh`. Without `map`, the maps of the base's leading industries. "
        "`segment` answers one segment in full (drill-down). CSV: the segments of the first map."
    ),
)
def segments(
    ans: AnswerDep,
    base: Base,
    map: Annotated[
        list[str] | None,
        Query(max_length=MAX_MAPS, description="Chain map key (repeatable); default: the base's own maps / 图谱"),
    ] = None,
    segment: Annotated[str | None, Query(max_length=120, description="One segment, in full / 环节")] = None,
    year: Year = None,
) -> Response:
    """A base per segment (see the description)."""
    return ans.send(
        lambda: segment_gaps(ans.store, base, map or None, segment=segment, year=year),
        table=lambda r: r.maps[0].segments if r.maps else [],
        name=f"segments-{base}",
    )


@router.answer(
    "/segment-what-if",
    "segment_what_if",
    response_model=SegmentWhatIf,
    summary="What if enterprises leave, per segment / 企业迁出的环节影响",
    description=(
        "Segments of the map the base loses (`lost`: its only firms there leave) or leaves to one firm "
        "(`weakened`), with counts per status before and after. CSV: `table=` lost or weakened."
    ),
)
def segment_whatif(
    ans: AnswerDep,
    base: Base,
    map: MapKey,
    remove: Annotated[
        list[str],
        Query(min_length=1, max_length=MAX_REMOVED, description="Enterprise to remove (repeatable) / 迁出企业"),
    ],
    table: Table = None,
) -> Response:
    """The segment what-if of one base."""
    pick = Tables(SegmentWhatIf, "lost").pick(table)
    return ans.send(lambda: segment_what_if(ans.store, base, remove, map), table=pick, name=f"segment-what-if-{base}")


@router.answer(
    "/segment-candidates",
    "segment_candidates",
    response_model=list[SegmentCandidate],
    summary="Candidates to fill a segment / 环节招商候选",
    description=(
        "Firms outside the base in the segment, most relevant first (how many of the segment's products they "
        f"make, then revenue), at most {MAX_RESULTS}, each with the evidence."
    ),
)
def candidates(ans: AnswerDep, base: Base, map: MapKey, segment: SegmentKey, limit: Limit = 20) -> Response:
    """Fill candidates for one segment."""
    return ans.send(lambda: segment_candidates(ans.store, base, map, segment, limit), name=f"segment-candidates-{base}")


@router.answer(
    "/segment-complement",
    "segment_complement",
    response_model=SegmentComplement,
    summary="Two bases per segment / 基地环节互补",
    description=(
        "Segments of the map where base `a` has firms and `b` none (`a_fills_b`), the reverse, both and neither. "
        "CSV: `table=` one of a_fills_b, b_fills_a, both, neither."
    ),
)
def complement(ans: AnswerDep, a: Base, b: Base, map: MapKey, table: Table = None) -> Response:
    """Complementarity of two bases per segment."""
    pick = Tables(SegmentComplement, "a_fills_b").pick(table)
    return ans.send(lambda: segment_complement(ans.store, a, b, map), table=pick, name=f"segment-complement-{a}")


@router.answer(
    "/alliance-segments",
    "alliance_segments",
    response_model=AllianceSegments,
    summary="An alliance per segment / 联盟环节覆盖",
    description="Which segments of the map the alliance's member firms are in, with a status as for a base.",
)
def alliance(
    ans: AnswerDep,
    alliance: Annotated[str, Query(min_length=1, max_length=200, description="Alliance key / 联盟主键")],
    map: MapKey,
) -> Response:
    """An alliance's coverage per segment."""
    return ans.send(
        lambda: alliance_segments(ans.store, alliance, map),
        table=lambda r: r.segments,
        name=f"alliance-segments-{alliance}",
    )
