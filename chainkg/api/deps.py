"""Every dependency of the routes, in one place: settings, store, keys, paging, output format.

Dependencies that only look at the request and the app's state are ``async def``: FastAPI runs
a plain ``def`` dependency in its thread pool, a hop per dependency and request. Those that may
wait on the store (the store itself, with its guard's probe; the writer) stay plain functions,
off the event loop, and so do the routes that compute.

The store is opened once by the app's lifespan and kept on ``app.state``; routes receive it
through :func:`get_store`. Keys are compared in constant time. Reads are open unless
``CHAINKG_READ_KEY`` is set; writes need ``CHAINKG_API_KEY`` and are refused while it is
unset.
"""

from __future__ import annotations

import base64
import binascii
import logging
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import APIKeyHeader

from chainkg.api.cache import ResultCache
from chainkg.errors import ChainkgError, InvalidInputError, StoreUnavailableError
from chainkg.graph.analytics.backend import AnalyticsBackend, open_backend
from chainkg.graph.store import GraphStore
from chainkg.queries.chainengine import ChainEngine, attach, engine_for
from chainkg.queries.resources import MAX_LIMIT
from chainkg.settings import Settings

log = logging.getLogger("chainkg.api")

API_KEY_HEADER = "X-API-Key"
_key_header = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="The write key (CHAINKG_API_KEY) for uploads; the read key (CHAINKG_READ_KEY) for reads if one is set",
)


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def ensure_schema(state: Any) -> None:
    """Create the schema once the store answers (``state`` is ``app.state``).

    Called at start and before each request until it succeeds, so a server started while
    Neo4j was down heals by itself once Neo4j is back. Raises ``StoreUnavailableError``
    while the store is down.
    """
    if state.schema_ok:
        return
    try:
        state.store.ensure_schema()
    except StoreUnavailableError:
        raise
    except ChainkgError as exc:  # e.g. a read-only Neo4j user: serve reads anyway
        log.warning("could not create the schema (serving reads anyway): %s", exc)
    state.schema_ok = True


def get_store(request: Request) -> GraphStore:
    """The store the app opened at start, checked by the guard, its schema made sure of once."""
    guard = request.app.state.guard
    if guard is not None:
        guard.check()
    ensure_schema(request.app.state)
    store: GraphStore = request.app.state.store
    if getattr(store, "read_only", False):
        store.data_version()  # a read-only worker reopens here when another process has written
    return store


WRITER_WAIT_S = 30.0
"""How long an upload to a read-only worker waits for the store's one writer lock (another
worker's upload, a ``chainkg ingest``) before it is answered 503."""


def get_write_store(request: Request) -> Iterator[GraphStore]:
    """The store an upload writes to: the app's own, or in a read-only worker the one writer.

    A worker of ``chainkg serve --workers N`` on the embedded store opens it read-only; LadybugDB
    lets one process write at a time (a file lock) while others read. So an upload opens the
    store for writing for its own duration, waiting up to :data:`WRITER_WAIT_S` for another
    writer to finish, and closes it after: the write changes the data stamp and every worker
    reopens its read-only database at its next request. The link graphs the upload warms are
    kept on disk for the new stamp, so the workers load them instead of fetching them again.
    """
    store = get_store(request)
    if not getattr(store, "read_only", False):
        yield store
        return
    from chainkg.graph.store.ladybug_store import LadybugStore

    deadline = time.monotonic() + WRITER_WAIT_S
    while True:
        try:
            writer = LadybugStore(getattr(store, "path"))  # noqa: B009 - read_only is set on LadybugStore only
            break
        except StoreUnavailableError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    try:
        attach(ChainEngine.from_settings(writer, request.app.state.settings))
        yield writer
    finally:
        writer.close()


def get_analytics(request: Request, store: Annotated[GraphStore, Depends(get_store)]) -> AnalyticsBackend:
    """The analytics backend of ``CHAINKG_ANALYTICS``, opened on the app's store once and kept.

    Opened at the first request that needs it, not at start: ``auto`` asks Neo4j whether GDS
    is installed, and Neo4j may be down at start. A GDS backend that cannot work here (the
    store is not Neo4j, or Neo4j has no GDS) is a setting to change, not an outage: it is
    answered 503 with the reason as an HTTP error, so the store guard does not take the
    whole API down for it. A real outage still raises ``StoreUnavailableError`` (guard, 503).
    """
    state = request.app.state
    backend: AnalyticsBackend | None = getattr(state, "analytics", None)
    if backend is not None:
        return backend
    from chainkg.graph.analytics.gds_backend import GdsBackend, gds_version

    kind = state.settings.analytics
    try:
        backend = open_backend(store, kind)
    except StoreUnavailableError as exc:
        if store.backend == "neo4j":  # "auto" asked Neo4j and it did not answer: an outage
            raise
        raise HTTPException(503, str(exc)) from None
    if isinstance(backend, GdsBackend) and gds_version(store) is None:
        try:
            backend.require()  # raises with the plain message saying how to install GDS
        except StoreUnavailableError as exc:
            raise HTTPException(503, str(exc)) from None
    # Two first requests at once may both open one; backends hold no state, so either will do.
    state.analytics = backend
    return backend


async def get_engine(request: Request, store: Annotated[GraphStore, Depends(get_store)]) -> ChainEngine:
    """The app's chain engine (built at start from the store and the settings; attached to the store)."""
    engine: ChainEngine | None = getattr(request.app.state, "engine", None)
    if engine is None:  # an app whose lifespan did not run: the store's own engine
        engine = engine_for(store)
    return engine


async def get_cache(request: Request) -> ResultCache:
    """The app's cache of analytics answers (emptied by every write through the API)."""
    cache: ResultCache = request.app.state.cache
    return cache


async def _given_key(request: Request, header: Annotated[str | None, Depends(_key_header)]) -> str | None:
    """The key the request sends: the X-API-Key header, else an 'Authorization: Bearer' token."""
    if header:
        return header
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return None


def _matches(given: str | None, expected: str) -> bool:
    # compare_digest on bytes: constant time for equal lengths, and no str/ASCII restriction.
    return given is not None and secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": "Bearer"})


GivenKey = Annotated[str | None, Depends(_given_key)]


async def require_read(settings: Annotated[Settings, Depends(get_settings)], given: GivenKey) -> None:
    """Let a read through when no read key is set, or when the read (or write) key is given."""
    if settings.read_key is None:
        return
    ok = _matches(given, settings.read_key.get_secret_value())
    if settings.api_key is not None:
        ok = _matches(given, settings.api_key.get_secret_value()) or ok
    if not ok:
        raise _unauthorized(
            f"This server needs a read key: send it in the {API_KEY_HEADER} header "
            "(or as 'Authorization: Bearer <key>'). Ask the server's operator for it."
        )


async def require_write(settings: Annotated[Settings, Depends(get_settings)], given: GivenKey) -> None:
    """Let a write through only with the write key; refuse all writes when none is set."""
    if settings.api_key is None:
        raise HTTPException(
            403,
            "Writes over HTTP are switched off on this server: its operator must set CHAINKG_API_KEY "
            "to allow uploads. Until then, load files with 'chainkg ingest' on the server.",
        )
    if not _matches(given, settings.api_key.get_secret_value()):
        raise _unauthorized(
            f"Uploads need the write key: send it in the {API_KEY_HEADER} header (or as 'Authorization: Bearer <key>')."
        )


# -- paging -----------------------------------------------------------------------------------


def encode_cursor(after: str) -> str:
    """An opaque cursor for the key ``after`` (URL-safe base64, so any key survives a URL)."""
    return base64.urlsafe_b64encode(after.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The key a cursor stands for; a cursor that was not made here is invalid input."""
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInputError(
            "This cursor is not valid: pass back the 'next_cursor' of the previous page unchanged.",
            field="cursor",
        ) from None


@dataclass(frozen=True)
class Paging:
    """Page size and the key after which the page starts."""

    limit: int
    after: str | None


async def paging(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page, at most {MAX_LIMIT} / 每页条数", examples=[20])
    ] = 50,
    cursor: Annotated[
        str | None, Query(max_length=1000, description="'next_cursor' of the previous page / 下一页游标")
    ] = None,
) -> Paging:
    """Parse ``limit`` and ``cursor``."""
    return Paging(limit, decode_cursor(cursor) if cursor else None)


# -- output format ----------------------------------------------------------------------------

OutputFormat = Literal["json", "csv"]


async def output_format(
    request: Request,
    format: Annotated[
        OutputFormat | None,
        Query(description="json (default) or csv; 'Accept: text/csv' works too / 输出格式"),
    ] = None,
) -> OutputFormat:
    """``csv`` when asked by ``?format=csv`` or an ``Accept`` header preferring text/csv."""
    if format is not None:
        return format
    accept = request.headers.get("accept", "")
    if "text/csv" in accept and "application/json" not in accept:
        # Asked by the Accept header: an answer with no table is then 406, not JSON in disguise.
        request.state.csv_by_accept = "*/*" not in accept and "application/*" not in accept
        return "csv"
    return "json"


StoreDep = Annotated[GraphStore, Depends(get_store)]
WriteStoreDep = Annotated[GraphStore, Depends(get_write_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CacheDep = Annotated[ResultCache, Depends(get_cache)]
EngineDep = Annotated[ChainEngine, Depends(get_engine)]
AnalyticsDep = Annotated[AnalyticsBackend, Depends(get_analytics)]
PagingDep = Annotated[Paging, Depends(paging)]
FormatDep = Annotated[OutputFormat, Depends(output_format)]
