"""Registry exports load as exported: the ILLUSTRATIVE 企查查-style workbook, type by columns,
--type, the review file; on both stores."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from ingesttools import TEST_DATA, write_csv
from registrytools import (
    BAD_ROW,
    DISTINCT_FIRMS,
    FIRMS,
    KNOWN_PRODUCTS,
    build_workbook,
    uscc,
)
from typer.testing import CliRunner

from chainkg.errors import InvalidInputError
from chainkg.graph.store import GraphStore
from chainkg.ingest.pipeline import ingest_file, ingest_paths
from chainkg.queries.chainengine.candidates import PRODUCT_MAKERS
from chainkg.queries.chainengine.chain import BASE_MAKES

WORKBOOK = TEST_DATA / "registry" / "企查查导出_示例.xlsx"
STORED_KEY = "name:示例光电"


def _prepare(store: GraphStore, tmp_path: Path) -> None:
    """What the store holds before the export arrives: products, one known firm, a SW2021 industry, a base."""
    pre = tmp_path / "pre"
    write_csv(pre / "product.csv", ["name"], [[p] for p in KNOWN_PRODUCTS])
    write_csv(
        pre / "enterprise.csv", ["key", "name", "full_name"], [[STORED_KEY, "示例光电", "深圳示例光电科技有限公司"]]
    )
    write_csv(pre / "industry.csv", ["scheme", "code", "name"], [["SW2021", "270300", "光学光电子"]])
    write_csv(pre / "base.csv", ["key", "name"], [["sz-demo", "示例基地（ILLUSTRATIVE）"]])
    report = ingest_paths(store, [pre])
    assert report.ok, report.rejections


def _enterprises(store: GraphStore) -> dict[str, dict[str, object]]:
    rows = store.execute(
        "MATCH (e:Enterprise) RETURN e.key AS key, e.name AS name, e.full_name AS full_name, e.aliases AS aliases, "
        "e.former_names AS former_names, e.defunct AS defunct, e.reg_status AS reg_status, e.gb4754 AS gb4754, "
        "e.reg_capital AS reg_capital, e.reg_capital_currency AS cur, e.founded AS founded, e.extra AS extra, "
        "e.province AS province, e.size AS size"
    )
    return {str(r["key"]): r for r in rows}


def test_the_committed_workbook_is_the_one_the_builder_makes(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    fresh = build_workbook(tmp_path / "x.xlsx")
    a, b = load_workbook(WORKBOOK, read_only=True), load_workbook(fresh, read_only=True)
    assert a.sheetnames == b.sheetnames == ["企业列表", "主营产品"]
    for name in a.sheetnames:
        assert list(a[name].iter_rows(values_only=True)) == list(b[name].iter_rows(values_only=True))


def test_registry_workbook_loads_every_valid_row_without_duplicates_or_overwrites(
    store: GraphStore, tmp_path: Path
) -> None:
    _prepare(store, tmp_path)
    report = ingest_paths(store, [WORKBOOK])
    assert report.check_balanced() == []
    ent = report.get("Enterprise")
    # every row read; only the row with a mistyped USCC rejected, naming file, line and field
    assert (ent.read, ent.rejected, ent.merged) == (len(FIRMS), 1, 2)
    [rej] = report.rejections
    assert (rej.file, rej.line, rej.field) == ("企查查导出_示例.xlsx#企业列表", BAD_ROW, "uscc")
    firms = _enterprises(store)
    assert len(firms) == DISTINCT_FIRMS  # the stored firm absorbed two spellings: no duplicate
    # no duplicate under any spelling of one firm
    assert len({f["full_name"] for f in firms.values()}) == len(firms)
    known = firms[STORED_KEY]
    assert known["name"] == "示例光电", "the display name was overwritten"
    assert known["full_name"] == "深圳示例光电科技有限公司"
    assert known["aliases"] == ["深圳市示例光电科技有限公司"]
    assert any("kept as an alias, display name '示例光电' unchanged" in m.how for m in report.merges)
    assert any("already known under another name" in n for n in report.notes)
    # the full-width / half-width bracket variants are one firm; the first spelling stays its name
    semi = firms[uscc(2)]
    assert semi["name"] == "示例半导体（深圳）有限公司" and semi["aliases"] == ["示例半导体(深圳)有限公司"]
    assert (semi["reg_capital"], semi["cur"], semi["founded"]) == (50.0, "USD", "2015-03-01")
    assert firms[uscc(7)]["reg_capital"] == 12000.0 and firms[uscc(7)]["former_names"] == [
        "深圳市示例微电子有限公司",
        "深圳示例晶片有限公司",
    ]
    # registration status; an unreadable capital is kept in extra, not lost, and reported
    assert firms[uscc(3)]["defunct"] is True and firms[uscc(3)]["reg_status"] == "注销"
    assert firms[uscc(4)]["defunct"] is True and firms[uscc(1 + 4)]["defunct"] is False
    optics = firms[uscc(15)]
    assert optics["reg_capital"] is None and json.loads(str(optics["extra"]))["注册资本"] == "详见章程"
    assert any("line 20, column '注册资本'" in n for n in report.notes)
    # an unknown column (电话) is kept with the firm, and said so
    assert json.loads(str(firms[uscc(9)]["extra"]))["电话"] == "0755-00000011"
    assert any("'电话' have no property of their own" in n for n in report.notes)
    assert (firms[uscc(9)]["province"], firms[uscc(9)]["size"]) == ("广东省", "medium")
    # title, note and footer rows were not taken for firms
    assert any("title/note row(s) above the header skipped" in n for n in report.notes)
    assert any("read as notes below the table" in n for n in report.notes)
    # every firm has its GB/T 4754 code, as a property and as an Industry with its parents
    assert all(f["gb4754"] for f in firms.values())
    assert firms[uscc(1 + 4)]["gb4754"] == "3974"
    chain = store.execute(
        "MATCH (e:Enterprise {key: $k})-[:IN_INDUSTRY]->(i:Industry {scheme: 'GB4754'})"
        "-[:SUB_INDUSTRY_OF*1..3]->(p:Industry) RETURN i.key AS i, i.name AS name, collect(p.key) AS up",
        {"k": uscc(6)},
    )
    assert len(chain) == 1 and chain[0]["name"] == "光电子器件制造"
    assert sorted(chain[0]["up"]) == ["GB4754:39", "GB4754:397", "GB4754:C"]
    # the editorial crosswalk placed 3976 firms in the stored SW2021 industry
    sw = store.execute("MATCH (e:Enterprise)-[:IN_INDUSTRY]->(:Industry {key: 'SW2021:270300'}) RETURN count(e) AS n")
    assert sw[0]["n"] == sum(1 for f in firms.values() if f["gb4754"] == "3976")
    # 主营产品 / 经营范围 became MAKES with evidence; trading-only text made none
    makes = {
        (r["e"], r["p"]): r["ev"]
        for r in store.execute(
            "MATCH (e:Enterprise)-[m:MAKES]->(p:Product) RETURN e.key AS e, p.key AS p, m.evidence AS ev"
        )
    }
    assert makes[(uscc(7), "外延片")] == "经营范围: 'LED芯片、外延片的研发与生产' names product '外延片'"
    assert makes[(STORED_KEY, "LED显示屏")].startswith("主营产品: 'LED显示屏'")
    assert (uscc(6), "LED芯片") not in makes  # "LED芯片的销售": selling is not making
    assert not any(e == uscc(13) for e, _ in makes)  # the trading firm makes nothing
    # the second sheet (企业名称, 主营产品) loaded as MAKES
    assert (uscc(5), "液晶显示模组") in makes


def test_defunct_firms_cover_nothing_and_reloading_changes_nothing(store: GraphStore, tmp_path: Path) -> None:
    _prepare(store, tmp_path)
    ingest_paths(store, [WORKBOOK])
    located = write_csv(
        tmp_path / "located_in.csv",
        ["起点", "终点"],
        [[uscc(3), "sz-demo"], [uscc(6), "sz-demo"], [uscc(7), "sz-demo"]],
    )
    assert ingest_paths(store, [located]).ok
    [row] = store.run(BASE_MAKES, {"base": "sz-demo"})
    assert uscc(3) not in row["ent"], "a 注销 firm still covers a segment"
    assert {uscc(6), uscc(7)} <= set(row["ent"])
    # nor is it proposed as a firm to attract: LED灯具 is made by the 注销 firm alone
    assert store.run(PRODUCT_MAKERS, {"seg": "LED灯具"}) == []
    assert {r["key"] for r in store.run(PRODUCT_MAKERS, {"seg": "LED芯片"})} == {uscc(7)}
    before = _enterprises(store)
    again = ingest_paths(store, [WORKBOOK])
    assert again.get("Enterprise").created == 0
    assert again.get("MAKES").created == 0 and again.get("IN_INDUSTRY").created == 0
    after = _enterprises(store)
    assert after == before  # same names, same aliases (not repeated), same facts


def test_a_registry_file_is_known_by_its_columns_not_its_name(store: GraphStore, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["企业名称", "统一社会信用代码", "法定代表人", "注册资本", "成立日期", "所属行业", "所属省份"])
    ws.append(["深圳市示例一号科技有限公司", uscc(40), "示例甲", "100万元人民币", "2020-01-01", "C3976", "广东"])
    ws.append(["深圳市示例二号科技有限公司", uscc(41), "示例乙", "200万元", "2021-02-02", "3974", "广东省"])
    ws.append(["深圳市示例三号科技有限公司", None, "示例丙", "50万美元", "2022年3月3日", None, "广东"])
    wb.save(tmp_path / "企业名录.xlsx")
    report = ingest_paths(store, [tmp_path / "企业名录.xlsx"])
    assert report.ok, report.rejections
    assert report.get("Enterprise").loaded == 3
    firms = _enterprises(store)
    assert {f["province"] for f in firms.values()} == {"广东省"}
    # a CSV export named after the tool, with a title row
    text = "天眼查导出（示例）\n企业名称,统一社会信用代码,登记状态,经营范围\n深圳市示例四号科技有限公司,,注销,销售\n"
    (tmp_path / "天眼查导出_2026.csv").write_text(text, encoding="utf-8")
    r2 = ingest_paths(store, [tmp_path / "天眼查导出_2026.csv"])
    assert r2.ok and r2.get("Enterprise").loaded == 1
    # 企业名称, 主营产品 is a MAKES table, whatever the file is called
    write_csv(tmp_path / "products.csv", ["name"], [["LED芯片"]])
    write_csv(tmp_path / "关系.csv", ["企业名称", "主营产品"], [["深圳市示例一号科技有限公司", "LED芯片"]])
    r3 = ingest_paths(store, [tmp_path / "products.csv", tmp_path / "关系.csv"])
    assert r3.ok, r3.rejections
    assert r3.get("MAKES").loaded == 1
    assert any("read as MAKES" in n for n in r3.notes)


def test_type_option_and_unknown_type(store: GraphStore, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "upload-1a2b.csv", ["企业名称", "地址"], [["深圳市示例五号科技有限公司", "示例路1号"]])
    report = ingest_file(store, path, type_name="registry", source_name="名录.csv")
    assert report.get("Enterprise").loaded == 1
    [firm] = _enterprises(store).values()
    assert firm["name"] == "深圳市示例五号科技有限公司"
    with pytest.raises(InvalidInputError, match="use registry"):
        ingest_paths(store, [path], type_name="not-a-type")


def test_uncertain_pairs_go_to_the_review_file_and_come_back(store: GraphStore, tmp_path: Path) -> None:
    pre = write_csv(
        tmp_path / "pre" / "enterprise.csv",
        ["name", "full_name"],
        [["示例精密机械", "示例精密机械有限公司"], ["示例电池", "示例新能源电池科技有限公司"]],
    )
    assert ingest_paths(store, [pre]).ok
    export = write_csv(
        tmp_path / "export.csv",
        ["企业名称", "统一社会信用代码", "法定代表人", "成立日期"],
        [
            ["苏州示例精密机械有限公司", uscc(50), "示例甲", "2001-01-01"],  # place given on one side only
            ["示例新能源电池技术有限公司", uscc(51), "示例乙", "2002-02-02"],  # fuzzy ratio 88.9
            ["深圳市示例全新科技有限公司", uscc(52), "示例丙", "2003-03-03"],  # nothing like it
        ],
    )
    first = ingest_paths(store, [export])
    assert len(_enterprises(store)) == 3  # neither merged nor created: held back
    assert [(r.given_name, r.candidate_name) for r in first.reviews] == [
        ("苏州示例精密机械有限公司", "示例精密机械"),
        ("示例新能源电池技术有限公司", "示例电池"),
    ]
    assert first.reviews[1].score == pytest.approx(88.9, abs=0.1)
    assert all("held back" in r.reason for r in first.rejections)
    review = first.write_reviews(tmp_path / "resolution-review.csv")
    with review.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["decision"], rows[1]["decision"] = "同一", "不同"
    with review.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    second = ingest_paths(store, [export], review=review, type_name="registry")  # --type does not swallow it
    assert second.ok and not second.reviews, second.rejections
    firms = _enterprises(store)
    assert len(firms) == 4  # the 同一 pair merged, the 不同 one is a firm of its own
    machine = next(f for f in firms.values() if f["name"] == "示例精密机械")
    assert machine["aliases"] == ["苏州示例精密机械有限公司"]  # display name kept, new spelling an alias
    assert firms[uscc(51)]["name"] == "示例新能源电池技术有限公司"


def test_cli_explain_shows_the_mapping_and_loads_nothing(store: GraphStore, tmp_path: Path) -> None:
    from chainkg.cli import app

    result = CliRunner().invoke(app, ["ingest", str(WORKBOOK), "--explain", "--json"])
    assert result.exit_code == 0, result.output
    tables = json.loads(result.output)
    sheet = next(t for t in tables if t["source"].endswith("#企业列表"))
    assert sheet["type"].startswith("Enterprise (registry export") and sheet["rows"] == len(FIRMS)
    cols = {c["header"]: c for c in sheet["columns"]}
    assert cols["注册资本"]["field"] == "reg_capital"
    assert cols["电话"]["becomes"] == "kept in extra (其他字段)"
    assert cols["国标行业小类"]["field"] == "gb4754"
    assert any("line 1" in p for p in sheet["preamble"])
    products = next(t for t in tables if t["source"].endswith("#主营产品"))
    assert products["type"] == "MAKES"
    bad = CliRunner().invoke(app, ["ingest", str(WORKBOOK), "--type", "nonsense"])
    assert bad.exit_code != 0 and "nonsense" in bad.output


def test_a_row_with_the_firms_key_renames_it_and_keeps_the_old_name(store: GraphStore, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a" / "enterprise.csv", ["key", "name"], [["E9", "示例甲"]])
    second = write_csv(tmp_path / "b" / "enterprise.csv", ["key", "name"], [["E9", "示例乙"]])
    assert ingest_paths(store, [first]).ok
    report = ingest_paths(store, [second])
    assert any("renamed by its key to '示例乙', '示例甲' kept as an alias" in m.how for m in report.merges)
    [firm] = _enterprises(store).values()
    assert (firm["name"], firm["aliases"]) == ("示例乙", ["示例甲"])
    again = ingest_paths(store, [second], reuse=False)  # read again, not skipped by the load receipt
    assert again.get("Enterprise").unchanged == 1 and not again.merges  # the same row again: nothing to say


def test_registry_firms_are_placed_in_chain_map_segments(demo_graph: GraphStore) -> None:
    """Over the demo (its products and the shipped maps), the workbook's firms land in the
    segments their 主营产品 / 经营范围 name, with the phrase that placed them kept as evidence."""
    store = demo_graph
    ingest_file(store, WORKBOOK)
    rows = store.execute(
        "MATCH (e:Enterprise)-[:IN_SEGMENT]->(g:ChainSegment) WHERE e.full_name CONTAINS '示例' "
        "RETURN e.full_name AS firm, g.key AS segment"
    )
    placed = {(r["firm"], r["segment"]) for r in rows}
    assert ("深圳市示例芯片科技有限公司", "led/chip") in placed
    assert ("深圳市示例封装技术有限公司", "led/packaging") in placed
    assert ("深圳市示例光电科技有限公司", "led/display") in placed
    # A 注销 firm covers nothing, so it sits in no segment.
    defunct = store.execute("MATCH (e:Enterprise) WHERE e.defunct = true RETURN e.key AS key")
    assert defunct
    assert not store.execute(
        "MATCH (e:Enterprise)-[:IN_SEGMENT]->(:ChainSegment) WHERE e.defunct = true RETURN e.key AS key"
    )
    evidence = store.execute(
        "MATCH (e:Enterprise)-[m:MAKES]->(p:Product) WHERE e.full_name = '深圳市示例光电科技有限公司' "
        "AND m.evidence IS NOT NULL RETURN m.evidence AS ev"
    )
    assert evidence and all("product" in r["ev"] for r in evidence)
