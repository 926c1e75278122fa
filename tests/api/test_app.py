"""The application itself: the lifespan opens and closes the configured store, routers load by name."""

from __future__ import annotations

import sys
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


def test_optional_routers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path)
    app = create_app(settings, optional_routers=["chainkg.api.no_such_module"])
    assert app.state.routers  # an absent optional module is skipped
    bad = tmp_path / "pkg_with_broken_import.py"
    bad.write_text("import no_such_dependency_xyz\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError):
        create_app(settings, optional_routers=["pkg_with_broken_import"])  # a broken one is not hidden
    sys.modules.pop("pkg_with_broken_import", None)


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
