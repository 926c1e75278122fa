"""Cold times of the pages on the public data set: a fresh ``chainkg serve`` per page.

For each page, starts ``chainkg serve`` on the data folder (``--data``, loaded once with
``chainkg ingest-ckg``; by default a temp folder loaded here), waits for ``/ready``, then
times the first GET of the page and of everything the page loads from this server (charts,
map data), then a second GET (warm, answer cache on). Prints the start-up time too, so a
page made fast by work moved into the start is seen.

    CHAINKG_DATA_DIR=/tmp/pages-ckg chainkg ingest-ckg ../shared/data/chainkg   # once
    python bench/pages.py --data /tmp/pages-ckg
    python bench/pages.py --data /tmp/pages-ckg --pages / "/ui/bases/city:深圳市"
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api import DATA, HOST, server

DEFAULT_PAGES = [
    "/",
    "/ui/ranking",
    "/ui/bases/city:深圳市",
    "/ui/compare?bases=city:深圳市,city:上海市",
    "/ui/map?base=city:深圳市",
]
LOCAL_ASSET = re.compile(r'src="(/[^"]+)"')
"""What a browser loads from this server when it shows the page: images, scripts, iframes."""


def fetch(port: int, path: str) -> tuple[int, float, int]:
    """Status, seconds and bytes of one GET (errors answer their status too)."""
    url = f"http://{HOST}:{port}" + urllib.parse.quote(path, safe="/?=&,:%")
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=300) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return status, time.perf_counter() - t0, len(body)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--data", type=Path, help="data folder already holding the public data (else loaded into a temp one)"
    )
    ap.add_argument("--pages", nargs="+", default=DEFAULT_PAGES)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            data = Path(tmp)
            env = dict(os.environ, CHAINKG_DATA_DIR=str(data))
            subprocess.run(
                [sys.executable, "-m", "chainkg", "ingest-ckg", str(DATA)],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        print(f"CPUs: {os.cpu_count()}  data: {data}")
        print(f"{'page':<44} {'start s':>8} {'status':>6} {'cold s':>7} {'assets s':>9} {'warm s':>7} {'KB':>6}")
        for page in args.pages:
            t0 = time.perf_counter()
            with server(data, cache_ttl=60) as port:
                started = time.perf_counter() - t0
                status, cold, size = fetch(port, page)
                # What the page loads from this server (charts, map data): fetched as a browser would.
                url = f"http://{HOST}:{port}" + urllib.parse.quote(page, safe="/?=&,:%")
                with urllib.request.urlopen(url, timeout=300) as r:
                    html = r.read().decode("utf-8", "replace")
                t1 = time.perf_counter()
                statuses = [fetch(port, a.replace("&amp;", "&"))[0] for a in LOCAL_ASSET.findall(html)]
                assets = time.perf_counter() - t1
                _s, warm, _n = fetch(port, page)
                bad = [s for s in statuses if s != 200]
                line = f"{page:<44} {started:>8.2f} {status:>6} {cold:>7.2f} {assets:>9.2f} {warm:>7.2f}"
                print(line + f" {size / 1024:>6.0f}" + (f"  asset errors: {bad}" if bad else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
