"""The ``GraphStore`` interface and the write logic both backends share.

A store does four things: make sure the schema exists, write batches of nodes and
relationships (merged on natural keys), run named read queries with parameters, and hand a
bounded subgraph to networkx. Writes are diffed against what is stored so a re-run changes
nothing and a changed file updates only what changed.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from chainkg.errors import SchemaError
from chainkg.graph.model import MODEL, NodeType, RelType, check_pair, node_type, rel_type
from chainkg.graph.store.changes import ChangeRecorder
from chainkg.graph.store.named import NamedQuery

if TYPE_CHECKING:  # pyarrow (0.1 s to import) serves only the bulk writes: reads never load it
    import pyarrow as pa

Row = dict[str, Any]
T = TypeVar("T")
PROVENANCE_NAMES = frozenset({"source", "source_row", "loaded_at"})


@dataclass
class WriteResult:
    """What one merge call did. ``skipped`` lists relationship rows whose ends do not exist."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Row] = field(default_factory=list)

    def __iadd__(self, other: WriteResult) -> WriteResult:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped.extend(other.skipped)
        return self


def chunks(rows: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    """``rows`` in consecutive slices of at most ``size``."""
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _merge_duplicates(rows: Iterable[Mapping[str, Any]], ident: Sequence[str]) -> list[Row]:
    """Fold rows with the same identity into one; a later non-null value wins."""
    out: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        k = tuple(row[f] for f in ident)
        if k in out:
            # A new dict on collision only: the caller's rows are never mutated, and the
            # common case (no duplicates) copies nothing.
            out[k] = {**out[k], **{f: v for f, v in row.items() if v is not None}}
        else:
            out[k] = row  # type: ignore[assignment]
    return list(out.values())


def _changed(new: Mapping[str, Any], stored: Mapping[str, Any], names: Iterable[str]) -> bool:
    """True when a given (non-null) value differs from the stored one."""
    for n in names:
        v = new.get(n)
        if v is not None and v != stored.get(n):
            return True
    return False


def _defined(lookup: Callable[[str], T], name: str) -> T:
    """``lookup(name)`` from the model; a name the model does not define raises ``SchemaError``."""
    try:
        return lookup(name)
    except KeyError as exc:
        raise SchemaError(str(exc)) from None


class GraphStore(ABC):
    """A graph database holding the chainkg model.

    Subclasses implement the primitives (``execute``, ``_create_*``, ``_update_*``,
    ``ensure_schema``, ``schema_present``, ``close``); this class holds the merge logic.
    """

    backend: ClassVar[str]
    batch_size: int = 5000
    # True when ``_create_rels`` matches both ends itself and returns how many it created, so
    # the up-front end check can be skipped and only a short batch is checked afterwards.
    creates_check_ends: ClassVar[bool] = False

    # -- primitives -------------------------------------------------------------------------
    @abstractmethod
    def ensure_schema(self) -> None:
        """Create every table, constraint and index of the model; safe to call again."""

    @abstractmethod
    def schema_present(self) -> bool:
        """True when the whole schema of the model exists in the store."""

    @abstractmethod
    def execute(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run Cypher text built by chainkg (never from user text) and return plain rows."""

    @abstractmethod
    def _create_nodes(self, node: NodeType, rows: Sequence[Row]) -> None:
        """Insert nodes whose keys are known not to exist."""

    @abstractmethod
    def _update_nodes(self, node: NodeType, rows: Sequence[Row]) -> None:
        """Merge nodes on key, setting each given (non-null) property."""

    @abstractmethod
    def _create_rels(self, rel: RelType, a: str, b: str, rows: Sequence[Row]) -> int | None:
        """Insert relationships known not to exist; return how many were created when the
        backend matches the ends itself (``creates_check_ends``), else ``None``."""

    @abstractmethod
    def _update_rels(self, rel: RelType, a: str, b: str, rows: Sequence[Row]) -> None:
        """Merge relationships, setting each given (non-null) property."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship (schema stays). For tests and rebuilds."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection or the database files."""

    def data_version(self) -> Hashable | None:
        """An opaque value that changes whenever the stored data may have changed, or ``None``.

        Equal values mean unchanged data, so an answer computed from the data at one value may
        be kept while the store still gives that value (see :mod:`chainkg.queries.chainengine`);
        values are only compared for equality, never ordered. ``None`` (the default) means the
        store cannot tell, and nothing may be kept between requests. The embedded store, which
        only its own process can write, counts its writes; Neo4j gives the bookmark of the
        database's last committed transaction, which any client's write changes.
        """
        return None

    def version_name(self) -> str | None:
        """A name of the current data that holds across processes and is safe to chain change
        records by (:mod:`.changes`), or ``None`` (the default: no records are handed out)."""
        return None

    @property
    def changes(self) -> ChangeRecorder:
        """What this store's writes touched since its record was last taken (:mod:`.changes`)."""
        recorder = self.__dict__.get("_change_recorder")
        if recorder is None:  # made on first use: subclasses keep their own __init__
            recorder = self.__dict__.setdefault("_change_recorder", ChangeRecorder(self.version_name))
        return recorder

    def ping(self) -> None:
        """Raise ``StoreUnavailableError`` unless the store answers a trivial query."""
        self.execute("RETURN 1 AS one")

    # -- reads ------------------------------------------------------------------------------
    def run(self, query: NamedQuery, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a named query with parameters and return its rows as dicts."""
        return self.execute(query.text_for(self.backend), params or {})

    def count_nodes(self, label: str) -> int:
        """Number of nodes with ``label``."""
        n = node_type(label)
        return int(self.execute(f"MATCH (n:{n.label}) RETURN count(n) AS c")[0]["c"])

    def count_rels(self, type_: str) -> int:
        """Number of relationships of ``type_``."""
        r = rel_type(type_)
        return sum(
            int(self.execute(f"MATCH (:{a})-[r:{r.type}]->(:{b}) RETURN count(r) AS c")[0]["c"]) for a, b in r.pairs
        )

    def counts(self) -> dict[str, int]:
        """Node count per label and relationship count per type, the model's order."""
        out = {n.label: self.count_nodes(n.label) for n in MODEL.nodes}
        out.update({r.type: self.count_rels(r.type) for r in MODEL.rels})
        return out

    def existing_keys(self, label: str, keys: Iterable[str]) -> set[str]:
        """The subset of ``keys`` stored under ``label``."""
        n = node_type(label)
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for part in chunks(wanted, 10_000):
            rows = self.execute(f"MATCH (n:{n.label}) WHERE n.key IN $keys RETURN n.key AS key", {"keys": list(part)})
            found.update(r["key"] for r in rows)
        return found

    def stored_nodes(self, node: NodeType, keys: Sequence[str]) -> dict[str, Row]:
        """Stored properties of the nodes among ``keys``, by key."""
        cols = ", ".join(f"n.{p.name} AS {p.name}" for p in node.all_props)
        out: dict[str, Row] = {}
        for part in chunks(list(keys), 10_000):
            for row in self.execute(f"MATCH (n:{node.label}) WHERE n.key IN $keys RETURN {cols}", {"keys": list(part)}):
                out[row["key"]] = row
        return out

    def stored_rels(self, rel: RelType, a: str, b: str, srcs: Sequence[str]) -> dict[tuple[str, str], Row]:
        """Stored relationships of ``rel`` from ``a`` nodes among ``srcs`` to ``b`` nodes."""
        cols = "".join(f", r.{p.name} AS {p.name}" for p in rel.all_props)
        out: dict[tuple[str, str], Row] = {}
        for part in chunks(list(dict.fromkeys(srcs)), 10_000):
            for row in self.execute(
                f"MATCH (x:{a})-[r:{rel.type}]->(y:{b}) WHERE x.key IN $keys RETURN x.key AS src, y.key AS dst{cols}",
                {"keys": list(part)},
            ):
                out[(row["src"], row["dst"])] = row
        return out

    # -- load receipts ----------------------------------------------------------------------
    # A receipt says "this loader loaded exactly these files, and nothing was written since":
    # a loader that finds its receipt for the same files can skip re-reading them. Every merge
    # that creates or changes anything, and ``clear``, drops all receipts. Receipts live under a
    # label outside the model (never counted, exported or shown).
    RECEIPT_LABEL: ClassVar[str] = "ChainkgLoadReceipt"

    def _ensure_receipts(self) -> None:  # noqa: B027 (a hook: schemaless stores need nothing)
        """Make sure receipts can be stored (a table, for stores that need one)."""

    def load_receipt(self, name: str) -> str | None:
        """The receipt saved under ``name``, or ``None``."""
        self._ensure_receipts()
        rows = self.execute(f"MATCH (r:{self.RECEIPT_LABEL} {{key: $k}}) RETURN r.value AS v", {"k": name})
        return str(rows[0]["v"]) if rows and rows[0]["v"] is not None else None

    def save_receipt(self, name: str, value: str) -> None:
        """Save ``value`` as the receipt ``name`` (replacing one of that name)."""
        self._ensure_receipts()
        with self.changes.writing():  # receipts are outside the model: nothing kept depends on them
            self.execute(f"MERGE (r:{self.RECEIPT_LABEL} {{key: $k}}) SET r.value = $v", {"k": name, "v": value})

    def drop_receipts(self) -> None:
        """Forget every receipt: the stored data is no longer what they describe."""
        if self._derived_writes:
            return
        self._ensure_receipts()
        with self.changes.writing():
            self.execute(f"MATCH (r:{self.RECEIPT_LABEL}) DELETE r")

    _derived_writes: bool = False

    @contextmanager
    def derived_writes(self) -> Iterator[None]:
        """Writes of values derived from what is stored (product flags, canonical names), which a
        re-load of the same files would not change: they keep the load receipts."""
        before, self._derived_writes = self._derived_writes, True
        try:
            yield
        finally:
            self._derived_writes = before

    # -- writes -----------------------------------------------------------------------------
    def merge_nodes(self, label: str, rows: Iterable[Mapping[str, Any]]) -> WriteResult:
        """Merge nodes on ``key``: create new ones, update changed ones, leave the rest.

        Each row maps property names of the model to values; a missing or null value leaves
        the stored one as it is. Rows with the same key are folded, later values winning.
        """
        node = self._node(label)
        allowed = {p.name for p in node.all_props}
        rows = _merge_duplicates(rows, ("key",))
        for row in rows:
            if not allowed.issuperset(row):  # no set built per row on the common path
                raise SchemaError(f"{label} has no properties {sorted(set(row) - allowed)}")
            if not isinstance(row.get("key"), str) or not row["key"]:
                raise SchemaError(f"{label} row without a key: {row!r}")
        stored = self.stored_nodes(node, [r["key"] for r in rows])
        compare = [p.name for p in node.all_props if p.name not in PROVENANCE_NAMES]
        props = node.all_props  # a property that builds a tuple: once, not once per row
        new = [self._complete(props, r) for r in rows if r["key"] not in stored]
        changed = [
            self._complete(props, r) for r in rows if r["key"] in stored and _changed(r, stored[r["key"]], compare)
        ]
        with self.changes.writing(nodes={node.label: [r["key"] for r in (*new, *changed)]}):
            if new or changed:
                self.drop_receipts()
            for part in chunks(new, self.batch_size):
                self._create_nodes(node, part)
            for part in chunks(changed, self.batch_size):
                self._update_nodes(node, part)
        return WriteResult(len(new), len(changed), len(rows) - len(new) - len(changed))

    def merge_rels(self, type_: str, from_label: str, to_label: str, rows: Iterable[Mapping[str, Any]]) -> WriteResult:
        """Merge relationships identified by (``src``, ``dst``) keys within one type and pair.

        Rows whose ends are not stored are not written; they come back in ``skipped`` so the
        caller can report them.
        """
        rel = self._rel(type_)
        try:
            check_pair(rel, from_label, to_label)
        except KeyError as exc:
            raise SchemaError(str(exc)) from None
        allowed = {"src", "dst"} | {p.name for p in rel.all_props}
        rows = _merge_duplicates(rows, ("src", "dst"))
        for row in rows:
            if not allowed.issuperset(row):
                raise SchemaError(f"{type_} has no properties {sorted(set(row) - allowed)}")
        skipped: list[Row] = []
        if self.creates_check_ends:
            ok = rows
        else:
            ok, skipped = self._split_by_ends(from_label, to_label, rows)
        stored = self.stored_rels(rel, from_label, to_label, [r["src"] for r in ok])
        compare = [p.name for p in rel.props]
        props = rel.all_props
        new = [self._complete(props, r) for r in ok if (r["src"], r["dst"]) not in stored]
        changed = [
            self._complete(props, r)
            for r in ok
            if (r["src"], r["dst"]) in stored and _changed(r, stored[(r["src"], r["dst"])], compare)
        ]
        with self.changes.writing(rels={rel.type: [(r["src"], r["dst"]) for r in (*new, *changed)]}):
            if new or changed:
                self.drop_receipts()
            created = 0
            given: dict[tuple[str, str], Row] | None = None  # the caller's rows by identity, once needed
            for part in chunks(new, self.batch_size):
                n = self._create_rels(rel, from_label, to_label, part)
                if n is not None and n < len(part):
                    # Some ends are missing: only this batch's rows are checked to say which.
                    if given is None:
                        given = {(r["src"], r["dst"]): r for r in ok}
                    _, missing = self._split_by_ends(from_label, to_label, list(part))
                    skipped += [given[(r["src"], r["dst"])] for r in missing]
                created += len(part) if n is None else n
            for part in chunks(changed, self.batch_size):
                self._update_rels(rel, from_label, to_label, part)
        return WriteResult(created, len(changed), len(ok) - len(new) - len(changed), skipped)

    def merge_node_table(self, label: str, table: pa.Table) -> WriteResult:
        """:meth:`merge_nodes` for rows held as an Arrow table (one column per property; a null
        leaves the stored value). Backends that can bulk-load a table override this."""
        return self.merge_nodes(label, table.to_pylist())

    def merge_rel_table(self, type_: str, from_label: str, to_label: str, table: pa.Table) -> WriteResult:
        """:meth:`merge_rels` for rows held as an Arrow table (``src``, ``dst`` and properties)."""
        return self.merge_rels(type_, from_label, to_label, table.to_pylist())

    def _split_by_ends(self, from_label: str, to_label: str, rows: list[Row]) -> tuple[list[Row], list[Row]]:
        """Rows whose two ends are stored, and the others."""
        srcs = self.existing_keys(from_label, (r["src"] for r in rows))
        dsts = self.existing_keys(to_label, (r["dst"] for r in rows))
        ok = [r for r in rows if r["src"] in srcs and r["dst"] in dsts]
        skipped = [r for r in rows if not (r["src"] in srcs and r["dst"] in dsts)]
        return ok, skipped

    # -- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _complete(props: Sequence[Any], row: Mapping[str, Any]) -> Row:
        """Give every property a value (None where absent) so batches have one shape."""
        out = {p.name: row.get(p.name) for p in props}
        if "src" in row:
            out["src"], out["dst"] = row["src"], row["dst"]
        return out

    @staticmethod
    def _node(label: str) -> NodeType:
        return _defined(node_type, label)

    @staticmethod
    def _rel(type_: str) -> RelType:
        return _defined(rel_type, type_)

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
