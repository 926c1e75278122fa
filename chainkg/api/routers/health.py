"""``/health`` (the process answers) and ``/ready`` (the store answers and has the schema)."""

from __future__ import annotations

from fastapi import APIRouter

from chainkg import __version__
from chainkg.api.deps import StoreDep
from chainkg.api.errors import ERROR_RESPONSES
from chainkg.api.models import Health, Ready
from chainkg.errors import StoreUnavailableError

router = APIRouter(tags=["Health / 运行状态"])


@router.get(
    "/health",
    response_model=Health,
    summary="The process is alive / 进程存活",
    operation_id="health",
    responses={200: {"content": {"application/json": {"example": {"status": "ok", "version": "0.1.0"}}}}},
)
def health() -> Health:
    """Always 200 while the process runs; it does not touch the store (use /ready for that)."""
    return Health(version=__version__)


@router.get(
    "/ready",
    response_model=Ready,
    summary="The store is reachable and holds the schema / 数据库就绪",
    operation_id="ready",
    responses={
        **ERROR_RESPONSES,
        200: {
            "content": {
                "application/json": {"example": {"status": "ready", "store": "ladybug", "schema_present": True}}
            }
        },
    },
)
def ready(store: StoreDep) -> Ready:
    """200 when the store answers a query and has every table or constraint of the model; 503 otherwise."""
    store.ping()
    if not store.schema_present():
        raise StoreUnavailableError(
            "The store answers but does not hold chainkg's schema yet. Run 'chainkg status' once "
            "(it creates the schema), or restart 'chainkg serve'."
        )
    return Ready(store=store.backend, schema_present=True)
