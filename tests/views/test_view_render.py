"""The renderer: self-contained offline HTML, safe embedding of stored text, caps and counts."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest

from chainkg.i18n import use_locale
from chainkg.views.assets import asset_path, asset_text
from chainkg.views.chain import chain_view_from_graph, select_segments, synthetic_chain
from chainkg.views.layout import band_layout, cap_graph, ring_layout
from chainkg.views.render import View, render_html, write_html
from chainkg.views.style import STATUS_STYLE, node_tooltip

URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)


def _view(name: str = "硅片") -> View:
    g = nx.MultiDiGraph()
    g.add_node("Product:a", label="Product", key="a", name=name, x=0.0, y=0.0, title=f"{name}\nkey a")
    g.add_node("Product:b", label="Product", key="b", name="光伏电池", x=100.0, y=0.0)
    g.add_edge("Product:a", "Product:b", key="INPUT_TO", type="INPUT_TO")
    return View("ego", "a", f"{name} 的关系网络", g)


def _data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="chainkg-data">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def test_inline_page_loads_nothing_from_elsewhere() -> None:
    html = render_html(_view())
    assert URL.findall(html) == []  # no src= or href= at all: script and style are inline
    assert asset_text("vis-network.min.js")[:200] in html
    assert not any(s in html.lower() for s in ("cdnjs", "jsdelivr", "unpkg", "bootstrap"))
    assert '<meta charset="utf-8">' in html


def test_served_page_links_only_the_given_prefix() -> None:
    html = render_html(_view(), assets="/static/vendor")
    assert sorted(URL.findall(html)) == ["/static/vendor/vis-network.css", "/static/vendor/vis-network.min.js"]
    assert "vis.Network" in html and len(html) < 50_000


def test_chinese_is_written_as_utf8(tmp_path) -> None:
    path = write_html(_view("蓝宝石衬底"), tmp_path / "v.html")
    raw = path.read_bytes()
    assert "蓝宝石衬底".encode() in raw
    assert raw.decode("utf-8")


def test_stored_text_cannot_break_out_of_the_page() -> None:
    evil = "</script><script>alert(1)</script>&<b>"
    html = render_html(_view(evil))
    assert "<script>alert(1)" not in html  # neither in the data nor in title/header
    data = _data(html)
    names = {n["full"] for n in data["nodes"]}
    assert evil in names  # the value survives intact once parsed


def test_assets_come_from_the_installed_pyvis() -> None:
    assert asset_path("vis-network.min.js").parent.name == "vis-9.1.2"
    assert "pyvis" in str(asset_path("vis-network.css"))


def test_physics_is_off_and_positions_are_given() -> None:
    data = _data(render_html(_view()))
    assert data["options"]["physics"]["enabled"] is False
    assert all("x" in n and "y" in n for n in data["nodes"])


def test_missing_positions_get_a_layout() -> None:
    g = nx.MultiDiGraph([("A:1", "A:2"), ("A:2", "A:3")])
    data = _data(render_html(View("ego", "1", "t", g)))
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == 3


def test_cut_view_says_how_much_is_shown() -> None:
    big = synthetic_chain(300, seed=3)
    v = chain_view_from_graph(big, key="s", base_name="合成", max_nodes=120)
    assert v.shown_nodes == 120 and v.total_nodes == 300 and v.cut
    html = render_html(v)
    assert "显示 120 / 300 个节点" in html and "showing" not in html  # one language: Chinese by default
    with use_locale("en"):
        assert "showing 120 of 300 nodes" in render_html(v) and "个节点" not in v.count_text()
    full = chain_view_from_graph(big, key="s", base_name="合成")
    assert not full.cut and "显示" not in full.count_text()


def test_cap_keeps_the_worst_gaps_and_what_they_feed() -> None:
    g = synthetic_chain(300, seed=5)
    v = chain_view_from_graph(g, key="s", base_name="合成", max_nodes=60)
    kept = set(v.graph.nodes)
    gaps = sorted((n for n, a in g.nodes(data=True) if a["status"] == "gap"), key=lambda n: (-g.nodes[n]["score"], n))
    assert set(gaps[:30]) <= kept  # half the cap: the highest-scored gaps
    first = gaps[0]
    assert set(g.successors(first)) <= kept  # drawn with the segments that need it
    assert v.shown_edges > 30  # a connected picture, not scattered dots
    # The whole chain stays in the view for exports.
    assert v.full is not None and v.export_graph.number_of_nodes() == 300
    assert "导出文件含全部" in v.count_text()
    with use_locale("en"):
        assert "the export files carry all of them" in v.count_text()


def test_cap_select_segments_below_the_cap_keeps_everything() -> None:
    g = synthetic_chain(40, seed=2)
    assert sorted(select_segments(g, 40)) == sorted(g.nodes)
    assert chain_view_from_graph(g, key="s", base_name="合成").full is None


def test_chain_colours_and_stage_bands() -> None:
    g = synthetic_chain(60, seed=1)
    v = chain_view_from_graph(g, key="s", base_name="合成")
    for _n, a in v.graph.nodes(data=True):
        assert a["color"] == STATUS_STYLE[a["status"]][0]
    xs = {
        s: [a["x"] for _n, a in v.graph.nodes(data=True) if a["stage"] == s]
        for s in ("upstream", "midstream", "downstream")
    }
    assert max(xs["upstream"]) < min(xs["midstream"]) and max(xs["midstream"]) < min(xs["downstream"])
    assert [b.title.split(" ")[0] for b in v.bands] == ["上游", "中游", "下游"]


def test_band_layout_puts_every_node_in_its_band() -> None:
    g = nx.path_graph(30, create_using=nx.DiGraph)
    pos, bands = band_layout(g, lambda n: n % 3, ["a", "b", "c"])
    for n, (x, _y) in pos.items():
        b = bands[n % 3]
        assert b.x0 <= x <= b.x1
    assert [b.count for b in bands] == [10, 10, 10]


def test_ring_layout_by_hops() -> None:
    g = nx.star_graph(5)
    g.add_edge(1, 99)
    pos = ring_layout(g, 0)
    r = {n: (x * x + y * y) ** 0.5 for n, (x, y) in pos.items()}
    assert r[0] == 0 and all(r[n] > 0 for n in range(1, 6)) and r[99] > max(r[n] for n in range(1, 6))


def test_cap_graph_priority() -> None:
    h, total = cap_graph(nx.path_graph(10), 3, lambda n: -n)
    assert sorted(h.nodes) == [7, 8, 9] and total == 10


@pytest.mark.parametrize("value", [True, 0.12345, ["H01L 33/00", "H01L 23/00"]])
def test_tooltip_formats_values(value: object) -> None:
    text = node_tooltip("Patent", "CN1", {"title": "一种芯片", "ipc_codes": value, "source": "p.csv", "source_row": 2})
    assert text.splitlines()[0] == "一种芯片" and "来源：p.csv，第 2 行" in text
