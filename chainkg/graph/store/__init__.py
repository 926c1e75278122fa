"""Graph stores: one interface, one module per backend."""

from __future__ import annotations

from chainkg.graph.store.base import GraphStore, WriteResult
from chainkg.settings import Settings

__all__ = ["GraphStore", "WriteResult", "open_store"]


def open_store(settings: Settings, *, read_only: bool = False) -> GraphStore:
    """Open the store the settings name (LadybugDB by default). The caller closes it."""
    if settings.store == "neo4j":
        from chainkg.graph.store.neo4j_store import Neo4jStore

        return Neo4jStore(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
            batch_size=settings.neo4j_batch_size,
            timeout_s=settings.neo4j_timeout_s,
            retry_s=settings.neo4j_retry_s,
            sole_writer=settings.neo4j_sole_writer,
        )
    from chainkg.graph.store.ladybug_store import LadybugStore

    return LadybugStore(settings.ladybug_path, read_only=read_only)
