"""Whole answers kept on disk per data version, so the same question in a new process is a file read.

A chain question on a large base (``chainkg gaps city:深圳市``: its segment answers and gap
overview) costs about 0.4 s of walking, scoring and explaining, every time a command asks it,
although the answer changes only when data is loaded. :func:`kept_answer` keeps the answer
beside the link graphs (:mod:`.disk`: ``chain-index/`` beside the embedded store, a folder per
Neo4j database), named by the question, its arguments, the store's data fingerprint and the
code that computes it:

- any write to the store changes the fingerprint (:func:`.disk.fingerprint`), so an answer is
  only ever found for the data it was computed from; one computed while a write landed is not kept;
- any change to chainkg's files (sources and message catalogs: their sizes and modification
  times) changes the name, so an upgraded chainkg never shows an answer of the old code;
- files of other fingerprints or code are removed when a new answer is written.

The answer is written with :mod:`pickle` by chainkg into its own data directory (see :mod:`.disk`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Hashable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from chainkg.graph.store import GraphStore
from chainkg.queries.chainengine.disk import fingerprint
from chainkg.queries.chainengine.engine import engine_for

T = TypeVar("T")

PREFIX = "answer-"
"""File names of kept answers begin with it (``answer-<question>-<code>-<arguments>-<fingerprint>.pickle``)."""

_PACKAGE = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """A digest of chainkg's modules and message catalogs (path, size, modification time): changes
    with the code and the translations (a kept printout holds translated words)."""
    parts = []
    for folder, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        for f in sorted(files):
            if not f.endswith((".py", ".mo")):  # data files (maps, demo) reach answers through the store
                continue
            st = os.stat(os.path.join(folder, f))
            parts.append(f"{os.path.relpath(os.path.join(folder, f), _PACKAGE)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:12]


def answer_name(question: str, args: Hashable) -> str:
    """The file name (less fingerprint and suffix) of ``question`` asked with ``args`` by this code."""
    digest = hashlib.sha256(repr(args).encode()).hexdigest()[:16]
    return f"{PREFIX}{question}-{code_stamp()}-{digest}"


def kept_answer(store: GraphStore, question: str, args: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or the answer kept on disk for ``question`` with ``args`` on the store's current data.

    ``args`` must name everything the answer depends on besides the data (its ``repr`` is hashed).
    A store with no place on disk or no data fingerprint answers by computing every time.

    Examples
    --------
    >>> ask = ChainQuestion("city:深圳市")                                                   # doctest: +SKIP
    >>> o = kept_answer(store, "gaps", (ask, "zh"), lambda: gap_overview(store, ask))  # doctest: +SKIP
    """
    disk = engine_for(store).disk
    print_ = fingerprint(store) if disk is not None else None
    if disk is None or print_ is None:
        return compute()
    name = answer_name(question, args)
    found = disk.load_value(name, print_)
    if found is not None:
        return found
    value = compute()
    if fingerprint(store) == print_:  # nothing written meanwhile: it answers for `print_`
        disk.save_value(name, print_, value)
        _prune(disk.folder, keep=f"{name}-{print_}.pickle", print_=print_)
    return value


def _prune(folder: Path, *, keep: str, print_: str) -> None:
    """Remove kept answers of other data or other code: only this fingerprint's, of this code, stay."""
    mine = f"-{code_stamp()}-"
    for old in folder.glob(f"{PREFIX}*.pickle"):
        if old.name != keep and (print_ not in old.name or mine not in old.name):
            # A read-only data directory: the stale file stays, but its name is never read again.
            with contextlib.suppress(OSError):
                old.unlink(missing_ok=True)
