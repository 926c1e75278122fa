"""The root ``chainkg`` command and the registry of its subcommands, imported only when run.

``chainkg --help`` and each command import only what they use: the command modules pull in
the queries, pandas, pyvis, openpyxl and matplotlib, which cost a second before anything
happens. So the root group knows each command by name, module and one-line help (the
``COMMANDS`` list below) and imports the module when that command runs or shows its own help.

Adding a command: write it in a ``chainkg/cli/cmd_*.py`` module with ``@app.command("name")``
(``app`` from this module) and add one line to ``COMMANDS``. tests/unit/test_cli_lazy.py checks
that every command a module defines is listed, and that ``chainkg --help`` stays light.
"""

from __future__ import annotations

import atexit
import difflib
import gc
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

import typer
import typer.core
import typer.main

# Typer >= 0.29 carries its own copy of click; its classes are the ones the group works with.
from typer import _click as click

from chainkg.cli.clicktext import ChainkgCommand, Command, raise_said
from chainkg.i18n import N_, _, get_locale, set_locale

# The language before any option is parsed, so `chainkg --help` (eager, parsed before --lang's
# callback) follows CHAINKG_LANG too; Settings (which also reads .env) decides when a command runs.
set_locale(os.environ.get("CHAINKG_LANG"))


class Entry(NamedTuple):
    """One subcommand: its name, the module under chainkg.cli defining it, the help line in ``--help``."""

    name: str
    module: str
    help: str


# One line per command, in the order `chainkg --help` lists them.
COMMANDS: list[Entry] = [
    Entry("demo", "cmd_demo", N_("Load the bundled demo data and serve it (the first command on a fresh machine).")),
    Entry("status", "cmd_store", N_("Create the store's schema if needed and print what it holds.")),
    Entry("serve", "cmd_serve", N_("Serve the HTTP API and the pages on the configured store.")),
    Entry("ingest", "cmd_ingest", N_("Load CSV, Excel and JSON Lines files into the graph, in dependency order.")),
    Entry("ingest-ckg", "cmd_ingest", N_("Load the public ChainKnowledgeGraph data set (listed companies, products).")),
    Entry("ingest-demo", "cmd_ingest", N_("Load the bundled demo data set without serving.")),
    Entry("chain", "cmd_gaps", N_("Show a base's industry chain (产业链): each segment's stage, coverage and path.")),
    Entry("gaps", "cmd_gaps", N_("List the supporting segments a base lacks (配套缺口) and its weak links.")),
    Entry("what-if", "cmd_gaps", N_("What if enterprises leave a base: segments that become gaps or are cut off.")),
    Entry("candidates", "cmd_gaps", N_("Rank enterprises outside a base that could fill a gap (招商 targets).")),
    Entry("complement", "cmd_gaps", N_("Which other bases cover this base's gaps (基地互补), best first.")),
    Entry("maps", "cmd_maps", N_("List the chain maps (产业链图谱) with their segments, or one map's match report.")),
    Entry(
        "maps-report", "cmd_maps", N_("Write each chain map's match report (products, firms per segment) as Markdown.")
    ),
    Entry("segments", "cmd_maps", N_("A base per segment of a chain map: covered, weak, gap or no known supplier.")),
    Entry("segment-what-if", "cmd_maps", N_("Which chain-map segments a base loses if enterprises leave.")),
    Entry("segment-candidates", "cmd_maps", N_("Firms elsewhere that could fill a base's gap segment (环节招商).")),
    Entry("segment-complement", "cmd_maps", N_("Where two bases fill each other's chain-map segments (环节互补).")),
    Entry("alliance-segments", "cmd_maps", N_("An alliance's coverage of a chain map's segments (联盟环节覆盖).")),
    Entry(
        "collaboration", "cmd_collab", N_("Propose collaboration partners for an organization (产学研), with evidence.")
    ),
    Entry(
        "alliance", "cmd_collab", N_("Map an alliance (产业联盟): members, coverage, brokers, communities, recruits.")
    ),
    Entry(
        "patent-pool",
        "cmd_collab",
        N_("Analyse a patent pool (专利池): coverage, contributors, concentration; licensees."),
    ),
    Entry("platforms", "cmd_collab", N_("Show the public service platform types each base has and lacks.")),
    Entry("indicators", "cmd_collab", N_("Show base indicators, their history, or a ranking with stated weights.")),
    Entry("targets", "cmd_measures", N_("Show a base's three §2 targets of the notice: value, threshold, met or not.")),
    Entry(
        "policy", "cmd_measures", N_("Show a base's policy objects: standards, foreign IP, certifications, financing.")
    ),
    Entry("quality", "cmd_quality", N_("Report products flagged as not products (segments, brands ...) and synonyms.")),
    Entry("report", "cmd_report", N_("Write a base's annual review report (年度考核报告) as Excel, Word or PDF.")),
    Entry("network-brokers", "cmd_network", N_("List the brokers of the innovation network (创新网络枢纽).")),
    Entry("network-communities", "cmd_network", N_("List the communities of the innovation network (创新网络社群).")),
    Entry("export", "cmd_export", N_("Write a view's subgraph for Gephi, a spreadsheet or a browser.")),
    Entry("model-doc", "cmd_store", N_("Write docs/model.md (diagram and tables) from the model in code.")),
]

_BY_NAME = {e.name: e for e in COMMANDS}

COLLECTING = frozenset({"serve", "demo", "ingest", "ingest-ckg", "ingest-demo"})
"""Commands that run long or churn through many rows: they keep the cyclic collector (LazyGroup.main)."""

ALIASES: dict[str, str] = {
    "whatif": "what-if",
    "segment-whatif": "segment-what-if",
    "collab": "collaboration",
    "pool": "patent-pool",
}
"""Old command name -> new one (the API's). The old names still run, with a note, until the
next release; they are not listed in ``chainkg --help`` (see README, "Renamed commands and routes")."""


_SWEEP_SKIPPED: list[bool] = []


def short_command_ran() -> bool:
    """Whether this process resolved a short command (any but :data:`COLLECTING`): see
    :mod:`chainkg.cli.program`, which then ends the process without tearing it down."""
    return bool(_SWEEP_SKIPPED)


def _no_sweep_at_exit() -> None:
    """Spare a short command's process the collector's full pass over every object at exit.

    The objects are frozen (left out of collections) as the process ends; they are freed by
    reference counting or with the process, as before. Registered once per process.
    """
    if not _SWEEP_SKIPPED:
        _SWEEP_SKIPPED.append(True)
        atexit.register(gc.freeze)


class LazyGroup(Command, typer.core.TyperGroup):
    """A root group that imports a command's module only when that command is resolved.

    While the root help is printed, unloaded commands are stand-ins carrying the registry's
    help line, so listing them imports nothing.
    """

    _listing = False
    _collecting = True

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """click's main, without the cyclic collector while a short command runs.

        A command imports a few hundred modules and builds one answer, then ends: the collector's
        passes scan objects that all live to the end, and so does the full pass Python makes at
        exit (together about 0.1 CPU-s of a first `chainkg gaps city:深圳市`; a higher young
        threshold saved nothing measurable). Reference counting still frees what is not in a
        cycle. Servers and loads (COLLECTING) turn the collector back on when resolved.
        """
        self._collecting = gc.isenabled()
        gc.disable()
        try:
            return super().main(*args, **kwargs)
        finally:
            if self._collecting and not gc.isenabled():
                # What the command made would all be young, and the first pass after enable()
                # would scan it (0.05 s): moved to the oldest generation instead, as if it had
                # survived the passes it skipped.
                gc.freeze()
                gc.unfreeze()
                gc.enable()

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The registry's names first, then any command attached to ``app`` outside it."""
        return [e.name for e in COMMANDS] + [n for n in self.commands if n not in _BY_NAME]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The real command, importing its module on first use (a stand-in while listing)."""
        if cmd_name in ALIASES and not self._listing:
            new = ALIASES[cmd_name]
            said = _("Note: the command {old} is renamed {new}; the old name goes in the next release.")
            click.echo(said.format(old=cmd_name, new=new), err=True)
            return self.get_command(ctx, new)
        cmd = self.commands.get(cmd_name)
        if cmd is not None:
            return localize(cmd, _BY_NAME[cmd_name].help if cmd_name in _BY_NAME else None)
        entry = _BY_NAME.get(cmd_name) or _unlisted(cmd_name)
        if entry is None:
            return None
        if self._listing:
            return typer.core.TyperCommand(cmd_name, help=_(entry.help), short_help=_(entry.help))
        cmd = load_command(entry)
        self.commands[cmd_name] = cmd
        return localize(cmd, entry.help)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Resolve as click does; a mistyped name is answered with the nearest commands."""
        if args and args[0] in COLLECTING:
            if self._collecting:
                gc.enable()
        elif args:
            _no_sweep_at_exit()
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.UsageError as e:
            # typer suggests only among loaded commands: here, among all the registry's names.
            if args and "Did you mean" not in e.message:
                near = difflib.get_close_matches(args[0], self.list_commands(ctx))
                if near:
                    e.message = f"{e.message.rstrip('.')}. Did you mean {', '.join(repr(m) for m in near)}?"
            raise

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        """click's, its errors (an unknown option) said in the reader's language (chainkg.cli.clicktext)."""
        if parent is None:  # each run starts from CHAINKG_LANG (as on import), then --lang decides
            set_locale(os.environ.get("CHAINKG_LANG"))
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as e:
            _typer_words()  # --lang's callback may not have run: the error panel speaks the language too
            raise_said(e)

    def invoke(self, ctx: click.Context) -> Any:
        """click's, its errors (no such command, a missing argument) said in the reader's language."""
        try:
            return super().invoke(ctx)
        except click.ClickException as e:
            raise_said(e)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Print the root help from the registry without importing any command module (nor rich)."""
        from chainkg.cli.helptext import root_help

        self._listing = True
        localize(self)
        try:
            titles = TYPER_WORDS["OPTIONS_PANEL_TITLE"], TYPER_WORDS["COMMANDS_PANEL_TITLE"]
            formatter.write(root_help(self, ctx, *titles))
        finally:
            self._listing = False


def localize(cmd: click.Command, line: str | None = None) -> click.Command:
    """``cmd`` with its help texts in the current language (the English ones kept to switch back).

    The language is known by then: ``--lang`` is an eager root option, parsed before any
    command is resolved or its help printed. A whole help text missing from the catalog is
    shown as its first line (``line``, the registry's, when given) translated and the rest as written.
    """
    _typer_words()
    help_opt = cmd.get_help_option(click.Context(cmd))  # cached on the command: its text set once here
    objs: list[Any] = [cmd, *cmd.params, *([help_opt] if help_opt is not None else [])]
    for obj in objs:
        src = obj.__dict__.setdefault("_i18n_help", getattr(obj, "help", None))
        if not src:
            continue
        text = _(src)
        if text == src and get_locale() != "en":
            first, _sep, rest = src.partition("\n\n")
            head = _(line) if line and isinstance(obj, click.Command) else _(first)
            text = head + (_sep + rest if rest else "")
        obj.help = text
        if isinstance(obj, click.Command):
            obj.short_help = _(line) if line else None
    return cmd


TYPER_WORDS: dict[str, str] = {
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
"""typer's own words around a help text (module constants of typer.rich_utils, read when help is printed)."""

HELP_OPTION = N_("Show this message and exit.")  # click's text of --help, translated by localize()


def _typer_words() -> None:
    """Put typer's panel titles and notes in the current language.

    typer imports its rich_utils (rich's markdown and traceback, about 0.06 s) only to print help
    or an error; a command that does neither never loads it, and the words are set when it is loaded.
    """
    ru = sys.modules.get("typer.rich_utils")
    if ru is None:
        if not any(isinstance(f, _TyperWordsOnImport) for f in sys.meta_path):
            sys.meta_path.insert(0, _TyperWordsOnImport())
        return
    for name, msg in TYPER_WORDS.items():
        setattr(ru, name, _(msg))


class _TyperWordsOnImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds typer.rich_utils as the other finders do and puts the words in it once it has run."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)  # once: the real finders find the module
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            self._loader = spec.loader
            spec.loader = self
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        _typer_words()


def _lang_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """Set the language before anything is printed (eager: runs before the command is resolved)."""
    if value is None:
        from chainkg.settings import Settings

        value = Settings().lang
    chosen = set_locale(value)
    _typer_words()  # a usage error is printed before any command's help: its panel speaks the language too
    return chosen


def _unlisted(cmd_name: str) -> Entry | None:
    """A command defined in a cmd_*.py module missing from ``COMMANDS`` (slow path: imports them all).

    So a command whose line was forgotten still runs; tests/unit/test_cli_lazy.py fails until it is listed.
    """
    import pkgutil

    import chainkg.cli as pkg

    listed = {e.module for e in COMMANDS}
    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name.startswith("cmd_") and mod.name not in listed:
            importlib.import_module(f"chainkg.cli.{mod.name}")
            if _registered(cmd_name) is not None:
                return Entry(cmd_name, mod.name, "")
    return None


def _registered(cmd_name: str) -> typer.models.CommandInfo | None:
    """The command ``cmd_name`` among those the loaded modules attached to ``app``."""
    for info in app.registered_commands:
        name = info.name or typer.main.get_command_name(info.callback.__name__ if info.callback else "")
        if name == cmd_name:
            return info
    return None


def load_command(entry: Entry) -> click.Command:
    """Import ``entry``'s module (its decorators attach to ``app``) and build its click command."""
    importlib.import_module(f"chainkg.cli.{entry.module}")
    info = _registered(entry.name)
    if info is None:
        raise LookupError(f"chainkg.cli.{entry.module} defines no command {entry.name!r}")
    return typer.main.get_command_from_info(
        info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode
    )


F = TypeVar("F", bound=Callable[..., Any])


class ChainkgTyper(typer.Typer):
    """The root app: every command it registers answers chainkg errors plainly, with an exit code."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        """``typer.Typer.command``, the command wrapped in :func:`chainkg.cli.common.friendly_errors`."""
        kwargs.setdefault("cls", ChainkgCommand)  # its usage line in the reader's language
        register = super().command(*args, **kwargs)

        def decorator(func: F) -> F:
            # common loads rich and the settings: imported when a command module is, never for --help
            from chainkg.cli.common import friendly_errors

            return register(friendly_errors(func))  # type: ignore[return-value]

        return decorator


app = ChainkgTyper(
    help=N_("chainkg: a knowledge graph of industry chains and innovation alliances (科技兴贸创新基地)."),
    cls=LazyGroup,
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    lang: str = typer.Option(
        None,
        "--lang",
        is_eager=True,
        callback=_lang_option,
        help=N_("Language of help, tables and messages: zh (default) or en; default from CHAINKG_LANG"),
    ),
) -> None:
    """Run a command; with none, show what the configured store holds."""
    if ctx.invoked_subcommand is None:
        from chainkg.cli.cmd_store import status

        status(as_json=False)


def load_all() -> list[click.Command]:
    """Every registered command, loaded (for tests and tools that walk all of them)."""
    return [load_command(e) for e in COMMANDS]


__all__: list[Any] = ["ALIASES", "COMMANDS", "Entry", "app", "load_all"]
