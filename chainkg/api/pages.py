"""Pages for people who would rather look than read JSON: server-rendered HTML, no build step.

- ``GET /`` — every base with its indicators, its rank and comparison charts;
- ``GET /ui/bases/{key}`` — a base: indicators, chain view, gaps with fill candidates, weak
  links, platforms, alliances;
- ``GET /ui/alliances`` and ``GET /ui/alliances/{key}`` — alliances and one alliance's map;
- ``GET /ui/search?q=`` — names of every kind of node;
- ``GET /ui/ranking`` — every base ranked, a page at a time, with each indicator's share of the score;
- ``GET /ui/compare?bases=a,b`` — 2 to 5 bases side by side;
- ``GET /ui/map?base=`` (or ``?enterprises=k1,k2``) — where the firms are, by province and city;
- ``GET /ui/pools`` and ``GET /ui/platforms`` — patent pools and public service platforms.

Pages take their numbers leniently (``?page=abc`` is page 1): a person typing a URL gets a
page, never a 422.

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
from jinja2 import pass_context

from chainkg import __version__, i18n
from chainkg.api.deps import StoreDep, require_read
from chainkg.api.errors import status_of
from chainkg.errors import ChainkgError
from chainkg.views import pagedata
from chainkg.views.style import INDICATOR_ZH, PLATFORM_KIND_ZH_EN, ROLE_STYLE, STAGE_ZH, STATUS_STYLE


@pass_context
def _value_filter(_ctx: Any, v: Any) -> Any:
    """``value`` as a filter; pass_context keeps Jinja from folding ``"gap" | v`` once at compile time."""
    return i18n.value(v)


TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
TEMPLATES.env.filters["pct"] = lambda v: "—" if v is None else f"{float(v) * 100:.0f}%"
TEMPLATES.env.filters["num"] = lambda v: "—" if v is None else (f"{v:.3g}" if isinstance(v, float) else str(v))
TEMPLATES.env.filters["q"] = lambda v: quote(str(v), safe="")
# Fixed texts through the catalogs ({{ _("Home") }}), coded values through `| v` (gap -> 缺口)
TEMPLATES.env.add_extension("jinja2.ext.i18n")
TEMPLATES.env.install_gettext_callables(gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
TEMPLATES.env.filters["v"] = _value_filter
TEMPLATES.env.globals.update(
    version=__version__,
    urlencode=urlencode,
    ROLE_STYLE=ROLE_STYLE,
    STATUS_STYLE=STATUS_STYLE,
    STAGE_ZH=STAGE_ZH,
    PLATFORM_KINDS=PLATFORM_KIND_ZH_EN,
    INDICATOR_ZH=INDICATOR_ZH,
    lang=i18n.get_locale,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_read)])


ERROR_HEADINGS: dict[int, str] = {
    404: i18n.N_("Not found"),
    422: i18n.N_("Please check the input"),
    503: i18n.N_("Store unavailable"),
}


def error_page(request: Request, exc: ChainkgError) -> HTMLResponse:
    """The error as a page with the status the JSON API would give (404, 422, 503…)."""
    status, _code = status_of(exc)
    return TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {
            "heading": i18n.gettext(ERROR_HEADINGS.get(status, i18n.N_("Something went wrong"))),
            "message": str(exc),
            "status": status,
        },
        status_code=status,
    )


def _page(request: Request, template: str, load: Callable[[], dict[str, Any]]) -> HTMLResponse:
    """``template`` filled with what ``load`` answers, or the error page when loading fails."""
    try:
        context = load()
    except ChainkgError as exc:
        return error_page(request, exc)
    return TEMPLATES.TemplateResponse(request, template, context)


def _int(text: str | None, default: int = 1) -> int:
    """A page number from the URL; anything that is not a positive number is ``default``."""
    try:
        return max(1, int(str(text).strip())) if text is not None else default
    except ValueError:
        return default


PageQ = Annotated[str | None, Query(max_length=20)]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep, page: PageQ = None) -> HTMLResponse:
    """The bases in rank order, a page at a time, with their indicators and the comparison charts."""
    return _page(request, "home.html", lambda: {"data": pagedata.home_data(store, _int(page))})


@router.get("/ui/ranking", response_class=HTMLResponse)
def ranking_page(request: Request, store: StoreDep, page: PageQ = None) -> HTMLResponse:
    """Every base ranked, with each indicator's value and its share of the score."""
    from chainkg.queries.indicators import INDICATORS

    def load() -> dict[str, Any]:
        data = pagedata.home_data(store, _int(page))
        return {"data": data, "indicators": INDICATORS}

    return _page(request, "ranking.html", load)


@router.get("/ui/compare", response_class=HTMLResponse)
def compare_page(
    request: Request, store: StoreDep, bases: Annotated[str | None, Query(max_length=2000)] = None
) -> HTMLResponse:
    """2 to 5 bases side by side; without ``bases`` (or with fewer than 2), a form to pick them."""
    from chainkg.queries.compare import MAX_BASES, compare_bases

    keys = [k.strip() for k in (bases or "").split(",") if k.strip()]

    def load() -> dict[str, Any]:
        board = pagedata.scoreboard(store)
        choices = [(r["node"]["key"], r["node"].get("name") or r["node"]["key"]) for r in board.rows]
        cmp = compare_bases(store, keys) if len(keys) >= 2 else None
        return {"cmp": cmp, "choices": choices, "chosen": keys, "max_bases": MAX_BASES}

    return _page(request, "compare.html", load)


@router.get("/ui/map", response_class=HTMLResponse)
def map_page(
    request: Request,
    store: StoreDep,
    base: Annotated[str | None, Query(max_length=200)] = None,
    enterprises: Annotated[str | None, Query(max_length=20000)] = None,
    province: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    """Where the firms of a base (or of the given enterprise keys) are: a map of China and the table."""
    from chainkg.queries.geography import enterprise_places
    from chainkg.views.geo import map_data

    def load() -> dict[str, Any]:
        keys = [k for k in (enterprises or "").split(",") if k.strip()] if enterprises is not None else None
        chosen_base = base if base or keys is not None else None
        if chosen_base is None and keys is None:
            board = pagedata.scoreboard(store)
            chosen_base = board.keys()[0] if board.rows else None
        if chosen_base is None and keys is None:
            return {"m": None, "province": None}
        m = map_data(enterprise_places(store, base=chosen_base, enterprises=keys))
        return {"m": m, "province": province, "map_json": m.echarts()}

    return _page(request, "map.html", load)


@router.get("/ui/pools", response_class=HTMLResponse)
def pools_page(request: Request, store: StoreDep) -> HTMLResponse:
    """Every patent pool, with links to its analysis view."""
    return _page(request, "pools.html", lambda: {"rows": pagedata.pool_list(store)})


@router.get("/ui/platforms", response_class=HTMLResponse)
def platforms_page(request: Request, store: StoreDep) -> HTMLResponse:
    """Public service platforms per base: the six types present and missing."""
    return _page(request, "platforms.html", lambda: {"rows": pagedata.platform_rows(store)})


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
