"""The FastAPI application: ``create_app(settings)`` builds it, ``chainkg serve`` runs it.

The lifespan opens the configured store once (or takes one handed in) and closes it at
shutdown. The routers are the ones listed in :data:`ROUTERS`, in that order.

Adding a router
---------------
Write a module in ``chainkg/api/routers/`` with a module-level
``router = fastapi.APIRouter(...)``, import it here and add its router to :data:`ROUTERS`
(``tests/api/test_app.py`` checks every module there is listed). Routes get the store, settings,
keys and the answer cache from :mod:`chainkg.api.deps`; every JSON route declares a
``response_model`` and an example (``tests/api/test_openapi.py`` checks). Routes that
answer HTML or files set ``include_in_schema=False`` or a non-JSON ``response_class``.
"""

from __future__ import annotations

import gc
import json
import logging
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from chainkg import __version__
from chainkg.api import errors
from chainkg.api.cache import ResultCache
from chainkg.api.deps import ensure_schema
from chainkg.api.guard import StoreGuard
from chainkg.api.limits import BodyLimitMiddleware
from chainkg.api.locale import LocaleMiddleware
from chainkg.api.routers import (
    analytics,
    chainmap,
    health,
    ingest,
    maps,
    measures,
    network,
    pages,
    reports,
    resources,
    views,
)
from chainkg.errors import StoreUnavailableError
from chainkg.graph.store import GraphStore, open_store
from chainkg.queries.chainengine import ChainEngine, attach
from chainkg.settings import Settings

log = logging.getLogger("chainkg.api")

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    resources.router,
    chainmap.router,
    analytics.router,
    network.router,
    ingest.router,
    measures.router,
    maps.router,
    reports.router,
    views.router,
    pages.router,
)
"""Every router the API serves, in this order."""

DESCRIPTION = """\
**chainkg** answers questions about industry chains (产业链) and innovation alliances (创新联盟) of
Science-and-Technology Trade Innovation Bases (科技兴贸创新基地).

- **Resources / 资源**: list with filters and pages, get by key, search by name.
- **Analytics / 分析**: the chain of a base, gaps and weak links, what-if, fill candidates,
  collaboration opportunities, alliance map, patent pools, platform coverage, indicators and
  ranking, complementarity between bases — each answer carries its explanation.
- **Network / 创新网络**: brokers and communities of the whole innovation network (or one
  province), computed by networkx or inside Neo4j by GDS (`CHAINKG_ANALYTICS`).
- **Ingest / 导入**: upload a CSV, XLSX or JSONL file (needs the write key).

Answers are JSON; table-like answers also come as CSV with `?format=csv` or `Accept: text/csv`.
Errors are JSON too: `{"detail": ..., "code": ..., "field": ...}`.
"""

TAGS = [
    {"name": "Health / 运行状态", "description": "Liveness and readiness probes"},
    {"name": "Resources / 资源", "description": "What the collections are and how to filter them"},
    {"name": "Analytics / 分析", "description": "One endpoint per question a planner asks, with explanations"},
    {"name": "Network / 创新网络", "description": "Whole-network questions, run by the engine of CHAINKG_ANALYTICS"},
    {"name": "Ingest / 导入", "description": "Upload data files (write key required)"},
]


DOCS_STATIC = "/docs-static"
"""Where the Swagger UI and ReDoc files are served from (no CDN: the docs work offline)."""


def _offline_docs_dir() -> Path | None:
    """Swagger UI 5 and ReDoc as shipped by the ``fastapi-offline`` package, when installed."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    folder = Path(fastapi_offline.__file__).resolve().parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def _add_offline_docs(app: FastAPI, folder: Path) -> None:
    """Serve /docs and /redoc from local files, so they work on machines without internet."""
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    app.mount(DOCS_STATIC, StaticFiles(directory=folder), name="docs-static")
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    def urls(request: Request, **files: str) -> dict[str, Any]:
        """The OpenAPI document's URL and those of the named static ``files``, under the app's root path."""
        root = request.scope.get("root_path", "")
        return {"openapi_url": f"{root}{openapi_url}", **{k: f"{root}{DOCS_STATIC}/{v}" for k, v in files.items()}}

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=f"{request.scope.get('root_path', '')}{redirect_url}",
            **urls(
                request,
                swagger_js_url="swagger-ui-bundle.js",
                swagger_css_url="swagger-ui.css",
                swagger_favicon_url="favicon.png",
            ),
        )

    @app.get(redirect_url, include_in_schema=False)
    def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        return get_redoc_html(
            title=f"{app.title} - ReDoc",
            with_google_fonts=False,  # the page would fetch fonts from fonts.googleapis.com
            **urls(request, redoc_js_url="redoc.standalone.js", redoc_favicon_url="favicon.png"),
        )


def _data_version(app: FastAPI) -> Any:
    """The store's data version for the answer cache (``None`` before the store is open)."""
    store: GraphStore | None = getattr(app.state, "store", None)
    return None if store is None else store.data_version()


def _warm_pages(app: FastAPI, store: GraphStore) -> None:
    """Compute what the home and ranking pages share (every base's indicators) before serving.

    One pass over every base's chain (about 1.5 s for the 136 bases of the public data on
    two cores): at start rather than in the first visitor's request. Skipped when the pages
    are not served.
    """
    if pages.router in app.state.routers:
        from chainkg.views import pagedata

        pagedata.warm(store)
        for name in ("home.html", "base.html"):
            pages.TEMPLATES.get_template(name)  # compiled now, not in the first visitor's request
    # What start-up built (link graphs, kept chains, the scoreboard) lives as long as the
    # process: collect once now and freeze it, so no request pays a full collection over it.
    gc.collect()
    gc.freeze()


def _declare_security(app: FastAPI, settings: Settings) -> None:
    """Make the OpenAPI document say what this server enforces: reads need a key only when
    ``CHAINKG_READ_KEY`` is set; uploads always need the write key.

    Every read route depends on the key header (so a read key can be switched on by setting);
    without a read key its ``security`` and its 401 answer are taken out of the document.
    """
    if settings.read_key is not None:
        return
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for item in schema.get("paths", {}).values():
                for method, op in item.items():
                    if method.lower() in ("get", "head") and isinstance(op, dict):
                        op.pop("security", None)
                        op.get("responses", {}).pop("401", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _warm_routes(app: FastAPI) -> None:
    """Match one request that no route serves, so that FastAPI prepares every route now.

    FastAPI prepares a router's routes (their parameter models) when a request first walks
    past them: about a second for this app, which a planner's first page would otherwise pay.
    Best effort: a failure here only leaves that cost to the first request.
    """
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/__chainkg_warm_routes__",
        "raw_path": b"/__chainkg_warm_routes__",
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
        "app": app,
    }

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: object) -> None:
        return None

    try:
        await app.router(scope, receive, send)
    except Exception as exc:  # a head start only: never fail the start-up for it
        log.info("routes not prepared at start: %s", exc)


WORKER_ENV = "CHAINKG_SERVE_WORKER"
"""How ``chainkg serve --workers N`` tells its worker processes their options (JSON)."""


def worker_app() -> FastAPI:
    """The app of one worker process of ``chainkg serve --workers N`` (uvicorn's app factory).

    The settings come from the environment the serving command set; the options it does not
    keep in settings (answer-cache time, read-only store) from :data:`WORKER_ENV`.
    """
    opts = json.loads(os.environ.get(WORKER_ENV) or "{}")
    return create_app(
        Settings(), cache_ttl_s=float(opts.get("cache_ttl_s", 60.0)), read_only=bool(opts.get("read_only", False))
    )


def create_app(
    settings: Settings | None = None,
    *,
    store: GraphStore | None = None,
    routers: Sequence[APIRouter] | None = None,
    cache_ttl_s: float = 60.0,
    read_only: bool = False,
) -> FastAPI:
    """Build the API for ``settings`` (read from the environment when None).

    ``store``: an open store to serve (the caller closes it); by default the lifespan opens
    the configured store and closes it at shutdown. ``cache_ttl_s``: how long an answer may
    be served from the cache (0 switches caching off); writes through the API empty it.
    ``read_only``: open the embedded store read-only (a worker of ``chainkg serve --workers N``:
    it reopens when another process writes, and an upload opens the one writer for its duration).

    Examples
    --------
    >>> from fastapi.testclient import TestClient
    >>> with TestClient(create_app(Settings(data_dir="/tmp/chainkg-doctest"))) as c:  # doctest: +SKIP
    ...     c.get("/health").json()
    {'status': 'ok', 'version': '0.1.0'}
    """
    settings = settings or Settings()
    owned = store is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        s = store if store is not None else open_store(settings, read_only=read_only)
        # The app's one chain engine: the question functions find it through the store (attach).
        app.state.engine = attach(ChainEngine.from_settings(s, settings))
        app.state.store = s
        app.state.guard = None if s.backend == "ladybug" else StoreGuard(s)
        try:
            if app.state.guard is not None:
                app.state.guard.check()  # bounded: a hung Neo4j must not hold the start-up
            ensure_schema(app.state)
        except StoreUnavailableError as exc:
            # Serve anyway: /health answers, reads answer 503 until the store is back.
            log.warning("store not reachable at start; retrying on each request: %s", exc)
        else:
            app.state.engine.warm()  # so that no planner's first question waits for the link graphs
            _warm_pages(app, s)
        await _warm_routes(app)
        try:
            yield
        finally:
            if app.state.guard is not None:
                app.state.guard.close()
            if owned:
                s.close()

    offline = _offline_docs_dir()
    app = FastAPI(
        title="chainkg API",
        version=__version__,
        summary="Industry chains and innovation alliances of innovation bases / 科技兴贸创新基地产业链与创新联盟",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None if offline else "/docs",
        redoc_url=None,  # only the offline copy below: FastAPI's own loads ReDoc and fonts from CDNs
    )
    if offline:
        _add_offline_docs(app, offline)
    _declare_security(app, settings)
    app.state.settings = settings
    app.state.cache = ResultCache(ttl_s=cache_ttl_s, version=lambda: _data_version(app))
    app.state.schema_ok = False
    app.state.guard = None
    errors.install(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_upload_mb * 1024 * 1024)
    app.add_middleware(LocaleMiddleware, default=settings.lang)
    if settings.cors_origins:
        # Only the origins named: the pages chainkg serves are same-origin and need none.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["X-API-Key", "Content-Type", "Accept"],
            expose_headers=["X-Chainkg-Analytics", "Content-Disposition"],
        )
    app.state.routers = list(ROUTERS if routers is None else routers)
    for router in app.state.routers:
        app.include_router(router)
    return app
