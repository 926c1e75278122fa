"""Re-loads of unchanged files without reading them again.

Every load compares before it writes (the store diffs each batch and writes only new or
changed rows), so a re-load changes nothing; but it still parses every file and fetches every
stored row to compare, which costs most of a first load. A receipt skips that: after a complete
load the loader saves, in the store, a fingerprint of its input files (their bytes and the
loader's own code) with the load's report and the store's counts. A re-load whose fingerprint
matches, finding the receipt still there and the counts the same, has nothing to do.

The receipt is only trusted while nothing was written: every merge that creates or changes a
node or relationship drops all receipts (:meth:`GraphStore.drop_receipts`), as does ``clear``,
and the counts catch deletions. Writes made outside chainkg (``cypher-shell`` on Neo4j) that
change a property but not a count are not seen: load with ``reuse=False`` after such edits.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable
from pathlib import Path

from chainkg.errors import ChainkgError
from chainkg.graph.store.base import GraphStore
from chainkg.i18n import Msg
from chainkg.ingest.report import IngestReport

log = logging.getLogger(__name__)

_CODE = [
    *sorted(Path(__file__).parent.glob("*.py")),
    Path(__file__).parents[1] / "graph" / "model.py",
]
"""The code a load's outcome depends on: a changed loader, validation rule or model is a new load."""


def files_fingerprint(files: Iterable[tuple[Path, str]], *extra: str) -> str:
    """SHA-256 over each file's name (as recorded) and bytes (read in chunks), the loading code,
    and ``extra`` (options that change the outcome)."""
    h = hashlib.sha256()
    for path, name in [*files, *((p, p.name) for p in _CODE)]:
        h.update(name.encode("utf-8", "surrogateescape") + b"\0")
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        h.update(b"\0")
    for e in extra:
        h.update(e.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def receipt_name(kind: str, names: Iterable[str]) -> str:
    """The receipt a load of these file names keeps (one per set of names)."""
    return kind + ":" + hashlib.sha256("\0".join(sorted(names)).encode("utf-8", "surrogateescape")).hexdigest()[:32]


def save_receipt(store: GraphStore, name: str, fingerprint: str, report: IngestReport) -> None:
    """Record that the load ``report`` of files ``fingerprint`` is what the store now holds.

    Best effort: the load is committed already, so a receipt that cannot be saved (a read-only
    or failing store) is logged and the next load simply reads its files again.
    """
    try:
        body = {
            "fingerprint": fingerprint,
            "counts": store.counts(),
            "report": report.model_dump(mode="json"),
            # the notes as messages, so a re-load shows them in its reader's language (the report keeps the English)
            "notes": [n.stable() if isinstance(n, Msg) else n for n in report.notes],
        }
        store.save_receipt(name, json.dumps(body, ensure_ascii=False))
    except ChainkgError as exc:
        log.warning("load receipt not saved: %s", exc)


def unchanged_reload(store: GraphStore, name: str, fingerprint: str, t0: float) -> IngestReport | None:
    """The report of a re-load that has nothing to do, or ``None`` when the files or the store
    changed since the receipt was saved (then the load runs in full)."""
    try:
        raw = store.load_receipt(name)
        if raw is None:
            return None
        body = json.loads(raw)
        if body["fingerprint"] != fingerprint or body["counts"] != store.counts():
            return None
        report = IngestReport.model_validate(body["report"])
        notes = body.get("notes")
        if isinstance(notes, list) and len(notes) == len(report.notes):
            report.notes = [Msg.from_stable(n) if isinstance(n, dict) else str(n) for n in notes]
    except (ValueError, KeyError, TypeError, ChainkgError):
        return None  # a receipt from another version, or none readable: load in full
    for s in report.types:
        s.created, s.updated, s.unchanged = 0, 0, s.loaded
    report.elapsed_s = round(time.perf_counter() - t0, 3)
    report.notes.insert(
        0,
        Msg(
            "The files are byte for byte those of the last load and nothing was written to the store since, so they "
            "were not read again: every row is unchanged (the rejections and merges below are the last load's)."
        ),
    )
    return report
