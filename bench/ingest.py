"""Benchmark: the full ChainKnowledgeGraph data set into each store, against a row-at-a-time loader.

    python bench/ingest.py                                  # LadybugDB (+ Neo4j if CHAINKG_TEST_NEO4J_URI)
    python bench/ingest.py --neo4j-uri bolt://127.0.0.1:7687 --neo4j-password secret
    python bench/ingest.py --batch-sizes 1000,2000,5000,10000,20000   # Neo4j batch-size sweep

For each store it prints the wall time and rows per second of ``load_ckg`` on an empty store,
the rate of a naive loader that sends one MERGE per row (on a slice, same store, emptied
first), their ratio, and the process's peak memory. Targets on a 2-core machine: Neo4j
<= 15 s, LadybugDB <= 5 s, batch >= 30x the row-at-a-time rate.

It EMPTIES the Neo4j database it is pointed at: do not point it at one holding data you need,
nor at a test server other test runs are using at the same time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from chainkg.graph.store.base import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.ckg import load_ckg

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "chainkg"


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_avg() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def batch_load(store: GraphStore, data: Path, batch_size: int | None) -> tuple[float, int]:
    """Seconds and rows read for a full load on an empty store."""
    store.clear()
    t0 = time.perf_counter()
    report = load_ckg(store, data, batch_size=batch_size)
    elapsed = time.perf_counter() - t0
    assert report.check_balanced() == [], report.check_balanced()
    return elapsed, report.totals().read


def slice_rows(data: Path, n: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` products and up to ``n`` INPUT_TO links among them, as the naive loader sends them."""
    names: list[str] = []
    with (data / "product.json").open(encoding="utf-8") as fh:
        for line in fh:
            names.append(json.loads(line)["name"])
            if len(names) >= n:
                break
    wanted = set(names)
    links: list[dict[str, Any]] = []
    with (data / "product_product.json").open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, start=1):
            r = json.loads(line)
            if r["rel"] == "上游材料" and r["from_entity"] in wanted and r["to_entity"] in wanted:
                links.append({"src": r["to_entity"], "dst": r["from_entity"], "row": i})
    if len(links) < n:  # few links inside a slice: chain the slice's products too
        links += [{"src": a, "dst": b, "row": 0} for a, b in itertools.pairwise(names)][: n - len(links)]
    nodes = [{"key": p, "name": p, "row": i} for i, p in enumerate(names, start=1)]
    return nodes, links[:n]


def naive_load(store: GraphStore, nodes: list[dict[str, Any]], links: list[dict[str, Any]]) -> tuple[float, int]:
    """One query (one transaction) per row, as naive loaders do."""
    store.clear()
    now = "2026-01-01T00:00:00+00:00"
    t0 = time.perf_counter()
    for r in nodes:
        store.execute(
            "MERGE (n:Product {key: $key}) SET n.name = $name, n.source = 'product.json', "
            "n.source_row = $row, n.loaded_at = $now",
            {"key": r["key"], "name": r["name"], "row": r["row"], "now": now},
        )
    for r in links:
        store.execute(
            "MATCH (a:Product {key: $src}), (b:Product {key: $dst}) MERGE (a)-[e:INPUT_TO]->(b) "
            "SET e.source = 'product_product.json', e.source_row = $row, e.loaded_at = $now",
            {"src": r["src"], "dst": r["dst"], "row": r["row"], "now": now},
        )
    elapsed = time.perf_counter() - t0
    assert store.count_nodes("Product") == len(nodes)
    return elapsed, len(nodes) + len(links)


def bench_store(name: str, store: GraphStore, data: Path, args: argparse.Namespace, target_s: float) -> None:
    print(f"\n== {name}  (load average {load_avg()})", flush=True)
    sizes = [int(s) for s in args.batch_sizes.split(",")] if (name == "neo4j" and args.batch_sizes) else [None]
    best: tuple[float, int | None, int] | None = None
    for size in sizes:
        runs = [batch_load(store, data, size) for _ in range(args.repeat)]
        seconds = min(r[0] for r in runs)
        rows = runs[0][1]
        label = f"batch {size or store.batch_size}"
        print(
            f"full load ({label}): {seconds:.2f} s for {rows:,} rows = {rows / seconds:,.0f} rows/s "
            f"(runs: {', '.join(f'{r[0]:.2f}' for r in runs)}; target <= {target_s:.0f} s: "
            f"{'met' if seconds <= target_s else 'NOT met'}); peak memory {peak_mb():,.0f} MB",
            flush=True,
        )
        if best is None or seconds < best[0]:
            best = (seconds, size, rows)
    assert best is not None
    if len(sizes) > 1:
        print(f"fastest Neo4j batch size: {best[1]} ({best[0]:.2f} s)")
    nodes, links = slice_rows(data, args.slice)
    naive_s, naive_rows = naive_load(store, nodes, links)
    batch_rate = best[2] / best[0]
    naive_rate = naive_rows / naive_s
    print(
        f"row-at-a-time loader: {naive_s:.2f} s for {naive_rows:,} rows = {naive_rate:,.0f} rows/s; "
        f"batch / row-at-a-time = {batch_rate / naive_rate:,.0f}x (target >= 30x: "
        f"{'met' if batch_rate / naive_rate >= 30 else 'NOT met'}); peak memory {peak_mb():,.0f} MB",
        flush=True,
    )
    store.clear()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="ChainKnowledgeGraph folder")
    p.add_argument("--neo4j-uri", default=os.environ.get("CHAINKG_TEST_NEO4J_URI"))
    p.add_argument("--neo4j-user", default=os.environ.get("CHAINKG_TEST_NEO4J_USER", "neo4j"))
    p.add_argument("--neo4j-password", default=os.environ.get("CHAINKG_TEST_NEO4J_PASSWORD", ""))
    p.add_argument("--batch-sizes", default="", help="Neo4j batch sizes to try, e.g. 1000,2000,5000,10000")
    p.add_argument("--neo4j-batch-size", type=int, default=5000, help="Neo4j batch size without a sweep")
    p.add_argument("--slice", type=int, default=1000, help="Rows of each kind for the row-at-a-time loader")
    p.add_argument("--repeat", type=int, default=1, help="Full loads per setting (the fastest is reported)")
    p.add_argument("--no-ladybug", action="store_true", help="Skip the embedded store")
    args = p.parse_args()
    if not (args.data / "company.json").exists():
        print(f"ChainKnowledgeGraph data not found at {args.data}; pass --data", file=sys.stderr)
        return 2
    print(f"data: {args.data}; cpus: {os.cpu_count()}; python {sys.version.split()[0]}")
    if not args.no_ladybug:
        with tempfile.TemporaryDirectory(prefix="chainkg-bench-") as tmp:
            store = LadybugStore(Path(tmp) / "bench.lbug")
            try:
                store.ensure_schema()
                bench_store("ladybug", store, args.data, args, target_s=5)
            finally:
                store.close()
    if args.neo4j_uri:
        from chainkg.graph.store.neo4j_store import Neo4jStore

        neo = Neo4jStore(
            args.neo4j_uri,
            args.neo4j_user,
            args.neo4j_password,
            batch_size=args.neo4j_batch_size,
            timeout_s=30,
            retry_s=30,
        )
        try:
            neo.ensure_schema()
            bench_store("neo4j", neo, args.data, args, target_s=15)
        finally:
            neo.close()
    else:
        print("\n(Neo4j skipped: set CHAINKG_TEST_NEO4J_URI or pass --neo4j-uri)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
