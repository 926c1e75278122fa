"""Benchmark the chain, gap, what-if and candidate queries for one base.

Data sets: the full public ChainKnowledgeGraph (loaded with chainkg.ingest.ckg.load_ckg) and a
synthetic graph ``--factor`` times larger (bench/synth_chain.py: rewired copies of it). Stores:
LadybugDB always, Neo4j when ``--neo4j-uri`` is given. The base defaults to ``city:深圳市``,
the city base with the most enterprises (284, making 2,876 products); the gap query is also
timed for the median-size and the 90th-percentile-size base. Each query runs once to
warm up, then ``--runs`` times; the script prints the median, the 95th percentile
(nearest rank) and the maximum wall-clock milliseconds, the median CPU milliseconds of the
process, and the size of what was fetched.

    python bench/queries.py                                           # LadybugDB only
    python bench/queries.py --neo4j-uri bolt://127.0.0.1:7687 --password secret
    python bench/queries.py --no-synth --runs 30

Each chain question is timed three ways, side by side: as a *first question* (the kept chains
are forgotten before every call, so the store is asked for the base's rows and the chain is
walked over the link graphs held in memory, chainkg.queries.chainengine, and scored); as a
first question *walked in the store* step by step (no link graphs held: what a level larger
than CHAINKG_CHAIN_INDEX_LINKS gets); and as a question *asked again* while the data is
unchanged (the chain engine, chainkg.queries.chainengine, keeps the fetched chain). Fetching the link graphs,
once per data version (at API start and after a write), is timed on its own.

Targets (issue 4): gap query ≤ 50 ms median at public-data scale, ≤ 2× that at 10×.
Targets (issue 12): the segment-level gap question on a chain map (``--map``, default led) for
city:深圳市 ≤ 50 ms as a first question on LadybugDB, ≤ 2× at 10× data; ``--segments-only`` times
just the segment questions (the maps shipped in chainkg/chainmaps are loaded with the data).
Neo4j is CLEARED before a data set is loaded (unless it already holds that data set, told by
its number of products): point it at a throw-away database. ``--work-dir`` keeps the LadybugDB
files to reuse them in the next run.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.queries.chainengine import DEFAULT_MAX_LINKS, engine_for
from chainkg.queries.chainengine.candidates import fill_candidates
from chainkg.queries.chainengine.chain import ChainQuestion, base_chain, load_chain
from chainkg.queries.chainengine.gaps import base_chain_summary, find_gaps, weak_links, what_if
from chainkg.queries.chainengine.segments import default_map_keys, segment_candidates, segment_gaps, segment_what_if

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth_chain import DEFAULT_CKG, export, generate  # a sibling script, not a package


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(fn: Callable[[], Any], runs: int, before: Callable[[], Any] | None = None) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per call (this process, all threads), after one warm-up call.

    ``before`` runs ahead of every call, untimed (here: forgetting the kept chains, to time
    a first question). On a shared machine the CPU time shows the work a call does when the
    wall clock is stretched by other processes; on an idle machine wall ≈ CPU (or less, when
    the store runs a query on several threads).
    """
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        if before is not None:
            before()
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return wall, cpu


def forget(store: GraphStore) -> Callable[[], None]:
    """Forget the chains kept for ``store`` (the chain engine): the next question is a first one."""
    return engine_for(store).chains.clear


Mode = str
"""``first``: a first question, the link graphs held (the chain engine), no chain kept;
``walk``: a first question walked in the store step by step (no link graphs held);
``again``: the question asked again while the data is unchanged (the chain is kept)."""


def suite(
    store: GraphStore, base: str, runs: int, mode: Mode = "first"
) -> list[tuple[str, tuple[list[float], list[float]], str]]:
    """(query, milliseconds, size note) for each measured query, asked as ``mode`` says."""
    if mode == "walk":
        engine_for(store).set_limit(0)
        try:
            return suite(store, base, runs, "first")
        finally:
            engine_for(store).set_limit(DEFAULT_MAX_LINKS)
    data = load_chain(store, ChainQuestion(base, 3))
    prod, ind = data.levels["product"], data.levels["industry"]
    size = f"{len(prod.chain):,} product + {len(ind.chain):,} industry segments, {prod.chain.n_links:,} links"
    data2 = load_chain(store, ChainQuestion(base, 2, level="product"))
    size2 = f"{len(data2.levels['product'].chain):,} product segments"
    weak = weak_links(store, ChainQuestion(base, 3, level="product"), limit=None)
    who = Counter(w.enterprise.key for w in weak).most_common(1)[0][0]
    top = find_gaps(store, ChainQuestion(base, 3, level="product"), limit=1)[0].key
    cases: list[tuple[str, Callable[[], Any], str]] = [
        ("gaps, product, depth 2 (top 50)", lambda: find_gaps(store, ChainQuestion(base, 2, level="product")), size2),
        ("gaps, product, depth 3 (top 50)", lambda: find_gaps(store, ChainQuestion(base, 3, level="product")), size),
        ("gaps, both levels, depth 3 (top 50)", lambda: find_gaps(store, ChainQuestion(base, 3)), size),
        ("chain summary, depth 3", lambda: base_chain_summary(store, ChainQuestion(base, 3)), size),
        ("chain, depth 3, first 100 per level", lambda: base_chain(store, ChainQuestion(base, 3), limit=100), size),
        ("chain, depth 3, every segment", lambda: base_chain(store, ChainQuestion(base, 3)), size),
        (f"what-if, remove {who}, depth 3", lambda: what_if(store, ChainQuestion(base, 3), [who]), size),
        (f"candidates for {top}", lambda: fill_candidates(store, base, top), ""),
    ]
    before = None if mode == "again" else forget(store)
    return [(name, timed(fn, runs, before), note) for name, fn, note in cases]


def segment_suite(store: GraphStore, base: str, map_key: str, runs: int) -> list[tuple[str, Any, str]]:
    """The segment-level questions on one chain map. Nothing is kept between calls: each is a first question."""
    r = segment_gaps(store, base, [map_key])
    segs = r.maps[0].segments
    members = sum(a.makers_count for a in segs)
    size = f"{len(segs)} segments, {members:,} enterprise memberships nationwide"
    gap = next((a for a in segs if a.status == "gap"), segs[0])
    firm = next((a.base_firms[0].key for a in segs if a.base_firms), None)
    cases: list[tuple[str, Callable[[], Any], str]] = [
        (f"segment gaps, map {map_key}", lambda: segment_gaps(store, base, [map_key]), size),
        (
            f"segment drill-down {gap.segment}",
            lambda: segment_gaps(store, base, [map_key], segment=gap.segment),
            f"{gap.makers_count} makers, {gap.products_count} products",
        ),
        (f"segment candidates {gap.segment}", lambda: segment_candidates(store, base, map_key, gap.segment), ""),
    ]
    if firm is not None:
        cases.append((f"segment what-if, remove {firm}", lambda: segment_what_if(store, base, [firm], map_key), ""))
    own = segment_gaps(store, base).maps if default_map_keys(store, base) else []
    if own:  # no map asked for: the maps of the base's leading industries, as `chainkg gaps BASE` answers
        rows = sum(len(m.segments) for m in own)
        note = f"{len(own)} maps ({', '.join(m.map.key for m in own)}), {rows} segment rows"
        cases.append(("segment gaps, default maps", lambda: segment_gaps(store, base), note))
    return [(name, timed(fn, runs), note) for name, fn, note in cases]


def link_graphs(store: GraphStore, runs: int = 3) -> list[tuple[str, tuple[list[float], list[float]], str]]:
    """Fetching both levels' link graphs: once per data version (at API start and after a write)."""

    def fetch() -> None:
        engine_for(store).forget()
        engine_for(store).warm()

    ms = timed(fetch, runs)
    prod = engine_for(store).level_graph("product")
    note = f"{len(prod):,} product links" if prod is not None else "not held"
    return [("link graphs fetched (once per data version)", ms, note)]


def typical_bases(store: GraphStore) -> list[tuple[str, str, int]]:
    """(label, base key, enterprises) for the median-size and the 90th-percentile-size base."""
    rows = store.execute("MATCH (b:Base)<-[:LOCATED_IN]-(e:Enterprise) RETURN b.key AS key, count(e) AS n")
    ranked = sorted((int(r["n"]), r["key"]) for r in rows)
    out = []
    for label, q in (("median-size base", 0.5), ("90th-percentile base", 0.9)):
        n, key = ranked[min(len(ranked) - 1, int(q * len(ranked)))]
        out.append((label, key, n))
    return out


def across(store: GraphStore, runs: int) -> list[tuple[str, tuple[list[float], list[float]], str]]:
    """The gap query for bases of typical size."""
    out = []
    for label, key, n in typical_bases(store):
        data = load_chain(store, ChainQuestion(key, 3))
        size = f"{n} enterprises, {len(data.levels['product'].chain):,} product segments"
        out.append(
            (
                f"gaps, both levels, depth 3: {label}",
                timed(lambda k=key: find_gaps(store, ChainQuestion(k, 3)), runs, forget(store)),
                size,
            )
        )
    return out


def report(title: str, rows: list[tuple[str, tuple[list[float], list[float]], str]]) -> None:
    print(f"\n## {title} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"{'query':45} {'median':>9} {'p95':>9} {'max':>9} {'cpu med':>9}  size")
    for name, (ms, cpu), note in rows:
        med, mcpu = statistics.median(ms), statistics.median(cpu)
        print(f"{name:45} {med:9.1f} {p95(ms):9.1f} {max(ms):9.1f} {mcpu:9.1f}  {note}")
    sys.stdout.flush()


def with_maps(store: GraphStore) -> None:
    """Load the shipped chain maps and their members, unless already there (the synthetic
    graph is written without them; a store loaded by an older chainkg lacks them)."""
    from chainkg.ingest.chainmap import load_shipped_maps
    from chainkg.ingest.report import IngestReport

    if store.count_nodes("ChainMap") and store.count_rels("IN_SEGMENT"):
        return
    t = time.perf_counter()
    rep = IngestReport()
    load_shipped_maps(store, rep)
    print(f"chain maps loaded in {time.perf_counter() - t:.1f} s: {rep.notes[-1] if rep.notes else ''}")


def neo4j(args: argparse.Namespace, uri: str | None = None) -> GraphStore:
    from chainkg.graph.store.neo4j_store import Neo4jStore

    store = Neo4jStore(uri or args.neo4j_uri, args.user, args.password, timeout_s=60.0)
    store.ensure_schema()
    return store


def products(store: GraphStore) -> int:
    return int(store.execute("MATCH (p:Product) RETURN count(p) AS c")[0]["c"])


def ensure(store: GraphStore, want: tuple[int, int], load: Callable[[GraphStore], Any], what: str) -> None:
    """Load a data set unless the store already holds it all: its products and its UPSTREAM_OF links.

    UPSTREAM_OF is written last (bench/synth_chain.py) or late (load_ckg), so a load that was
    cut short shows.
    """
    if (products(store), store.count_rels("UPSTREAM_OF")) == want:
        print(f"{what}: already loaded")
        return
    store.clear()
    t = time.perf_counter()
    load(store)
    print(f"{what}: loaded in {time.perf_counter() - t:.0f} s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ckg", type=Path, default=DEFAULT_CKG)
    p.add_argument("--base", default="city:深圳市")
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--factor", type=int, default=10)
    p.add_argument("--no-synth", action="store_true", help="Skip the synthetic graph")
    p.add_argument("--work-dir", type=Path, default=None, help="Keep the LadybugDB files here and reuse them")
    p.add_argument("--neo4j-uri", default=None)
    p.add_argument("--neo4j-synth-uri", default=None, help="Another Neo4j for the synthetic graph (saves reloads)")
    p.add_argument("--user", default="neo4j")
    p.add_argument("--password", default="")
    p.add_argument("--map", default="led", help="Chain map of the segment questions")
    p.add_argument("--segments-only", action="store_true", help="Time only the segment questions")
    args = p.parse_args()
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # "relationship type does not exist" notices
    from chainkg.ingest.ckg import load_ckg

    with tempfile.TemporaryDirectory() as tmp:
        work = args.work_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        print(f"# chain queries for {args.base}, {args.runs} runs each (ms)")
        lb = LadybugStore(work / "ckg.lbug")
        lb.ensure_schema()
        if products(lb) == 0:
            t = time.perf_counter()
            load_ckg(lb, args.ckg)
            print(f"public data loaded into LadybugDB in {time.perf_counter() - t:.1f} s")
        n_public = products(lb)
        n_upstream = lb.count_rels("UPSTREAM_OF")
        with_maps(lb)
        report("public data, LadybugDB, segment questions", segment_suite(lb, args.base, args.map, args.runs))
        if not args.segments_only:
            report("public data, LadybugDB, link graphs", link_graphs(lb))
            report("public data, LadybugDB, first question", suite(lb, args.base, args.runs) + across(lb, args.runs))
            report("public data, LadybugDB, first question walked", suite(lb, args.base, args.runs, "walk"))
            report("public data, LadybugDB, asked again (chain kept)", suite(lb, args.base, args.runs, "again"))
        source = export(lb) if not args.no_synth or args.neo4j_uri else None
        lb.close()
        if args.neo4j_uri:
            nj = neo4j(args)
            ensure(nj, (n_public, n_upstream), lambda s: load_ckg(s, args.ckg), "public data into Neo4j")
            with_maps(nj)
            report("public data, Neo4j, segment questions", segment_suite(nj, args.base, args.map, args.runs))
            if not args.segments_only:
                report("public data, Neo4j, link graphs", link_graphs(nj))
                report("public data, Neo4j, first question", suite(nj, args.base, args.runs) + across(nj, args.runs))
                report("public data, Neo4j, first question walked", suite(nj, args.base, args.runs, "walk"))
                report("public data, Neo4j, asked again (chain kept)", suite(nj, args.base, args.runs, "again"))
            nj.close()
        if args.no_synth or source is None:
            return
        big = LadybugStore(work / f"synth{args.factor}.lbug")
        big.ensure_schema()
        want = (n_public * args.factor, n_upstream)  # one copy of the industries
        ensure(big, want, lambda s: generate(s, source, factor=args.factor), f"synthetic {args.factor}x into LadybugDB")
        print(f"synthetic graph: {products(big):,} products")
        with_maps(big)
        report(
            f"synthetic {args.factor}x, LadybugDB, segment questions",
            segment_suite(big, args.base, args.map, args.runs),
        )
        if not args.segments_only:
            report(f"synthetic {args.factor}x, LadybugDB, link graphs", link_graphs(big, 2))
            report(f"synthetic {args.factor}x, LadybugDB, first question", suite(big, args.base, args.runs))
            report(f"synthetic {args.factor}x, LadybugDB, walked", suite(big, args.base, args.runs, "walk"))
            report(f"synthetic {args.factor}x, LadybugDB, asked again", suite(big, args.base, args.runs, "again"))
        big.close()
        if args.neo4j_uri:
            nj = neo4j(args, args.neo4j_synth_uri)
            ensure(nj, want, lambda s: generate(s, source, factor=args.factor), f"synthetic {args.factor}x into Neo4j")
            with_maps(nj)
            report(
                f"synthetic {args.factor}x, Neo4j, segment questions", segment_suite(nj, args.base, args.map, args.runs)
            )
            if not args.segments_only:
                report(f"synthetic {args.factor}x, Neo4j, link graphs", link_graphs(nj, 2))
                report(f"synthetic {args.factor}x, Neo4j, first question", suite(nj, args.base, args.runs))
                report(f"synthetic {args.factor}x, Neo4j, walked", suite(nj, args.base, args.runs, "walk"))
                report(f"synthetic {args.factor}x, Neo4j, asked again", suite(nj, args.base, args.runs, "again"))
            nj.close()


if __name__ == "__main__":
    main()
