"""Exports of a view's subgraph: GraphML and GEXF (Gephi), nodes/edges as CSV and Excel.

Every format carries the same columns: node ``id`` (``Label:key``), ``label`` (model label),
``key``, ``name`` and the view's attributes (status, stage, role, community, position…);
edges carry ``source``, ``target``, ``type`` and their attributes. In GEXF the node label
is the name (Gephi shows it); because GEXF reserves ``label``, ``key`` and ``type``, the model
label travels as ``node_type``, the key as ``node_key`` and an edge's type as ``rel_type``
(also its GEXF label). Positions and colours also go into GEXF's ``viz`` so Gephi opens the
layout chainkg drew.
"""

from __future__ import annotations

import io
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
from openpyxl import Workbook

from chainkg.errors import InvalidInputError
from chainkg.i18n import N_, _, column

# Display-only attributes: useful in the browser, noise in an analyst's table.
_DISPLAY_ONLY = frozenset({"title", "shape", "border", "size"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportFormat:
    """One export format: the suffix of its file, its media type and its caption (a catalog message)."""

    name: str
    suffix: str
    media_type: str
    label: str

    @property
    def caption(self) -> str:
        """The caption in the current language."""
        return _(self.label)


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("graphml", ".graphml", "application/graphml+xml", "GraphML"),
        ExportFormat("gexf", ".gexf", "application/gexf+xml", "GEXF (Gephi)"),
        ExportFormat("nodes.csv", ".nodes.csv", "text/csv; charset=utf-8", N_("nodes CSV")),
        ExportFormat("edges.csv", ".edges.csv", "text/csv; charset=utf-8", N_("edges CSV")),
        ExportFormat("xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    )
}
"""Export formats by name; ``html`` (the view itself) is handled by the renderer."""


def check_format(fmt: str) -> ExportFormat:
    """The format called ``fmt``; ``InvalidInputError`` naming the choices otherwise."""
    try:
        return FORMATS[fmt]
    except KeyError:
        raise InvalidInputError(
            f"'{fmt}' is not an export format; choose one of: {', '.join(FORMATS)} (or html for the view).",
            field="format",
        ) from None


def _scalar(value: Any, sep: str = "; ") -> Any:
    """A value GraphML/GEXF can hold: lists joined with ``sep``, other objects as text, None dropped."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return sep.join(str(v) for v in value)
    return str(value)


def _attrs(data: Mapping[str, Any], sep: str = "; ") -> dict[str, Any]:
    out = {}
    for k, v in data.items():
        if k in _DISPLAY_ONLY:
            continue
        s = _scalar(v, sep)
        if s is not None:
            out[k] = s
    return out


def export_graph(g: nx.Graph) -> nx.MultiDiGraph:
    """A copy of ``g`` with scalar attributes only and unique edge ids ``e0, e1, …``.

    Edge keys in chainkg graphs are relationship types, which repeat across node pairs;
    Gephi wants unique edge ids, so each edge gets one and keeps its type as ``type``.
    """
    out = nx.MultiDiGraph()
    for n, data in g.nodes(data=True):
        out.add_node(str(n), **_attrs(data))
    edges: Iterable[tuple[Hashable, Hashable, Any, dict[str, Any]]] = (
        g.edges(keys=True, data=True) if g.is_multigraph() else ((u, v, None, d) for u, v, d in g.edges(data=True))
    )
    for i, (u, v, k, data) in enumerate(edges):
        attrs = _attrs(data)
        if "type" not in attrs and isinstance(k, str):
            attrs["type"] = k
        out.add_edge(str(u), str(v), key=f"e{i}", **attrs)
    return out


def to_graphml(g: nx.Graph) -> bytes:
    """GraphML (UTF-8) of ``g``, readable by ``networkx.read_graphml``, Gephi, yEd, Cytoscape."""
    buf = io.BytesIO()
    nx.write_graphml(export_graph(g), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def _rgb(colour: str) -> dict[str, int] | None:
    c = colour.lstrip("#")
    if len(c) != 6:
        return None
    try:
        return {"r": int(c[0:2], 16), "g": int(c[2:4], 16), "b": int(c[4:6], 16)}
    except ValueError:
        return None


def to_gexf(g: nx.Graph) -> bytes:
    """GEXF 1.2 (UTF-8) of ``g`` for Gephi: name as node label, layout and colour in ``viz``."""
    h = export_graph(g)
    for _u, _v, data in h.edges(data=True):
        if "type" in data:
            data["rel_type"] = data.pop("type")
            data["label"] = data["rel_type"]
    for n, data in h.nodes(data=True):
        if "label" in data:
            data["node_type"] = data.pop("label")
        if "key" in data:
            data["node_key"] = data.pop("key")
        data["label"] = str(data.get("name", n))
        viz: dict[str, Any] = {}
        if isinstance(data.get("x"), int | float) and isinstance(data.get("y"), int | float):
            # Gephi's y axis points up, the browser's down: flip so the picture matches.
            viz["position"] = {"x": float(data["x"]), "y": -float(data["y"]), "z": 0.0}
        rgb = _rgb(str(data.get("color", "")))
        if rgb:
            viz["color"] = {**rgb, "a": 1.0}
        if viz:
            data["viz"] = viz
    buf = io.BytesIO()
    nx.write_gexf(h, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    # Column by column with object dtype: integers stay integers where some rows lack the column.
    return pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object) for c in columns}, columns=columns)


def nodes_frame(g: nx.Graph) -> pd.DataFrame:
    """One row per node: id, label, key, name, then the view's attributes in name order."""
    # spreadsheet cells: lists joined with the Chinese semicolon people write (Gephi files keep "; ")
    rows = [{"id": str(n), **_attrs(d, "；")} for n, d in g.nodes(data=True)]
    lead = ["id", "label", "key", "name"]
    rest = sorted({k for r in rows for k in r} - set(lead))
    return _frame(rows, [*lead, *rest])


def edges_frame(g: nx.Graph) -> pd.DataFrame:
    """One row per edge: source, target, type, then the edge attributes in name order."""
    h = export_graph(g)
    rows = [{"source": u, "target": v, **d} for u, v, d in h.edges(data=True)]
    lead = ["source", "target", "type"]
    rest = sorted({k for r in rows for k in r} - set(lead))
    return _frame(rows, [*lead, *rest])


def _defuse(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula (=, +, -, @) with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def frame_csv(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel shows Chinese correctly on double-click."""
    safe = frame.copy()
    for c in safe.columns:
        # Rebuilt as object columns: a mapped column would be re-inferred (3 -> 3.0 next to blanks).
        safe[c] = pd.Series([_defuse(v) for v in frame[c]], dtype=object, index=frame.index)
    safe.columns = pd.Index([column(str(c)) for c in safe.columns])
    # CRLF as RFC 4180 says; it also quotes a cell holding a bare "\r" (else read as a row end).
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(g: nx.Graph) -> bytes:
    """An Excel workbook with sheets ``nodes`` and ``edges`` (text is never taken as a formula)."""
    wb = Workbook()
    ws_nodes = wb.active
    assert ws_nodes is not None
    ws_nodes.title = "nodes"
    ws_edges = wb.create_sheet("edges")
    for ws, frame in ((ws_nodes, nodes_frame(g)), (ws_edges, edges_frame(g))):
        ws.append([column(str(c)) for c in frame.columns])
        for r, row in enumerate(frame.itertuples(index=False), start=2):
            for c, value in enumerate(row, start=1):
                if value is None or (isinstance(value, float) and pd.isna(value)):
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str) and value.startswith("="):
                    # openpyxl treats a leading '=' as a formula; stored names are data, not code.
                    cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_bytes(g: nx.Graph, fmt: str) -> bytes:
    """``g`` in format ``fmt`` (see :data:`FORMATS`) as bytes.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("Product:硅片", "Product:光伏电池", key="INPUT_TO", type="INPUT_TO")
    >>> export_bytes(g, "edges.csv").decode("utf-8-sig").splitlines()[1]
    'Product:硅片,Product:光伏电池,INPUT_TO'
    """
    check_format(fmt)
    if fmt == "graphml":
        return to_graphml(g)
    if fmt == "gexf":
        return to_gexf(g)
    if fmt == "nodes.csv":
        return frame_csv(nodes_frame(g))
    if fmt == "edges.csv":
        return frame_csv(edges_frame(g))
    return to_xlsx(g)


def write_export(g: nx.Graph, fmt: str, path: Path | str) -> Path:
    """Write ``g`` in format ``fmt`` to ``path`` and return the path."""
    data = export_bytes(g, fmt)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out
