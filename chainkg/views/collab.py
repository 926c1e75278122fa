"""The collaboration view: an organization, the tech fields it shares with proposed partners, the partners."""

from __future__ import annotations

import networkx as nx

from chainkg.graph.nxgraph import node_id
from chainkg.graph.store.base import GraphStore
from chainkg.i18n import N_, _, value
from chainkg.views.layout import ring_layout
from chainkg.views.render import View
from chainkg.views.style import label_legend, legend_item
from chainkg.views.tooltips import add_entity, finish_view


def collab_view(store: GraphStore, org_key: str, *, method: str = "resource_allocation", limit: int = 20) -> View:
    """Proposed partners of one organization, linked through the tech fields they share.

    Rings: the organization; the shared fields; the partners, sized by score, each with its
    explanation, evidence and existing looser ties in the tooltip.

    Examples
    --------
    >>> v = collab_view(store, "91440300MA5XXXXX", limit=5)        # doctest: +SKIP
    >>> v.kind                                                      # doctest: +SKIP
    'collab'
    """
    from chainkg.queries.collaboration import collaboration_opportunities
    from chainkg.queries.orgs import find_org

    org = find_org(store, org_key)
    opps = collaboration_opportunities(store, org_key, method=method, limit=limit)
    g = nx.MultiDiGraph()
    centre = org.nid
    g.add_node(centre, label=org.label, key=org.key, name=org.name, size=28.0, border="#000000")
    extra: dict[str, list[str]] = {centre: [_("Method: {method}; proposals: {n}").format(method=method, n=len(opps))]}
    top = max((o.score for o in opps), default=1.0) or 1.0
    for o in opps:
        size = 12.0 + 18.0 * o.score / top
        pid = add_entity(g, o.partner_label, o.partner, o.partner_name, size=size, score=o.score, rank=o.rank)
        extra[pid] = [
            _("#{rank} {kind} · score {score:.3g}").format(rank=o.rank, kind=value(o.kind), score=o.score),
            o.explanation,
            *(_("Existing tie: {tie}").format(tie=t) for t in o.ties),
        ]
        for ev in o.evidence:
            fid = node_id("TechField", ev.field)
            if fid not in g:
                g.add_node(fid, label="TechField", key=ev.field, name=ev.name or ev.field, size=10.0)
                g.add_edge(centre, fid, key="REACHES", type="REACHES", notes=[f"via {', '.join(ev.org_via)}"])
            g.add_edge(
                fid,
                pid,
                key="SHARED_FIELD",
                type="SHARED_FIELD",
                notes=[f"partner via {', '.join(ev.partner_via)}", *(f"patent {p}" for p in ev.sample_patents)],
                color="#2e9d5b" if o.kind == "industry_academia" else "#1f78b4",
            )
    legend = [
        *label_legend([str(a["label"]) for _n, a in g.nodes(data=True)]),
        legend_item("#2e9d5b", N_("industry–academia (green line)")),
        legend_item("#1f78b4", N_("joint R&D (blue line)")),
    ]
    notes = [_("Inner ring = shared tech fields, outer = partners (size = score)")]
    if not opps:
        notes.append(_("No proposals: the organization reaches no tech field, or every match already cooperates."))
    title = _("Collaboration opportunities of {name}").format(name=org.name)
    pos = ring_layout(g, centre)
    return finish_view(store, g, extra, pos, kind="collab", key=org_key, title=title, legend=legend, notes=notes)
