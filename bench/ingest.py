"""Benchmark: the full ChainKnowledgeGraph data set into each store, against a raw COPY and a row-at-a-time loader.

    python bench/ingest.py                                  # LadybugDB (+ Neo4j if CHAINKG_TEST_NEO4J_URI)
    python bench/ingest.py --neo4j-uri bolt://127.0.0.1:7687 --neo4j-password secret
    python bench/ingest.py --batch-sizes 1000,2000,5000,10000,20000   # Neo4j batch-size sweep
    python bench/ingest.py --no-ladybug --hostile-only      # only the big hostile files (memory)
    python bench/ingest.py --floor-only --repeat 3          # only the loader against the raw COPY

First, on LadybugDB, ``load_ckg`` against the floor any loader of these rows has: a raw
``COPY`` of the same rows. Each leg runs in a fresh process (so its peak memory is its own),
the legs alternate ``--repeat`` times, and the fastest run of each counts:

- loader: ``load_ckg`` of the public files (JSON Lines) into an empty store, to committed rows;
- raw COPY: the node and relationship rows the loader stored, written out beforehand (not
  timed) as one JSON Lines file per table with exactly the store's columns, then
  ``pyarrow.json`` on each file and one ``COPY`` per table into an empty store with the same
  schema: no validation, no resolution, no report. Both stores must end with the same counts.

It prints both times (wall and CPU; the fastest run of each leg, and the median ratio of
the runs paired in order) and peak memories side by side with their ratios; targets
(issue 17): loader <= 2.5x the raw COPY's time, peak memory <= 1.5x the raw COPY's. On a
busy machine the CPU times say more than the wall times.

Then for each store it prints the wall time and rows per second of ``load_ckg`` on an empty store,
the time of re-loading the same files unchanged (with the load receipt, and reading and
comparing every row) as a share of the first load (target <= 20 %), the rate of a naive
loader that sends one MERGE per row (on a slice, same store, emptied first), their ratio, and
the process's peak memory. Targets on a 2-core machine: Neo4j <= 15 s, LadybugDB <= 5 s,
batch >= 30x the row-at-a-time rate.

Then, each in a fresh process so its peak memory is its own, it loads files made in /tmp now
(deleted after): a 1 GiB CSV, an XLSX of under 1 MB that unpacks to 1 GiB (a zip bomb), and a
CSV just under the file-size cap (``CHAINKG_MAX_FILE_MB``, loaded into LadybugDB), printing the
time, the outcome and the peak memory (target < 500 MB, or refused up front).

It EMPTIES the Neo4j database it is pointed at: do not point it at one holding data you need,
nor at a test server other test runs are using at the same time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
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


def reload_ratio(store: GraphStore, data: Path, first_s: float) -> None:
    """Re-load the unchanged files twice: through the load receipt, and reading every row."""
    t0 = time.perf_counter()
    again = load_ckg(store, data)
    receipt_s = time.perf_counter() - t0
    assert again.totals().created == 0 and again.totals().updated == 0
    t0 = time.perf_counter()
    full = load_ckg(store, data, reuse=False)
    full_s = time.perf_counter() - t0
    assert full.totals().created == 0 and full.totals().updated == 0
    print(
        f"re-load unchanged: {receipt_s:.2f} s = {receipt_s / first_s:.1%} of the first load (target <= 20 %: "
        f"{'met' if receipt_s <= 0.2 * first_s else 'NOT met'}); reading and comparing every row instead "
        f"(reuse=False): {full_s:.2f} s = {full_s / first_s:.0%}",
        flush=True,
    )


# -- the loader against a raw COPY of the same rows (each leg in its own process) -----------------
def _tables(store: LadybugStore) -> list[tuple[str, str, str | None, str | None]]:
    """``(kind, table, from, to)`` of every node table and relationship pair of the model."""
    from chainkg.graph.model import MODEL

    out: list[tuple[str, str, str | None, str | None]] = [("node", n.label, None, None) for n in MODEL.nodes]
    out += [("rel", r.type, a, b) for r in MODEL.rels for a, b in r.pairs]
    return out


def counts_by_table(store: LadybugStore) -> dict[str, int]:
    """Rows per node table and per relationship pair (non-empty ones)."""
    out: dict[str, int] = {}
    for kind, table, a, b in _tables(store):
        q = (
            f"MATCH (n:{table}) RETURN count(n) AS c"
            if kind == "node"
            else f"MATCH (:{a})-[r:{table}]->(:{b}) RETURN count(r) AS c"
        )
        n = int(store.execute(q)[0]["c"])
        if n:
            out[table if kind == "node" else f"{table}:{a}->{b}"] = n
    return out


def export_rows(store: LadybugStore, out: Path) -> None:
    """The stored rows as one JSON Lines file per table, with exactly the store's columns."""
    from chainkg.graph.model import node_type, rel_type

    conn = store._conn()
    for kind, table, a, b in _tables(store):
        if kind == "node":
            props = node_type(table).all_props
            q = f"MATCH (n:{table}) RETURN " + ", ".join(f"n.{p.name} AS {p.name}" for p in props)
            name = f"node.{table}.jsonl"
        else:
            props = rel_type(table).all_props
            cols = "".join(f", e.{p.name} AS {p.name}" for p in props)
            q = f"MATCH (x:{a})-[e:{table}]->(y:{b}) RETURN x.key AS src, y.key AS dst{cols}"
            name = f"rel.{table}.{a}.{b}.jsonl"
        result = conn.execute(q)
        assert not isinstance(result, list)
        data = result.get_as_arrow()
        if data.num_rows:
            with (out / name).open("w", encoding="utf-8") as fh:
                for row in data.to_pylist():
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def raw_copy(folder: Path, db: Path) -> float:
    """Seconds for pyarrow.json + one COPY per table of the exported rows into an empty store."""
    import ladybug
    import pyarrow as pa
    import pyarrow.json as pj

    from chainkg.graph.model import node_type, rel_type
    from chainkg.graph.schema import ladybug_schema
    from chainkg.graph.store.ladybug_store import _ARROW

    conn = ladybug.Connection(ladybug.Database(str(db)))
    for stmt in ladybug_schema():
        conn.execute(stmt)
    files = sorted(folder.glob("node.*.jsonl")) + sorted(folder.glob("rel.*.jsonl"))
    t0 = time.perf_counter()
    for f in files:
        kind, table, *ends = f.name.removesuffix(".jsonl").split(".")
        if kind == "node":
            fields = [(p.name, _ARROW[p.type]) for p in node_type(table).all_props]
            options = ""
        else:
            rel = rel_type(table)
            fields = [("src", pa.string()), ("dst", pa.string())] + [(p.name, _ARROW[p.type]) for p in rel.all_props]
            options = f' (from="{ends[0]}", to="{ends[1]}")' if len(rel.pairs) > 1 else ""
        schema = pa.schema(fields)
        data = pj.read_json(f, parse_options=pj.ParseOptions(explicit_schema=schema)).select(schema.names)  # noqa: F841
        conn.execute(f"COPY {table} FROM data{options}")  # COPY reads the local ``data`` by name
    return time.perf_counter() - t0


def cpu_s() -> float:
    """CPU seconds (user + system, all threads) this process has used so far."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def leg_main(args: argparse.Namespace) -> int:
    """One leg in this (fresh) process; prints one JSON line: seconds, CPU seconds, peak and start memory."""
    start_mb = peak_mb()
    if args.leg == "loader":
        store = LadybugStore(args.db)
        store.ensure_schema()
        start_mb = peak_mb()
        c0, t0 = cpu_s(), time.perf_counter()
        report = load_ckg(store, args.data)
        seconds, cpu = time.perf_counter() - t0, cpu_s() - c0
        assert report.check_balanced() == [], report.check_balanced()
        if args.export:
            export_rows(store, args.export)
        counts = counts_by_table(store)
        store.close()
    else:
        c0 = cpu_s()
        seconds = raw_copy(args.export, args.db)
        cpu = cpu_s() - c0  # includes creating the schema (a few ms)
        store = LadybugStore(args.db)
        counts = counts_by_table(store)
        store.close()
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(), "start_mb": start_mb, "counts": counts}))
    return 0


def run_leg(leg: str, data: Path, db: Path, export: Path, *, first: bool = False) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--leg", leg, "--data", str(data), "--db", str(db)]
    if leg == "raw" or first:
        cmd += ["--export", str(export)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ | {"PYTHONHASHSEED": "0"})
    leg_result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return leg_result


def bench_floor(data: Path, repeat: int) -> None:
    """``load_ckg`` against a raw COPY of the same rows, side by side (LadybugDB)."""
    print(f"\n== ingest-ckg against a raw LadybugDB COPY of the same rows  (load average {load_avg()})", flush=True)
    with tempfile.TemporaryDirectory(prefix="chainkg-floor-") as tmp:
        root = Path(tmp)
        export = root / "rows"
        export.mkdir()
        loader: list[dict[str, Any]] = []
        raw: list[dict[str, Any]] = []
        for i in range(repeat):
            loader.append(run_leg("loader", data, root / f"loader{i}.lbug", export, first=i == 0))
            raw.append(run_leg("raw", data, root / f"raw{i}.lbug", export))
        assert all(r["counts"] == loader[0]["counts"] for r in loader + raw), "the legs stored different rows"
        rows = sum(loader[0]["counts"].values())
        t_l, t_r = min(r["seconds"] for r in loader), min(r["seconds"] for r in raw)
        c_l, c_r = min(r["cpu"] for r in loader), min(r["cpu"] for r in raw)
        paired = sorted(lo["seconds"] / ra["seconds"] for lo, ra in zip(loader, raw, strict=True))
        m_l, m_r = min(r["peak_mb"] for r in loader), min(r["peak_mb"] for r in raw)
        d_l = min(r["peak_mb"] - r["start_mb"] for r in loader)
        d_r = min(r["peak_mb"] - r["start_mb"] for r in raw)
        tables = len(loader[0]["counts"])
        print(f"rows stored (both legs): {rows:,} in {tables} tables; {repeat} run(s) per leg, alternating")
        print(f"{'':22}{'loader':>10}{'raw COPY':>10}{'ratio':>8}  target")
        verdict = {True: "met", False: "NOT met"}
        print(f"{'time (s)':22}{t_l:10.2f}{t_r:10.2f}{t_l / t_r:7.2f}x  <= 2.5x {verdict[t_l <= 2.5 * t_r]}")
        print(f"{'CPU time (s)':22}{c_l:10.2f}{c_r:10.2f}{c_l / c_r:7.2f}x")
        print(f"{'time, run by run':22}{'':20}{paired[len(paired) // 2]:7.2f}x  (median of loader/raw per pair)")
        print(f"{'peak memory (MB)':22}{m_l:10.0f}{m_r:10.0f}{m_l / m_r:7.2f}x  <= 1.5x {verdict[m_l <= 1.5 * m_r]}")
        print(f"{'  added while loading':22}{d_l:10.0f}{d_r:10.0f}{d_l / max(d_r, 1):7.2f}x")
        runs_l = ", ".join(f"{r['seconds']:.2f} ({r['cpu']:.2f} CPU)" for r in loader)
        runs_r = ", ".join(f"{r['seconds']:.2f} ({r['cpu']:.2f} CPU)" for r in raw)
        print(f"runs (s): loader {runs_l}; raw COPY {runs_r}", flush=True)


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
    reload_ratio(store, data, best[0])
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


# -- big hostile files, each loaded in a fresh process --------------------------------------------

_CHILD = """
import json, resource, sys, tempfile, time
from pathlib import Path
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.pipeline import ingest_paths
from chainkg.ingest.readers import ReadLimits
from chainkg.settings import Settings
path, dry = Path(sys.argv[1]), sys.argv[2] == "dry"
settings = Settings(_env_file=None)
with tempfile.TemporaryDirectory(prefix="chainkg-bench-big-") as tmp:
    store = LadybugStore(Path(tmp) / "g.lbug")
    store.ensure_schema()
    t0 = time.perf_counter()
    report = ingest_paths(store, [path], dry_run=dry, limits=ReadLimits.from_settings(settings))
    seconds = time.perf_counter() - t0
    store.close()
t = report.totals()
# VmHWM: this process's own peak. ru_maxrss would include the parent's peak at fork, which
# Linux carries across exec.
hwm = [ln for ln in Path("/proc/self/status").read_text().splitlines() if ln.startswith("VmHWM:")]
peak = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "read": t.read, "loaded": t.loaded, "rejected": t.rejected,
                  "reason": report.rejections[0].reason[:160] if report.rejections else "",
                  "peak_mb": peak}))
"""


def big_csv(path: Path, size: int, *, unique: bool = True) -> None:
    """An enterprise CSV of at most ``size`` bytes (whole rows), written in blocks; with
    ``unique=False`` one block repeated (fast to write, the keys repeat)."""
    with path.open("wb") as fh:
        fh.write(b"key,name,city,employees\n")
        written, i = 0, 0
        block = b""
        while True:
            if unique or not block:
                block = "".join(f"E{i + j},测试企业{i + j}有限公司,深圳市,{j}\n" for j in range(10_000)).encode()
            if written + len(block) > size:
                break
            fh.write(block)
            written += len(block)
            i += 10_000


def run_child(path: Path, dry: bool) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), "dry" if dry else "load"],
        capture_output=True,
        text=True,
        timeout=1800,
        env=os.environ,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def bench_hostile() -> None:
    from chainkg.settings import Settings

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hostile"))
    from hostile_corpus import xlsx_bomb

    cap_mb = Settings(_env_file=None).max_file_mb
    print(f"\n== big hostile files (load average {load_avg()}; each in a fresh process)", flush=True)
    with tempfile.TemporaryDirectory(prefix="chainkg-bench-hostile-") as tmp:
        cases: list[tuple[str, Path, bool]] = []
        csv_path = Path(tmp) / "1gib" / "enterprise.csv"
        csv_path.parent.mkdir()
        big_csv(csv_path, 1 << 30, unique=False)
        cases.append((f"1 GiB CSV ({csv_path.stat().st_size / 2**20:,.0f} MB)", csv_path, False))
        bomb = Path(tmp) / "bomb" / "enterprise.xlsx"
        bomb.parent.mkdir()
        bomb.write_bytes(xlsx_bomb(1024))
        cases.append((f"XLSX bomb ({bomb.stat().st_size / 1024:,.0f} KB unpacking to 1,024 MB)", bomb, False))
        at_cap = Path(tmp) / "cap" / "enterprise.csv"
        at_cap.parent.mkdir()
        big_csv(at_cap, int(cap_mb * 2**20))
        rows = sum(1 for _ in at_cap.open("rb")) - 1
        cases.append(
            (f"CSV at the cap ({at_cap.stat().st_size / 2**20:,.1f} MB, {rows:,} rows, loaded)", at_cap, False)
        )
        for label, path, dry in cases:
            r = run_child(path, dry)
            outcome = f"refused: {r['reason']}" if r["loaded"] == 0 and r["rejected"] else f"{r['read']:,} rows read"
            print(
                f"{label}: {r['seconds']:.1f} s, peak memory {r['peak_mb']:,.0f} MB (target < 500 MB: "
                f"{'met' if r['peak_mb'] < 500 else 'NOT met'}); {outcome}",
                flush=True,
            )
            path.unlink()


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
    p.add_argument("--no-hostile", action="store_true", help="Skip the 1 GiB CSV and XLSX bomb runs")
    p.add_argument("--hostile-only", action="store_true", help="Only the 1 GiB CSV and XLSX bomb runs")
    p.add_argument("--floor-only", action="store_true", help="Only the loader against the raw COPY")
    p.add_argument("--no-floor", action="store_true", help="Skip the loader against the raw COPY")
    p.add_argument("--leg", choices=["loader", "raw"], help=argparse.SUPPRESS)
    p.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--export", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.leg:
        return leg_main(args)
    if args.hostile_only:
        bench_hostile()
        return 0
    if not (args.data / "company.json").exists():
        print(f"ChainKnowledgeGraph data not found at {args.data}; pass --data", file=sys.stderr)
        return 2
    print(f"data: {args.data}; cpus: {os.cpu_count()}; python {sys.version.split()[0]}")
    if not args.no_floor:
        bench_floor(args.data, args.repeat)
    if args.floor_only:
        return 0
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
    if not args.no_hostile:
        bench_hostile()
    return 0


if __name__ == "__main__":
    sys.exit(main())
