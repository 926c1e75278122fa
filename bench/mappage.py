"""How fast a base page is ready on a cold server (issue 12: ≤ 1.5 s for city:深圳市 on the public data).

For each run this starts a fresh ``chainkg serve`` on the data dir (waiting for ``/ready``, so
the start-up work — link graphs fetched — is done, as for a planner arriving at a running
server), then loads the base page once in Debian's headless Chromium with the network off and
prints:

- ``html ms``: the first request for the page, as the server answers it;
- ``map ms``: navigation start until the chain map (产业链图谱) is drawn (``window.chainkgReady``);
- ``load ms``: navigation start until the browser's ``load`` event (every image, script and
  frame of the page fetched);
- ``ready ms``: the later of the two, as the browser measured it from navigation start;
- ``wall ms``: wall clock from asking Playwright for the page until it saw the page loaded and
  the map drawn (adds the harness's own round trips; for the page before the map view: until
  its product-graph frame had drawn);
- ``product-level ms``: wall clock until the product-level gaps and weak links, fetched once
  the page has loaded, are on the page (not part of "ready": the page is usable before).

Load the public data once first::

    CHAINKG_DATA_DIR=/tmp/ckg chainkg ingest-ckg /work/shared/data/chainkg
    python bench/mappage.py --data-dir /tmp/ckg                     # city:深圳市, 3 cold runs
    python bench/mappage.py --data-dir /tmp/ckg --map led                 # the same, drawing the LED map
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api import HOST, server
from harness import CHROMIUM_ARGS, Guard, chromium_path

TIMING_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {html: nav.responseEnd, map: window.chainkgReady === undefined ? null : window.chainkgReady,
          load: nav.loadEventEnd};
}"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True, help="a data dir holding the public data")
    ap.add_argument("--base", default="city:深圳市")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--map", default=None, help="pick this chain map (?map=); default: the base's own, or the choice")
    args = ap.parse_args()
    exe = chromium_path()
    if exe is None:
        print("chromium not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    path = f"/ui/bases/{quote(args.base, safe='')}" + (f"?map={quote(args.map)}" if args.map else "")
    print(f"base page {path}: {args.runs} cold runs (fresh server each), data {args.data_dir}")
    cols = ("html ms", 8), ("map ms", 8), ("load ms", 8), ("ready ms", 9), ("wall ms", 8), ("product-level ms", 17)
    print(f"{'run':>4} " + " ".join(f"{name:>{width}}" for name, width in cols))
    readies: list[float] = []
    walls: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            for run in range(1, args.runs + 1):
                with server(args.data_dir, cache_ttl=60) as port:
                    url = f"http://{HOST}:{port}{path}"
                    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
                    page = context.new_page()
                    guard = Guard()
                    guard.attach(page)
                    t0 = time.perf_counter()
                    page.goto(url, wait_until="load", timeout=120_000)
                    if page.locator("iframe#chain-view").count():  # the page before the chain map view
                        page.frame_locator("iframe#chain-view").locator("body[data-ready='1']").wait_for(
                            timeout=120_000
                        )
                    else:
                        page.wait_for_function("window.chainkgReady !== undefined", timeout=120_000)
                    wall = (time.perf_counter() - t0) * 1000
                    t = page.evaluate(TIMING_JS)
                    later = "—"
                    if page.locator("#base-chain").count():  # the product-level sections, fetched after the map
                        page.locator("#base-chain[data-loaded]").wait_for(timeout=300_000)
                        later = f"{(time.perf_counter() - t0) * 1000:.0f}"
                    guard.check()
                    context.close()
                    # The same page again on the warm server, from Python: what the server alone takes.
                    t0 = time.perf_counter()
                    with urllib.request.urlopen(url, timeout=120):
                        pass
                    warm_ms = (time.perf_counter() - t0) * 1000
                drawn = "—" if t["map"] is None else f"{t['map']:.0f}"
                ready = max(float(t["load"]), float(t["map"] or 0.0))
                readies.append(ready)
                walls.append(wall)
                print(
                    f"{run:>4} {t['html']:>8.0f} {drawn:>8} {t['load']:>8.0f} {ready:>9.0f} {wall:>8.0f} {later:>17}"
                    f"  (warm html {warm_ms:.0f})"
                )
        finally:
            browser.close()
    print(f"ready: median {statistics.median(readies):.0f} ms, max {max(readies):.0f} ms")
    print(f"wall:  median {statistics.median(walls):.0f} ms, max {max(walls):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
