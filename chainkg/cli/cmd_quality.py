"""``chainkg quality``: the product flags and synonym groups the quality pass stored."""

from __future__ import annotations

import typer

from chainkg.cli.common import ask, console, emit, emit_json
from chainkg.cli.main import app
from chainkg.graph.analytics.products import flag_name
from chainkg.i18n import N_, _
from chainkg.queries.products import quality_report


@app.command("quality")
def quality_cmd(
    flag: str = typer.Option(
        "", "--flag", "-f", help=N_("Only one flag: segment, sales_service, brand, fragment, unspecified")
    ),
    limit: int = typer.Option(
        30, "--limit", "-n", help=N_("Most flagged products and synonym groups to list (0 for all)")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the full result as JSON instead of tables")),
) -> None:
    """Report product data quality: what is flagged as not a product, and synonym groups.

    The pass runs after every load; edit product-synonyms.csv in the data folder (keep = no to
    split two names, rule = manual to join two) and load again to apply it.

    Example: chainkg quality --flag segment --limit 20
    """
    r = ask(quality_report, limit=limit or None, flag=flag or None)
    if emit_json(r, as_json):
        return
    by = _(", ").join(f"{flag_name(k)} {v:,}" for k, v in r.by_flag.items())
    console.print(
        _(
            "Flagged as not products: {flagged:,} ({by}); {made:,} of them listed by enterprises as made.\n"
            "Synonym groups: {groups:,} of {names:,} names."
        ).format(flagged=r.products_flagged, by=by, made=r.flagged_made, groups=r.groups, names=r.grouped_names)
        + f"\n{r.note}",
        highlight=False,
        markup=False,
    )
    emit(
        [
            {
                "product": f.key,
                "flags": _(", ").join(flag_name(a) for a in f.flags),
                "makers": f.makers,
                "reasons": "; ".join(f.reasons),
            }
            for f in r.flagged
        ],
        as_json=False,
        title=_("Flagged products (most listed first)"),
    )
    emit(
        [{"group": g.name, "members": "、".join(g.members), "makers": g.makers} for g in r.synonym_groups],
        as_json=False,
        title=_("Synonym groups"),
    )
