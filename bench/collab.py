"""Benchmark the collaboration, alliance, pool, platform and indicator queries.

Measures each question on the bundled demo data and on a synthetic graph of 10,000
organizations and 100,000 patents (bench/synth_orgs.py), on LadybugDB and, when a Neo4j
address is given, on Neo4j. Prints median, 95th percentile and maximum per question, in
milliseconds, after one warm-up call. Each call is timed once per sampled key.

    python bench/collab.py                                   # LadybugDB only
    python bench/collab.py --neo4j-uri bolt://127.0.0.1:7687 --password secret
    python bench/collab.py --no-synth --samples 10           # demo data only

Neo4j is CLEARED before each data set is loaded: point it at a throw-away database.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.queries.alliances import alliance_map
from chainkg.queries.collaboration import collaboration_opportunities
from chainkg.queries.indicators import base_indicators, indicator_history, rank_bases
from chainkg.queries.platforms import platform_coverage
from chainkg.queries.pools import pool_analysis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth_orgs import generate, load  # a sibling script, not a package


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def keys(store: GraphStore, label: str) -> list[str]:
    return sorted(r["k"] for r in store.execute(f"MATCH (n:{label}) RETURN n.key AS k"))


def sample(items: list[str], n: int, rng: random.Random) -> list[str]:
    return items if len(items) <= n else rng.sample(items, n)


def measure(fn: Callable[[str], Any], args: list[str]) -> list[float]:
    """Milliseconds per call, one call per argument, after one warm-up call."""
    if not args:
        return []
    fn(args[0])
    out = []
    for a in args:
        t0 = time.perf_counter()
        fn(a)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run_suite(store: GraphStore, samples: int, seed: int) -> dict[str, list[float]]:
    """Time every question on whatever graph ``store`` holds."""
    rng = random.Random(seed)
    orgs = keys(store, "Enterprise") + keys(store, "ResearchOrg")
    some_orgs = sample(orgs, samples, rng)
    bases = keys(store, "Base")
    return {
        "collab resource_allocation": measure(lambda k: collaboration_opportunities(store, k), some_orgs),
        "collab jaccard": measure(lambda k: collaboration_opportunities(store, k, "jaccard"), some_orgs),
        "alliance map": measure(lambda k: alliance_map(store, k), sample(keys(store, "Alliance"), samples, rng)),
        "pool analysis": measure(lambda k: pool_analysis(store, k), sample(keys(store, "PatentPool"), samples, rng)),
        "platforms (all bases)": measure(lambda _: platform_coverage(store), ["all"] * min(samples, 10)),
        "indicators (one base)": measure(lambda k: base_indicators(store, k), sample(bases, samples, rng)),
        "indicator history": measure(lambda k: indicator_history(store, k), sample(bases, min(samples, 10), rng)),
        "rank bases": measure(lambda _: rank_bases(store), ["all"] * 3),
    }


def open_store(kind: str, folder: Path, args: argparse.Namespace) -> GraphStore:
    if kind == "neo4j":
        from chainkg.graph.store.neo4j_store import Neo4jStore

        store: GraphStore = Neo4jStore(args.neo4j_uri, args.user, args.password, timeout_s=30.0)
        store.ensure_schema()
        store.clear()
        return store
    folder.mkdir(parents=True, exist_ok=True)
    store = LadybugStore(folder / "graph.lbug")
    store.ensure_schema()
    return store


def print_table(title: str, results: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print(f"{'question':28} {'n':>4} {'median ms':>10} {'p95 ms':>10} {'max ms':>10}")
    for name, values in results.items():
        if not values:
            print(f"{name:28} {0:>4} {'-':>10} {'-':>10} {'-':>10}")
            continue
        print(
            f"{name:28} {len(values):>4} {statistics.median(values):>10.1f} {p95(values):>10.1f} {max(values):>10.1f}"
        )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=30, help="Keys sampled per question")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--no-demo", action="store_true")
    ap.add_argument("--no-synth", action="store_true")
    ap.add_argument("--orgs", type=int, default=10_000)
    ap.add_argument("--patents", type=int, default=100_000)
    ap.add_argument("--neo4j-uri", default=os.environ.get("CHAINKG_BENCH_NEO4J_URI"))
    ap.add_argument("--user", default=os.environ.get("CHAINKG_BENCH_NEO4J_USER", "neo4j"))
    ap.add_argument("--password", default=os.environ.get("CHAINKG_BENCH_NEO4J_PASSWORD", ""))
    ap.add_argument("--json", type=Path, help="Also write the raw timings here")
    args = ap.parse_args(argv)

    stores = ["ladybug"] + (["neo4j"] if args.neo4j_uri else [])
    if not args.neo4j_uri:
        print("Neo4j not measured: give --neo4j-uri (or CHAINKG_BENCH_NEO4J_URI) to include it.")
    datasets: list[tuple[str, Callable[[GraphStore], None]]] = []
    if not args.no_demo:
        from chainkg.ingest.demo import load_demo

        datasets.append(("demo", lambda s: load_demo(s).ok or print("demo load reported problems")))
    if not args.no_synth:
        graph = generate(args.orgs, args.patents)
        datasets.append((f"synthetic {args.orgs:,} orgs / {args.patents:,} patents", lambda s: load(s, graph)))

    raw: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="chainkg-bench-") as tmp:
        for name, loader in datasets:
            for kind in stores:
                store = open_store(kind, Path(tmp) / f"{kind}-{len(raw)}", args)
                try:
                    t0 = time.perf_counter()
                    loader(store)
                    loaded = time.perf_counter() - t0
                    results = run_suite(store, args.samples, args.seed)
                finally:
                    store.close()
                title = f"{name} on {kind} (loaded in {loaded:.1f} s)"
                print_table(title, results)
                raw[title] = results
    if args.json:
        args.json.write_text(json.dumps(raw, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
