"""Yearly figures and the other measure files: units by the stated rule, and bad rows named by file,
line and field while the good rows load."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainkg.errors import InvalidInputError
from chainkg.graph.store import GraphStore
from chainkg.ingest.pipeline import ingest_paths
from chainkg.ingest.units import convert, split_header

ENTERPRISES = "key,name\ne1,甲公司\ne2,乙公司\n"


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_units_rule() -> None:
    assert split_header("出口额（万美元）") == ("出口额", "万美元")
    assert split_header("营业收入 (亿元)") == ("营业收入", "亿元")
    assert convert(2, "亿元", "万元", year=None, rate=lambda c, y: None) == 20_000
    assert convert(300, "百万美元", "万美元", year=None, rate=lambda c, y: None) == 30_000
    assert convert(650, "万元", "万美元", year=2021, rate=lambda c, y: 6.5 if (c, y) == ("USD", 2021) else None) == 100
    with pytest.raises(ValueError, match="no exchange rate USD:2020"):
        convert(650, "万元", "万美元", year=2020, rate=lambda c, y: None)
    with pytest.raises(ValueError, match="not known"):
        convert(1, "斤", "万元", year=2020, rate=lambda c, y: None)


def test_bad_figures_are_named_by_file_line_and_field(store: GraphStore, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "in",
        {
            "enterprise.csv": ENTERPRISES,
            "enterprise_year.csv": (
                "企业,年份,营业收入（万元）,出口额（万美元）,自主知识产权产品出口额（万美元）\n"
                "甲公司,2020,1000,50,20\n"  # good
                "甲公司,2021,-5,50,20\n"  # negative revenue
                "乙公司,2999,100,10,5\n"  # a year not yet come
                "乙公司,2020,100,10,12\n"  # own-IP exports above all exports: a share above 100 %
                "丙公司,2020,100,10,5\n"  # unknown enterprise
            ),
            "exchange_rate.csv": "currency,year,cny_per_unit\nUSD,2020,6.9\n",
            "national_total.csv": (
                "指标,年份,数值,单位\n出口额,2020,100,亿美元\n产值,2020,5,亿美元\n产值,2019,5,亿美元\n"
            ),
            "located_in.csv": "src,dst,since,until\n",
        },
    )
    report = ingest_paths(store, [folder])
    got = {(r.file, r.line, r.field) for r in report.rejections}
    assert ("enterprise_year.csv", 3, "revenue") in got
    assert ("enterprise_year.csv", 4, "year") in got
    assert ("enterprise_year.csv", 5, "exports_own_ip") in got
    assert ("enterprise_year.csv", 6, "enterprise") in got
    # 5 亿美元 of output in 2019 needs the 2019 rate: refused, naming it; 2020 converts with 6.9.
    assert ("national_total.csv", 4, "value") in got
    reasons = {(r.line, r.field): r.reason for r in report.rejections if r.file == "national_total.csv"}
    assert "USD:2019" in reasons[(4, "value")]
    share = next(r.reason for r in report.rejections if r.field == "exports_own_ip")
    assert "100 %" in share
    rows = store.execute("MATCH (f:EnterpriseYear) RETURN f.key AS k, f.revenue AS r")
    assert [(r["k"], r["r"]) for r in rows] == [("e1@2020", 1000.0)]
    nat = store.execute("MATCH (n:NationalTotal) RETURN n.key AS k, n.value AS v ORDER BY k")
    expected = [("exports:*:2020", 1_000_000.0), ("output:*:2020", pytest.approx(345_000))]
    assert [(r["k"], r["v"]) for r in nat] == expected


def test_dates_must_be_in_order_and_possible(store: GraphStore, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "d",
        {
            "base.csv": "key,name,approved_year\nb1,基地,2010\n",
            "enterprise.csv": "key,name,founded,closed\ne1,甲公司,2010-03-01,2008\ne2,乙公司,20xx,\ne3,丙公司,2012,\n",
            "located_in.csv": "src,dst,since,until\ne3,b1,2015,2012\n",
        },
    )
    report = ingest_paths(store, [folder])
    got = {(r.file, r.line, r.field) for r in report.rejections}
    assert got == {("enterprise.csv", 2, "closed"), ("enterprise.csv", 3, "founded"), ("located_in.csv", 2, "until")}
    with pytest.raises(InvalidInputError) as exc:
        ingest_paths(store, [folder], strict=True)
    assert (exc.value.file, exc.value.line) == ("enterprise.csv", 2)


def test_an_older_embedded_store_gains_the_new_properties(tmp_path: Path) -> None:
    """A LadybugDB store made before the dated ties existed keeps working after ensure_schema."""
    from chainkg.graph.store.ladybug_store import LadybugStore
    from chainkg.queries.targets import base_targets

    s = LadybugStore(tmp_path / "old.lbug")
    try:
        s.execute("CREATE NODE TABLE Base(key STRING PRIMARY KEY, name STRING)")
        s.execute("CREATE NODE TABLE Enterprise(key STRING PRIMARY KEY, name STRING)")
        s.execute("CREATE REL TABLE LOCATED_IN(FROM Enterprise TO Base)")
        s.execute("CREATE (:Base {key: 'b', name: '旧基地'})")
        s.ensure_schema()
        cols = {r["name"] for r in s.execute("CALL table_info('LOCATED_IN') RETURN *")}
        assert {"since", "until", "source"} <= cols
        assert [t.status for t in base_targets(s, "b", 2021).targets] == ["n/a", "n/a", "n/a"]
    finally:
        s.close()
