"""The bundled demo data and the ChainKnowledgeGraph loader (excerpt always, full data when present)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingesttools import TEST_DATA, canonical_dump

from chainkg.errors import InvalidInputError
from chainkg.graph.model import MODEL
from chainkg.graph.store import GraphStore
from chainkg.ingest.chainmap import shipped_map_files
from chainkg.ingest.ckg import canonical_product, city_base_key, industry_level, load_ckg
from chainkg.ingest.demo import DEMO_BASES, DEMO_DIR, load_demo
from chainkg.ingest.doc import MARKER, render_reference
from chainkg.ingest.formats import CHAIN_MAP_TYPES

CKG_EXCERPT = TEST_DATA / "ckg"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "ingest.md"


@pytest.mark.slow  # loads a whole data set (seconds of CPU): CI runs it, the fast loop leaves it out
def test_demo_covers_every_type_and_reloads_unchanged(store: GraphStore) -> None:
    report = load_demo(store)
    assert report.ok, report.rejections[:5]
    assert report.check_balanced() == []
    counts = store.counts()
    missing = [t for t in [*(n.label for n in MODEL.nodes), *(r.type for r in MODEL.rels)] if counts[t] == 0]
    assert missing == []
    # The shipped chain maps (chainkg/chainmaps/*.yaml) come with the demo.
    assert {f.format for f in report.files} == {"csv", "jsonl", "xlsx", "yaml"}
    bases = store.execute("MATCH (b:Base) RETURN b.key AS k ORDER BY b.key")
    assert [r["k"] for r in bases] == sorted(DEMO_BASES)
    # every node and relationship says where it came from, real or invented
    assert store.execute(
        "MATCH (n) WHERE NOT (n.source STARTS WITH 'demo:' OR n.source STARTS WITH 'chainkg/chainmaps/') "
        "RETURN count(n) AS c"
    ) == [{"c": 0}]
    illustrative = store.execute("MATCH (:Alliance)<-[r:MEMBER_OF]-() RETURN DISTINCT r.source AS s")
    assert illustrative == [{"s": "demo:illustrative/member_of.csv"}]
    real = store.execute(
        "MATCH (:Enterprise {key: '300232.SZ'})-[r:MAKES]->(:Product {key: 'LED显示屏'}) RETURN r.source AS s"
    )
    assert real == [{"s": "demo:ckg/makes.jsonl"}]
    before = canonical_dump(store)
    again = load_demo(store)
    assert again.totals().created == 0 and again.totals().updated == 0
    assert canonical_dump(store) == before


def test_demo_folder_is_documented() -> None:
    readme = (DEMO_DIR / "README.md").read_text(encoding="utf-8")
    for key in DEMO_BASES:
        assert f"`{key}`" in readme
    assert "illustrative" in readme.lower()


def test_ckg_helpers() -> None:
    assert [industry_level(c) for c in ("270000", "270100", "270105")] == [1, 2, 3]
    assert city_base_key("深圳市") == "city:深圳市"
    assert canonical_product("锌合金\\\\铝合金") == canonical_product("锌合金/铝合金")
    assert canonical_product('防伪\\"碘盐标志\\"') == canonical_product('防伪"碘盐标志"')
    assert canonical_product(" 航空电子设备") == "航空电子设备"
    assert canonical_product("小\\b大肠") == canonical_product("小\x08大肠")


def test_ckg_excerpt(store: GraphStore) -> None:
    report = load_ckg(store, CKG_EXCERPT)
    assert report.check_balanced() == []
    every = {s.type: (s.read, s.loaded, s.merged, s.rejected) for s in report.types}
    # The shipped chain maps come with the public data; they are checked in tests/ingest/test_chainmap.py.
    maps = {k: v for k, v in every.items() if k in CHAIN_MAP_TYPES}
    assert maps["ChainMap"] == (len(shipped_map_files()),) * 2 + (0, 0)
    rows = {k: v for k, v in every.items() if k not in CHAIN_MAP_TYPES}
    assert rows == {
        "Industry": (10, 10, 0, 0),
        "SUB_INDUSTRY_OF": (7, 6, 0, 1),
        "UPSTREAM_OF": (4, 3, 0, 1),
        "Enterprise": (13, 11, 2, 0),
        "Base": (2, 2, 0, 0),
        "LOCATED_IN": (3, 3, 0, 0),
        "IN_INDUSTRY": (7, 4, 1, 2),
        "Product": (16, 16, 0, 0),
        "MAKES": (9, 8, 1, 0),
        "INPUT_TO": (9, 5, 1, 3),
        "SUBTYPE_OF": (2, 1, 0, 1),
    }
    counts = {k: v for k, v in store.counts().items() if v and k not in CHAIN_MAP_TYPES}
    assert counts == {k: v[1] for k, v in rows.items()}
    # bare codes get their exchange; a date in the exchange column does not matter
    got = store.execute(
        "MATCH (e:Enterprise) WHERE e.key IN ['301079.SZ', '688096.SH', '300054.SZ'] "
        "RETURN e.key AS k, e.exchange AS x, e.full_name AS f ORDER BY e.key"
    )
    assert got == [
        {"k": "300054.SZ", "x": "深圳证券交易所", "f": "湖北鼎龙控股股份有限公司"},
        {"k": "301079.SZ", "x": "深圳证券交易所", "f": "邵阳维克液压股份有限公司"},
        {"k": "688096.SH", "x": "上海证券交易所", "f": "江苏京源环保股份有限公司"},
    ]
    # cities from full names, and a derived base per city
    bases = store.execute(
        "MATCH (e:Enterprise)-[:LOCATED_IN]->(b:Base) RETURN e.key AS e, b.key AS b, b.name AS n, b.level AS l"
    )
    assert sorted((r["e"], r["b"]) for r in bases) == [
        ("002851.SZ", "city:深圳市"),
        ("301079.SZ", "city:邵阳市"),
        ("603160.SH", "city:深圳市"),
    ]
    assert {(r["n"], r["l"]) for r in bases} == {
        ("深圳市（城市，推导）", "municipal"),
        ("邵阳市（城市，推导）", "municipal"),
    }
    assert any("Placed 8 of 11 enterprises in a province and 3 in a city" in n for n in report.notes)
    # product links in the right direction; escaped spellings resolved to product.json's names
    inputs = store.execute("MATCH (a:Product)-[:INPUT_TO]->(b:Product) RETURN a.key AS a, b.key AS b")
    assert sorted((r["a"], r["b"]) for r in inputs) == sorted(
        [
            ("锌合金\\\\铝合金\\\\铁\\\\塑胶\\\\不锈钢", "家具五金"),
            ("逐日", "担山赶太阳"),
            ('逐日\\"\\"\\"', "担山赶太阳"),
            ("二次充电电池", "汽车"),
            ("玻璃", "汽车"),
        ]
    )
    subtypes = store.execute("MATCH (a)-[:SUBTYPE_OF]->(b) RETURN a.key AS a, b.key AS b")
    assert subtypes == [{"a": "电动汽车", "b": "汽车"}]
    shares = store.execute("MATCH (e:Enterprise {key: '688268.SH'})-[m:MAKES]->(p) RETURN p.key AS p, m.share AS s")
    assert sorted((r["p"], r["s"]) for r in shares) == [("普通工业气体", 0.0), ("特种气体", -0.25)]
    ups = store.execute("MATCH (a)-[u:UPSTREAM_OF]->(b) RETURN a.key AS a, b.key AS b, u.weight AS w")
    assert sorted((r["a"], r["b"], r["w"]) for r in ups) == [
        ("SW2021:270000", "SW2021:270100", 3.0),
        ("SW2021:270105", "SW2021:280501", 1.0),
        ("SW2021:630306", "SW2021:280501", 2.0),
    ]
    reasons = {(r.file, r.line): r.reason for r in report.rejections}
    assert reasons[("product_product.json", 1)] == "no product in product.json has this name"
    assert reasons[("product_product.json", 11)] == "the line is not a JSON object"
    assert "is unknown too" in reasons[("company_industry.json", 5)]
    again = load_ckg(store, CKG_EXCERPT)
    assert again.totals().created == 0 and again.totals().updated == 0


def test_ckg_folder_must_be_complete(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "company.json").write_text("", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"product\.json"):
        load_ckg(store, tmp_path)


PUBLISHED = {
    # type: (read, loaded, merged, rejected) on the full public data set
    "Industry": (511, 511, 0, 0),
    "SUB_INDUSTRY_OF": (480, 480, 0, 0),
    "UPSTREAM_OF": (5256, 5256, 0, 0),
    "Enterprise": (4654, 4586, 68, 0),
    "Base": (136, 136, 0, 0),
    "LOCATED_IN": (1757, 1757, 0, 0),
    "IN_INDUSTRY": (4430, 4328, 0, 102),
    "Product": (95559, 95559, 0, 0),
    "MAKES": (53785, 53207, 578, 0),
    "INPUT_TO": (57216, 56837, 377, 2),
    "SUBTYPE_OF": (52937, 52937, 0, 0),
}


@pytest.mark.shared
@pytest.mark.slow
def test_ckg_full_data_set(store: GraphStore, shared_data: Path) -> None:
    report = load_ckg(store, shared_data)
    assert report.check_balanced() == []
    every = {s.type: (s.read, s.loaded, s.merged, s.rejected) for s in report.types}
    assert every["ChainMap"] == (len(shipped_map_files()),) * 2 + (0, 0)  # the shipped maps come along
    # Derived after the load: the city bases' leading industries (docs/ingest.md), 151 on this data.
    assert every.pop("LEADS_IN") == (151, 151, 0, 0)
    assert any("Leading industries (LEADS_IN) of 27 city bases: 151" in n for n in report.notes)
    rows = {k: v for k, v in every.items() if k not in CHAIN_MAP_TYPES}
    assert rows == PUBLISHED
    # the published row counts of the data set's README (its 510 and 4,429 miss a last line)
    assert rows["Enterprise"][0] == 4654 and rows["Product"][0] == 95559
    assert rows["INPUT_TO"][0] == 56826 + 390 and rows["SUBTYPE_OF"][0] == 52937
    counts = store.counts()
    stored = {k: v for k, v in counts.items() if v and k not in CHAIN_MAP_TYPES}
    assert stored == {k: v[1] for k, v in PUBLISHED.items()} | {"LEADS_IN": 151}
    assert any("Placed 3,032 of 4,586 enterprises in a province and 1,757 in a city" in n for n in report.notes)
    unresolved = [r for r in report.rejections if r.type == "IN_INDUSTRY"]
    assert len(unresolved) == 102 and all(r.line and r.field == "company_code" for r in unresolved)
    assert sum(1 for m in report.merges if m.how.startswith("spelled with other")) == 11
    # every file read is listed with its line count (wc -l of the data set's files)
    assert {f.source: f.rows for f in report.files} == {
        "ckg:industry.json": 511,
        "ckg:industry_industry.json": 480,
        "ckg:industry_up.json": 335,
        "ckg:company.json": 4654,
        "ckg:company_industry.json": 4430,
        "ckg:product.json": 95559,
        "ckg:company_product.json": 53785,
        "ckg:product_product.json": 110153,
    }
    map_rows = sum(v[0] for k, v in every.items() if k in CHAIN_MAP_TYPES)
    assert report.summary_line().startswith(f"Read {276_721 + map_rows + 151:,} rows from 8 tables;")  # + LEADS_IN


def test_docs_reference_is_generated_from_the_formats() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert MARKER in text, "docs/ingest.md lost its generated section"
    assert text.split(MARKER)[1].strip() == render_reference().strip(), (
        "docs/ingest.md is out of date: run python -m chainkg.ingest.doc docs/ingest.md"
    )
