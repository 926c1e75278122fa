"""Exports open in networkx (GraphML, GEXF), pandas (CSV) and openpyxl (Excel) with what was drawn."""

from __future__ import annotations

import io

import networkx as nx
import openpyxl
import pandas as pd
import pytest

from chainkg.errors import InvalidInputError
from chainkg.i18n import use_locale
from chainkg.views.chain import chain_view_from_graph, synthetic_chain
from chainkg.views.export import FORMATS, check_format, edges_frame, export_bytes, nodes_frame, write_export


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    """A drawn chain view's graph: Chinese names, lists, floats, bools, parallel edges."""
    g = synthetic_chain(40, seed=11)
    g.add_edge("Product:产品3", "Product:产品30", key="SUBTYPE_OF", type="SUBTYPE_OF")
    g.add_edge("Product:产品3", "Product:产品30", key="INPUT_TO", type="INPUT_TO")
    g.nodes["Product:产品1"]["name"] = '引号"与\\反斜杠, 逗号'
    return chain_view_from_graph(g, key="s", base_name="合成").graph


def _edge_multiset(g: nx.MultiDiGraph, type_attr: str = "type") -> list[tuple[str, str, str]]:
    return sorted((str(u), str(v), str(d[type_attr])) for u, v, d in g.edges(data=True))


def test_graphml_round_trip(graph: nx.MultiDiGraph) -> None:
    back = nx.read_graphml(io.BytesIO(export_bytes(graph, "graphml")))
    assert set(back.nodes) == set(graph.nodes)
    assert _edge_multiset(back) == _edge_multiset(graph)
    for n, a in graph.nodes(data=True):
        b = back.nodes[n]
        assert (b["label"], b["key"], b["name"], b["status"], b["stage"]) == (
            a["label"],
            a["key"],
            a["name"],
            a["status"],
            a["stage"],
        )
        assert b["x"] == pytest.approx(a["x"]) and b["y"] == pytest.approx(a["y"])
        assert b.get("enterprises", "") == "; ".join(a["enterprises"])
        assert "title" not in b  # tooltips are display-only


def test_gexf_round_trip(graph: nx.MultiDiGraph) -> None:
    back = nx.read_gexf(io.BytesIO(export_bytes(graph, "gexf")))
    assert set(back.nodes) == set(graph.nodes)
    assert _edge_multiset(back, "rel_type") == _edge_multiset(graph)
    for n, a in graph.nodes(data=True):
        b = back.nodes[n]
        assert b["label"] == a["name"] and b["node_type"] == a["label"] and b["node_key"] == a["key"]
        assert b["viz"]["position"]["x"] == pytest.approx(a["x"]) and b["viz"]["position"]["y"] == pytest.approx(
            -a["y"]
        )
        assert b["viz"]["color"]["r"] == int(a["color"][1:3], 16)


def test_csv_headers_are_chinese_by_default(graph: nx.MultiDiGraph) -> None:
    nodes = pd.read_csv(io.BytesIO(export_bytes(graph, "nodes.csv")), encoding="utf-8-sig", keep_default_na=False)
    assert list(nodes.columns[:4]) == ["标识", "类型", "编号", "名称"]
    wb = openpyxl.load_workbook(io.BytesIO(export_bytes(graph, "xlsx")))
    assert [c.value for c in wb["edges"][1][:3]] == ["来源", "终点", "类型"]


def test_csv_round_trip(graph: nx.MultiDiGraph) -> None:
    with use_locale("en"):
        nodes = pd.read_csv(io.BytesIO(export_bytes(graph, "nodes.csv")), encoding="utf-8-sig", keep_default_na=False)
        edges = pd.read_csv(io.BytesIO(export_bytes(graph, "edges.csv")), encoding="utf-8-sig")
    assert list(nodes.columns[:4]) == ["id", "label", "key", "name"]
    assert dict(zip(nodes["id"], nodes["name"], strict=True)) == {n: a["name"] for n, a in graph.nodes(data=True)}
    assert sorted(zip(edges["source"], edges["target"], edges["type"], strict=True)) == _edge_multiset(graph)
    assert export_bytes(graph, "nodes.csv").startswith(b"\xef\xbb\xbf")  # Excel opens Chinese correctly


def test_xlsx_round_trip(graph: nx.MultiDiGraph) -> None:
    with use_locale("en"):
        wb = openpyxl.load_workbook(io.BytesIO(export_bytes(graph, "xlsx")))
    assert wb.sheetnames == ["nodes", "edges"]
    rows = list(wb["nodes"].iter_rows(values_only=True))
    header = rows[0]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_id) == set(graph.nodes)
    assert by_id["Product:产品1"]["name"] == '引号"与\\反斜杠, 逗号'
    erows = list(wb["edges"].iter_rows(values_only=True))
    assert sorted((r[0], r[1], r[2]) for r in erows[1:]) == _edge_multiset(graph)


def test_formulas_are_never_run() -> None:
    g = nx.MultiDiGraph()
    g.add_node("Enterprise:x", label="Enterprise", key="x", name='=HYPERLINK("http://evil","x")')
    g.add_node("Enterprise:y", label="Enterprise", key="y", name="@SUM(1)")
    wb = openpyxl.load_workbook(io.BytesIO(export_bytes(g, "xlsx")))
    cells = {r[0].value: r[3] for r in wb["nodes"].iter_rows(min_row=2)}
    assert cells["Enterprise:x"].data_type == "s" and cells["Enterprise:x"].value.startswith("=HYPERLINK")
    text = export_bytes(g, "nodes.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text


def test_frames_keep_integer_columns_whole() -> None:
    g = nx.MultiDiGraph()
    g.add_node("A:1", label="A", key="1", name="a", rank=3)
    g.add_node("A:2", label="A", key="2", name="b")
    assert "3" in export_bytes(g, "nodes.csv").decode("utf-8-sig").splitlines()[1].split(",")
    assert nodes_frame(g)["rank"].tolist()[0] == 3
    assert edges_frame(g).empty


def test_write_and_formats(tmp_path, graph: nx.MultiDiGraph) -> None:
    for name, fmt in FORMATS.items():
        path = write_export(graph, name, tmp_path / f"g{fmt.suffix}")
        assert path.stat().st_size > 0
    with pytest.raises(InvalidInputError, match="graphml"):
        check_format("pdf")
