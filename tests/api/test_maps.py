"""The chain-map routes over the real app on both stores (graph of tests/queries/segments_graph.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from apitools import client_for, make_settings
from fastapi.testclient import TestClient
from segments_graph import build
from storetools import Seed

from chainkg.graph.store import GraphStore


@pytest.fixture
def client(seeded: Callable[[Seed], GraphStore], tmp_path: Path) -> Iterator[TestClient]:
    with client_for(seeded(build), make_settings(tmp_path)) as c:
        yield c


def test_maps_and_report(client: TestClient) -> None:
    r = client.get("/analytics/maps")
    assert r.status_code == 200
    assert [(m["key"], m["segments"]) for m in r.json()] == [("mini-led", 7)]
    rep = client.get("/analytics/maps/mini-led/report").json()
    assert rep["defects"] == ["mini-led/nothing"]
    csv = client.get("/analytics/maps/mini-led/report", params={"format": "csv"})
    assert csv.status_code == 200 and csv.text.count("\n") >= 8  # header + 7 segments
    assert client.get("/analytics/maps/nope/report").status_code == 404
    assert client.get("/analytics/maps/Bad Key/report").status_code == 422


def test_segments_and_drill_down(client: TestClient) -> None:
    r = client.get("/analytics/segments", params={"base": "b1", "map": "mini-led"})
    assert r.status_code == 200
    body = r.json()
    assert body["maps"][0]["counts"] == {"covered": 1, "weak": 4, "gap": 1, "no_supplier": 1}
    assert client.get("/analytics/segments", params={"base": "b1"}).json()["default_maps"] is True
    one = client.get("/analytics/segments", params={"base": "b1", "map": "mini-led", "segment": "chip"}).json()
    assert [s["status"] for s in one["maps"][0]["segments"]] == ["gap"]
    assert client.get("/analytics/segments", params={"base": "b2"}).status_code == 422  # no map of its own
    assert client.get("/analytics/segments", params={"base": "nope", "map": "mini-led"}).status_code == 404


def test_segment_what_if_candidates_complement_alliance(client: TestClient) -> None:
    w = client.get("/analytics/segment-what-if", params={"base": "b1", "map": "mini-led", "remove": "E3"}).json()
    assert [x["key"] for x in w["lost"]] == ["mini-led/display"]
    c = client.get("/analytics/segment-candidates", params={"base": "b1", "map": "mini-led", "segment": "chip"})
    assert [x["key"] for x in c.json()] == ["E5"]
    comp = client.get("/analytics/segment-complement", params={"a": "b1", "b": "b2", "map": "mini-led"}).json()
    assert [p["key"] for p in comp["a_fills_b"]] == ["mini-led/substrate", "mini-led/lighting"]
    al = client.get("/analytics/alliance-segments", params={"alliance": "al1", "map": "mini-led"}).json()
    assert al["counts"] == {"covered": 1, "weak": 1, "gap": 4, "no_supplier": 1}
    seg = client.get("/chain-segments/mini-led/chip")
    assert seg.status_code == 200 and seg.json()["name"] == "LED芯片"


def test_upload_a_map_file(store: GraphStore, tmp_path: Path) -> None:
    from apitools import WRITE_KEY
    from segments_graph import MINI

    text = MINI.read_text(encoding="utf-8").replace("key: mini-led", "key: up-led", 1)
    with client_for(store, make_settings(tmp_path, api_key=WRITE_KEY)) as c:
        r = c.post("/ingest", files={"file": ("up-led.yaml", text.encode())}, headers={"X-API-Key": WRITE_KEY})
        assert r.status_code == 200, r.text
        assert r.json()["files"][0]["type"] == "ChainMap"
        assert [m["key"] for m in c.get("/analytics/maps").json()] == ["up-led"]
        bad = c.post("/ingest", files={"file": ("bad.yaml", b"key: x\nname: [\n")}, headers={"X-API-Key": WRITE_KEY})
        assert bad.status_code == 200 and bad.json()["rejections"][0]["file"] == "bad.yaml"
