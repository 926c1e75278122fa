"""The policy's own measures on a tiny base loaded through the ingest formats, on both stores.

Base m1 (approved 2018), leading industry 光学光电子 (SW2021:270300; LED 270302 is a sub-industry):
  e1 甲光电 (LED pkg; own IP, own brand; in m1 since 2018; foreign-invested),
  e2 乙显示 (LED; own IP, no own brand; since 2019),
  e3 丙照明 (LED; own IP, own brand; 2018 until 2020; founded 2015),
  e4 丁驱动 (no industry; own IP, own brand; since 2018; closed 2019).
Figures (万元 / 万美元) for 2019–2021 in the file's own units (亿元 and 万元 for exports need the
USD rate); national 光学光电子 output 2021 = 10 亿元 = 100,000 万元; national high-tech exports 2021
= 1 亿美元 = 10,000 万美元. Standards, a certification, an R&D centre, financing and key
enterprises as written below.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chainkg.errors import NotFoundError
from chainkg.graph.store import GraphStore
from chainkg.ingest.pipeline import ingest_paths
from chainkg.queries.indicators import INDICATORS, base_indicators, indicator_history
from chainkg.queries.policy import policy_profile
from chainkg.queries.targets import base_targets

FILES: dict[str, str] = {
    "base.csv": "key,name,approved_year\nm1,测试基地,2018\nm2,空基地,2020\n",
    "industry.csv": "code,scheme,name,level\n270300,SW2021,光学光电子,2\n270302,SW2021,LED,3\n",
    "sub_industry_of.csv": "src,dst\nSW2021:270302,SW2021:270300\n",
    "leads_in.csv": "src,dst\nm1,SW2021:270300\n",
    "enterprise.csv": (
        "key,name,own_ip,own_brand,export_oriented,founded,closed,foreign_invested\n"
        "e1,甲光电,是,是,是,2010-05-01,,是\n"
        "e2,乙显示,是,否,是,,,\n"
        "e3,丙照明,是,是,否,2015,,\n"
        "e4,丁驱动,是,是,是,,2019,\n"
    ),
    "in_industry.csv": "src,dst\ne1,SW2021:270302\ne2,SW2021:270300\ne3,SW2021:270300\n",
    "located_in.csv": "src,dst,since,until\ne1,m1,2018,\ne2,m1,2019,\ne3,m1,2018,2020\ne4,m1,2018,\n",
    "exchange_rate.csv": "币种,年份,汇率\n美元,2021,6.5\n",
    "enterprise_year.csv": (
        "企业,年份,产值（亿元）,营业收入（万元）,出口额（万元）,自主知识产权高新技术产品出口额（万美元）,研发投入（万元）\n"
        "甲光电,2019,1,12000,,,\n"
        "甲光电,2020,2,22000,,,\n"
        "甲光电,2021,3,33000,6500,600,1650\n"
        "乙显示,2021,1,11000,1300,100,550\n"
        "丙照明,2020,0.5,6000,,,\n"
    ),
    "national_total.csv": "指标,行业,年份,数值,单位\n产值,光学光电子,2021,10,亿元\n高新技术产品出口额,,2021,1,亿美元\n",
    "standard.csv": "标准编号,标准名称,标准级别,发布年份\nT-1,测试标准一,国家标准,2019\nT-2,测试标准二,国际标准,2022\n",
    "drafted.csv": "src,dst,role\n甲光电,T-1,主起草\n乙显示,T-2,参与\n",
    "patent.csv": "key,title,year\nCN100,国内专利,2019\nWO2020001,国际专利,2020\nUS9000,美国专利,2021\n",
    "holds_patent.csv": "src,dst\n甲光电,CN100\n甲光电,WO2020001\n乙显示,US9000\n",
    "certification.csv": "key,name,region,international\nCE,CE标志,EU,是\nCCC,强制性产品认证,CN,否\n",
    "certified.csv": "src,dst,since,until\n甲光电,CE,2019,\n乙显示,CCC,2019,\n丙照明,CE,2018,2019\n",
    "rd_centre.csv": (
        "key,name,base,country,foreign,founded,closed\nrdc1,外资中心,m1,德国,是,2019,\nrdc2,旧中心,m1,日本,是,2015,2019\n"
    ),
    "financing_event.csv": (
        "企业,融资方式,金额（亿元）,年份,提供方\n甲光电,知识产权质押,0.5,2021,某行\n乙显示,出口信用保险,800,2020,某保\n"
    ),
    "key_enterprise_of.csv": (
        "起点,终点,联系人,联系人职务,since,until\n甲光电,m1,张三,副总经理,2018,\n乙显示,m1,,,2019,\n"
    ),
}


@pytest.fixture
def graph(store: GraphStore, tmp_path: Path) -> GraphStore:
    folder = tmp_path / "m"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    report = ingest_paths(store, [folder])
    assert report.rejections == [], [(r.file, r.line, r.field, r.reason) for r in report.rejections]
    return store


def test_figures_are_converted_by_the_stated_rule(graph: GraphStore) -> None:
    rows = {
        r["key"]: r
        for r in graph.execute(
            "MATCH (e:Enterprise)-[:REPORTS]->(f:EnterpriseYear) RETURN f.key AS key, f.output AS output, "
            "f.exports AS exports, f.year AS year"
        )
    }
    assert rows["e1@2021"]["output"] == pytest.approx(30_000)  # 3 亿元 = 30,000 万元
    assert rows["e1@2021"]["exports"] == pytest.approx(1000)  # 6,500 万元 ÷ 6.5 = 1,000 万美元
    nat = graph.execute("MATCH (n:NationalTotal) RETURN n.measure AS m, n.industry AS i, n.value AS v ORDER BY m")
    assert [(r["m"], r["i"], r["v"]) for r in nat] == [
        ("exports_high_tech", None, 10_000.0),
        ("output", "SW2021:270300", 100_000.0),
    ]


def test_dated_membership_and_history_from_the_approval_year(graph: GraphStore) -> None:
    hist = indicator_history(graph, "m1")
    assert [i.year for i in hist] == [2018, 2019, 2020, 2021, 2022]
    # e1, e3, e4 in 2018; e2 joins 2019; e4 closed 2019 (counts in its last year); e3 left after 2020.
    assert [i.enterprises for i in hist] == [3, 4, 3, 2, 2]
    assert [i.output for i in hist] == [None, 10_000, 25_000, 40_000, None]
    assert hist[0].missing["output"].startswith("缺少")


def test_targets_met_not_met_and_n_a(graph: GraphStore) -> None:
    t = {x.code: x for x in base_targets(graph, "m1", 2021).targets}
    # 2a: (30,000 + 10,000) ÷ 100,000 = 40 % ≥ 30 %.
    assert (t["2a"].value, t["2a"].met, t["2a"].status) == (pytest.approx(0.4), True, "达标 met")
    # 2b: e1 (own IP, brand, exports) only; e2 has no own brand. National total 1 < 1,000.
    assert (t["2b"].value, t["2b"].total, t["2b"].met) == (1.0, 1.0, False)
    # 2c: 700 ÷ 10,000 万美元 = 7 %.
    assert (t["2c"].value, t["2c"].total, t["2c"].met) == (pytest.approx(0.07), pytest.approx(0.07), False)
    # 2020: no exports reported, no national totals: n/a naming the inputs, never 0.
    t20 = {x.code: x for x in base_targets(graph, "m1", 2020).targets}
    assert all(x.value is None and x.status == "n/a" and x.met is None for x in t20.values())
    assert "全国光学光电子产值" in t20["2a"].missing[-1]
    assert "出口额" in t20["2b"].missing[0]
    assert any("全国高新技术产品出口额" in m for m in t20["2c"].missing)
    # Removing the national totals turns 2a into n/a naming the national total.
    graph.execute("MATCH (n:NationalTotal) DETACH DELETE n")
    t2a = base_targets(graph, "m1", 2021).targets[0]
    assert (t2a.value, t2a.status) == (None, "n/a")
    assert t2a.missing == ["缺少全国光学光电子产值 2021 年"]  # Chinese by default
    with pytest.raises(NotFoundError):
        base_targets(graph, "nope", 2021)


def test_new_objects_answer_the_policy_question(graph: GraphStore) -> None:
    p = policy_profile(graph, "m1", 2021)
    assert [(s.standard, s.level, s.lead) for s in p.standards] == [("T-1", "national", True)]  # T-2 is 2022
    assert [(x.patent, x.jurisdiction) for x in p.international_patents] == [("WO2020001", "PCT"), ("US9000", "US")]
    assert [(c.enterprise, c.certification, c.international) for c in p.certifications] == [
        ("乙显示", "CCC", False),
        ("甲光电", "CE", True),
    ]
    assert [r.centre for r in p.rd_centres] == ["rdc1"]  # rdc2 closed 2019
    assert p.foreign_invested == ["甲光电"]
    assert [(f.enterprise, f.instrument, f.amount) for f in p.financing] == [("甲光电", "ip_pledge", 5000.0)]
    assert [(k.name, k.contact, k.contact_role) for k in p.key_enterprises] == [
        ("甲光电", "张三", "副总经理"),
        ("乙显示", None, None),
    ]
    assert p.key_without_contact == ["乙显示"]
    assert policy_profile(graph, "m1", 2022).standards_by_level == {"national": 1, "international": 1}


def test_indicators_use_the_new_objects(graph: GraphStore) -> None:
    (i,) = base_indicators(graph, "m1", year=2021)
    assert (i.enterprises, i.intl_patents, i.intl_ip_share) == (2, 2, 1.0)
    assert (i.intl_cert_share, i.standards, i.foreign_rd_centres) == (0.5, 1, 1)
    assert (i.financing_amount, i.key_enterprises, i.key_contacts) == (5000.0, 2, 1)
    assert i.foreign_invested_share == 0.5
    assert i.rnd_intensity == pytest.approx(2200 / 44_000)
    assert i.triple_enterprises == 1
    (i19,) = base_indicators(graph, "m1", year=2019)
    assert (i19.intl_patents, i19.intl_cert_share, i19.financing_amount) == (0, pytest.approx(2 / 4), None)
    assert "financing_amount" in i19.missing


def test_every_indicator_documents_direction_unit_and_clause() -> None:
    for name, ind in INDICATORS.items():
        assert ind.zh and ind.unit and "509号" in ind.clause, name
    assert {k for k, v in INDICATORS.items() if v.lower_is_better} == {"gap_share", "weak_share"}


def test_docs_map_every_indicator_to_its_clause() -> None:
    from chainkg.views.measures import INDICATOR_ROWS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "indicators.md").read_text(encoding="utf-8")
    rows = {ln.split("|")[1].strip(): ln for ln in doc.splitlines() if ln.startswith("| `")}
    for name, ind in INDICATORS.items():
        row = rows.get(f"`{name}`")
        assert row is not None and ind.clause in row and ind.unit in row, name
        assert ("lower is better" if ind.lower_is_better else "higher is better") in row, name
    shown = " ".join(rows)
    for name, *_ in INDICATOR_ROWS:
        assert f"`{name}`" in shown, name
    for code in ("2a", "2b", "2c"):
        assert any(ln.startswith(f"| {code} |") and "§2" in ln for ln in doc.splitlines()), code
