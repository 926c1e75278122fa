"""Neo4j killed while the API serves: 503 within 2 s, then 200 again once Neo4j is back.

The test runs a Neo4j of its own (tools/neo4j-server, a fixed port and data folder; the
shared test server is never touched), serves the real app with uvicorn on loopback, kills
Neo4j with SIGKILL, and checks every kind of endpoint answers 503 with a plain message
within 2 s, while /health stays up. Then Neo4j starts again on the same port and data, and
the same server process, never restarted, answers 200 with the data written before the kill.
"""

from __future__ import annotations

import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from faulttools import PrivateNeo4j, live_api

from chainkg.api.main import create_app
from chainkg.graph.store.neo4j_store import Neo4jStore
from chainkg.settings import Settings

pytestmark = [pytest.mark.fault, pytest.mark.slow]

READS = (
    "/ready",
    "/bases",
    "/bases/b-fault",
    "/enterprises/search?q=企业",
    "/resources",
    "/analytics/gaps?base=b-fault",
    "/analytics/chain?base=b-fault",
)


def seed(uri: str) -> None:
    store = Neo4jStore(uri, "neo4j", PrivateNeo4j.PASSWORD, timeout_s=10)
    try:
        store.ensure_schema()
        store.merge_nodes("Base", [{"key": "b-fault", "name": "故障基地", "city": "深圳市"}])
        store.merge_nodes("Enterprise", [{"key": f"E{i}", "name": f"企业{i}"} for i in range(5)])
        store.merge_nodes("Product", [{"key": f"P{i}", "name": f"P{i}"} for i in range(5)])
        store.merge_rels("LOCATED_IN", "Enterprise", "Base", [{"src": f"E{i}", "dst": "b-fault"} for i in range(5)])
        store.merge_rels("MAKES", "Enterprise", "Product", [{"src": f"E{i}", "dst": f"P{i}"} for i in range(5)])
        store.merge_rels("INPUT_TO", "Product", "Product", [{"src": f"P{i}", "dst": f"P{i + 1}"} for i in range(4)])
    finally:
        store.close()


def timed_get(client: httpx.Client, path: str) -> tuple[httpx.Response, float]:
    t0 = time.monotonic()
    r = client.get(path)
    return r, time.monotonic() - t0


def test_neo4j_killed_and_back(tmp_path: Path) -> None:
    neo = PrivateNeo4j(tmp_path / "neo4j")
    try:
        neo.start()
        seed(neo.uri)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            store="neo4j",
            neo4j_uri=neo.uri,
            neo4j_user="neo4j",
            neo4j_password=PrivateNeo4j.PASSWORD,
            data_dir=tmp_path / "data",
        )
        # The app opens its own store, as 'chainkg serve' does; no answer cache, so every call reaches Neo4j.
        with live_api(create_app(settings, cache_ttl_s=0)) as url, httpx.Client(base_url=url, timeout=30) as http:
            for path in READS:
                assert http.get(path).status_code == 200, path
            before = http.get("/enterprises").json()["items"]
            assert len(before) == 5

            neo.kill(signal.SIGKILL)
            for path in READS:
                r, took = timed_get(http, path)
                assert r.status_code == 503, (path, r.status_code, r.text)
                assert took < 2.0, f"{path} took {took:.2f} s to answer 503"
                body = r.json()
                assert body["code"] == "store_unavailable"
                assert "Neo4j" in body["detail"] or "graph store" in body["detail"], body
                assert r.headers.get("retry-after")
            assert http.get("/health").status_code == 200  # the process itself is fine

            # Many callers at once while it is down: none waits longer than 2 s.
            with ThreadPoolExecutor(8) as pool:
                answers = list(pool.map(lambda p: timed_get(http, p), [READS[i % len(READS)] for i in range(32)]))
            assert {r.status_code for r, _ in answers} == {503}
            assert max(t for _, t in answers) < 2.0

            took_start = neo.start()  # the same port and data folder
            deadline = time.monotonic() + 60
            while (r := http.get("/ready")).status_code != 200:
                assert time.monotonic() < deadline, f"no recovery 60 s after Neo4j was back: {r.text}"
                time.sleep(0.5)
            recovered = time.monotonic() - (deadline - 60)
            for path in READS:
                assert http.get(path).status_code == 200, path
            assert http.get("/enterprises").json()["items"] == before  # what was written before the kill
            print(f"Neo4j restart {took_start:.1f} s; API ready again {recovered:.1f} s after that")
    finally:
        neo.kill(signal.SIGTERM)
