"""Writes without the key are refused and every cap holds, on a real server over each store.

The caps are read from the OpenAPI document itself: every integer parameter with a maximum
is sent at the maximum (answered, no 5xx) and one past it (422 naming the parameter), and
every text parameter with a maximum length one character past it. Uploads are refused
without the key, with a wrong key, and over the size cap, declared or not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from servertools import live_server
from storetools import BACKENDS, fresh_store

from chainkg.api.main import create_app
from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.settings import Settings

pytestmark = pytest.mark.slow

WRITE_KEY = "limits-write-key-0123456789"
DOC = create_app(Settings(_env_file=None, data_dir=Path("/nonexistent"))).openapi()  # type: ignore[call-arg]


def _capped() -> list[tuple[str, str, dict[str, Any], str]]:
    """(path, parameter, schema, is_int) for every capped query parameter of a GET operation."""
    out = []
    for path, ops in DOC["paths"].items():
        op = ops.get("get")
        if op is None or "{" in path:
            continue
        for p in op.get("parameters", []):
            schema = p.get("schema", {})
            options = schema.get("anyOf", [schema])
            for s in options:
                if s.get("type") == "integer" and "maximum" in s and s["maximum"] < 2**62:
                    out.append((path, p["name"], s, "int"))
                elif s.get("type") == "string" and "maxLength" in s:
                    out.append((path, p["name"], s, "text"))
                elif s.get("type") == "array" and "maxItems" in s:
                    out.append((path, p["name"], s, "list"))
    return out


CAPPED = _capped()


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, GraphStore]]:
    from chainkg.ingest.demo import load_demo

    tmp = tmp_path_factory.mktemp(f"limits-{request.param}")
    store = fresh_store(request.param, tmp / "g.lbug")
    try:
        load_demo(store)
        cfg = Settings(_env_file=None, data_dir=tmp / "data", api_key=WRITE_KEY, max_upload_mb=1)  # type: ignore[call-arg]
        with live_server(create_app(cfg, store=store, cache_ttl_s=0)) as url:
            yield url, store
    finally:
        store.close()


@pytest.fixture
def http(served: tuple[str, GraphStore]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served[0], timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def required(served: tuple[str, GraphStore]) -> dict[str, Any]:
    """A valid value, from the demo data, for each required parameter of the document."""
    from chainkg.api.examples import demo_params

    with httpx.Client(base_url=served[0], timeout=60) as c:
        k = demo_params(c)
    assert k["base"] and k["enterprise"] and k["alliance"] and k["pool"]
    return {
        "base": k["base"],
        "key": k["base"],
        "org": k["enterprise"],
        "alliance": k["alliance"],
        "pool": k["pool"],
        "segment": k["segment"] or "LED",
        "q": "深圳",
        "remove": [k["enterprise"]],
        "map": k["map"] or "led",
        "a": k["base"],
        "b": k["other_base"] or k["base"],
        "bases": f"{k['base']},{k['other_base'] or k['base']}",
    }


def _required_of(path: str) -> list[str]:
    op = DOC["paths"][path]["get"]
    return [p["name"] for p in op.get("parameters", []) if p.get("required") and p["in"] == "query"]


def test_every_capped_parameter_is_enforced(http: httpx.Client, required: dict[str, Any]) -> None:
    assert len(CAPPED) > 30  # the document caps many parameters; an empty list would test nothing
    for path, name, schema, kind in CAPPED:
        params = {k: required[k] for k in _required_of(path) if k != name}
        if kind == "int":
            over: Any = schema["maximum"] + 1
            at: Any = schema["maximum"]
        elif kind == "text":
            over, at = "长" * (schema["maxLength"] + 1), None
        else:
            over, at = [f"x{i}" for i in range(schema["maxItems"] + 1)], None
        r = http.get(path, params={**params, name: over})
        assert r.status_code == 422, (path, name, r.status_code, r.text[:300])
        assert r.json()["field"] == name, r.json()
        if at is not None:  # the largest answer allowed is still an answer
            ok = http.get(path, params={**params, name: at})
            assert ok.status_code < 500, (path, name, ok.status_code, ok.text[:300])


def _upload(http: httpx.Client, body: bytes, **headers: str) -> httpx.Response:
    return http.post("/ingest", files={"file": ("product.csv", body)}, headers=headers)


def test_writes_need_the_key(http: httpx.Client, served: tuple[str, GraphStore]) -> None:
    store = served[1]
    before = store.counts()
    body = "name\n不该写入的产品\n".encode()
    assert _upload(http, body).status_code == 401
    assert _upload(http, body, **{"X-API-Key": "wrong"}).status_code == 401
    assert _upload(http, body, Authorization="Bearer wrong").status_code == 401
    assert store.counts() == before
    ok = _upload(http, body, **{"X-API-Key": WRITE_KEY}, **{"Accept": "application/json"})
    assert ok.status_code == 200 and ok.json()["types"][0]["created"] == 1
    assert store.counts()["Product"] == before["Product"] + 1
    store.execute("MATCH (p:Product {key: '不该写入的产品'}) DETACH DELETE p")


def test_writes_are_off_without_a_configured_key(tmp_path: Path) -> None:
    store = LadybugStore(tmp_path / "g.lbug")
    store.ensure_schema()
    try:
        cfg = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
        with live_server(create_app(cfg, store=store)) as url, httpx.Client(base_url=url) as http:
            r = _upload(http, b"name\nx\n", **{"X-API-Key": "anything"})
            assert r.status_code == 403 and "CHAINKG_API_KEY" in r.json()["detail"]
        assert store.counts()["Product"] == 0
    finally:
        store.close()


def test_upload_size_cap_declared_or_streamed(http: httpx.Client) -> None:
    big = b"name\n" + b"x" * (1024 * 1024 + 200_000)
    r = _upload(http, big, **{"X-API-Key": WRITE_KEY})
    assert r.status_code == 413 and re.search(r"larger than this server accepts \(1 MB\)", r.json()["detail"])

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server must count as it reads
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="product.csv"\r\n\r\nname\n'
        for _ in range(40):
            yield b"y" * 65536
        yield b"\r\n--b--\r\n"

    r = http.post(
        "/ingest",
        content=chunks(),
        headers={"X-API-Key": WRITE_KEY, "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert r.status_code == 413
