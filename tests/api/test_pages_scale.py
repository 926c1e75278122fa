"""Issue 15 items 3-5 over HTTP on the demo data: places, compare, paged pages, cache keys, 406, security."""

from __future__ import annotations

from pathlib import Path

import pytest
from apitools import client_for, make_settings
from fastapi.testclient import TestClient

from chainkg.api.main import create_app
from chainkg.graph.store import GraphStore
from chainkg.queries.resources import list_nodes
from chainkg.settings import Settings


def test_places_of_a_base_add_up(demo: TestClient, demo_store: GraphStore) -> None:
    r = demo.get("/analytics/places", params={"base": "sz-led"})
    assert r.status_code == 200, r.text
    body = r.json()
    ents = list_nodes(demo_store, "Enterprise", filters={"base": "sz-led"}, limit=500).items
    assert body["enterprises"] == len(ents) > 0
    assert body["placed"] + body["unplaced"] == body["enterprises"]
    assert sum(p["enterprises"] for p in body["provinces"]) == body["placed"]
    by_prov = {}
    for e in ents:
        if e.get("province"):
            by_prov[e["province"]] = by_prov.get(e["province"], 0) + 1
    assert {p["province"]: p["enterprises"] for p in body["provinces"]} == by_prov
    csv = demo.get("/analytics/places", params={"base": "sz-led", "format": "csv"})
    assert csv.status_code == 200 and "省份" in csv.text.splitlines()[0]
    csv_en = demo.get("/analytics/places", params={"base": "sz-led", "format": "csv", "lang": "en"})
    assert "province" in csv_en.text.splitlines()[0]


def test_places_of_given_keys_name_the_missing(demo: TestClient, demo_store: GraphStore) -> None:
    ents = list_nodes(demo_store, "Enterprise", limit=3).items
    keys = [e["key"] for e in ents]
    r = demo.get("/analytics/places", params={"enterprises": ",".join([*keys, "no-such-firm"])})
    assert r.status_code == 200, r.text
    assert r.json()["enterprises"] == len(keys)
    assert r.json()["missing_keys"] == ["no-such-firm"]
    assert demo.get("/analytics/places").status_code == 422
    assert demo.get("/analytics/places", params={"base": "no-such-base"}).status_code == 404


def test_compare_two_bases(demo: TestClient) -> None:
    r = demo.get("/analytics/compare", params={"bases": "sz-led,sz-hitech"})
    assert r.status_code == 200, r.text
    c = r.json()
    assert [b["key"] for b in c["bases"]] == ["sz-led", "sz-hitech"]
    assert [i["base"] for i in c["indicators"]] == ["sz-led", "sz-hitech"]
    led_gaps = {g["key"] for g in demo.get("/analytics/gaps", params={"base": "sz-led", "limit": 1000}).json()}
    hi_gaps = {g["key"] for g in demo.get("/analytics/gaps", params={"base": "sz-hitech", "limit": 1000}).json()}
    assert c["shared_gaps_total"] == len(led_gaps & hi_gaps)
    assert {g["key"] for g in c["shared_gaps"]} == led_gaps & hi_gaps
    for g in c["shared_gaps"]:
        assert sorted(g["bases"]) == ["sz-hitech", "sz-led"]
    summary = demo.get("/analytics/chain-summary", params={"base": "sz-led"}).json()
    assert c["coverage"][0]["product"] == summary["product"]
    assert c["coverage"][0]["chain_map"] is None
    for bad in ("sz-led", "sz-led,sz-led", "a,b,c,d,e,f"):
        assert demo.get("/analytics/compare", params={"bases": bad}).status_code == 422
    assert demo.get("/analytics/compare", params={"bases": "sz-led,no-such"}).status_code == 404


def test_accept_csv_on_json_only_answer_is_406(demo: TestClient) -> None:
    r = demo.get("/analytics/chain-summary", params={"base": "sz-led"}, headers={"Accept": "text/csv"})
    assert r.status_code == 406, r.text
    assert r.json()["code"] == "not_acceptable"
    ok = demo.get("/analytics/gaps", params={"base": "sz-led"}, headers={"Accept": "text/csv"})
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("text/csv")


def test_json_only_answers_say_406_in_the_openapi_document(demo: TestClient) -> None:
    r = demo.get("/analytics/policy", params={"base": "sz-led", "year": 2021}, headers={"Accept": "text/csv"})
    assert r.status_code == 406, r.text
    paths = demo.get("/openapi.json").json()["paths"]
    assert "406" in paths["/analytics/policy"]["get"]["responses"]
    assert "406" in paths["/analytics/chain-summary"]["get"]["responses"]
    assert "406" in paths["/analytics/chain-map/segment"]["get"]["responses"]
    assert "406" not in paths["/analytics/targets"]["get"]["responses"]  # targets has a CSV form


def test_default_spelled_out_hits_the_same_cache_entry(demo_store: GraphStore, tmp_path: Path) -> None:
    with client_for(demo_store, make_settings(tmp_path), cache_ttl_s=60) as demo:
        _same_entry(demo)


def _same_entry(demo: TestClient) -> None:
    cache = demo.app.state.cache  # type: ignore[attr-defined]
    assert cache.ttl_s > 0
    first = demo.get("/analytics/gaps", params={"base": "sz-led"})
    misses = cache.misses
    assert misses == 1
    again = demo.get("/analytics/gaps", params={"base": "sz-led", "depth": "3", "level": "both", "unknown": "x"})
    assert again.status_code == 200 and again.content == first.content
    assert cache.misses == misses, "depth=3 spelled out computed again"
    demo.get("/analytics/gaps", params={"base": "sz-led", "depth": "2"})
    assert cache.misses == misses + 1  # a different depth is a different answer
    demo.get("/views/chain", params={"key": "sz-led"})
    misses = cache.misses
    demo.get("/views/chain", params={"key": "sz-led", "depth": "3", "limit": "7"})  # the chain view reads no limit
    assert cache.misses == misses


def test_pages_never_422(demo: TestClient) -> None:
    for url in ("/", "/?page=abc", "/?page=999", "/ui/ranking?page=-4", "/ui/compare", "/ui/pools", "/ui/platforms"):
        r = demo.get(url)
        assert r.status_code == 200, (url, r.status_code)
    r = demo.get("/ui/compare", params={"bases": "sz-led,sz-hitech"})
    assert r.status_code == 200 and 'id="shared-gaps"' in r.text
    r = demo.get("/ui/map", params={"base": "sz-led"})
    assert r.status_code == 200 and "/static/echarts/echarts.min.js" in r.text
    assert demo.get("/static/echarts/map/china.json").status_code == 200
    assert demo.get("/static/echarts/map/province/guangdong.json").status_code == 200
    assert demo.get("/static/echarts/..%2F..%2Fpages.py").status_code == 404
    assert demo.get("/static/echarts/LICENSE").status_code == 404  # served only as scripts and map data


def test_home_pages_through_hundreds_of_bases(tmp_path: Path) -> None:
    from chainkg.graph.store.ladybug_store import LadybugStore

    store = LadybugStore(tmp_path / "g.lbug")
    store.ensure_schema()
    n = 75
    store.merge_nodes("Base", [{"key": f"b{i:03d}", "name": f"基地{i:03d}"} for i in range(n)])
    try:
        with TestClient(create_app(Settings(_env_file=None, data_dir=tmp_path), store=store)) as c:  # type: ignore[call-arg]
            home = c.get("/")
            assert home.status_code == 200
            assert "显示第 1–30 个基地，共 75 个。" in home.text  # Chinese by default
            assert "Showing bases 1–30 of 75." in c.get("/?lang=en").text
            last = c.get("/?page=3")
            assert "显示第 61–75 个基地，共 75 个。" in last.text
            charts = [u for u in last.text.split('"') if u.startswith("/charts/")]
            assert charts
            for u in charts:
                r = c.get(u.replace("&amp;", "&"))
                assert r.status_code == 200, (u, r.text[:200])
            assert c.get("/charts/indicators?format=svg").status_code == 200  # all 75: the best 40
    finally:
        store.close()


@pytest.mark.parametrize("read_key", [None, "a-read-key-123"])
def test_openapi_security_matches_what_is_enforced(read_key: str | None, tmp_path: Path) -> None:
    app = create_app(Settings(_env_file=None, data_dir=tmp_path, read_key=read_key, api_key="w-key-1234567"))  # type: ignore[call-arg]
    doc = app.openapi()
    reads = [(p, op) for p, item in doc["paths"].items() for m, op in item.items() if m == "get"]
    writes = [(p, op) for p, item in doc["paths"].items() for m, op in item.items() if m == "post"]
    assert reads and writes
    for p, op in writes:
        assert op.get("security"), p
    secured = [p for p, op in reads if op.get("security")]
    probes = {p for p, _ in reads if p in ("/health", "/ready")}
    if read_key is None:
        assert secured == []
    else:
        assert sorted(secured) == sorted(p for p, _ in reads if p not in probes)
