"""Every view on a small hand-built graph, on both stores, against hand-worked answers."""

from __future__ import annotations

import pytest

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.store import GraphStore
from chainkg.queries.ego import ego_network, node_facts
from chainkg.views.catalog import VIEW_KINDS, build_view
from chainkg.views.render import render_html
from chainkg.views.style import STATUS_STYLE


def _names(view, **attrs) -> set[str]:
    return {a["name"] for _n, a in view.graph.nodes(data=True) if all(a.get(k) == v for k, v in attrs.items())}


def test_ego_network_one_hop(mini: GraphStore) -> None:
    g, total = ego_network(mini, "Base", "b-sz")
    # Worked by hand from minigraph.py: e1, e2, u1 located in it; it leads in 半导体; pf-1 serves it.
    assert sorted(g.nodes) == sorted(
        ["Base:b-sz", "Enterprise:e1", "Enterprise:e2", "ResearchOrg:u1", "Industry:SW2021:270100", "Platform:pf-1"]
    )
    assert total == g.number_of_edges() == 5
    assert {d["type"] for _u, _v, d in g.edges(data=True)} == {"LOCATED_IN", "LEADS_IN", "SERVES"}


def test_ego_network_two_hops_and_cap(mini: GraphStore) -> None:
    g, total = ego_network(mini, "Base", "b-sz", depth=2)
    assert (g.number_of_nodes(), g.number_of_edges(), total) == (14, 22, 22)
    assert g.nodes["Base:b-sh"]["hop"] == 2 and g.nodes["Enterprise:e1"]["hop"] == 1
    makes = [d for u, v, d in g.edges(data=True) if (u, v) == ("Enterprise:e1", "Product:LED灯具")]
    assert makes[0]["share"] == pytest.approx(0.6)
    capped, est = ego_network(mini, "Base", "b-sz", depth=2, limit=10)
    assert capped.number_of_edges() <= 10 and est >= 22


def test_ego_errors(mini: GraphStore) -> None:
    with pytest.raises(NotFoundError, match="zz"):
        ego_network(mini, "Base", "zz")
    with pytest.raises(InvalidInputError, match="Enterprise"):
        ego_network(mini, "Company", "e1")
    with pytest.raises(InvalidInputError, match="depth"):
        ego_network(mini, "Base", "b-sz", depth=3)


def test_node_facts_carry_provenance(mini: GraphStore) -> None:
    facts = node_facts(mini, [("Patent", "CN1A"), ("Enterprise", "e1"), ("Enterprise", "missing")])
    assert set(facts) == {("Patent", "CN1A"), ("Enterprise", "e1")}
    assert facts[("Patent", "CN1A")]["ipc_codes"] == ["H01L 33/00"]
    assert facts[("Enterprise", "e1")]["source"] == "tests/minigraph.py"


def test_chain_view(mini: GraphStore) -> None:
    v = build_view(mini, "chain", "b-sz")
    status = {a["name"]: a["status"] for _n, a in v.graph.nodes(data=True)}
    assert status == {
        "LED芯片": "covered",
        "LED灯具": "weak",
        "外延片": "gap",
        "封装胶": "gap",
        "衬底": "gap",
        "半导体": "covered",
        "元件": "gap",
    }
    for _n, a in v.graph.nodes(data=True):
        assert a["color"] == STATUS_STYLE[a["status"]][0]
    tip = v.graph.nodes["Product:LED灯具"]["title"]
    assert "甲光电" in tip and "状态：薄弱" in tip
    # 外延片 feeds LED芯片 (1 step; LED芯片 has one input: weight 1) and, through it, LED灯具
    # (2 steps; LED灯具 has two inputs, LED芯片 and 封装胶: weight 1/2): 1/1 * 1 + 1/2 * (1 * 1/2).
    assert v.graph.nodes["Product:外延片"]["score"] == pytest.approx(1.25)


def test_gap_view(mini: GraphStore) -> None:
    v = build_view(mini, "gap", "b-sz", segment="衬底")
    assert _names(v, label="Enterprise") == {"丙材料"}
    assert {"上海测试基地", "深圳测试基地"} <= _names(v, label="Base")
    assert {"外延片", "LED芯片"} <= _names(v, label="Product")  # the path to what the base makes
    assert any(d["type"] == "COULD_FILL" for _u, _v, d in v.graph.edges(data=True))


def test_alliance_view(mini: GraphStore) -> None:
    v = build_view(mini, "alliance", "al-1")
    roles = {a["name"]: a["role"] for _n, a in v.graph.nodes(data=True) if a.get("role")}
    assert roles == {"甲光电": "chair", "乙芯片": "member", "测试大学": "secretariat"}
    assert _names(v, status="covered") == {"LED灯具", "LED芯片"}
    assert {"外延片", "封装胶"} <= _names(v, status="gap")
    ties = [(u, w) for u, w, d in v.graph.edges(data=True) if d["type"] == "TIED_WITH"]
    assert ties, "supply and cooperation tie the members"


def test_pool_view(mini: GraphStore) -> None:
    v = build_view(mini, "pool", "pp-1")
    roles = {a["name"]: a.get("role") for _n, a in v.graph.nodes(data=True)}
    assert roles["甲光电"] == "contributor" and roles["乙芯片"] == "licensee" and roles["测试大学"] == "candidate"
    assert "半导体器件" in _names(v, label="TechField")


def test_collab_view(mini: GraphStore) -> None:
    v = build_view(mini, "collab", "e2")
    assert {"测试大学", "甲光电"} <= _names(v) and "半导体器件" in _names(v, label="TechField")
    assert v.graph.nodes["Enterprise:e2"]["size"] == 28.0


@pytest.mark.parametrize("kind", sorted(VIEW_KINDS))
def test_every_view_renders_with_tooltips_and_provenance(mini: GraphStore, kind: str) -> None:
    key = {"chain": "b-sz", "gap": "b-sz", "alliance": "al-1", "collab": "e1", "pool": "pp-1", "ego": "e1"}[kind]
    v = build_view(mini, kind, key, label="Enterprise", segment="外延片")
    assert v.graph.number_of_nodes() >= 2
    assert all(a.get("title") for _n, a in v.graph.nodes(data=True))
    if kind != "chain":  # stored facts come with where they were loaded from
        assert any("来源：tests/minigraph.py" in a["title"] for _n, a in v.graph.nodes(data=True))
    assert "<script>alert(1)</script>" not in render_html(v)


@pytest.mark.parametrize(
    ("kind", "key", "opts", "error"),
    [
        ("chain", "nope", {}, NotFoundError),
        ("alliance", "nope", {}, NotFoundError),
        ("pool", "nope", {}, NotFoundError),
        ("collab", "nope", {}, NotFoundError),
        ("gap", "b-sz", {}, InvalidInputError),
        ("ego", "e1", {}, InvalidInputError),
        ("map", "x", {}, InvalidInputError),
    ],
)
def test_view_errors(mini: GraphStore, kind: str, key: str, opts: dict, error: type) -> None:
    with pytest.raises(error):
        build_view(mini, kind, key, **opts)
