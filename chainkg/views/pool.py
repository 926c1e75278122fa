"""The patent-pool view: the pool, its tech fields, contributors, licensees and candidate licensors."""

from __future__ import annotations

import math

import networkx as nx

from chainkg.graph.nxgraph import node_id
from chainkg.graph.store.base import GraphStore
from chainkg.i18n import N_, Msg, _, value
from chainkg.views.layout import ring_layout
from chainkg.views.render import View
from chainkg.views.style import label_legend, legend_item
from chainkg.views.tooltips import finish_view

MAX_CANDIDATES = 15
_LICENSEE = "#8e44ad"
_CANDIDATE = "#ffffff"


def pool_view(store: GraphStore, pool_key: str) -> View:
    """A patent pool in rings: the pool; its fields, contributors and licensees; candidate licensors.

    Contributors are sized by their share of the pool's patents; candidate licensors (hold
    patents in the pool's fields, not in the pool) are hollow and linked to those fields.

    Examples
    --------
    >>> v = pool_view(store, "pp-led")                           # doctest: +SKIP
    >>> v.graph.nodes["PatentPool:pp-led"]["label"]              # doctest: +SKIP
    'PatentPool'
    """
    from chainkg.queries.pools import pool_analysis

    pa = pool_analysis(store, pool_key, candidates=MAX_CANDIDATES)
    g = nx.MultiDiGraph()
    centre = node_id("PatentPool", pa.key)
    g.add_node(centre, label="PatentPool", key=pa.key, name=pa.name, size=28.0, border="#000000")
    extra: dict[str, list[str]] = {
        centre: [
            _("Patents: {n}").format(n=pa.patents),
            _("Concentration HHI: {hhi:g} ({band}); top share {top:.0%}").format(
                hhi=pa.hhi, band=value(pa.concentration), top=pa.top_share
            ),
        ]
    }
    for f in pa.fields:
        nid = node_id("TechField", f.field)
        g.add_node(nid, label="TechField", key=f.field, name=f.name or f.field, size=10.0 + 20.0 * f.share)
        g.add_edge(
            centre, nid, key="COVERS_FIELD", type="COVERS_FIELD", weight=float(f.patents), width=1.0 + 4.0 * f.share
        )
        extra[nid] = [_("Patents in the pool: {n} ({share:.0%})").format(n=f.patents, share=f.share)]
    for c in pa.contributors:
        nid = node_id(c.label, c.key)
        g.add_node(
            nid, label=c.label, key=c.key, name=c.name, size=12.0 + 30.0 * math.sqrt(c.share), role="contributor"
        )
        g.add_edge(nid, centre, key="LICENSOR_OF", type="LICENSOR_OF", since=c.since, width=1.0 + 5.0 * c.share)
        extra[nid] = [
            _("Patents contributed: {n:g} ({share:.0%})").format(n=c.patents, share=c.share),
            _("Declared licensor") if c.declared_licensor else _("Holds pool patents, not a declared licensor"),
        ]
    for lic in pa.licensees:
        nid = node_id(lic.label, lic.key)
        if nid not in g:
            g.add_node(nid, label=lic.label, key=lic.key, name=lic.name, color=_LICENSEE, role="licensee")
        g.add_edge(nid, centre, key="LICENSEE_OF", type="LICENSEE_OF", since=lic.since, color=_LICENSEE)
        extra.setdefault(nid, []).append(
            _("Licensee; needs: {needs}; not covered by the pool: {uncovered}").format(
                needs=", ".join(lic.needs) or "—", uncovered=", ".join(lic.uncovered) or "—"
            )
        )
    for cand in pa.candidates:
        nid = node_id(cand.label, cand.key)
        if nid not in g:
            g.add_node(nid, label=cand.label, key=cand.key, name=cand.name, color=_CANDIDATE, role="candidate")
        extra.setdefault(nid, []).extend([_("Candidate licensor #{rank}").format(rank=cand.rank), cand.reason])
        for field in cand.fields:
            fid = node_id("TechField", field)
            if fid in g:
                g.add_edge(nid, fid, key="HOLDS_IN_FIELD", type="HOLDS_IN_FIELD", dashes=True, color="#f0a030")
    legend = [
        *label_legend([str(a["label"]) for _n, a in g.nodes(data=True) if a.get("role") != "candidate"]),
        legend_item(_LICENSEE, Msg.in_context("value", "licensee")),
        legend_item(_CANDIDATE, N_("candidate licensor (dashed: fields it holds patents in)")),
    ]
    notes = [
        _("Patents {n} · HHI {hhi:g} ({band}) · contributor size = share").format(
            n=pa.patents, hhi=pa.hhi, band=value(pa.concentration)
        )
    ]
    if pa.uncovered_needs:
        notes.append(_("Needed by licensees, not in the pool: ") + ", ".join(pa.uncovered_needs[:10]))
    title = _("Patent pool {name}").format(name=pa.name)
    pos = ring_layout(g, centre)
    return finish_view(store, g, extra, pos, kind="pool", key=pool_key, title=title, legend=legend, notes=notes)
