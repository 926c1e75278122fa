"""The annual review report: the files the API gives, opened and checked against the API's answers.

On the demo (sz-led, 2021): openpyxl reads the xlsx, python-docx parses the docx, pypdf
extracts the PDF's text; the §2 targets, the segment statuses and counts, and the indicators
(with their change from 2020) must equal what /analytics answers for the same base and year.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apitools import client_for, make_settings
from fastapi.testclient import TestClient

from chainkg.graph.store import GraphStore

pytestmark = pytest.mark.slow

BASE, YEAR = "sz-led", 2021


@pytest.fixture(scope="module")
def client(demo_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with client_for(demo_store, make_settings(tmp_path_factory.mktemp("reports"))) as c:
        yield c


@pytest.fixture(scope="module")
def files(client: TestClient) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fmt in ("xlsx", "docx", "pdf"):
        r = client.get(f"/reports/{BASE}", params={"year": YEAR, "format": fmt})
        assert r.status_code == 200, r.text[:500]
        out[fmt] = r
    return out


@pytest.fixture(scope="module")
def api(client: TestClient) -> dict[str, Any]:
    def get(path: str, **params: Any) -> Any:
        r = client.get(path, params=params)
        assert r.status_code == 200, r.text[:300]
        return r.json()

    return {
        "targets": get("/analytics/targets", base=BASE, year=YEAR),
        "segments": get("/analytics/segments", base=BASE),
        "now": get("/analytics/indicators", base=BASE, year=YEAR)[0],
        "before": get("/analytics/indicators", base=BASE, year=YEAR - 1)[0],
    }


def test_media_types_and_file_names(files: dict[str, Any]) -> None:
    assert (
        files["xlsx"]
        .headers["content-type"]
        .startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    assert (
        files["docx"]
        .headers["content-type"]
        .startswith("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    )
    assert files["pdf"].headers["content-type"] == "application/pdf"
    assert files["pdf"].content[:5] == b"%PDF-"
    for fmt, r in files.items():
        assert f'filename="chainkg-report-sz-led-2021.{fmt}"' in r.headers["content-disposition"]


def _sheet_rows(wb: Any, name: str) -> list[tuple[Any, ...]]:
    """The data rows of a sheet: below the header row (row 3), up to the first empty row."""
    rows = []
    for row in wb[name].iter_rows(min_row=4, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return rows


def test_xlsx_figures_equal_the_api(files: dict[str, Any], api: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(files["xlsx"].content))
    parts = "概况 §2目标 指标与同比 产业链覆盖 缺口与招商 薄弱环节 产业联盟 专利池 公共服务平台 数据来源"
    assert wb.sheetnames == parts.split()
    summary = dict(r[:2] for r in _sheet_rows(wb, "概况"))
    assert summary["缺口环节 gap segments"] == api["segments"]["maps"][0]["counts"]["gap"]  # a number, not text
    ws = wb["§2目标"]
    assert ws.freeze_panes == "A4"
    assert ws["A3"].value == "目标 target" and ws["G3"].value == "结论 status"
    targets = {r[0]: r for r in _sheet_rows(wb, "§2目标")}
    assert set(targets) == {"2a", "2b", "2c"}
    status = {True: "达标", False: "未达标", None: "不适用 n/a"}
    for t in api["targets"]["targets"]:
        row = targets[t["code"]]
        assert row[3] == pytest.approx(t["threshold"])
        assert row[4] == pytest.approx(t["value"])
        assert row[6] == status[t["met"]]
    assert ws["E4"].number_format == "0.0%"  # 2a is a share
    assert [t["met"] for t in api["targets"]["targets"]] == [True, False, False]  # the demo's known answer

    seg = api["segments"]["maps"]
    answers = [s for m in seg for s in m["segments"]]
    coverage = _sheet_rows(wb, "产业链覆盖")
    assert len(coverage) == len(answers) == 21
    assert [(r[2], r[3], r[4], r[6]) for r in coverage] == [
        (s["name"], s["status_zh"], s["base_count"], s["makers_count"]) for s in answers
    ]
    gaps = _sheet_rows(wb, "缺口与招商")
    gap_names = {r[0] for r in gaps if r[4] != "无已知供应商：研发攻关方向"}
    counts = seg[0]["counts"]
    assert len(gap_names) == counts["gap"] == 9
    assert sum(1 for r in gaps if r[4] == "无已知供应商：研发攻关方向") == counts["no_supplier"]
    # each gap segment's first candidate is the first maker outside the base the API names
    first = {r[0]: r[4] for r in gaps if r[3] == 1}
    assert first["衬底材料"] == "华灿光电"

    ind = {r[0]: r for r in _sheet_rows(wb, "指标与同比")}
    now, before = api["now"], api["before"]
    for field, label in (
        ("enterprises", "企业数 number of enterprises"),
        ("own_ip_share", "自主知识产权企业占比 own IP share"),
    ):
        row = ind[label]
        assert row[1] == pytest.approx(now[field]) and row[2] == pytest.approx(before[field])
    assert ind["企业数 number of enterprises"][3] == now["enterprises"] - before["enterprises"]
    # a share's change is written in percentage points
    assert ind["自主知识产权企业占比 own IP share"][3] == pytest.approx(
        100 * (now["own_ip_share"] - before["own_ip_share"]), abs=1e-4
    )
    # the alliances and pools the base takes part in are those its indicators count
    assert {r[1] for r in _sheet_rows(wb, "产业联盟")} == set(now["alliance_keys"]) == {"al-sz-led", "al-gba-display"}
    assert {r[1] for r in _sheet_rows(wb, "专利池")} == set(now["pool_keys"])
    sources = _sheet_rows(wb, "数据来源")
    assert any(r[0] == "demo:illustrative/national_total.csv" and r[3] for r in sources)


def test_docx_figures_equal_the_api(files: dict[str, Any], api: dict[str, Any]) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(files["docx"].content))
    heads = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert heads[:2] == ["概况 Summary", "§2 目标完成情况 Targets of 商产发[2007]509号 §2"]
    assert "缺口环节与招商对象 Gap segments and whom to attract" in heads
    assert "数据来源及日期 Data sources and their dates" in heads
    # the East Asian font is named, so Word does not fall back to a Latin font for Chinese
    rfonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts is not None and rfonts.get(qn("w:eastAsia")) == "Noto Sans CJK SC"
    heading = doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading.get(qn("w:eastAsia")) == "Noto Sans CJK SC" and heading.get(qn("w:eastAsiaTheme")) is None
    targets = next(t for t in doc.tables if t.rows[0].cells[0].text == "目标 target")
    by_code = {r.cells[0].text: [c.text for c in r.cells] for r in targets.rows[1:]}
    t2a, t2b, _t2c = api["targets"]["targets"]
    assert by_code["2a"][4] == f"{100 * t2a['value']:.1f}%" == "35.6%"
    assert by_code["2b"][4] == f"{int(t2b['value']):,}" and by_code["2b"][5] == f"{int(t2b['total']):,}"
    assert by_code["2c"][4] == "0.08%" and by_code["2c"][6] == "未达标"
    coverage = next(t for t in doc.tables if len(t.columns) > 2 and t.rows[0].cells[2].text == "环节 segment")
    answers = [s for m in api["segments"]["maps"] for s in m["segments"]]
    assert [r.cells[3].text for r in coverage.rows[1:]] == [s["status_zh"] for s in answers]


def test_pdf_text_holds_the_figures_in_chinese(files: dict[str, Any], api: dict[str, Any], tmp_path: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(files["pdf"].content))
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    assert "深圳光电显示（LED）科技兴贸创新基地 2021 年度考核报告" in text.replace("\n", "")
    t2a = api["targets"]["targets"][0]
    assert f"{100 * t2a['value']:.1f}%" in text and "未达标" in text and "达标" in text
    for s in api["segments"]["maps"][0]["segments"][:5]:
        assert s["name"] in text
    fonts = set()
    for page in reader.pages:
        for f in (page.get("/Resources") or {}).get("/Font", {}).values():
            fonts.add(str(f.get_object().get("/BaseFont")))
    assert any("CJK" in f for f in fonts), fonts  # the Chinese font is embedded


def test_report_errors(client: TestClient) -> None:
    r = client.get("/reports/no-such-base", params={"year": YEAR})
    assert r.status_code == 404 and "sz-led" in r.text
    assert client.get(f"/reports/{BASE}", params={"format": "odt"}).status_code == 422


def test_base_page_links_the_report(client: TestClient) -> None:
    html = client.get(f"/ui/bases/{BASE}").text
    assert 'action="/reports/sz-led"' in html and 'value="pdf"' in html and 'value="2021"' in html


def test_map_page_shows_a_segments_makers(client: TestClient) -> None:
    seg = client.get("/analytics/segments", params={"base": BASE, "map": "led", "segment": "led/chip"}).json()
    makers = seg["maps"][0]["segments"][0]["makers"]
    assert len(makers) == seg["maps"][0]["segments"][0]["makers_count"] == 3
    places = client.get("/analytics/places", params={"enterprises": ",".join(m["key"] for m in makers)}).json()
    html = client.get("/ui/map", params={"base": BASE, "segment": "led/chip"})
    assert html.status_code == 200
    assert "LED芯片 生产企业" in html.text
    assert f"共 {places['enterprises']} 家企业" in html.text
    assert places["provinces"] and places["provinces"][0]["province"] in html.text
    assert client.get("/ui/map", params={"segment": "led/chip"}).status_code == 422  # no base
    assert client.get("/ui/map", params={"base": BASE, "segment": "led/nope"}).status_code == 404


def test_another_map_can_be_chosen(client: TestClient) -> None:
    from openpyxl import load_workbook

    r = client.get(f"/reports/{BASE}", params={"year": YEAR, "format": "xlsx", "map": "robot"})
    assert r.status_code == 200, r.text[:300]
    seg = client.get("/analytics/segments", params={"base": BASE, "map": "robot"}).json()
    answers = seg["maps"][0]["segments"]
    coverage = _sheet_rows(load_workbook(io.BytesIO(r.content)), "产业链覆盖")
    assert [(row[0], row[2], row[3]) for row in coverage] == [
        (seg["maps"][0]["map"]["name"], s["name"], s["status_zh"]) for s in answers
    ]
    assert len(coverage) == 18
