"""The application itself: the lifespan opens and closes the configured store, routers load by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from apitools import make_settings
from fastapi.testclient import TestClient

from chainkg.api.main import create_app
from chainkg.graph.store.ladybug_store import LadybugStore


def test_lifespan_opens_and_closes_the_configured_store(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as c:
        assert c.get("/ready").json() == {"status": "ready", "store": "ladybug", "schema_present": True}
        assert c.get("/bases").json()["items"] == []
    # Closed at shutdown: another process (here, another handle) may open the file again.
    again = LadybugStore(settings.ladybug_path)
    try:
        assert again.schema_present()
    finally:
        again.close()


def test_every_router_module_is_listed() -> None:
    """Each module in chainkg/api/routers/ serves its router: none is left out of ROUTERS."""
    import importlib
    import pkgutil

    from chainkg.api import routers
    from chainkg.api.main import ROUTERS

    modules = [m.name for m in pkgutil.iter_modules(routers.__path__)]
    assert len(modules) >= 9
    unlisted = [m for m in modules if importlib.import_module(f"chainkg.api.routers.{m}").router not in ROUTERS]
    assert unlisted == []


def test_cors_only_for_the_origins_named(tmp_path: Path) -> None:
    preflight = {"Origin": "https://planner.example.org", "Access-Control-Request-Method": "GET"}
    with TestClient(create_app(make_settings(tmp_path))) as c:
        # None named (the default): no CORS headers, so a page elsewhere cannot read answers.
        assert "access-control-allow-origin" not in c.get("/bases", headers={"Origin": preflight["Origin"]}).headers
    settings = make_settings(tmp_path, cors_origins=["https://planner.example.org"])
    with TestClient(create_app(settings)) as c:
        ok = c.options("/bases", headers=preflight)
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://planner.example.org"
        got = c.get("/bases", headers={"Origin": "https://planner.example.org"})
        assert got.headers["access-control-allow-origin"] == "https://planner.example.org"
        other = c.get("/bases", headers={"Origin": "https://elsewhere.example.com"})
        assert "access-control-allow-origin" not in other.headers


def test_cors_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from chainkg.settings import Settings

    monkeypatch.setenv("CHAINKG_CORS_ORIGINS", '["https://a.example", "https://b.example"]')
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]
