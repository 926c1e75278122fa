"""Turning query rows into networkx graphs, and naming nodes in them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx


def node_id(label: str, key: str) -> str:
    """The networkx id of a stored node: ``"Label:key"`` (labels never hold a colon)."""
    return f"{label}:{key}"


def split_node_id(nid: str) -> tuple[str, str]:
    """Inverse of :func:`node_id`: ``"Industry:SW2021:270100"`` -> ``("Industry", "SW2021:270100")``."""
    label, _, key = nid.partition(":")
    return label, key


def graph_from_edge_rows(rows: Iterable[Mapping[str, Any]]) -> nx.MultiDiGraph:
    """Build a directed multigraph from edge rows.

    Each row has ``src_label``, ``src``, ``rel``, ``dst_label``, ``dst`` and optionally
    ``src_name``, ``dst_name`` and ``weight``. Nodes carry ``label``, ``key`` and ``name``;
    edges carry ``type`` and ``weight`` (1.0 where absent).

    Examples
    --------
    >>> g = graph_from_edge_rows([{"src_label": "Product", "src": "硅片", "rel": "INPUT_TO",
    ...                            "dst_label": "Product", "dst": "光伏电池"}])
    >>> sorted(g.nodes)
    ['Product:光伏电池', 'Product:硅片']
    """
    g = nx.MultiDiGraph()
    for row in rows:
        a = node_id(row["src_label"], row["src"])
        b = node_id(row["dst_label"], row["dst"])
        for nid, label, key, name in (
            (a, row["src_label"], row["src"], row.get("src_name")),
            (b, row["dst_label"], row["dst"], row.get("dst_name")),
        ):
            if nid not in g:
                g.add_node(nid, label=label, key=key, name=name if name is not None else key)
        weight = row.get("weight")
        g.add_edge(a, b, key=row["rel"], type=row["rel"], weight=1.0 if weight is None else weight)
    return g
