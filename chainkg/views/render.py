"""Turn a view (a networkx graph with display attributes) into one self-contained HTML page.

pyvis assembles the vis-network node and edge records and the options; chainkg's own
template (``templates/view.html``) renders them, because pyvis's template links CDNs. The
page either inlines vis-network from the installed pyvis (``assets="inline"``, a file that
works anywhere offline) or links it under a URL prefix the API serves (``assets="/static/vendor"``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from pyvis.network import Network

from chainkg import i18n
from chainkg.views.assets import VIS_VERSION, asset_text
from chainkg.views.layout import Band, spring_positions
from chainkg.views.style import LABEL_STYLE, LegendItem, rel_line

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
    autoescape=jinja2.select_autoescape(["html"]),
    keep_trailing_newline=True,
    extensions=["jinja2.ext.i18n"],
)
# The page's fixed texts in the current language ({{ _("Find") }}); see chainkg.i18n
_ENV.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True, pgettext=i18n.pgettext
)
_ENV.globals["lang"] = i18n.get_locale

LABEL_CHARS = 14
"""Node captions longer than this are shortened with an ellipsis (the tooltip has the full name)."""
BIG_VIEW = 600
"""From this many nodes on, edges hide while dragging and labels shrink, to keep panning smooth."""


@dataclass
class View:
    """A graph ready to draw, with what a reader needs to understand it.

    Node attributes read: ``name`` (caption), ``label`` (model label), ``key``, ``title``
    (tooltip text), ``color``, ``shape``, ``size``, ``x``/``y`` (precomputed position),
    ``border`` (border colour). Edge attributes: ``type``, ``title``, ``color``, ``width``,
    ``dashes``, ``undirected`` (no arrow head). Missing positions get a seeded spring layout.
    """

    kind: str
    key: str
    title: str
    graph: nx.MultiDiGraph
    legend: list[LegendItem] = field(default_factory=list)
    total_nodes: int | None = None
    total_edges: int | None = None
    bands: list[Band] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    full: nx.MultiDiGraph | None = None
    """The uncut answer where a view draws only part of it; exports carry this one."""

    @property
    def export_graph(self) -> nx.MultiDiGraph:
        """What exports write: the whole answer when the view holds it, else what is drawn."""
        return self.full if self.full is not None else self.graph

    @property
    def shown_nodes(self) -> int:
        """Nodes drawn."""
        return int(self.graph.number_of_nodes())

    @property
    def shown_edges(self) -> int:
        """Edges drawn."""
        return int(self.graph.number_of_edges())

    @property
    def cut(self) -> bool:
        """True when the view shows fewer nodes or edges than the question produced."""
        return (self.total_nodes or 0) > self.shown_nodes or (self.total_edges or 0) > self.shown_edges

    def count_text(self) -> str:
        """``"显示 120 / 340 个节点 …"`` (``"showing 120 of 340 nodes …"``): what was drawn out of what exists."""
        n, m = self.shown_nodes, self.total_nodes if self.total_nodes is not None else self.shown_nodes
        e, f = self.shown_edges, self.total_edges if self.total_edges is not None else self.shown_edges
        if self.cut:
            rest = (
                i18n._("the export files carry all of them")
                if self.full is not None
                else i18n._("narrow the view or raise its limit to see the rest")
            )
            return i18n._("showing {n} of {m} nodes, {e} of {f} links; {rest}").format(n=n, m=m, e=e, f=f, rest=rest)
        return i18n._("{n} nodes, {e} links").format(n=n, e=e)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _safe_json(obj: Any) -> str:
    """JSON that can sit inside a <script> element: no '<', '>', '&' or line separators raw."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for raw, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, esc)
    return text


def _options(n_nodes: int) -> dict[str, Any]:
    big = n_nodes >= BIG_VIEW
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#9aa5b1", "highlight": "#333333", "inherit": False},
            "font": {"size": 10, "align": "middle"},
        },
        "nodes": {"font": {"size": 12 if big else 14}, "borderWidth": 1},
        "interaction": {
            "hover": not big,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": False,
        },
    }


def to_pyvis(view: View) -> Network:
    """The view as a pyvis ``Network`` (nodes and edges with positions, colours and tooltips)."""
    g = view.graph
    missing = [n for n in g.nodes if "x" not in g.nodes[n] or "y" not in g.nodes[n]]
    pos = spring_positions(g) if missing else {}
    net = Network(directed=True, cdn_resources="remote")
    for nid, a in g.nodes(data=True):
        label = str(a.get("label", ""))
        colour, shape = LABEL_STYLE.get(label, ("#97c2fc", "dot"))
        name = str(a.get("name") or a.get("key") or nid)
        x, y = (a["x"], a["y"]) if "x" in a and "y" in a else pos[nid]
        opts: dict[str, Any] = {
            "title": str(a.get("title") or name),
            "x": float(x),
            "y": float(y),
            "physics": False,
            "size": float(a.get("size", 14)),
            "full": name,
            "nlabel": label,
            "nkey": str(a.get("key", "")),
        }
        fill = str(a.get("color", colour))
        opts["color"] = {"background": fill, "border": str(a.get("border", "#333333")), "highlight": fill}
        if a.get("border"):
            opts["borderWidth"] = 3
        net.add_node(str(nid), label=_short(name), shape=str(a.get("shape", shape)), **opts)
    for u, v, a in g.edges(data=True):
        t = str(a.get("type", ""))
        eopts: dict[str, Any] = {"title": str(a.get("title") or rel_line(t))}
        if a.get("color"):
            eopts["color"] = str(a["color"])
        if a.get("width"):
            eopts["width"] = float(a["width"])
        if a.get("dashes"):
            eopts["dashes"] = True
        if a.get("undirected"):
            eopts["arrows"] = {"to": {"enabled": False}}
        net.add_edge(str(u), str(v), **eopts)
    net.options = _options(g.number_of_nodes())  # a plain dict is accepted by get_network_data
    return net


def render_html(
    view: View,
    *,
    assets: str = "inline",
    exports: Sequence[tuple[str, str]] = (),
    ego_base: str | None = None,
) -> str:
    """The view as one HTML page that loads nothing from the internet.

    Parameters
    ----------
    view
        What to draw.
    assets
        ``"inline"`` embeds vis-network (about 700 kB) so the file works on its own; any other
        value is a URL prefix under which ``vis-network.min.js`` and ``vis-network.css`` are served.
    exports
        ``(text, url)`` links shown in the header (the API passes its export URLs).
    ego_base
        Address of the ego view (``/views/ego``); double-clicking a node opens
        ``<ego_base>?label=<label>&key=<key>``. None switches this off (standalone files).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("Product:硅片", label="Product", key="硅片", name="硅片", x=0, y=0)
    >>> html = render_html(View("ego", "硅片", "硅片 的关系网络", g))
    >>> "硅片" in html and "cdn" not in html
    True
    """
    net = to_pyvis(view)
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    data = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "bands": [b.__dict__ for b in view.bands],
    }
    inline = assets == "inline"
    template = _ENV.get_template("view.html")
    return template.render(
        title=view.title,
        kind=view.kind,
        count_text=view.count_text(),
        cut=view.cut,
        legend=view.legend,
        notes=view.notes,
        exports=list(exports),
        inline=inline,
        asset_base=assets.rstrip("/"),
        # The bundled files hold no closing tags today; escaping keeps a future release safe too.
        vis_css=asset_text("vis-network.css").replace("</style", "<\\/style") if inline else "",
        vis_js=asset_text("vis-network.min.js").replace("</script", "<\\/script") if inline else "",
        vis_version=VIS_VERSION,
        data_json=_safe_json(data),
        ego_base=ego_base,
        ego_base_json=_safe_json(ego_base),
    )


def write_html(view: View, path: Path | str) -> Path:
    """Write the standalone (inlined) page to ``path`` as UTF-8 and return the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(view, assets="inline"), encoding="utf-8")
    return out
