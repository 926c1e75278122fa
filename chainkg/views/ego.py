"""The ego-network view of any node: its relationships in rings by hop distance."""

from __future__ import annotations

from chainkg.graph.nxgraph import node_id
from chainkg.graph.store.base import GraphStore
from chainkg.i18n import _, ngettext
from chainkg.queries.ego import check_label, ego_network
from chainkg.views.layout import ring_layout
from chainkg.views.render import View
from chainkg.views.style import key_line, label_legend, type_line
from chainkg.views.tooltips import add_tooltips


def ego_view(store: GraphStore, label: str, key: str, *, depth: int = 1, limit: int = 500) -> View:
    """The neighbourhood of one node, up to ``depth`` hops and ``limit`` links, as a view.

    Parameters
    ----------
    store
        The graph store.
    label, key
        The centre node (label from the model, e.g. ``"Enterprise"``).
    depth
        1 or 2 hops.
    limit
        Most links drawn; the header says "showing N of M" when there are more.

    Examples
    --------
    >>> v = ego_view(store, "Base", "sz-led")                    # doctest: +SKIP
    >>> v.graph.nodes["Base:sz-led"]["size"]                     # doctest: +SKIP
    30.0
    """
    label = check_label(label)
    g, total_edges = ego_network(store, label, key, depth=depth, limit=limit)
    centre = node_id(label, key)
    add_tooltips(
        store,
        g,
        {centre: [ngettext("Centre of this view ({n} hop)", "Centre of this view ({n} hops)", depth).format(n=depth)]},
    )
    for n, (x, y) in ring_layout(g, centre).items():
        g.nodes[n]["x"], g.nodes[n]["y"] = x, y
    g.nodes[centre]["size"] = 30.0
    g.nodes[centre]["border"] = "#000000"
    name = g.nodes[centre]["name"]
    return View(
        kind="ego",
        key=key,
        title=_("Ego network of {name} ({type})").format(name=name, type=type_line(label)),
        graph=g,
        legend=label_legend([str(a["label"]) for _n, a in g.nodes(data=True)]),
        total_nodes=None,
        total_edges=total_edges,
        notes=[
            key_line(label, key)
            + " · "
            + ngettext("{n} hop", "{n} hops", depth).format(n=depth)
            + _("; double-click a node to move there.")
        ],
    )
