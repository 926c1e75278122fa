"""Store-level commands: ``status`` (what the store holds) and ``model-doc`` (docs/model.md)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from chainkg.cli.common import console, emit, settings, store_session
from chainkg.cli.main import app
from chainkg.graph.model import MODEL
from chainkg.i18n import N_, _
from chainkg.views.style import rel_line, type_line


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help=N_("Print JSON instead of a table"))) -> None:
    """Create the store's schema if needed and print what it holds.

    Example: chainkg status --json
    """
    s = settings()
    with store_session() as store:
        counts = store.counts()
    where = str(s.ladybug_path) if s.store == "ladybug" else s.neo4j_uri
    if as_json:  # the model's names in both languages beside the code, as before
        labels = {n.label: n.zh for n in MODEL.nodes} | {r.type: r.zh for r in MODEL.rels}
        emit([{"type": k, "中文": labels[k], "count": v} for k, v in counts.items()], as_json=True)
        return
    console.print(_("Store: [bold]{store}[/] at {where}").format(store=s.store, where=escape(str(where))))
    rows = [{"type": type_line(k) if k in _NODE_LABELS else rel_line(k), "count": v} for k, v in counts.items()]
    emit(rows, as_json=False, title=_("What the graph holds"))


_NODE_LABELS = {n.label for n in MODEL.nodes}


@app.command("model-doc")
def model_doc(
    out: Path = typer.Option(Path("docs/model.md"), help=N_("Where to write the Markdown")),
) -> None:
    """Write docs/model.md (diagram and tables) from the model in code.

    Example: chainkg model-doc --out docs/model.md
    """
    from chainkg.graph.modeldoc import render_model_doc

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_model_doc(), encoding="utf-8")
    console.print(f"Wrote {out}")
