"""The annual review report written as Excel (openpyxl), Word (python-docx) or PDF (WeasyPrint).

Each writer walks the same :func:`chainkg.views.report.report_tables`, so the three files show
the same figures. Excel keeps numbers as numbers with a number format per column kind; Word
and PDF show the text :meth:`ReportTable.text` gives. The file speaks the current language
(:mod:`chainkg.i18n`): its words, its number formats' units, the PDF's ``<html lang>`` and the
language Word marks its text with. Chinese text needs a CJK font, in an English report too
(names stay Chinese): Word names one for East Asian text (``w:eastAsia``), the PDF embeds Noto
Sans CJK (fonts-noto-cjk, installed by scripts/install-system-deps.sh) through fontconfig; an
English report sets its Latin text in a Latin font first (DejaVu Sans in the PDF).
"""

from __future__ import annotations

import io
from typing import Any, Literal

from chainkg.i18n import _, get_locale
from chainkg.views.measures import NA
from chainkg.views.report import AnnualReport, CellKind, ReportTable, report_meta, report_tables, report_title

ReportFormat = Literal["xlsx", "docx", "pdf"]
FORMATS: tuple[ReportFormat, ...] = ("xlsx", "docx", "pdf")
MEDIA_TYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
CJK_FONT = "Noto Sans CJK SC"
"""The East Asian font named in Word and used by the PDF (a reader without it substitutes)."""
LATIN_FONT = {"docx": "Arial", "pdf": "DejaVu Sans"}
"""The font of an English report's Latin text: one every Word has, one the PDF embeds."""
HTML_LANG = {"zh": "zh-CN", "en": "en"}
"""The language tag of a report: the PDF's ``<html lang>`` and Word's ``w:lang``."""

_XLSX_FORMATS: dict[CellKind, str] = {
    "pct": "0.0%",
    "signed_pct": "+0.0%;-0.0%;0.0%",
    "int": "#,##0",
    "num": "#,##0.###",
    "delta": "+#,##0.###;-#,##0.###;0",
    "wan_cny": "#,##0",
    "wan_usd": "#,##0",
}


def render(report: AnnualReport, fmt: ReportFormat) -> bytes:
    """The report as the bytes of an ``fmt`` file."""
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "docx":
        return to_docx(report)
    if fmt == "pdf":
        return to_pdf(report)
    raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")


# -- Excel --------------------------------------------------------------------------------------


def _xlsx_format(kind: CellKind) -> str | None:
    """The Excel number format of a kind; percentage points carry their unit in the language."""
    if kind == "pp":
        unit = _("percentage points").replace('"', "")
        return f'+0.0" {unit}";-0.0" {unit}";0.0" {unit}"'
    return _XLSX_FORMATS.get(kind)


def _xlsx_value(t: ReportTable, i: int, j: int) -> object:
    v = t.rows[i][j]
    kind = t.kind(i, j)
    if v is None:
        return NA if kind != "text" else ""
    if kind == "pp" and isinstance(v, float):
        return v * 100  # the format shows percentage points, not a percent
    return v


def to_xlsx(report: AnnualReport) -> bytes:
    """One sheet per part: a title row, the header row frozen, formats and widths set."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F1")
    for t in report_tables(report):
        ws = wb.create_sheet(t.key[:31])
        ws.cell(row=1, column=1, value=f"{report_title(report)} · {t.title}").font = Font(bold=True, size=13)
        if t.intro:
            ws.cell(row=2, column=1, value=t.intro)
        head = 3
        for j, c in enumerate(t.columns, 1):
            cell = ws.cell(row=head, column=j, value=c.header)
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(j)].width = c.width
        for i in range(len(t.rows)):
            for j in range(len(t.columns)):
                cell = ws.cell(row=head + 1 + i, column=j + 1, value=_xlsx_value(t, i, j))
                fmt = _xlsx_format(t.kind(i, j))
                if fmt and isinstance(cell.value, int | float):
                    cell.number_format = fmt
                    if t.kind(i, j) == "pp":
                        cell.value = round(float(cell.value), 6)
        ws.freeze_panes = ws.cell(row=head + 1, column=1)
        for k, note in enumerate(t.notes):
            ws.cell(row=head + 2 + len(t.rows) + k, column=1, value=note)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- Word ---------------------------------------------------------------------------------------


def _east_asian(run_or_style: Any, font: str = CJK_FONT) -> None:
    """Name ``font`` for East Asian text (Word ignores ``font.name`` for Chinese characters) and
    mark the text's language: the report's for Latin text, Chinese for East Asian text."""
    from docx.oxml.ns import qn

    el = run_or_style.element
    rpr = el.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), font)
    # A theme font (the default template's headings name one) wins over the named font: drop it.
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US" if get_locale() == "en" else "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def to_docx(report: AnnualReport) -> bytes:
    """A heading per part, its intro, a table with a bold repeated header row, and its notes."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = sec.page_height, sec.page_width
    for m in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, m, Cm(1.5))
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        st = doc.styles[name]
        st.font.name = LATIN_FONT["docx"] if get_locale() == "en" else CJK_FONT
        _east_asian(st)
    doc.styles["Normal"].font.size = Pt(9)
    doc.add_heading(report_title(report), level=0)
    doc.add_paragraph(report_meta(report))
    for t in report_tables(report):
        doc.add_heading(t.title, level=1)
        if t.intro:
            doc.add_paragraph(t.intro)
        table = doc.add_table(rows=1, cols=len(t.columns))
        table.style = doc.styles["Table Grid"]
        hdr = table.rows[0]
        trpr = hdr._tr.get_or_add_trPr()
        rep = OxmlElement("w:tblHeader")
        rep.set(qn("w:val"), "true")
        trpr.append(rep)  # the header row repeats on each page
        for j, c in enumerate(t.columns):
            cell = hdr.cells[j]
            cell.text = ""
            run = cell.paragraphs[0].add_run(c.header)
            run.bold = True
        for i in range(len(t.rows)):
            cells = table.add_row().cells
            for j in range(len(t.columns)):
                cells[j].text = t.text(i, j)
        for note in t.notes:
            doc.add_paragraph(note, style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# -- PDF ----------------------------------------------------------------------------------------

_CSS = """
@page {{ size: A4 landscape; margin: 1.4cm 1.2cm;
        @bottom-center {{ content: counter(page) " / " counter(pages); font-family: {fonts}; font-size: 8pt;
                          color: #555; }} }}
body {{ font-family: {fonts}; font-size: 8.5pt; color: #1f2933; }}
h1 {{ font-size: 17pt; margin: 0 0 4pt; }}
h2 {{ font-size: 12pt; margin: 14pt 0 4pt; border-bottom: 1px solid #9fb3c8; break-after: avoid; }}
p.meta, p.intro, li {{ color: #444; }}
table {{ border-collapse: collapse; width: 100%; }}
thead {{ display: table-header-group; }}
th, td {{ border: 1px solid #bcccdc; padding: 2pt 4pt; vertical-align: top; text-align: left; }}
th {{ background: #dce6f1; }}
td.num {{ text-align: right; white-space: nowrap; }}
tr {{ break-inside: avoid; }}
"""


def to_html(report: AnnualReport) -> str:
    """The report as a standalone HTML document (what the PDF is made from), in the current language."""
    from html import escape

    lang = get_locale()
    fonts = [f'"{CJK_FONT}"', '"Noto Sans CJK"', '"WenQuanYi Zen Hei"', "sans-serif"]
    if lang == "en":  # Latin text in a Latin font; Chinese names fall back to the CJK font
        fonts.insert(0, f'"{LATIN_FONT["pdf"]}"')
    css = _CSS.format(fonts=", ".join(fonts))
    parts = [
        f"<!doctype html><html lang='{HTML_LANG.get(lang, lang)}'><head><meta charset='utf-8'>"
        f"<title>{escape(report_title(report))}</title><style>{css}</style></head><body>",
        f"<h1>{escape(report_title(report))}</h1>",
        f"<p class='meta'>{escape(report_meta(report))}</p>",
    ]
    for t in report_tables(report):
        parts.append(f"<h2>{escape(t.title)}</h2>")
        if t.intro:
            parts.append(f"<p class='intro'>{escape(t.intro)}</p>")
        parts.append(
            "<table><thead><tr>" + "".join(f"<th>{escape(c.header)}</th>" for c in t.columns) + "</tr></thead><tbody>"
        )
        for i in range(len(t.rows)):
            cells = []
            for j in range(len(t.columns)):
                cls = "" if t.kind(i, j) == "text" else " class='num'"
                cells.append(f"<td{cls}>{escape(t.text(i, j))}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</tbody></table>")
        if t.notes:
            parts.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in t.notes) + "</ul>")
    parts.append("</body></html>")
    return "".join(parts)


def to_pdf(report: AnnualReport) -> bytes:
    """The HTML of :func:`to_html` laid out by WeasyPrint; fonts are embedded (subset)."""
    from weasyprint import HTML

    out = HTML(string=to_html(report)).write_pdf()
    assert out is not None  # write_pdf without a target returns the bytes
    return bytes(out)
