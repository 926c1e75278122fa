"""``chainkg ingest``, ``ingest-ckg`` and ``ingest-demo``: load files into the configured store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from chainkg.cli.common import console, emit, emit_json, settings, store_session
from chainkg.cli.main import app
from chainkg.errors import InvalidInputError
from chainkg.graph.store import GraphStore
from chainkg.i18n import N_, Msg, _, get_locale, localized, ngettext
from chainkg.ingest.report import IngestReport

if TYPE_CHECKING:
    from chainkg.graph.store import GraphStore

SUMMARY_COLUMNS = ("type", "read", "loaded", "created", "updated", "unchanged", "merged", "rejected")

# Options the load commands share.
BATCH_OPT = typer.Option(None, "--batch-size", min=1, help=N_("Rows per write transaction"))
REPORT_DIR_OPT = typer.Option(None, "--report-dir", help=N_("Where summary.json and rejects.csv go"))
REPORT_JSON_OPT = typer.Option(False, "--json", help=N_("Print the full report as JSON"))
REREAD_OPT = typer.Option(
    False, "--reread", help=N_("Read and compare every row even when the files are those of the last load")
)


class RichProgress:
    """The ingest progress protocol drawn as rich progress bars, one per file or type."""

    def __init__(self, bars: Progress) -> None:
        self.bars = bars
        self.tasks: dict[str, TaskID] = {}

    def start(self, task: str, total: int | None) -> None:
        """Add a bar."""
        self.tasks[task] = self.bars.add_task(escape(task), total=total)  # task names hold file names

    def advance(self, task: str, n: int) -> None:
        """Move a bar on."""
        if task in self.tasks:
            self.bars.advance(self.tasks[task], n)

    def finish(self, task: str) -> None:
        """Fill a bar."""
        if task in self.tasks:
            t = self.tasks[task]
            state = self.bars.tasks[t]
            # A bar started without a total (rows unknown) gets its count as total: rich then stops
            # its clock now, instead of every such bar showing the whole load's time at the end.
            total = state.total if state.total is not None else state.completed
            self.bars.update(t, completed=total, total=total)
            self.bars.stop_task(t)


def _bars(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
        transient=False,
    )


def _quality_pass(store: GraphStore, *, quiet: bool) -> None:
    """Flag, canonicalise and group the products after a load (docs/gaps.md, product quality)."""
    from chainkg.ingest.product_quality import SYNONYMS_FILE, run_quality_pass

    result = run_quality_pass(store, settings().data_dir / SYNONYMS_FILE)
    if not quiet:
        console.print(escape(result.summary_line()), highlight=False)


def _report_dir(given: Path | None) -> Path:
    if given is not None:
        return given
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return settings().ingest_reports_dir / stamp


def _refuse_mixing(store: GraphStore, loading: str, mix: bool) -> None:
    """Stop a load that would mix the demo and the public data in one store, unless --mix."""
    from chainkg.ingest.demo import other_data_set

    held = other_data_set(store, loading) if not mix else None
    if held is None:
        return
    s = settings()
    folder = "chainkg-public" if loading == "public" else "chainkg-demo"
    apart = (
        Msg("give it a data folder of its own, e.g. CHAINKG_DATA_DIR={folder}", folder=folder)
        if s.store == "ladybug"
        else Msg("point CHAINKG_NEO4J_URI (or CHAINKG_NEO4J_DATABASE) at another server or database")
    )
    raise InvalidInputError(
        Msg(
            "This store already holds {held}; loading {what} on top mixes both, and the demo's answers change "
            "(its chains gain the public products). To keep them apart, {apart}; to mix them anyway, add --mix.",
            held=Msg(held),  # "the demo data" or "the public data", listed just below
            what=Msg("the public data") if loading == "public" else Msg("the demo data"),
            apart=apart,
        )
    )


def _finish(report: IngestReport, *, as_json: bool, report_dir: Path | None, title: str) -> None:
    """Write the summary and rejects files, then print the summary table (or JSON)."""
    out = _report_dir(report_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = out / "summary.json"
    summary.write_text(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2), encoding="utf-8")
    rejects = report.write_rejects(out / "rejects.csv")
    merges = report.write_merges(out / "merges.csv")
    review = report.write_reviews(out / "resolution-review.csv") if report.reviews else None
    if emit_json(report, as_json):
        return
    emit(report.summary_rows(), as_json=False, title=title, columns=SUMMARY_COLUMNS)
    console.print(report.summary_line(lang=None))
    label = escape(_("note:"))
    for note in report.notes_said()[:20]:
        console.print(f"[dim]{label}[/] {escape(note)}", highlight=False)  # notes quote headers from the file
    if len(report.notes) > 20:
        more = _("... {n} more notes in {file}").format(n=len(report.notes) - 20, file=str(summary))
        console.print(f"[dim]{escape(more)}[/]")
    if report.rejections:
        # the reason in the reader's language (--lang / CHAINKG_LANG); the files written above keep it stable
        shown = [
            {"file": r.file, "line": r.line, "input field": r.field, "given": r.value, "problem": r.text()}
            for r in report.rejections[:15]
        ]
        emit(shown, as_json=False, title=_("Rejected rows (first 15)"))
    if report.merges:
        said = _("Entity resolution merged {n:,} rows; review them in {file}.")
        console.print(escape(said.format(n=len(report.merges), file=str(merges))), highlight=False)
    if review is not None:
        said = _(
            "{n:,} row(s) may be firms already known and were held back: write same or different (同一/不同) "
            "in the decision column of {file}, then load the same files again with --review that file."
        )
        console.print(escape(said.format(n=len(report.reviews), file=str(review))), highlight=False)
    said = _("Summary: {summary}\nRejected rows: {rejects} ({n:,} lines)")
    console.print(escape(said.format(summary=str(summary), rejects=str(rejects), n=len(report.rejections))))


def _type_said(kind: str) -> str:
    """What a table loads as: the model's label (what --type takes), with its Chinese name in zh (企业)."""
    from chainkg.views.style import rel_line, type_line

    if isinstance(kind, Msg):
        return kind.text()
    if get_locale() == "en":
        return kind
    word = type_line(kind)
    word = rel_line(kind) if word == kind else word
    return kind if word == kind else _("{label} ({name})").format(label=kind, name=word)


def _explain(paths: list[Path], type_name: str | None, *, as_json: bool) -> None:
    """Print how each table of each file would be read (``--explain``)."""
    from dataclasses import asdict

    from chainkg.ingest.explain import explain_file
    from chainkg.ingest.pipeline import _expand

    files, _skipped = _expand(paths)
    tables = [t for path, _name in files for t in explain_file(path, type_name)]
    if emit_json([asdict(t) for t in tables], as_json):
        return
    for t in tables:
        # the texts are messages: JSON (above) keeps them in English, here they are said in the reader's language
        kind = _type_said(t.type) if t.type else _("(not loaded)")
        said = (
            ngettext("{rows:,} row → {type} — {why}", "{rows:,} rows → {type} — {why}", t.rows)
            if t.why
            else ngettext("{rows:,} row → {type}", "{rows:,} rows → {type}", t.rows)
        )
        read_as = said.format(rows=t.rows, type=kind, why=localized(t.why))
        console.print(f"[bold]{escape(t.source)}[/]: {escape(read_as)}", highlight=False)
        skipped = _("skipped above the header: {line}")
        for line in t.preamble:
            console.print(f"  [dim]{escape(skipped.format(line=localized(line)))}[/]", highlight=False)
        if t.columns:
            emit(
                [
                    {"column": c.header, "input field": c.field or "", "中文": c.zh, "becomes": localized(c.becomes)}
                    for c in t.columns
                ],
                as_json=False,
                title=_("Columns of {file}").format(file=t.source),
                columns=("column", "input field", "中文", "becomes"),
            )


@app.command("ingest")
def ingest(
    paths: list[Path] = typer.Argument(..., help=N_("Files (.csv, .xlsx, .jsonl) or folders of them")),
    dry_run: bool = typer.Option(False, "--dry-run", help=N_("Validate and resolve only; write nothing")),
    strict: bool = typer.Option(False, "--strict", help=N_("Refuse the whole load on the first problem")),
    batch_size: int = BATCH_OPT,
    aliases: Path = typer.Option(None, "--aliases", help=N_("Alias table (alias, canonical) for entity names")),
    report_dir: Path = REPORT_DIR_OPT,
    as_json: bool = REPORT_JSON_OPT,
    reread: bool = REREAD_OPT,
    type_name: str = typer.Option(
        None, "--type", help=N_("What every file holds: registry (企业名录 export) or a type, e.g. Enterprise, MAKES")
    ),
    explain: bool = typer.Option(False, "--explain", help=N_("Show how each column would be read; load nothing")),
    review: Path = typer.Option(None, "--review", help=N_("resolution-review.csv with your decisions (同一/不同)")),
) -> None:
    """Load CSV, Excel and JSON Lines files into the graph, in dependency order.

    Each file (or sheet) holds one type, told by its name (enterprise.csv, member_of.csv,
    企业.xlsx ...), by --type, or by its columns: an export of 企查查, 天眼查, 启信宝 or
    国家企业信用信息公示系统 is recognised as a registry export (docs/ingest.md lists every
    format). Invalid rows are reported and skipped; the rest load. Running the same load
    again changes nothing.

    Example: chainkg ingest 企业名录.xlsx --explain
    """
    from chainkg.ingest.pipeline import ingest_paths, resolve_type
    from chainkg.ingest.readers import ReadLimits

    resolve_type(type_name)  # an unknown --type is refused before anything is opened
    if explain:
        _explain(paths, type_name, as_json=as_json)
        return
    with store_session() as store, _bars(not as_json) as bars:
        report = ingest_paths(
            store,
            paths,
            limits=ReadLimits.from_settings(settings()),
            reuse=not reread,
            strict=strict,
            dry_run=dry_run,
            batch_size=batch_size,
            aliases=aliases,
            progress=RichProgress(bars),
            type_name=type_name,
            review=review,
        )
        if not dry_run:
            _quality_pass(store, quiet=as_json)
    title = _("Ingest (dry run: nothing written)") if dry_run else _("Ingest")
    _finish(report, as_json=as_json, report_dir=report_dir, title=title)


@app.command("ingest-ckg")
def ingest_ckg(
    folder: Path = typer.Argument(..., help=N_("Folder with the ChainKnowledgeGraph JSONL files")),
    batch_size: int = BATCH_OPT,
    report_dir: Path = REPORT_DIR_OPT,
    as_json: bool = REPORT_JSON_OPT,
    mix: bool = typer.Option(
        False, "--mix", help=N_("Load even onto a store holding the demo (answers then mix both)")
    ),
    reread: bool = REREAD_OPT,
) -> None:
    """Load the public ChainKnowledgeGraph data set (listed companies, SW2021 industries, products).

    Every quirk of the data is handled and reported; rows that match nothing are listed in
    rejects.csv. Cities derived from company names become bases keyed city:<city>.

    Keep it apart from the demo: give it a data folder of its own (CHAINKG_DATA_DIR=chainkg-public);
    onto a store holding the demo it stops and says so, unless --mix.

    Example: chainkg ingest-ckg ../shared/data/chainkg
    """
    from chainkg.ingest.ckg import check_folder, load_ckg

    check_folder(folder)  # a wrong folder is said before any store is opened (or created)
    with store_session() as store, _bars(not as_json) as bars:
        _refuse_mixing(store, "public", mix)
        report = load_ckg(store, folder, progress=RichProgress(bars), batch_size=batch_size, reuse=not reread)
        _quality_pass(store, quiet=as_json)
    _finish(report, as_json=as_json, report_dir=report_dir, title="ChainKnowledgeGraph")


@app.command("ingest-demo")
def ingest_demo(
    as_json: bool = REPORT_JSON_OPT,
    report_dir: Path = REPORT_DIR_OPT,
    mix: bool = typer.Option(False, "--mix", help=N_("Load even onto a store holding the public data")),
) -> None:
    """Load the bundled demo data set (bases in Shenzhen, Suzhou and Hefei, real listed companies, illustrative links).

    Example: chainkg ingest-demo
    """
    from chainkg.ingest.demo import load_demo

    with store_session() as store:
        _refuse_mixing(store, "demo", mix)
        report = load_demo(store)
        _quality_pass(store, quiet=as_json)
    _finish(report, as_json=as_json, report_dir=report_dir, title=_("Demo data"))
