"""An ILLUSTRATIVE 企查查-style export for the registry tests.

Every firm here is invented (示例… names, codes built on ``EXAMPL``); no row describes a real
company. The workbook has what real exports have: a title and a note row above the header,
Chinese headers, registered capital as text, a 注销 and a 吊销 firm, name variants (深圳市 vs
深圳, full-width vs half-width brackets), former names (曾用名), a GB/T 4754 code per firm,
经营范围 text, a column chainkg has no property for (电话), footer rows, and a second sheet
with 企业名称, 主营产品. ``python tests/ingest/registrytools.py`` writes it to
``tests/data/registry/企查查导出_示例.xlsx``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chainkg.ingest.checks import uscc_check_char

TITLE = "企查查 · 企业列表导出（ILLUSTRATIVE 示例数据：企业均为虚构，不对应任何真实企业）"
NOTE = "导出时间：2026-12-01 09:00　筛选条件：所属城市=深圳市"
HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "注册资本",
    "实缴资本",
    "成立日期",
    "登记状态",
    "企业类型",
    "所属省份",
    "所属城市",
    "所属区县",
    "所属行业",
    "国标行业小类",
    "企业规模",
    "参保人数",
    "经营范围",
    "主营产品",
    "曾用名",
    "英文名",
    "注册地址",
    "网址",
    "电话",
]
FOOTERS = ["数据来源：企查查（示例数据，ILLUSTRATIVE）", "共 30 条"]


def uscc(n: int) -> str:
    """An invented, well-formed unified social credit code (its check digit is right)."""
    base = f"91440300EXAMPL{n:02d}0"
    return base + uscc_check_char(base)


BAD_USCC = uscc(29)[:-1] + ("0" if uscc(29)[-1] != "0" else "1")

ELEC = "计算机、通信和其他电子设备制造业"
LIGHT = "电气机械和器材制造业"

# (name, uscc, capital, paid, founded, status, gb小类, scope, products, former, district, size, insured)
FIRMS: list[tuple[Any, ...]] = [
    (
        "深圳市示例光电科技有限公司",
        uscc(1),
        "1000万元人民币",
        "1000万元人民币",
        "2010-05-12",
        "存续",
        "C3976 光电子器件制造",
        "一般经营项目是：LED显示屏、LED照明产品的研发、生产与销售；货物及技术进出口。",
        "LED显示屏、小间距显示屏",
        None,
        "南山区",
        "中型",
        320,
    ),
    (
        "深圳示例光电科技有限公司",
        None,
        "1000万元人民币",
        None,
        "2010年5月12日",
        "存续",
        "3976",
        "LED显示屏的研发、生产与销售",
        None,
        None,
        "南山区",
        "中型",
        320,
    ),
    (
        "示例半导体（深圳）有限公司",
        uscc(2),
        "50万美元",
        "50万美元",
        "2015/3/1",
        "在业",
        "C3973 集成电路制造",
        "集成电路的设计、研发、生产；电子产品的销售",
        "集成电路",
        None,
        "宝安区",
        "小型",
        85,
    ),
    (
        "示例半导体(深圳)有限公司",
        uscc(2),
        "50万美元",
        None,
        "2015-03-01",
        "在业",
        "3973",
        None,
        None,
        None,
        "宝安区",
        "小型",
        85,
    ),
    (
        "深圳市示例照明有限公司",
        uscc(3),
        "200万元人民币",
        "0万元人民币",
        "2008-07-01",
        "注销",
        "C3872 照明灯具制造",
        "LED灯具的生产与销售",
        "LED灯具",
        None,
        "龙岗区",
        "小型",
        0,
    ),
    (
        "深圳市示例灯饰有限公司",
        uscc(4),
        "100万元",
        None,
        "2009-09-09",
        "吊销，未注销",
        "3872",
        "灯饰的销售",
        None,
        None,
        "龙岗区",
        "微型",
        0,
    ),
    (
        "深圳示例显示技术有限公司",
        uscc(5),
        "3000万元人民币",
        "1500万元人民币",
        "2012-01-20",
        "存续",
        "C3974 显示器件制造",
        "液晶显示模组、OLED显示模组的研发、生产和销售",
        "液晶显示模组；OLED显示模组",
        "深圳示例电子有限公司",
        "光明区",
        "中型",
        410,
    ),
    (
        "深圳市示例封装技术有限公司",
        uscc(6),
        "800万元人民币",
        None,
        "2013-04-18",
        "存续",
        "C3976 光电子器件制造",
        "LED封装器件的研发、生产；LED芯片的销售",
        "LED封装器件",
        None,
        "宝安区",
        "小型",
        150,
    ),
    (
        "深圳市示例芯片科技有限公司",
        uscc(7),
        "1.2亿元人民币",
        "6000万元人民币",
        "2016-08-08",
        "存续",
        "C3976 光电子器件制造",
        "LED芯片、外延片的研发与生产",
        "LED芯片",
        "深圳市示例微电子有限公司；深圳示例晶片有限公司",
        "坪山区",
        "中型",
        560,
    ),
    (
        "深圳市示例材料有限公司",
        uscc(8),
        "500万元人民币",
        None,
        "2011-11-11",
        "存续",
        "C3985 电子专用材料制造",
        "荧光粉、封装胶的研发、生产",
        "荧光粉",
        None,
        "龙华区",
        "小型",
        60,
    ),
    (
        "深圳市示例装备有限公司",
        uscc(9),
        "2000万元人民币",
        None,
        "2014-02-14",
        "存续",
        "C3562 半导体器件专用设备制造",
        "固晶机、分选机的研发、制造",
        "固晶机",
        None,
        "宝安区",
        "中型",
        230,
    ),
    (
        "深圳市示例智能照明有限公司",
        uscc(10),
        "600万元人民币",
        None,
        "2017-06-30",
        "在业",
        "C3874 智能照明器具制造",
        "智能照明控制系统的研发、生产与销售",
        None,
        None,
        "南山区",
        "小型",
        45,
    ),
    (
        "深圳市示例背光科技有限公司",
        uscc(11),
        "1500万元人民币",
        None,
        "2018-03-03",
        "存续",
        "C3974 显示器件制造",
        "Mini LED背光模组的研发、生产",
        "Mini LED背光模组",
        None,
        "光明区",
        "中型",
        300,
    ),
    (
        "深圳市示例驱动芯片有限公司",
        uscc(12),
        "300万美元",
        None,
        "2019-10-10",
        "存续",
        "C3973 集成电路制造",
        "LED驱动芯片的设计与销售",
        "LED驱动芯片",
        None,
        "南山区",
        "小型",
        70,
    ),
    (
        "深圳市示例贸易有限公司",
        uscc(13),
        "50万元人民币",
        None,
        "2020-01-01",
        "存续",
        "F5176 计算机、软件及辅助设备批发",
        "电子产品、LED显示屏的销售；货物及技术进出口",
        None,
        None,
        "福田区",
        "微型",
        5,
    ),
    (
        "深圳市示例检测技术有限公司",
        uscc(14),
        "100万元人民币",
        None,
        "2015-05-05",
        "存续",
        "M7452 检测服务",
        "LED产品的检测服务",
        None,
        None,
        "南山区",
        "小型",
        30,
    ),
    (
        "深圳市示例光学有限公司",
        uscc(15),
        "详见章程",
        None,
        "2016-06-16",
        "存续",
        "C3976 光电子器件制造",
        "光学透镜的研发、生产",
        "光学透镜",
        None,
        "宝安区",
        "小型",
        90,
    ),
    (
        "深圳市示例电源有限公司",
        uscc(16),
        "700万元人民币",
        None,
        "2012-12-12",
        "存续",
        "C3824 电力电子元器件制造",
        "LED电源的研发、生产与销售",
        "LED电源",
        None,
        "龙岗区",
        "小型",
        120,
    ),
    (
        "深圳市示例标识有限公司",
        uscc(17),
        "400万港元",
        None,
        "2011-01-01",
        "存续",
        "C3976 光电子器件制造",
        "LED显示屏的研发、生产",
        None,
        None,
        "宝安区",
        "小型",
        40,
    ),
    (
        "深圳市示例软件有限公司",
        uscc(18),
        "100万元人民币",
        None,
        "2019-02-02",
        "存续",
        "I6513 应用软件开发",
        "软件开发；信息技术咨询服务",
        None,
        None,
        "南山区",
        "微型",
        12,
    ),
    (
        "深圳市示例精密有限公司",
        uscc(19),
        "900万元人民币",
        None,
        "2010-10-10",
        "存续",
        "C3985 电子专用材料制造",
        "LED支架的研发、生产",
        "LED支架",
        None,
        "宝安区",
        "小型",
        140,
    ),
    (
        "深圳市示例外延有限公司",
        uscc(20),
        "5000万元人民币",
        None,
        "2013-03-13",
        "存续",
        "C3976 光电子器件制造",
        "外延片的研发、生产",
        "外延片",
        None,
        "坪山区",
        "中型",
        260,
    ),
    (
        "深圳市示例衬底材料有限公司",
        uscc(21),
        "2500万元人民币",
        None,
        "2014-04-04",
        "存续",
        "C3985 电子专用材料制造",
        "蓝宝石衬底的研发、生产与销售",
        "蓝宝石衬底",
        None,
        "坪山区",
        "中型",
        210,
    ),
    (
        "深圳市示例模组有限公司",
        uscc(22),
        "300万元人民币",
        None,
        "2018-08-18",
        "存续",
        "C3974 显示器件制造",
        "LED显示模组的生产",
        "LED显示模组",
        None,
        "龙华区",
        "小型",
        75,
    ),
    (
        "深圳市示例投资有限公司",
        uscc(23),
        "10000万元人民币",
        None,
        "2017-07-07",
        "存续",
        "L7212 投资与资产管理",
        "投资兴办实业",
        None,
        None,
        "福田区",
        "微型",
        3,
    ),
    (
        "深圳市示例车灯有限公司",
        uscc(24),
        "1200万元人民币",
        None,
        "2016-01-16",
        "存续",
        "C3670 汽车零部件及配件制造",
        "汽车LED车灯的研发、生产",
        "汽车LED车灯",
        None,
        "宝安区",
        "中型",
        330,
    ),
    (
        "深圳市示例紫外光电有限公司",
        uscc(25),
        "800万元人民币",
        None,
        "2019-05-25",
        "存续",
        "C3976 光电子器件制造",
        "紫外LED的研发、生产",
        "紫外LED",
        None,
        "龙岗区",
        "小型",
        66,
    ),
    (
        "深圳市示例植物照明有限公司",
        uscc(26),
        "200万元人民币",
        None,
        "2020-09-09",
        "在业",
        "C3872 照明灯具制造",
        "植物照明灯具的研发、生产与销售",
        "植物照明灯具",
        None,
        "龙岗区",
        "微型",
        18,
    ),
    (
        "深圳市示例电子有限公司",
        BAD_USCC,
        "100万元人民币",
        None,
        "2010-01-01",
        "存续",
        "C3976 光电子器件制造",
        "LED显示屏的生产",
        None,
        None,
        "宝安区",
        "小型",
        20,
    ),
    (
        "深圳市示例红外科技有限公司",
        uscc(27),
        "650万元人民币",
        None,
        "2015-12-25",
        "存续",
        "C3976 光电子器件制造",
        "红外LED的研发、生产与销售",
        "红外LED",
        None,
        "南山区",
        "小型",
        55,
    ),
    (
        "深圳市示例微显示有限公司",
        uscc(28),
        "3000万元人民币",
        None,
        "2021-03-01",
        "存续",
        "C3974 显示器件制造",
        "Micro LED微显示器件的研发、生产",
        "Micro LED微显示器件",
        None,
        "光明区",
        "小型",
        48,
    ),
]

PRODUCT_SHEET = [
    ("深圳市示例封装技术有限公司", "LED封装器件"),
    ("深圳市示例芯片科技有限公司", "LED芯片"),
    ("深圳示例显示技术有限公司", "液晶显示模组"),
]

# Products the tests store first (the chain's product vocabulary); text can only link to these.
KNOWN_PRODUCTS = [
    "LED显示屏",
    "LED芯片",
    "LED封装器件",
    "集成电路",
    "液晶显示模组",
    "Mini LED背光模组",
    "LED驱动芯片",
    "外延片",
    "蓝宝石衬底",
    "LED灯具",
]

# Row numbers in the sheet: title row 1, note row 2, header row 3, firms from row 4.
FIRST_ROW = 4
BAD_ROW = FIRST_ROW + next(i for i, f in enumerate(FIRMS) if f[1] == BAD_USCC)
DISTINCT_FIRMS = len(FIRMS) - 2 - 1  # two variant rows fold into their firm; one row has a bad USCC


def rows() -> list[list[Any]]:
    """The firm rows of the sheet, in HEADER's column order."""
    out: list[list[Any]] = []
    for i, f in enumerate(FIRMS, start=1):
        name, code, cap, paid, founded, status, gb, scope, products, former, district, size, insured = f
        industry = LIGHT if gb.startswith(("C38",)) else ELEC if gb.startswith(("C39", "39")) else None
        out.append(
            [
                i,
                name,
                code,
                f"示例{i:02d}",
                cap,
                paid,
                founded,
                status,
                "有限责任公司",
                "广东省",
                "深圳市",
                district,
                industry,
                gb,
                size,
                insured,
                scope,
                products,
                former,
                None,
                f"广东省深圳市{district}示例路{i}号（示例地址）",
                None,
                f"0755-0000{i:04d}",
            ]
        )
    return out


def build_workbook(path: Path) -> Path:
    """Write the ILLUSTRATIVE export to ``path`` (two sheets: 企业列表 and 主营产品)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "企业列表"
    ws.append([TITLE])
    ws.append([NOTE])
    ws.append(HEADER)
    for r in rows():
        ws.append(r)
    ws.append([])
    for f in FOOTERS:
        ws.append([f])
    ws2 = wb.create_sheet("主营产品")
    ws2.append(["企业名称", "主营产品"])
    for r in PRODUCT_SHEET:
        ws2.append(list(r))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "data" / "registry" / "企查查导出_示例.xlsx"
    print(build_workbook(out))
