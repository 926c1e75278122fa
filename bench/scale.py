"""Ingest rate and query cost as the graph grows: the public data set 1x, 10x, 50x.

The graphs are bench/synth_chain.py's rewired copies of the public ChainKnowledgeGraph (copy
0 keeps the real keys, so ``city:深圳市`` and its 284 enterprises are in every graph and the
same questions can be asked at each size). For each store and factor, in a fresh child
process (so memory figures are that step's own):

- ingest: the whole graph written through ``GraphStore.merge_nodes``/``merge_rels`` (the write
  layer every loader uses) into an empty store, rows per second; and, where the machine has
  room (``--pipeline-max``), the same graph as CSV files through ``ingest_paths`` (the file
  loader behind ``chainkg ingest``: read, validate, resolve, write);
- size: the store on disk, and the child's peak memory;
- queries: the gap, chain-summary and what-if questions for the largest base and a median
  one, a filtered list page, a name search, a key lookup and the per-label counts behind
  ``/resources``: median and p95 of ``--runs`` calls after a warm-up, wall and CPU ms.

    python bench/scale.py                                   # LadybugDB, 1x 10x 50x
    python bench/scale.py --factors 1,10 --stores ladybug,neo4j --start-neo4j
    python bench/scale.py --stores neo4j --neo4j-uri bolt://127.0.0.1:7687   # a throw-away server

``--start-neo4j`` runs a Neo4j of its own (tools/neo4j-server, must be built) and stops it at
the end; ``--neo4j-uri`` points at one that is EMPTIED first. The script prints a Markdown
table; docs/scaling.md holds the figures measured here.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from queries import p95, timed  # sibling scripts, not a package
from synth_chain import DEFAULT_CKG, NODE_PROPS, RELS, Source, copies, generate, public_source

from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore

ROOT = Path(__file__).resolve().parent.parent
BIG_BASE = "city:深圳市"


# -- one step, in a child process --------------------------------------------------------------------


def du_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def open_store(kind: str, work: Path, uri: str | None) -> GraphStore:
    if kind == "ladybug":
        store: GraphStore = LadybugStore(work / "graph.lbug")
    else:
        from chainkg.graph.store.neo4j_store import Neo4jStore

        assert uri
        store = Neo4jStore(uri, "neo4j", "", timeout_s=60.0)
        store.clear()
    store.ensure_schema()
    return store


RATES = {"rewire": 0.02, "link_rewire": 0.02}
"""synth_chain.generate's default rewiring, so the files hold the graph the write-layer step writes."""


def write_csvs(source: Source, factor: int, folder: Path) -> int:
    """The synthetic graph as the CSV files ``chainkg ingest`` reads; returns the data rows."""
    folder.mkdir(parents=True, exist_ok=True)
    handles: dict[str, Any] = {}
    writers: dict[str, tuple[csv.DictWriter[str], list[str]]] = {}
    rels = {r[0]: r for r in RELS}
    rows = 0
    for kind, a, _b, batch in copies(source, factor, RATES, 1):
        name = f"{a}.csv" if kind == "node" else f"{kind}.csv"
        if name not in writers:
            cols = list(NODE_PROPS[a]) if kind == "node" else ["src", "dst", *rels[kind][3]]
            handles[name] = (folder / name).open("w", encoding="utf-8", newline="")
            writers[name] = (csv.DictWriter(handles[name], fieldnames=cols, extrasaction="ignore"), cols)
            writers[name][0].writeheader()
        w, cols = writers[name]
        w.writerows({c: r.get(c) for c in cols} for r in batch)
        rows += len(batch)
    for f in handles.values():
        f.close()
    return rows


def median_base(store: GraphStore) -> str:
    rows = store.execute("MATCH (b:Base)<-[:LOCATED_IN]-(e:Enterprise) RETURN b.key AS key, count(e) AS n")
    ranked = sorted((int(r["n"]), r["key"]) for r in rows if "~" not in r["key"])  # copy 0: real bases
    return ranked[len(ranked) // 2][1]


def measure_queries(store: GraphStore, runs: int) -> list[dict[str, Any]]:
    from collections import Counter

    from chainkg.queries.chainengine.chain import ChainQuestion
    from chainkg.queries.chainengine.gaps import base_chain_summary, find_gaps, weak_links, what_if
    from chainkg.queries.resources import get_node, list_nodes, search_nodes

    who = Counter(w.enterprise.key for w in weak_links(store, ChainQuestion(BIG_BASE, 3, level="product"), limit=None))
    top = who.most_common(1)[0][0]
    mid = median_base(store)
    cases: list[tuple[str, Callable[[], Any]]] = [
        (f"gaps, depth 3, {BIG_BASE} (largest base)", lambda: find_gaps(store, ChainQuestion(BIG_BASE, 3))),
        (f"gaps, depth 3, {mid} (median base)", lambda: find_gaps(store, ChainQuestion(mid, 3))),
        ("chain summary, depth 3, largest base", lambda: base_chain_summary(store, ChainQuestion(BIG_BASE, 3))),
        ("what-if, remove 1 enterprise, largest base", lambda: what_if(store, ChainQuestion(BIG_BASE, 3), [top])),
        ("list enterprises of a province, 50", lambda: list_nodes(store, "Enterprise", {"province": "广东省"})),
        ("search enterprises by name", lambda: search_nodes(store, "Enterprise", "科技")),
        ("get one product by key", lambda: get_node(store, "Product", "锂电池")),
        ("count every label (/resources)", lambda: [store.count_nodes(n) for n in ("Enterprise", "Product")]),
    ]
    from chainkg.queries.chainengine import engine_for

    out = []
    for name, fn in cases:
        wall, cpu = timed(fn, runs, engine_for(store).chains.clear)  # each a first question: nothing kept
        out.append({"query": name, "median": statistics.median(wall), "p95": p95(wall), "cpu": statistics.median(cpu)})
    return out


def step(args: argparse.Namespace) -> None:
    """One store and factor: prints one JSON line of results."""
    import logging

    logging.getLogger("neo4j").setLevel(logging.ERROR)  # "property does not exist" notices
    kind, factor, work = args.one[0], int(args.one[1]), Path(args.one[2])
    work.mkdir(parents=True, exist_ok=True)
    source = public_source(args.ckg) if not (work / "source.json").exists() else _load_source(work / "source.json")
    result: dict[str, Any] = {"store": kind, "factor": factor}

    store = open_store(kind, work, args.neo4j_uri)
    t0 = time.perf_counter()
    written = generate(store, source, factor=factor)
    result["rows"] = sum(written.values())
    result["write_s"] = time.perf_counter() - t0
    counts = store.counts()
    result["nodes"] = sum(v for k, v in counts.items() if not k.isupper())
    result["rels"] = sum(v for k, v in counts.items() if k.isupper())
    result["queries"] = measure_queries(store, args.runs)
    store.close()
    result["disk_mb"] = du_mb(work / "graph.lbug") if kind == "ladybug" else None
    result["peak_mb_write"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    if factor <= args.pipeline_max:
        from chainkg.ingest.pipeline import ingest_paths

        folder = work / "csv"
        result["csv_rows"] = write_csvs(source, factor, folder)
        if kind == "ladybug":  # a fresh store (Neo4j: open_store empties it)
            for f in work.glob("graph.lbug*"):
                shutil.rmtree(f) if f.is_dir() else f.unlink()
        store = open_store(kind, work, args.neo4j_uri)
        t0 = time.perf_counter()
        report = ingest_paths(store, [folder])
        result["pipeline_s"] = time.perf_counter() - t0
        result["pipeline_loaded"] = report.totals().loaded
        result["pipeline_rejected"] = report.totals().rejected
        # The same files again: what re-running a load (after a crash, or by mistake) costs.
        t0 = time.perf_counter()
        again = ingest_paths(store, [folder])
        result["rerun_s"] = time.perf_counter() - t0
        result["rerun_changed"] = again.totals().created + again.totals().updated
        store.close()
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)


def _load_source(path: Path) -> Source:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Source(nodes=data["nodes"], rels=data["rels"])


# -- a private Neo4j ----------------------------------------------------------------------------------


def start_neo4j(home: Path, heap: str, pagecache: str) -> tuple[subprocess.Popen[bytes], str]:
    """A Neo4j of this run only (tools/neo4j-server, built with Maven), auth off; returns (process, uri)."""
    server = ROOT / "tools" / "neo4j-server"
    cp_file = server / "target" / "classpath.txt"
    if not cp_file.is_file():
        raise SystemExit("tools/neo4j-server is not built: run 'bash scripts/neo4j-test-server.sh build' first")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    home.mkdir(parents=True, exist_ok=True)
    port_file = home / "port"
    cmd = [shutil.which("java") or "java", f"-Xmx{heap}", "-XX:+UseG1GC"]
    cmd += [f"--add-opens=java.base/{p}=ALL-UNNAMED" for p in ("java.nio", "java.io", "sun.nio.ch", "java.lang")]
    cmd += ["-cp", f"{server / 'target' / 'classes'}:{cp_file.read_text().strip()}", "chainkg.Neo4jTestServer"]
    cmd += ["--port", str(port), "--data-dir", str(home / "db"), "--port-file", str(port_file)]
    cmd += ["--pagecache", pagecache, "--no-auth"]
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while not port_file.is_file():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"Neo4j did not start; see {home / 'server.log'}")
        time.sleep(0.5)
    return proc, f"bolt://127.0.0.1:{port}"


# -- the driver ---------------------------------------------------------------------------------------


def run_step(store: str, factor: int, work: Path, args: argparse.Namespace, uri: str | None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--one", store, str(factor), str(work), "--runs", str(args.runs)]
    cmd += ["--ckg", str(args.ckg), "--pipeline-max", str(args.pipeline_max)]
    if uri:
        cmd += ["--neo4j-uri", uri]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"step {store} {factor}x failed (rc {proc.returncode}):\n{proc.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(line[len("RESULT ") :])
    result["step_s"] = time.perf_counter() - t0
    return result


def _ms(v: float) -> str:
    return f"{v:.1f}" if v < 10 else f"{v:.0f}"


def report(results: list[dict[str, Any]]) -> None:
    print("\n### Ingest\n")
    print("| store | factor | nodes | relationships | write layer | file pipeline | re-run | on disk | peak memory |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        pipe = f"{r['pipeline_s']:.0f} s, {r['csv_rows'] / r['pipeline_s']:,.0f}/s" if "pipeline_s" in r else "not run"
        rerun = f"{r['rerun_s']:.0f} s, {r['rerun_changed']} changed" if "rerun_s" in r else "not run"
        disk = f"{r['disk_mb']:,.0f} MB" if r.get("disk_mb") is not None else "(server)"
        print(
            f"| {r['store']} | {r['factor']}x | {r['nodes']:,} | {r['rels']:,} | {r['write_s']:.0f} s, "
            f"{r['rows'] / r['write_s']:,.0f}/s | {pipe} | {rerun} | {disk} | "
            f"{r.get('peak_mb', r['peak_mb_write']):,.0f} MB |"
        )
    print("\n### Queries (ms, median / p95; CPU median in brackets)\n")
    cols = [(r["store"], r["factor"]) for r in results]
    print("| query | " + " | ".join(f"{s} {f}x" for s, f in cols) + " |")
    print("| --- |" + " ---: |" * len(cols))
    names = [q["query"] for q in results[0]["queries"]]
    for i, name in enumerate(names):
        cells = []
        for r in results:
            q = r["queries"][i]
            cells.append(f"{_ms(q['median'])} / {_ms(q['p95'])} ({_ms(q['cpu'])})")
        print(f"| {name} | " + " | ".join(cells) + " |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckg", type=Path, default=DEFAULT_CKG)
    p.add_argument("--factors", default="1,10,50")
    p.add_argument("--stores", default="ladybug")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--pipeline-max", type=int, default=10, help="Largest factor loaded through the file pipeline")
    p.add_argument("--neo4j-uri", help="A throw-away Neo4j (no auth); it is EMPTIED")
    p.add_argument("--start-neo4j", action="store_true", help="Run a private Neo4j for the neo4j steps")
    p.add_argument("--neo4j-heap", default="2g")
    p.add_argument("--neo4j-pagecache", default="1g")
    p.add_argument("--work-dir", type=Path, help="Where the stores go (default: a temporary folder)")
    p.add_argument("--one", nargs=3, metavar=("STORE", "FACTOR", "WORK"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:
        step(args)
        return
    print(f"CPUs: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="chainkg-scale-") as tmp:
        work = args.work_dir or Path(tmp)
        source = public_source(args.ckg)  # once, shared by every step through a JSON file
        (work / "source.json").parent.mkdir(parents=True, exist_ok=True)
        (work / "source.json").write_text(json.dumps({"nodes": source.nodes, "rels": source.rels}), encoding="utf-8")
        neo: subprocess.Popen[bytes] | None = None
        uri = args.neo4j_uri
        results = []
        try:
            for store in args.stores.split(","):
                if store == "neo4j" and uri is None:
                    if not args.start_neo4j:
                        raise SystemExit("the neo4j store needs --neo4j-uri or --start-neo4j")
                    neo, uri = start_neo4j(work / "neo4j", args.neo4j_heap, args.neo4j_pagecache)
                for factor in map(int, args.factors.split(",")):
                    step_dir = work / f"{store}-{factor}"
                    step_dir.mkdir(parents=True, exist_ok=True)
                    shutil.copy(work / "source.json", step_dir / "source.json")
                    r = run_step(store, factor, step_dir, args, uri if store == "neo4j" else None)
                    print(
                        f"{store} {factor}x: {r['rows']:,} rows written in {r['write_s']:.0f} s; "
                        f"step {r['step_s']:.0f} s; load average {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
                    results.append(r)
                    shutil.rmtree(step_dir, ignore_errors=True)
        finally:
            if neo is not None:
                neo.send_signal(signal.SIGTERM)
                neo.wait(timeout=120)
        report(results)


if __name__ == "__main__":
    main()
