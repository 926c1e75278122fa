"""Neo4j's data version sees writes made by other clients, so kept chains never outlive them."""

from __future__ import annotations

from collections.abc import Iterator

import neo4j
import pytest
from storetools import NEO4J_PASSWORD, NEO4J_SKIP, NEO4J_URI, NEO4J_USER, neo4j_store

from chainkg.errors import StoreUnavailableError
from chainkg.graph.store import GraphStore
from chainkg.queries.chainengine import engine_for

pytestmark = pytest.mark.neo4j


@pytest.fixture
def store() -> Iterator[GraphStore]:
    """The test server, emptied, with the schema."""
    if not NEO4J_URI:
        pytest.skip(NEO4J_SKIP)
    s = neo4j_store()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def other_client() -> Iterator[neo4j.Driver]:
    """A second, separate driver: another process's connection as far as the server can tell."""
    assert NEO4J_URI
    driver = neo4j.GraphDatabase.driver(NEO4J_URI, auth=(NEO4J_USER, NEO4J_PASSWORD) if NEO4J_PASSWORD else None)
    try:
        yield driver
    finally:
        driver.close()


def test_a_write_by_another_client_changes_the_version_and_its_reads_do_not(
    store: GraphStore, other_client: neo4j.Driver
) -> None:
    v0 = store.data_version()
    other_client.execute_query("MATCH (p:Product) RETURN count(p) AS c", database_="neo4j", routing_="r")
    assert store.data_version() == v0
    other_client.execute_query("CREATE (:Product {key: $k, name: $k})", {"k": "硅片"}, database_="neo4j")
    v1 = store.data_version()
    assert v1 != v0
    assert store.data_version() == v1  # stable while nobody writes


def test_a_kept_chain_is_recomputed_after_another_client_writes(store: GraphStore, other_client: neo4j.Driver) -> None:
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        n = store.count_nodes("Product")
        return f"{n} products, computation {len(calls)}"

    assert engine_for(store).cached("k", compute, len) == "0 products, computation 1"
    assert engine_for(store).cached("k", compute, len) == "0 products, computation 1"  # unchanged data: kept
    other_client.execute_query("CREATE (:Product {key: $k, name: $k})", {"k": "硅片"}, database_="neo4j")
    assert engine_for(store).cached("k", compute, len) == "1 products, computation 2"  # another client wrote
    assert engine_for(store).cached("k", compute, len) == "1 products, computation 2"
    assert len(calls) == 2


def test_a_value_computed_while_another_client_wrote_is_not_kept(store: GraphStore, other_client: neo4j.Driver) -> None:
    def compute_during_a_write() -> str:
        other_client.execute_query("CREATE (:Product {key: $k})", {"k": "硅片"}, database_="neo4j")
        return "seen mid-write"

    assert engine_for(store).cached("k", compute_during_a_write, len) == "seen mid-write"
    assert engine_for(store).chains.get("k", store.data_version()) is None


def test_an_unreachable_server_is_a_store_unavailable_error() -> None:
    from chainkg.graph.store.neo4j_store import Neo4jStore

    # Port 1 refuses at once: the version check fails the way every other call does (503).
    s = Neo4jStore("bolt://127.0.0.1:1", "neo4j", "x", timeout_s=0.5, retry_s=0.1)
    try:
        with pytest.raises(StoreUnavailableError):
            s.data_version()
    finally:
        s.close()
