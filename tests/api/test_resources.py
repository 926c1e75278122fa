"""Resource endpoints through the real app on both stores: list, filters, pages, get, search."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from chainkg.api.routers.resources import RESOURCE_PATHS
from chainkg.graph.model import MODEL
from chainkg.queries.resources import filters_for, normalize_name


def keys(r: object) -> list[str]:
    assert hasattr(r, "json")
    return [i["key"] for i in r.json()["items"]]  # type: ignore[union-attr]


def test_every_model_label_has_a_collection() -> None:
    assert set(RESOURCE_PATHS) == {n.label for n in MODEL.nodes}


def test_list_and_filters(small: TestClient) -> None:
    assert keys(small.get("/bases")) == ["bj-ic", "sz-led"]
    assert keys(small.get("/bases", params={"province": "广东省"})) == ["sz-led"]
    assert keys(small.get("/bases", params={"level": "provincial"})) == ["bj-ic"]
    assert keys(small.get("/research-orgs", params={"kind": "university"})) == ["u-thu"]
    assert keys(small.get("/platforms", params={"kind": "testing"})) == ["pf-sz-test"]
    assert keys(small.get("/platforms", params={"base": "sz-led"})) == ["pf-sz-test"]
    assert keys(small.get("/enterprises", params={"base": "sz-led"})) == ["e-byd"]
    assert keys(small.get("/industries", params={"level": 2})) == ["SW2021:270100"]
    # The industry filter includes sub-industries (集成电路 is under 半导体 under 电子).
    assert keys(small.get("/enterprises", params={"industry": "SW2021:270000"})) == ["e-smic", "e-tcl"]
    assert keys(small.get("/enterprises", params={"industry": "SW2021:270102"})) == ["e-smic"]
    assert keys(small.get("/enterprises", params={"industry": "SW2021:270100", "province": "上海市"})) == ["e-smic"]
    assert keys(small.get("/enterprises", params={"province": "西藏自治区"})) == []


def test_pages_cover_everything_once(small: TestClient) -> None:
    seen: list[str] = []
    cursor = None
    pages = 0
    for _ in range(10):  # bounded: an ignored cursor fails below instead of hanging
        params: dict[str, object] = {"limit": 10}
        if cursor:
            params["cursor"] = cursor
        body = small.get("/products", params=params).json()
        seen += [i["key"] for i in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    else:
        pytest.fail("paging did not end: the cursor is not followed")
    assert pages == 3
    assert len(seen) == 27 == len(set(seen))
    assert seen == sorted(seen)


def test_get_by_key_with_odd_characters(small: TestClient) -> None:
    r = small.get("/industries/SW2021:270100")
    assert r.status_code == 200 and r.json()["name"] == "半导体"
    assert small.get("/products/a/b").json()["key"] == "a/b"
    odd = 'd\'zzit \\ "q"'
    assert small.get(f"/products/{quote(odd)}").json()["name"] == odd
    patent = small.get("/patents/CN1A").json()
    assert patent["ipc_codes"] == ["H01L 33/48"] and patent["year"] == 2021


def test_unknown_key_is_404(small: TestClient) -> None:
    r = small.get("/bases/no-such-base")
    assert r.status_code == 404
    body = r.json()
    assert body["code"] == "not_found" and "no-such-base" in body["detail"]
    assert "Traceback" not in r.text


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/bases?level=galactic", "level"),
        ("/industries?level=two", "level"),
        ("/bases?limit=0", "limit"),
        ("/bases?limit=501", "limit"),
        ("/bases?cursor=%25%25not-base64", "cursor"),
        ("/enterprises/search?q=", "q"),
        ("/enterprises/search?q=x&limit=1000", "limit"),
        ("/bases?format=xml", "format"),
    ],
)
def test_bad_parameters_are_422_with_the_field(small: TestClient, url: str, field: str) -> None:
    r = small.get(url)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert r.json()["code"] == "invalid_input"


def test_search_raw_and_normalized(small: TestClient) -> None:
    def hits(q: str) -> list[tuple[str, str]]:
        r = small.get("/enterprises/search", params={"q": q})
        assert r.status_code == 200
        return [(h["item"]["key"], h["match"]) for h in r.json()["hits"]]

    assert hits("比亚迪")[0] == ("e-byd", "exact")
    assert hits("亚迪") == [("e-byd", "substring")]
    assert hits("比亚迪股份有限公司")[0] == ("e-byd", "exact")  # the full name
    assert hits("中芯国际有限公司") == [("e-smic", "normalized")]  # suffix stripped from the query
    assert hits("ＴＣＬ科技")[0] == ("e-tcl", "prefix")  # full-width letters fold to half-width, case-free
    assert hits("tcl 科技集团") == [("e-tcl", "normalized")]  # space dropped, 集团 stripped
    assert hits("e-smic") == [("e-smic", "key")]
    assert hits("不存在的公司") == []
    r = small.get("/research-orgs/search", params={"q": "清华"})
    assert r.json()["hits"][0]["item"]["key"] == "u-thu"
    assert small.get("/patents/search", params={"q": "LED封装"}).json()["hits"][0]["item"]["key"] == "CN1A"


def test_csv_by_parameter_and_accept_header(small: TestClient) -> None:
    small.headers["Accept-Language"] = "en"  # English headers, to compare with the JSON field names
    for r in (small.get("/bases?format=csv"), small.get("/bases", headers={"Accept": "text/csv"})):
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert [row["key"] for row in rows] == ["bj-ic", "sz-led"]
        assert rows[1]["name"] == "深圳LED创新基地"


def test_resource_types(small: TestClient) -> None:
    body = small.get("/resources").json()
    by_path = {r["path"]: r for r in body}
    assert by_path["/bases"]["count"] == 2
    assert set(by_path["/platforms"]["filters"]) == {f.name for f in filters_for("Platform")}


def test_normalize_name() -> None:
    assert normalize_name("比亚迪股份有限公司") == "比亚迪"
    assert normalize_name("ＴＣＬ 科技（集团）") == "tcl科技"
    assert normalize_name(" Huawei Technologies Co., Ltd. ") == "huaweitechnologies"
