"""Segment matching and statuses on tiny hand-built data (no store): every figure by hand."""

from __future__ import annotations

from chainkg.graph.analytics.segments import (
    Evidence,
    SegmentRule,
    complement_segments,
    match_enterprises,
    match_key,
    match_products,
    segment_status,
    sole_firm_losses,
)

PRODUCTS = [
    "蓝宝石衬底",
    "碳化硅衬底",
    "衬底膜",
    "ＬＥＤ芯片",
    "LED芯片",
    "芯片",
    "红光芯片",
    "蓝光芯片",
    "封装胶",
    "外壳",
]
SUBTYPES = [("红光芯片", "芯片"), ("蓝光芯片", "LED芯片")]
RULES = [
    SegmentRule("m/substrate", keywords=("衬底",), exclude=("衬底膜",)),
    SegmentRule("m/chip", products=("led芯片",), taxonomy=("LED芯片",)),
    SegmentRule("m/apps"),
    SegmentRule("m/glue", parent="m/apps", products=("封装胶",)),
    SegmentRule("m/nothing", keywords=("不存在",)),
]


def test_match_key_folds_width_case_space_and_backslash() -> None:
    assert match_key(" ＬＥＤ  芯片 ") == "LED 芯片"
    assert match_key("锌合金\\铝合金") == "锌合金/铝合金"
    assert match_key("led芯片") == match_key("ＬＥＤ芯片")


def test_match_products_by_rule_with_exclude_taxonomy_and_parent_union() -> None:
    m = match_products(RULES, PRODUCTS, SUBTYPES)
    # 衬底膜 contains 衬底 but is excluded.
    assert m["m/substrate"] == {"蓝宝石衬底": Evidence("keyword", "衬底"), "碳化硅衬底": Evidence("keyword", "衬底")}
    # Exact name (both spellings canonicalise to LED芯片) beats taxonomy; 蓝光芯片 is a sub-class of LED芯片,
    # 红光芯片 a sub-class of 芯片 (not of LED芯片), so it stays out.
    assert m["m/chip"] == {
        "ＬＥＤ芯片": Evidence("product", "led芯片"),
        "LED芯片": Evidence("product", "led芯片"),
        "蓝光芯片": Evidence("taxonomy", "LED芯片 ⊃ 蓝光芯片"),
    }
    # A grouping segment holds its child's products.
    assert set(m["m/apps"]) == {"封装胶"}
    assert m["m/nothing"] == {}


def test_match_enterprises_by_products_industries_codes_and_keys() -> None:
    rules = [
        *RULES,
        SegmentRule("m/ind", industries=("SW2021:270300",)),
        SegmentRule("m/gb", gb4754=("3976",)),
        SegmentRule("m/explicit", enterprises=("E9", "ghost")),
    ]
    prods = match_products(rules, PRODUCTS, SUBTYPES)
    makes = [("E1", "蓝宝石衬底"), ("E1", "碳化硅衬底"), ("E2", "LED芯片"), ("E3", "封装胶"), ("E4", "外壳")]
    in_industry = [("E5", "SW2021:270302"), ("E6", "GB4754:3976"), ("E7", "GB4754:3971")]
    subs = [("SW2021:270302", "SW2021:270300")]
    codes = {"GB4754:3976": ("GB4754", "3976"), "GB4754:3971": ("GB4754", "3971")}
    m = match_enterprises(rules, prods, makes, in_industry, subs, codes, known_enterprises={"E9"})
    assert m["m/substrate"] == {"E1": Evidence("makes", "碳化硅衬底、蓝宝石衬底", 2)}
    assert m["m/chip"] == {"E2": Evidence("makes", "LED芯片", 1)}
    assert m["m/apps"] == {"E3": Evidence("makes", "封装胶", 1)}  # from its child
    assert m["m/ind"] == {"E5": Evidence("industry", "SW2021:270300 ⊃ SW2021:270302")}
    assert m["m/gb"] == {"E6": Evidence("gb4754", "GB4754:3976")}  # 3971 does not start with 3976
    assert m["m/explicit"] == {"E9": Evidence("enterprise", "E9")}  # the unknown key is dropped
    assert m["m/nothing"] == {}


def test_segment_status_thresholds() -> None:
    assert segment_status(2, 2) == "covered"
    assert segment_status(1, 7) == "weak"
    assert segment_status(0, 3) == "gap"
    assert segment_status(0, 0) == "no_supplier"


def test_sole_firm_losses_and_complement() -> None:
    own = {"a": {"x"}, "b": {"x", "y"}, "c": {"x", "z"}, "d": set()}
    assert sole_firm_losses(own, {"x", "z"}) == {"a": ["x"], "c": ["x", "z"]}
    assert sole_firm_losses(own, set()) == {}
    split = complement_segments({"a": {"x"}, "b": set(), "c": {"y"}, "d": set()}, {"a": set(), "b": {"q"}, "c": {"r"}})
    assert split == {"a_fills_b": ["a"], "b_fills_a": ["b"], "both": ["c"], "neither": ["d"]}


def test_keyword_scan_finds_each_name_once_across_many_names() -> None:
    names = [f"产品{i}" for i in range(2000)] + ["甲衬底衬底", "衬底"]
    m = match_products([SegmentRule("m/s", keywords=("衬底",))], names)
    assert sorted(m["m/s"]) == ["甲衬底衬底", "衬底"]
