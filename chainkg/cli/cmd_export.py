"""``chainkg export``: any view's subgraph as GraphML, GEXF, CSV, Excel or a standalone HTML page."""

from __future__ import annotations

from pathlib import Path

import typer

from chainkg.cli.common import console, emit, store_session
from chainkg.cli.main import app
from chainkg.errors import InvalidInputError
from chainkg.i18n import N_
from chainkg.views.catalog import build_view, check_kind
from chainkg.views.export import FORMATS, write_export
from chainkg.views.render import write_html

CHOICES = ("graphml", "gexf", "csv", "xlsx", "html", "all")


def _stem(view: str, key: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)[:80]
    return f"chainkg-{view}-{safe}"


@app.command("export")
def export(
    view: str = typer.Argument(..., help=N_("Which view: chain, gap, alliance, collab, pool or ego")),
    key: str = typer.Argument(..., help=N_("What it is about: base, alliance, organization, pool or node key")),
    fmt: str = typer.Option(
        "graphml", "--format", "-f", help=f"One of {', '.join(CHOICES)} (csv writes nodes and edges)"
    ),
    out: Path = typer.Option(
        None, "--out", "-o", help=N_("File (or name stem for csv/all); default chainkg-exports/chainkg-VIEW-KEY.*")
    ),
    label: str = typer.Option(None, help=N_("ego view: the node's label, e.g. Enterprise")),
    segment: str = typer.Option(None, help=N_("gap view: product name or industry key")),
    depth: int = typer.Option(None, help=N_("chain/gap: chain depth; ego: hops (1 or 2)")),
    method: str = typer.Option(None, help=N_("collab view: resource_allocation, adamic_adar or jaccard")),
    limit: int = typer.Option(None, help=N_("Most items drawn (links, candidates, partners)")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print what was written as JSON")),
) -> None:
    """Write a view's subgraph to files: GraphML and GEXF open in Gephi, CSV and Excel in a
    spreadsheet, HTML in any browser without an internet connection.

    Examples:

      chainkg export chain sz-led --format gexf

      chainkg export ego sz-led --label Base --format all --out exports/sz-led

      chainkg export gap sz-led --segment SMDLED器件 --format html
    """
    check_kind(view)
    if fmt not in CHOICES:
        raise InvalidInputError(
            f"'{fmt}' is not an export format; choose one of: {', '.join(CHOICES)}.", field="format"
        )
    with store_session() as store:
        v = build_view(store, view, key, label=label, segment=segment, depth=depth, method=method, limit=limit)
        base_name = None
        if view == "chain":
            from chainkg.queries.chainengine.chain import get_base

            base_name = get_base(store, key).name
    # Files go to their own folder, not loose into the current one; the table prints where.
    stem = out if out is not None else Path("chainkg-exports") / _stem(view, key)
    eg = v.export_graph
    if base_name is not None:
        from chainkg.views.chain import link_anchors_to_base

        eg = link_anchors_to_base(eg, key, base_name)
    wanted = ["graphml", "gexf", "csv", "xlsx", "html"] if fmt == "all" else [fmt]
    single = len(wanted) == 1 and fmt != "csv" and out is not None
    written = []
    for f in wanted:
        if f == "html":
            path = write_html(v, stem if single else stem.with_name(stem.name + ".html"))
            written.append(path)
            continue
        for name in ("nodes.csv", "edges.csv") if f == "csv" else (f,):
            path = stem if single else stem.with_name(stem.name + FORMATS[name].suffix)
            written.append(write_export(eg, name, path))
    rows = [
        {
            "file": str(p.resolve()),
            "bytes": p.stat().st_size,
            # The HTML page draws the (possibly capped) view; data files carry the whole answer.
            "nodes": v.shown_nodes if p.suffix == ".html" else eg.number_of_nodes(),
            "links": v.shown_edges if p.suffix == ".html" else eg.number_of_edges(),
        }
        for p in written
    ]
    if v.cut and not as_json:
        console.print(f"[yellow]Note:[/] {v.count_text()}")
    emit(rows, as_json=as_json, title=v.title)
