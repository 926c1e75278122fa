"""Pages for people who would rather look than read JSON: server-rendered HTML, no build step.

- ``GET /`` — every base with its indicators, its rank and comparison charts;
- ``GET /ui/bases/{key}?map=`` — a base: indicators, its chain map (产业链图谱, the map picked
  with ``map``), platforms, alliances; the product-level gaps with fill candidates and weak
  links come from ``GET /ui/base-chain?key=``, fetched once the map is drawn;
- ``GET /ui/chainmap?base=&map=`` — the chain map of a base alone, full width;
- ``GET /ui/alliances`` and ``GET /ui/alliances/{key}`` — alliances and one alliance's map;
- ``GET /ui/search?q=`` — names of every kind of node;
- ``GET /ui/ranking`` — every base ranked, a page at a time, with each indicator's share of the score;
- ``GET /ui/compare?bases=a,b`` — 2 to 5 bases side by side;
- ``GET /ui/map?base=`` (or ``?enterprises=k1,k2``, or ``?base=&segment=map/segment``) — where the firms are;
- ``GET /ui/pools`` and ``GET /ui/platforms`` — patent pools and public service platforms;
- ``GET /ui/policy?base=&year=`` — a base's three §2 targets and its policy objects in a year.

Pages take their numbers leniently (``?page=abc`` is page 1): a person typing a URL gets a
page, never a 422.

Every page loads only this server's files (stylesheet, vis-network, charts), so it works
offline. Data comes from :mod:`chainkg.views.pagedata`; this module only renders.
"""

# No "from __future__ import annotations": FastAPI must see the real parameter types.
import json
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
from chainkg.views.chainmap import STATUS_LEGEND, ChainMapView, chain_map_view
from chainkg.views.style import INDICATOR_ZH, PLATFORM_KIND_ZH_EN, ROLE_STYLE, STAGE_ZH, STATUS_STYLE


@pass_context
def _value_filter(_ctx: Any, v: Any) -> Any:
    """``value`` as a filter; pass_context keeps Jinja from folding ``"gap" | v`` once at compile time."""
    return i18n.value(v)


TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
TEMPLATES.env.filters["pct"] = lambda v: "—" if v is None else f"{float(v) * 100:.0f}%"
TEMPLATES.env.filters["num"] = lambda v: "—" if v is None else (f"{v:.3g}" if isinstance(v, float) else str(v))
TEMPLATES.env.filters["q"] = lambda v: quote(str(v), safe="")
# Fixed texts through the catalogs ({{ _("Home") }}), coded values through `| v` (gap -> 缺口)
TEMPLATES.env.add_extension("jinja2.ext.i18n")
TEMPLATES.env.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True, pgettext=i18n.pgettext
)
TEMPLATES.env.filters["v"] = _value_filter
TEMPLATES.env.globals.update(
    version=__version__,
    urlencode=urlencode,
    ROLE_STYLE=ROLE_STYLE,
    STATUS_STYLE=STATUS_STYLE,
    STAGE_ZH=STAGE_ZH,
    PLATFORM_KINDS=PLATFORM_KIND_ZH_EN,
    INDICATOR_ZH=INDICATOR_ZH,
    LEGEND=STATUS_LEGEND,
    lang=i18n.get_locale,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_read)])

# Compiled when the app is built (~0.1-0.3 s), not on a planner's first request.
for _name in TEMPLATES.env.list_templates(extensions=["html"]):
    TEMPLATES.env.get_template(_name)


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
    segment: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """Where the firms of a base (or of the given enterprise keys, or of a chain-map segment's
    makers with ``segment=map/segment&base=``) are: a map of China and the table."""
    from chainkg.queries.geography import enterprise_places
    from chainkg.views.geo import map_data

    def load() -> dict[str, Any]:
        if segment:
            m = map_data(pagedata.segment_places(store, base, segment))
            return {"m": m, "province": province, "map_json": m.echarts()}
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


MapParam = Annotated[str | None, Query(max_length=60, description="Chain map key / 图谱编号")]


def _map_context(cm: ChainMapView, action: str, hidden: dict[str, str]) -> dict[str, Any]:
    """What the chain map partial needs: the view, its data for the script, the picker's target."""
    panel = cm.model_dump(mode="json", include={"base", "map", "flow", "segments"}) if cm.map else {}
    # "<" escaped so that no text in the data can close the <script> element holding it.
    data = json.dumps(panel, ensure_ascii=False).replace("<", "\\u003c")
    query = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in hidden.items())

    def href(map_key: str) -> str:
        return f"{action}?{query + '&' if query else ''}map={quote(map_key, safe='')}"

    return {"cm": cm, "cm_json": data, "map_action": action, "map_hidden": hidden, "map_href": href}


@router.get("/ui/bases/{key:path}", response_class=HTMLResponse)
def base_page(request: Request, key: str, store: StoreDep, map: MapParam = None) -> HTMLResponse:
    """One base: indicators, its chain map, platforms, alliances (product-level gaps come after)."""
    from chainkg.queries.measures import today_year

    def load() -> dict[str, Any]:
        data = pagedata.base_data(store, key, map)
        ctx = _map_context(data.chain_map, f"/ui/bases/{quote(key, safe='')}", {})
        # The report's default year: the base's latest year with figures, else last year.
        report_year = data.ind.figures_year or today_year() - 1
        return {"data": data, "key": key, "report_year": report_year, **ctx}

    return _page(request, "base.html", load)


@router.get("/ui/base-chain", response_class=HTMLResponse)
def base_chain_fragment(
    request: Request, store: StoreDep, key: Annotated[str, Query(min_length=1, max_length=200)]
) -> HTMLResponse:
    """The product-level chain sections of a base page (gaps with candidates, weak links), as
    an HTML fragment the base page inserts once its map is drawn (they walk the whole chain)."""
    return _page(request, "_basechain.html", lambda: {"c": pagedata.base_chain_data(store, key), "key": key})


@router.get("/ui/chainmap", response_class=HTMLResponse)
def chainmap_page(
    request: Request,
    store: StoreDep,
    base: Annotated[str, Query(min_length=1, max_length=200)],
    map: MapParam = None,
) -> HTMLResponse:
    """The chain map of one base alone, full width (a map picked with ``map``)."""

    def load() -> dict[str, Any]:
        cm = chain_map_view(store, base, map or None)
        return {"key": base, **_map_context(cm, "/ui/chainmap", {"base": base})}

    return _page(request, "chainmap.html", load)


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


@router.get("/ui/policy", response_class=HTMLResponse)
def policy_page(
    request: Request,
    store: StoreDep,
    base: Annotated[str | None, Query(max_length=200)] = None,
    year: PageQ = None,
) -> HTMLResponse:
    """The three §2 targets of a base and its policy objects in a year (default: the base's
    latest year with figures); without ``base``, the first base in rank order."""
    from chainkg.views.policypage import policy_page as page_data

    def load() -> dict[str, Any]:
        key = base
        if not key:
            board = pagedata.scoreboard(store)
            key = board.keys()[0] if board.rows else None
        choices = [(b["key"], b.get("name") or b["key"]) for b in pagedata.all_bases(store)]
        if key is None:
            return {"p": None, "choices": choices, "key": None}
        chosen = _int(year, 0) if year is not None else 0
        p = page_data(store, key, chosen if 1949 <= chosen <= 2100 else None)
        return {"p": p, "choices": choices, "key": key}

    return _page(request, "policy.html", load)
