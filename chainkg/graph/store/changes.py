"""What a store's writes touched, recorded so kept answers can be refreshed instead of rebuilt.

Link graphs and product facts are kept on disk per data version (``chainkg.queries.chainengine``).
After a small write most of them are still right; refreshing them needs to know *what* was
written between two versions. Every write of the model goes through
:meth:`~chainkg.graph.store.base.GraphStore.merge_nodes` / ``merge_rels`` (and their table forms),
which know the keys they create or change: they note them here, with the store's cross-process
version name from just before the first write. Any other write (raw Cypher such as a delete,
``clear``, a schema change of data) is noted as *unknown*, which makes every reader fetch whole
again. A store hands its record out with :meth:`ChangeRecorder.take`: the version name before,
the one after, and what was touched in between.

A record is only as good as the guarantee that nobody else wrote in between: the embedded store
has one writer at a time (its file lock); Neo4j gives it only when the operator says chainkg is
its only writer (``CHAINKG_NEO4J_SOLE_WRITER``), else its store names no version and nothing is
handed out.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

WRITES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|COPY|DROP|ALTER|LOAD|IMPORT)\b", re.IGNORECASE)
"""Statements that may change data (any clause that writes, and DDL). Named queries only read."""

SCHEMA_IF_MISSING = re.compile(
    r"\s*(CREATE\s+(NODE\s+TABLE|REL\s+TABLE|CONSTRAINT|INDEX)\b[^;]*\bIF\s+NOT\s+EXISTS\b|CALL\s+db\.awaitIndexes)",
    re.IGNORECASE,
)
"""Schema statements that create only what is missing: they change no data."""

MAX_KEYS = 50_000
"""Keys and pairs one record holds at most; past it the record counts as unknown (a load that
large is as quick to fetch whole as to patch)."""


@dataclass
class Changes:
    """Node keys by label and ``(src, dst)`` pairs by relationship type that writes touched.

    ``unknown``: some write's keys are not known (then the rest says nothing).

    Examples
    --------
    >>> c = Changes()
    >>> c.add_nodes("Product", ["硅片"]); c.add_rels("INPUT_TO", [("硅片", "电池片")])
    >>> Changes.from_json(c.to_json()) == c, c.size
    (True, 2)
    """

    nodes: dict[str, set[str]] = field(default_factory=dict)
    rels: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    unknown: bool = False

    @property
    def size(self) -> int:
        """Keys and pairs held."""
        return sum(map(len, self.nodes.values())) + sum(map(len, self.rels.values()))

    def add_nodes(self, label: str, keys: Iterable[str]) -> None:
        """Note ``keys`` of ``label`` as touched."""
        keys = set(keys)
        if keys and not self.unknown:
            self.nodes.setdefault(label, set()).update(keys)
            self._bound()

    def add_rels(self, type_: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Note the ``(src, dst)`` pairs of ``type_`` as touched."""
        pairs = set(pairs)
        if pairs and not self.unknown:
            self.rels.setdefault(type_, set()).update(pairs)
            self._bound()

    def update(self, other: Changes) -> None:
        """Add what ``other`` touched."""
        if other.unknown:
            self.set_unknown()
        for label, keys in other.nodes.items():
            self.add_nodes(label, keys)
        for type_, pairs in other.rels.items():
            self.add_rels(type_, pairs)

    def set_unknown(self) -> None:
        """Some write's keys are not known: the record says only that."""
        self.unknown = True
        self.nodes.clear()
        self.rels.clear()

    def touches(self, labels: Iterable[str] = (), types: Iterable[str] = ()) -> bool:
        """Whether any key of ``labels`` or pair of ``types`` was touched (always, when unknown)."""
        return self.unknown or any(self.nodes.get(lb) for lb in labels) or any(self.rels.get(t) for t in types)

    def _bound(self) -> None:
        if self.size > MAX_KEYS:
            self.set_unknown()

    def to_json(self) -> dict[str, Any]:
        """Plain lists, sorted (a stable file)."""
        return {
            "unknown": self.unknown,
            "nodes": {lb: sorted(keys) for lb, keys in sorted(self.nodes.items())},
            "rels": {t: sorted(map(list, pairs)) for t, pairs in sorted(self.rels.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Changes:
        """What :meth:`to_json` wrote."""
        return cls(
            {str(lb): {str(k) for k in keys} for lb, keys in data.get("nodes", {}).items()},
            {str(t): {(str(s), str(d)) for s, d in pairs} for t, pairs in data.get("rels", {}).items()},
            bool(data.get("unknown", False)),
        )


class ChangeRecorder:
    """The writes of one store since its record was last taken, with the version name before them.

    ``version_name`` gives the store's cross-process name of its current data, or ``None`` when
    it has none to give (then :meth:`take` hands nothing out).
    """

    def __init__(self, version_name: Callable[[], str | None]) -> None:
        self._version_name = version_name
        self._lock = threading.Lock()
        self._local = threading.local()
        self._start: str | None = None
        self._changes = Changes()
        self._dirty = False
        self._busy = 0  # writes under way: a record taken now would not cover them

    @contextmanager
    def writing(
        self,
        nodes: Mapping[str, Iterable[str]] | None = None,
        rels: Mapping[str, Iterable[tuple[str, str]]] | None = None,
        *,
        unknown: bool = False,
    ) -> Iterator[None]:
        """Around a write whose keys are known (noted before it runs; ``unknown``: too many to
        list); raw statements inside it (the write's own) are covered by it."""
        with self._lock:
            self._begin()
            if unknown:
                self._changes.set_unknown()
            for label, keys in (nodes or {}).items():
                self._changes.add_nodes(label, keys)
            for type_, pairs in (rels or {}).items():
                self._changes.add_rels(type_, pairs)
            self._busy += 1
        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1
        try:
            yield
        finally:
            self._local.depth = depth
            with self._lock:
                self._busy -= 1

    @contextmanager
    def raw(self, statement: str) -> Iterator[None]:
        """Around one statement run by the store: a write outside :meth:`writing` is unknown."""
        if getattr(self._local, "depth", 0) or not WRITES.search(statement) or SCHEMA_IF_MISSING.match(statement):
            yield
            return
        with self._lock:
            self._begin()
            self._changes.set_unknown()
            self._busy += 1
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1

    def _begin(self) -> None:
        if not self._dirty:
            self._dirty = True
            self._start = self._version_name()
            self._changes = Changes()

    def take(self) -> tuple[str, str, Changes] | None:
        """``(version name before, version name now, changes)`` since the last take, and start
        a new record; ``None`` when nothing was written, a write is under way or a name is missing."""
        with self._lock:
            if not self._dirty or self._busy:
                return None
            end = self._version_name()
            start, changes = self._start, self._changes
            self._dirty, self._start, self._changes = False, None, Changes()
        if start is None or end is None or start == end:
            return None
        return start, end, changes
