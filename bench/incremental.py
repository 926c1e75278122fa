"""Kept link graphs after a small write: refreshed from the previous version against fetched whole.

    python bench/incremental.py --data-dir /tmp/s6-pub        # a folder holding the public data (copied first)
    python bench/incremental.py --data-dir /tmp/s6-pub --runs 5
    python bench/incremental.py --neo4j --runs 3              # the Neo4j of CHAINKG_NEO4J_URI, holding the public data

With ``--neo4j`` the database is written to (small deltas that stay) and chainkg is taken to be
its only writer (``CHAINKG_NEO4J_SOLE_WRITER``): use a throw-away server.

The folder is copied to a temporary one (the run writes). In one process, on the embedded store:
the link graphs and product facts are kept for the loaded data; a small delta is loaded as
`chainkg ingest` loads it (a few product links and one product made, then the product quality
pass); then the next reader's refresh (from the kept copies and the journal of the write) is
timed against a full rebuild (a reader with no kept copies: fetched whole), and the two are
checked to be equal. Each run is a new delta. Prints the median seconds of each and their ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import fields
from pathlib import Path

import numpy as np

from chainkg.graph.store import GraphStore, open_store
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.pipeline import ingest_paths
from chainkg.ingest.product_quality import SYNONYMS_FILE, run_quality_pass
from chainkg.queries.chainengine import ChainEngine, attach
from chainkg.queries.chainengine.fetch import LEVELS
from chainkg.queries.products import ProductInfo, product_info
from chainkg.settings import Settings


def keep_all(engine: ChainEngine) -> tuple[float, float, dict[str, int]]:
    """Wall and CPU seconds to make both link graphs and the product facts for the current data,
    and how they were made (CPU: of this process, the embedded store's threads included)."""
    attach(engine)
    started, cpu = time.perf_counter(), time.process_time()
    engine.warm()
    return time.perf_counter() - started, time.process_time() - cpu, dict(engine.made)


def delta(store: GraphStore, folder: Path, run: int) -> None:
    """A few product links between existing products and one product made, as `chainkg ingest` loads them."""
    links = store.execute(
        f"MATCH (x:Product)-[:INPUT_TO]->(p:Product) RETURN x.key AS a, p.key AS b SKIP {run * 7} LIMIT 6"
    )
    maker = store.execute(f"MATCH (e:Enterprise)-[:MAKES]->(:Product) RETURN e.name AS n SKIP {run * 11} LIMIT 1")
    files = folder / f"delta-{run}"
    files.mkdir()
    pairs = [(links[i]["a"], links[i + 3]["b"]) for i in range(3)]  # links that were not there
    (files / "input_to.csv").write_text("src,dst\n" + "".join(f"{a},{b}\n" for a, b in pairs), encoding="utf-8")
    (files / "makes.csv").write_text(f"src,dst\n{maker[0]['n']},{links[0]['b']}\n", encoding="utf-8")
    ingest_paths(store, [files])
    run_quality_pass(store, folder / SYNONYMS_FILE)


def same(a: ChainEngine, b: ChainEngine) -> bool:
    for lv in LEVELS:
        ga, gb = a.level_graph(lv), b.level_graph(lv)
        assert ga is not None and gb is not None
        if ga.keys != gb.keys or dict(ga.names) != dict(gb.names):
            return False
        if not all(np.array_equal(getattr(ga, n), getattr(gb, n)) for n in ("src", "dst", "rel", "ptr")):
            return False
    attach(a)
    ia = product_info(a.store)
    attach(b)
    ib = product_info(b.store)
    return all(getattr(ia, f.name) == getattr(ib, f.name) for f in fields(ProductInfo) if f.name != "memo")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="a folder holding the public data in graph.lbug")
    parser.add_argument("--neo4j", action="store_true", help="the Neo4j the settings name, holding the public data")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.neo4j and args.data_dir is None:
        parser.error("--data-dir or --neo4j")
    with tempfile.TemporaryDirectory(prefix="chainkg-incr-") as tmp:
        store: GraphStore
        if args.neo4j:
            settings = Settings(store="neo4j", neo4j_sole_writer=True)
            store = open_store(settings)
            index = Path(tmp) / "chain-index"
        else:
            work = Path(tmp) / "data"
            shutil.copytree(args.data_dir, work)
            shutil.rmtree(work / "chain-index", ignore_errors=True)  # named for the original file: not this copy's
            store = LadybugStore(work / "graph.lbug")
            index = work / "chain-index"
        print(f"{store.backend}: {store.count_rels('INPUT_TO')} product links")
        keep_all(ChainEngine(store, disk=index))  # what the readers keep for the loaded data
        refresh: list[tuple[float, float]] = []
        full: list[tuple[float, float]] = []
        for run in range(args.runs):
            delta(store, Path(tmp), run)
            *t_refresh, made = keep_all(ChainEngine(store, disk=index))
            assert made["fetched"] == 0 and made["refreshed"] == 3, made
            scratch = Path(tmp) / f"scratch-{run}"
            *t_full, made_full = keep_all(ChainEngine(store, disk=scratch))
            assert made_full["fetched"] == 3, made_full
            assert same(ChainEngine(store, disk=index), ChainEngine(store, disk=scratch)), "refresh differs from fetch"
            refresh.append((t_refresh[0], t_refresh[1]))
            full.append((t_full[0], t_full[1]))
            print(
                f"run {run + 1}: refresh {t_refresh[0]:.3f} s ({t_refresh[1]:.3f} CPU), "
                f"full rebuild {t_full[0]:.3f} s ({t_full[1]:.3f} CPU); equal"
            )
        store.close()
    print(f"load average {os.getloadavg()[0]:.1f}")
    for i, what in enumerate(("wall", "CPU")):
        r, f = statistics.median(x[i] for x in refresh), statistics.median(x[i] for x in full)
        print(
            f"{what}: refresh after a small delta {r:.3f} s, full rebuild {f:.3f} s (medians of {args.runs}); "
            f"ratio {r / f:.2f} ({f / r:.1f}x faster)"
        )


if __name__ == "__main__":
    main()
