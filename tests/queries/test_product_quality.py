"""The product quality pass and product-level matching on both stores.

A tiny graph, every answer worked out by hand:

    Base q1: enterprise Q1 makes 显示屏, LED封装器件 and 物业费 (a service line);
             enterprise Q2 makes 显示屏.
    Inputs:  LED封装 -> 显示屏,  不锈钢 -> 显示屏,  者工程塑料 -> 显示屏,  稀土 -> LED封装,
             镍 -> 不锈钢,  不锈钢 -> 刀具
    Taxonomy: 不锈钢管 -SUBTYPE_OF-> 不锈钢 (made by S1, outside the base);
             彩色显示屏 -SUBTYPE_OF-> 显示屏 (made by nobody).
    Outside: S1 makes 不锈钢管; S2 makes 不锈钢材 (a synonym of 不锈钢 by the suffix rule);
             S3 makes 工程塑料.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chainkg.errors import InvalidInputError
from chainkg.graph.store import GraphStore
from chainkg.i18n import use_locale
from chainkg.ingest.product_quality import run_quality_pass
from chainkg.queries.chainengine.candidates import fill_candidates
from chainkg.queries.chainengine.chain import ChainQuestion, base_chain
from chainkg.queries.chainengine.gaps import find_gaps, gap_overview
from chainkg.queries.products import quality_report

MAKES = [
    ("Q1", "显示屏"),
    ("Q1", "LED封装器件"),
    ("Q1", "物业费"),
    ("Q2", "显示屏"),
    ("S1", "不锈钢管"),
    ("S2", "不锈钢材"),
    ("S3", "工程塑料"),
]
INPUTS = [
    ("LED封装", "显示屏"),
    ("不锈钢", "显示屏"),
    ("者工程塑料", "显示屏"),
    ("稀土", "LED封装"),
    ("镍", "不锈钢"),
    ("不锈钢", "刀具"),
]
SUBTYPES = [("不锈钢管", "不锈钢"), ("彩色显示屏", "显示屏")]


@pytest.fixture
def q(store: GraphStore, tmp_path: Path) -> tuple[GraphStore, Path]:
    store.merge_nodes("Base", [{"key": "q1", "name": "显示基地", "province": "广东省"}])
    ents = sorted({e for e, _ in MAKES})
    store.merge_nodes("Enterprise", [{"key": e, "name": f"企业{e}", "province": "广东省"} for e in ents])
    store.merge_rels("LOCATED_IN", "Enterprise", "Base", [{"src": e, "dst": "q1"} for e in ("Q1", "Q2")])
    products = {p for _, p in MAKES} | {x for pair in INPUTS + SUBTYPES for x in pair}
    store.merge_nodes("Product", [{"key": p, "name": p} for p in sorted(products)])
    store.merge_rels("MAKES", "Enterprise", "Product", [{"src": e, "dst": p} for e, p in MAKES])
    store.merge_rels("INPUT_TO", "Product", "Product", [{"src": a, "dst": b} for a, b in INPUTS])
    store.merge_rels("SUBTYPE_OF", "Product", "Product", [{"src": a, "dst": b} for a, b in SUBTYPES])
    path = tmp_path / "product-synonyms.csv"
    run_quality_pass(store, path)
    return store, path


def test_pass_stores_flags_groups_and_provenance(q: tuple[GraphStore, Path]) -> None:
    store, _ = q
    rows = {
        r["key"]: r
        for r in store.execute(
            "MATCH (p:Product) WHERE p.quality_source IS NOT NULL "
            "RETURN p.key AS key, p.flags AS flags, p.synonym_group AS grp, p.flag_reasons AS reasons, "
            "p.quality_source AS src"
        )
    }
    # Only products whose fields say something are written; the rest hold the defaults (their own
    # name, their own group, no flags), the groups' heads LED封装器件 and 不锈钢材 among them.
    assert sorted(rows) == sorted(["LED封装", "不锈钢", "物业费", "者工程塑料"])
    assert rows["物业费"]["flags"] == ["sales_service"]
    assert rows["者工程塑料"]["flags"] == ["fragment"]
    assert "工程塑料" in rows["者工程塑料"]["reasons"][0]
    # LED封装器件 is made once, LED封装 never: the group is named after the made one.
    assert (rows["LED封装"]["grp"], rows["不锈钢"]["grp"]) == ("LED封装器件", "不锈钢材")
    assert "product-synonyms.csv" in rows["物业费"]["src"]
    assert store.count_nodes("Product") == 13  # nothing deleted
    r = quality_report(store)
    assert (r.products_flagged, r.by_flag, r.groups, r.grouped_names) == (2, {"fragment": 1, "sales_service": 1}, 2, 4)
    assert [f.key for f in r.flagged] == ["物业费", "者工程塑料"]  # most listed first: 物业费 is made once


def test_flag_reasons_are_stored_stable_and_shown_in_the_readers_language(q: tuple[GraphStore, Path]) -> None:
    store, _ = q
    [row] = store.execute("MATCH (p:Product {key: '者工程塑料'}) RETURN p.flag_reasons AS reasons")
    stored = json.loads(row["reasons"][0])  # msgid and parameters: the same whoever ran the load
    assert stored == {
        "msgid": "the word '{word}' glued to the product '{product}' (a parse fragment)",
        "params": {"product": "工程塑料", "word": "者"},
    }
    with use_locale("zh"):
        zh = {f.key: f.reasons for f in quality_report(store).flagged}
    with use_locale("en"):
        en = {f.key: f.reasons for f in quality_report(store).flagged}
    assert zh["者工程塑料"] == ["“者”与产品“工程塑料”粘连（解析片段）"]
    assert en["者工程塑料"] == ["the word '者' glued to the product '工程塑料' (a parse fragment)"]
    assert zh["物业费"] == ["销售或服务收入，非生产产品"] and en["物业费"] == [
        "a sales or service line, not a made product"
    ]


def test_a_person_splits_a_group_in_the_file(q: tuple[GraphStore, Path]) -> None:
    store, path = q
    text = path.read_text(encoding="utf-8")
    assert "LED封装,LED封装器件,suffix,100,yes" in text
    path.write_text(text.replace("LED封装,LED封装器件,suffix,100,yes", "LED封装,LED封装器件,suffix,100,no"), "utf-8")
    run_quality_pass(store, path)
    grp = {r["key"]: r["grp"] for r in store.execute("MATCH (p:Product) RETURN p.key AS key, p.synonym_group AS grp")}
    assert grp["LED封装"] == "LED封装"  # written back as its own group
    assert ",LED封装,LED封装器件,rejected,,no" in path.read_text(encoding="utf-8")  # the decision is kept
    path.write_text("a,b,rule,keep\nLED封装,,manual,yes\n", "utf-8")
    with pytest.raises(InvalidInputError, match=r"line 2.*field 'b'"):
        run_quality_pass(store, path)


def test_gaps_match_through_synonyms_and_taxonomy(q: tuple[GraphStore, Path]) -> None:
    store, _ = q
    chain = base_chain(store, ChainQuestion("q1", 2, level="product"))
    seg = {s.key: s for s in chain.segments}
    # Anchors: 显示屏, LED封装器件 and LED封装 (its synonym, so covered); 物业费 is flagged: no anchor.
    # 彩色显示屏 (a sub-class) is not an input: not in the chain.
    assert sorted(seg) == sorted(["LED封装", "LED封装器件", "不锈钢", "稀土", "显示屏", "者工程塑料", "镍"])
    assert seg["LED封装"].status == "weak" and [e.key for e in seg["LED封装"].enterprises] == ["Q1"]
    o = gap_overview(store, ChainQuestion("q1", 2, level="product"))
    # Gaps: 不锈钢 (made as 不锈钢管 and 不锈钢材 outside), 稀土 and 镍 (made by nobody), 者工程塑料 (flagged).
    # Scores (q1 leads in nothing: every covered product counts): supply shares, a link weighing
    # 1 / the inputs of the product it feeds (显示屏 has 3: LED封装, 不锈钢, 者工程塑料; LED封装 1,
    # 不锈钢 1), over steps, times specificity. N = 4 products with inputs (显示屏, LED封装,
    # 不锈钢, 刀具); 不锈钢 feeds 2 products (weight ln(5/2) / ln 5 = 0.569323) and needs 显示屏
    # at 1 step: 1/3 x 0.569323 = 0.189774; 稀土 -> LED封装 (1 step, share 1, covered) ->
    # 显示屏 (2 steps, share 1/3): 1 + 1/6 = 1.166667; 镍 -> 不锈钢 -> 显示屏: (1 x 1/3) / 2.
    assert [(g.key, g.score, g.makers) for g in o.gaps] == [("不锈钢", 0.189774, 2)]
    assert [(g.key, g.score, g.makers) for g in o.no_supplier] == [("稀土", 1.166667, 0), ("镍", 0.166667, 0)]
    assert o.flagged_left_out == {"product": 1}
    assert (o.total_gaps, o.total_no_supplier) == ({"product": 3}, {"product": 2})
    both = find_gaps(store, ChainQuestion("q1", 2, level="product"), suppliers="all", include_flagged=True)
    assert sorted(g.key for g in both) == ["不锈钢", "稀土", "者工程塑料", "镍"]


def test_candidates_through_synonyms_and_subclasses(q: tuple[GraphStore, Path]) -> None:
    store, _ = q
    c = fill_candidates(store, "q1", "不锈钢")
    assert sorted((x.key, x.matched, x.match) for x in c.candidates) == [
        ("S1", "不锈钢管", "subclass"),
        ("S2", "不锈钢材", "synonym"),
    ]
    assert c.total_candidates == 2
