"""A bounded load test of ``chainkg serve`` on loopback: gap and list endpoints, several minutes.

Loads the public ChainKnowledgeGraph data into a fresh embedded store (or reuses
``--work-dir``), starts ``chainkg serve`` in a subprocess on 127.0.0.1 with the answer cache
as deployed (60 s by default), and drives it from keep-alive connections with a mix of

- gaps: ``/analytics/gaps?base=...`` over the city bases with the most enterprises, and
- lists: ``/enterprises``, ``/products``, ``/industries``, ``/bases`` pages (filters, cursors).

The key space is wider than the cache, so the run mixes cache hits and fresh computations.
Prints, per minute and in total: requests per second, p50/p99/max latency per group, errors
(any answer but 200, or a broken connection) and the server's resident memory, sampled every
2 s. After a warm-up the memory must not grow by more than ``--rss-bound-mb``; the script
exits 1 when it does, or when any request failed.

    python bench/load.py                                   # 5 minutes, 8 connections
    python bench/load.py --minutes 2 --connections 16 --work-dir /tmp/ckg-load

Only 127.0.0.1 is contacted; every loop is bounded in time. Run it when the machine is quiet
(``uptime``): the load generator shares the two cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import _request as http_get  # a sibling script: its minimal keep-alive HTTP/1.1 client
from api import free_port, get_json

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "chainkg"
HOST = "127.0.0.1"


@dataclass
class Sample:
    """One request: when it ended, which group, how long it took, whether it was answered 200."""

    t: float
    group: str
    seconds: float
    ok: bool


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)  # (time, MB)


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(p * len(s)))] * 1000 if s else float("nan")


# -- the server -------------------------------------------------------------------------------------


@contextlib.contextmanager
def serve(data_dir: Path, cache_ttl: float) -> Iterator[tuple[int, int]]:
    """``chainkg serve`` on a free loopback port; yields (port, pid); stopped on exit."""
    port = free_port()
    env = dict(os.environ, CHAINKG_DATA_DIR=str(data_dir), CHAINKG_STORE="ladybug")
    cmd = [sys.executable, "-c", "from chainkg.cli import app; app()", "serve", "--host", HOST]
    cmd += ["--port", str(port), "--no-access-log", "--cache-ttl", str(cache_ttl)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=data_dir)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
                raise SystemExit(f"chainkg serve exited: {err}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"http://{HOST}:{port}/ready", timeout=2) as r:
                if r.status == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("chainkg serve did not become ready within 120 s")
            time.sleep(0.2)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the load ---------------------------------------------------------------------------------------


async def _worker(
    port: int, paths: dict[str, list[str]], weights: dict[str, float], seed: int, until: float, rec: Recorder
) -> None:
    rng = random.Random(seed)
    groups, w = list(weights), list(weights.values())
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        while time.perf_counter() < until:
            group = rng.choices(groups, w)[0]
            path = rng.choice(paths[group])
            t0 = time.perf_counter()
            try:
                status, _ = await http_get(reader, writer, path)
                ok = status == 200
            except (OSError, asyncio.IncompleteReadError, ValueError):
                ok = False
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
            t1 = time.perf_counter()
            rec.samples.append(Sample(t1, group, t1 - t0, ok))
    finally:
        writer.close()


def drive(
    port: int,
    pid: int,
    paths: dict[str, list[str]],
    weights: dict[str, float],
    *,
    connections: int,
    seconds: float,
    rec: Recorder,
) -> None:
    """Run the load for ``seconds`` while a thread samples the server's memory every 2 s."""
    stop = threading.Event()

    def sample_rss() -> None:
        while not stop.is_set():
            rec.rss.append((time.perf_counter(), rss_mb(pid)))
            stop.wait(2.0)

    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()

    async def main() -> None:
        until = time.perf_counter() + seconds
        await asyncio.gather(*(_worker(port, paths, weights, k, until, rec) for k in range(connections)))

    try:
        asyncio.run(main())
    finally:
        stop.set()
        sampler.join()
        rec.rss.append((time.perf_counter(), rss_mb(pid)))


def line(label: str, samples: list[Sample], seconds: float, rss: float | None = None) -> str:
    by = {g: [s.seconds for s in samples if s.group == g and s.ok] for g in ("gaps", "lists")}
    errors = sum(not s.ok for s in samples)
    text = f"{label:<8} {len(samples) / seconds:>7.1f} req/s"
    for g, lat in by.items():
        text += f" | {g} {len(lat):>6} p50 {pct(lat, 0.5):>6.1f} p99 {pct(lat, 0.99):>7.1f} ms"
    text += f" | errors {errors}"
    if rss is not None:
        text += f" | RSS {rss:>6.0f} MB"
    return text


# -- the data ---------------------------------------------------------------------------------------


def prepare(data: Path, work: Path) -> None:
    """Load the public data set into ``work`` unless it already holds it."""
    from chainkg.graph.store.ladybug_store import LadybugStore

    store = LadybugStore(work / "graph.lbug")
    try:
        store.ensure_schema()
        if store.count_nodes("Enterprise") == 0:
            from chainkg.ingest.ckg import load_ckg

            t0 = time.perf_counter()
            report = load_ckg(store, data)
            print(f"Data: {report.summary_line()} ({time.perf_counter() - t0:.1f} s)")
        else:
            print(f"Data: reusing {work / 'graph.lbug'}")
        counts = store.counts()
        print(
            f"Graph: {sum(v for k, v in counts.items() if not k.isupper()):,} nodes, "
            f"{sum(v for k, v in counts.items() if k.isupper()):,} relationships"
        )
    finally:
        store.close()


def q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def build_paths(port: int, bases: int) -> dict[str, list[str]]:
    """The URLs of each group, with second and third pages reached by real cursors."""
    rows = get_json(port, "/bases?limit=500")
    assert isinstance(rows, dict)
    keys = [b["key"] for b in rows["items"]]
    sizes = []
    for k in keys:
        page = get_json(port, f"/enterprises?base={q(k)}&limit=500")
        assert isinstance(page, dict)
        sizes.append((len(page["items"]), k))
    chosen = [k for n, k in sorted(sizes, reverse=True)[:bases] if n > 0]
    gaps = [f"/analytics/gaps?base={q(b)}" for b in chosen]
    provinces = sorted({e["province"] for e in get_json(port, "/enterprises?limit=500")["items"] if e["province"]})  # type: ignore[index]
    firsts = [f"/enterprises?province={q(p)}&limit=50" for p in provinces]
    firsts += [f"/products?limit={n}" for n in (20, 50, 100)] + ["/industries?limit=100", "/bases?limit=50"]
    firsts += [f"/enterprises?base={q(b)}&limit=20" for b in chosen[:20]]
    lists = list(firsts)
    for p in firsts:
        url = p
        for _ in range(2):
            body = get_json(port, url)
            assert isinstance(body, dict)
            if not body.get("next_cursor"):
                break
            url = f"{p}&cursor={body['next_cursor']}"
            lists.append(url)
    return {"gaps": gaps, "lists": lists}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="ChainKnowledgeGraph folder")
    ap.add_argument("--work-dir", type=Path, help="Keep the loaded store here (reused by the next run)")
    ap.add_argument("--minutes", type=float, default=5.0, help="Length of the measured run")
    ap.add_argument("--warmup", type=float, default=30.0, help="Seconds of load before measuring")
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--bases", type=int, default=80, help="City bases the gap requests spread over")
    ap.add_argument("--gap-share", type=float, default=0.3, help="Share of requests that are gap requests")
    ap.add_argument("--cache-ttl", type=float, default=60.0, help="The server's answer cache (0: off)")
    ap.add_argument("--rss-bound-mb", type=float, default=150.0, help="Allowed memory growth after warm-up")
    args = ap.parse_args()
    if not (args.data / "company.json").exists():
        raise SystemExit(f"public data set not found at {args.data}")

    print(f"CPUs: {os.cpu_count()}; python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.2f}")
    with contextlib.ExitStack() as stack:
        if args.work_dir is not None:
            work = args.work_dir
            work.mkdir(parents=True, exist_ok=True)
        else:
            import tempfile

            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="chainkg-load-")))
        prepare(args.data, work)
        port, pid = stack.enter_context(serve(work, args.cache_ttl))
        paths = build_paths(port, args.bases)
        weights = {"gaps": args.gap_share, "lists": 1 - args.gap_share}
        print(
            f"Server: chainkg serve (LadybugDB), pid {pid}, answer cache {args.cache_ttl:g} s; "
            f"{len(paths['gaps'])} gap URLs, {len(paths['lists'])} list URLs; "
            f"{args.connections} keep-alive connections; gaps {args.gap_share:.0%} of requests"
        )
        print(f"RSS at start (idle, data not yet touched): {rss_mb(pid):.0f} MB")

        warm = Recorder()
        drive(port, pid, paths, weights, connections=args.connections, seconds=args.warmup, rec=warm)
        print(line("warm-up", warm.samples, args.warmup, warm.rss[-1][1]))

        rec = Recorder()
        t_start = time.perf_counter()
        seconds = args.minutes * 60
        drive(port, pid, paths, weights, connections=args.connections, seconds=seconds, rec=rec)
        t_end = time.perf_counter()
        load_end = os.getloadavg()[0]

    for m in range(int(-(-seconds // 60))):
        lo, hi = t_start + 60 * m, min(t_start + 60 * (m + 1), t_end)
        part = [s for s in rec.samples if lo <= s.t < hi]
        rss = [mb for t, mb in rec.rss if lo <= t < hi + 1]
        print(line(f"min {m + 1}", part, hi - lo, rss[-1] if rss else None))
    print(line("total", rec.samples, t_end - t_start))

    start_mb, end_mb = rec.rss[0][1], rec.rss[-1][1]
    peak_mb = max(mb for _, mb in rec.rss)
    growth = end_mb - start_mb
    errors = sum(not s.ok for s in rec.samples)
    gap_lat = [s.seconds for s in rec.samples if s.group == "gaps" and s.ok]
    print(
        f"Memory: {start_mb:.0f} MB after warm-up, {end_mb:.0f} MB at the end, peak {peak_mb:.0f} MB; "
        f"growth {growth:+.0f} MB (bound {args.rss_bound_mb:.0f} MB)"
    )
    if gap_lat:
        print(f"Gaps: mean {statistics.mean(gap_lat) * 1000:.1f} ms; load average at the end {load_end:.2f}")
    ok = errors == 0 and growth <= args.rss_bound_mb
    print(f"Verdict: {'OK' if ok else 'FAILED'} ({errors} errors, memory growth {growth:+.0f} MB)")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
