"""The CLI tests' one store fixture: a module's hand-built graph, on each backend, behind the CLI's settings.

A test module that takes the ``cli`` fixture names its graph builder ``SEED`` (a function that
writes the graph into an empty store, e.g. ``from gaps_graph import build as SEED``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from storetools import BACKENDS, NEO4J_PASSWORD, NEO4J_URI, NEO4J_USER, fresh_store

import chainkg.cli.common as common
from chainkg.graph.store import GraphStore


@pytest.fixture(scope="module", params=BACKENDS)
def cli_graph(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The module's ``SEED`` graph, built once per module and backend; yields the CLI's environment.

    Once per module, because the commands under test only read (a fresh LadybugDB per test
    cost most of these tests' time). The Neo4j leg skips without a server.
    """
    seed: Callable[[GraphStore], None] = request.module.SEED
    folder = tmp_path_factory.mktemp("cli")
    fresh_store(request.param, folder / "graph.lbug", seed).close()
    if request.param == "ladybug":
        yield {"CHAINKG_STORE": "ladybug", "CHAINKG_DATA_DIR": str(folder)}
        return
    assert NEO4J_URI  # fresh_store skipped otherwise
    yield {
        "CHAINKG_STORE": "neo4j",
        "CHAINKG_NEO4J_URI": NEO4J_URI,
        "CHAINKG_NEO4J_USER": NEO4J_USER,
        "CHAINKG_NEO4J_PASSWORD": NEO4J_PASSWORD,
        "CHAINKG_DATA_DIR": str(folder),
    }


@pytest.fixture
def cli(cli_graph: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's settings point at the module's graph (read afresh from the environment)."""
    monkeypatch.setattr(common, "_SETTINGS", None)
    monkeypatch.setenv("COLUMNS", "300")  # wide tables: no wrapped cells
    for name, value in cli_graph.items():
        monkeypatch.setenv(name, value)
