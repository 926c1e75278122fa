"""A small hand-built graph for the chain, gap, what-if, candidate and complement tests.

Every expected answer in the tests is worked out by hand from these facts.

Products (links point downstream; depth 3 from 组件 and 芯片):
    多晶硅 -> 硅片 -> 电池片 -> 组件 <-(sub-class) 单晶组件
    银浆 -> 电池片,  银浆 -> 芯片,  石英 -> 多晶硅 (4 steps from 组件: outside the chain)
Base b1 (广东省): A 甲组件 and B 乙组件 make 组件; C 丙芯片 makes 芯片 and 硅片.
Outside: D 丁浆料 (b2, 广东省) makes 银浆 (share 0.1); E 戊材料 (b3, 江苏省, export, own IP)
makes 银浆 (share 0.3) and 电池片, and is in alliance al1 with A; F 己硅业 (no base) makes 多晶硅.

Industries (keys SW2021:<x>):
    U1 硅料 -UPSTREAM_OF(3)-> I1 光伏设备 <-UPSTREAM_OF(1)- U2 银浆业
    S1 组件设备 -SUB_INDUSTRY_OF-> I1;  U3 工业气体 -UPSTREAM_OF(2)-> U1;  S2 多晶硅料 -SUB_INDUSTRY_OF-> U1
b1 leads in I1; A is in S1 (so covers S1 and I1), C in U2; D in U3; E in S2 (covers S2 and U1).
"""

from __future__ import annotations

from chainkg.graph.store import GraphStore

ENTERPRISES = {
    # key: (name, full name, province, base, extra props)
    "A": ("甲组件", "深圳甲组件股份有限公司", "广东省", "b1", {}),
    "B": ("乙组件", "深圳乙组件有限公司", "广东省", "b1", {}),
    "C": ("丙芯片", "深圳丙芯片有限公司", "广东省", "b1", {}),
    "D": ("丁浆料", "东莞丁浆料有限公司", "广东省", "b2", {}),
    "E": ("戊材料", "苏州戊材料股份有限公司", "江苏省", "b3", {"export_oriented": True, "own_ip": True}),
    "F": ("己硅业", "己硅业有限公司", None, None, {}),
}
MAKES = [("A", "组件", 0.9), ("B", "组件", 0.5), ("C", "芯片", 0.6), ("C", "硅片", 0.3)]
MAKES += [("D", "银浆", 0.1), ("E", "银浆", 0.3), ("E", "电池片", 0.2), ("F", "多晶硅", 0.05)]
INPUTS = [
    ("电池片", "组件"),
    ("硅片", "电池片"),
    ("多晶硅", "硅片"),
    ("银浆", "电池片"),
    ("银浆", "芯片"),
    ("石英", "多晶硅"),
]
SUBTYPES = [("单晶组件", "组件")]
INDUSTRIES = {
    "I1": "光伏设备",
    "U1": "硅料",
    "U2": "银浆业",
    "U3": "工业气体",
    "S1": "组件设备",
    "S2": "多晶硅料",
}
UPSTREAM = [("U1", "I1", 3.0), ("U2", "I1", 1.0), ("U3", "U1", 2.0)]
SUB_INDUSTRY = [("S1", "I1"), ("S2", "U1")]
IN_INDUSTRY = [("A", "S1"), ("C", "U2"), ("D", "U3"), ("E", "S2")]


def ind(code: str) -> str:
    """The industry key of a test code."""
    return f"SW2021:{code}"


def build(store: GraphStore) -> None:
    """Write the graph above into ``store``."""
    store.merge_nodes(
        "Base",
        [
            {"key": "b1", "name": "光伏基地", "province": "广东省", "city": "深圳市"},
            {"key": "b2", "name": "东莞基地", "province": "广东省", "city": "东莞市"},
            {"key": "b3", "name": "苏州基地", "province": "江苏省", "city": "苏州市"},
        ],
    )
    store.merge_nodes(
        "Enterprise",
        [
            {"key": k, "name": n, "full_name": fn, "province": p, **extra}
            for k, (n, fn, p, _, extra) in ENTERPRISES.items()
        ],
    )
    store.merge_rels(
        "LOCATED_IN", "Enterprise", "Base", [{"src": k, "dst": b} for k, (_, _, _, b, _) in ENTERPRISES.items() if b]
    )
    products = {p for _, p, _ in MAKES} | {x for pair in INPUTS + SUBTYPES for x in pair}
    store.merge_nodes("Product", [{"key": p, "name": p} for p in sorted(products)])
    store.merge_rels("MAKES", "Enterprise", "Product", [{"src": e, "dst": p, "share": s} for e, p, s in MAKES])
    store.merge_rels("INPUT_TO", "Product", "Product", [{"src": a, "dst": b} for a, b in INPUTS])
    store.merge_rels("SUBTYPE_OF", "Product", "Product", [{"src": a, "dst": b} for a, b in SUBTYPES])
    store.merge_nodes(
        "Industry",
        [{"key": ind(c), "name": n, "code": c, "scheme": "SW2021"} for c, n in INDUSTRIES.items()],
    )
    store.merge_rels(
        "UPSTREAM_OF", "Industry", "Industry", [{"src": ind(a), "dst": ind(b), "weight": w} for a, b, w in UPSTREAM]
    )
    store.merge_rels(
        "SUB_INDUSTRY_OF", "Industry", "Industry", [{"src": ind(a), "dst": ind(b)} for a, b in SUB_INDUSTRY]
    )
    store.merge_rels("IN_INDUSTRY", "Enterprise", "Industry", [{"src": e, "dst": ind(i)} for e, i in IN_INDUSTRY])
    store.merge_rels("LEADS_IN", "Base", "Industry", [{"src": "b1", "dst": ind("I1")}])
    store.merge_nodes("Alliance", [{"key": "al1", "name": "光伏产业联盟"}])
    store.merge_rels("MEMBER_OF", "Enterprise", "Alliance", [{"src": "A", "dst": "al1"}, {"src": "E", "dst": "al1"}])
