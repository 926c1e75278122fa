"""An upload to a read-only worker: the one writer records what it wrote and refreshes the kept
link graphs from the previous version's; the worker then loads them and fetches nothing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from apitools import WRITE_KEY, make_settings
from fastapi.testclient import TestClient

from chainkg.api.main import create_app
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.demo import load_demo
from chainkg.queries import products
from chainkg.queries.chainengine import ChainEngine
from chainkg.queries.chainengine import engine as engine_module
from chainkg.queries.chainengine.disk import JOURNAL, fingerprint


def test_an_upload_refreshes_the_kept_graphs_and_the_worker_loads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, api_key=WRITE_KEY)
    store = LadybugStore(settings.ladybug_path)
    store.ensure_schema()
    load_demo(store)
    rows = store.execute("MATCH (x:Product)-[:INPUT_TO]->(p:Product) RETURN x.key AS a, p.key AS b LIMIT 4")
    store.close()
    pair = (rows[0]["a"], rows[3]["b"])  # a link the demo does not have
    app = create_app(settings, cache_ttl_s=0, read_only=True)
    with TestClient(app, raise_server_exceptions=False) as c:
        engine: ChainEngine = app.state.engine
        gaps_before = c.get("/analytics/gaps", params={"base": "sz-led"})
        assert gaps_before.status_code == 200
        assert engine.disk is not None
        fetched: list[str] = []  # whole fetches from here on, by the writer or the worker
        fetch_level, fetch_info = engine_module.fetch_level, products._fetch
        monkeypatch.setattr(engine_module, "fetch_level", lambda *a: fetched.append(a[1]) or fetch_level(*a))
        monkeypatch.setattr(products, "_fetch", lambda s: fetched.append("product_info") or fetch_info(s))
        r = c.post(
            "/ingest",
            files={"file": ("input_to.csv", f"src,dst\n{pair[0]},{pair[1]}\n".encode(), "text/csv")},
            headers={"X-API-Key": WRITE_KEY},
        )
        assert r.status_code == 200, r.text
        # The writer's record: the pair it wrote, from the version kept before to the new one.
        records = [json.loads(line) for line in (engine.disk.folder / JOURNAL).read_text("utf-8").splitlines()]
        assert [list(pair)] in [rec["rels"].get("INPUT_TO") for rec in records]
        made_before = dict(engine.made)
        assert c.get("/analytics/gaps", params={"base": "sz-led"}).status_code == 200
        print_ = fingerprint(app.state.store)
        assert print_ is not None and engine.disk.load_graph("product", print_) is not None
        # The worker took what the writer kept for the new data: nothing fetched.
        assert engine.made["fetched"] == made_before["fetched"], (made_before, engine.made)
        # (Loaded, or taken over under the name the worker sees: the writer's close checkpoints
        # the file, so the size in the name may differ while the data stamp is the same.)
        assert engine.made["loaded"] + engine.made["refreshed"] == 3
        graph = engine.level_graph("product")
        assert graph is not None
        a, b = graph.ids[pair[0]], graph.ids[pair[1]]
        assert a in graph.src[graph.incoming(np.array([b]))].tolist()
        assert fetched == []  # the writer refreshed from the previous version: nothing fetched whole
