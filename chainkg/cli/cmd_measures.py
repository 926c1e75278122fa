"""Commands for the policy's own measures: the §2 targets and the policy objects of a base."""

from __future__ import annotations

import typer

from chainkg.cli.common import BASE_ARG, JSON_OPT, ask, console, emit, emit_json
from chainkg.cli.main import app
from chainkg.i18n import N_, _
from chainkg.queries.policy import policy_profile
from chainkg.queries.targets import base_targets
from chainkg.views.measures import profile_sections, target_details, target_rows, targets_title


@app.command("targets")
def targets(
    base: str = BASE_ARG,
    year: int | None = typer.Option(None, "--year", "-y", help=N_("Year (年份); the base's latest year with figures")),
    as_json: bool = JSON_OPT,
) -> None:
    """§2 targets: the three targets of the notice for a base — threshold, value, met or not, inputs.

    Example: chainkg targets sz-led --year 2021
    """
    found = ask(base_targets, base, year)
    if emit_json(found, as_json):
        return
    emit(target_rows(found), as_json=False, title=targets_title(found))
    for line in target_details(found):
        console.print(line, highlight=False)


@app.command("policy")
def policy(
    base: str = BASE_ARG,
    year: int | None = typer.Option(None, "--year", "-y", help=N_("As of this year (年份); this year when omitted")),
    as_json: bool = JSON_OPT,
) -> None:
    """Policy objects: standards, international patents, certifications, foreign R&D centres and
    foreign-invested firms, financing of the year and key enterprises with their contacts.

    Example: chainkg policy sz-led --year 2021
    """
    found = ask(policy_profile, base, year)
    if emit_json(found, as_json):
        return
    console.print(
        f"[bold]{found.name}[/] ({found.base}) — " + _("as of {year}").format(year=found.year), highlight=False
    )
    for title, rows in profile_sections(found).items():
        emit(rows, as_json=False, title=title)
    if found.key_without_contact:
        console.print(
            _("Key enterprises without a contact: ") + "、".join(found.key_without_contact),
            highlight=False,
        )
