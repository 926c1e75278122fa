"""Pages for people who would rather look than read JSON: server-rendered HTML, no build step.

- ``GET /`` — every base with its indicators, its rank and comparison charts;
- ``GET /ui/bases/{key}`` — a base: indicators, chain view, gaps with fill candidates, weak
  links, platforms, alliances;
- ``GET /ui/alliances`` and ``GET /ui/alliances/{key}`` — alliances and one alliance's map;
- ``GET /ui/search?q=`` — names of every kind of node.

Every page loads only this server's files (stylesheet, vis-network, charts), so it works
offline. Data comes from :mod:`chainkg.views.pagedata`; this module only renders.
"""

# No "from __future__ import annotations": FastAPI must see the real parameter types.
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from chainkg import __version__
from chainkg.api.deps import StoreDep, require_read
from chainkg.api.errors import status_of
from chainkg.errors import ChainkgError
from chainkg.views import pagedata
from chainkg.views.style import PLATFORM_KIND_ZH_EN, ROLE_STYLE, STAGE_ZH, STATUS_STYLE

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
TEMPLATES.env.filters["pct"] = lambda v: "—" if v is None else f"{float(v) * 100:.0f}%"
TEMPLATES.env.filters["num"] = lambda v: "—" if v is None else (f"{v:.3g}" if isinstance(v, float) else str(v))
TEMPLATES.env.filters["q"] = lambda v: quote(str(v), safe="")
TEMPLATES.env.globals.update(
    version=__version__,
    urlencode=urlencode,
    ROLE_STYLE=ROLE_STYLE,
    STATUS_STYLE=STATUS_STYLE,
    STAGE_ZH=STAGE_ZH,
    PLATFORM_KINDS=PLATFORM_KIND_ZH_EN,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_read)])


ERROR_HEADINGS: dict[int, str] = {
    404: "未找到 Not found",
    422: "请检查输入 Please check the input",
    503: "数据库暂不可用 Store unavailable",
}


def error_page(request: Request, exc: ChainkgError) -> HTMLResponse:
    """The error as a page with the status the JSON API would give (404, 422, 503…)."""
    status, _code = status_of(exc)
    return TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {"heading": ERROR_HEADINGS.get(status, "出错了 Something went wrong"), "message": str(exc), "status": status},
        status_code=status,
    )


def _page(request: Request, template: str, load: Callable[[], dict[str, Any]]) -> HTMLResponse:
    """``template`` filled with what ``load`` answers, or the error page when loading fails."""
    try:
        context = load()
    except ChainkgError as exc:
        return error_page(request, exc)
    return TEMPLATES.TemplateResponse(request, template, context)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep) -> HTMLResponse:
    """Every base with its indicators, rank and the comparison charts."""
    return _page(request, "home.html", lambda: {"data": pagedata.home_data(store)})


@router.get("/ui/bases/{key:path}", response_class=HTMLResponse)
def base_page(request: Request, key: str, store: StoreDep) -> HTMLResponse:
    """One base: indicators, chain view, gaps with candidates, weak links, platforms, alliances."""
    return _page(request, "base.html", lambda: {"data": pagedata.base_data(store, key), "key": key})


@router.get("/ui/alliances", response_class=HTMLResponse)
def alliances_page(request: Request, store: StoreDep) -> HTMLResponse:
    """Every alliance, with links to their maps."""
    return _page(request, "alliances.html", lambda: {"rows": pagedata.alliance_list(store)})


@router.get("/ui/alliances/{key:path}", response_class=HTMLResponse)
def alliance_page(request: Request, key: str, store: StoreDep) -> HTMLResponse:
    """One alliance: members by role, coverage of its chain, brokers, communities, recruits, map."""
    return _page(request, "alliance.html", lambda: {"m": pagedata.alliance_data(store, key), "key": key})


@router.get("/ui/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    store: StoreDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """Nodes of every kind whose name contains the text (also in normalized form)."""
    return _page(request, "search.html", lambda: {"q": q, "hits": pagedata.search_data(store, q) if q.strip() else []})
