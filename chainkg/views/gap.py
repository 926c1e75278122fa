"""The gap view: one missing segment, why it matters to the base, and who could fill it (招商)."""

from __future__ import annotations

import networkx as nx

from chainkg.graph.nxgraph import node_id
from chainkg.graph.store.base import GraphStore
from chainkg.i18n import N_, _, get_locale, value
from chainkg.views.layout import COL_GAP, NODE_GAP, Band
from chainkg.views.render import View
from chainkg.views.style import STATUS_STYLE, label_legend, legend_item
from chainkg.views.tooltips import add_entity, finish_view

_CANDIDATE = "#1f78b4"


def gap_view(store: GraphStore, base_key: str, segment: str, *, depth: int = 3, limit: int = 15) -> View:
    """A gap with its fill candidates: candidates and other bases on the left, the gap in the middle,
    the path to the base's own segments on the right.

    Parameters
    ----------
    store
        The graph store.
    base_key
        The base.
    segment
        Product name or industry key (``SW2021:270100``), or ``Product:<name>`` / ``Industry:<key>``.
    depth
        Chain depth used to find the gap's path.
    limit
        Most candidate enterprises drawn (ranked with their reasons in the tooltips).

    Examples
    --------
    >>> v = gap_view(store, "sz-led", "蓝宝石衬底")               # doctest: +SKIP
    >>> v.kind                                                    # doctest: +SKIP
    'gap'
    """
    from chainkg.queries.chainengine.candidates import fill_candidates
    from chainkg.queries.chainengine.chain import ChainQuestion
    from chainkg.queries.chainengine.gaps import find_gaps

    fc = fill_candidates(store, base_key, segment, limit=limit)
    seg = fc.segment
    gap = next(
        (  # every gap, whoever makes it and whatever its flags: this asks for one segment's status
            x
            for x in find_gaps(
                store, ChainQuestion(base_key, depth, seg.level), limit=None, suppliers="all", include_flagged=True
            )
            if x.key == seg.key
        ),
        None,
    )
    g = nx.MultiDiGraph()
    centre = node_id(seg.label, seg.key)
    status = "gap" if gap is not None else ("weak" if len(fc.in_base) == 1 else "covered")
    g.add_node(
        centre, label=seg.label, key=seg.key, name=seg.name, color=STATUS_STYLE[status][0], size=26.0, border="#000000"
    )
    extra: dict[str, list[str]] = {centre: [_("Status: {status}").format(status=value(status)), fc.note]}
    pos: dict[str, tuple[float, float]] = {centre: (0.0, 0.0)}
    bands: list[Band] = []
    # Right: the path from the gap to what the base makes or leads in, then the base itself.
    x = 0.0
    if gap is not None:
        extra[centre] += [
            _("Gap score {score:.3g}; covered segments needing it: {n}").format(score=gap.score, n=gap.dependents),
            gap.why if get_locale() == "en" else gap.why_zh,
        ]
        prev = centre
        for i, step in enumerate(gap.path[1:], start=1):
            colour = STATUS_STYLE["covered"][0] if i == len(gap.path) - 1 else "#cfd8e3"
            nid = add_entity(g, step.label, step.key, step.name, color=colour)
            rel = gap.path[i - 1].rel or "INPUT_TO"
            g.add_edge(prev, nid, key=rel, type=rel)
            x += COL_GAP * 1.6
            pos[nid] = (x, 0.0)
            prev = nid
        base_id = node_id("Base", fc.base.key)
        g.add_node(base_id, label="Base", key=fc.base.key, name=fc.base.name, size=24.0)
        g.add_edge(prev, base_id, key="IN_BASE", type="IN_BASE", dashes=True)
        x += COL_GAP * 1.6
        pos[base_id] = (x, 0.0)
        bands.append(Band(_("Path to the base"), COL_GAP * 0.8, x + 80, -90, 60, len(gap.path)))
    # Left: candidate enterprises (ranked), then other bases that cover the segment.
    rows = max(len(fc.candidates), 1)
    top = -(rows - 1) * NODE_GAP * 1.2 / 2
    cand_x = -COL_GAP * 2.2
    for i, c in enumerate(fc.candidates):
        size = 12.0 + min(c.score, 10.0)
        nid = add_entity(g, "Enterprise", c.key, c.name, color=_CANDIDATE, size=size, score=c.score, rank=i + 1)
        g.add_edge(nid, centre, key="COULD_FILL", type="COULD_FILL", dashes=True, color="#d64541")
        extra[nid] = [
            _("Candidate #{rank} · score {score:.3g}").format(rank=i + 1, score=c.score),
            *(f"{r.text if get_locale() == 'en' else r.zh} (+{r.points:g})" for r in c.reasons),
        ]
        if c.bases:
            extra[nid].append(_("In bases: {bases}").format(bases="、".join(c.bases)))
        pos[nid] = (cand_x, top + i * NODE_GAP * 1.2)
    if fc.candidates:
        bands.append(
            Band(
                _("Candidates ({n} / {total})").format(n=len(fc.candidates), total=fc.total_candidates),
                cand_x - 80,
                cand_x + 80,
                top - 90,
                top + (rows - 1) * NODE_GAP * 1.2 + 60,
                len(fc.candidates),
            )
        )
    # Below the gap: other bases whose enterprises cover the segment (where to look for them).
    low = max(top + (rows - 1) * NODE_GAP * 1.2, 0.0) + 200.0
    shown_bases = 0
    for b in fc.other_bases:
        nid = node_id("Base", b.key)
        if nid in g:
            continue
        g.add_node(nid, label="Base", key=b.key, name=b.name, size=18.0)
        g.add_edge(nid, centre, key="COVERS", type="COVERS", color="#6a3d9a")
        extra[nid] = [_("Enterprises covering it: {n} ({names})").format(n=b.enterprises, names="、".join(b.examples))]
        pos[nid] = (-COL_GAP * 0.6 + shown_bases * COL_GAP * 1.2, low)
        shown_bases += 1
    if shown_bases:
        bands.append(
            Band(
                _("Other bases covering it ({n})").format(n=shown_bases),
                -COL_GAP * 0.6 - 80,
                -COL_GAP * 0.6 + (shown_bases - 1) * COL_GAP * 1.2 + 80,
                low - 90,
                low + 60,
                shown_bases,
            )
        )
    for i, e in enumerate(fc.in_base):
        nid = node_id("Enterprise", e.key)
        if nid not in g:
            g.add_node(nid, label="Enterprise", key=e.key, name=e.name, color=STATUS_STYLE["covered"][0])
            g.add_edge(nid, centre, key="MAKES" if seg.label == "Product" else "IN_INDUSTRY", type="MAKES")
            pos[nid] = (0.0, -(i + 1) * NODE_GAP * 1.5)
    legend = [
        legend_item(STATUS_STYLE["gap"][0], N_("the gap")),
        legend_item(_CANDIDATE, N_("fill candidate (dashed)")),
        legend_item(STATUS_STYLE["covered"][0], N_("segment the base covers")),
        *label_legend(["Base"]),
    ]
    notes = [fc.note]
    if gap is not None:
        notes.append(f"{gap.why if get_locale() == 'en' else gap.why_zh} · {gap.path_text}")
    else:
        notes.append(_("{name} is not a gap of this base at depth {depth}.").format(name=seg.name, depth=depth))
    return finish_view(
        store,
        g,
        extra,
        pos,
        kind="gap",
        key=base_key,
        title=_("{base} · gap: {segment}").format(base=fc.base.name, segment=seg.name),
        legend=legend,
        total_nodes=g.number_of_nodes() + max(fc.total_candidates - len(fc.candidates), 0),
        bands=bands,
        notes=notes,
    )
