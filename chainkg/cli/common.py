"""What every CLI command shares: settings, the store, output as a table or JSON, errors."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from functools import lru_cache, wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import typer

from chainkg.cli.plain import print_table, say
from chainkg.errors import ChainkgError, InvalidInputError, NotFoundError, StoreUnavailableError
from chainkg.i18n import N_, _, column, placed, value
from chainkg.ingest.textsafe import shown
from chainkg.settings import Settings

if TYPE_CHECKING:  # the store modules load the drivers: imported when a command opens the store
    from rich.console import Console

    from chainkg.graph.store import GraphStore


def __getattr__(name: str) -> Console:
    """``console`` and ``err_console``: rich consoles, made when a command first prints with rich.

    Tables (:func:`emit`) and plain lines (:func:`chainkg.cli.plain.say`) need no rich, whose
    import costs about 0.05 s of every command's start.
    """
    if name not in ("console", "err_console"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return rich_console(stderr=name == "err_console")


def rich_console(*, stderr: bool = False) -> Console:
    """The rich console of stdout (or stderr), made on first use (a test may have set its own)."""
    name = "err_console" if stderr else "console"
    made = globals().get(name)
    if made is None:
        from rich.console import Console

        made = globals()[name] = Console(stderr=stderr)
    return made


P = ParamSpec("P")
T = TypeVar("T")

EXIT_CODES: dict[type[ChainkgError], int] = {
    NotFoundError: 3,
    InvalidInputError: 4,
    StoreUnavailableError: 5,
}


ERROR_LABELS: dict[type[ChainkgError], str] = {
    NotFoundError: N_("Not found:"),
    InvalidInputError: N_("Please check the input:"),
    StoreUnavailableError: N_("Store unavailable:"),
}
"""The lead word of an error on the terminal (the message itself is written where the error arises)."""

JSON_OPT = typer.Option(False, "--json", help=N_("Print the full result as JSON instead of tables"))
"""The ``--json`` switch of the commands that print tables."""
BASE_ARG = typer.Argument(..., help=N_("Key of the base"))
REMOVE_ARG = typer.Argument(..., help=N_("Enterprises of the base to remove (key, short or full name)"))
"""The enterprises a what-if takes out of the base."""


def settings() -> Settings:
    """The settings, read once per process."""
    global _SETTINGS
    if _SETTINGS is None:
        _SETTINGS = Settings()
    return _SETTINGS


_SETTINGS: Settings | None = None


@contextmanager
def store_session(*, ensure_schema: bool = True, read_only: bool = False) -> Iterator[GraphStore]:
    """Open the configured store for one command and close it afterwards.

    ``read_only``: a command that only reads opens an existing embedded store read-only (about
    0.2 s sooner than for writing, and it runs beside a `chainkg serve` holding the store); a
    store that does not exist yet or lacks the schema is opened for writing as before.
    """
    quiet_driver_logs()
    from chainkg.graph.store import open_store
    from chainkg.queries.chainengine import ChainEngine, attach

    store = _open_read_only() if read_only else None
    if store is not None:
        ensure_schema = False  # checked by _open_read_only
    else:
        store = open_store(settings())
    engine = attach(ChainEngine.from_settings(store, settings()))
    if engine.disk is None:
        # A command answers one question and exits: fetching whole link graphs (0.2 s on the
        # public data) would cost more than walking one chain in the store (0.1 s). `serve` holds them.
        engine.set_limit(0)
    # Beside the embedded store they are kept on disk per data version: a command that wrote
    # (a load) writes them for the new data before it exits, every later one loads them in
    # milliseconds.
    try:
        if ensure_schema:
            store.ensure_schema()
        before = store.data_version()
        yield store
        if engine.disk is not None and store.data_version() != before:
            engine.warm()
    finally:
        store.close()


def ask(question: Callable[Concatenate[GraphStore, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``question(store, *args, **kwargs)`` on the configured store, opened for it and closed after."""
    with store_session() as store:
        return question(store, *args, **kwargs)


def ask_read(question: Callable[Concatenate[GraphStore, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
    """:func:`ask` for a question that only reads: an existing embedded store is opened read-only
    (sooner, and beside a running ``chainkg serve``)."""
    with store_session(read_only=True) as store:
        return question(store, *args, **kwargs)


def _open_read_only() -> GraphStore | None:
    """The embedded store opened read-only with its schema checked, or ``None`` (open it for writing)."""
    from chainkg.errors import SchemaError
    from chainkg.graph.store import open_store

    cfg = settings()
    if cfg.store != "ladybug" or not cfg.ladybug_path.exists():
        return None
    try:
        store = open_store(cfg, read_only=True)
    except StoreUnavailableError:
        return None
    try:
        store.ensure_schema()  # read-only: checks that every table is there, creates nothing
    except SchemaError:
        store.close()
        return None
    return store


def quiet_driver_logs() -> None:
    """Keep the Neo4j driver's retry warnings off the terminal: the command's own error says it plainly."""
    import logging

    logging.getLogger("neo4j").setLevel(logging.ERROR)


def friendly_errors(func: Callable[P, T]) -> Callable[P, T]:
    """Turn chainkg errors into a plain message on stderr and a distinct exit code."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return func(*args, **kwargs)
        except ChainkgError as exc:
            code = next((c for t, c in EXIT_CODES.items() if isinstance(exc, t)), 1)
            # escape: messages quote file names and values, which may hold [brackets] rich reads as markup
            from rich.markup import escape

            label = escape(_(ERROR_LABELS.get(type(exc), N_("Error:"))))
            # shown: a message may quote a file name holding ANSI escapes or undecodable bytes
            rich_console(stderr=True).print(
                f"[bold red]{label}[/] {escape(shown(error_text(exc), keep_breaks=True))}", highlight=False
            )
            raise typer.Exit(code) from None

    return wrapper


def error_text(exc: ChainkgError) -> str:
    """The message of ``exc``, with where bad input was (file, line, field) said in the current language."""
    if not isinstance(exc, InvalidInputError):
        return str(exc)
    return placed(exc.reason, file=exc.file, line=exc.line, field=exc.field)


def _plain(obj: Any) -> Any:
    if hasattr(obj, "model_dump") and not isinstance(obj, type):  # a pydantic model (pydantic imported when used)
        return obj.model_dump(mode="json")
    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    return obj


def emit(records: Sequence[Any] | Any, *, as_json: bool, title: str = "", columns: Sequence[str] = ()) -> None:
    """Print records as JSON (``--json``) or as a table of ``columns`` (all by default).

    In a table, headers are shown in the current language (:func:`chainkg.i18n.column`) and so
    are coded values (``gap``, ``product``, yes/no; :func:`chainkg.i18n.value`); JSON stays as is.
    The title and the cells are plain text (never markup); a long cell wraps instead of being cut off.
    """
    data = [_plain(r) for r in records] if isinstance(records, list | tuple) else _plain(records)
    if as_json:
        say(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    rows = data if isinstance(data, list) else [data]
    if not rows:
        say(_("{title}: nothing found.").format(title=title) if title else _("Nothing found."))
        return
    cols = list(columns) or list(rows[0].keys())
    print_table([column(c) for c in cols], [[_cell(r.get(c)) for c in cols] for r in rows], title=title)


def emit_json(result: Any, as_json: bool) -> bool:
    """Print ``result`` as JSON when ``--json`` was given, and say whether it was (the command is then done)."""
    if as_json:
        emit(result, as_json=True)
    return as_json


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list) and all(not isinstance(x, list | dict) for x in v):
        return narrow("；".join(str(value(x)) for x in v)[:200])
    if isinstance(v, list | dict):
        return narrow(json.dumps(v, ensure_ascii=False, default=str)[:200])
    return narrow(str(value(v)))


def narrow(text: str) -> str:
    """``text`` with ambiguous-width compatibility letters spelled plainly (Ⅲ -> III, № -> No).

    Terminals draw characters such as Ⅲ two columns wide in a Chinese locale while rich counts
    one, which shifts every border after them; their plain spellings have one width everywhere.

    >>> narrow("Ⅲ-Ⅴ族化合物")
    'III-V族化合物'
    """
    if text.isascii():
        return text
    return "".join(_narrow_char(c) for c in text)


@lru_cache(maxsize=4096)
def _narrow_char(c: str) -> str:
    if unicodedata.east_asian_width(c) == "A" and unicodedata.decomposition(c).startswith("<compat>"):
        return unicodedata.normalize("NFKC", c)
    return c
