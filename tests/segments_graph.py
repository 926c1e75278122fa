"""A tiny hand-built graph for the segment answers, shared by the query, CLI and API tests."""

from __future__ import annotations

from storetools import TEST_DATA

from chainkg.graph.store import GraphStore
from chainkg.ingest.pipeline import ingest_paths

MINI = TEST_DATA / "maps" / "mini-led.yaml"


def build(store: GraphStore) -> None:
    store.merge_nodes("Base", [{"key": "b1", "name": "甲基地"}, {"key": "b2", "name": "乙基地"}])
    store.merge_nodes("Industry", [{"key": "SW2021:270302", "name": "LED", "code": "270302", "scheme": "SW2021"}])
    ents = {
        "E1": ("甲衬底", "b1", ["蓝宝石衬底"], 10.0),
        "E2": ("甲封装", "b1", ["LED封装"], 5.0),
        "E3": ("甲显示", "b1", ["LED显示屏"], 5.0),
        "E4": ("甲照明", "b1", ["LED照明灯"], 5.0),
        "E5": ("乙芯片", "b2", ["LED芯片", "LED封装器件"], 50.0),
        "E6": ("乙显示", "b2", ["LED显示屏"], 5.0),
        "E7": ("丙衬底", None, ["碳化硅衬底", "蓝宝石衬底"], 1.0),
    }
    store.merge_nodes(
        "Enterprise", [{"key": k, "name": n, "city": "某市", "revenue_musd": r} for k, (n, _, _, r) in ents.items()]
    )
    products = sorted({p for _, _, ps, _ in ents.values() for p in ps})
    store.merge_nodes("Product", [{"key": p, "name": p} for p in products])
    store.merge_rels(
        "MAKES", "Enterprise", "Product", [{"src": k, "dst": p} for k, (_, _, ps, _) in ents.items() for p in ps]
    )
    store.merge_rels(
        "LOCATED_IN", "Enterprise", "Base", [{"src": k, "dst": b} for k, (_, b, _, _) in ents.items() if b is not None]
    )
    store.merge_rels("LEADS_IN", "Base", "Industry", [{"src": "b1", "dst": "SW2021:270302"}])
    store.merge_nodes("Alliance", [{"key": "al1", "name": "联盟一"}])
    store.merge_rels("MEMBER_OF", "Enterprise", "Alliance", [{"src": "E2", "dst": "al1"}, {"src": "E5", "dst": "al1"}])
    report = ingest_paths(store, [MINI])
    assert report.ok, report.rejections
