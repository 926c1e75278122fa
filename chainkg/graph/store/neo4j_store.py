"""The production store: Neo4j 5.26 LTS through the official ``neo4j`` driver.

Every call runs in a managed transaction (the driver retries transient failures); one
batch is one transaction. Connection problems surface as ``StoreUnavailableError`` quickly,
so the API can answer 503 and recover by itself once Neo4j is back.

:meth:`Neo4jStore.data_version` is the bookmark of the database's last committed
transaction, so answers computed from the data can be kept while no client, in this process
or any other, has written since.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired
from neo4j.graph import Node, Path, Relationship

from chainkg.errors import ChainkgError, StoreUnavailableError
from chainkg.graph.model import MODEL, NodeType, RelType
from chainkg.graph.schema import neo4j_constraint_name, neo4j_schema
from chainkg.graph.store.base import GraphStore, Row


def _plain(value: Any) -> Any:
    """Turn driver graph values into plain dicts and lists."""
    if isinstance(value, Node):
        out = dict(value.items())
        out["_label"] = next(iter(value.labels), None)
        return out
    if isinstance(value, Relationship):
        out = dict(value.items())
        out["_type"] = value.type
        return out
    if isinstance(value, Path):
        return [_plain(n) for n in value.nodes]
    if isinstance(value, list):
        if not value or not isinstance(value[0], Node | Relationship | Path | list):
            return value
        return [_plain(v) for v in value]
    return value


class Neo4jStore(GraphStore):
    """A Neo4j database reached over Bolt."""

    backend: ClassVar[str] = "neo4j"
    creates_check_ends: ClassVar[bool] = True

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        *,
        database: str = "neo4j",
        batch_size: int = 5000,
        timeout_s: float = 2.0,
        retry_s: float = 0.5,
        sole_writer: bool = False,
    ) -> None:
        self.uri = uri
        self.sole_writer = sole_writer
        self.database = database
        self.batch_size = batch_size
        try:
            self._driver = GraphDatabase.driver(
                uri,
                auth=(user, password) if password else None,
                connection_timeout=timeout_s,
                connection_acquisition_timeout=timeout_s,
                # Short: a stopped server must surface as 503 within 2 s, not after 30 s of retries.
                max_transaction_retry_time=retry_s,
                liveness_check_timeout=0,
                # Queries over labels a data set lacks (LEADS_IN in the public data) are expected;
                # the server's "does not exist" notifications would only fill the logs.
                notifications_min_severity="OFF",
            )
        except ValueError as exc:
            raise StoreUnavailableError(f"Neo4j address {uri!r} is not valid: {exc}") from exc

    def execute(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run Cypher in a managed read-write transaction and return plain rows."""
        return self._tx(cypher, params or {}, write=True)

    def read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run Cypher in a managed read transaction."""
        return self._tx(cypher, params or {}, write=False)

    def _tx(self, cypher: str, params: Mapping[str, Any], *, write: bool) -> list[Row]:
        def work(tx: neo4j.ManagedTransaction) -> list[Row]:
            result = tx.run(cypher, dict(params))
            return [{k: _plain(v) for k, v in rec.items()} for rec in result]

        with self._errors(), self._driver.session(database=self.database) as session:
            if write:
                with self.changes.raw(cypher):  # a write not made by a merge: its keys are not known
                    return session.execute_write(work)
            return session.execute_read(work)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn driver failures into chainkg's errors: unreachable or refused is ``StoreUnavailableError``."""
        try:
            yield
        except (ServiceUnavailable, SessionExpired, OSError) as exc:
            raise StoreUnavailableError(
                f"Neo4j at {self.uri} is not reachable ({type(exc).__name__}). "
                "Check that it is running and that CHAINKG_NEO4J_URI points at it."
            ) from exc
        except AuthError as exc:
            raise StoreUnavailableError(
                f"Neo4j at {self.uri} refused the credentials; check CHAINKG_NEO4J_USER and CHAINKG_NEO4J_PASSWORD."
            ) from exc
        except Neo4jError as exc:
            raise ChainkgError(f"Neo4j query failed: {exc.message or exc}") from exc

    def data_version(self) -> frozenset[str]:
        """The bookmark of the database's last committed transaction, as a hashable value.

        A read transaction in a fresh session ends with a bookmark naming the last transaction
        committed to the database when it ran, whoever committed it (this process, another API
        process, ``cypher-shell``, a loader), schema changes included; read-only queries leave
        it as it is. So two equal values mean no write was committed in between. It costs one
        round trip (about 1-2 ms on a local server). On a cluster, reads routed to different
        members may give different bookmarks for the same data, so fewer answers are kept.
        """
        # Raise rather than return None (keep nothing): a store that is down must answer 503
        # here as everywhere else, not silently compute against a server that cannot answer.
        with self._errors(), self._driver.session(database=self.database, default_access_mode="READ") as session:
            session.execute_read(lambda tx: tx.run("RETURN 1").consume())
            return frozenset(session.last_bookmarks().raw_values)

    def version_name(self) -> str | None:
        """The bookmark, when the operator said chainkg is this database's only writer
        (``CHAINKG_NEO4J_SOLE_WRITER``): only then may records of chainkg's writes be chained
        from bookmark to bookmark (a bookmark says that something was committed, not by whom)."""
        return "|".join(sorted(self.data_version())) if self.sole_writer else None

    def run(self, query: Any, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a named query in a read transaction (routed to a reader in a cluster)."""
        return self.read(query.text_for(self.backend), params or {})

    # -- schema -----------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes that do not exist yet."""
        for stmt in neo4j_schema():
            self.execute(stmt)
        self.execute("CALL db.awaitIndexes(60)")

    def schema_present(self) -> bool:
        """True when every label's key constraint exists."""
        names = {r["name"] for r in self.read("SHOW CONSTRAINTS YIELD name RETURN name")}
        return all(neo4j_constraint_name(n.label) in names for n in MODEL.nodes)

    # -- writes -----------------------------------------------------------------------------
    def _create_nodes(self, node: NodeType, rows: Sequence[Row]) -> None:
        # Rows travel as lists, not maps: the driver packs them about twice as fast.
        # Properties in the CREATE map (one record write) rather than SET one by one. Null values
        # in the map set nothing, as SET to null would.
        names = [p.name for p in node.all_props]
        props = ", ".join(f"{n}: r[{i}]" for i, n in enumerate(names))
        self.execute(
            f"UNWIND $rows AS r CREATE (n:{node.label} {{{props}}})",
            {"rows": [[r[n] for n in names] for r in rows]},
        )

    def _update_nodes(self, node: NodeType, rows: Sequence[Row]) -> None:
        sets = ", ".join(f"n.{p.name} = coalesce(r.{p.name}, n.{p.name})" for p in node.all_props if p.name != "key")
        self.execute(f"UNWIND $rows AS r MERGE (n:{node.label} {{key: r.key}}) SET {sets}", {"rows": list(rows)})

    def _create_rels(self, rel: RelType, a: str, b: str, rows: Sequence[Row]) -> int:
        # The MATCHes drop rows whose ends are missing; the count tells the caller (see
        # ``creates_check_ends``), which saves two key lookups per row up front.
        names = [p.name for p in rel.all_props]
        props = ", ".join(f"{n}: r[{i + 2}]" for i, n in enumerate(names))
        result = self.execute(
            f"UNWIND $rows AS r MATCH (x:{a} {{key: r[0]}}) MATCH (y:{b} {{key: r[1]}}) "
            f"CREATE (x)-[e:{rel.type} {{{props}}}]->(y) RETURN count(e) AS created",
            {"rows": [[r["src"], r["dst"], *(r[n] for n in names)] for r in rows]},
        )
        return int(result[0]["created"]) if result else 0

    def stored_nodes(self, node: NodeType, keys: Sequence[str]) -> dict[str, Row]:
        """Stored properties by key; nothing to look up while the label is empty (count store, O(1))."""
        if not self.execute(f"MATCH (n:{node.label}) RETURN count(n) > 0 AS any")[0]["any"]:
            return {}
        return super().stored_nodes(node, keys)

    def stored_rels(self, rel: RelType, a: str, b: str, srcs: Sequence[str]) -> dict[tuple[str, str], Row]:
        """Stored relationships; nothing to look up while the type has none (count store, O(1))."""
        if not self.execute(f"MATCH ()-[r:{rel.type}]->() RETURN count(r) > 0 AS any")[0]["any"]:
            return {}
        return super().stored_rels(rel, a, b, srcs)

    def _update_rels(self, rel: RelType, a: str, b: str, rows: Sequence[Row]) -> None:
        sets = ", ".join(f"e.{p.name} = coalesce(r.{p.name}, e.{p.name})" for p in rel.all_props)
        self.execute(
            f"UNWIND $rows AS r MATCH (x:{a} {{key: r.src}}) MATCH (y:{b} {{key: r.dst}}) "
            f"MERGE (x)-[e:{rel.type}]->(y) SET {sets}",
            {"rows": list(rows)},
        )

    def clear(self) -> None:
        """Delete every relationship, then every node, in batches; constraints stay.

        Relationships go first, in batches of their own: detaching 20,000 nodes at once can
        mean millions of relationships in one transaction when some nodes are hubs (an
        industry of the 10x bench graph), more than Neo4j's transaction memory allows.
        """
        for stmt in (
            "MATCH ()-[r]->() WITH r LIMIT 50000 DELETE r RETURN count(*) AS c",
            "MATCH (n) WITH n LIMIT 50000 DETACH DELETE n RETURN count(*) AS c",
        ):
            while True:
                rows = self.execute(stmt)
                if not rows or rows[0]["c"] == 0:
                    break

    def close(self) -> None:
        """Close the driver and its connection pool."""
        self._driver.close()
