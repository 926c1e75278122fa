"""The answer cache keys on the store's data version: a write made outside the API is never served stale."""

from __future__ import annotations

from pathlib import Path

from apitools import client_for, make_settings

from chainkg.graph.store import GraphStore
from chainkg.ingest.demo import load_demo


def _other_client(store: GraphStore) -> GraphStore:
    """On Neo4j a second driver (as another process would write); the embedded store has one writer."""
    if store.backend != "neo4j":
        return store
    from storetools import NEO4J_PASSWORD, NEO4J_URI, NEO4J_USER

    from chainkg.graph.store.neo4j_store import Neo4jStore

    assert NEO4J_URI
    return Neo4jStore(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD)


def test_a_write_outside_the_api_is_seen_within_the_time_to_live(store: GraphStore, tmp_path: Path) -> None:
    load_demo(store)
    with client_for(store, make_settings(tmp_path), cache_ttl_s=600) as c:
        first = c.get("/analytics/gaps", params={"base": "sz-led", "depth": 2, "level": "product"})
        assert first.status_code == 200, first.text
        keys = [g["key"] for g in first.json()]
        assert keys, "the demo base has product gaps"
        again = c.get("/analytics/gaps", params={"base": "sz-led", "depth": 2, "level": "product"})
        assert again.json() == first.json()
        # A write not made through the API (on Neo4j it stands for another process or a loader;
        # the bookmark moves just the same): an enterprise of the base now makes the top gap.
        ent = store.execute(
            "MATCH (e:Enterprise)-[:LOCATED_IN]->(:Base {key: 'sz-led'}) RETURN e.key AS k ORDER BY k LIMIT 1"
        )[0]["k"]
        writer = _other_client(store)
        writer.execute(
            "MATCH (e:Enterprise {key: $e}), (p:Product {key: $p}) MERGE (e)-[:MAKES]->(p)",
            {"e": ent, "p": keys[0]},
        )
        if writer is not store:
            writer.close()
        after = c.get("/analytics/gaps", params={"base": "sz-led", "depth": 2, "level": "product"})
        assert after.status_code == 200
        assert keys[0] not in [g["key"] for g in after.json()]
