"""Error answers: 503 when the store is down (quickly), 413 over the size cap, 500 without a traceback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from apitools import WRITE_KEY, client_for, make_settings
from fastapi import APIRouter
from fastapi.testclient import TestClient
from servertools import free_port

from chainkg.api.main import create_app
from chainkg.api.routers import health
from chainkg.graph.store import GraphStore
from chainkg.graph.store.neo4j_store import Neo4jStore


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (a hung Neo4j)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    conns: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conns.append(srv.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        yield int(srv.getsockname()[1])
    finally:
        stop.set()
        t.join()
        for c in conns:
            c.close()
        srv.close()


@pytest.mark.parametrize("kind", ["refused", "hung"])
def test_store_down_is_503_within_two_seconds(tmp_path: Path, kind: str, request: pytest.FixtureRequest) -> None:
    port = free_port() if kind == "refused" else request.getfixturevalue("silent_port")
    down = Neo4jStore(f"bolt://127.0.0.1:{port}", "neo4j", "secret-password")
    settings = make_settings(tmp_path, store="neo4j")
    try:
        # The app starts although the store is down: /health answers, the rest says 503.
        with client_for(down, settings) as c:
            assert c.get("/health").status_code == 200
            for url in ("/ready", "/bases", "/bases/sz-led", "/enterprises/search?q=比亚迪"):
                t0 = time.monotonic()
                r = c.get(url)
                took = time.monotonic() - t0
                assert r.status_code == 503, (url, r.text)
                body = r.json()
                assert body["code"] == "store_unavailable"
                assert "Neo4j" in body["detail"] and "Traceback" not in r.text
                assert took < 2.0, f"{url} took {took:.2f} s"
    finally:
        down.close()


def test_upload_over_the_cap_is_413(store: GraphStore, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_key=WRITE_KEY, max_upload_mb=1)
    big = b"key,name\n" + b"x" * (2 * 1024 * 1024)
    with client_for(store, settings) as c:
        r = c.post("/ingest", files={"file": ("big.csv", big)}, headers={"X-API-Key": WRITE_KEY})
        assert r.status_code == 413
        assert r.json()["code"] == "too_large" and "1 MB" in r.json()["detail"]

        # Without a Content-Length (chunked), the body is counted as it arrives.
        def chunks() -> Iterator[bytes]:
            for _ in range(40):
                yield b"y" * 65536

        r = c.post(
            "/ingest",
            content=chunks(),
            headers={"X-API-Key": WRITE_KEY, "Content-Type": "multipart/form-data; boundary=zzz"},
        )
        assert r.status_code == 413, r.text
        assert r.json()["code"] == "too_large"


def test_unexpected_error_is_500_without_traceback(store: GraphStore, tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path), store=store, routers=[health.router])
    boom = APIRouter()

    @boom.get("/boom")
    def _boom() -> None:
        raise RuntimeError("secret internal detail")

    app.include_router(boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert r.json()["code"] == "internal_error"
    assert "secret internal detail" not in r.text and "Traceback" not in r.text


def test_unknown_path_and_method(store: GraphStore, tmp_path: Path) -> None:
    with client_for(store, make_settings(tmp_path)) as c:
        r = c.get("/no/such/thing")
        assert r.status_code == 404 and r.json()["code"] == "not_found"
        r = c.delete("/bases")
        assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"
