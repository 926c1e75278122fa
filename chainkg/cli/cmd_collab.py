"""Commands for collaboration, alliances, patent pools, platforms and base indicators.

Each command prints tables in the current language (zh by default, ``--lang en``) or, with ``--json``, the full
typed result with all its evidence.
"""

from __future__ import annotations

import typer

from chainkg.cli.common import JSON_OPT, ask, console, emit, emit_json, store_session
from chainkg.cli.main import app
from chainkg.errors import InvalidInputError
from chainkg.i18n import N_, _, ngettext, pgettext, value
from chainkg.queries.alliances import alliance_map
from chainkg.queries.collaboration import PARTNER_KINDS, collaboration_opportunities
from chainkg.queries.indicators import (
    MIN_ENTERPRISES,
    base_indicators,
    indicator_history,
    parse_weights,
    rank_bases,
    unranked_bases,
)
from chainkg.queries.platforms import platform_coverage
from chainkg.queries.pools import pool_analysis
from chainkg.queries.targets import base_targets
from chainkg.views.measures import (
    change_table,
    indicator_table,
    indicator_title,
    missing_lines,
    ranking_rows,
    target_details,
    target_rows,
    targets_title,
    weights_line,
)


def _pct(v: float | None) -> str:
    return "" if v is None else f"{100 * v:.0f}%"


def _names(items: list[str], n: int = 6) -> str:
    return ", ".join(items[:n]) + (f" … (+{len(items) - n})" if len(items) > n else "")


@app.command("collaboration")
def collab(
    org: str = typer.Argument(..., help=N_("Key of the enterprise, university or institute")),
    method: str = typer.Option(
        "resource_allocation", "--method", "-m", help=N_("resource_allocation, adamic_adar or jaccard")
    ),
    limit: int = typer.Option(20, "--limit", "-n", help=N_("Most proposals to show")),
    kind: list[str] = typer.Option(
        [], "--kind", "-k", help=N_("industry_academia (产学研) or joint_rnd (共性技术); repeat for both (default)")
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Propose collaboration partners for an organization (industry–academia and joint R&D), with evidence.

    Partners share tech fields with the organization (patents held, fields its products
    need) and do not cooperate or co-hold a patent with it yet; scored by link prediction.

    Example: chainkg collab 300323.SZ --method jaccard --limit 10
    """
    found = ask(collaboration_opportunities, org, method, limit, kinds=tuple(kind) or PARTNER_KINDS)
    if emit_json(found, as_json):
        return
    if not found:
        console.print(
            _("No partner proposals for {org}: it shares no tech field with anyone it does not work with yet.").format(
                org=org
            )
        )
        return
    first = found[0]
    rows = [
        {
            "#": o.rank,
            "partner": f"{o.partner_name} ({o.partner})",
            "type": o.partner_kind,
            "pairing": o.kind,
            "score": o.score,
            "shared fields": ", ".join(o.shared_fields),
            "partner patents": sum(e.partner_patents for e in o.evidence),
            "ties": "; ".join(o.ties),
        }
        for o in found
    ]
    emit(
        rows,
        as_json=False,
        title=_("Partners for {name} ({key}) — {method}").format(name=first.org_name, key=first.org, method=method),
    )
    for o in found[:5]:
        console.print(f"[bold]{o.rank}.[/] {o.explanation}", highlight=False)


@app.command("alliance")
def alliance(
    alliance_id: str = typer.Argument(..., help=N_("Key of the alliance, e.g. al-led")),
    recruits: int = typer.Option(20, "--recruits", "-r", help=N_("Most recruits to show")),
    shared_fields: bool = typer.Option(False, "--shared-fields", help=N_("Also tie members that share a tech field")),
    all_segments: bool = typer.Option(False, "--all-segments", help=N_("List covered segments too, not only missing")),
    as_json: bool = JSON_OPT,
) -> None:
    """Map an alliance: members and roles, chain segments covered and missing, brokers, communities,
    overlap with other alliances, and recruits with reasons.

    Example: chainkg alliance al-sz-led --recruits 10
    """
    m = ask(alliance_map, alliance_id, recruits=recruits, include_shared_fields=shared_fields)
    if emit_json(m, as_json):
        return
    console.print(
        f"[bold]{m.name}[/] ({m.key}) "
        + _(
            "founded {year}; focus: {focus}; chain enterprises: {firms}; segments covered {covered}/{total} ({pct})"
        ).format(
            year=m.founded_year or "?",
            focus="、".join(i.name for i in m.focus_industries) or pgettext("value", "none"),
            firms=m.chain_enterprises,
            covered=len(m.covered),
            total=len(m.segments),
            pct=_pct(m.coverage),
        ),
        highlight=False,
    )
    console.print(m.definition, style="dim", highlight=False)
    emit(
        [
            {
                "member": f"{x.name} ({x.key})",
                "type": x.kind,
                "role": x.role,
                "since": x.since,
                "makes": _names(x.makes_segments),
                "community": x.community,
                "betweenness": x.betweenness,
                "ties": x.ties,
            }
            for x in m.members
        ],
        as_json=False,
        title=_("Members"),
    )
    shown = m.segments if all_segments else [s for s in m.segments if not s.covered]
    emit(
        [
            {
                "segment": s.product,
                "covered": s.covered,
                "members making": _names(s.members_making),
                "others making": s.others_making,
                "fields": ", ".join(s.fields),
                "in chain": "made" if s.made_in_chain else "upstream",
            }
            for s in sorted(shown, key=lambda s: (s.covered, -s.others_making, s.product))
        ],
        as_json=False,
        title=_("Chain segments") + ("" if all_segments else _(" — missing only (--all-segments for all)")),
    )
    emit(
        [
            {"broker": f"{b.name} ({b.key})", "betweenness": b.betweenness, "links": _names(b.neighbours)}
            for b in m.brokers
        ],
        as_json=False,
        title=_("Brokers"),
    )
    emit(
        [{"community": c.index, "size": c.size, "members": _names(c.names, 10)} for c in m.communities],
        as_json=False,
        title=_("Communities (Louvain)"),
    )
    emit(
        [
            {"alliance": f"{o.name} ({o.alliance})", "shared": _names(o.shared), "jaccard": o.jaccard}
            for o in m.overlaps
        ],
        as_json=False,
        title=_("Overlap with other alliances"),
    )
    emit(
        [
            {
                "#": r.rank,
                "recruit": f"{r.name} ({r.key})",
                "type": r.kind,
                "reasons": "; ".join(r.reasons),
            }
            for r in m.recruits
        ],
        as_json=False,
        title=_("Recruits"),
    )


@app.command("patent-pool")
def pool(
    pool_id: str = typer.Argument(..., help=N_("Key of the patent pool, e.g. pp-5g")),
    candidates: int = typer.Option(20, "--candidates", "-c", help=N_("Most candidate licensors to show")),
    as_json: bool = JSON_OPT,
) -> None:
    """Analyse a patent pool: tech-field coverage, contributors and concentration (HHI), licensees,
    and candidate licensors (hold patents in the pool's fields but are not in it).

    Example: chainkg pool pp-led --json
    """
    a = ask(pool_analysis, pool_id, candidates=candidates)
    if emit_json(a, as_json):
        return
    console.print(
        f"[bold]{a.name}[/] ({a.key}): "
        + _("{patents} patents; HHI {hhi:.0f} ({concentration}); largest contributor share {top}").format(
            patents=a.patents, hhi=a.hhi, concentration=value(a.concentration), top=_pct(a.top_share)
        ),
        highlight=False,
    )
    emit(
        [{"field": f.field, "name": f.name, "patents": f.patents, "share": _pct(f.share)} for f in a.fields],
        as_json=False,
        title=_("Tech-field coverage"),
    )
    emit(
        [
            {
                "contributor": f"{c.name} ({c.key})",
                "type": c.kind,
                "patents": c.patents,
                "share": _pct(c.share),
                "declared licensor": c.declared_licensor,
                "since": c.since,
            }
            for c in a.contributors
        ],
        as_json=False,
        title=_("Contributors"),
    )
    emit(
        [
            {
                "licensee": f"{x.name} ({x.key})",
                "since": x.since,
                "needs": ", ".join(x.needs),
                "not covered": ", ".join(x.uncovered),
            }
            for x in a.licensees
        ],
        as_json=False,
        title=_("Licensees"),
    )
    emit(
        [{"#": c.rank, "candidate": f"{c.name} ({c.key})", "type": c.kind, "reason": c.reason} for c in a.candidates],
        as_json=False,
        title=_("Candidate licensors"),
    )


@app.command("platforms")
def platforms(
    base: str | None = typer.Argument(None, help=N_("Key of the base; every base when omitted")),
    as_json: bool = JSON_OPT,
) -> None:
    """Show the public service platform types each base has and lacks (R&D, information,
    certification, training, incubation, testing), and the platforms shared between bases.

    Example: chainkg platforms sz-hitech
    """
    found = ask(platform_coverage, base)
    if emit_json(found, as_json):
        return
    emit(
        [
            {
                "base": f"{b.name} ({b.base})",
                "present": "；".join(f"{value(p.kind)} {p.name}" for p in b.platforms),
                "missing": [k for k in b.kinds_missing],
                "coverage": _pct(b.coverage),
                "shared": "；".join(
                    p.name + " " + ngettext("({n} base)", "({n} bases)", len(p.bases)).format(n=len(p.bases))
                    for p in b.shared
                ),
            }
            for b in found
        ],
        as_json=False,
        title=_("Public service platforms"),
    )


@app.command("indicators")
def indicators(
    base: str | None = typer.Argument(None, help=N_("Key of the base; every base when omitted")),
    year: int | None = typer.Option(None, "--year", "-y", help=N_("As of the end of this year")),
    history: bool = typer.Option(False, "--history", help=N_("One snapshot per year for BASE, from its approval year")),
    ranking: bool = typer.Option(False, "--rank", help=N_("Rank the bases with enough data by a weighted score")),
    weight: list[str] = typer.Option([], "--weight", "-w", help=N_("Override a ranking weight: name=value (repeat)")),
    only: bool = typer.Option(False, "--only", help=N_("Rank on the given --weight values only")),
    min_enterprises: int = typer.Option(
        MIN_ENTERPRISES, "--min-enterprises", help=N_("Fewest enterprises a base needs to be ranked")
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Base indicators: the §2 targets (with --year and a base), indicators as of a year with the change
    from the year before, their history from the approval year, or a ranking of bases with
    stated, settable weights (bases below the minimum of enterprises are listed, not ranked).

    Examples: chainkg indicators sz-led --year 2021; chainkg indicators sz-led --history;
    chainkg indicators --rank --year 2021 -w own_ip_share=0.3
    """
    weights = parse_weights(weight, field="weight")
    targets = None
    before = None
    with store_session() as store:
        if ranking:
            found = base_indicators(store, year=year)
            ranked = rank_bases(
                store, weights or None, year=year, only=only, indicators=found, min_enterprises=min_enterprises
            )
            left_out = unranked_bases(found, min_enterprises)
        elif history:
            if base is None:
                raise InvalidInputError(
                    _("--history needs a base key, for example: chainkg indicators sz-hitech --history")
                )
            found = indicator_history(store, base)
        else:
            found = base_indicators(store, base, year=year)
            if base is not None and not as_json:
                targets = base_targets(store, base, year)
                if year is not None:
                    before = base_indicators(store, base, year=year - 1)[0]
    if ranking:
        if emit_json(ranked, as_json):
            return
        used = ranked[0].weights if ranked else {}
        console.print(weights_line(used), highlight=False)
        title = _("Base ranking") if year is None else _("Base ranking, {year}").format(year=year)
        emit(ranking_rows(ranked), as_json=False, title=title)
        console.print(
            _("At least {n} enterprises to be ranked; not ranked: {left} bases").format(
                n=min_enterprises, left=len(left_out)
            )
            + (": " + _names([f"{i.name} ({i.enterprises})" for i in left_out], 8) if left_out else ""),
            highlight=False,
        )
        return
    if emit_json(found, as_json):
        return
    if targets is not None:
        emit(
            target_rows(targets),
            as_json=False,
            title=targets_title(targets),
        )
        for line in target_details(targets):
            console.print(line, highlight=False)
    if history:
        heads = [str(i.year) if i.year is not None else _("today") for i in found]
        title = indicator_title(found[0], None, history=True) if found else ""
        emit(indicator_table(found, heads), as_json=False, title=title)
    elif before is not None:
        emit(
            change_table(found[0], before),
            as_json=False,
            title=indicator_title(found[0], year),
        )
    else:
        heads = [f"{i.name} ({i.base})" for i in found]
        title = _("Base indicators") if year is None else _("Base indicators, end of {year}").format(year=year)
        emit(indicator_table(found, heads), as_json=False, title=title)
    for line in missing_lines(found)[:30]:
        console.print(line, style="dim", highlight=False)
    for i in found[:1]:
        console.print(
            _("Chain figures from: {source} (as of the year)").format(source=i.chain_source),
            style="dim",
            highlight=False,
        )
