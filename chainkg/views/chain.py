"""The chain view of a base: segments in stage bands, coloured covered / weak link / gap.

:func:`chain_view_from_graph` draws any chain graph whose nodes carry ``stage``, ``status``
and ``enterprises`` (the gaps module's chain graph, or a synthetic one in benchmarks);
:func:`chain_view` fetches a base's chain from the store and draws it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx

from chainkg.graph.nxgraph import node_id
from chainkg.graph.store.base import GraphStore
from chainkg.i18n import N_, _, get_locale, pgettext, value
from chainkg.views.layout import Band, band_layout
from chainkg.views.render import View
from chainkg.views.style import (
    STAGE_ORDER,
    STATUS_STYLE,
    LegendItem,
    key_line,
    legend_item,
    provenance_line,
    status_legend,
)

if TYPE_CHECKING:  # the chain engine is imported when a chain is drawn, not with the views
    from chainkg.queries.chainengine.chain import ChainQuestion

MAX_CHAIN_NODES = 2000
"""Most segments a chain view draws; beyond it the header says "showing N of M"."""


def _stage_index(stage: Any) -> int:
    return STAGE_ORDER.get(str(stage), len(STAGE_ORDER))


def select_segments(chain: nx.Graph, cap: int) -> list[Hashable]:
    """The segments a capped chain view draws: the worst gaps, what they feed, then the rest.

    Half the cap goes to the gaps with the highest scores; then the segments downstream of
    them, breadth first, up to 80 % of the cap, so each gap is drawn with the part of the
    base's chain that needs it; then the base's own segments by number of links; then the
    remaining gaps by score. Below the cap every segment is drawn.

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b"), ("c", "d")])
    >>> nx.set_node_attributes(g, {"a": "gap", "b": "covered", "c": "gap", "d": "covered"}, "status")
    >>> nx.set_node_attributes(g, {"a": 2.0, "c": 1.0}, "score")
    >>> select_segments(g, 2)
    ['a', 'b']
    """
    if chain.number_of_nodes() <= cap:
        return list(chain.nodes)

    def score(n: Hashable) -> float:
        return float(chain.nodes[n].get("score") or 0.0)

    def name(n: Hashable) -> str:
        return str(chain.nodes[n].get("name", n))

    gaps = sorted(
        (n for n, a in chain.nodes(data=True) if a.get("status") == "gap"), key=lambda n: (-score(n), name(n))
    )
    chosen: dict[Hashable, None] = dict.fromkeys(gaps[: cap // 2])
    queue = deque(chosen)
    while queue and len(chosen) < int(cap * 0.8):
        for s in sorted(chain.successors(queue.popleft()), key=str):
            if s not in chosen and len(chosen) < int(cap * 0.8):
                chosen[s] = None
                queue.append(s)
    rest = sorted(
        (n for n in chain.nodes if n not in chosen),
        key=lambda n: (chain.nodes[n].get("status") == "gap", -chain.degree(n), -score(n), name(n)),
    )
    chosen.update(dict.fromkeys(rest[: cap - len(chosen)]))
    return list(chosen)


def _enterprise_names(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    out = []
    for e in value:
        if isinstance(e, dict):
            out.append(str(e.get("name") or e.get("key")))
        else:
            out.append(str(getattr(e, "name", None) or e))
    return out


def _level_layout(g: nx.MultiDiGraph) -> tuple[dict[Hashable, tuple[float, float]], list[Band]]:
    """Stage bands per chain level; with products and industries, the industry bands sit below."""
    order = {"product": 0, "Product": 0, "industry": 1, "Industry": 1}
    levels = sorted(
        {str(a.get("level") or a.get("label") or "") for _n, a in g.nodes(data=True)},
        key=lambda x: (order.get(x, 2), x),
    )
    pos: dict[Hashable, tuple[float, float]] = {}
    bands: list[Band] = []
    y_off = 0.0
    for level in levels:
        sub = g.subgraph([n for n, a in g.nodes(data=True) if str(a.get("level") or a.get("label") or "") == level])
        prefix = {"product": _("products · "), "industry": _("industries · ")}.get(level, "")
        titles = []
        for i in range(len(STAGE_ORDER)):
            name = next(s for s, j in STAGE_ORDER.items() if j == i)
            count = sum(1 for _n, a in sub.nodes(data=True) if _stage_index(a.get("stage")) == i)
            titles.append(f"{prefix}{value(name)} ({count})")
        if any(_stage_index(a.get("stage")) >= len(STAGE_ORDER) for _n, a in sub.nodes(data=True)):
            titles.append(prefix + pgettext("stage", "other"))
        p, b = band_layout(
            sub,
            lambda n: _stage_index(g.nodes[n].get("stage")),
            titles,
            tie=lambda n: (str(g.nodes[n].get("status")), str(g.nodes[n].get("name", n))),
        )
        pos.update({n: (x, y + y_off) for n, (x, y) in p.items()})
        bands.extend(Band(x.title, x.x0, x.x1, x.y0 + y_off, x.y1 + y_off, x.count) for x in b)
        y_off = max(x.y1 for x in bands) + 260.0
    return pos, bands


def chain_view_from_graph(
    chain: nx.Graph,
    *,
    key: str,
    base_name: str,
    max_nodes: int = MAX_CHAIN_NODES,
    notes: Sequence[str] = (),
) -> View:
    """Draw a chain graph: stage bands left to right, status colours, enterprises in tooltips.

    Parameters
    ----------
    chain
        Nodes with ``label``, ``key``, ``name``, ``stage`` (upstream, midstream, downstream),
        ``status`` (covered, weak, gap), ``enterprises`` (names) and optionally ``level``
        (product or industry: each level gets its own row of bands), ``score`` (a gap's
        weight), ``why`` (the reason it is in the chain) and ``title`` (a ready tooltip).
        Edges point downstream and carry ``type``. The graph is not changed.
    key, base_name
        The base, for the title.
    max_nodes
        Cap (see :func:`select_segments` for what is kept); the cut view keeps the whole
        chain in ``View.full`` for exports.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("Product:硅片", label="Product", key="硅片", name="硅片", stage="upstream", status="gap")
    >>> g.add_node("Product:电池", label="Product", key="电池", name="电池", stage="downstream",
    ...            status="covered", enterprises=["甲公司", "乙公司"])
    >>> _ = g.add_edge("Product:硅片", "Product:电池", key="INPUT_TO", type="INPUT_TO")
    >>> v = chain_view_from_graph(g, key="b", base_name="示范基地")
    >>> v.graph.nodes["Product:硅片"]["color"] == STATUS_STYLE["gap"][0]
    True
    """
    total = chain.number_of_nodes()
    full = nx.MultiDiGraph()
    full.add_nodes_from((n, dict(a)) for n, a in chain.nodes(data=True))
    for u, v, a in chain.edges(data=True):
        full.add_edge(u, v, key=a.get("type"), **a)
    keep = select_segments(chain, max_nodes)
    g = full.subgraph(keep).copy() if len(keep) < total else full
    pos, bands = _level_layout(g)
    counts = dict.fromkeys(STATUS_STYLE, 0)
    for _n, a in full.nodes(data=True):
        counts[str(a.get("status", "covered"))] = counts.get(str(a.get("status", "covered")), 0) + 1
    for n, a in g.nodes(data=True):
        status = str(a.get("status", "covered"))
        names = _enterprise_names(a.get("enterprises"))
        a["x"], a["y"] = pos[n]
        a["color"] = STATUS_STYLE.get(status, ("#999999", "", ""))[0]
        a["shape"] = "square" if a.get("label") == "Industry" else "dot"
        score = float(a.get("score") or 0.0)
        a["size"] = 10.0 + min(len(names), 10) * 1.5 if status != "gap" else 10.0 + min(score, 10.0)
        if not a.get("title"):
            a["title"] = _tooltip(n, a, status, names)
    summary = ", ".join(f"{value(s)} {counts.get(s, 0)}" for s in STATUS_STYLE)
    cut_note = [_("Drawn: the highest-scored gaps, the segments they feed, then the rest")] if g is not full else []
    legend: list[LegendItem] = [*status_legend(), legend_item("#777777", N_("square = industry"), "square")]
    return View(
        kind="chain",
        key=key,
        title=_("Industry chain of {name}").format(name=base_name),
        graph=g,
        legend=legend,
        total_nodes=total,
        total_edges=chain.number_of_edges(),
        bands=bands,
        notes=[_("Segments: {summary}").format(summary=summary), *notes, *cut_note],
        full=full if g is not full else None,
    )


def _tooltip(n: Hashable, a: dict[str, Any], status: str, names: list[str]) -> str:
    lines = [str(a.get("name", n)), key_line(str(a.get("label", "")), a.get("key", n))]
    lines.append(_("Status: {status}").format(status=value(status)))
    lines.append(_("Stage: {stage}").format(stage=value(str(a.get("stage", "")))))
    if a.get("distance") is not None:
        lines.append(_("Steps from the base's own products or industries: {n}").format(n=a["distance"]))
    if a.get("score") is not None:
        lines.append(_("Gap score: {score:.3g}").format(score=float(a["score"])))
    if names:
        more = f" … (+{len(names) - 8})" if len(names) > 8 else ""
        lines.append(_("Base enterprises ({n}): {names}").format(n=len(names), names="、".join(names[:8]) + more))
    if a.get("why"):
        lines.append(str(a["why"]))
    if a.get("source"):
        lines.append(provenance_line(a))
    return "\n".join(lines)


def chain_view(store: GraphStore, base_key: str, *, depth: int = 3, level: str = "both") -> View:
    """A base's chain from the store: products and industries upstream of what the base makes.

    Examples
    --------
    >>> v = chain_view(store, "sz-led")                          # doctest: +SKIP
    >>> {a["status"] for _n, a in v.graph.nodes(data=True)} <= {"covered", "weak", "gap"}  # doctest: +SKIP
    True
    """
    from chainkg.queries.chainengine import ChainQuestion, chain_graph, get_base

    base = get_base(store, base_key)
    ask = ChainQuestion(base_key, depth, level)  # type: ignore[arg-type]  # load_chain checks the level
    g = chain_graph(store, ask)
    _add_gap_scores(store, ask, g)
    note = _("Depth {depth}: {depth} steps upstream of what the base makes and leads in").format(depth=depth)
    return chain_view_from_graph(g, key=base_key, base_name=base.name, notes=[note])


def _add_gap_scores(store: GraphStore, ask: ChainQuestion, g: nx.Graph) -> None:
    """Put each gap's score and reason on its node (bigger gaps draw bigger)."""
    from chainkg.queries.chainengine import find_gaps

    # Scores decide which gaps a capped view draws; more than the cap are never drawn.
    for gap in find_gaps(store, ask, limit=MAX_CHAIN_NODES):
        nid = node_id(gap.label, gap.key)
        if nid in g:
            g.nodes[nid]["score"] = gap.score
            # the reason is written by the query in both languages: the view shows the current one
            g.nodes[nid]["why"] = (gap.why if get_locale() == "en" else getattr(gap, "why_zh", "") or gap.why) or ""


def synthetic_chain(
    n_nodes: int, *, seed: int = 7, gap_share: float = 0.3, weak_share: float = 0.15
) -> nx.MultiDiGraph:
    """A chain-shaped graph of ``n_nodes`` products for benchmarks and tests (not real data).

    Stages are split 40/30/30; each product takes 1–3 inputs from earlier stages, so edges
    run upstream to downstream like a real chain.

    Examples
    --------
    >>> g = synthetic_chain(50)
    >>> g.number_of_nodes(), {a["stage"] for _n, a in g.nodes(data=True)} == {"upstream", "midstream", "downstream"}
    (50, True)
    """
    import random

    rnd = random.Random(seed)
    g = nx.MultiDiGraph()
    order: list[str] = []
    for i in range(n_nodes):
        frac = i / max(n_nodes, 1)
        stage = "upstream" if frac < 0.4 else "midstream" if frac < 0.7 else "downstream"
        r = rnd.random()
        status = "gap" if r < gap_share else "weak" if r < gap_share + weak_share else "covered"
        ents = (
            []
            if status == "gap"
            else [f"企业{rnd.randint(1, 500)}号" for _ in range(1 if status == "weak" else rnd.randint(2, 6))]
        )
        nid = f"Product:产品{i}"
        g.add_node(
            nid,
            label="Product",
            key=f"产品{i}",
            name=f"合成产品{i}",
            stage=stage,
            status=status,
            enterprises=ents,
            score=round(rnd.random() * 5, 2) if status == "gap" else None,
            source="synthetic",
        )
        for _i in range(rnd.randint(1, 3) if order else 0):
            # Inputs come from products made earlier, so edges point upstream -> downstream.
            g.add_edge(order[rnd.randrange(len(order))], nid, key="INPUT_TO", type="INPUT_TO")
        order.append(nid)
    return g


BASE_LINK = "IN_BASE"
"""Type of the export-only link from an anchor segment to its base (基地生产 / 主导)."""


def link_anchors_to_base(g: nx.MultiDiGraph, base_key: str, base_name: str) -> nx.MultiDiGraph:
    """A copy of chain graph ``g`` with the base as a node and a link from each anchor to it.

    The anchors (what the base makes or leads in) often have no input in the data, so a file
    for Gephi would hold them as unconnected dots; tied to their base they form one picture.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("Product:电池", name="电池", anchor=True, stage="downstream")
    >>> g.add_node("Product:硅片", name="硅片", anchor=False, stage="upstream")
    >>> g.add_edge("Product:硅片", "Product:电池", key="INPUT_TO", type="INPUT_TO")
    'INPUT_TO'
    >>> h = link_anchors_to_base(g, "b1", "示范基地")
    >>> sorted(h.edges(keys=True))
    [('Product:电池', 'Base:b1', 'IN_BASE'), ('Product:硅片', 'Product:电池', 'INPUT_TO')]
    """
    h = g.copy()
    node = f"Base:{base_key}"
    h.add_node(node, label="Base", key=base_key, name=base_name, stage="base", status="covered", anchor=False)
    for n, a in g.nodes(data=True):
        if a.get("anchor"):
            h.add_edge(n, node, key=BASE_LINK, type=BASE_LINK, title="基地生产或主导 · made or led in the base")
    return h
