"""The annual review report (年度考核报告) of a base as a file: Excel, Word or PDF."""

# No "from __future__ import annotations": FastAPI reads the routes' parameter types at runtime.
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Response

from chainkg.api.deps import StoreDep, require_read
from chainkg.api.errors import AUTH, ERROR_RESPONSES, NOT_FOUND
from chainkg.i18n import get_locale, use_locale
from chainkg.views.report import build_report, file_name
from chainkg.views.report_files import HTML_LANG, MEDIA_TYPES, render

router = APIRouter(prefix="/reports", tags=["reports"], dependencies=[Depends(require_read)])


@router.get(
    "/{base}",
    response_class=Response,
    summary="Annual review report of a base / 基地年度考核报告",
    description=(
        "The base's annual review report for `year` as a file (`format`: xlsx, docx or pdf): the §2 targets "
        "(met / not met / n/a, the missing input named), indicators with the change from the year before, chain-map "
        "coverage per segment, gap segments with the firms to attract, weak links, alliances, patent pools, "
        "platforms and the data sources with their load dates. In one language: Chinese by default, English with "
        "`lang=en` or `Accept-Language: en` (names stay as stored). `year` defaults to last year; `map` "
        "names the chain maps (default: the base's own)."
    ),
    operation_id="base_report",
    responses={
        200: {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in MEDIA_TYPES.values()}},
        **ERROR_RESPONSES,
        **AUTH,
        **NOT_FOUND,
    },
)
def base_report(
    store: StoreDep,
    base: Annotated[str, Path(min_length=1, max_length=200, description="Key of the base / 基地主键")],
    year: Annotated[int | None, Query(ge=1949, le=2100, description="Year under review / 考核年度")] = None,
    format: Annotated[Literal["xlsx", "docx", "pdf"], Query(description="File format / 文件格式")] = "xlsx",
    map: Annotated[
        list[str] | None,
        Query(max_length=10, description="Chain map key (repeatable); default: the base's own maps / 图谱"),
    ] = None,
    lang: Annotated[
        Literal["zh", "en"] | None,
        Query(description="Language of the report (else Accept-Language, else zh) / 报告语言"),
    ] = None,
) -> Response:
    """The report file (see the description)."""
    # The locale middleware has applied `lang` already; declared here so the API documents it.
    with use_locale(lang or get_locale()) as chosen:
        report = build_report(store, base, year, map or None)
        data = render(report, format)
    return Response(
        content=data,
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": content_disposition(file_name(report, format)),
            "Content-Language": HTML_LANG[chosen],
        },
    )


def content_disposition(name: str) -> str:
    """An attachment header: an ASCII ``filename`` for old clients, ``filename*`` (RFC 6266) in UTF-8
    for a key such as ``city:深圳市``."""
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
