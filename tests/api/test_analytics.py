"""Every analytics endpoint's happy path on the demo data, its CSV form and its errors, on both stores."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from fastapi.testclient import TestClient

from chainkg.api.examples import DEMO_CALLS
from chainkg.api.routers.analytics import MAX_DEPTH


def rows_of(r: object) -> list[dict[str, str]]:
    assert hasattr(r, "content")
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))  # type: ignore[union-attr]


def test_every_endpoint_answers_on_the_demo(demo: TestClient, demo_keys: dict[str, str]) -> None:
    p = demo_keys
    assert all(p.values()), p
    answers = {}
    for op, url in DEMO_CALLS.items():
        r = demo.get(url.format(**{k: quote(v) for k, v in p.items()}))
        assert r.status_code == 200, (op, r.text[:500])
        answers[op] = r.json()
        assert answers[op], f"{op} answered nothing on the demo"

    gaps = answers["find_gaps"]
    assert all(g["why"] and g["why_zh"] and g["path_text"] for g in gaps)
    assert [g["score"] for g in gaps if g["level"] == "product"] == sorted(
        (g["score"] for g in gaps if g["level"] == "product"), reverse=True
    )
    chain = answers["base_chain"]
    assert chain["base"]["key"] == p["base"] and chain["segments"]
    kept = {(s["level"], s["key"]) for s in chain["segments"]}
    assert all((lk["level"], lk["src"]) in kept and (lk["level"], lk["dst"]) in kept for lk in chain["links"])
    assert answers["collaboration_opportunities"][0]["explanation"]
    assert answers["alliance_map"]["definition"] and answers["alliance_map"]["members"]
    assert answers["patent_pool_analysis"]["contributors"]
    assert answers["rank_bases"][0]["rank"] == 1
    assert answers["what_if"]["removed"][0]["key"] == p["enterprise"] or answers["what_if"]["removed"]
    assert answers["fill_candidates"]["segment"]


def test_csv_forms(demo: TestClient, demo_keys: dict[str, str]) -> None:
    demo.headers["Accept-Language"] = "en"  # English headers, to compare with the JSON field names
    p = demo_keys
    base = quote(p["base"])
    gaps = demo.get(f"/analytics/gaps?base={base}&format=csv")
    assert gaps.headers["content-type"].startswith("text/csv")
    assert "attachment" in gaps.headers["content-disposition"]
    as_json = demo.get(f"/analytics/gaps?base={base}").json()
    rows = rows_of(gaps)
    assert [r["key"] for r in rows] == [g["key"] for g in as_json]
    assert rows[0]["path"].startswith("[")  # nested values as JSON text
    by_accept = demo.get(f"/analytics/gaps?base={base}", headers={"Accept": "text/csv"})
    assert by_accept.content == gaps.content

    recruits = demo.get(f"/analytics/alliance-map?alliance={quote(p['alliance'])}&format=csv&table=recruits")
    assert recruits.status_code == 200
    full = demo.get(f"/analytics/alliance-map?alliance={quote(p['alliance'])}").json()
    assert len(rows_of(recruits)) == len(full["recruits"])
    chain_links = demo.get(f"/analytics/chain?base={base}&format=csv&table=links")
    assert chain_links.status_code == 200 and "strength" in chain_links.text.splitlines()[0]
    ranking = rows_of(demo.get("/analytics/ranking?format=csv"))
    assert ranking[0]["rank"] == "1"
    # An answer that is not a table says so.
    assert demo.get(f"/analytics/chain-summary?base={base}&format=csv").status_code == 422


NOT_FOUND = [
    "/analytics/chain?base=no-such-base",
    "/analytics/gaps?base=no-such-base",
    "/analytics/weak-links?base=no-such-base",
    "/analytics/chain-summary?base=no-such-base",
    "/analytics/complement?base=no-such-base",
    "/analytics/complementarity?base=no-such-base",  # the old name, kept one release
    "/analytics/what-if?base=no-such-base&remove=x",
    "/analytics/candidates?base=no-such-base&segment=x",
    "/analytics/fill-candidates?base=no-such-base&segment=x",  # the old name, kept one release
    "/analytics/collaboration?org=no-such-org",
    "/analytics/alliance-map?alliance=no-such-alliance",
    "/analytics/patent-pool?pool=no-such-pool",
    "/analytics/platform-coverage?base=no-such-base",
    "/analytics/indicators?base=no-such-base",
]


def test_unknown_keys_are_404(demo: TestClient) -> None:
    bad = []
    for url in NOT_FOUND:
        r = demo.get(url)
        if r.status_code != 404 or r.json()["code"] != "not_found" or "no-such" not in r.json()["detail"]:
            bad.append(f"{url}: {r.status_code} {r.text[:200]}")
    assert not bad, "\n".join(bad)


def test_old_paths_answer_like_the_new_ones(demo: TestClient, demo_keys: dict[str, str]) -> None:
    base = demo_keys["base"]
    new, old = demo.get(f"/analytics/complement?base={base}"), demo.get(f"/analytics/complementarity?base={base}")
    assert new.status_code == 200 and old.json() == new.json()
    ops = demo.get("/openapi.json").json()["paths"]
    assert ops["/analytics/complementarity"]["get"]["deprecated"] is True
    assert ops["/analytics/fill-candidates"]["get"]["deprecated"] is True
    assert "deprecated" not in ops["/analytics/candidates"]["get"]


BAD_PARAMETERS = [
    (f"/analytics/gaps?base=B&depth={MAX_DEPTH + 1}", "depth"),
    ("/analytics/gaps?base=B&depth=0", "depth"),
    ("/analytics/gaps?base=B&level=planet", "level"),
    ("/analytics/gaps?base=B&limit=100000", "limit"),
    ("/analytics/gaps", "base"),
    ("/analytics/chain?base=B&table=nope", "table"),
    ("/analytics/chain?base=B&max_links=1000000", "max_links"),
    ("/analytics/what-if?base=B", "remove"),
    ("/analytics/collaboration?org=O&method=astrology", "method"),
    ("/analytics/collaboration?org=O&limit=101", "limit"),
    ("/analytics/ranking?weights=gaps", "weights"),
    ("/analytics/ranking?weights=nonsense:1", "weights"),
    ("/analytics/ranking?weights=gaps:-1", "weights"),
    ("/analytics/indicators?year=1700", "year"),
    ("/analytics/alliance-map?alliance=A&recruits=1000", "recruits"),
]


def test_bad_parameters_are_422_with_the_field(demo: TestClient, demo_keys: dict[str, str]) -> None:
    bad = []
    for url, field in BAD_PARAMETERS:
        r = demo.get(url.replace("base=B", f"base={quote(demo_keys['base'])}"))
        if r.status_code != 422 or r.json().get("field") != field:
            bad.append(f"{url}: {r.status_code} {r.text[:200]}")
    assert not bad, "\n".join(bad)


def test_what_if_cap_on_removed(demo: TestClient, demo_keys: dict[str, str]) -> None:
    base = quote(demo_keys["base"])
    many = "&".join(f"remove=e{i}" for i in range(51))
    r = demo.get(f"/analytics/what-if?base={base}&{many}")
    assert r.status_code == 422 and r.json()["field"] == "remove"


def test_chain_answers_as_of_a_year(demo: TestClient) -> None:
    """`year` answers as of that year (芯光驱动 makes LED驱动芯片 in sz-led from 2016), each year kept apart."""

    def gaps(year: int) -> set[str]:
        r = demo.get(f"/analytics/gaps?base=sz-led&level=product&suppliers=all&limit=500&year={year}")
        assert r.status_code == 200, r.text
        return {g["key"] for g in r.json()}

    assert "LED驱动芯片" in gaps(2015)
    assert "LED驱动芯片" not in gaps(2016)
    assert "LED驱动芯片" in gaps(2015)  # the 2016 answer is not served for 2015
    weak = demo.get("/analytics/weak-links?base=sz-led&level=product&limit=500&year=2016").json()
    assert any(w["key"] == "LED驱动芯片" for w in weak)
    s19 = demo.get("/analytics/chain-summary?base=sz-led&year=2019").json()
    s20 = demo.get("/analytics/chain-summary?base=sz-led&year=2020").json()
    assert s20["covered"] < s19["covered"]  # 长方集团 leaves after 2019
    seg = demo.get("/analytics/segments?base=sz-led&map=led&segment=led/pkg-lamp&year=2020").json()
    assert seg["maps"][0]["segments"][0]["status"] == "gap"
    assert demo.get("/analytics/gaps?base=sz-led&year=1800").status_code == 422
