"""``chainkg demo``: the main job on a fresh machine — load the bundled demo data and serve."""

from __future__ import annotations

import typer

from chainkg.cli.common import console, store_session
from chainkg.cli.main import app
from chainkg.i18n import N_


@app.command()
def demo(
    host: str = typer.Option(None, help=N_("Address to listen on (default CHAINKG_HOST, 127.0.0.1)")),
    port: int = typer.Option(None, help=N_("Port to listen on (default CHAINKG_PORT, 8000)"), min=1, max=65535),
    no_serve: bool = typer.Option(False, "--no-serve", help=N_("Load the demo data, then stop")),
) -> None:
    """Load the bundled demo data into the configured store (LadybugDB by default) and serve it.

    Loading is idempotent: running it again changes nothing. The pages, views and the API
    (docs at /docs) are then served until Ctrl-C.

    Example: chainkg demo --port 8000
    """
    if no_serve:
        from chainkg.cli.cmd_ingest import _quality_pass
        from chainkg.ingest.demo import load_demo

        with store_session() as store:
            console.print(f"Demo data: {load_demo(store).summary_line()}")
            _quality_pass(store, quiet=False)
        return
    from chainkg.cli.cmd_serve import serve

    serve(host=host, port=port, load_demo=True)
