"""Fixtures of the view tests: the small hand-built graph, once per module and backend.

The views only read, so one loaded store serves a whole test module (building a fresh
LadybugDB with the schema costs about 1.5 s, which per test would dominate the suite).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from minigraph import load_mini

from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore

NEO4J_URI = os.environ.get("CHAINKG_TEST_NEO4J_URI")


def _neo4j() -> GraphStore:
    """The shared Neo4j test server, emptied (as tests/conftest.py does for ``store``)."""
    from chainkg.graph.store.neo4j_store import Neo4jStore

    assert NEO4J_URI
    s = Neo4jStore(
        NEO4J_URI,
        os.environ.get("CHAINKG_TEST_NEO4J_USER", "neo4j"),
        os.environ.get("CHAINKG_TEST_NEO4J_PASSWORD", ""),
    )
    s.ensure_schema()
    s.clear()
    return s


@pytest.fixture(scope="module", params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def mini(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """A store of each backend holding :func:`minigraph.load_mini`'s graph (read-only use)."""
    if request.param == "ladybug":
        path: Path = tmp_path_factory.mktemp("mini") / f"g-{uuid.uuid4().hex}.lbug"
        s: GraphStore = LadybugStore(path)
        s.ensure_schema()
    else:
        if not NEO4J_URI:
            pytest.skip("Neo4j leg skipped: CHAINKG_TEST_NEO4J_URI is not set (scripts/test.sh and .ci/run set it)")
        s = _neo4j()
    load_mini(s)
    try:
        yield s
    finally:
        s.close()
