"""The chain map view (产业链图谱视图) on the small hand-built graph with the test map mini-led,
on both stores: the layout (stages as columns, children nested), the flow, the statuses, a base
without a map, and the JSON and page routes."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from minigraph import load_mini
from storetools import TEST_DATA, fresh_store

from chainkg.api.main import create_app
from chainkg.errors import NotFoundError
from chainkg.graph.store import GraphStore
from chainkg.ingest.pipeline import ingest_paths
from chainkg.queries.chainengine.segments import SegmentAnswer, StageRef
from chainkg.settings import Settings
from chainkg.views.chainmap import chain_map_view, layout

warnings.filterwarnings("ignore", message=".*httpx2.*")

MAP = "mini-led"


@pytest.fixture(scope="module", params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def mapped(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The mini graph with the test map mini-led loaded on top (its segments derived)."""
    s = fresh_store(request.param, tmp_path_factory.mktemp("cmap") / f"g-{uuid.uuid4().hex}.lbug")
    load_mini(s)
    ingest_paths(s, [TEST_DATA / "maps" / "mini-led.yaml"])
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module")
def client(mapped: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("unused"))
    with TestClient(create_app(settings, store=mapped, cache_ttl_s=0)) as c:
        yield c


def test_stages_are_columns_and_children_nest(mapped: GraphStore) -> None:
    v = chain_map_view(mapped, "b-sz", MAP)
    assert v.map is not None and v.map.key == MAP and v.message is None
    assert [c.key for c in v.columns] == [f"{MAP}/upstream", f"{MAP}/midstream", f"{MAP}/downstream"]
    assert [c.name for c in v.columns] == ["上游", "中游", "下游"]
    top = {c.key: [b.key for b in c.boxes] for c in v.columns}
    assert top[f"{MAP}/upstream"] == [f"{MAP}/substrate", f"{MAP}/nothing"]  # the file's order
    assert top[f"{MAP}/midstream"] == [f"{MAP}/chip", f"{MAP}/packaging"]
    apps = next(b for b in v.columns[2].boxes if b.key == f"{MAP}/apps")
    assert sorted(k.key for k in apps.children) == [f"{MAP}/display", f"{MAP}/lighting"]
    assert f"{MAP}/display" not in top[f"{MAP}/downstream"]  # nested, not a second box
    # Every segment of the map is drawn exactly once.
    drawn = [b.key for c in v.columns for b in c.boxes] + [
        k.key for c in v.columns for b in c.boxes for k in b.children
    ]
    assert sorted(drawn) == sorted(a.key for a in v.segments) and len(drawn) == 7


def test_flow_follows_the_feeds_of_the_file(mapped: GraphStore) -> None:
    v = chain_map_view(mapped, "b-sz", MAP)
    flow = {(f.src.split("/")[1], f.dst.split("/")[1]) for f in v.flow}
    assert {("substrate", "chip"), ("nothing", "chip"), ("chip", "packaging")} <= flow
    named = next(f for f in v.flow if f.src.endswith("/substrate"))
    assert (named.src_name, named.dst_name) == ("衬底材料", "LED芯片")


def test_statuses_and_counts(mapped: GraphStore) -> None:
    v = chain_map_view(mapped, "b-sz", MAP)
    by = {a.segment: a for a in v.segments}
    # 'nothing' matches a product the data does not hold: nobody anywhere is in it.
    assert (by["nothing"].status, by["nothing"].makers_count, by["nothing"].status_zh) == (
        "no_supplier",
        0,
        "无已知供应商",
    )
    for a in v.segments:
        expected = (
            "covered"
            if a.base_count >= 2
            else "weak"
            if a.base_count == 1
            else "gap"
            if a.makers_count
            else "no_supplier"
        )
        assert a.status == expected, a.key
    assert sum(v.counts.values()) == 7
    assert v.counts["no_supplier"] == sum(1 for a in v.segments if a.makers_count == 0)
    boxes = {b.key: b for c in v.columns for b in c.boxes}
    assert boxes[f"{MAP}/nothing"].status == "no_supplier"


def test_a_base_without_a_map_gets_the_choice(mapped: GraphStore) -> None:
    v = chain_map_view(mapped, "b-sz")
    assert v.map is None and v.columns == []
    assert v.message is not None and "尚未指定产业链图谱" in v.message
    assert [c.key for c in v.choices] == [MAP]
    mine = chain_map_view(mapped, "b-sz", MAP)
    firms = {f.key for a in mine.segments for f in a.base_firms}
    assert v.choices[0].base_firms == len(firms) > 0


def test_unknown_map_and_base(mapped: GraphStore) -> None:
    with pytest.raises(NotFoundError, match="nope"):
        chain_map_view(mapped, "b-sz", "nope")
    with pytest.raises(NotFoundError):
        chain_map_view(mapped, "no-such-base", MAP)


def _answer(key: str, stage: str, parent: str | None = None) -> SegmentAnswer:
    return SegmentAnswer(
        map="m", key=key, segment=key, name=key, stage=stage, stage_name=stage, parent=parent, status="gap",
        status_zh="缺口", base_firms=[], base_count=0, makers=[], makers_count=1, products=[], products_count=0,
        why="", why_zh="",
    )  # fmt: skip


def test_layout_keeps_an_orphan_child_and_an_unlisted_stage() -> None:
    stages = [StageRef(key="up", name="上游", position=0), StageRef(key="down", name="下游", position=1)]
    answers = [
        _answer("a", "up"),
        _answer("b", "up", parent="a"),
        _answer("c", "down", parent="gone"),
        _answer("d", "x"),
    ]
    cols = layout(stages, answers)
    assert [c.key for c in cols] == ["up", "down", "x"]
    assert [(b.key, [k.key for k in b.children]) for b in cols[0].boxes] == [("a", ["b"])]
    assert [b.key for b in cols[1].boxes] == ["c"]  # its parent is not in the map: it stands alone


def test_json_route(client: TestClient) -> None:
    r = client.get("/analytics/chain-map", params={"base": "b-sz", "map": MAP})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["map"]["key"] == MAP and len(body["columns"]) == 3 and len(body["segments"]) == 7
    csv = client.get("/analytics/chain-map", params={"base": "b-sz", "map": MAP, "format": "csv"})
    assert csv.status_code == 200 and "衬底材料" in csv.text
    none = client.get("/analytics/chain-map", params={"base": "b-sz"}).json()
    assert none["map"] is None and none["choices"][0]["key"] == MAP and "尚未指定" in none["message"]
    assert client.get("/analytics/chain-map", params={"base": "b-sz", "map": "nope"}).status_code == 404
    assert client.get("/analytics/chain-map", params={"base": "b-sz", "map": "Bad Key"}).status_code == 422
    seg = client.get("/analytics/chain-map/segment", params={"base": "b-sz", "map": MAP, "segment": "chip"})
    assert seg.status_code == 200 and seg.json()["key"] == f"{MAP}/chip"
    assert "/analytics/chain-map" in client.get("/openapi.json").json()["paths"]


def test_pages(client: TestClient) -> None:
    page = client.get("/ui/bases/b-sz", params={"map": MAP})
    assert page.status_code == 200
    for text in (
        'data-seg="mini-led/chip"',
        "衬底材料",
        "已覆盖",
        "/static/chainmap.js",
        'id="cmap-data"',
        "/views/chain?key=b-sz",
    ):
        assert text in page.text, text
    assert "<iframe" not in page.text  # the product graph is a link now, not computed with the page
    empty = client.get("/ui/bases/b-sz")
    assert "尚未指定产业链图谱" in empty.text and "/ui/bases/b-sz?map=mini-led" in empty.text
    alone = client.get("/ui/chainmap", params={"base": "b-sz", "map": MAP})
    assert alone.status_code == 200 and 'data-seg="mini-led/apps"' in alone.text
    missing = client.get("/ui/bases/b-sz", params={"map": "nope"})
    assert missing.status_code == 404 and "nope" in missing.text
    assert (
        client.get("/static/chainmap.js")
        .headers["content-type"]
        .startswith(("application/javascript", "text/javascript"))
    )


def test_page_data_cannot_close_its_script(client: TestClient) -> None:
    page = client.get("/ui/bases/b-sz", params={"map": MAP}).text
    data = page.split('id="cmap-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and '"segments"' in data
