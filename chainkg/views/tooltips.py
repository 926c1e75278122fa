"""Tooltips for a view: each node's stored facts and provenance, fetched in one query per label."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from chainkg.graph.nxgraph import node_id
from chainkg.graph.store.base import GraphStore
from chainkg.i18n import _, column, value
from chainkg.queries.ego import node_facts
from chainkg.views.render import View
from chainkg.views.style import node_tooltip, provenance_line, rel_line

_EDGE_FACTS = ("weight", "share", "role", "since", "kind", "product")


def add_entity(g: nx.MultiDiGraph, label: str, key: str, name: str, **attrs: Any) -> str:
    """Add the node of ``label``:``key`` called ``name`` (drawing ``attrs``) to ``g``; its id."""
    nid = node_id(label, key)
    g.add_node(nid, label=label, key=key, name=name, **attrs)
    return nid


def finish_view(
    store: GraphStore,
    g: nx.MultiDiGraph,
    extra: Mapping[str, Sequence[str]],
    pos: Mapping[Any, tuple[float, float]],
    **fields: Any,
) -> View:
    """The last steps every view builder takes: tooltips (:func:`add_tooltips`), the positions
    ``pos`` set on the nodes drawn, and the :class:`View` of ``g`` with ``fields`` (kind, key, title…)."""
    add_tooltips(store, g, extra)
    for n, (x, y) in pos.items():
        if n in g:
            g.nodes[n]["x"], g.nodes[n]["y"] = x, y
    return View(graph=g, **fields)


def add_tooltips(
    store: GraphStore,
    g: nx.MultiDiGraph,
    extra: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Set ``title`` on every node (facts, provenance, ``extra`` lines) and on every edge.

    Nodes need ``label`` and ``key`` attributes; ``extra`` maps node ids to lines the view
    adds (for example a gap's score or a member's role). Stored names also refresh ``name``.
    """
    extra = extra or {}
    wanted = [(str(a["label"]), str(a["key"])) for _n, a in g.nodes(data=True) if a.get("label") and a.get("key")]
    facts = node_facts(store, wanted) if wanted else {}
    for n, a in g.nodes(data=True):
        props = facts.get((str(a.get("label")), str(a.get("key"))), {})
        if props.get("name"):
            a["name"] = props["name"]
        merged = {"name": a.get("name"), **props}
        a["title"] = node_tooltip(str(a.get("label", "")), str(a.get("key", n)), merged, list(extra.get(str(n), ())))
    for u, v, a in g.edges(data=True):
        lines = [f"{g.nodes[u].get('name', u)} → {g.nodes[v].get('name', v)}", rel_line(str(a.get("type", "")))]
        for f in _EDGE_FACTS:
            val = a.get(f)
            if val is not None and not (f == "weight" and val == 1.0):
                lines.append(_("{field}: {value}").format(field=column(f), value=value(val)))
        lines.extend(str(x) for x in a.get("notes", ()) or ())
        prov = provenance_line(a)
        if prov:
            lines.append(prov)
        a["title"] = "\n".join(lines)
