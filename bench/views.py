"""How fast a big chain view becomes usable in headless Chromium (issue: ≤ 3 s for 2,000 nodes).

For synthetic chains of several sizes (chainkg.views.chain.synthetic_chain; the view caps at
2,000 nodes), this prints the Python time to build and render the standalone page, its
size, and — over several loads in Debian's headless Chromium with the network off — the
time from navigation start until vis-network has drawn the view once (``window.chainkgReady``,
set on the first ``afterDrawing``; from then on the view pans, zooms and shows tooltips) and
the time of one redraw after a zoom.

    python bench/views.py                 # sizes 500 1000 2000 5000, 5 loads each
    python bench/views.py --sizes 2000 --runs 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from harness import CHROMIUM_ARGS, Guard, chromium_path

from chainkg.views.chain import MAX_CHAIN_NODES, chain_view_from_graph, synthetic_chain
from chainkg.views.render import write_html

REDRAW_JS = """() => new Promise(done => {
  const n = window.chainkgNetwork, t0 = performance.now();
  n.once('afterDrawing', () => done(performance.now() - t0));
  n.moveTo({scale: n.getScale() * 1.5});
})"""


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 5000])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    exe = chromium_path()
    if exe is None:
        print("chromium not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    print(f"CPUs: {os.cpu_count()}  chromium: {exe}  runs per size: {args.runs}  cap: {MAX_CHAIN_NODES} nodes")
    header = (
        f"{'segments':>9} {'drawn':>6} {'links':>6} {'build+render ms':>16} {'page MB':>8} "
        f"{'ready median ms':>16} {'ready p95 ms':>13} {'zoom redraw ms':>15}"
    )
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        print(f"chromium {browser.version}")
        print(header)
        for n in args.sizes:
            t0 = time.perf_counter()
            view = chain_view_from_graph(synthetic_chain(n, seed=7), key="synthetic", base_name="合成基地")
            path = write_html(view, Path(tmp) / f"chain-{n}.html")
            build_ms = (time.perf_counter() - t0) * 1000
            ready: list[float] = []
            redraw: list[float] = []
            for _ in range(args.runs):
                ctx = browser.new_context(viewport={"width": 1400, "height": 900})
                page = ctx.new_page()
                guard = Guard()
                guard.attach(page)
                page.goto(path.as_uri())
                page.wait_for_function("window.chainkgReady !== undefined", timeout=60_000)
                ready.append(float(page.evaluate("window.chainkgReady")))
                redraw.append(float(page.evaluate(REDRAW_JS)))
                guard.check()
                ctx.close()
            print(
                f"{n:>9} {view.shown_nodes:>6} {view.shown_edges:>6} {build_ms:>16.0f} "
                f"{path.stat().st_size / 1e6:>8.2f} {statistics.median(ready):>16.0f} {p95(ready):>13.0f} "
                f"{statistics.median(redraw):>15.0f}"
            )
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
