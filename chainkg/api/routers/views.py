"""Routes for views (interactive graphs), their exports, static charts and the page assets.

- ``GET /views/{kind}?key=…`` — the view as an HTML page (vis-network served from this
  server, nothing from the internet);
- ``GET /views/{kind}/export?key=…&format=graphml|gexf|nodes.csv|edges.csv|xlsx|html`` —
  the view's subgraph as a file (``html`` is the standalone page with vis-network inlined);
- ``GET /charts/{chart}?format=png|svg`` — base indicators or chain completeness compared;
- ``GET /static/vendor/{name}`` and ``GET /static/{name}`` — vis-network from the installed
  pyvis, and the pages' stylesheet.

No Cypher here: views come from :mod:`chainkg.views`, data from :mod:`chainkg.queries`.
"""

# No "from __future__ import annotations": FastAPI must see the real parameter types.
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse

from chainkg.api.deps import CacheDep, StoreDep, require_read
from chainkg.api.errors import AUTH, ERROR_RESPONSES, NOT_FOUND, json_error_responses
from chainkg.api.output import cache_key
from chainkg.errors import ChainkgError, NotFoundError
from chainkg.i18n import get_locale
from chainkg.views.assets import asset_path, media_type
from chainkg.views.catalog import VIEW_KINDS, build_view, view_options
from chainkg.views.export import FORMATS, check_format, export_bytes
from chainkg.views.render import render_html

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
VENDOR = "/static/vendor"
EGO_BASE = "/views/ego"

ViewName = Literal["chain", "gap", "alliance", "collab", "pool", "ego"]
ExportName = Literal["graphml", "gexf", "nodes.csv", "edges.csv", "xlsx", "html"]
ChartName = Literal["indicators", "completeness"]

static_router = APIRouter(include_in_schema=False)
read_router = APIRouter(
    tags=["Views / 图谱"],
    dependencies=[Depends(require_read)],
    responses=json_error_responses(ERROR_RESPONSES, NOT_FOUND, AUTH),
)
router = APIRouter()


@static_router.get("/static/vendor/{name}")
def vendor_asset(name: str) -> FileResponse:
    """vis-network's script and stylesheet, from the installed pyvis package."""
    return FileResponse(
        asset_path(name), media_type=media_type(name), headers={"Cache-Control": "public, max-age=86400"}
    )


ECHARTS_DIR = STATIC_DIR / "echarts"
ECHARTS_MEDIA = {".js": "text/javascript; charset=utf-8", ".json": "application/json"}


@static_router.get("/static/echarts/{path:path}")
def echarts_file(path: str) -> FileResponse:
    """The vendored ECharts script and its map data (Apache-2.0; see static/echarts/README.md)."""
    target = (ECHARTS_DIR / path).resolve()
    # Only files inside the folder, with a known type: "../" or a licence text is never a script.
    if not target.is_relative_to(ECHARTS_DIR) or target.suffix not in ECHARTS_MEDIA or not target.is_file():
        raise NotFoundError(f"There is no map file called {path!r}.")
    return FileResponse(
        target, media_type=ECHARTS_MEDIA[target.suffix], headers={"Cache-Control": "public, max-age=86400"}
    )


@static_router.get("/static/{name}")
def static_file(name: str) -> FileResponse:
    """The pages' own static files (one folder, no sub-paths, so nothing outside can be named)."""
    path = STATIC_DIR / name
    if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        raise NotFoundError(f"There is no static file called {name!r}.")
    return FileResponse(path, media_type=media_type(name), headers={"Cache-Control": "public, max-age=3600"})


class ViewParams:
    """The query parameters every view takes (which ones matter depends on the view)."""

    def __init__(
        self,
        key: Annotated[
            str,
            Query(
                min_length=1,
                max_length=300,
                description="What the view is about: base, alliance, organization, pool or node key / 主键",
            ),
        ],
        label: Annotated[
            str | None, Query(max_length=40, description="Node label for the ego view, e.g. Enterprise / 节点类型")
        ] = None,
        segment: Annotated[
            str | None, Query(max_length=300, description="Gap view: product name or industry key / 缺口环节")
        ] = None,
        depth: Annotated[
            int | None, Query(ge=1, le=5, description="Chain depth, or hops of the ego view / 深度")
        ] = None,
        method: Annotated[
            str | None, Query(max_length=40, description="Collaboration view: link-prediction method / 方法")
        ] = None,
        limit: Annotated[int | None, Query(ge=1, le=2000, description="Most items drawn / 上限")] = None,
    ) -> None:
        self.key, self.label, self.segment = key, label, segment
        self.depth, self.method, self.limit = depth, method, limit

    def options(self) -> dict[str, Any]:
        """Keyword arguments of :func:`chainkg.views.catalog.build_view`."""
        return {
            "label": self.label,
            "segment": self.segment,
            "depth": self.depth,
            "method": self.method,
            "limit": self.limit,
        }

    def cache_key(self, kind: str, fmt: str) -> tuple[Any, ...]:
        """The answer cache key: the view, its key and the options it is built with (defaults filled in)."""
        options = tuple(sorted(view_options(kind, **self.options()).items()))
        return ("view", kind, self.key, options, fmt, get_locale())

    def query(self) -> str:
        """These parameters as a URL query string (unset ones left out)."""
        items = {"key": self.key, **{k: v for k, v in self.options().items() if v is not None}}
        return urlencode(items)


ParamsDep = Annotated[ViewParams, Depends()]


def _filename(kind: str, key: str, suffix: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)[:80]
    return f"chainkg-{kind}-{safe}{suffix}"


def _file_answer(description: str, examples: dict[str, str]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route answering a file: an example per media type."""
    return {200: {"description": description, "content": {m: {"example": x} for m, x in examples.items()}}}


def _disposition(name: str) -> str:
    # ASCII fallback plus RFC 5987 UTF-8 name, so Chinese keys survive in every browser.
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@read_router.get(
    "/views/{kind}",
    response_class=HTMLResponse,
    summary="An interactive view as an HTML page / 交互式图谱页面",
    responses={
        200: {"content": {"text/html": {"example": "<!DOCTYPE html>…"}}, "description": "The view page"},
        # A key that matches nothing, or a view that cannot be drawn, answers a page a person can read.
        **json_error_responses(NOT_FOUND, {422: ERROR_RESPONSES[422]}, also_html=True),
    },
)
def view_page(kind: ViewName, params: ParamsDep, store: StoreDep, cache: CacheDep, request: Request) -> HTMLResponse:
    """The view ``kind`` (chain, gap, alliance, collab, pool, ego) for ``key``, drawn with vis-network.

    Loads only this server's files: the page works with no internet connection.
    """

    def compute() -> bytes:
        view = build_view(store, kind, params.key, **params.options())
        q = params.query()
        exports = [(FORMATS[f].caption, f"/views/{kind}/export?{q}&format={quote(f)}") for f in FORMATS]
        exports.append(("HTML", f"/views/{kind}/export?{q}&format=html"))
        return render_html(view, assets=VENDOR, exports=exports, ego_base=EGO_BASE).encode("utf-8")

    try:
        return HTMLResponse(cache.get_or_compute(params.cache_key(kind, "html"), compute))
    except ChainkgError as exc:
        # A person reads this page (often inside an iframe): answer a page, not JSON.
        from chainkg.api.routers.pages import error_page

        return error_page(request, exc)


@read_router.get(
    "/views/{kind}/export",
    response_class=Response,
    summary="A view's subgraph as GraphML, GEXF, CSV, Excel or standalone HTML / 导出图谱",
    responses=_file_answer(
        "The file, as an attachment",
        {
            "application/graphml+xml": "<?xml version='1.0' encoding='utf-8'?><graphml …>",
            "text/csv": "id,label,key,name\nBase:sz-led,Base,sz-led,深圳LED创新基地\n",
        },
    ),
)
def view_export(
    kind: ViewName,
    params: ParamsDep,
    store: StoreDep,
    cache: CacheDep,
    request: Request,
    format: Annotated[
        ExportName, Query(description="graphml, gexf, nodes.csv, edges.csv, xlsx or html / 格式")
    ] = "graphml",
) -> Response:
    """Download what the view ``kind`` draws for ``key``: GraphML and GEXF open in Gephi, CSV and
    Excel in a spreadsheet, HTML in any browser without a connection."""

    def compute() -> bytes:
        view = build_view(store, kind, params.key, **params.options())
        if format == "html":
            return render_html(view, assets="inline").encode("utf-8")
        return export_bytes(view.export_graph, format)

    data = cache.get_or_compute(params.cache_key(kind, format), compute)
    if format == "html":
        media, suffix = "text/html; charset=utf-8", ".html"
    else:
        fmt = check_format(format)
        media, suffix = fmt.media_type, fmt.suffix
    return Response(
        data, media_type=media, headers={"Content-Disposition": _disposition(_filename(kind, params.key, suffix))}
    )


@read_router.get(
    "/charts/{chart}",
    response_class=Response,
    summary="Base indicators or chain completeness compared, as PNG or SVG / 指标对比图",
    responses=_file_answer("The chart", {"image/png": "(PNG bytes)", "image/svg+xml": "<svg …>"}),
)
def chart(
    chart: ChartName,
    store: StoreDep,
    cache: CacheDep,
    request: Request,
    format: Annotated[Literal["png", "svg"], Query(description="png or svg / 格式")] = "png",
    bases: Annotated[
        str | None, Query(max_length=2000, description="Comma-separated base keys; all bases by default / 基地")
    ] = None,
) -> Response:
    """``indicators``: enterprises with own IP, own brand, export orientation and chain completeness
    per base, side by side. ``completeness``: chain completeness at product and industry level."""
    from chainkg.views.charts import MEDIA_TYPES
    from chainkg.views.pagedata import chart_bytes

    keys = [b.strip() for b in bases.split(",") if b.strip()] if bases else None
    data = cache.get_or_compute(cache_key(request, format), lambda: chart_bytes(store, chart, format, keys))
    return Response(data, media_type=MEDIA_TYPES[format], headers={"Cache-Control": "no-cache"})


router.include_router(static_router)
router.include_router(read_router)

__all__ = ["VIEW_KINDS", "router"]
