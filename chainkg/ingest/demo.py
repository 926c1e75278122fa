"""The bundled demo data set: three cities' innovation bases, real listed companies, illustrative links.

``chainkg/demo/ckg/`` holds a small excerpt of the public ChainKnowledgeGraph data (real
companies, their products, industries and the product and industry links among them);
``chainkg/demo/illustrative/`` holds what is invented for the demo (bases, alliances,
patent pools, patents, platforms, cooperation and supply links). Provenance says which:
every node and relationship's ``source`` starts with ``demo:ckg/`` or ``demo:illustrative/``.
"""

from __future__ import annotations

from pathlib import Path

from chainkg.graph.store.base import GraphStore
from chainkg.ingest.pipeline import ingest_paths
from chainkg.ingest.progress import Progress
from chainkg.ingest.report import IngestReport

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
"""Folder of the bundled demo files (package data)."""

DEMO_BASES: tuple[str, ...] = ("sz-led", "sz-hitech", "su-ind", "hf-new")
"""Keys of the demo's bases (see chainkg/demo/README.md)."""


def load_demo(store: GraphStore, *, progress: Progress | None = None) -> IngestReport:
    """Load the bundled demo folder into ``store`` (idempotent: a second run changes nothing).

    Examples
    --------
    >>> report = load_demo(store)                  # doctest: +SKIP
    >>> report.ok, report.get("Base").loaded       # doctest: +SKIP
    (True, 4)
    """
    return ingest_paths(store, [DEMO_DIR], progress=progress, source_prefix="demo:", shipped_maps=True)


# The two data sets answer differently once mixed (the demo's chains gain thousands of public
# products), so a load onto a store holding the other set asks first (the CLI's --mix).
_HOLDS = "MATCH (b:Base) WHERE b.key IN $demo OR b.key STARTS WITH $city RETURN b.key AS key LIMIT 20"


def other_data_set(store: GraphStore, loading: str) -> str | None:
    """What ``store`` already holds that loading ``loading`` ("demo" or "public") would mix with.

    "the demo data" when loading the public data onto the demo's bases, "the public data" when
    loading the demo onto the public data's city bases, None when nothing would mix.
    """
    keys = [str(r["key"]) for r in store.execute(_HOLDS, {"demo": list(DEMO_BASES), "city": "city:"})]
    if loading == "public" and any(k in DEMO_BASES for k in keys):
        return "the demo data"
    if loading == "demo" and any(k.startswith("city:") for k in keys):
        return "the public data"
    return None
