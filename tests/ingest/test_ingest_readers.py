"""Readers: encodings, delimiters, quoting, line numbers, Excel workbooks, JSON Lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ingesttools import TEST_DATA, write_csv, write_xlsx

from chainkg.errors import InvalidInputError
from chainkg.i18n import localized, use_locale
from chainkg.ingest.readers import decode, read_tables

ENC = TEST_DATA / "ingest" / "encodings"


@pytest.mark.parametrize(("folder", "encoding"), [("utf8", "utf-8"), ("bom", "utf-8-sig"), ("gbk", "gb18030")])
def test_encodings_are_detected(folder: str, encoding: str) -> None:
    [t] = read_tables(ENC / folder / "enterprise.csv")
    assert t.encoding == encoding
    assert t.header == ["key", "name", "province", "city"]
    assert [(line, r["name"]) for line, r in t.rows] == [
        (2, "深圳市光明电子股份有限公司"),
        (3, "华强（集团）有限公司"),
    ]


def test_gb18030_only_characters() -> None:
    text = "name\n𠀀科技\n"  # a CJK Extension B character: GB18030, not GBK
    assert decode(text.encode("gb18030")) == (text, "gb18030")


def test_undecodable_bytes_are_an_error_with_advice() -> None:
    with pytest.raises(InvalidInputError, match="CSV UTF-8") as exc:
        decode(bytes(range(128, 256)) * 50 + b"\x00\x81\xff")
    # said in the reader's language: Chinese by default, English on request, the English kept as the error's text
    assert str(exc.value).startswith("the file is not UTF-8 (")
    with use_locale("zh"):
        assert localized(exc.value.reason).startswith("该文件不是 UTF-8（")
        assert localized(exc.value.reason).endswith("请在 Excel 或 WPS 中另存为“CSV UTF-8”后重新导入")
    with use_locale("en"):
        assert localized(exc.value.reason).startswith(
            "the file is not UTF-8 ("
        ) and "save it again as 'CSV UTF-8'" in localized(exc.value.reason)


def test_reader_problems_name_the_line_in_both_languages(tmp_path: Path) -> None:
    p = tmp_path / "enterprise.csv"
    p.write_text("name,city\n甲,深圳\n乙,广州,多余\n", encoding="utf-8")
    [t] = read_tables(p)
    [problem] = t.problems
    assert problem.line == 3 and problem.value == "多余"
    assert localized(problem.reason, "zh") == "该行有 3 个单元格，而表头只有 2 列；可能某个值中含有未加引号的逗号"
    assert localized(problem.reason, "en").startswith("the row has 3 cells but the header has 2 columns")


def test_quoted_cells_with_commas_quotes_and_newlines(tmp_path: Path) -> None:
    p = tmp_path / "product.csv"
    p.write_text('name,name_en\n"a, b","say ""hi"""\n"two\nlines",x\nlast,y\n', encoding="utf-8")
    [t] = read_tables(p)
    assert t.rows == [
        (2, {"name": "a, b", "name_en": 'say "hi"'}),
        (3, {"name": "two\nlines", "name_en": "x"}),
        (5, {"name": "last", "name_en": "y"}),
    ]


@pytest.mark.parametrize(("sep", "suffix"), [("\t", ".tsv"), (";", ".csv"), ("\t", ".csv")])
def test_delimiters(tmp_path: Path, sep: str, suffix: str) -> None:
    p = tmp_path / f"product{suffix}"
    p.write_text(f"name{sep}name_en\nLED{sep}led\n", encoding="utf-8")
    [t] = read_tables(p)
    assert t.rows == [(2, {"name": "LED", "name_en": "led"})]


def test_blank_lines_skipped_and_line_numbers_kept(tmp_path: Path) -> None:
    p = tmp_path / "product.csv"
    p.write_text("\nname\n\na\n,\nb\n", encoding="utf-8")
    [t] = read_tables(p)
    assert t.header == ["name"]
    assert t.rows == [(4, {"name": "a"}), (6, {"name": "b"})]


def test_too_many_cells_is_a_problem_not_a_silent_cut(tmp_path: Path) -> None:
    p = tmp_path / "product.csv"
    p.write_text("name,name_en\na,b,c\nd,e\nf\n", encoding="utf-8")
    [t] = read_tables(p)
    assert [(pr.line, pr.value) for pr in t.problems] == [(2, "c")]
    assert "unquoted comma" in t.problems[0].reason
    assert t.rows == [(3, {"name": "d", "name_en": "e"}), (4, {"name": "f", "name_en": None})]


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    empty = tmp_path / "product.csv"
    empty.write_bytes(b"")
    [t] = read_tables(empty)
    assert t.empty and not t.rows
    header = tmp_path / "enterprise.csv"
    header.write_text("name,uscc\n", encoding="utf-8")
    [t] = read_tables(header)
    assert not t.empty and t.header == ["name", "uscc"] and not t.rows


def test_jsonl(tmp_path: Path) -> None:
    p = tmp_path / "patent.jsonl"
    p.write_text(
        '{"key": "P1", "ipc_codes": ["H01L"]}\n\nnot json\n[1, 2]\n{"key": "P2", "title": "t\\nx"}\n',
        encoding="utf-8",
    )
    [t] = read_tables(p)
    assert t.rows == [(1, {"key": "P1", "ipc_codes": ["H01L"]}), (5, {"key": "P2", "title": "t\nx"})]
    assert [(pr.line, pr.reason.split(" (")[0]) for pr in t.problems] == [
        (3, "the line is not valid JSON"),
        (4, "each line must be one JSON object {...}"),
    ]


def test_json_array(tmp_path: Path) -> None:
    p = tmp_path / "product.json"
    p.write_text('[{"name": "a"}, {"name": "b"}]', encoding="utf-8")
    [t] = read_tables(p)
    assert [r["name"] for _, r in t.rows] == ["a", "b"]


def test_workbook_one_sheet_per_type(tmp_path: Path) -> None:
    p = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "企业": (
                ["name", "stock_code", "listing_date"],
                [["比亚迪", 2594, dt.datetime(2011, 6, 30)], [None, None, None]],
            ),
            "MEMBER_OF": (["src", "dst"], [["比亚迪", "al-1"]]),
            "说明": (["note"], [["free text"]]),
        },
    )
    tables = read_tables(p)
    assert [(t.source, t.type_hint, t.sheet) for t in tables] == [
        ("book.xlsx#企业", "企业", "企业"),
        ("book.xlsx#MEMBER_OF", "MEMBER_OF", "MEMBER_OF"),
        ("book.xlsx#说明", "说明", "说明"),
    ]
    assert tables[0].rows == [(2, {"name": "比亚迪", "stock_code": 2594, "listing_date": dt.datetime(2011, 6, 30)})]


def test_workbook_single_sheet_takes_the_file_name(tmp_path: Path) -> None:
    p = write_xlsx(tmp_path / "enterprise.xlsx", {"Sheet1": (["name"], [["甲"]])})
    [t] = read_tables(p)
    assert t.type_hint == "enterprise"


def test_broken_workbook(tmp_path: Path) -> None:
    p = tmp_path / "enterprise.xlsx"
    p.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InvalidInputError, match="cannot open the workbook"):
        read_tables(p)


def test_unsupported_extension(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "enterprise.xls", ["name"], [["a"]])
    with pytest.raises(InvalidInputError, match=r"\.csv, \.xlsx and \.jsonl"):
        read_tables(p)
