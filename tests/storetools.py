"""Store helpers tests import by name (``from storetools import ...``).

A module of its own, because ``from conftest import`` is ambiguous once several test folders
have a conftest.py.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable
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


Seed = Callable[[GraphStore], object]
"""A function that writes a test graph into an empty store (``gaps_graph.build``, ``load_demo`` ...)."""


def fresh_store(backend: str, path: Path, seed: Seed | None = None) -> GraphStore:
    """A store with the schema on ``backend``, empty or holding ``seed``'s graph; the Neo4j leg
    skips without a server.

    The one store factory of the tests: fixtures build on it rather than opening stores.

    ``"ladybug"``: a new LadybugDB at ``path``, a copy of a database built once per process
    (empty with the schema, or seeded by ``seed``): creating the schema costs about 0.4 s of
    CPU and the demo about 4 s, so a copy per store keeps each test's store its own at a
    fraction of that. An existing database at ``path`` is opened as it is. ``"neo4j"``: the
    shared test server, emptied, then seeded (``path`` is not used).
    """
    if backend == "ladybug":
        if path.exists():  # a database a fixture keeps across modules: opened as it is
            if seed is not None:
                raise ValueError(f"{path} exists: a seeded store needs a new path")
        else:
            _copy_template(seed, path)
        store: GraphStore = LadybugStore(path)
        store.ensure_schema()
        return store
    if not NEO4J_URI:
        pytest.skip(NEO4J_SKIP)
    store = neo4j_store()
    if seed is not None:
        seed(store)
    return store


def _copy_template(seed: Seed | None, path: Path) -> None:
    """Copy the process's LadybugDB template for ``seed`` to ``path``, building it on first use."""
    global _template_root
    name = "empty" if seed is None else f"{seed.__module__}.{seed.__qualname__}"
    if _template_root is None:
        _template_root = Path(tempfile.mkdtemp(prefix="chainkg-test-templates-"))
        atexit.register(shutil.rmtree, _template_root, True)
    template = _template_root / name / "graph.lbug"
    if not template.exists():
        template.parent.mkdir()
        store = LadybugStore(template)
        try:
            store.ensure_schema()
            if seed is not None:
                seed(store)
        except BaseException:
            store.close()
            shutil.rmtree(template.parent)
            raise
        store.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Every file of the database (a write-ahead log too, if one was left), but not the .stamp
    # file: without it the copy gets a data stamp of its own, as a new store does.
    for f in template.parent.iterdir():
        if f.name != template.name + ".stamp":
            shutil.copyfile(f, path.with_name(path.name + f.name.removeprefix(template.name)))


_neo4j_schema_ready = False
_template_root: Path | None = None
