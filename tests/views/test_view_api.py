"""The view, export, chart, asset and page routes through the real app, on both stores."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

import networkx as nx
import openpyxl
import pytest
from fastapi.testclient import TestClient

from chainkg.api.main import create_app
from chainkg.graph.store import GraphStore
from chainkg.settings import Settings

warnings.filterwarnings("ignore", message=".*httpx2.*")


@pytest.fixture(scope="module")
def client(mini: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("unused"))
    with TestClient(create_app(settings, store=mini, cache_ttl_s=0)) as c:
        yield c


@pytest.mark.parametrize(
    "url",
    [
        "/views/chain?key=b-sz",
        "/views/gap?key=b-sz&segment=Product:衬底",
        "/views/alliance?key=al-1",
        "/views/collab?key=e2&method=jaccard",
        "/views/pool?key=pp-1",
        "/views/ego?label=Base&key=b-sz&depth=2",
    ],
)
def test_views_are_pages_that_load_only_local_assets(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<script src="/static/vendor/vis-network.min.js"></script>' in r.text
    assert "https://" not in r.text.split('id="chainkg-data"')[0]
    assert client.get("/static/vendor/vis-network.min.js").status_code == 200


def test_view_errors_are_pages(client: TestClient) -> None:
    r = client.get("/views/chain?key=nope")
    assert r.status_code == 404 and "nope" in r.text and r.headers["content-type"].startswith("text/html")
    assert client.get("/views/ego?label=Company&key=e1").status_code == 422
    assert client.get("/views/map?key=x").status_code == 422
    assert client.get("/views/chain").status_code == 422  # key is required


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "nodes.csv", "edges.csv", "xlsx", "html"])
def test_exports_download(client: TestClient, fmt: str) -> None:
    r = client.get("/views/chain/export", params={"key": "b-sz", "format": fmt})
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"] and "chainkg-chain-b-sz" in r.headers["content-disposition"]
    if fmt == "graphml":
        g = nx.read_graphml(io.BytesIO(r.content))
        assert g.nodes["Product:衬底"]["status"] == "gap"
    elif fmt == "gexf":
        assert nx.read_gexf(io.BytesIO(r.content)).number_of_nodes() == 7
    elif fmt == "xlsx":
        assert openpyxl.load_workbook(io.BytesIO(r.content)).sheetnames == ["nodes", "edges"]
    elif fmt == "html":
        assert "vis.Network" in r.text and "/static/vendor" not in r.text  # standalone: inlined
    else:
        assert r.content.startswith(b"\xef\xbb\xbf")


def test_export_of_a_chinese_key(client: TestClient) -> None:
    r = client.get("/views/ego/export", params={"label": "Product", "key": "衬底", "format": "nodes.csv"})
    assert r.status_code == 200 and "衬底" in r.content.decode("utf-8-sig")
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    assert client.get("/views/chain/export", params={"key": "b-sz", "format": "pdf"}).status_code == 422


@pytest.mark.parametrize(
    ("chart", "fmt", "magic"), [("indicators", "png", b"\x89PNG"), ("completeness", "svg", b"<?xml")]
)
def test_charts(client: TestClient, chart: str, fmt: str, magic: bytes) -> None:
    r = client.get(f"/charts/{chart}", params={"format": fmt})
    assert r.status_code == 200 and r.content.startswith(magic)
    one = client.get(f"/charts/{chart}", params={"format": fmt, "bases": "b-sz"})
    assert one.status_code == 200
    assert client.get(f"/charts/{chart}", params={"bases": "nope"}).status_code == 422


def test_static_files_are_confined(client: TestClient) -> None:
    assert client.get("/static/chainkg.css").headers["content-type"].startswith("text/css")
    for bad in ("/static/..%2Fviews.py", "/static/.hidden", "/static/vendor/../../main.py", "/static/vendor/nope.js"):
        assert client.get(bad).status_code == 404


@pytest.mark.parametrize(
    ("url", "expect"),
    [
        ("/", ["深圳测试基地", "上海测试基地", "/charts/indicators?format=svg"]),
        ("/ui/bases/b-sz", ["深圳测试基地", "/views/chain?key=b-sz", "产业链图谱", "检测", "测试产业联盟"]),
        ("/ui/base-chain?key=b-sz", ["衬底", "丙材料", "/views/gap?key=b-sz"]),
        ("/ui/alliances", ["测试产业联盟"]),
        ("/ui/alliances/al-1", ["测试产业联盟", "甲光电", "理事长单位", "外延片"]),
        ("/ui/search?q=光电", ["甲光电", "/views/ego?label=Enterprise"]),
        ("/ui/search?q=", ["输入名称"]),
    ],
)
def test_pages(client: TestClient, url: str, expect: list[str]) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text[:500]
    for text in expect:
        assert text in r.text, text
    assert "&lt;script&gt;" in r.text or "<script>alert" not in r.text


def test_page_errors(client: TestClient) -> None:
    r = client.get("/ui/bases/nope")
    assert r.status_code == 404 and "nope" in r.text and "<html" in r.text


def test_views_are_documented_in_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/views/{kind}", "/views/{kind}/export", "/charts/{chart}"} <= set(paths)
    assert "/" not in paths and "/ui/search" not in paths
