"""Every validation rule, through the generated row models, with the message a planner sees."""

from __future__ import annotations

from typing import Any

import pytest

from chainkg.graph.model import MODEL
from chainkg.i18n import Msg, localized, use_locale
from chainkg.ingest.formats import CHAIN_MAP_TYPES as MAP_TYPES
from chainkg.ingest.formats import all_specs, map_header, spec, spec_for_name
from chainkg.ingest.validate import RowError, row_model, validate_row


def problems(type_name: str, values: dict[str, Any]) -> dict[str | None, str]:
    with pytest.raises(RowError) as exc:
        validate_row(spec(type_name), values)
    return {p.field: p.reason for p in exc.value.problems}


def test_a_model_per_type_with_the_model_fields() -> None:
    every = {n.label for n in MODEL.nodes} | {r.type for r in MODEL.rels}
    # Chain maps are loaded whole from their map files, never as one table per type.
    assert {s.name for s in all_specs()} == every - MAP_TYPES
    assert every > MAP_TYPES
    for n in MODEL.nodes:
        if n.label in MAP_TYPES:
            continue
        fields = set(row_model(n.label).model_fields)
        assert fields == {"key"} | {p.name for p in n.props}
    for r in MODEL.rels:
        if r.type in MAP_TYPES:
            continue
        fields = set(row_model(r.type).model_fields)
        assert {"src", "dst"} | {p.name for p in r.props} <= fields


def test_required_fields() -> None:
    assert problems("Base", {"key": "b1"}) == {"name": "is required: fill in the name (名称) column"}
    assert problems("Patent", {"title": "x"}) == {"key": "is required: fill in the key (主键) column"}
    assert "dst" in problems("MEMBER_OF", {"src": "a"})


def test_derived_keys_are_optional() -> None:
    assert validate_row(spec("Enterprise"), {"name": "甲"})["key"] is None
    assert validate_row(spec("Product"), {"name": "LED"})["name"] == "LED"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("employees", "many", "must be a whole number"),
        ("employees", "12.5", "whole number, without decimals"),
        ("employees", "-3", "cannot be negative"),
        ("revenue_musd", "lots", "must be a number"),
        ("revenue_musd", "nan", "finite number"),
        ("high_tech", "maybe", "must be yes or no (是/否, true/false, 1/0)"),
        ("size", "huge", "must be one of large, medium, small, micro (or in Chinese: 中型, 大型, 小型, 微型)"),
        ("uscc", "123", "has 18 characters"),
        ("stock_code", "12345", "six digits"),
        ("listing_date", "2011-13-01", "not a real calendar date"),
        ("name", "x" * 2001, "too long (2,001 characters; at most 2,000)"),
        ("name", "bad\x00name", "NUL character"),
    ],
)
def test_field_rules(field: str, value: str, message: str) -> None:
    row = {"name": "甲"} | {field: value}
    got = problems("Enterprise", row)
    assert field in got
    assert message in got[field]


def test_every_bad_field_is_reported_at_once() -> None:
    got = problems("Enterprise", {"name": "甲", "employees": "x", "uscc": "1", "high_tech": "?"})
    assert set(got) == {"employees", "uscc", "high_tech"}


def test_conversions() -> None:
    row = validate_row(
        spec("Enterprise"),
        {
            "name": " 甲 ",
            "employees": "1,200",
            "revenue_musd": "12.5",
            "high_tech": "是",
            "export_oriented": "否",
            "own_brand": 1,
            "own_ip": "√",
            "size": "中型",
            "stock_code": 600000.0,
            "listing_date": "2021/3/5",
        },
    )
    assert row["name"] == "甲"
    assert (row["employees"], row["revenue_musd"]) == (1200, 12.5)
    assert (row["high_tech"], row["export_oriented"], row["own_brand"], row["own_ip"]) == (True, False, True, True)
    assert (row["size"], row["stock_code"], row["listing_date"]) == ("medium", "600000.SH", "2021-03-05")


def test_percent_and_excel_floats() -> None:
    assert validate_row(spec("MAKES"), {"src": "a", "dst": "b", "share": "25%"})["share"] == 0.25
    assert validate_row(spec("Base"), {"key": "b", "name": "n", "approved_year": 2010.0})["approved_year"] == 2010


def test_choices_accept_chinese() -> None:
    assert validate_row(spec("Platform"), {"key": "p", "name": "n", "kind": "检测"})["kind"] == "testing"
    assert validate_row(spec("ResearchOrg"), {"name": "n", "kind": "科研机构"})["kind"] == "institute"
    assert validate_row(spec("MEMBER_OF"), {"src": "a", "dst": "b", "role": "理事长单位"})["role"] == "chair"
    assert validate_row(spec("COOPERATES_WITH"), {"src": "a", "dst": "b", "kind": "联合实验室"})["kind"] == "joint_lab"
    assert validate_row(spec("Base"), {"key": "b", "name": "n", "level": "省级"})["level"] == "provincial"
    assert "must be one of rnd, information" in problems("Platform", {"key": "p", "name": "n", "kind": "cafe"})["kind"]


def test_years_in_range() -> None:
    assert "outside 1800" in problems("MEMBER_OF", {"src": "a", "dst": "b", "since": "1700"})["since"]
    assert "outside 1800" in problems("Alliance", {"key": "a", "name": "n", "founded_year": 3021})["founded_year"]
    assert "outside 1800" in problems("Patent", {"key": "p", "title": "t", "year": 20})["year"]


def test_ipc_lists() -> None:
    row = validate_row(spec("Patent"), {"key": "p", "title": "t", "ipc_codes": "h01l33/00； H01L 33/00 | G09G 3/32"})
    assert row["ipc_codes"] == ["H01L 33/00", "G09G 3/32"]
    row = validate_row(spec("Patent"), {"key": "p", "title": "t", "ipc_codes": ["H01L"]})
    assert row["ipc_codes"] == ["H01L"]
    bad = problems("Patent", {"key": "p", "title": "t", "ipc_codes": "H01L; 光电"})
    assert "is not an IPC code" in bad["ipc_codes"]


def test_tech_field_key_and_industry_scheme() -> None:
    assert "IPC subclass" in problems("TechField", {"key": "LED", "name": "n"})["key"]
    assert "SW2021" in problems("Industry", {"name": "n", "code": "270100", "scheme": "NAICS"})["scheme"]


def test_description_may_be_long_but_names_not() -> None:
    assert validate_row(spec("Base"), {"key": "b", "name": "n", "description": "x" * 10_000})["description"]


def test_file_names_and_headers() -> None:
    for name, expected in [
        ("enterprise", "Enterprise"),
        ("Enterprises", "Enterprise"),
        ("企业", "Enterprise"),
        ("03_member_of", "MEMBER_OF"),
        ("MEMBER-OF", "MEMBER_OF"),
        ("联盟成员", "MEMBER_OF"),
        ("research_orgs", "ResearchOrg"),
        ("大学", "ResearchOrg"),
        ("技术领域", "TechField"),
        ("in_field", "IN_FIELD"),
        ("industries", "Industry"),
        ("patent_pool", "PatentPool"),
    ]:
        found = spec_for_name(name)
        assert found is not None and found.name == expected, name
    assert spec_for_name("sales_2023") is None
    assert map_header("Enterprise", "统一社会信用代码") == "uscc"
    assert map_header("Enterprise", " Full Name ") == "full_name"
    assert map_header("MEMBER_OF", "起点") == "src"
    assert map_header("MEMBER_OF", "from") == "src"
    assert map_header("Enterprise", "favourite colour") is None


@pytest.mark.parametrize(
    ("values", "field", "zh", "en"),
    [
        ({"key": "b"}, "name", "为必填项：请填写 name (名称) 列", "is required: fill in the name (名称) column"),
        (
            {"key": "b", "name": "基地", "approved_year": "19"},
            "approved_year",
            "年份 19 不在 1800–",
            "the year 19 is outside 1800–",
        ),
        (
            {"key": "b", "name": "基地", "approved_year": "二〇一〇"},
            "approved_year",
            "必须是整数（例如 2015）",
            "must be a whole number (for example 2015)",
        ),
        (
            {"key": "b", "name": "基地", "level": "galactic"},
            "level",
            "必须是 national, provincial, municipal 之一（或中文：",
            "must be one of national, provincial, municipal (or in Chinese: ",
        ),
    ],
)
def test_problems_are_said_in_the_readers_language(values: dict[str, Any], field: str, zh: str, en: str) -> None:
    """The reason is kept in English (stable) and carries its msgid, so it is shown in either language."""
    reason = problems("Base", values)[field]
    assert isinstance(reason, Msg)
    assert str(reason).startswith(en) and reason.text("en").startswith(en)
    assert reason.text("zh").startswith(zh)
    with use_locale("zh"):
        assert localized(reason).startswith(zh)
    assert Msg.from_stable(reason.stable()).text("zh") == reason.text("zh")  # what a report stores comes back whole
