"""The hostile input corpus: what each case holds, how it is made, and what a load must report.

Each case is a folder of tests/data/hostile/ (or, for the big ones, made at test time) that
``chainkg ingest <folder>`` reads as it would read a planner's folder. ``Expect`` holds the
totals of the load report, counted by hand from the files (not copied from a run): every
row a file holds is read, and read = loaded + merged + rejected. ``reasons`` are words the
rejections must use, ``notes`` words the notes must use, so a person learns what to fix.

Regenerate the committed files (deterministic, except the workbooks' time stamps):

    python tests/hostile/hostile_corpus.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"

# Strings that have broken other systems: Cypher, SQL, templates, spreadsheets, terminals.
# None has leading or trailing blanks: loaders strip those, which is not what is tested here.
INJECTIONS: tuple[str, ...] = (
    "x'}) MATCH (n) DETACH DELETE n //",
    '" OR 1=1 --',
    "'; DROP TABLE Enterprise; --",
    "$key",
    "{key: 'x'}",
    "`Enterprise`",
    "\\' \\\" \\\\",
    "CALL dbms.shutdown()",
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "{{7*7}} ${7*7} #{7*7}",
    "../../../etc/passwd",
    "%s%s%n %x",
    "[/bold] [red]markup[/red]",
    "\u202eevil\u202c 右到左",
    "零\u200b宽\u200d字符",
    "🏭 工厂 🇨🇳",
    "e\u0301\u0301\u0301",
    "null",
    "None",
    "NaN",
)


@dataclass(frozen=True)
class Expect:
    """Totals of the load report of one case (all types added up)."""

    read: int
    loaded: int
    merged: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class Case:
    """One hostile case: a folder of files and what loading it must report."""

    name: str
    what: str
    expect: Expect
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    big: bool = False
    files: dict[str, Callable[[], bytes]] = field(default_factory=dict, compare=False, repr=False)


# -- writers -----------------------------------------------------------------------------------------


def csv_bytes(rows: list[list[object]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue().encode(encoding)


def jsonl_bytes(objs: list[object]) -> bytes:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs).encode("utf-8")


def _without_lxml_forms(xml: str) -> str:
    """The sheet XML as openpyxl writes it without lxml (with lxml it writes `<v></v>`, `<a/>` and
    `&#27604;` for `<v />`, `<a />` and `比`), so patches and the committed bytes do not depend on it."""
    xml = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), xml)
    xml = re.sub(r"<([\w:]+)([^<>]*?)></\1>", r"<\1\2 />", xml)
    return re.sub(r"(?<! )/>", " />", xml)


def xlsx_bytes(sheets: dict[str, list[list[object]]], patch: Callable[[str], str] | None = None) -> bytes:
    """A workbook, one sheet per entry; ``patch`` may rewrite the first sheet's XML.

    The bytes do not depend on when they were made (fixed save times), so the committed
    workbooks can be checked against this generator.
    """
    from openpyxl import Workbook

    wb = Workbook()
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        first = False
        ws.title = title
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and patch is not None:
                data = patch(_without_lxml_forms(data.decode("utf-8"))).encode("utf-8")
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", data)
            z.writestr(zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _formulas() -> bytes:
    return xlsx_bytes(
        {
            "enterprise": [
                ["key", "name", "employees", "备注"],
                ["E1", "=1+1", 10, None],  # a formula where the name should be: never calculated
                ["E2", "比亚迪", "=C2*2", None],  # a formula in a loaded column
                ["E3", "宁德时代", 30, "=A4&B4"],  # a formula in a column chainkg ignores: loads
                ["E4", "京东方", 40, None],
            ]
        }
    )


def _cached_formula() -> bytes:
    # openpyxl cannot save a formula's result; Excel and WPS do. Write the result in by hand.
    def patch(xml: str) -> str:
        assert "<f>2*3</f><v />" in xml
        return xml.replace("<f>2*3</f><v />", "<f>2*3</f><v>6</v>")

    return xlsx_bytes({"enterprise": [["key", "name", "employees"], ["E1", "比亚迪", "=2*3"]]}, patch)


def _error_cells() -> bytes:
    return xlsx_bytes(
        {
            "enterprise": [
                ["key", "name", "employees", "备注"],
                ["E1", "#N/A", 1, None],  # VLOOKUP found nothing
                ["E2", "比亚迪", "#DIV/0!", None],
                ["E3", "宁德时代", 3, "#REF!"],  # an error in an ignored column: loads
            ]
        }
    )


def _numeric_codes() -> bytes:
    import datetime as dt

    return xlsx_bytes(
        {
            "enterprise": [
                ["key", "name", "stock_code", "listing_date"],
                ["E1", "浦发银行", 600000, dt.datetime(1999, 11, 10)],
                ["E2", "平安银行", 1, dt.datetime(1991, 4, 3)],  # Excel dropped the zeros of 000001
                ["E3", "国华网安", 4, "1990-12-01"],  # 000004: same
            ]
        }
    )


def _sheets() -> bytes:
    return xlsx_bytes(
        {
            "enterprise": [["key", "name"], ["E1", "比亚迪"], ["E2", "宁德时代"]],
            "Sheet2": [["随便", "什么"], [1, 2], [3, 4]],  # a sheet named after nothing
            "product": [],  # an empty sheet
        }
    )


def _truncated_xlsx() -> bytes:
    whole = xlsx_bytes({"enterprise": [["key", "name"], *[[f"E{i}", f"企业{i}"] for i in range(50)]]})
    return whole[: len(whole) // 2]


def _garbage() -> bytes:
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(3000))


INJECTION_COLUMNS_ENTERPRISE = ("key", "name", "full_name", "name_en", "province", "city", "exchange")


def _injection_enterprises() -> bytes:
    rows: list[list[object]] = [list(INJECTION_COLUMNS_ENTERPRISE)]
    for i, s in enumerate(INJECTIONS):
        rows.append([f"{s}#{i}", s, f"{s} 有限公司", s, s, s, s])
    return csv_bytes(rows)


CHECKED_FIELDS = ("uscc", "stock_code", "listing_date", "size", "employees", "high_tech", "uscc")
"""The field each of the first injection strings goes into in 企业.csv; the last row holds the
spreadsheet formula, so rejects.csv must show it as text."""


def _injection_checked() -> bytes:
    # Fields with a format: each injection string is refused there, by name.
    header = ["key", "name", "uscc", "stock_code", "listing_date", "size", "employees", "high_tech"]
    rows: list[list[object]] = [header]
    strings = [*INJECTIONS[:6], "=cmd|' /C calc'!A0"]
    for i, (column, s) in enumerate(zip(CHECKED_FIELDS, strings, strict=True)):
        row: list[object] = [f"C{i}", f"企业{i}", None, None, None, None, None, None]
        row[header.index(column)] = s
        rows.append(row)
    return csv_bytes(rows)


def _injection_rels() -> bytes:
    rows: list[list[object]] = [["src", "dst", "role", "since"]]
    rows += [[f"{s}#{i}", "al-1", "member", 2020] for i, s in enumerate(INJECTIONS)]
    return csv_bytes(rows)


def _injection_alliance() -> bytes:
    return csv_bytes([["key", "name", "name_en", "province"], ["al-1", INJECTIONS[0], INJECTIONS[1], INJECTIONS[9]]])


def _injection_products() -> bytes:
    return jsonl_bytes([{"name": s, "name_en": s} for s in INJECTIONS])


def _injection_makes() -> bytes:
    return jsonl_bytes([{"src": f"{s}#{i}", "dst": s, "share": 0.5} for i, s in enumerate(INJECTIONS)])


def _injection_headers() -> bytes:
    # Hostile column names: never part of any query, they are ignored with a note.
    header = ["key", "name", "name`}) DETACH DELETE n //", "[/red]", "$props", "=1+1"]
    return csv_bytes([header, ["b-1", "基地", "x", "y", "z", "w"]])


# -- big cases, made at test time ---------------------------------------------------------------------

MB = 1024 * 1024


def _big_cells() -> bytes:
    return csv_bytes([["key", "name"], ["E1", "大" * MB], ["E2", "正常企业"]])


def _big_description() -> bytes:
    return csv_bytes([["key", "name", "description"], ["b1", "基地", "简介" * (MB // 2)], ["b2", "基地二", "短简介"]])


def _wide_header() -> bytes:
    header = ["name", *(f"col{i}" for i in range(100_000))]
    return csv_bytes([header, ["宽表产品一", *(["x"] * 100_000)], ["宽表产品二"]])


def _wide_row() -> bytes:
    return csv_bytes([["name", "name_en"], ["ok", "fine"], ["bad", *(["x"] * 100_000)]])


def _deep_json() -> bytes:
    deep = '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}"
    return (deep + "\n" + json.dumps({"name": "浅的产品"}, ensure_ascii=False) + "\n").encode("utf-8")


def _many_columns_jsonl() -> bytes:
    obj: dict[str, object] = {"name": "多键产品"} | {f"k{i}": i for i in range(100_000)}
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")


# -- hostile cases of issue 13: decoding, tracebacks, look-alike keys ---------------------------------

ENTERPRISES_ZH = [
    ["key", "name", "city"],
    ["E1", "深圳市雷曼光电科技股份有限公司", "深圳市"],
    ["E2", "比亚迪股份有限公司", "深圳市"],
]


def _utf8_one_bad_byte(bom: bool = False) -> bytes:
    good = csv_bytes([*ENTERPRISES_ZH, ["E3", "宁德时代新能源科技股份有限公司", "宁德市"]])
    # One byte of the last name replaced by 0xFF: valid UTF-8 everywhere else.
    at = good.index("宁德时代".encode()) + 1
    return (b"\xef\xbb\xbf" if bom else b"") + good[:at] + b"\xff" + good[at + 1 :]


def _ascii_one_bad_byte() -> bytes:
    # ASCII with one Cyrillic-range byte: the old reader took the whole file for cp1251.
    return b"name,name_en\nchip,chip\nled,l\xe0mp\npanel,panel\n"


def _big5() -> bytes:
    return csv_bytes(
        [["key", "name"], ["T1", "台灣積體電路製造股份有限公司"], ["T2", "鴻海精密工業股份有限公司"]], encoding="big5"
    )


def _gb18030_four_byte() -> bytes:
    # 𠀀 (U+20000) and € take GB18030's four-byte form; GBK cannot hold them.
    return csv_bytes([["name", "name_en"], ["𠀀字芯片", "chip"], ["欧元€结算服务", "service"]], encoding="gb18030")


def _utf32(codec: str, bom: bytes) -> bytes:
    return bom + "name,name_en\n芯片,chip\n电池,battery\n".encode(codec)


def _huge_int_jsonl() -> bytes:
    return b'{"key": "E1", "name": "a", "employees": ' + b"9" * 5000 + b'}\n{"key": "E2", "name": "b"}\n'


def _huge_int_array() -> bytes:
    return b'[{"name": "a", "n": ' + b"1" * 5000 + b'}, {"name": "b"}]'


def _undefined_entity() -> bytes:
    def patch(xml: str) -> str:
        return xml.replace("比亚迪", "比亚迪&undefined;")

    sheets: dict[str, list[list[object]]] = {
        "enterprise": [["key", "name"], ["E1", "比亚迪"], ["E2", "宁德时代"]],
        "product": [["name"], ["芯片"], ["电池"]],
    }
    return xlsx_bytes(sheets, patch)


def _chart_sheet() -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "enterprise"
    for r in [["key", "name", "employees"], ["E1", "比亚迪", 10], ["E2", "宁德时代", 20]]:
        ws.append(r)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=3), titles_from_data=True)
    wb.create_chartsheet("员工图表", 0).add_chart(chart)
    return _fixed_times(wb)


def _fixed_times(wb: object) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)  # type: ignore[attr-defined]
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", data)
            z.writestr(zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def xlsx_bomb(unpacked_mb: int = 300) -> bytes:
    """A workbook whose one sheet unpacks to ``unpacked_mb`` MB from a file of well under 1 MB."""
    whole = xlsx_bytes({"enterprise": [["key", "name"], ["E1", "比亚迪"]]})
    src = zipfile.ZipFile(io.BytesIO(whole))
    out = io.BytesIO()
    # Long runs of one byte: deflate's best case (about 1,000 to 1), as in a crafted bomb.
    row = b'<row><c t="inlineStr"><is><t>' + b"x" * 30_000 + b"</t></is></c></row>"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                z.writestr(item.filename, src.read(item.filename))
                continue
            xml = src.read(item.filename)
            head, tail = xml.split(b"<sheetData>")
            with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
                fh.write(head + b"<sheetData>")
                block = row * 64
                for _ in range(-(-unpacked_mb * 1024 * 1024 // len(block))):  # rounded up
                    fh.write(block)
                fh.write(b"</sheetData>" + tail.split(b"</sheetData>", 1)[1])
    return out.getvalue()


def _keys_csv(keys: list[str]) -> bytes:
    return csv_bytes([["key", "name"], *[[k, f"深圳LED基地 {i}"] for i, k in enumerate(keys)]])


# -- the cases -----------------------------------------------------------------------------------------


def _c(
    name: str,
    what: str,
    expect: Expect,
    files: dict[str, Callable[[], bytes]],
    *,
    reasons: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
    big: bool = False,
) -> Case:
    return Case(name, what, expect, reasons, notes, big, files)


CASES: tuple[Case, ...] = (
    # -- encodings and byte order marks
    _c(
        "bom-utf8",
        "UTF-8 with a BOM, as Excel saves 'CSV UTF-8'",
        Expect(3, 3),
        {
            "enterprise.csv": lambda: (
                b"\xef\xbb\xbf" + csv_bytes([["key", "name"], ["E1", "比亚迪"], ["E2", "宁德时代"], ["E3", "京东方"]])
            )
        },
    ),
    _c(
        "gbk",
        "GBK, as Excel on Chinese Windows saves 'CSV', and a Chinese file name",
        Expect(3, 3),
        {
            "企业.csv": lambda: csv_bytes(
                [["主键", "名称"], ["E1", "比亚迪"], ["E2", "宁德时代"], ["E3", "京东方"]], encoding="gbk"
            )
        },
    ),
    _c(
        "utf16-tab",
        "UTF-16 LE with a BOM and tabs, as Excel saves 'Unicode Text'",
        Expect(3, 3),
        {
            "product.txt": lambda: (
                "\ufeff".encode("utf-16-le")
                + csv_bytes(
                    [["name", "name_en"], ["芯片", "chip"], ["面板", "panel"], ["电池", "battery"]], delimiter="\t"
                )
                .decode()
                .encode("utf-16-le")
            )
        },
    ),
    _c(
        "utf16be",
        "UTF-16 BE with a BOM",
        Expect(2, 2),
        {"product.csv": lambda: "\ufeffname,name_en\n芯片,chip\n电池,battery\n".encode("utf-16-be")},
    ),
    _c(
        "utf16-no-bom",
        "UTF-16 LE without a BOM: NUL bytes in every ASCII character",
        Expect(2, 2),
        {"product.csv": lambda: "name,name_en\n芯片,chip\nLED灯珠,led\n".encode("utf-16-le")},
    ),
    _c(
        "double-bom",
        "two BOMs in a row (a file saved twice by careless tools)",
        Expect(2, 2),
        {"product.csv": lambda: b"\xef\xbb\xbf" + "\ufeffname\n芯片\n电池\n".encode()},
    ),
    _c(
        "cp1252",
        "Windows-1252 text: not UTF-8 (every row has a bad byte), not Chinese: refused, never guessed",
        Expect(1, 0, rejected=1),
        {
            "product.csv": lambda: "name,name_en\nCafé,Café au lait\nCrème brûlée,Crème\nNaïve façade,Déjà vu\n".encode(
                "cp1252"
            )
        },
        reasons=("CSV UTF-8", "cannot be told without guessing"),
    ),
    _c(
        "bom-then-invalid",
        "a UTF-8 BOM, then a row of bytes that are not UTF-8: that row is refused, by line",
        Expect(1, 0, rejected=1),
        {"enterprise.csv": lambda: b"\xef\xbb\xbfkey,name\nE1,\xff\xfe\xfa\n"},
        reasons=("CSV UTF-8",),
    ),
    _c(
        "binary-garbage",
        "random bytes named enterprise.csv",
        Expect(1, 0, rejected=1),
        {"enterprise.csv": _garbage},
        reasons=("encoding",),
    ),
    # -- quoting and structure
    _c(
        "quote-unclosed-eof",
        "a quote opened in row 3 and never closed: it would swallow every row after it",
        Expect(2, 1, rejected=1),
        {"enterprise.csv": lambda: b'key,name,employees\nE1,a,1\nE2,"broken,2\nE3,c,3\nE4,d,4\n'},
        reasons=("not closed", "lines 3"),
    ),
    _c(
        "quote-unclosed-mid",
        "a stray quote in row 3 closed by another stray quote in row 6",
        Expect(3, 2, rejected=1),
        {
            "enterprise.csv": 'key,name,city,employees\nE1,a,深圳市,1\nE3,"Broken,深圳市,3\nE4,d,深圳市,4\n'
            'E5,e,深圳市,5\nE6,f",深圳市,6\nE7,g,深圳市,7\n'.encode
        },
        reasons=("not closed",),
    ),
    _c(
        "quote-multiline-ok",
        "a properly quoted cell with line breaks, commas and doubled quotes: loads verbatim",
        Expect(2, 2),
        {
            "base.csv": lambda: csv_bytes(
                [
                    ["key", "name", "description"],
                    ["b1", "基地", '深圳市, 南山区\n第二行 "引号"\r\n第三行'],
                    ["b2", "基地二", "x"],
                ]
            )
        },
    ),
    _c(
        "stray-quote-in-field",
        'a quote inside an unquoted field (ab"c) is kept as written',
        Expect(2, 2),
        {"product.csv": lambda: b"name,name_en\n4'-\xe4\xba\x8c\xe6\xb0\xaf,ab\"c\nplain,x\n"},
    ),
    _c(
        "columns-shifted",
        "an unquoted comma in a value gives the row one cell too many",
        Expect(3, 2, rejected=1),
        {"enterprise.csv": "key,name,city\nE1,比亚迪,深圳市\nE2,宁德时代,宁德市,福建省\nE3,京东方,北京市\n".encode},
        reasons=("unquoted comma",),
    ),
    _c(
        "too-few-cells",
        "a row with fewer cells than the header: the missing ones are empty",
        Expect(3, 2, rejected=1),
        {"research_org.csv": "key,name,kind\nU1,清华大学,university\nU2,北京大学\nU3,微电子所,institute\n".encode},
        reasons=("kind",),
    ),
    _c(
        "mixed-newlines",
        "line ends \\r\\n, \\n and a lone \\r (old Mac) in one file",
        Expect(4, 4),
        {"product.csv": lambda: b"name,name_en\r\na,1\nb,2\rc,3\r\nd,4"},
    ),
    _c(
        "semicolons",
        "semicolons as delimiter, full-width commas inside values",
        Expect(2, 2),
        {"product.csv": "name;name_en\n芯片，晶圆;chip, wafer\n电池;battery\n".encode},
    ),
    _c(
        "duplicate-headers",
        "the same column twice: the right-most one is used, with a note",
        Expect(1, 1),
        {"product.csv": "name,name_en,name_en\n芯片,left,right\n".encode},
        notes=("repeats",),
    ),
    _c(
        "blank-and-odd-files",
        "an empty file, a header-only file and a blank file: nothing to load, said in notes",
        Expect(0, 0),
        {"enterprise.csv": lambda: b"", "product.csv": lambda: b"name,name_en\n", "base.csv": lambda: b"  \n\n \n"},
        notes=("empty",),
    ),
    # -- spreadsheets
    _c(
        "xlsx-formulas",
        "formulas saved by a script, never calculated: refused where the column is loaded",
        Expect(4, 2, rejected=2),
        {"enterprise.xlsx": _formulas},
        reasons=("formula", "never saved"),
    ),
    _c(
        "xlsx-cached-formula",
        "a formula with its saved result (as Excel saves it): the result loads",
        Expect(1, 1),
        {"enterprise.xlsx": _cached_formula},
    ),
    _c(
        "xlsx-error-cells",
        "#N/A and #DIV/0! where values should be",
        Expect(3, 1, rejected=2),
        {"enterprise.xlsx": _error_cells},
        reasons=("#N/A", "#DIV/0!"),
    ),
    _c(
        "xlsx-numeric-codes",
        "stock codes Excel turned into numbers (000001 -> 1) and dates as date cells",
        Expect(3, 1, rejected=2),
        {"enterprise.xlsx": _numeric_codes},
        reasons=("six digits",),
    ),
    _c(
        "xlsx-sheets",
        "a workbook with a typed sheet, a sheet named after nothing and an empty sheet",
        Expect(4, 2, rejected=2),
        {"workbook.xlsx": _sheets},
        reasons=("cannot tell what 'Sheet2' holds",),
        notes=("empty",),
    ),
    _c(
        "xlsx-not-a-workbook",
        "CSV text saved under an .xlsx name",
        Expect(1, 0, rejected=1),
        {"enterprise.xlsx": lambda: b"key,name\nE1,a\n"},
        reasons=("cannot open the workbook",),
    ),
    _c(
        "xlsx-truncated",
        "a workbook cut off half-way (an interrupted download)",
        Expect(1, 0, rejected=1),
        {"enterprise.xlsx": _truncated_xlsx},
        reasons=("cannot open the workbook",),
    ),
    # -- NUL bytes
    _c(
        "nul-in-cell",
        "a NUL byte inside a name",
        Expect(2, 1, rejected=1),
        {"enterprise.csv": lambda: b"key,name\nE1,a\x00b\nE2,ok\n"},
        reasons=("NUL",),
    ),
    _c(
        "nul-in-json",
        "a \\u0000 escape inside a JSON string",
        Expect(2, 1, rejected=1),
        {"product.jsonl": lambda: b'{"name": "a\\u0000b"}\n{"name": "ok"}\n'},
        reasons=("NUL",),
    ),
    # -- JSON
    _c(
        "json-wrong-types",
        "values of the wrong JSON type in every kind of field",
        Expect(10, 1, rejected=9),
        {
            "enterprise.jsonl": lambda: jsonl_bytes(
                [
                    {"key": "J1", "name": 123, "employees": "12人"},  # a number as a name is text: loads
                    {"key": "J2", "name": "b", "employees": "many"},
                    {"key": "J3", "name": "c", "employees": True},
                    {"key": "J4", "name": "d", "high_tech": "maybe"},
                    {"key": "J5", "name": "e", "revenue_musd": "1e400"},
                    {"key": "J6", "name": {"a": 1}},
                    {"key": "J7", "name": ["x", "y"]},
                    {"key": "J8", "name": "h", "employees": 1.5},
                    {"key": "J9", "name": "i", "listing_date": "2021-02-30"},
                    {"key": "J10", "name": "j", "employees": 10**30, "export_oriented": "是"},
                ]
            )
        },
        reasons=("whole number", "yes or no", "finite", "must be text", "calendar date", "too large"),
    ),
    _c(
        "json-not-objects",
        "lines that are JSON but not objects, and a line cut off",
        Expect(6, 1, rejected=5),
        {"product.jsonl": lambda: b'[1, 2]\n"text"\nnull\n42\n{"name": "a\n{"name": "ok"}\n'},
        reasons=("one JSON object", "not valid JSON"),
    ),
    _c(
        "json-duplicate-names",
        "an object naming a field twice: with different values refused, with the same value loaded",
        Expect(2, 1, rejected=1),
        {"product.jsonl": lambda: b'{"name": "a", "name": "b"}\n{"name": "c", "name": "c"}\n'},
        reasons=("twice",),
    ),
    _c(
        "json-array",
        "a .json file holding one array, with a non-object item",
        Expect(3, 2, rejected=1),
        {"product.json": lambda: b'[{"name": "a"}, "oops", {"name": "b"}]'},
        reasons=("one JSON object",),
    ),
    # -- references, duplicates, wrong types
    _c(
        "dangling-references",
        "relationships naming enterprises and products that exist nowhere",
        Expect(6, 3, rejected=3),
        {
            "enterprise.csv": "key,name\nE1,比亚迪\n".encode,
            "product.csv": "name\n电池\n".encode,
            "makes.csv": "src,dst,share\nE1,电池,0.5\nE9,电池,0.1\nE1,飞船,0.2\nE8,鱼,1\n".encode,
        },
        reasons=("no Enterprise", "no Product"),
    ),
    _c(
        "circular-references",
        "a cycle of inputs (A->B->C->A), a self-loop and a sub-class cycle: cycles are data, they load",
        Expect(15, 15),
        {
            "base.csv": "key,name\nb-loop,循环基地\n".encode,
            "enterprise.csv": "key,name\nE1,循环企业\n".encode,
            "located_in.csv": "src,dst\nE1,b-loop\n".encode,
            "product.csv": "name\nA\nB\nC\nX\nY\n".encode,
            "makes.csv": "src,dst\nE1,A\n".encode,
            "input_to.csv": "src,dst\nA,B\nB,C\nC,A\nA,A\n".encode,
            "subtype_of.csv": "src,dst\nX,Y\nY,X\n".encode,
        },
    ),
    _c(
        "duplicate-keys",
        "one key in four rows of two files with conflicting values, one relationship twice: later values win",
        Expect(7, 3, merged=3, rejected=1),
        {
            "enterprise.csv": "key,name,employees,city\nE1,旧名,10,深圳市\nE1,新名,20,\n".encode,
            "enterprise.jsonl": lambda: jsonl_bytes(
                [{"key": "E1", "name": "最新名", "employees": 30}, {"key": "E1", "name": "坏", "employees": "x"}]
            ),
            "product.csv": "name\n电池\n".encode,
            "makes.csv": "src,dst,share\nE1,电池,0.1\nE1,电池,0.3\n".encode,
        },
        reasons=("whole number",),
    ),
    _c(
        "wrong-types",
        "every field of a row wrong at once: one rejected row, every field named",
        Expect(2, 1, rejected=1),
        {
            "enterprise.csv": "key,name,uscc,stock_code,listing_date,size,employees,revenue_musd,high_tech\n"
            "E1,好企业,91350100M000100Y43,600000,2010-02-11,large,100,1.5,是\n"
            "E2,坏企业,123,ABC,昨天,巨型,-5,很多,也许\n".encode
        },
        reasons=("18 characters", "six digits", "YYYY-MM-DD", "must be one of", "negative", "number", "yes or no"),
    ),
    # -- injection
    _c(
        "injection",
        "Cypher, SQL, template, spreadsheet and terminal injection strings in every free-text field",
        Expect(
            read=len(INJECTIONS) * 4 + 1 + len(CHECKED_FIELDS) + 1,
            loaded=len(INJECTIONS) * 3 + 1 + 0 + 1 + len(INJECTIONS),
            rejected=len(CHECKED_FIELDS),
        ),
        {
            "enterprise.csv": _injection_enterprises,
            "企业.csv": _injection_checked,
            "alliance.csv": _injection_alliance,
            "member_of.csv": _injection_rels,
            "product.jsonl": _injection_products,
            "makes.jsonl": _injection_makes,
            "base.csv": _injection_headers,
        },
        reasons=("18 characters", "stock code", "YYYY-MM-DD", "must be one of", "whole number", "yes or no"),
        notes=("DETACH DELETE", "[/red]"),
    ),
    _c(
        "unknown-type",
        "a file whose name says nothing chainkg knows",
        Expect(2, 0, rejected=2),
        {"stuff.csv": "a,b\n1,2\n3,4\n".encode},
        reasons=("cannot tell what 'stuff' holds",),
    ),
    # -- issue 13: decoding that is right or refuses
    _c(
        "utf8-one-bad-byte",
        "UTF-8 Chinese with one byte replaced by 0xFF: kept as UTF-8, that row refused by line, the rest load",
        Expect(3, 2, rejected=1),
        {"enterprise.csv": _utf8_one_bad_byte},
        reasons=("not valid UTF-8", "line was not loaded"),
        notes=("not valid UTF-8",),
    ),
    _c(
        "utf8-bom-one-bad-byte",
        "the same with a UTF-8 BOM (as Excel saves 'CSV UTF-8')",
        Expect(3, 2, rejected=1),
        {"enterprise.csv": lambda: _utf8_one_bad_byte(bom=True)},
        reasons=("not valid UTF-8",),
    ),
    _c(
        "ascii-one-bad-byte",
        "ASCII with one 0xE0 byte, which the old reader took for a whole cp1251 file",
        Expect(3, 2, rejected=1),
        {"product.csv": _ascii_one_bad_byte},
        reasons=("0xE0",),
    ),
    _c(
        "utf8-bad-byte-multiline",
        "a bad byte inside a quoted cell spanning lines: the record is refused at its first line",
        Expect(3, 2, rejected=1),
        {"base.csv": lambda: b'key,name,description\nb1,a,"line one\nline\xfe two"\nb2,b,x\nb3,c,y\n'},
        reasons=("0xFE",),
    ),
    _c(
        "header-bad-byte",
        "the bad byte is in the header: the file cannot be mapped, so it is refused with line 1",
        Expect(1, 0, rejected=1),
        {"product.csv": lambda: b"na\xffme,name_en\nchip,c\n"},
        reasons=("header", "0xFF"),
    ),
    _c(
        "jsonl-bad-byte",
        "JSON Lines with one byte that is not UTF-8",
        Expect(3, 2, rejected=1),
        {"product.jsonl": lambda: '{"name": "芯片"}\n{"name": "电池'.encode() + b'\xc0"}\n' + b'{"name": "panel"}\n'},
        reasons=("0xC0",),
    ),
    _c(
        "big5",
        "Big5 (Taiwan, Hong Kong): decoded as Big5, not as GB18030 nonsense",
        Expect(2, 2),
        {"enterprise.csv": _big5},
        notes=("big5",),
    ),
    _c(
        "gb18030-four-byte",
        "GB18030 with characters only its four-byte form holds (𠀀, €)",
        Expect(2, 2),
        {"product.csv": _gb18030_four_byte},
    ),
    _c(
        "utf32le-bom",
        "UTF-32 LE with its BOM, whose first bytes are the UTF-16 LE BOM",
        Expect(2, 2),
        {"product.csv": lambda: _utf32("utf-32-le", b"\xff\xfe\x00\x00")},
    ),
    _c(
        "utf32be-bom",
        "UTF-32 BE with its BOM",
        Expect(2, 2),
        {"product.csv": lambda: _utf32("utf-32-be", b"\x00\x00\xfe\xff")},
    ),
    _c(
        "utf16-bom-broken",
        "a UTF-16 BOM, then an odd number of bytes: refused, not half-read",
        Expect(1, 0, rejected=1),
        {"product.csv": lambda: "\ufeffname\n芯片\n".encode("utf-16-le") + b"\x41"},
        reasons=("UTF-16",),
    ),
    _c(
        "cp1251",
        "Russian text in Windows-1251: not UTF-8, not Chinese: refused",
        Expect(1, 0, rejected=1),
        {"product.csv": lambda: "name,name_en\nМикросхема,chip\nБатарея,battery\nДисплей,panel\n".encode("cp1251")},
        reasons=("cannot be told without guessing",),
    ),
    # -- issue 13: no traceback for any input
    _c(
        "json-lone-surrogate",
        "a \\ud800 escape without its pair in a JSON value: that line refused, never a crash after committing",
        Expect(2, 1, rejected=1),
        {"product.jsonl": lambda: b'{"name": "a\\ud800b"}\n{"name": "ok"}\n'},
        reasons=("surrogate",),
    ),
    _c(
        "json-surrogate-key-nested",
        "lone surrogates in a field name and nested in a list",
        Expect(3, 1, rejected=2),
        {
            "product.jsonl": lambda: (
                b'{"na\\udc00me": "x", "name": "y"}\n{"name": "z", "tags": ["\\udfff"]}\n{"name": "ok"}\n'
            )
        },
        reasons=("surrogate",),
    ),
    _c(
        "json-huge-int",
        "a 5,000-digit integer (Python refuses to convert past 4,300 digits)",
        Expect(2, 1, rejected=1),
        {"enterprise.jsonl": _huge_int_jsonl},
        reasons=("5,000 digits",),
    ),
    _c(
        "json-array-huge-int",
        "a 5,000-digit integer inside a .json array: the file is refused as a whole",
        Expect(1, 0, rejected=1),
        {"product.json": _huge_int_array},
        reasons=("5,000 digits",),
    ),
    _c(
        "csv-huge-int",
        "a 5,000-digit integer in a CSV count column",
        Expect(2, 1, rejected=1),
        {"enterprise.csv": lambda: b"key,name,employees\nE1,a," + b"9" * 5000 + b"\nE2,b,5\n"},
        reasons=("finite",),
    ),
    _c(
        "xlsx-undefined-entity",
        "a sheet whose XML uses an undefined entity (&undefined;): that sheet refused, the other loads",
        Expect(3, 2, rejected=1),
        {"workbook.xlsx": _undefined_entity},
        reasons=("undefined entity",),
    ),
    _c(
        "xlsx-chart-sheet",
        "a workbook whose first sheet is a chart sheet",
        Expect(2, 2),
        {"enterprise.xlsx": _chart_sheet},
        notes=("chart sheet",),
    ),
    _c(
        "filename-ansi",
        "ANSI escapes in a file name: printed and recorded escaped",
        Expect(1, 0, rejected=1),
        {"\x1b[31mproduct\x1b[0m.csv": lambda: b"name\nchip\n"},
        reasons=("\\x1b[31mproduct",),
    ),
    # -- issue 13: look-alike keys
    _c(
        "key-zero-width",
        "sz-led and sz-led + U+200B: one base, with a note",
        Expect(2, 1, merged=1),
        {"base.csv": lambda: _keys_csv(["sz-led", "sz-led\u200b"])},
        notes=("zero-width space", "normalised"),
    ),
    _c(
        "key-bidi",
        "sz-led with a right-to-left mark, and inside a left-to-right embedding: one base",
        Expect(3, 1, merged=2),
        {"base.csv": lambda: _keys_csv(["sz-led", "sz-led\u200f", "\u202asz-led\u202c"])},
        notes=("right-to-left mark",),
    ),
    _c(
        "key-soft-hyphen",
        "sz\u00ad-led (a soft hyphen, invisible in most fonts): one base",
        Expect(2, 1, merged=1),
        {"base.csv": lambda: _keys_csv(["sz-led", "sz\u00ad-led"])},
        notes=("soft hyphen",),
    ),
    _c(
        "key-fullwidth",
        "ｓｚ－ｌｅｄ typed with a full-width input method: NFKC makes it sz-led",
        Expect(2, 1, merged=1),
        {"base.csv": lambda: _keys_csv(["sz-led", "ｓｚ－ｌｅｄ"])},
        notes=("NFKC",),
    ),
    _c(
        "key-only-invisible",
        "a key made of a zero-width space alone: refused, not stored as an invisible base",
        Expect(2, 1, rejected=1),
        {"base.csv": lambda: _keys_csv(["sz-led", "\u200b"])},
        reasons=("invisible",),
    ),
    _c(
        "rel-keys-invisible",
        "relationship ends with a zero-width space and a word joiner: they find their nodes",
        Expect(3, 3),
        {
            "base.csv": lambda: _keys_csv(["sz-led"]),
            "enterprise.csv": "key,name\nE1,雷曼光电\n".encode,
            "located_in.csv": "src,dst\nE1\u200b,sz-led\u2060\n".encode,
        },
        notes=("normalised",),
    ),
    _c(
        "product-name-invisible",
        "a product named 芯片 and 芯 + U+200B + 片: one product",
        Expect(2, 1, merged=1),
        {"product.csv": "name\n芯\u200b片\n芯片\n".encode},
        notes=("zero-width space",),
    ),
    # -- big, made at test time (issue 13)
    _c(
        "xlsx-bomb",
        "a workbook of under 1 MB whose sheet unpacks to 300 MB: refused before it is opened",
        Expect(1, 0, rejected=1),
        {"enterprise.xlsx": xlsx_bomb},
        reasons=("unpacks to", "CHAINKG_XLSX_MAX_UNPACKED_MB"),
        big=True,
    ),
    _c(
        "filename-bad-bytes",
        "a file name with a byte that is not UTF-8 (\\xff): escaped in every output, no crash writing the report",
        Expect(1, 0, rejected=1),
        {os.fsdecode(b"product\xff.csv"): lambda: b"name\nchip\n"},
        reasons=("product\\xff",),
        big=True,
    ),
    # -- big, made at test time
    _c(
        "big-cells",
        "a 1 MB name and a 1 MB description",
        Expect(4, 2, rejected=2),
        {"enterprise.csv": _big_cells, "base.csv": _big_description},
        reasons=("too long",),
        big=True,
    ),
    _c(
        "wide-header",
        "100,000 columns, one of them known",
        Expect(2, 2),
        {"product.csv": _wide_header},
        notes=("99,990 more",),
        big=True,
    ),
    _c(
        "wide-row",
        "a row of 100,001 cells under a two-column header",
        Expect(2, 1, rejected=1),
        {"product.csv": _wide_row},
        reasons=("100001 cells",),
        big=True,
    ),
    _c(
        "wide-jsonl",
        "one JSON object with 100,001 fields",
        Expect(1, 1),
        {"product.jsonl": _many_columns_jsonl},
        notes=("99,990 more",),
        big=True,
    ),
    _c(
        "deep-json",
        "an array nested 100,000 deep",
        Expect(2, 1, rejected=1),
        {"product.jsonl": _deep_json},
        reasons=("nested too deeply",),
        big=True,
    ),
)


def case(name: str) -> Case:
    """The case called ``name``."""
    return next(c for c in CASES if c.name == name)


def write_case(c: Case, root: Path) -> Path:
    """Write the files of ``c`` under ``root/<name>`` and return that folder."""
    folder = root / c.name
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in c.files.items():
        (folder / name).write_bytes(make())
    return folder


def case_folder(c: Case, tmp: Path) -> Path:
    """Where the files of ``c`` are: the committed corpus, or ``tmp`` for the big ones (made now)."""
    return write_case(c, tmp) if c.big else CORPUS / c.name


def main() -> None:
    for c in CASES:
        if not c.big:
            write_case(c, CORPUS)
    n = sum(1 for p in CORPUS.rglob("*") if p.is_file() and p.parent != CORPUS)
    print(f"wrote {sum(not c.big for c in CASES)} cases, {n} files under {CORPUS}")


if __name__ == "__main__":
    main()
