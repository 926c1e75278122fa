"""Neo4j goes away and comes back behind a loopback proxy: 503 within 2 s, then the API heals itself."""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from apitools import client_for, make_settings, seed_small

from chainkg.graph.store.neo4j_store import Neo4jStore

NEO4J_URI = os.environ.get("CHAINKG_TEST_NEO4J_URI")
NEO4J_USER = os.environ.get("CHAINKG_TEST_NEO4J_USER", "neo4j")
NEO4J_PASSWORD = os.environ.get("CHAINKG_TEST_NEO4J_PASSWORD", "")

pytestmark = [pytest.mark.neo4j, pytest.mark.fault]


class Proxy:
    """A TCP proxy on a fixed loopback port that can be switched off (connections cut) and on again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self._srv: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def up(self) -> None:
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.port))
        srv.listen(32)
        self._srv = srv
        self._stop.clear()
        threading.Thread(target=self._accept, args=(srv,), daemon=True).start()

    def down(self) -> None:
        self._stop.set()
        if self._srv is not None:
            self._srv.close()
            self._srv = None
        with self._lock:
            for c in self._conns:
                with contextlib.suppress(OSError):
                    c.shutdown(socket.SHUT_RDWR)
                c.close()
            self._conns.clear()

    def _accept(self, srv: socket.socket) -> None:
        srv.settimeout(0.1)
        while not self._stop.is_set():
            try:
                client, _ = srv.accept()
            except (TimeoutError, OSError):
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([a, b], [], [], 0.1)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except OSError:
            return
        finally:
            a.close()
            b.close()


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    if not NEO4J_URI:
        pytest.skip("Neo4j leg skipped: CHAINKG_TEST_NEO4J_URI is not set")
    u = urlparse(NEO4J_URI)
    p = Proxy((u.hostname or "127.0.0.1", u.port or 7687))
    p.up()
    try:
        yield p
    finally:
        p.down()


def test_outage_and_recovery(proxy: Proxy, tmp_path: Path) -> None:
    direct = Neo4jStore(NEO4J_URI or "", NEO4J_USER, NEO4J_PASSWORD)
    direct.ensure_schema()
    direct.clear()
    seed_small(direct)
    direct.close()
    via = Neo4jStore(f"bolt://127.0.0.1:{proxy.port}", NEO4J_USER, NEO4J_PASSWORD)
    try:
        with client_for(via, make_settings(tmp_path, store="neo4j")) as c:
            assert c.get("/ready").status_code == 200
            # The Neo4j test server is shared with other test files: only the status is ours to check.
            assert c.get("/bases").status_code == 200

            proxy.down()
            for url in ("/bases", "/ready", "/bases/sz-led", "/analytics/platform-coverage"):
                t0 = time.monotonic()
                r = c.get(url)
                assert r.status_code == 503, (url, r.text)
                assert time.monotonic() - t0 < 2.0
            assert c.get("/health").status_code == 200

            proxy.up()
            deadline = time.monotonic() + 15
            while c.get("/ready").status_code != 200:
                assert time.monotonic() < deadline, "the API did not recover within 15 s of Neo4j coming back"
                time.sleep(0.25)
            assert c.get("/bases").status_code == 200
    finally:
        via.close()
