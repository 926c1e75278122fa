"""A small hand-built graph touching every node type, for the view tests (not real data)."""

from __future__ import annotations

from chainkg.graph.store.base import GraphStore

SRC = "tests/minigraph.py"


def load_mini(store: GraphStore) -> None:
    """Two bases, four enterprises, a university, an alliance, a pool, patents, a short chain."""

    def nodes(label: str, rows: list[dict]) -> None:
        store.merge_nodes(label, [{**r, "source": SRC, "source_row": i + 1} for i, r in enumerate(rows)])

    def rels(type_: str, a: str, b: str, rows: list[dict]) -> None:
        res = store.merge_rels(type_, a, b, [{**r, "source": SRC} for r in rows])
        assert not res.skipped, res.skipped

    nodes(
        "Base",
        [
            {
                "key": "b-sz",
                "name": "深圳测试基地",
                "name_en": "Shenzhen test base",
                "province": "广东省",
                "city": "深圳市",
            },
            {
                "key": "b-sh",
                "name": "上海测试基地",
                "name_en": "Shanghai test base",
                "province": "上海市",
                "city": "上海市",
            },
        ],
    )
    nodes(
        "Enterprise",
        [
            {
                "key": "e1",
                "name": "甲光电",
                "province": "广东省",
                "own_ip": True,
                "own_brand": True,
                "export_oriented": True,
            },
            {"key": "e2", "name": "乙芯片", "province": "广东省", "own_ip": False, "own_brand": True},
            {"key": "e3", "name": "丙材料", "province": "上海市", "own_ip": True},
            {"key": "e4", "name": "<script>alert(1)</script>", "province": "上海市"},
        ],
    )
    nodes("ResearchOrg", [{"key": "u1", "name": "测试大学", "kind": "university"}])
    nodes("Alliance", [{"key": "al-1", "name": "测试产业联盟", "founded_year": 2018}])
    nodes("PatentPool", [{"key": "pp-1", "name": "测试专利池", "founded_year": 2019}])
    nodes(
        "Patent",
        [
            {"key": "CN1A", "title": "一种发光二极管", "ipc_codes": ["H01L 33/00"], "year": 2019},
            {"key": "CN2A", "title": "一种芯片封装", "ipc_codes": ["H01L 23/00"], "year": 2020},
            {"key": "CN3A", "title": "一种衬底材料", "ipc_codes": ["C30B 29/00"], "year": 2018},
        ],
    )
    nodes("TechField", [{"key": "H01L", "name": "半导体器件"}, {"key": "C30B", "name": "单晶生长"}])
    nodes(
        "Industry",
        [
            {"key": "SW2021:270100", "name": "半导体", "code": "270100", "scheme": "SW2021", "level": 2},
            {"key": "SW2021:270200", "name": "元件", "code": "270200", "scheme": "SW2021", "level": 2},
        ],
    )
    nodes("Product", [{"key": k, "name": k} for k in ("LED芯片", "外延片", "衬底", "LED灯具", "封装胶")])
    nodes("Platform", [{"key": "pf-1", "name": "测试检测平台", "kind": "testing"}])
    rels(
        "LOCATED_IN",
        "Enterprise",
        "Base",
        [
            {"src": "e1", "dst": "b-sz"},
            {"src": "e2", "dst": "b-sz"},
            {"src": "e3", "dst": "b-sh"},
            {"src": "e4", "dst": "b-sh"},
        ],
    )
    rels("LOCATED_IN", "ResearchOrg", "Base", [{"src": "u1", "dst": "b-sz"}])
    rels(
        "IN_INDUSTRY",
        "Enterprise",
        "Industry",
        [
            {"src": "e1", "dst": "SW2021:270100"},
            {"src": "e2", "dst": "SW2021:270100"},
            {"src": "e3", "dst": "SW2021:270200"},
        ],
    )
    rels("LEADS_IN", "Base", "Industry", [{"src": "b-sz", "dst": "SW2021:270100"}])
    rels(
        "MAKES",
        "Enterprise",
        "Product",
        [
            {"src": "e1", "dst": "LED灯具", "share": 0.6},
            {"src": "e1", "dst": "LED芯片"},
            {"src": "e2", "dst": "LED芯片"},
            {"src": "e3", "dst": "衬底"},
            {"src": "e4", "dst": "外延片"},
        ],
    )
    rels(
        "INPUT_TO",
        "Product",
        "Product",
        [
            {"src": "LED芯片", "dst": "LED灯具"},
            {"src": "外延片", "dst": "LED芯片"},
            {"src": "衬底", "dst": "外延片"},
            {"src": "封装胶", "dst": "LED灯具"},
        ],
    )
    rels("UPSTREAM_OF", "Industry", "Industry", [{"src": "SW2021:270200", "dst": "SW2021:270100", "weight": 3.0}])
    rels("SUPPLIES", "Enterprise", "Enterprise", [{"src": "e2", "dst": "e1", "product": "LED芯片"}])
    rels(
        "MEMBER_OF",
        "Enterprise",
        "Alliance",
        [
            {"src": "e1", "dst": "al-1", "role": "chair", "since": 2018},
            {"src": "e2", "dst": "al-1", "role": "member", "since": 2019},
        ],
    )
    rels("MEMBER_OF", "ResearchOrg", "Alliance", [{"src": "u1", "dst": "al-1", "role": "secretariat"}])
    rels("FOCUSES_ON", "Alliance", "Industry", [{"src": "al-1", "dst": "SW2021:270100"}])
    rels("HOLDS_PATENT", "Enterprise", "Patent", [{"src": "e1", "dst": "CN1A"}, {"src": "e3", "dst": "CN3A"}])
    rels("HOLDS_PATENT", "ResearchOrg", "Patent", [{"src": "u1", "dst": "CN2A"}])
    rels(
        "IN_FIELD",
        "Patent",
        "TechField",
        [{"src": "CN1A", "dst": "H01L"}, {"src": "CN2A", "dst": "H01L"}, {"src": "CN3A", "dst": "C30B"}],
    )
    rels("NEEDS_FIELD", "Product", "TechField", [{"src": "LED芯片", "dst": "H01L"}, {"src": "衬底", "dst": "C30B"}])
    rels("IN_POOL", "Patent", "PatentPool", [{"src": "CN1A", "dst": "pp-1"}])
    rels("LICENSOR_OF", "Enterprise", "PatentPool", [{"src": "e1", "dst": "pp-1", "since": 2019}])
    rels("LICENSEE_OF", "Enterprise", "PatentPool", [{"src": "e2", "dst": "pp-1", "since": 2020}])
    rels(
        "COOPERATES_WITH", "Enterprise", "ResearchOrg", [{"src": "e1", "dst": "u1", "kind": "joint_lab", "since": 2020}]
    )
    rels("SERVES", "Platform", "Base", [{"src": "pf-1", "dst": "b-sz"}, {"src": "pf-1", "dst": "b-sh"}])
