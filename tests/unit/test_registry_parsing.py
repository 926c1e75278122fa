"""Registry-export cells, headers, GB/T 4754 codes, firm-name cores and text-to-product rules (no store)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chainkg.ingest import gb4754, places
from chainkg.ingest.headers import detect_type, is_footer_row, is_preamble_row, locate_header, registry_field
from chainkg.ingest.registry_export import is_defunct, parse_capital, parse_date, parse_size
from chainkg.ingest.resolve import _same_place, core_name
from chainkg.ingest.scope_text import ProductIndex


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1000万元人民币", (1000.0, "CNY")),
        ("50万美元", (50.0, "USD")),
        ("1,000.5万元", (1000.5, "CNY")),
        ("1.2亿元人民币", (12000.0, "CNY")),
        ("400万港元", (400.0, "HKD")),
        ("3000000元", (300.0, "CNY")),
        ("１０００万元", (1000.0, "CNY")),  # full-width digits
        (500, (500.0, "CNY")),
    ],
)
def test_registered_capital_is_amount_in_wan_and_currency(text: object, expected: tuple[float, str]) -> None:
    assert parse_capital(text) == expected


@pytest.mark.parametrize("text", ["详见章程", "万元", "1000万元人民币另加", ""])
def test_unreadable_capital_is_refused_with_the_value(text: str) -> None:
    with pytest.raises(ValueError, match="is not an amount"):
        parse_capital(text)


def test_dates_sizes_and_status() -> None:
    assert parse_date("2010年5月12日") == "2010-05-12"
    assert parse_date("2015/3/1") == "2015-03-01"
    assert parse_date(dt.datetime(2012, 3, 1)) == "2012-03-01"
    assert parse_date(2015) == "2015"
    with pytest.raises(ValueError):
        parse_date("2010-13-45")
    assert [parse_size(x) for x in ("大型", "小型企业", "S(小型)", "XS")] == ["large", "small", "small", "micro"]
    assert is_defunct("注销") and is_defunct("吊销，未注销") and not is_defunct("存续（在营、开业、在册）")


def test_header_dictionary_and_type_by_columns() -> None:
    assert registry_field("注册资本（万元）") == "reg_capital"
    assert registry_field("国标行业小类") == "_gb_class"
    assert registry_field("电话") is None
    assert detect_type(["企业名称", "统一社会信用代码", "法定代表人", "成立日期"]).type == "registry"
    assert detect_type(["企业名称", "主营产品"]).type == "MAKES"
    assert detect_type(["名称", "全称", "股票代码"]).type == "Enterprise"
    # a statistics-bureau sheet (名录库 style headers)
    stats = ["单位详细名称", "统一社会信用代码", "法定代表人(单位负责人)", "行业代码", "开业(成立)时间"]
    stats.append("从业人员期末人数")
    assert detect_type(stats).type == "registry"
    assert [registry_field(h) for h in stats[2:]] == ["legal_rep", "gb4754", "founded", "employees"]
    tie = detect_type(["起点", "终点"])
    assert tie.type is None and "equally well" in tie.reason


def test_title_rows_are_found_only_above_a_wider_header() -> None:
    assert is_preamble_row(["企查查 企业列表导出", None]) and not is_preamble_row(["名称"])
    lead = [(1, ["企业列表（示例）"]), (2, ["导出时间：2026"]), (3, ["企业名称", "统一社会信用代码", "地址"])]
    titles, (line, header), rest = locate_header(lead)
    assert [n for n, _ in titles] == [1, 2] and line == 3 and header[0] == "企业名称" and rest == []
    # a narrow table with unknown headers: its first row is its header, not a title
    titles, (line, header), rest = locate_header([(1, ["firm", "product"]), (2, ["a", "b"])])
    assert titles == [] and line == 1 and rest == [(2, ["a", "b"])]
    assert is_footer_row(["数据来源：企查查", None]) and not is_footer_row(["示例科技有限公司"])


def test_gb4754_code_list_counts_and_names() -> None:
    # GB/T 4754-2017 states 20 门类, 97 大类, 473 中类, 1,380 小类; the shipped copy has one
    # 小类 more (see the note in chainkg/ingest/data/gb4754_2017.csv).
    assert gb4754.counts() == {1: 20, 2: 97, 3: 473, 4: 1381}
    secs = gb4754.sections()
    assert len(secs) == 20
    assert sum(s.last - s.first + 1 for s in secs) == 97  # 大类 01-97 in GB/T 4754-2017
    assert all(gb4754.name_of(s.letter) == s.name for s in secs)
    assert all(gb4754.section_of(c) is not None for c in gb4754.codes())
    assert gb4754.name_of("3976") == "光电子器件制造" and gb4754.name_of("019") == "其他农业"
    assert gb4754.code_in("计算机、通信和其他电子设备制造业") == "39"
    assert gb4754.code_in("3977") is None  # no such 小类


def test_gb4754_sections_codes_and_crosswalk() -> None:
    assert gb4754.code_in("C3976 光电子器件制造") == "3976"
    assert gb4754.code_in("光电子器件制造(3976)") == "3976"
    assert gb4754.code_in("A3976") is None  # the letter contradicts the digits
    assert gb4754.code_in("制造业") == "C"
    assert gb4754.parents("3976") == ["397", "39", "C"]
    assert gb4754.to_sw2021("3976") == ("270300", "小类3976 光电子器件制造 ~ 光学光电子")
    assert gb4754.to_sw2021("3973")[0] == "270100"  # type: ignore[index]
    assert gb4754.to_sw2021("0111") is None


def test_place_prefixes_are_one_name_different_places_are_not() -> None:
    assert core_name("深圳市雷曼光电科技股份有限公司") == core_name("深圳雷曼光电科技股份有限公司")
    assert core_name("示例半导体（深圳）有限公司") == core_name("深圳示例半导体有限公司")
    beijing, shanghai = core_name("北京示例科技有限公司"), core_name("上海示例科技有限公司")
    assert beijing[1] == shanghai[1] and beijing[0] != shanghai[0]
    assert places.full_province("广东") == "广东省" and places.full_city("深圳") == "深圳市"
    # one province, two cities: two firms, not one
    jiangyin, zhangjiagang = core_name("江苏苏州示例科技有限公司"), core_name("江苏无锡示例科技有限公司")
    assert jiangyin[1] == zhangjiagang[1] and not _same_place(jiangyin[0], zhangjiagang[0])
    assert _same_place(("深圳",), ("广东", "深圳"))


def test_text_rules_link_makers_not_traders_and_keep_evidence() -> None:
    idx = ProductIndex([("LED显示屏", "LED显示屏"), ("LED芯片", "LED芯片"), ("芯片", "芯片"), ("设备", "设备")])
    hits = idx.match("LED显示屏、芯片", "一般经营项目是：LED芯片的研发、生产；LED显示屏的销售；设备租赁")
    got = {(h.name, h.rule) for h in hits}
    assert got == {("LED显示屏", "主营产品"), ("芯片", "主营产品"), ("LED芯片", "经营范围")}
    chip = next(h for h in hits if h.name == "LED芯片")
    assert chip.evidence == "经营范围: 'LED芯片的研发、生产' names product 'LED芯片'"
    # selling only is not making; a two-character name does not match inside free text
    assert idx.match(None, "LED显示屏、芯片的销售；货物进出口") == []
    assert idx.match(None, "芯片的研发、生产") == []
    # public vocabularies hold bare acronyms and fragments: not matched inside longer text
    noisy = ProductIndex([("LED", "LED"), ("MINI", "MINI"), ("的设计", "的设计"), ("背光模组", "背光模组")])
    assert [h.name for h in noisy.match("紫外LED；Mini LED背光模组", "LED驱动芯片的设计、生产")] == ["背光模组"]
    assert [h.name for h in noisy.match("LED", None)] == ["LED"]  # a whole item still names it


def test_crosswalk_rows_name_real_codes_on_both_sides(shared_data: Path) -> None:
    import json

    sw = {json.loads(line)["code"] for line in (shared_data / "industry.json").open(encoding="utf-8")}
    rows = gb4754.crosswalk()
    assert len(rows) >= 40
    for prefix, code, basis in rows:
        assert gb4754.is_known(prefix), prefix  # a GB/T 4754-2017 code
        assert code in sw, code  # a SW2021 industry of the public data set
        assert basis
    assert gb4754.to_sw2021("4710") == ("620000", "门类E 建筑业 ~ 建筑装饰")  # by its section letter
