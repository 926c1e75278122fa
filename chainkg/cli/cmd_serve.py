"""``chainkg serve``: run the HTTP API (and the pages) with uvicorn on the configured store."""

from __future__ import annotations

import json
import os

import typer

from chainkg.cli.common import console, friendly_errors, quiet_driver_logs, settings
from chainkg.cli.main import app
from chainkg.errors import InvalidInputError, StoreUnavailableError
from chainkg.i18n import N_
from chainkg.settings import Settings

STORES = ("ladybug", "neo4j")


def serve(
    host: str | None = None,
    port: int | None = None,
    store: str | None = None,
    *,
    load_demo: bool = False,
    access_log: bool = True,
    cache_ttl_s: float = 60.0,
    cfg: Settings | None = None,
    workers: int = 1,
) -> None:
    """Open the store once, optionally load the demo data, and serve the API until Ctrl-C.

    ``host``/``port``/``store`` override the settings (CHAINKG_HOST, CHAINKG_PORT,
    CHAINKG_STORE). ``cache_ttl_s``: how long a read answer is reused (0: never); uploads
    through the API empty the cache. The embedded store is held by this process while it serves, so other
    ``chainkg`` commands on the same data folder wait until it stops.

    ``workers`` > 1: that many processes serve (uvicorn's workers on one port). On the embedded
    store each opens it read-only and reopens it when the data stamp changes; an upload opens
    the one writer for its duration, and ``chainkg ingest`` can load while they serve. Before
    they start, this process makes the schema, loads the demo if asked and writes the link
    graphs to disk, so every worker loads them in milliseconds. The workers read their settings
    from the environment (``cfg`` is not passed to them; ``store`` is).

    Examples
    --------
    >>> serve(host="127.0.0.1", port=8000, load_demo=True)  # doctest: +SKIP
    """
    import uvicorn

    from chainkg.api.main import create_app
    from chainkg.graph.store import open_store

    quiet_driver_logs()
    s = cfg or settings()
    if store is not None:
        if store not in STORES:
            raise InvalidInputError(f"--store must be one of {', '.join(STORES)}; got {store!r}", field="store")
        s = s.model_copy(update={"store": store})
    host = host or s.host
    port = port or s.port
    graph = open_store(s)
    try:
        try:
            graph.ensure_schema()
        except StoreUnavailableError as exc:
            if load_demo:
                raise
            console.print(f"[yellow]Warning:[/] {exc} Serving anyway: /ready answers 503 until the store is back.")
        if load_demo:
            from chainkg.cli.cmd_ingest import _quality_pass
            from chainkg.ingest.demo import load_demo as _load_demo

            report = _load_demo(graph)
            line = report.summary_line() if hasattr(report, "summary_line") else "loaded."
            console.print(f"Demo data: {line}")
            _quality_pass(graph, quiet=False)
        where = str(s.ladybug_path) if s.store == "ladybug" else s.neo4j_uri
        console.print(f"Serving the {s.store} store at {where} on [bold]http://{host}:{port}[/] (docs at /docs)")
        if workers > 1:
            graph.close()  # the workers open it themselves (read-only on the embedded store)
            _prepare_workers(s)
            console.print(f"{workers} worker processes serve (reads in each; uploads through one writer at a time).")
            from chainkg.api.main import WORKER_ENV

            os.environ["CHAINKG_STORE"] = s.store
            os.environ[WORKER_ENV] = json.dumps({"cache_ttl_s": cache_ttl_s, "read_only": s.store == "ladybug"})
            uvicorn.run(
                "chainkg.api.main:worker_app",
                factory=True,
                host=host,
                port=port,
                access_log=access_log,
                log_level="info",
                workers=workers,
            )
            return
        api = create_app(s, store=graph, cache_ttl_s=cache_ttl_s)
        uvicorn.run(api, host=host, port=port, access_log=access_log, log_level="info", workers=1)
    finally:
        graph.close()


def _prepare_workers(s: Settings) -> None:
    """Keep the link graphs and product facts on disk for the current data, so N workers load
    them instead of each fetching them (best effort: a worker fetches what it does not find).

    Done in a short-lived child process: what it fetches (hundreds of MB at peak) is then given
    back when it exits, instead of staying in this supervising process while the workers serve.
    """
    import multiprocessing

    child = multiprocessing.get_context("spawn").Process(target=_warm_on_disk, args=(s,), name="chainkg-prepare")
    child.start()
    child.join()
    if child.exitcode != 0:
        console.print("[yellow]Warning:[/] the link graphs were not kept on disk; each worker fetches them.")


def _warm_on_disk(s: Settings) -> None:
    from chainkg.graph.store import open_store
    from chainkg.queries.chainengine import ChainEngine

    quiet_driver_logs()
    graph = open_store(s)
    try:
        ChainEngine.from_settings(graph, s).warm()
    finally:
        graph.close()


@app.command("serve")
@friendly_errors
def serve_command(
    host: str = typer.Option(None, help=N_("Address to listen on (default CHAINKG_HOST, 127.0.0.1)")),
    port: int = typer.Option(None, help=N_("Port to listen on (default CHAINKG_PORT, 8000)"), min=1, max=65535),
    store: str = typer.Option(None, "--store", help=N_("Graph store: ladybug (embedded, default) or neo4j")),
    load_demo: bool = typer.Option(False, "--load-demo", help=N_("Load the bundled demo data before serving")),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help=N_("Log every request")),
    cache_ttl: float = typer.Option(60.0, "--cache-ttl", min=0, help=N_("Seconds a read answer is reused (0: never)")),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        envvar="CHAINKG_WORKERS",
        help=N_("Processes serving requests (default CHAINKG_WORKERS, 1); more serve more reads at once"),
    ),
) -> None:
    """Serve the HTTP API (JSON and CSV, OpenAPI docs at /docs) on the configured store.

    Writes (uploads) need CHAINKG_API_KEY; reads are open unless CHAINKG_READ_KEY is set.

    Example: chainkg serve --port 8000 --load-demo
    """
    serve(
        host=host,
        port=port,
        store=store,
        load_demo=load_demo,
        access_log=access_log,
        cache_ttl_s=cache_ttl,
        workers=workers,
    )
