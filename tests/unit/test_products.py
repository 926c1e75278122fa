"""Product data quality rules and the product facts used for matching, on tiny hand-made lists."""

from __future__ import annotations

import pytest

from chainkg.graph.analytics.fill import CandidateFacts, rank_candidates
from chainkg.graph.analytics.products import (
    SynonymLink,
    canonical_name,
    flag_product,
    flag_products,
    match_key,
    synonym_groups,
    synonym_links,
)
from chainkg.queries.products import build_info


def test_canonical_names() -> None:
    assert canonical_name("ＬＥＤ封装器件") == "LED封装器件"  # full width to half width (NFKC)
    assert canonical_name("锌合金\\\\铝合金") == "锌合金/铝合金"  # backslashes as one slash
    assert canonical_name(" LED 封装\t器件 ") == "LED封装器件"  # spaces next to Chinese dropped
    assert canonical_name("Mini   LED  背光") == "Mini LED背光"
    assert canonical_name("不锈钢—管") == "不锈钢-管"
    assert match_key("Mini-LED背光") == match_key("mini led 背光") != match_key("Micro LED背光")


@pytest.mark.parametrize(
    ("name", "known", "codes"),
    [
        ("LEDLED分部", (), ["segment"]),
        ("房屋销售", (), ["sales_service"]),
        ("物业费", (), ["sales_service"]),
        ("芯片销售", (), ["sales_service"]),
        ("技术服务", (), ["sales_service"]),
        ("木林森品牌", (), ["brand"]),
        ("者工程塑料", ("工程塑料",), ["fragment"]),  # 者 glued to a known product
        ("包括不锈钢", ("不锈钢",), ["fragment"]),
        (".不锈钢", (), ["fragment"]),
        ("其他产品", (), ["unspecified"]),
        ("照明销售业务", (), ["segment", "sales_service"]),
        # Real products stay unflagged.
        ("不锈钢", (), []),
        ("铝", (), []),  # one Chinese character can be a product
        ("以太网交换机", ("交换机",), []),  # 以 + 太网交换机, which is no product
        ("和田玉", (), []),
        ("LED封装器件", (), []),
    ],
)
def test_flags_with_reasons(name: str, known: tuple[str, ...], codes: list[str]) -> None:
    flags = flag_product(name, set(known))
    assert [f.code for f in flags] == codes
    assert all(f.reason and f.zh for f in flags)


def test_fragment_reason_names_the_product() -> None:
    (f,) = flag_product("者工程塑料", {"工程塑料"})
    assert "工程塑料" in f.reason and "工程塑料" in f.zh
    assert f.zh == "“者”与产品“工程塑料”粘连（解析片段）"
    assert f.reason == "the word '者' glued to the product '工程塑料' (a parse fragment)"
    # Without the known names, a function word alone does not make a fragment.
    assert flag_product("者工程塑料") == []
    assert set(flag_products(["者工程塑料", "工程塑料", "物业费"])) == {"者工程塑料", "物业费"}


def test_synonym_links_rules() -> None:
    names = [
        "LED封装",
        "LED封装器件",  # suffix 器件
        "ＬＥＤ封装",  # spelling
        "不锈钢",
        "不锈钢材",  # suffix 材
        "计算机及网络产品",
        "计算机网络产品",  # fuzzy: only 及 differs
        "聚甲基丙烯酸甲酯",
        "甲基丙烯酸甲酯",  # 聚 makes another product
        "正极材料",
        "负极材料",  # one character differs, and it is no connector
        "钢",
        "钢材",  # the stem must have two characters
    ]
    got = {(x.a, x.b, x.rule) for x in synonym_links(names)}
    assert got == {
        ("LED封装", "LED封装器件", "suffix"),
        ("LED封装", "ＬＥＤ封装", "spelling"),
        ("不锈钢", "不锈钢材", "suffix"),
        ("计算机及网络产品", "计算机网络产品", "fuzzy"),
    }


def test_a_flagged_spelling_does_not_hide_the_product() -> None:
    # '.不锈钢' (a fragment) spells like 不锈钢; skipped, it must not carry 不锈钢's suffix link.
    got = {(x.a, x.b, x.rule) for x in synonym_links([".不锈钢", "不锈钢", "不锈钢材"], skip={".不锈钢"})}
    assert got == {("不锈钢", "不锈钢材", "suffix")}
    got = {(x.a, x.b, x.rule) for x in synonym_links([".不锈钢", "不锈钢", "不锈钢材"])}
    assert got == {("不锈钢", ".不锈钢", "spelling"), ("不锈钢", "不锈钢材", "suffix")}


def test_synonym_groups_named_by_rank_and_split_by_a_person() -> None:
    names = ["LED封装", "LED封装器件", "ＬＥＤ封装", "芯片"]
    links = [SynonymLink("LED封装", "LED封装器件", "suffix"), SynonymLink("LED封装", "ＬＥＤ封装", "spelling")]
    assert synonym_groups(names, links, rank={"LED封装器件": 3, "LED封装": 1}) == {
        "LED封装": "LED封装器件",  # the most made member names the group
        "LED封装器件": "LED封装器件",
        "ＬＥＤ封装": "LED封装器件",
    }
    # A person said LED封装器件 is another product: the group keeps the other two.
    assert synonym_groups(names, links, rejected=[("LED封装器件", "LED封装")]) == {
        "LED封装": "LED封装",
        "ＬＥＤ封装": "LED封装",
    }
    assert synonym_groups(names, [*links, SynonymLink("芯片", "晶片", "manual")]) == synonym_groups(
        names, links
    )  # a link to an unknown name joins nothing


def test_product_info_matching_and_specificity() -> None:
    info = build_info(
        quality=[
            ("不锈钢材", "不锈钢", []),
            ("不锈钢", "不锈钢", []),
            ("不锈钢销售", "不锈钢销售", ["sales_service"]),
        ],
        subtypes=[("不锈钢管", "不锈钢"), ("不锈钢销售", "不锈钢"), ("不锈钢焊管", "不锈钢管"), ("不锈钢", "钢材")],
        inputs=[("不锈钢", "刀具"), ("不锈钢", "餐具"), ("不锈钢", "餐具"), ("镍", "不锈钢"), ("铬", "不锈钢")],
        made=["不锈钢管", "不锈钢管", "不锈钢材", "不锈钢焊管"],
    )
    # The gap, its synonym, its sub-classes one level down; flagged products never match.
    assert info.matches("不锈钢") == {"不锈钢": "exact", "不锈钢材": "synonym", "不锈钢管": "subclass"}
    assert info.known_makers("不锈钢") == 3  # 不锈钢材 1 + 不锈钢管 2 (不锈钢焊管 is two levels down)
    assert info.known_makers("镍") == 0
    # Making 不锈钢管 covers it and its class 不锈钢 (one level up), not 钢材 (two levels up).
    assert info.covers("不锈钢管") == {"不锈钢管", "不锈钢"}
    assert info.covers("不锈钢材") == {"不锈钢材", "不锈钢", "钢材"}  # via its synonym 不锈钢
    assert info.covers("不锈钢销售") == {"不锈钢销售"}
    # N = 3 products have an input (刀具, 餐具, 不锈钢); 不锈钢 feeds 2 distinct products, 镍 1.
    assert info.specificity("镍") == pytest.approx(1.0)  # ln(4 / 1) / ln 4
    assert info.specificity("不锈钢") == pytest.approx(0.5)  # ln(4 / 2) / ln 4
    assert info.specificity("刀具") == pytest.approx(1.0)  # feeds nothing: counted as 1


def test_candidates_ranked_by_relatedness_first() -> None:
    near = CandidateFacts("near")  # no points, but close to what the base does
    far = CandidateFacts("far", province="广东省", base_province="广东省", own_ip=True)
    same = CandidateFacts("same", province="广东省", base_province="广东省")
    rel = {"near": 0.62, "far": 0.20, "same": 0.21}
    # 0.20 and 0.21 fall in one 0.05 step, so far's points put it before same.
    assert [r.facts.key for r in rank_candidates([far, same, near], rel)] == ["near", "far", "same"]
    assert [r.facts.key for r in rank_candidates([far, same, near])] == ["far", "same", "near"]


def test_build_info_shares_each_key_between_its_tables() -> None:
    """Each product key is one string object in every table (the kept facts then pickle it once)."""

    def fresh(s: str) -> str:  # a new string object of the same value, as separate query rows give
        return "".join(list(s))

    info = build_info(
        [(fresh("芯片"), fresh("芯片组"), ["segment"]), (fresh("芯片组"), fresh("芯片组"), None)],
        [(fresh("芯片"), fresh("半导体"))],
        [(fresh("芯片"), fresh("手机")), (fresh("半导体"), fresh("手机"))],
        [fresh("芯片"), fresh("手机")],
    )
    chip = next(iter(info.flags))
    assert chip == "芯片" and fresh("芯片") is not chip
    for table in (info.group, info.parents, info.feeds, info.makers):
        assert next(k for k in table if k == "芯片") is chip
    assert next(m for m in info.members["芯片组"] if m == "芯片") is chip
    assert next(k for k in info.inputs) is next(k for k in info.makers if k == "手机")
    assert info.parents == {"芯片": ("半导体",)} and info.feeds == {"芯片": 1, "半导体": 1}
