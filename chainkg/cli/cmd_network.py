"""Commands for the whole innovation network: network-brokers and network-communities.

Both run their algorithm on the analytics engine of ``--analytics`` (default: the
``CHAINKG_ANALYTICS`` setting): networkx in this process, or GDS inside Neo4j. They print a
table (English and Chinese headings) or, with ``--json``, the typed records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import typer

from chainkg.cli.common import console, emit, emit_json, settings, store_session
from chainkg.cli.main import app
from chainkg.errors import InvalidInputError
from chainkg.graph.analytics.backend import AnalyticsBackend, BackendKind, open_backend
from chainkg.graph.store import GraphStore
from chainkg.i18n import N_, _
from chainkg.queries.network import NetworkBroker, NetworkCommunity, network_brokers, network_communities
from chainkg.views.style import type_line

R = TypeVar("R")

JSON_OPT = typer.Option(False, "--json", help=N_("Print the records as JSON instead of a table"))
PROVINCE_OPT = typer.Option(None, "--province", "-p", help=N_("Only organizations of this province, e.g. 广东省"))
ANALYTICS_OPT = typer.Option(
    None,
    "--analytics",
    "-a",
    help=N_("Where the algorithm runs: networkx, gds (inside Neo4j) or auto; default: CHAINKG_ANALYTICS"),
)
KINDS: dict[str, BackendKind] = {"networkx": "networkx", "gds": "gds", "auto": "auto"}


def engine_kind(chosen: str | None) -> BackendKind:
    """The ``--analytics`` choice, or the setting when none was given.

    Examples
    --------
    >>> engine_kind("gds")
    'gds'
    """
    if chosen is None:
        return settings().analytics
    if chosen in KINDS:
        return KINDS[chosen]
    raise InvalidInputError(f"--analytics must be one of {', '.join(KINDS)}; got {chosen!r}.", field="analytics")


def _ask(analytics: str | None, question: Callable[[GraphStore, AnalyticsBackend], list[R]]) -> tuple[list[R], str]:
    """The answer of ``question`` on the engine ``--analytics`` chooses, and that engine's name."""
    kind = engine_kind(analytics)
    with store_session() as store:
        backend = open_backend(store, kind)
        return question(store, backend), backend.name


def _show(found: list[R], row: Callable[[R], dict[str, Any]], title: str, engine: str, as_json: bool) -> None:
    """The records as JSON, or as a table (one ``row`` each) followed by the engine that computed them."""
    if emit_json(found, as_json):
        return
    emit([row(x) for x in found], as_json=False, title=title)
    console.print(_("Computed by {engine}.").format(engine=engine), style="dim", highlight=False)


def _title(what: str, province: str | None) -> str:
    where = province or _("all provinces")  # a table's title is plain text: [brackets] print as they are
    return f"{what} — {where}"


@app.command("network-brokers")
def brokers_cmd(
    province: str | None = PROVINCE_OPT,
    limit: int = typer.Option(20, "--limit", "-n", help=N_("Most brokers to show")),
    analytics: str | None = ANALYTICS_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """List the brokers of the innovation network: highest betweenness first.

    The network joins enterprises and universities / institutes by supply and industry–academia ties,
    and through the alliances and patent pools they belong to. A broker lies on many
    shortest paths between others (betweenness, 0–1).

    Example: chainkg network-brokers --province 广东省 --limit 10 --analytics auto
    """
    found, engine = _ask(analytics, lambda s, be: network_brokers(s, be, province=province, limit=limit))
    _show(found, _broker_row, _title(_("Brokers of the network"), province), engine, as_json)


def _broker_row(b: NetworkBroker) -> dict[str, Any]:
    return {
        "#": b.rank,
        "node": f"{b.name} ({b.key})",
        "type": type_line(b.label),
        "province": b.province or "",
        "betweenness": b.betweenness,
    }


@app.command("network-communities")
def communities_cmd(
    province: str | None = PROVINCE_OPT,
    limit: int = typer.Option(20, "--limit", "-n", help=N_("Most communities to show")),
    analytics: str | None = ANALYTICS_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """List the communities of the innovation network (Louvain), largest first.

    Each community shows its size, how many enterprises, research organizations, alliances
    and patent pools it holds, and a few of its members.

    Example: chainkg network-communities --province 北京市 --analytics networkx --json
    """
    found, engine = _ask(analytics, lambda s, be: network_communities(s, be, province=province, limit=limit))
    _show(found, _community_row, _title(_("Communities of the network"), province), engine, as_json)


def _community_row(c: NetworkCommunity) -> dict[str, Any]:
    return {
        "community": c.index,
        "size": c.size,
        "enterprises": c.enterprises,
        "research": c.research_orgs,
        "alliances": c.alliances,
        "pools": c.patent_pools,
        "members": ", ".join(c.names) + (" …" if c.size > len(c.names) else ""),
    }
