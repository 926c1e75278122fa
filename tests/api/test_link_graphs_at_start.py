"""The API fetches the link graphs when it starts, so no planner's first question waits for them."""

from __future__ import annotations

from pathlib import Path

from apitools import WRITE_KEY, client_for, make_settings

from chainkg.graph.store import GraphStore
from chainkg.queries.chainengine import DEFAULT_MAX_LINKS, engine_for


def test_start_fetches_both_link_graphs(small_store: GraphStore, tmp_path: Path) -> None:
    engine_for(small_store).forget()
    with client_for(small_store, make_settings(tmp_path)) as c:
        assert c.get("/health").status_code == 200
        assert engine_for(small_store).is_held("product")
        assert engine_for(small_store).is_held("industry")


def test_a_limit_of_zero_holds_nothing(small_store: GraphStore, tmp_path: Path) -> None:
    engine_for(small_store).forget()
    try:
        with client_for(small_store, make_settings(tmp_path, chain_index_links=0)) as c:
            assert c.get("/health").status_code == 200
            assert not engine_for(small_store).is_held("product")
            assert engine_for(small_store).level_graph("product") is None  # walked in the store instead
    finally:
        engine_for(small_store).set_limit(DEFAULT_MAX_LINKS)


def test_an_upload_fetches_them_again(store: GraphStore, tmp_path: Path) -> None:
    """After a load over HTTP the graphs are held for the new data, before anyone asks."""
    with client_for(store, make_settings(tmp_path, api_key=WRITE_KEY)) as c:
        before = engine_for(store).level_graph("product")
        assert before is not None and len(before) == 0
        for name, body in (
            ("product.csv", "name\n多晶硅\n硅片\n电池片\n"),
            ("input_to.csv", "src,dst\n多晶硅,硅片\n硅片,电池片\n"),
        ):
            files = {"file": (name, body.encode(), "text/csv")}
            r = c.post("/ingest", files=files, headers={"X-API-Key": WRITE_KEY})
            assert r.status_code == 200, r.text
        assert engine_for(store).is_held("product")  # fetched by the upload, not by a question
        after = engine_for(store).level_graph("product")
        assert after is not None and len(after) == 2
