"""Throughput and latency of the HTTP API on the public data set, uvicorn on loopback.

Loads ../shared/data/chainkg into a fresh embedded store, starts ``chainkg serve`` in a
subprocess on 127.0.0.1 and drives it with a small keep-alive HTTP/1.1 client (asyncio
streams, so the load generator costs little of the machine's two cores). Prints, with the
CPU count:

- gaps, cold: one request per base with the answer cache off (every request computes);
- gaps, steady: requests spread over the same bases for a fixed time (the answer cache on,
  as a dashboard's repeated calls meet it);
- a list endpoint (enterprises by province, two pages each), cache on and cache off.

- gaps and /health with the answer cache off, 8 connections each in turn, on the same server:
  the gap rate as a share of the /health rate (issue 17: >= 25 %) and the gap p99 (<= 250 ms).

Target: >= 300 req/s at p99 <= 250 ms for the gap endpoint, 0 errors. Every loop is bounded
in time and count and talks only to 127.0.0.1.

    python bench/api.py                      # defaults: 12 bases, 8 connections, 10 s per run
    python bench/api.py --bases 20 --seconds 20 --connections 16
    python bench/api.py --store-dir /tmp/x --bases 20   # a data dir already loaded: no load
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "chainkg"
HOST = "127.0.0.1"
TARGET_RPS = 300
TARGET_P99_MS = 250
TARGET_HEALTH_SHARE = 0.25


@dataclass
class Run:
    """Latencies and errors of one measured run."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    bytes: int = 0

    def line(self) -> str:
        lat = sorted(self.latencies)
        n = len(lat)
        if not n:
            return f"{self.name:<40} no successful requests, {self.errors} errors"

        def pct(p: float) -> float:
            return lat[min(n - 1, int(p * n))] * 1000

        rps = n / self.seconds if self.seconds else float("nan")
        return (
            f"{self.name:<40} {n:>7} req  {rps:>8.1f} req/s  p50 {pct(0.50):>7.1f} ms  p99 {pct(0.99):>7.1f} ms"
            f"  max {lat[-1] * 1000:>7.1f} ms  errors {self.errors}  avg {self.bytes / n / 1024:>7.1f} KiB"
        )

    def p99_ms(self) -> float:
        lat = sorted(self.latencies)
        return lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000 if lat else float("inf")

    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


# -- a minimal keep-alive HTTP/1.1 client ----------------------------------------------------------


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> tuple[int, int]:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept: application/json\r\n\r\n".encode())
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split(b" ", 2)[1])
    length = 0
    chunked = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value.strip())
        elif name.lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        total = 0
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            total += size
            if size == 0:
                return status, total
    await reader.readexactly(length)
    return status, length


async def _worker(port: int, paths: Sequence[str], start: int, deadline: float, budget: list[int], run: Run) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    i = start
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            try:
                status, size = await _request(reader, writer, path)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                run.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
                continue
            if status == 200:
                run.latencies.append(time.perf_counter() - t0)
                run.bytes += size
            else:
                run.errors += 1
    finally:
        writer.close()


def load(name: str, port: int, paths: Sequence[str], *, connections: int, seconds: float, max_requests: int) -> Run:
    """Drive ``paths`` round-robin from ``connections`` connections for ``seconds`` (or ``max_requests``)."""
    run = Run(name)

    async def main() -> None:
        deadline = time.perf_counter() + seconds
        budget = [max_requests]
        t0 = time.perf_counter()
        await asyncio.gather(*(_worker(port, paths, k * 7, deadline, budget, run) for k in range(connections)))
        run.seconds = time.perf_counter() - t0

    asyncio.run(main())
    return run


def sequential(name: str, port: int, paths: Sequence[str]) -> Run:
    """One request after another, one per path (cold answers)."""
    return load(name, port, paths, connections=1, seconds=600, max_requests=len(paths))


# -- the server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(data_dir: Path, cache_ttl: float, workers: int = 1) -> Iterator[int]:
    """``chainkg serve --workers N`` on a free loopback port; stopped on exit."""
    port = free_port()
    env = dict(os.environ, CHAINKG_DATA_DIR=str(data_dir), CHAINKG_STORE="ladybug")
    cmd = [
        sys.executable,
        "-c",
        "from chainkg.cli import app; app()",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--no-access-log",
        "--cache-ttl",
        str(cache_ttl),
        "--workers",
        str(workers),
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=data_dir)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"chainkg serve exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/ready", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("chainkg serve did not become ready within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def share_met(gaps: Run, health: Run) -> tuple[float, bool]:
    """The gap rate as a share of /health's, and whether both targets (share, p99) are met without errors."""
    share = gaps.rps() / health.rps() if health.rps() else 0.0
    return share, share >= TARGET_HEALTH_SHARE and gaps.p99_ms() <= TARGET_P99_MS and gaps.errors == 0


def get_json(port: int, path: str) -> object:
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=120) as r:
        return json.loads(r.read())


def q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="ChainKnowledgeGraph folder")
    ap.add_argument("--store-dir", type=Path, default=None, help="A data dir already loaded (skips the load)")
    ap.add_argument("--bases", type=int, default=20, help="How many city bases (most enterprises first)")
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10.0, help="Length of each timed run")
    ap.add_argument("--max-requests", type=int, default=200_000, help="Cap on requests per run")
    ap.add_argument(
        "--workers",
        default="1,2",
        help="Worker processes to compare for gaps against /health without the answer cache (comma list)",
    )
    ap.add_argument("--only-share", action="store_true", help="Only the gaps against /health runs, per worker count")
    args = ap.parse_args()
    worker_counts = [int(w) for w in str(args.workers).split(",") if w.strip()]

    def timed(name: str, port: int, paths: Sequence[str]) -> Run:
        return load(
            name, port, paths, connections=args.connections, seconds=args.seconds, max_requests=args.max_requests
        )
    if not (args.data / "company.json").exists():
        raise SystemExit(f"public data set not found at {args.data}")

    from chainkg.graph.store.ladybug_store import LadybugStore
    from chainkg.ingest.ckg import load_ckg

    print(f"CPUs: {os.cpu_count()} (nproc {len(os.sched_getaffinity(0))}); python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="chainkg-bench-api-") as tmp:
        data_dir = args.store_dir or Path(tmp)
        t0 = time.perf_counter()
        store = LadybugStore(data_dir / "graph.lbug")
        store.ensure_schema()
        loaded = "already loaded" if args.store_dir else load_ckg(store, args.data).summary_line()
        counts = store.counts()
        bases = [
            r["b"]
            for r in store.execute(
                "MATCH (e:Enterprise)-[:LOCATED_IN]->(b:Base) RETURN b.key AS b, count(e) AS n "
                "ORDER BY n DESC, b LIMIT $k",
                {"k": args.bases},
            )
        ]
        provinces = [
            r["p"]
            for r in store.execute(
                "MATCH (e:Enterprise) WHERE e.province IS NOT NULL RETURN e.province AS p, count(e) AS n "
                "ORDER BY n DESC, p LIMIT 10"
            )
        ]
        store.close()
        print(f"Data: {loaded} ({time.perf_counter() - t0:.1f} s)")
        print(
            f"Graph: {sum(counts[n] for n in ('Enterprise', 'Product', 'Industry', 'Base')):,} nodes, "
            f"{sum(v for k, v in counts.items() if k.isupper()):,} relationships; "
            f"gap bases: {len(bases)} city bases ({bases[0]} … {bases[-1]})"
        )
        gap_paths = [f"/analytics/gaps?base={q(b)}" for b in bases]
        list_paths = [f"/enterprises?province={q(p)}&limit=50" for p in provinces]
        print(f"Load: {args.connections} keep-alive connections, {args.seconds:g} s per timed run\n")

        shares: list[tuple[int, Run, Run]] = []
        for w in worker_counts:
            with server(data_dir, cache_ttl=0, workers=w) as port:
                sequential("(warming every worker)", port, gap_paths * (2 * w))
                g = timed(f"gaps, no answer cache, {w} worker(s)", port, gap_paths)
                h = timed(f"/health, {w} worker(s)", port, ["/health"])
                shares.append((w, g, h))
        print("gaps against /health without the answer cache, side by side:")
        for _w, g, h in shares:
            print(g.line())
            print(h.line())
        for w, g, h in shares:
            share, met = share_met(g, h)
            print(
                f"workers {w}: gaps {g.rps():.0f} req/s, /health {h.rps():.0f} req/s, share {share:.0%}, "
                f"gaps p99 {g.p99_ms():.1f} ms -> {'MET' if met else 'NOT MET'} (>= {TARGET_HEALTH_SHARE:.0%}, "
                f"p99 <= {TARGET_P99_MS} ms)"
            )
        if len(shares) > 1 and shares[0][1].rps():
            base = shares[0]
            for w, g, h in shares[1:]:
                print(
                    f"workers {w} against {base[0]}: gaps {g.rps() / base[1].rps():.2f}x, "
                    f"/health {h.rps() / base[2].rps():.2f}x"
                )
        if args.only_share:
            return
        print()

        runs: list[Run] = []
        with server(data_dir, cache_ttl=0) as port:
            # Second pages need a cursor: fetch them once, then they are plain URLs.
            for p in list(list_paths):
                body = get_json(port, p)
                assert isinstance(body, dict)
                if body.get("next_cursor"):
                    list_paths.append(f"{p}&cursor={body['next_cursor']}")
            runs.append(sequential("gaps, cold (no cache), 1 by 1", port, gap_paths))
            nocache = timed("gaps, steady (no answer cache)", port, gap_paths)
            health = timed("/health", port, ["/health"])
            runs += [nocache, health]
            runs.append(
                timed("enterprises list, no cache", port, list_paths)
            )
        with server(data_dir, cache_ttl=600) as port:
            sequential("(warming the cache)", port, gap_paths + list_paths)
            gaps_run = timed("gaps, steady (cache on)", port, gap_paths)
            runs.append(gaps_run)
            runs.append(
                timed("enterprises list, steady (cache on)", port, list_paths)
            )
        for r in runs:
            print(r.line())
        cold = sorted(runs[0].latencies)
        if cold:
            print(f"\ngaps cold: median {statistics.median(cold) * 1000:.0f} ms over {len(cold)} bases")
        share, ok_nc = share_met(nocache, health)
        print(
            f"target (gaps, no answer cache): >= {TARGET_HEALTH_SHARE:.0%} of /health's rate at p99 <= "
            f"{TARGET_P99_MS} ms -> {'MET' if ok_nc else 'NOT MET'} ({nocache.rps():.0f} vs {health.rps():.0f} req/s "
            f"= {share:.0%}, p99 {nocache.p99_ms():.1f} ms, {nocache.errors} errors)"
        )
        ok = gaps_run.rps() >= TARGET_RPS and gaps_run.p99_ms() <= TARGET_P99_MS and gaps_run.errors == 0
        print(
            f"target (gaps, steady): >= {TARGET_RPS} req/s at p99 <= {TARGET_P99_MS} ms, 0 errors -> "
            f"{'MET' if ok else 'NOT MET'} ({gaps_run.rps():.0f} req/s, p99 {gaps_run.p99_ms():.1f} ms, "
            f"{gaps_run.errors} errors)"
        )


if __name__ == "__main__":
    main()
