"""Examples for the OpenAPI document: real answers on the demo data, trimmed.

The examples live in ``chainkg/api/examples.json``, package data (generated; do not edit by
hand). Regenerate them after a change to a result model, an answer or the demo data with::

    python -m chainkg.api.examples

which loads the demo into a throw-away embedded store, calls every analytics endpoint
through the real app, keeps the first two rows of every list and cuts long texts.
``tests/api/test_openapi.py`` checks that every example still fits its response model, and
``tests/api/test_examples_fresh.py`` that the file is what the code answers today.
"""

from __future__ import annotations

import json
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

GENERATED = Path(__file__).with_name("examples.json")

DEMO_CALLS: dict[str, str] = {
    "base_chain": "/analytics/chain?base={base}",
    "chain_summary": "/analytics/chain-summary?base={base}",
    "find_gaps": "/analytics/gaps?base={base}",
    "weak_links": "/analytics/weak-links?base={base}",
    "what_if": "/analytics/what-if?base={base}&remove={enterprise}",
    "fill_candidates": "/analytics/candidates?base={base}&segment={segment}",
    "complementarity": "/analytics/complement?base={base}",
    "collaboration_opportunities": "/analytics/collaboration?org={enterprise}",
    "alliance_map": "/analytics/alliance-map?alliance={alliance}",
    "patent_pool_analysis": "/analytics/patent-pool?pool={pool}",
    "platform_coverage": "/analytics/platform-coverage?base={base}",
    "base_indicators": "/analytics/indicators?base={base}",
    "rank_bases": "/analytics/ranking",
    "enterprise_places": "/analytics/places?base={base}",
    "compare_bases": "/analytics/compare?bases={base},{other_base}",
    "base_targets": "/analytics/targets?base={base}&year=2021",
    "policy_profile": "/analytics/policy?base={base}&year=2021",
    "indicator_history": "/analytics/indicator-history?base={base}",
    "list_maps": "/analytics/maps",
    "map_report": "/analytics/maps/{map}/report",
    "segment_gaps": "/analytics/segments?base={base}&map={map}",
    "segment_what_if": "/analytics/segment-what-if?base={base}&map={map}&remove={enterprise}",
    "segment_candidates": "/analytics/segment-candidates?base={base}&map={map}&segment={map_segment}",
    "segment_complement": "/analytics/segment-complement?a={base}&b=sz-hitech&map={map}",
    "alliance_segments": "/analytics/alliance-segments?alliance={alliance}&map={map}",
    "chain_map_view": "/analytics/chain-map?base={base}&map={map}",
    "chain_map_segment": "/analytics/chain-map/segment?base={base}&map={map}&segment={map_segment}",
}
"""Operation id -> the demo call whose answer is its example."""


def example_for(operation_id: str) -> Any:
    """The stored example answer of ``operation_id`` (None before the first generation)."""
    return stored().get(operation_id)


@cache
def stored() -> dict[str, Any]:
    """Every stored example, by operation id (empty before the first generation)."""
    if not GENERATED.exists():
        return {}
    found: dict[str, Any] = json.loads(GENERATED.read_text(encoding="utf-8"))
    return found


def trim(value: Any, rows: int = 2, chars: int = 70) -> Any:
    """Keep the first ``rows`` items of every list and the first ``chars`` characters of every text."""
    if isinstance(value, list):
        return [trim(v, rows, chars) for v in value[:rows]]
    if isinstance(value, dict):
        return {k: trim(v, rows, chars) for k, v in value.items()}
    if isinstance(value, str) and len(value) > chars:
        return value[: chars - 1] + "…"
    return value


def generate(params: dict[str, str] | None = None) -> dict[str, Any]:
    """Call every endpoint of :data:`DEMO_CALLS` on the demo data and return the trimmed answers."""
    import warnings

    from fastapi.testclient import TestClient

    from chainkg.api.main import create_app
    from chainkg.graph.store.ladybug_store import LadybugStore
    from chainkg.ingest.demo import load_demo
    from chainkg.settings import Settings

    warnings.filterwarnings("ignore")
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = LadybugStore(Path(tmp) / "g.lbug")
        try:
            store.ensure_schema()
            load_demo(store)
            app = create_app(Settings(_env_file=None, data_dir=Path(tmp)), store=store)
            with TestClient(app) as client:
                values = params or demo_params(client)
                for op, url in DEMO_CALLS.items():
                    r = client.get(url.format(**values))
                    if r.status_code == 200:
                        out[op] = trim(r.json())
                    else:
                        print(f"{op}: {r.status_code} {r.text[:200]}", file=sys.stderr)
        finally:
            store.close()
    return out


def demo_params(client: Any) -> dict[str, str]:
    """Keys from the demo data to call the endpoints with: the first base, enterprise, alliance, pool."""

    def first(path: str, **params: str) -> str:
        items = client.get(path, params={"limit": 1, **params}).json()["items"]
        return str(items[0]["key"]) if items else ""

    from chainkg.ingest.demo import DEMO_BASES

    keys = [b["key"] for b in client.get("/bases", params={"limit": 100}).json()["items"]]
    base = next((b for b in DEMO_BASES if b in keys), keys[0] if keys else "")
    enterprise = first("/enterprises", base=base) or first("/enterprises")
    gaps = client.get("/analytics/gaps", params={"base": base, "level": "product"})
    segment = ""
    if gaps.status_code == 200 and gaps.json():
        segment = str(gaps.json()[0]["key"])
    other_base = next((b for b in DEMO_BASES if b in keys and b != base), "")
    maps = client.get("/analytics/maps").json()
    map_key = str(maps[0]["key"]) if maps else ""
    map_segment = ""
    if map_key:
        seg = client.get("/analytics/segments", params={"base": base, "map": map_key})
        if seg.status_code == 200:
            found = [s for s in seg.json()["maps"][0]["segments"] if s["status"] == "gap"]
            map_segment = str(found[0]["segment"]) if found else ""
    return {
        "map": map_key,
        "map_segment": map_segment,
        "base": base,
        "other_base": other_base,
        "enterprise": enterprise,
        "alliance": first("/alliances"),
        "pool": first("/patent-pools"),
        "segment": segment,
    }


def dumps(examples: dict[str, Any]) -> str:
    """The examples as the file holds them (stable order, so a regeneration diffs cleanly)."""
    return json.dumps(examples, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write(examples: dict[str, Any], path: Path = GENERATED) -> None:
    """Write the examples as JSON package data."""
    path.write_text(dumps(examples), encoding="utf-8")


if __name__ == "__main__":
    found = generate()
    write(found)
    print(f"wrote {len(found)} examples to {GENERATED}")
