"""Chain-map files: problems named by file, line and field; the table form; editing a map by
loading it again (stale segments and links go) — on both stores."""

from __future__ import annotations

import textwrap
from pathlib import Path

import openpyxl
import pytest
from storetools import TEST_DATA

from chainkg.errors import InvalidInputError
from chainkg.graph.store import GraphStore
from chainkg.i18n import use_locale
from chainkg.ingest.chainmap import read_map_table, read_map_yaml
from chainkg.ingest.pipeline import ingest_file, ingest_paths

MINI = TEST_DATA / "maps" / "mini-led.yaml"

BAD = textwrap.dedent(
    """\
    key: bad-map
    name: 坏图谱
    stages:
      - key: up
        name: 上游
        segments:
          - key: ok-seg
            name: 好环节
            feeds: [nowhere]
            match: {keywords: [衬底]}
          - key: Bad_Key
            name: 大写键
            match: {keywords: [x]}
          - key: no-match
            name: 没有规则
          - key: bad-rule
            name: 错规则
            match: {colour: [red]}
          - key: ok-seg
            name: 重复
            match: {products: [甲]}
          - key: bad-ind
            name: 错行业
            match: {industries: [270300]}
      - key: down
        segments:
          - key: lonely
            name: 无阶段名
            match: {products: [乙]}
    """
)


def _problems(path: Path) -> dict[tuple[int | None, str], str]:
    res = read_map_yaml(path)
    return {(p.line, p.field): p.reason for p in res.problems}


def test_yaml_problems_name_line_and_field(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(BAD, encoding="utf-8")
    res = read_map_yaml(f)
    got = {(p.line, p.field) for p in res.problems}
    assert got == {
        (11, "stages[0].segments[1].key"),  # Bad_Key
        (14, "stages[0].segments[2].match"),  # no match and no children
        (18, "stages[0].segments[3].match.colour"),  # unknown rule
        (19, "stages[0].segments[4].key"),  # repeated key
        (24, "stages[0].segments[5].match.industries"),  # not scheme:code
        (25, "stages[1].name"),  # stage without a name (its segments go with it)
        (7, "ok-seg.feeds"),  # names no segment: the link is left out, the segment kept
    }
    (m,) = res.maps
    assert [s.key for s in m.segments] == ["ok-seg"]
    assert m.segments[0].feeds == []
    assert [s.key for s in m.stages] == ["up"]


def test_yaml_syntax_error_and_missing_key(tmp_path: Path) -> None:
    f = tmp_path / "broken.yaml"
    f.write_text("key: x\nname: [unclosed\nstages: []\n", encoding="utf-8")
    res = read_map_yaml(f)
    assert res.maps == [] and len(res.problems) == 1
    assert "not valid YAML" in res.problems[0].reason and res.problems[0].line is not None
    g = tmp_path / "nokey.yaml"
    g.write_text(
        "name: 无键\nstages:\n  - {key: s, name: 阶段, segments: [{key: a, name: 甲, match: {products: [x]}}]}\n"
    )
    res = read_map_yaml(g)
    assert res.maps == [] and [(p.line, p.field) for p in res.problems] == [(1, "key")]


def test_table_form_nests_children_and_reads_lists() -> None:
    rows = [
        (
            2,
            {
                "map": "t",
                "map_name": "表图谱",
                "stage": "up",
                "stage_name": "上游",
                "key": "a",
                "name": "甲",
                "keywords": "衬底；外延",
                "feeds": "b",
            },
        ),
        (3, {"map": "t", "stage": "down", "stage_name": "下游", "key": "b", "name": "乙"}),
        (4, {"map": "t", "stage": "down", "key": "b1", "name": "乙一", "parent": "b", "products": "LED灯、LED照明"}),
        (5, {"map": "t", "stage": "down", "key": "B!", "name": "坏", "products": "x"}),
    ]
    res = read_map_table("chainmap.csv", rows)
    (m,) = res.maps
    assert [(s.key, s.parent, s.stage) for s in m.segments] == [
        ("a", None, "up"),
        ("b", None, "down"),
        ("b1", "b", "down"),
    ]
    assert m.segments[0].match["keywords"] == ["衬底", "外延"] and m.segments[0].feeds == ["b"]
    assert m.segments[2].match["products"] == ["LED灯", "LED照明"]
    assert [(p.line, p.field) for p in res.problems] == [(5, "stages[1].segments[1].key")]


def _counts(store: GraphStore, map_key: str) -> tuple[int, int, int]:
    segs = store.execute("MATCH (s:ChainSegment) WHERE s.map = $m RETURN count(s) AS c", {"m": map_key})[0]["c"]
    feeds = store.execute(
        "MATCH (a:ChainSegment)-[:FEEDS]->(b:ChainSegment) WHERE a.map = $m RETURN count(*) AS c", {"m": map_key}
    )[0]["c"]
    members = store.execute(
        "MATCH (p:Product)-[:IN_SEGMENT]->(s:ChainSegment) WHERE s.map = $m RETURN count(*) AS c", {"m": map_key}
    )[0]["c"]
    return int(segs), int(feeds), int(members)


def _products(store: GraphStore) -> None:
    for name in ("蓝宝石衬底", "LED芯片", "LED封装", "LED显示屏", "LED照明灯"):
        store.merge_nodes("Product", [{"key": name, "name": name}])


def test_load_edit_reload_on_store(store: GraphStore, tmp_path: Path) -> None:
    _products(store)
    r = ingest_paths(store, [MINI])
    assert r.ok and r.get("ChainSegment").created == 7
    # substrate 1, chip 1, packaging 1, display 1 + lighting 1, apps = their union 2: 7 product memberships.
    assert _counts(store, "mini-led") == (7, 5, 7)  # 5 feeds: substrate, nothing -> chip -> packaging -> 2
    again = ingest_paths(store, [MINI])
    assert again.get("ChainSegment").unchanged == 7 and again.get("ChainSegment").created == 0
    # Edit: drop the 'nothing' segment and the lighting child, rename packaging.
    text = MINI.read_text(encoding="utf-8")
    text = text.replace("name: LED封装", "name: LED封装（改）").replace("[display, lighting]", "[display]")
    start = text.index("      - key: nothing")
    end = text.index("  - key: midstream")
    text = text[:start] + text[end:]
    text = text[: text.index("          - key: lighting")]
    edited = tmp_path / "mini-led.yaml"
    edited.write_text(text, encoding="utf-8")
    r2 = ingest_paths(store, [edited])
    assert r2.ok, r2.rejections
    keys = {r["k"] for r in store.execute("MATCH (s:ChainSegment) RETURN s.key AS k")}
    assert keys == {"mini-led/substrate", "mini-led/chip", "mini-led/packaging", "mini-led/apps", "mini-led/display"}
    # nothing->chip and packaging->lighting feeds are gone: 3 left; lighting's product membership too
    # (and apps loses LED照明灯): 5 product memberships.
    assert _counts(store, "mini-led") == (5, 3, 5)
    name = store.execute("MATCH (s:ChainSegment {key: 'mini-led/packaging'}) RETURN s.name AS n")[0]["n"]
    assert name == "LED封装（改）"


def test_new_product_joins_its_segment_on_the_next_load(store: GraphStore, tmp_path: Path) -> None:
    _products(store)
    ingest_paths(store, [MINI])
    csv = tmp_path / "product.csv"
    csv.write_text("name\n碳化硅衬底\n", encoding="utf-8")
    ingest_paths(store, [csv])
    rows = store.execute(
        "MATCH (p:Product)-[r:IN_SEGMENT]->(s:ChainSegment {key: 'mini-led/substrate'}) "
        "RETURN p.key AS prod, r.rule AS rule, r.via AS via ORDER BY prod"
    )
    assert rows == [
        {"prod": "碳化硅衬底", "rule": "keyword", "via": "衬底"},
        {"prod": "蓝宝石衬底", "rule": "keyword", "via": "衬底"},
    ]


def test_bad_map_rows_are_rejected_with_where_and_strict_stops(store: GraphStore, tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(BAD, encoding="utf-8")
    r = ingest_file(store, f)
    where = sorted(x.where() for x in r.rejections)
    assert "bad.yaml，第 11 行，字段“stages[0].segments[1].key”" in where  # Chinese by default
    with use_locale("en"):
        assert "bad.yaml, line 11, field 'stages[0].segments[1].key'" in {x.where() for x in r.rejections}
    assert len(r.rejections) == 7
    key = next(x for x in r.rejections if x.line == 11)
    assert key.text("zh") == "只能包含小写字母、数字和“-”，例如“led-chip”"
    assert key.text("en") == key.reason == "must be lower-case letters, digits and '-' only, e.g. 'led-chip'"
    rule = next(x for x in r.rejections if x.field == "stages[0].segments[3].match.colour")
    assert (rule.line, rule.text("zh")) == (18, "不是匹配规则；请使用 " + rule.reason.split("use ", 1)[1])
    assert rule.reason.startswith("is not a match rule; use products, keywords")
    feeds = next(x for x in r.rejections if x.field == "ok-seg.feeds")
    assert feeds.text("zh") == "不是图谱“bad-map”中的环节：nowhere（该链接已略去）"
    assert store.execute("MATCH (s:ChainSegment) RETURN s.key AS k") == [{"k": "bad-map/ok-seg"}]
    with pytest.raises(InvalidInputError) as exc:
        ingest_paths(store, [f], strict=True)
    assert exc.value.line == 11 or exc.value.line is not None


def test_excel_form_loads(store: GraphStore, tmp_path: Path) -> None:
    _products(store)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "产业链图谱"
    ws.append(["图谱", "图谱名称", "阶段", "阶段名称", "环节", "环节名称", "关键词", "上级环节"])
    ws.append(["xl", "表格图谱", "up", "上游", "sub", "衬底", "衬底", None])
    ws.append(["xl", None, "down", "下游", "app", "应用", None, None])
    ws.append(["xl", None, "down", None, "light", "照明", "照明灯", "app"])
    path = tmp_path / "my-map.xlsx"
    wb.save(path)
    r = ingest_paths(store, [path])
    assert r.ok, r.rejections
    rows = store.execute(
        "MATCH (p:Product)-[:IN_SEGMENT]->(s:ChainSegment) WHERE s.map = 'xl' "
        "RETURN s.key AS seg, p.key AS prod ORDER BY seg, prod"
    )
    assert rows == [
        {"seg": "xl/app", "prod": "LED照明灯"},
        {"seg": "xl/light", "prod": "LED照明灯"},
        {"seg": "xl/sub", "prod": "蓝宝石衬底"},
    ]
