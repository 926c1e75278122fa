"""The server's own cost of one request, without HTTP: the gap route beside /health, in-process.

Builds the API on a data dir already holding the public data (``--store-dir``), opened
read-only as a worker of ``chainkg serve --workers N`` opens it, with the answer cache off, and
calls the ASGI app directly in a loop: what is left is routing, dependencies, the question
(kept by the engine after the first call) and the JSON encoding. Prints milliseconds per
request for each and their ratio (the share of /health's rate one process could reach).

    python bench/api_route.py --store-dir /tmp/pub
    python bench/api_route.py --store-dir /tmp/pub --base city:深圳市 --requests 500
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import urllib.parse
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store-dir", type=Path, required=True, help="a CHAINKG_DATA_DIR holding the public data")
    ap.add_argument("--base", default="city:深圳市")
    ap.add_argument("--requests", type=int, default=300)
    args = ap.parse_args()

    from chainkg.api.main import create_app
    from chainkg.settings import Settings

    app = create_app(Settings(_env_file=None, data_dir=args.store_dir), cache_ttl_s=0, read_only=True)

    def scope(path: str, query: str = "") -> dict[str, Any]:
        return {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": query.encode(),
            "headers": [(b"host", b"bench")],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
            "app": app,
        }

    async def call(sc: dict[str, Any]) -> int:
        status = 0

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])

        await app(sc, receive, send)
        return status

    async def run() -> None:
        async with app.router.lifespan_context(app):
            gaps = scope("/analytics/gaps", "base=" + urllib.parse.quote(args.base))
            health = scope("/health")
            for sc in (gaps, health):
                status = await call(sc)
                if status != 200:
                    raise SystemExit(f"{sc['path']} answered {status}")
            for _ in range(20):
                await call(gaps)
                await call(health)
            ms = {}
            for name, sc in (("gaps", gaps), ("health", health)):
                t0 = time.perf_counter()
                for _ in range(args.requests):
                    await call(sc)
                ms[name] = (time.perf_counter() - t0) / args.requests * 1000
            print(f"load average {os.getloadavg()[0]:.1f}; {args.requests} requests each, in-process")
            print(f"/analytics/gaps?base={args.base}: {ms['gaps']:.2f} ms/request")
            print(f"/health: {ms['health']:.2f} ms/request")
            ratio = ms["gaps"] / ms["health"]
            print(f"gaps cost {ratio:.1f}x /health (a rate share of {1 / ratio:.0%})")

    asyncio.run(run())


if __name__ == "__main__":
    main()
