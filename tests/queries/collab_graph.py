"""A small hand-built graph for the collaboration, alliance, pool, platform and indicator tests.

Every expected answer in those tests is worked out by hand from the facts below; the
comments in the tests show the arithmetic.

Tech fields and who reaches them (holds a patent in / makes a product that needs):
    H01L: e1 e2 e4 e6 u1 u2 u3   (degree 7)
    G06F: e1 e2 e5 e6 u1         (degree 5)
    H01M: e3 u2                  (degree 2)
    C08L: e7 u3                  (degree 2)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from storetools import BACKENDS, fresh_store

from chainkg.graph.store import GraphStore

FIELDS = {"H01L": "半导体器件", "G06F": "电数字数据处理", "H01M": "电池", "C08L": "高分子组合物"}

PRODUCTS: dict[str, list[str]] = {  # product -> fields it needs
    "芯片": ["H01L", "G06F"],
    "晶圆": ["H01L"],
    "硅片": ["H01L"],
    "光刻胶": ["C08L"],
    "电池": ["H01M"],
    "服务器": ["G06F"],
}
INPUTS = [("硅片", "晶圆"), ("晶圆", "芯片"), ("光刻胶", "芯片")]  # (input, into)

INDUSTRIES = {
    "SW:semi": ("半导体", 1),
    "SW:chip": ("集成电路", 2),
    "SW:batt": ("电池", 1),
    "SW:cloud": ("云计算", 1),
    "SW:mat": ("材料", 1),
    "SW:chem": ("化工", 1),
}

BASES: dict[str, dict[str, Any]] = {
    "b1": {"name": "深圳高新区", "level": "national", "approved_year": 2015},
    "b2": {"name": "苏州工业园", "level": "provincial", "approved_year": 2016},
    "b3": {"name": "空基地", "level": "municipal"},
}

# key: (name, base, industry, products, own_ip, own_brand, export_oriented)
ENTERPRISES: dict[str, tuple[str, str | None, str | None, list[str], bool | None, bool | None, bool | None]] = {
    "e1": ("光明电子", "b1", "SW:chip", ["芯片"], True, True, True),
    "e2": ("华芯科技", "b1", "SW:chip", ["芯片", "晶圆"], True, False, False),
    "e3": ("锂能电池", "b2", "SW:batt", ["电池"], False, True, True),
    "e4": ("硅材股份", "b2", "SW:mat", ["硅片"], None, None, None),
    "e5": ("云算科技", "b1", "SW:cloud", ["服务器"], False, None, None),
    "e6": ("芯动科技", None, "SW:semi", ["芯片"], None, None, None),
    "e7": ("化学材料", "b2", "SW:chem", ["光刻胶"], None, None, None),
    "e8": ("空壳公司", None, None, [], None, None, None),  # no field, no base, no industry
}
RESEARCH = {  # key: (name, kind, base)
    "u1": ("清华大学", "university", "b1"),
    "u2": ("中科院物理所", "institute", "b2"),
    "u3": ("材料研究院", "institute", None),
}
PATENTS: dict[str, tuple[list[str], int, list[str]]] = {  # key: (fields, year, holders)
    "P1": (["H01L"], 2019, ["e1"]),
    "P2": (["H01L"], 2021, ["e1"]),
    "P3": (["H01L", "G06F"], 2020, ["e2"]),
    "P4": (["H01M"], 2018, ["e3", "u2"]),
    "P5": (["H01L"], 2020, ["u1"]),
    "P6": (["G06F"], 2021, ["u1"]),
    "P7": (["H01M"], 2019, ["u2"]),
    "P8": (["H01L"], 2017, ["u2"]),
    "P9": (["C08L"], 2022, ["u3"]),
    "P10": (["H01L"], 2022, ["e6", "u3"]),
}
COOPERATION = [("e1", "u1", "joint_lab", 2020), ("e3", "u2", "joint_project", 2019)]
SUPPLIES = [("e2", "e1", "晶圆"), ("e4", "e2", "硅片")]

ALLIANCES = {
    "al1": ("半导体产业联盟", 2018, ["SW:semi"]),
    "al2": ("新能源产业联盟", 2019, ["SW:batt"]),
}
MEMBERS = [  # (org, alliance, role, since)
    ("e1", "al1", "chair", 2018),
    ("e2", "al1", "member", 2020),
    ("u1", "al1", "vice_chair", 2019),
    ("e5", "al1", "member", 2021),
    ("e3", "al2", "chair", 2019),
    ("u2", "al2", "member", 2019),
    ("e1", "al2", "member", 2021),
]
POOL_PATENTS = ["P1", "P2", "P3", "P5", "P10"]
LICENSORS = [("e1", 2019), ("e2", 2020), ("u1", 2020)]
LICENSEES = [("e5", 2021), ("e6", 2022), ("e3", 2023)]
PLATFORMS = {  # key: (name, kind, bases)
    "pf1": ("深圳研发平台", "rnd", ["b1"]),
    "pf2": ("检测中心", "testing", ["b1", "b2"]),
    "pf3": ("孵化器", "incubator", ["b2"]),
    "pf4": ("信息平台", "information", ["b1"]),
}


def _label(org: str) -> str:
    return "ResearchOrg" if org.startswith("u") else "Enterprise"


def _by_label(rows: list[dict[str, Any]], org_field: str = "src") -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"Enterprise": [], "ResearchOrg": []}
    for r in rows:
        out[_label(r[org_field])].append(r)
    return out


def build(store: GraphStore) -> None:
    """Write the whole graph into ``store`` (which must be empty, with the schema)."""
    prov = {"source": "collab_graph.py", "source_row": 1, "loaded_at": "2026-01-01T00:00:00+00:00"}
    store.merge_nodes("TechField", [{"key": k, "name": v, **prov} for k, v in FIELDS.items()])
    store.merge_nodes("Product", [{"key": p, "name": p} for p in PRODUCTS])
    store.merge_rels(
        "NEEDS_FIELD", "Product", "TechField", [{"src": p, "dst": f} for p, fs in PRODUCTS.items() for f in fs]
    )
    store.merge_rels("INPUT_TO", "Product", "Product", [{"src": a, "dst": b} for a, b in INPUTS])
    store.merge_nodes(
        "Industry",
        [
            {"key": k, "name": n, "code": k.split(":")[1], "scheme": "SW2021", "level": lvl}
            for k, (n, lvl) in INDUSTRIES.items()
        ],
    )
    store.merge_rels("SUB_INDUSTRY_OF", "Industry", "Industry", [{"src": "SW:chip", "dst": "SW:semi"}])
    store.merge_nodes("Base", [{"key": k, **v} for k, v in BASES.items()])
    store.merge_rels("LEADS_IN", "Base", "Industry", [{"src": "b1", "dst": "SW:chip"}, {"src": "b2", "dst": "SW:batt"}])
    store.merge_nodes(
        "Enterprise",
        [
            {"key": k, "name": n, "own_ip": ip, "own_brand": brand, "export_oriented": exp}
            for k, (n, _, _, _, ip, brand, exp) in ENTERPRISES.items()
        ],
    )
    store.merge_nodes("ResearchOrg", [{"key": k, "name": n, "kind": kind} for k, (n, kind, _) in RESEARCH.items()])
    located = [{"src": k, "dst": v[1]} for k, v in ENTERPRISES.items() if v[1]]
    located += [{"src": k, "dst": v[2]} for k, v in RESEARCH.items() if v[2]]
    for label, rows in _by_label(located).items():
        store.merge_rels("LOCATED_IN", label, "Base", rows)
    store.merge_rels(
        "IN_INDUSTRY", "Enterprise", "Industry", [{"src": k, "dst": v[2]} for k, v in ENTERPRISES.items() if v[2]]
    )
    store.merge_rels(
        "MAKES", "Enterprise", "Product", [{"src": k, "dst": p} for k, v in ENTERPRISES.items() for p in v[3]]
    )
    store.merge_nodes("Patent", [{"key": k, "title": f"专利{k}", "year": y} for k, (_, y, _) in PATENTS.items()])
    store.merge_rels(
        "IN_FIELD", "Patent", "TechField", [{"src": k, "dst": f} for k, (fs, _, _) in PATENTS.items() for f in fs]
    )
    holds = [{"src": h, "dst": k} for k, (_, _, hs) in PATENTS.items() for h in hs]
    for label, rows in _by_label(holds).items():
        store.merge_rels("HOLDS_PATENT", label, "Patent", rows)
    store.merge_rels(
        "COOPERATES_WITH",
        "Enterprise",
        "ResearchOrg",
        [{"src": e, "dst": u, "kind": kind, "since": y} for e, u, kind, y in COOPERATION],
    )
    store.merge_rels(
        "SUPPLIES", "Enterprise", "Enterprise", [{"src": a, "dst": b, "product": p} for a, b, p in SUPPLIES]
    )
    store.merge_nodes("Alliance", [{"key": k, "name": n, "founded_year": y} for k, (n, y, _) in ALLIANCES.items()])
    store.merge_rels(
        "FOCUSES_ON",
        "Alliance",
        "Industry",
        [{"src": k, "dst": i} for k, (_, _, inds) in ALLIANCES.items() for i in inds],
    )
    members = [{"src": o, "dst": a, "role": role, "since": y} for o, a, role, y in MEMBERS]
    for label, rows in _by_label(members).items():
        store.merge_rels("MEMBER_OF", label, "Alliance", rows)
    store.merge_nodes("PatentPool", [{"key": "pp1", "name": "半导体专利池", "founded_year": 2019}])
    store.merge_rels("IN_POOL", "Patent", "PatentPool", [{"src": p, "dst": "pp1"} for p in POOL_PATENTS])
    for rel, ties in (("LICENSOR_OF", LICENSORS), ("LICENSEE_OF", LICENSEES)):
        for label, rows in _by_label([{"src": o, "dst": "pp1", "since": y} for o, y in ties]).items():
            store.merge_rels(rel, label, "PatentPool", rows)
    store.merge_nodes("Platform", [{"key": k, "name": n, "kind": kind} for k, (n, kind, _) in PLATFORMS.items()])
    store.merge_rels(
        "SERVES", "Platform", "Base", [{"src": k, "dst": b} for k, (_, _, bs) in PLATFORMS.items() for b in bs]
    )


def build_and_check(store: GraphStore) -> None:
    """Build the graph and make sure every relationship row landed (a typo here is a test bug)."""
    build(store)
    counts = store.counts()
    assert counts["HOLDS_PATENT"] == 12
    assert counts["MEMBER_OF"] == len(MEMBERS)
    assert counts["LOCATED_IN"] == 8


def open_store(backend: str, folder: Path) -> GraphStore:
    """An empty store with the schema on ``backend`` (Neo4j: the shared test server, cleared)."""
    return fresh_store(backend, folder / f"g-{uuid.uuid4().hex}.lbug")


@pytest.fixture(scope="module", params=BACKENDS)
def graph(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The hand-built graph for one test module and backend; tests must only read it.

    LadybugDB keeps one copy for the whole session (a file only these tests open); Neo4j is
    shared with other tests that clear it, so it is rebuilt per module.
    """
    if request.param == "ladybug":
        path = tmp_path_factory.getbasetemp() / "collab-graph.lbug"
        built = path.with_suffix(".built")  # written only after a complete build
        if path.exists() and not built.exists():
            path.unlink()
        fresh = not built.exists()
        store: GraphStore = fresh_store("ladybug", path)
    else:
        store, fresh = open_store(request.param, tmp_path_factory.mktemp("collab")), True
    try:
        if fresh:
            build_and_check(store)
            if request.param == "ladybug":
                built.touch()
        yield store
    finally:
        store.close()
