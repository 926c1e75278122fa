"""Store helpers tests import by name (``from storetools import ...``).

A module of its own, because ``from conftest import`` is ambiguous once several test folders
have a conftest.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data" / "chainkg"
TEST_DATA = Path(__file__).resolve().parent / "data"

NEO4J_URI = os.environ.get("CHAINKG_TEST_NEO4J_URI")
NEO4J_USER = os.environ.get("CHAINKG_TEST_NEO4J_USER", "neo4j")
NEO4J_PASSWORD = os.environ.get("CHAINKG_TEST_NEO4J_PASSWORD", "")
BACKENDS = ["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)]
"""The one backend parameter of store tests: ``@pytest.fixture(params=BACKENDS)``; the Neo4j
leg carries the ``neo4j`` marker and skips without a server (see :func:`fresh_store`)."""

NEO4J_SKIP = "Neo4j leg skipped: CHAINKG_TEST_NEO4J_URI is not set (scripts/test.sh and .ci/run set it)"


def neo4j_store() -> GraphStore:
    """A Neo4jStore on the test server, emptied, with the schema in place."""
    from chainkg.graph.store.neo4j_store import Neo4jStore

    global _neo4j_schema_ready
    assert NEO4J_URI
    store = Neo4jStore(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD)
    if not _neo4j_schema_ready:
        store.ensure_schema()  # idempotent, but index waits are slow: once per session
        _neo4j_schema_ready = True
    store.clear()
    return store


def fresh_store(backend: str, path: Path) -> GraphStore:
    """An empty store with the schema on ``backend``; the Neo4j leg skips without a server.

    The one store factory of the tests: fixtures build on it rather than opening stores.

    ``"ladybug"``: a new LadybugDB at ``path``. ``"neo4j"``: the shared test server, emptied
    (``path`` is not used).
    """
    if backend == "ladybug":
        store: GraphStore = LadybugStore(path)
        store.ensure_schema()
        return store
    if not NEO4J_URI:
        pytest.skip(NEO4J_SKIP)
    return neo4j_store()


_neo4j_schema_ready = False
