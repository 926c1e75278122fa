"""The root ``chainkg`` command and the store-level commands (status, schema, model-doc)."""

from __future__ import annotations

from pathlib import Path

import typer

from chainkg.cli.common import console, emit, friendly_errors, settings, store_session
from chainkg.graph.model import MODEL
from chainkg.graph.modeldoc import render_model_doc

app = typer.Typer(
    help="chainkg: a knowledge graph of industry chains and innovation alliances (科技兴贸创新基地).",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
)


@app.callback()
def root(ctx: typer.Context) -> None:
    """Run a command; with none, show what the configured store holds."""
    if ctx.invoked_subcommand is None:
        status(as_json=False)


@app.command()
@friendly_errors
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table")) -> None:
    """Create the store's schema if needed and print what it holds.

    Example: chainkg status --json
    """
    s = settings()
    with store_session() as store:
        counts = store.counts()
    where = str(s.ladybug_path) if s.store == "ladybug" else s.neo4j_uri
    labels = {n.label: n.zh for n in MODEL.nodes} | {r.type: r.zh for r in MODEL.rels}
    rows = [{"type": k, "中文": labels[k], "count": v} for k, v in counts.items()]
    if not as_json:
        console.print(f"Store: [bold]{s.store}[/] at {where}")
    emit(rows, as_json=as_json, title="What the graph holds")


@app.command("model-doc")
def model_doc(
    out: Path = typer.Option(Path("docs/model.md"), help="Where to write the Markdown"),
) -> None:
    """Write docs/model.md (diagram and tables) from the model in code.

    Example: chainkg model-doc --out docs/model.md
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_model_doc(), encoding="utf-8")
    console.print(f"Wrote {out}")


def register_commands() -> None:
    """Import the command modules so they attach to ``app`` (each adds its own commands)."""
    import importlib
    import pkgutil

    import chainkg.cli as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name.startswith("cmd_"):
            importlib.import_module(f"chainkg.cli.{mod.name}")


register_commands()
