"""Fixtures of the view tests: the small hand-built graph, once per module and backend.

The views only read, so one loaded store serves a whole test module (building a fresh
LadybugDB with the schema costs about 1.5 s, which per test would dominate the suite).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from minigraph import load_mini
from storetools import BACKENDS, fresh_store

from chainkg.graph.store import GraphStore


@pytest.fixture(scope="module", params=BACKENDS)
def mini(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """A store of each backend holding :func:`minigraph.load_mini`'s graph (read-only use)."""
    s = fresh_store(request.param, tmp_path_factory.mktemp("mini") / f"g-{uuid.uuid4().hex}.lbug", load_mini)
    try:
        yield s
    finally:
        s.close()
