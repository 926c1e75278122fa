"""The annual review report: the files the API gives, opened and checked against the API's answers.

On the demo (sz-led, 2021): openpyxl reads the xlsx, python-docx parses the docx, pypdf
extracts the PDF's text; the §2 targets, the segment statuses and counts, and the indicators
(with their change from 2020) must equal what /analytics answers for the same base and year,
in Chinese (the default) and in English (``lang=en`` or ``Accept-Language: en``). Each file
speaks one language: no English value word in a Chinese report (the word list of test_i18n),
no Chinese heading, header or coded value in an English one (data such as names stays).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from apitools import client_for, make_settings
from fastapi.testclient import TestClient
from test_i18n import _chinese_words, _english_words

from chainkg.graph.store import GraphStore

pytestmark = pytest.mark.slow

BASE, YEAR = "sz-led", 2021
LANGS = ("zh", "en")
CJK = re.compile(r"[\u4e00-\u9fff]")

# What the report calls things: (Chinese, English), written out so a catalog that loses a word fails.
_SHEETS = (
    ("概况", "Summary"),
    ("§2目标", "§2 targets"),
    ("指标", "Indicators"),
    ("产业链覆盖", "Chain map coverage"),
    ("缺口与招商", "Gaps to attract"),
    ("薄弱环节", "Weak links"),
    ("产业联盟", "Industry alliances"),
    ("专利池", "Patent pools"),
    ("公共服务平台", "Public service platforms"),
    ("数据来源", "Data sources"),
)
_MET = ((True, "达标", "met"), (False, "未达标", "not met"), (None, "不适用", "not applicable"))
_STATUS: tuple[tuple[str, str, str], ...] = (("covered", "已覆盖", "covered"), ("weak", "薄弱", "weak"))
_STATUS += (("gap", "缺口", "gap"), ("no_supplier", "无已知供应商", "no known supplier"))
_PAIRS: dict[str, tuple[Any, ...]] = {
    "sheets": tuple([s[i] for s in _SHEETS] for i in (0, 1)),
    "met": tuple({m[0]: m[i] for m in _MET} for i in (1, 2)),
    "segment status": tuple({s[0]: s[i] for s in _STATUS} for i in (1, 2)),
    "gap segments": ("缺口环节", "gap segments"),
    "target": ("目标", "target"),
    "status": ("状态", "status"),
    "no supplier": ("无已知供应商：研发攻关方向", "no known supplier: a research target"),
    "enterprises": ("企业数", "number of enterprises"),
    "own IP": ("自主知识产权企业占比", "own IP share"),
    "pp": ("个百分点", "percentage points"),
    "headings": (
        ["概况", "§2 目标完成情况（商产发[2007]509号）"],
        ["Summary", "§2 targets of the founding notice (Shangchanfa [2007] No. 509)"],
    ),
    "gaps heading": ("缺口环节与招商对象", "Gap segments and whom to attract"),
    "sources heading": ("数据来源及日期", "Data sources and their dates"),
    "segment": ("环节", "segment"),
    "title": (
        "深圳光电显示（LED）科技兴贸创新基地 2021 年度考核报告",
        "深圳光电显示（LED）科技兴贸创新基地: annual review report, 2021",
    ),
    "html lang": ("zh-CN", "en"),
    "word lang": ("zh-CN", "en-US"),
}
WORDS: dict[str, dict[str, Any]] = {lang: {k: v[i] for k, v in _PAIRS.items()} for i, lang in enumerate(LANGS)}


@pytest.fixture(scope="module")
def client(demo_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with client_for(demo_store, make_settings(tmp_path_factory.mktemp("reports"))) as c:
        yield c


@pytest.fixture(scope="module")
def all_files(client: TestClient) -> dict[str, dict[str, Any]]:
    """The three files in each language: Chinese by default; English by ``lang=en`` (xlsx, pdf) or
    by ``Accept-Language`` (docx), both ways a browser or a script asks."""
    out: dict[str, dict[str, Any]] = {"zh": {}, "en": {}}
    for fmt in ("xlsx", "docx", "pdf"):
        r = client.get(f"/reports/{BASE}", params={"year": YEAR, "format": fmt})
        assert r.status_code == 200, r.text[:500]
        out["zh"][fmt] = r
        if fmt == "docx":
            r = client.get(f"/reports/{BASE}", params={"year": YEAR, "format": fmt}, headers={"Accept-Language": "en"})
        else:
            r = client.get(f"/reports/{BASE}", params={"year": YEAR, "format": fmt, "lang": "en"})
        assert r.status_code == 200, r.text[:500]
        out["en"][fmt] = r
    return out


@pytest.fixture(scope="module")
def files(all_files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The Chinese files (the default)."""
    return all_files["zh"]


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


def test_media_types_and_file_names(all_files: dict[str, dict[str, Any]]) -> None:
    files = all_files["zh"]
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
    for lang in LANGS:
        for fmt, r in all_files[lang].items():
            assert f'filename="chainkg-report-sz-led-2021.{fmt}"' in r.headers["content-disposition"]
            assert r.headers["content-language"] == WORDS[lang]["html lang"]


def _sheet_rows(wb: Any, name: str) -> list[tuple[Any, ...]]:
    """The data rows of a sheet: below the header row (row 3), up to the first empty row."""
    rows = []
    for row in wb[name].iter_rows(min_row=4, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return rows


@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_figures_equal_the_api(all_files: dict[str, dict[str, Any]], api: dict[str, Any], lang: str) -> None:
    from openpyxl import load_workbook

    w = WORDS[lang]
    wb = load_workbook(io.BytesIO(all_files[lang]["xlsx"].content))
    sheet = dict(zip(WORDS["zh"]["sheets"], w["sheets"], strict=True))  # the Chinese name → this language's
    assert wb.sheetnames == w["sheets"]
    summary = dict(r[:2] for r in _sheet_rows(wb, sheet["概况"]))
    assert summary[w["gap segments"]] == api["segments"]["maps"][0]["counts"]["gap"]  # a number, not text
    ws = wb[sheet["§2目标"]]
    assert ws.freeze_panes == "A4"
    assert ws["A3"].value == w["target"] and ws["G3"].value == w["status"]
    targets = {r[0]: r for r in _sheet_rows(wb, sheet["§2目标"])}
    assert set(targets) == {"2a", "2b", "2c"}
    for t in api["targets"]["targets"]:
        row = targets[t["code"]]
        assert row[1] == (t["name_en"] if lang == "en" else t["name"])
        assert row[3] == pytest.approx(t["threshold"])
        assert row[4] == pytest.approx(t["value"])
        assert row[6] == w["met"][t["met"]]
    assert ws["E4"].number_format == "0.0%"  # 2a is a share
    assert [t["met"] for t in api["targets"]["targets"]] == [True, False, False]  # the demo's known answer

    seg = api["segments"]["maps"]
    answers = [s for m in seg for s in m["segments"]]
    coverage = _sheet_rows(wb, sheet["产业链覆盖"])
    assert len(coverage) == len(answers) == 21
    assert [(r[2], r[3], r[4], r[6]) for r in coverage] == [
        (s["name"], w["segment status"][s["status"]], s["base_count"], s["makers_count"]) for s in answers
    ]
    if lang == "zh":
        assert [r[3] for r in coverage] == [s["status_zh"] for s in answers]
    gaps = _sheet_rows(wb, sheet["缺口与招商"])
    gap_names = {r[0] for r in gaps if r[4] != w["no supplier"]}
    counts = seg[0]["counts"]
    assert len(gap_names) == counts["gap"] == 9
    assert sum(1 for r in gaps if r[4] == w["no supplier"]) == counts["no_supplier"]
    # each gap segment's first candidate is the first maker outside the base the API names
    first = {r[0]: r[4] for r in gaps if r[3] == 1}
    assert first["衬底材料"] == "华灿光电"  # names are data: the same in both languages

    ind = {r[0]: r for r in _sheet_rows(wb, sheet["指标"])}
    now, before = api["now"], api["before"]
    for field, label in (("enterprises", w["enterprises"]), ("own_ip_share", w["own IP"])):
        row = ind[label]
        assert row[1] == pytest.approx(now[field]) and row[2] == pytest.approx(before[field])
    assert ind[w["enterprises"]][3] == now["enterprises"] - before["enterprises"]
    # a share's change is written in percentage points, the unit in the report's language
    own_ip = wb[sheet["指标"]].cell(row=4 + list(ind).index(w["own IP"]), column=4)
    assert own_ip.value == pytest.approx(100 * (now["own_ip_share"] - before["own_ip_share"]), abs=1e-4)
    assert w["pp"] in own_ip.number_format
    # the alliances and pools the base takes part in are those its indicators count
    alliances = {r[1] for r in _sheet_rows(wb, sheet["产业联盟"])}
    assert alliances == set(now["alliance_keys"]) == {"al-sz-led", "al-gba-display"}
    assert {r[1] for r in _sheet_rows(wb, sheet["专利池"])} == set(now["pool_keys"])
    sources = _sheet_rows(wb, sheet["数据来源"])
    assert any(r[0] == "demo:illustrative/national_total.csv" and r[3] for r in sources)


def _xlsx_parts(content: bytes) -> tuple[list[str], list[str]]:
    """An xlsx's words that are ours (sheet names, titles, intros, header rows, notes) and all its text cells."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    ours, cells = list(wb.sheetnames), []
    for ws in wb:
        rows = list(ws.iter_rows(values_only=True))
        ours += [str(v) for row in rows[:3] for v in row if isinstance(v, str)]
        body = rows[3:]
        end = next((i for i, row in enumerate(body) if all(v is None for v in row)), len(body))
        ours += [str(v) for row in body[end:] for v in row if isinstance(v, str)]  # the notes under the table
        cells += [str(v) for row in rows for v in row if isinstance(v, str)]
    return ours, cells


def _docx_parts(content: bytes) -> tuple[list[str], list[str]]:
    """A docx's headings and table header cells, and all its text (paragraphs and cells)."""
    from docx import Document

    doc = Document(io.BytesIO(content))
    heads = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith(("Heading", "Title"))]
    heads += [c.text for t in doc.tables for c in t.rows[0].cells]
    text = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return heads, text


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)


DATA_NAME = "深圳光电显示（LED）科技兴贸创新基地"  # the base's name: data, in the English title too


def test_each_file_speaks_one_language(all_files: dict[str, dict[str, Any]]) -> None:
    """zh: not one English value word anywhere; en: no Chinese in our words (sheet names, titles,
    headers, intros, notes less the sources' own text), and no Chinese value word in any cell."""
    zh_ours, zh_cells = _xlsx_parts(all_files["zh"]["xlsx"].content)
    en_ours, en_cells = _xlsx_parts(all_files["en"]["xlsx"].content)
    zh_heads, zh_text = _docx_parts(all_files["zh"]["docx"].content)
    en_heads, en_text = _docx_parts(all_files["en"]["docx"].content)
    zh_pdf, en_pdf = _pdf_text(all_files["zh"]["pdf"].content), _pdf_text(all_files["en"]["pdf"].content)
    for text in ("\n".join(zh_cells), "\n".join(zh_text), zh_pdf):
        assert CJK.search(text)
        assert _english_words(text) == set(), [ln for ln in text.splitlines() if _english_words(ln)][:5]
    # Chinese in the English report's own words only where it quotes data: the base's name and a
    # source's text (the demo's national totals say 示例数据 in their source field).
    quoted = re.compile(r"\(source: .*|Source of the §2 figures: .*")
    en_words = [quoted.sub("", x.replace(DATA_NAME, "")) for x in en_ours + en_heads]
    assert [x for x in en_words if CJK.search(x)] == []
    assert len(en_words) > 60  # headers, titles and intros of the ten parts were looked at
    for text in ("\n".join(en_cells), "\n".join(en_text), en_pdf):
        assert re.search(r"annual review report|Gap segments", text)
        assert _chinese_words(text) == set(), [ln for ln in text.splitlines() if _chinese_words(ln)][:5]
    everything = "\n".join(en_cells + en_text) + en_pdf
    ours_zh = ("个百分点", "不适用", "达标", "招商", "示例数据仅用于演示", "本基地", "图谱")
    assert [x for x in ours_zh if x in everything] == []
    # the Chinese report's own words hold no English phrase (keys, file names, 'n/a' and a command
    # to type such as 'chainkg gaps' are not words)
    phrase = re.compile(r"[A-Za-z]{3,} [A-Za-z]{3,}")
    assert [x for x in zh_ours + zh_heads if phrase.search(re.sub(r"chainkg \w+", "", x))] == []


@pytest.mark.parametrize("lang", LANGS)
def test_docx_figures_equal_the_api(all_files: dict[str, dict[str, Any]], api: dict[str, Any], lang: str) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    w = WORDS[lang]
    doc = Document(io.BytesIO(all_files[lang]["docx"].content))
    heads = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert heads[:2] == w["headings"]
    assert w["gaps heading"] in heads
    assert w["sources heading"] in heads
    assert doc.paragraphs[0].text == w["title"]
    # the East Asian font is named, so Word does not fall back to a Latin font for Chinese (names
    # stay Chinese in English too); the text is marked with the report's language
    rfonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts is not None and rfonts.get(qn("w:eastAsia")) == "Noto Sans CJK SC"
    assert rfonts.get(qn("w:ascii")) == ("Arial" if lang == "en" else "Noto Sans CJK SC")
    marked = doc.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert marked.get(qn("w:val")) == w["word lang"] and marked.get(qn("w:eastAsia")) == "zh-CN"
    heading = doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading.get(qn("w:eastAsia")) == "Noto Sans CJK SC" and heading.get(qn("w:eastAsiaTheme")) is None
    targets = next(t for t in doc.tables if t.rows[0].cells[0].text == w["target"])
    by_code = {r.cells[0].text: [c.text for c in r.cells] for r in targets.rows[1:]}
    t2a, t2b, _t2c = api["targets"]["targets"]
    assert by_code["2a"][4] == f"{100 * t2a['value']:.1f}%" == "35.6%"
    assert by_code["2b"][4] == f"{int(t2b['value']):,}" and by_code["2b"][5] == f"{int(t2b['total']):,}"
    assert by_code["2c"][4] == "0.08%" and by_code["2c"][6] == w["met"][False]
    coverage = next(t for t in doc.tables if len(t.columns) > 2 and t.rows[0].cells[2].text == w["segment"])
    answers = [s for m in api["segments"]["maps"] for s in m["segments"]]
    assert [r.cells[3].text for r in coverage.rows[1:]] == [w["segment status"][s["status"]] for s in answers]
    # number formats kept: a share's change reads "+11.1 个百分点" / "+11.1 points"
    now, before = api["now"], api["before"]
    change = 100 * (now["own_ip_share"] - before["own_ip_share"])
    points = "个百分点" if lang == "zh" else "points"
    assert any(c.text == f"{change:+.1f} {points}" for t in doc.tables for r in t.rows for c in r.cells)


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_text_holds_the_figures(all_files: dict[str, dict[str, Any]], api: dict[str, Any], lang: str) -> None:
    from pypdf import PdfReader

    w = WORDS[lang]
    reader = PdfReader(io.BytesIO(all_files[lang]["pdf"].content))
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    assert w["title"] in text.replace("\n", "")
    assert reader.root_object.get("/Lang") == w["html lang"]  # from <html lang>
    t2a = api["targets"]["targets"][0]
    assert f"{100 * t2a['value']:.1f}%" in text and w["met"][False] in text and w["met"][True] in text
    for s in api["segments"]["maps"][0]["segments"][:5]:
        assert s["name"] in text  # segment names are data: the same in both languages
    fonts = set()
    for page in reader.pages:
        for f in (page.get("/Resources") or {}).get("/Font", {}).values():
            fonts.add(str(f.get_object().get("/BaseFont")))
    assert any("CJK" in f for f in fonts), fonts  # the Chinese font is embedded (names are Chinese in en too)
    # English text is set in a Latin font; a Chinese report needs none besides the CJK font; the
    # page numbers too (no serif fallback anywhere)
    assert any("DejaVu-Sans" in f for f in fonts) == (lang == "en"), fonts
    assert not any("Serif" in f for f in fonts), fonts


def test_report_errors(client: TestClient) -> None:
    r = client.get("/reports/no-such-base", params={"year": YEAR})
    assert r.status_code == 404 and "sz-led" in r.text
    assert client.get(f"/reports/{BASE}", params={"format": "odt"}).status_code == 422


def test_base_page_links_the_report(client: TestClient) -> None:
    html = client.get(f"/ui/bases/{BASE}").text
    assert 'action="/reports/sz-led"' in html and 'value="pdf"' in html and 'value="2021"' in html
    # the report asked for from a page comes in the page's language
    assert '<input type="hidden" name="lang" value="zh">' in html
    assert '<input type="hidden" name="lang" value="en">' in client.get(f"/ui/bases/{BASE}?lang=en").text


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
