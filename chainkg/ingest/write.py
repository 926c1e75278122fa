"""Writing validated rows through the store layer, one batch per transaction.

``GraphStore.merge_nodes`` / ``merge_rels`` diff each batch against what is stored, create
the new rows in bulk and merge only the changed ones, so running a load twice changes
nothing and a load killed half-way can simply be run again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

import pyarrow as pa

from chainkg.graph.store.base import GraphStore, WriteResult
from chainkg.ingest.progress import NullProgress, Progress


def default_batch_size(store: GraphStore) -> int:
    """The store's own batch size (LadybugDB: large COPY batches; Neo4j: the measured default)."""
    return int(getattr(store, "batch_size", 5000) or 5000)


PROGRESS_CHUNK = 100_000
"""Rows handed to one ``merge_*`` call. The store diffs each call against what is stored; on an
empty store that diff is skipped entirely, so few large calls are much faster than one per
batch. Inside a call the store still writes one transaction per ``batch_size`` rows."""


@contextmanager
def _batch_size(store: GraphStore, size: int | None) -> Iterator[int]:
    """Use ``size`` as the store's transaction batch size for the duration of one load."""
    old = default_batch_size(store)
    store.batch_size = size or old
    try:
        yield store.batch_size
    finally:
        store.batch_size = old


def _write_chunked(
    store: GraphStore,
    rows: Any,
    merge: Callable[[Any], WriteResult],
    name: str,
    batch_size: int | None,
    progress: Progress | None,
) -> WriteResult:
    """Hand ``rows`` (a sequence of row mappings or an Arrow table) to ``merge`` in chunks of at
    least ``PROGRESS_CHUNK``, reporting progress."""
    prog = progress or NullProgress()
    prog.start(name, len(rows))
    total = WriteResult()
    with _batch_size(store, batch_size) as size:
        step = max(size * 10, PROGRESS_CHUNK)
        for i in range(0, len(rows), step):
            part = rows[i : i + step]
            total += merge(part)
            prog.advance(name, len(part))
    prog.finish(name)
    return total


def write_rows(
    store: GraphStore,
    type_: str,
    rows: Sequence[Mapping[str, Any]] | pa.Table,
    *,
    ends: tuple[str, str] | None = None,
    batch_size: int | None = None,
    progress: Progress | None = None,
    task: str | None = None,
) -> WriteResult:
    """Merge ``rows`` into nodes of label ``type_`` or, with ``ends`` (from label, to label),
    into relationships of type ``type_`` (rows hold ``src``, ``dst`` and properties).

    Writes in batches and returns the added-up result. Rows held as an Arrow table go to the
    store as Arrow: no Python dict per row on the way to a bulk-loading store.
    """
    arrow = isinstance(rows, pa.Table)
    merge: Callable[[Any], WriteResult]
    if ends is None:
        merge = partial(store.merge_node_table if arrow else store.merge_nodes, type_)
        name = task or f"write {type_}"
    else:
        merge = partial(store.merge_rel_table if arrow else store.merge_rels, type_, *ends)
        name = task or f"write {type_} ({ends[0]}→{ends[1]})"
    return _write_chunked(store, rows, merge, name, batch_size, progress)
