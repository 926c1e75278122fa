"""Link graphs and product facts kept on disk, one set per data version, for both stores.

A CLI command or a new worker process starts with nothing held; fetching a whole level from
the store costs hundreds of milliseconds (and grows with the data), loading it from a ``.npz``
file a few. The files live in ``<data dir>/chain-index/`` and are named by the store's data
stamp (:meth:`~chainkg.graph.store.ladybug_store.LadybugStore.data_stamp`): a token that every
write replaces, so a file can only be found for the data it was made from. The engine reads the
stamp before and after a fetch: a graph fetched while a write landed is not kept. Files of other
stamps are removed when a new one is written. The name also carries the store file's inode
(not its size, which closing the store changes), a guard against a store file moved in by hand
beside an old stamp; whoever restores a
store from a copy should still delete ``chain-index/`` (or ``graph.lbug.stamp``) with it.

For Neo4j the files live under ``<CHAINKG_DATA_DIR>/chain-index/neo4j-<server>/`` (``<server>``
a digest of the address and the database: one folder per database served) and are named by a
digest of the database's data version, the bookmark of its last committed transaction, which
every client's write changes and which every process reading the same committed state is given
(:meth:`~chainkg.graph.store.neo4j_store.Neo4jStore.data_version`). A new worker or a CLI command
on Neo4j therefore loads what another process fetched, as long as nothing was written since.

After a write, the writer adds a record of what it touched to ``changes.jsonl`` in the same
folder (:meth:`DiskCache.record`); a reader that finds no file for the current data but one for
an earlier version, and records bridging the two (:meth:`DiskCache.changes_between`), refreshes
that one instead of fetching whole (:mod:`.delta`, docs/scaling.md).

Product facts (:class:`~chainkg.queries.products.ProductInfo`) are plain Python containers and
are kept with :mod:`pickle`: the file is written by chainkg itself into its own data
directory, where the store file it describes lives with the same trust.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainkg.graph.store import GraphStore
from chainkg.graph.store.changes import Changes

if TYPE_CHECKING:  # numpy is imported when a graph is loaded or kept (a kept answer needs none)
    from chainkg.graph.analytics.linkgraph import LinkGraph

log = logging.getLogger(__name__)

FORMAT = 2
"""Bumped when what is written changes shape: files of another format are never read."""

FOLDER = "chain-index"
"""The folder of the on-disk link graphs and product facts (beside the embedded store's file)."""


def fingerprint(store: GraphStore) -> str | None:
    """A name for the store's current data that holds across processes, or ``None``."""
    if store.backend == "neo4j":
        version = store.data_version()  # a frozenset of bookmark strings: sorted for a stable digest
        if not isinstance(version, frozenset) or not version:
            return None
        return f"{_digest('|'.join(sorted(version)))}-f{FORMAT}"
    stamp = getattr(store, "data_stamp", None)
    if store.backend != "ladybug" or stamp is None:
        return None
    value = stamp()
    if value is None:
        return None
    # The store file's inode too: a file moved in by hand (a restored copy) beside an old stamp is
    # then not taken for the data the stamp named. Not its size: closing the store folds its
    # write-ahead log into the file, which changes the size but not the data.
    try:
        st = Path(getattr(store, "path", "")).stat()
    except OSError:
        return None
    return f"{value}-{st.st_ino:x}-f{FORMAT}"


JOURNAL = "changes.jsonl"
"""The record of writes beside the kept files: one JSON line per record, ``before`` and ``after``
naming data versions as file names do (:func:`version_part`), with what was touched."""

KEEP_RECORDS = 64
"""Records kept in the journal (the oldest go): enough to bridge the writes between two readers."""


def version_part(store: GraphStore, name: str) -> str:
    """The part of a fingerprint that names the data, for a store's :meth:`version_name`."""
    return _digest(name) if store.backend == "neo4j" else name


def _same_store(a: str, b: str) -> bool:
    """Whether two fingerprints are of one store file and format (all but the data version agree)."""
    pa, pb = a.split("-"), b.split("-")
    return len(pa) == len(pb) and pa[1:] == pb[1:]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def folder_for(store: GraphStore, data_dir: Path) -> Path | None:
    """Where ``store``'s files go: beside the embedded store's file; for Neo4j, one folder per
    server address and database under ``data_dir``; ``None`` for a store that has no place."""
    if store.backend == "ladybug":
        path = getattr(store, "path", None)  # beside the store's own file, wherever it was opened
        return path.parent / FOLDER if isinstance(path, Path) else None
    if store.backend == "neo4j":
        where = f"{getattr(store, 'uri', '')}|{getattr(store, 'database', '')}"
        return data_dir / FOLDER / f"neo4j-{_digest(where)}"
    return None


class DiskCache:
    """Files of one fingerprint in ``folder``; a missing or unreadable file is a miss."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, name: str, print_: str, suffix: str) -> Path:
        return self.folder / f"{name}-{print_}{suffix}"

    def load_graph(self, name: str, print_: str) -> LinkGraph | None:
        """The link graph ``name`` kept for the fingerprint ``print_``, or ``None``."""
        import numpy as np

        from chainkg.graph.analytics.linkgraph import from_arrays

        f = self._file(name, print_, ".npz")
        try:
            with np.load(f, allow_pickle=False) as z:
                return from_arrays({k: z[k] for k in z.files})
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring the unreadable link graph %s: %s", f, exc)
            return None

    def save_graph(self, name: str, print_: str, graph: LinkGraph) -> None:
        """Keep ``graph`` as ``name`` for the fingerprint ``print_`` (older ones are removed)."""
        import numpy as np

        from chainkg.graph.analytics.linkgraph import to_arrays

        arrays: dict[str, Any] = to_arrays(graph)
        self._write(name, print_, ".npz", lambda fh: np.savez(fh, **arrays))

    def load_value(self, name: str, print_: str) -> Any:
        """The value ``name`` kept for the fingerprint ``print_``, or ``None``."""
        f = self._file(name, print_, ".pickle")
        collecting = gc.isenabled()
        try:
            with f.open("rb") as fh:
                # Hundreds of thousands of sets and dicts are made here, none of them garbage:
                # without the collector the load takes about 40 % less (measured 0.19 against 0.30 s).
                gc.disable()
                return pickle.load(fh)  # our own file in our own data directory (see module doc)
        except FileNotFoundError:
            return None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            log.warning("ignoring the unreadable %s: %s", f, exc)
            return None
        finally:
            if collecting:
                gc.enable()

    def save_value(self, name: str, print_: str, value: object) -> None:
        """Keep ``value`` as ``name`` for the fingerprint ``print_`` (older ones are removed)."""
        self._write(name, print_, ".pickle", lambda fh: pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL))

    def prior(self, name: str, suffix: str) -> str | None:
        """The fingerprint of the file kept for ``name`` (at most one is kept), or ``None``."""
        for f in self.folder.glob(f"{name}-*{suffix}"):
            return f.name[len(name) + 1 : -len(suffix)]
        return None

    def record(self, before: str, after: str, changes: Changes) -> None:
        """Add to the journal: the data named ``after`` is the data named ``before`` with ``changes``."""
        line = json.dumps({"before": before, "after": after, **changes.to_json()}, ensure_ascii=False)
        lines = [*self._journal_lines()[-(KEEP_RECORDS - 1) :], line]
        self._write_named(self.folder / JOURNAL, lambda fh: fh.write(("\n".join(lines) + "\n").encode("utf-8")))

    def _journal_lines(self) -> list[str]:
        try:
            return (self.folder / JOURNAL).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []

    def changes_between(self, before: str, after: str) -> Changes | None:
        """What the journal says was written from fingerprint ``before`` to ``after``, or ``None``
        when it does not cover every step (a write it has no record of: fetch whole)."""
        if not _same_store(before, after):
            return None
        start, end = before.split("-")[0], after.split("-")[0]
        steps: dict[str, tuple[str, Changes]] = {}
        for line in self._journal_lines():
            try:
                entry = json.loads(line)
                steps[str(entry["before"])] = (str(entry["after"]), Changes.from_json(entry))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # a damaged line bridges nothing
        total = Changes()
        at = start
        for _ in range(len(steps)):
            if at == end:
                break
            step = steps.get(at)
            if step is None:
                return None
            at, changes = step
            total.update(changes)
        return total if at == end and not total.unknown else None

    def _write(self, name: str, print_: str, suffix: str, write: Any) -> None:
        target = self._file(name, print_, suffix)
        if self._write_named(target, write):
            for old in self.folder.glob(f"{name}-*{suffix}"):
                if old != target:
                    old.unlink(missing_ok=True)

    def _write_named(self, target: Path, write: Any) -> bool:
        # Written to a temporary file and renamed: a reader never sees half a file.
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{target.stem}-", suffix=target.suffix)
            with os.fdopen(fd, "wb") as fh:
                write(fh)
            os.replace(tmp, target)
            return True
        except OSError as exc:  # a read-only data directory: answers still come, only slower next time
            log.warning("could not keep %s in %s: %s", target.name, self.folder, exc)
            return False
