"""Shared fixtures: a store parametrized over both backends, the public data set's folder."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
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


_neo4j_schema_ready = False


@pytest.fixture(params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store with the schema, once per backend. The Neo4j leg needs a server."""
    if request.param == "ladybug":
        s: GraphStore = LadybugStore(tmp_path / f"g-{uuid.uuid4().hex}.lbug")
        s.ensure_schema()
    else:
        if not NEO4J_URI:
            pytest.skip(NEO4J_SKIP)
        s = neo4j_store()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def shared_data() -> Path:
    """The public ChainKnowledgeGraph folder; skips with a reason where ../shared is absent."""
    if not (SHARED_DATA / "company.json").exists():
        pytest.skip(f"public data set not found at {SHARED_DATA} (../shared is absent)")
    return SHARED_DATA
