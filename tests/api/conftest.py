"""Fixtures for API tests: the real app over the real store of each backend."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from apitools import client_for, make_settings, seed_small
from fastapi.testclient import TestClient
from storetools import BACKENDS, fresh_store

from chainkg.graph.store import GraphStore

warnings.filterwarnings("ignore", message=".*httpx2.*")


@pytest.fixture(scope="module", params=BACKENDS)
def small_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The small seed, loaded once per test module and backend (read-only tests only)."""
    s = fresh_store(request.param, tmp_path_factory.mktemp("small") / "g.lbug", seed_small)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def small(small_store: GraphStore, tmp_path: Path) -> Iterator[TestClient]:
    """A client over the small seed, on each backend."""
    with client_for(small_store, make_settings(tmp_path)) as c:
        yield c


@pytest.fixture(scope="module", params=BACKENDS)
def demo_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """A store with the bundled demo data, loaded once per test module and backend.

    A test that writes to it (the docs test uploads a file) must be its module's only user.
    """
    from chainkg.ingest.demo import load_demo

    s = fresh_store(request.param, tmp_path_factory.mktemp("demo") / "g.lbug", load_demo)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module")
def demo_keys(demo_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Keys of the demo to call the endpoints with (base, enterprise, alliance, pool, segment)."""
    from chainkg.api.examples import demo_params

    with client_for(demo_store, make_settings(tmp_path_factory.mktemp("keys"))) as c:
        return demo_params(c)


@pytest.fixture
def demo(demo_store: GraphStore, tmp_path: Path) -> Iterator[TestClient]:
    """A client over the demo data, on each backend."""
    with client_for(demo_store, make_settings(tmp_path)) as c:
        yield c
