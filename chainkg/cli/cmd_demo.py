"""``chainkg demo``: the main job on a fresh machine — load the bundled demo data and serve."""

from __future__ import annotations

import typer

from chainkg.cli.common import console, friendly_errors, settings, store_session
from chainkg.cli.main import app


@app.command()
@friendly_errors
def demo(
    host: str = typer.Option(None, help="Address to listen on (default from CHAINKG_HOST, 127.0.0.1)"),
    port: int = typer.Option(None, help="Port to listen on (default from CHAINKG_PORT, 8000)"),
    no_serve: bool = typer.Option(False, "--no-serve", help="Load the demo data, then stop"),
) -> None:
    """Load the bundled demo data into the configured store (LadybugDB by default) and serve it.

    Loading is idempotent: running it again changes nothing. Then the API and the pages
    are served until Ctrl-C.

    Example: chainkg demo --port 8000
    """
    from chainkg.ingest.demo import load_demo

    with store_session() as store:
        report = load_demo(store)
    console.print(report.summary_line() if hasattr(report, "summary_line") else "Demo data loaded.")
    if no_serve:
        return
    from chainkg.cli.cmd_serve import serve

    s = settings()
    serve(host=host or s.host, port=port or s.port)
