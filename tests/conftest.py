"""Shared fixtures: a store parametrized over both backends, the public data set's folder."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from storetools import BACKENDS, SHARED_DATA, Seed, fresh_store

from chainkg.graph.store import GraphStore

if os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest-xdist gives its workers COLUMNS=80 and LINES=24; rich's console (imported later,
    # by the CLI) would then wrap every table at 80 columns, unlike a plain pytest run.
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store with the schema, once per backend. The Neo4j leg needs a server."""
    s = fresh_store(request.param, tmp_path / f"g-{uuid.uuid4().hex}.lbug")
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


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CHAINKG_DATA_DIR holding the demo in LadybugDB, loaded once per session (for CLI runs)."""
    from chainkg.ingest.demo import load_demo

    folder = tmp_path_factory.mktemp("demo-data")
    fresh_store("ladybug", folder / "graph.lbug", load_demo).close()
    return folder


@pytest.fixture(params=BACKENDS)
def seeded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[Seed], GraphStore]]:
    """``seeded(build)``: a store of each backend holding ``build``'s graph, the test's own.

    The one fixture for the hand-built test graphs (gaps_graph, segments_graph, minigraph,
    apitools.seed_small): on LadybugDB each is built once per process and copied per test.
    """
    opened: list[GraphStore] = []

    def make(seed: Seed) -> GraphStore:
        opened.append(fresh_store(request.param, tmp_path / f"g-{uuid.uuid4().hex}.lbug", seed))
        return opened[-1]

    try:
        yield make
    finally:
        for s in opened:
            s.close()


@pytest.fixture(params=BACKENDS)
def demo_graph(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """A store holding the bundled demo, once per backend and test (free to write to)."""
    from chainkg.ingest.demo import load_demo

    s = fresh_store(request.param, tmp_path / f"g-{uuid.uuid4().hex}.lbug", load_demo)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language (zh): a CLI run with --lang en sets it for the process."""
    from chainkg.i18n import use_locale

    with use_locale(None):
        yield


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``-n``) the Neo4j leg is skipped: every worker would empty the one server."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    skip = pytest.mark.skip(reason="Neo4j leg skipped under pytest -n: the workers would share one server")
    for item in items:
        if item.get_closest_marker("neo4j"):
            item.add_marker(skip)
