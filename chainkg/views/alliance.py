"""The alliance map: members by role in their tie network, chain segments covered and missing, recruits."""

from __future__ import annotations

import math

import networkx as nx

from chainkg.graph.nxgraph import node_id
from chainkg.graph.store.base import GraphStore
from chainkg.i18n import N_, _, value
from chainkg.views.layout import COL_GAP, MIN_BAND_WIDTH, NODE_GAP, Band, spring_positions
from chainkg.views.render import View
from chainkg.views.style import COMMUNITY_COLOURS, LABEL_STYLE, ROLE_STYLE, STATUS_STYLE, legend_item, role_legend
from chainkg.views.tooltips import add_entity, finish_view

MAX_SEGMENTS = 150
"""Most covered and most missing segments drawn (each); the header says when more exist."""
MAX_RECRUITS = 10


def _grid(nodes: list[str], x0: float, rows: int) -> dict[str, tuple[float, float]]:
    return {n: (x0 + (i // rows) * COL_GAP, (i % rows) * NODE_GAP) for i, n in enumerate(nodes)}


def alliance_view(store: GraphStore, alliance_key: str) -> View:
    """An alliance on one canvas: the member network, the segments of its chain and whom to recruit.

    Members are coloured by role, sized by betweenness (brokers are large) and outlined in
    their community's colour; lines between members are their ties (supply, cooperation,
    co-held patents). To the right, the chain's segments: covered (a member makes it, linked
    to the member) and missing; then the top recruits linked to the gaps they would fill.

    Examples
    --------
    >>> v = alliance_view(store, "al-led")                        # doctest: +SKIP
    >>> sorted({a.get("role") for _n, a in v.graph.nodes(data=True)} - {None})  # doctest: +SKIP
    ['chair', 'member', 'vice_chair']
    """
    from chainkg.queries.alliances import alliance_graph, alliance_map

    amap = alliance_map(store, alliance_key, recruits=MAX_RECRUITS)
    members = alliance_graph(store, alliance_key)
    g = nx.MultiDiGraph()
    centre = node_id("Alliance", amap.key)
    g.add_node(centre, label="Alliance", key=amap.key, name=amap.name, size=28.0, border="#000000")
    extra: dict[str, list[str]] = {centre: [_("Members: {n}").format(n=len(amap.members)), amap.definition]}
    broker_keys = {node_id(b.label, b.key): b.betweenness for b in amap.brokers}
    for nid, a in members.nodes(data=True):
        role = str(a.get("role") or "member")
        community = int(a.get("community", -1))
        g.add_node(
            nid,
            label=a["label"],
            key=a["key"],
            name=a["name"],
            role=role,
            community=community,
            betweenness=float(a.get("betweenness", 0.0)),
            color=ROLE_STYLE.get(role, ROLE_STYLE["member"])[0],
            border=COMMUNITY_COLOURS[community % len(COMMUNITY_COLOURS)] if community >= 0 else "#333333",
            size=12.0 + 40.0 * math.sqrt(float(a.get("betweenness", 0.0))),
        )
        g.add_edge(nid, centre, key="MEMBER_OF", type="MEMBER_OF", role=role, color="#e3e8ee")
        lines = [_("Role: {role}").format(role=value(role)), _("Community: {n}").format(n=community + 1)]
        if nid in broker_keys:
            lines.append(_("Broker (betweenness {b:.3f})").format(b=broker_keys[nid]))
        extra[nid] = lines
    for u, v, d in members.edges(data=True):
        g.add_edge(
            u,
            v,
            key="TIED_WITH",
            type="TIED_WITH",
            undirected=True,
            weight=float(d.get("weight", 1)),
            notes=list(d.get("ties", [])),
            color="#52606d",
            width=1.0 + min(float(d.get("weight", 1)), 5.0),
        )
    # Member positions: a spring layout of the tie network, the alliance in the middle of it.
    pos = spring_positions(nx.Graph(g), scale=max(400.0, 90.0 * math.sqrt(len(members) + 1)))

    covered = [s for s in amap.segments if s.covered]
    missing = sorted((s for s in amap.segments if not s.covered), key=lambda s: (-s.others_making, s.product))
    shown_cov, shown_mis = covered[:MAX_SEGMENTS], missing[:MAX_SEGMENTS]
    by_name = {a["name"]: nid for nid, a in members.nodes(data=True)}
    xs = [p[0] for p in pos.values()] or [0.0]
    x_right = max(xs) + 2 * COL_GAP
    rows = max(8, math.ceil(math.sqrt(max(len(shown_cov), len(shown_mis), 1) * 2)))
    bands: list[Band] = []
    for title, segs, status in (
        (_("Covered segments ({n})").format(n=len(covered)), shown_cov, "covered"),
        (_("Missing segments ({n})").format(n=len(missing)), shown_mis, "gap"),
    ):
        ids = [node_id("Product", s.product) for s in segs]
        cols = max(1, math.ceil(len(ids) / rows))
        inner = max((cols - 1) * COL_GAP, MIN_BAND_WIDTH - 160)  # room for the band's title
        grid = _grid(ids, x_right + (inner - (cols - 1) * COL_GAP) / 2, rows)
        tall = (min(rows, max(len(ids), 1)) - 1) * NODE_GAP
        right = x_right + inner + 80
        bands.append(Band(title, x_right - 80, right, -90, tall + 60, len(ids)))
        for s, nid in zip(segs, ids, strict=True):
            colour = STATUS_STYLE[status][0]
            add_entity(g, "Product", s.product, s.product, status=status, color=colour, shape="dot", size=10.0)
            pos[nid] = grid[nid]
            extra[nid] = [
                _("Status: {status}").format(status=value(status)),
                _("Made by members: {names}").format(names="、".join(s.members_making) or "—"),
                _("Made by non-members: {n}").format(n=s.others_making),
                _("Tech fields: {fields}").format(fields=", ".join(s.fields) or "—"),
            ]
            for m in s.members_making:
                if m in by_name:
                    g.add_edge(by_name[m], nid, key="MAKES", type="MAKES", color="#9fd8b4")
        x_right = right + 300.0
    recruit_ids = []
    for r in amap.recruits:
        nid = node_id(r.label, r.key)
        if nid in g:
            continue
        recruit_ids.append(nid)
        border = LABEL_STYLE.get(r.label, ("#555555", ""))[0]
        add_entity(g, r.label, r.key, r.name, recruit_rank=r.rank, color="#ffffff", border=border, size=14.0)
        extra[nid] = [_("Recruit #{rank}").format(rank=r.rank), *r.reasons]
        for seg in r.fills_gaps:
            sid = node_id("Product", seg)
            if sid in g:
                g.add_edge(nid, sid, key="COULD_FILL", type="COULD_FILL", dashes=True, color="#d64541")
    if recruit_ids:
        bands.append(
            Band(
                _("Recruits ({n})").format(n=len(recruit_ids)),
                x_right - 80,
                x_right - 80 + MIN_BAND_WIDTH,
                -90,
                (len(recruit_ids) - 1) * NODE_GAP * 2 + 60,
                len(recruit_ids),
            )
        )
        for i, nid in enumerate(recruit_ids):
            pos[nid] = (x_right - 80 + MIN_BAND_WIDTH / 2, i * NODE_GAP * 2)
    roles = sorted({str(a.get("role")) for _n, a in g.nodes(data=True) if a.get("role")})
    legend = [
        *role_legend(roles),
        legend_item(STATUS_STYLE["covered"][0], N_("covered segment")),
        legend_item(STATUS_STYLE["gap"][0], N_("missing segment")),
        legend_item("#ffffff", N_("recruit (dashed: gaps it could fill)")),
    ]
    total_segments = len(amap.segments)
    shown_segments = len(shown_cov) + len(shown_mis)
    notes = [
        _("Coverage: {pct}").format(pct="n/a" if amap.coverage is None else f"{amap.coverage:.0%}"),
        _("Size = betweenness (brokers are larger); border colour = community"),
        _("Communities: {n}; brokers: {names}").format(
            n=len(amap.communities), names="、".join(b.name for b in amap.brokers[:5]) or "—"
        ),
    ]
    if amap.overlaps:
        notes.append(_("Overlaps: ") + "、".join(f"{o.name} ({o.shared_count})" for o in amap.overlaps[:5]))
    return finish_view(
        store,
        g,
        extra,
        pos,
        kind="alliance",
        key=alliance_key,
        title=_("Alliance map of {name}").format(name=amap.name),
        legend=legend,
        total_nodes=g.number_of_nodes() + total_segments - shown_segments,
        total_edges=None,
        bands=bands,
        notes=notes,
    )
