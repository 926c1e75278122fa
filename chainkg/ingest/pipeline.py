"""The load: read files → validate rows → resolve entities → write in batches.

All files are read and validated before anything is written, node tables before
relationship tables (dependency order), so ``strict`` can refuse a load on its first error
with the store untouched, and references can point at nodes defined in any of the files.

Examples
--------
>>> from chainkg.graph.store.ladybug_store import LadybugStore
>>> store = LadybugStore("/tmp/doc.lbug"); store.ensure_schema()            # doctest: +SKIP
>>> report = ingest_paths(store, ["my-base-data/"])                          # doctest: +SKIP
>>> report.summary_line()                                                    # doctest: +SKIP
'Read 1,234 rows from 12 tables; loaded 1,230 (...), merged 2 duplicates, rejected 2.'
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainkg.errors import InvalidInputError
from chainkg.graph.model import MODEL, node_type
from chainkg.graph.store.base import GraphStore
from chainkg.i18n import Msg, _, reason_of
from chainkg.ingest import checks
from chainkg.ingest.chainmap import (
    MAP_SUFFIXES,
    ChainMapDef,
    ReadResult,
    count_read,
    is_map_table_name,
    read_map_table,
    read_map_yaml,
    reject_problems,
    shipped_map_files,
    write_map,
)
from chainkg.ingest.formats import (
    DERIVED_KEYS,
    PROVENANCE_COLUMNS,
    TypeSpec,
    is_alias_name,
    map_header,
    spec,
    spec_for_name,
)
from chainkg.ingest.headers import REGISTRY_TYPE, detect_type, is_registry_type
from chainkg.ingest.measures import OWNED, MeasureRules
from chainkg.ingest.membership import refresh_membership
from chainkg.ingest.progress import NullProgress, Progress
from chainkg.ingest.readers import SUPPORTED_SUFFIXES, RawTable, ReadLimits, read_tables
from chainkg.ingest.receipts import files_fingerprint, receipt_name, save_receipt, unchanged_reload
from chainkg.ingest.registry_export import Converted, convert
from chainkg.ingest.registry_links import derive
from chainkg.ingest.report import FileInfo, IngestReport, Merge, Rejection, ReviewPair, TypeStats, value_text
from chainkg.ingest.resolve import ORG_LABELS, AliasTable, Resolved, Resolver, decision_word, how_said
from chainkg.ingest.textsafe import clean_key, shown, what_changed
from chainkg.ingest.validate import FieldProblem, RowError, validate_row
from chainkg.ingest.write import write_rows

MEMBERSHIP_INPUTS = frozenset(
    {"Product", "Enterprise", "Industry", "MAKES", "SUBTYPE_OF", "IN_INDUSTRY", "SUB_INDUSTRY_OF"}
    | {"ChainMap", "ChainStage", "ChainSegment", "PART_OF"}
)
"""Types whose writes may change which products and firms are in which segment."""

UNKNOWN = "(unknown type)"
UNREADABLE = "(unreadable file)"

AliasesArg = AliasTable | Mapping[str, str] | Path | str | None


@dataclass
class _Node:
    key: str
    props: dict[str, Any]
    source: str
    line: int


@dataclass
class _Rel:
    src: str
    dst: str
    props: dict[str, Any]
    source: str
    line: int


class _Held(Exception):
    """A row entity resolution cannot decide on: it waits for a person (resolution-review.csv)."""

    def __init__(self, resolved: Resolved) -> None:
        super().__init__(resolved.key)
        self.resolved = resolved


REVIEW_HEADER = frozenset({"candidate_key", "decision", "given_name"})
REVIEW_HINT = "(resolution review)"
"""type_hint of a table given as the review file (``--review``): read as decisions whatever --type says."""


@dataclass
class _PendingRel:
    spec: TypeSpec
    table: RawTable
    line: int
    row: dict[str, Any]
    src_labels: list[str] = field(default_factory=list)
    given: dict[str, Any] = field(default_factory=dict)  # the ends as the file wrote them


def _label_for_src_type(s: TypeSpec, value: str) -> str | None:
    """``Enterprise``, ``enterprise``, ``企业``, ``大学`` ... -> the label, if ``s`` may start there."""
    found = spec_for_name(value)
    if found is not None and found.kind == "node" and found.name in s.from_labels:
        return found.name
    return None


class _Load:
    """One run of the pipeline; holds what was read until it is written."""

    def __init__(
        self,
        store: GraphStore,
        *,
        strict: bool,
        dry_run: bool,
        batch_size: int | None,
        aliases: AliasesArg,
        progress: Progress | None,
        limits: ReadLimits | None = None,
    ) -> None:
        self.store = store
        self.limits = limits or ReadLimits()
        self._fingerprint: str | None = None
        self._receipt = ""
        # Keys changed by clean_key, per file: (count, first example) for one note per file.
        self.cleaned: dict[str, tuple[int, str]] = {}
        self.strict = strict
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.progress = progress or NullProgress()
        self.report = IngestReport(dry_run=dry_run, strict=strict)
        self.resolver = Resolver(store, _aliases(aliases))
        self.loaded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.nodes: dict[str, dict[str, _Node]] = {}
        self.rels: dict[tuple[str, str, str], dict[tuple[str, str], _Rel]] = {}
        self.pending: list[_PendingRel] = []
        self.measures = MeasureRules(store, self.nodes)
        self.maps: dict[str, ChainMapDef] = {}
        self.registry: list[Converted] = []
        self.row_keys: dict[tuple[str, int], str] = {}  # (source, line) -> key of the node the row became
        self.renamed = 0

    # -- problems --------------------------------------------------------------------------------
    def reject(self, stats: TypeStats, rej: Rejection, *, count: int = 1, writing: bool = False) -> None:
        """Record a rejection (``count`` rows); in strict mode stop the load right here, unless
        the writing has begun (then the rejection is only recorded: stopping would not undo it)."""
        if self.strict and not writing:
            raise InvalidInputError(
                Msg("{reason} (strict mode: nothing was loaded)", reason=rej.said()),
                file=rej.file,
                line=rej.line,
                field=rej.field,
            )
        self.report.rejections.append(rej)
        stats.rejected += count

    def _reject_row(self, s: TypeSpec, table: RawTable, line: int, err: RowError) -> None:
        stats = self.report.stats(s.name, s.kind)
        for i, p in enumerate(err.problems):
            rej = Rejection(
                file=table.source, line=line, field=p.field, value=value_text(p.value), reason=p.reason, type=s.name
            )
            self.reject(stats, rej, count=1 if i == 0 else 0)

    # -- reading ---------------------------------------------------------------------------------
    def add_file(self, path: Path, source: str, type_name: str | None = None) -> list[RawTable]:
        """Read one file; an unreadable file becomes a rejection, not an exception."""
        if path.suffix.lower() in MAP_SUFFIXES:
            self.report.files.append(FileInfo(source=source, type="ChainMap", format="yaml", rows=0))
            self._add_maps(source, read_map_yaml(path, source))
            return []
        try:
            tables = read_tables(path, source, self.limits)
        except InvalidInputError as exc:
            stats = self.report.stats(UNREADABLE, "file")
            stats.read += 1
            self.reject(stats, Rejection(file=source, line=exc.line, reason=exc.reason))
            return []
        except (ValueError, OSError, RecursionError, LookupError, TypeError, AttributeError) as exc:
            # Hostile bytes reaching a third-party parser in a way no rule above foresaw: the file
            # is refused with what the parser said, never a traceback and never a half-read file.
            stats = self.report.stats(UNREADABLE, "file")
            stats.read += 1
            reason = Msg("cannot read the file ({error}: {text})", error=type(exc).__name__, text=shown(str(exc), 200))
            self.reject(stats, Rejection(file=source, reason=reason))
            return []
        if type_name:
            for t in tables:
                t.type_hint = type_name
        return tables

    def process(self, tables: Sequence[RawTable], *, forced: TypeSpec | None = None, registry: bool = False) -> None:
        """Validate every table, node tables first, then resolve relationship rows.

        A table's type comes from ``forced`` (``--type``), else its file or sheet name, else its
        columns; a registry export (``registry`` or recognised by its columns) is converted
        into an Enterprise table first (:mod:`chainkg.ingest.registry_export`).
        """
        typed: list[tuple[TypeSpec, RawTable]] = []
        for t in tables:
            info = FileInfo(source=t.source, type=None, format=t.format, encoding=t.encoding, rows=len(t.rows))
            self.report.files.append(info)
            self._decoding_notes(t)
            if t.empty:
                self.report.notes.append(Msg("{file} is empty: nothing to load from it.", file=t.source))
                continue
            if t.preamble:
                skipped = "; ".join(f"line {n}: {text[:60]!r}" for n, text in t.preamble[:3])
                self.report.notes.append(
                    Msg(
                        "{file}: title/note row(s) above the header skipped ({skipped}).",
                        file=t.source,
                        skipped=skipped,
                    )
                )
            if is_map_table_name(t.type_hint) and forced is None and not registry:
                info.type = "ChainMap"
                self._add_maps(t.source, read_map_table(t.source, t.rows))
                continue
            if is_alias_name(t.type_hint) and forced is None and not registry:
                info.type = "aliases"
                self._read_aliases(t)
                continue
            is_review = {str(h).strip().lower() for h in t.header} >= REVIEW_HEADER
            if t.type_hint == REVIEW_HINT or (is_review and forced is None and not registry):
                info.type = "resolution review"
                self._read_review(t)
                continue
            s = forced if forced is not None or registry else spec_for_name(t.type_hint)
            found = detect_type(t.header) if forced is None and (s is None or s.name == "Enterprise") else None
            if registry or (found is not None and found.type == REGISTRY_TYPE):
                conv = convert(t)
                self._registry_table(conv, "given with --type" if registry else found.reason if found else "")
                info.type = "Enterprise (registry export)"
                typed.append((spec("Enterprise"), conv.table))
                continue
            if s is None and found is not None and found.type is not None:
                s = spec(found.type)
                self.report.notes.append(
                    Msg(
                        "{file}: read as {type} ({type_zh}) because its {why}; "
                        "if that is wrong, say the type with --type.",
                        file=t.source,
                        type=s.name,
                        type_zh=s.zh,
                        why=found.reason,
                    )
                )
            if s is None:
                self._unknown(t, found.reason if found is not None else None)
                continue
            info.type = s.name
            typed.append((s, t))
        typed.sort(key=lambda st: st[0].order)
        for s, t in typed:
            if s.kind == "node":
                self._node_table(s, t)
            else:
                self._rel_table(s, t)
        if self.registry:
            self._registry_links()
        if self.renamed:
            self.report.notes.append(
                Msg(
                    "{n:,} firm(s) already known under another name: the new spellings were kept as "
                    "aliases (别名) and their display names left unchanged, unless the row gave the firm's key "
                    "(then the old name became the alias); see merges.csv.",
                    n=self.renamed,
                )
            )
        self._resolve_rels()
        self._note_cleaned()

    def _decoding_notes(self, t: RawTable) -> None:
        """Say how a file was decoded when it was not plain UTF-8; ``strict`` refuses a doubtful one."""
        self.report.notes.extend(t.notes)
        d = t.decoding
        if d is None:
            return
        if d.doubt:
            if self.strict:
                raise InvalidInputError(
                    Msg("its text encoding was in doubt: {doubt} (strict mode: nothing was loaded)", doubt=d.doubt),
                    file=t.source,
                )
            self.report.notes.append(
                Msg("{file}: read as {codec}, but {doubt}.", file=t.source, codec=d.label, doubt=d.doubt)
            )
        if d.note:
            self.report.notes.append(Msg("{file}: read as {codec}: {note}.", file=t.source, codec=d.label, note=d.note))

    def _clean_keys(self, t: RawTable, row: dict[str, Any], fields: tuple[str, ...]) -> None:
        """NFKC-normalise the key fields of ``row`` and drop invisible characters, counting changes."""
        for f in fields:
            v = row.get(f)
            if isinstance(v, str):
                row[f] = self._clean(t, v)
                if v and not row[f]:
                    why = Msg(
                        "holds only invisible characters ({changed}); fill in a real key", changed=what_changed(v, "")
                    )
                    raise RowError([FieldProblem(f, shown(v), why)])

    def _clean(self, t: RawTable, v: str) -> str:
        c = clean_key(v)
        if c != v:
            n, example = self.cleaned.get(t.source, (0, ""))
            became = Msg("'{given}' became '{key}' ({what})", given=shown(v, 60), key=c, what=what_changed(v, c))
            self.cleaned[t.source] = (n + 1, example or became)
        return c

    def _note_cleaned(self) -> None:
        for source, (n, example) in self.cleaned.items():
            self.report.notes.append(
                Msg(
                    "{file}: {n:,} key(s) held invisible characters or compatibility forms and were normalised "
                    "(NFKC, zero-width, bidi and soft-hyphen characters removed), so they match the keys they look "
                    "like; e.g. {example}.",
                    file=source,
                    n=n,
                    example=example,
                )
            )
        self.cleaned.clear()

    def _add_maps(self, source: str, res: ReadResult) -> None:
        """Take the maps a file gave; its problems become rejections (file, line, field)."""
        reject_problems(self.report, source, res.problems, self.reject)
        self.report.notes.extend(res.notes)
        for m in res.maps:
            if m.key in self.maps:
                self.report.notes.append(
                    Msg(
                        "{file}: chain map '{map}' is also in {other}; the later one is loaded.",
                        file=source,
                        map=m.key,
                        other=self.maps[m.key].source,
                    )
                )
            self.maps[m.key] = m
            count_read(self.report, m)
            # So that rows of this load may point at the map (a base's uses_map.csv).
            self.resolver.add_node("ChainMap", m.key, {"key": m.key, "name": m.name})

    def _registry_links(self) -> None:
        """Add the Industry nodes and the IN_INDUSTRY / SUB_INDUSTRY_OF / MAKES links registry rows imply.

        A link the files give explicitly wins over one derived from text (its props stay)."""
        products = [(k, str(n.props.get("name") or k)) for k, n in self.nodes.get("Product", {}).items()]
        links = derive(self.registry, self.row_keys, self.store, products)
        for n in links.nodes:
            known = self.nodes.setdefault(n.label, {})
            if n.key in known:
                continue
            known[n.key] = _Node(n.key, n.props, n.source, n.line)
            stats = self.report.stats(n.label, "node")
            stats.read += 1
            stats.loaded += 1
        for r in links.rels:
            bucket = self.rels.setdefault((r.type, r.src_label, r.dst_label), {})
            if (r.src, r.dst) in bucket:
                continue
            bucket[(r.src, r.dst)] = _Rel(r.src, r.dst, r.props, r.source, r.line)
            stats = self.report.stats(r.type, "rel")
            stats.read += 1
            stats.loaded += 1
        self.report.notes.extend(links.notes)

    def _registry_table(self, conv: Converted, why: str) -> None:
        """Note what the conversion of a registry export found (kept columns, unreadable cells)."""
        self.registry.append(conv)
        src = conv.table.source
        if why:
            self.report.notes.append(Msg("{file}: read as a registry export (企业名录); {why}.", file=src, why=why))
        else:
            self.report.notes.append(Msg("{file}: read as a registry export (企业名录).", file=src))
        self.report.notes.extend(conv.notes)
        if conv.kept:
            shown = ", ".join(repr(h[:40]) for h in conv.kept[:10]) + (
                f" and {len(conv.kept) - 10} more" if len(conv.kept) > 10 else ""
            )
            self.report.notes.append(
                Msg(
                    "{file}: column(s) {columns} have no property of their own; their values are kept with each firm "
                    "in extra (其他字段).",
                    file=src,
                    columns=shown,
                )
            )
        for line, header, _value, why_cell in conv.cell_notes[:20]:
            self.report.notes.append(
                Msg(
                    "{file}, line {line}, column '{column}': {why}; kept in extra.",
                    file=src,
                    line=line,
                    column=header,
                    why=why_cell,
                )
            )
        if len(conv.cell_notes) > 20:
            self.report.notes.append(
                Msg("{file}: {n:,} more unreadable cells, kept in extra.", file=src, n=len(conv.cell_notes) - 20)
            )

    def _read_review(self, t: RawTable) -> None:
        """Apply a person's decisions from resolution-review.csv to this load's entity resolution."""
        same = different = open_ = 0
        for line, row in t.rows:
            cells = {str(k).strip().lower(): v for k, v in row.items()}
            word = decision_word(cells.get("decision"))
            given, cand = str(cells.get("given_name") or "").strip(), str(cells.get("candidate_key") or "").strip()
            if word is None or not given or not cand:
                if str(cells.get("decision") or "").strip():
                    self.report.notes.append(
                        Msg(
                            "{file}, line {line}: decision {decision!r} is not same/different (同一/不同); "
                            "the pair stays undecided.",
                            file=t.source,
                            line=line,
                            decision=str(cells.get("decision"))[:20],
                        )
                    )
                open_ += 1
                continue
            self.resolver.decide(given, cand, word)
            same += word == "same"
            different += word == "different"
        self.report.notes.append(
            Msg(
                "{file}: {same} pair(s) decided the same firm, {different} different, {open} left undecided.",
                file=t.source,
                same=same,
                different=different,
                open=open_,
            )
        )

    def _read_aliases(self, t: RawTable) -> None:
        try:
            self.resolver.aliases.add_rows(t.source, t.rows)
        except InvalidInputError as exc:
            stats = self.report.stats("aliases", "file")
            stats.read += len(t.rows)
            self.reject(stats, Rejection(file=t.source, line=exc.line, reason=exc.reason), count=len(t.rows))
            return
        self.report.notes.append(Msg("{file}: read {n} aliases for entity resolution.", file=t.source, n=len(t.rows)))

    def _unknown(self, t: RawTable, why: str | None = None) -> None:
        stats = self.report.stats(UNKNOWN, "file")
        n = len(t.rows) + len(t.problems)
        stats.read += n
        examples = "enterprise.csv, member_of.csv, 企业.xlsx"
        self.reject(
            stats,
            Rejection(
                file=t.source,
                reason=Msg(
                    "cannot tell what '{name}' holds, so its {n} rows were not loaded "
                    "({why}); say the type with --type (e.g. --type registry for a 企业名录, "
                    "--type Enterprise), or name the file (or sheet) after a type, e.g. {examples} "
                    "(see docs/ingest.md)",
                    name=t.type_hint,
                    n=n,
                    why=why or Msg("its name is no type"),
                    examples=examples,
                ),
            ),
            count=n,
        )

    def _columns(self, s: TypeSpec, t: RawTable) -> dict[str, str]:
        """Header -> column name; unknown headers become notes (they are not part of the format)."""
        mapping: dict[str, str] = {}
        ignored: list[str] = []
        for h in t.header:
            col = map_header(s.name, h) or self.measures.map_header(s.name, h, t)
            if col is None:
                if str(h).strip().lower() not in PROVENANCE_COLUMNS and h:
                    ignored.append(str(h))
                continue
            if col in mapping.values():
                self.report.notes.append(
                    Msg(
                        "{file}: column '{header}' repeats '{column}'; the right-most one is used.",
                        file=t.source,
                        header=h,
                        column=col,
                    )
                )
            mapping[h] = col
        if ignored:
            # At most 10 named: a sheet of 100,000 stray columns must not make a megabyte-long note.
            shown = ", ".join(repr(i[:60]) for i in ignored[:10]) + (
                f" and {len(ignored) - 10:,} more" if len(ignored) > 10 else ""
            )
            self.report.notes.append(
                Msg(
                    "{file}: column(s) {columns} are not part of the {type} format and were ignored (known: {known}).",
                    file=t.source,
                    columns=shown,
                    type=s.name,
                    known=", ".join(c.name for c in s.columns),
                )
            )
        missing = [c.name for c in s.columns if c.required and c.name not in mapping.values()]
        if missing and t.rows:
            self.report.notes.append(
                Msg(
                    "{file}: has no column for required field(s) {fields}; every row will be rejected.",
                    file=t.source,
                    fields=", ".join(missing),
                )
            )
        return mapping

    def _cells(self, mapping: Mapping[str, str], raw: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for h, v in raw.items():
            col = mapping.get(h)
            if col is not None and (v is not None or col not in out):
                out[col] = v
        return out

    def _line_problems(self, s: TypeSpec, t: RawTable) -> None:
        stats = self.report.stats(s.name, s.kind)
        for p in t.problems:
            stats.read += 1
            self.reject(stats, Rejection(file=t.source, line=p.line, value=p.value, reason=p.reason, type=s.name))

    # -- node tables -----------------------------------------------------------------------------
    def _node_table(self, s: TypeSpec, t: RawTable) -> None:
        mapping = self._columns(s, t)
        stats = self.report.stats(s.name, "node")
        self._line_problems(s, t)
        task = _("check {file}").format(file=t.source)  # a progress bar: in the reader's language
        total = len(t.rows)
        self.progress.start(task, total)
        for i, (line, raw) in enumerate(_drain(t), start=1):
            if i % 1000 == 0:
                self.progress.advance(task, 1000)
            stats.read += 1
            try:
                row = validate_row(s, self._cells(mapping, raw))
                self._clean_keys(t, row, ("key",))
                self.measures.check(s, row, t)
                key, how = self._node_key(s, row)
            except RowError as err:
                self._reject_row(s, t, line, err)
                continue
            except _Held as held:
                self._hold(s, t, line, row, held.resolved)
                continue
            key = self._clean(t, key)  # a key derived from a name (products) follows the same rule
            if not key:
                empty = FieldProblem("key", None, Msg("is empty once invisible characters are removed"))
                self._reject_row(s, t, line, RowError([empty]))
                continue
            self._add_node(s, t, line, key, how, row)
        self.progress.advance(task, total % 1000)
        self.progress.finish(task)

    def _node_key(self, s: TypeSpec, row: dict[str, Any]) -> tuple[str, str]:
        label = s.name
        if label == "Industry":
            try:
                code = checks.check_industry_code(row["scheme"], row["code"])
            except ValueError as exc:
                raise RowError([FieldProblem("code", row["code"], reason_of(exc))]) from None
            row["code"] = code
            derived = f"{row['scheme']}:{code}"
            if row.get("key") and row["key"] != derived:
                raise RowError(
                    [
                        FieldProblem(
                            "key",
                            row["key"],
                            Msg("an industry key is scheme:code, here '{derived}'; or leave it empty", derived=derived),
                        )
                    ]
                )
            return derived, "key"
        if label == "Product" and not row.get("key"):
            return row["name"], "key"
        if label in ORG_LABELS:
            if label == "Enterprise" and row.get("stock_code") and not row.get("exchange"):
                row["exchange"] = checks.EXCHANGE_NAMES.get(row["stock_code"][-2:])
            r = self.resolver.org_key(label, row)
            if r.how == "review":
                raise _Held(r)
            return r.key, r.how
        measured = self.measures.node_key(label, row, self.resolver)
        if measured is not None:
            return measured, "key"
        if not row.get("key"):
            raise RowError([FieldProblem("key", None, Msg("is required: fill in the {label} column", label="key"))])
        return str(row["key"]), "key"

    def _hold(self, s: TypeSpec, t: RawTable, line: int, row: dict[str, Any], r: Resolved) -> None:
        """Hold a row back for a person's decision: neither merged nor created."""
        given = str(row.get("full_name") or row.get("name") or "")
        self.report.reviews.append(
            ReviewPair(
                type=s.name,
                file=t.source,
                line=line,
                given_name=given,
                given_uscc=row.get("uscc"),
                candidate_key=r.key,
                candidate_name=r.candidate_name,
                score=r.score,
            )
        )
        rej = Rejection(
            file=t.source,
            line=line,
            field="name",
            value=value_text(given),
            reason=Msg(
                "may be the same firm as '{name}' (key {key}, similarity {score}); "
                "held back, neither merged nor created: write same or different (同一/不同) in the decision "
                "column of resolution-review.csv and load it together with this file again",
                name=r.candidate_name or r.key,
                key=r.key,
                score=r.score,
            ),
            type=s.name,
        )
        self.reject(self.report.stats(s.name, "node"), rej)

    def _keep_names(
        self, label: str, key: str, props: dict[str, Any], first: _Node | None, *, explicit: bool = False
    ) -> str | None:
        """Never overwrite a known firm's names silently. Returns a note for the merge report.

        A row matched by resolution (USCC, stock code, a name) leaves the names as they are: its
        new spelling becomes an alias. A row that gives the firm's ``key`` itself says which firm
        it means, so its names win (later rows win, as for every property), and the names they
        replace are kept as aliases; the report says so either way."""
        stored = self.resolver.index(label).stored.get(key)
        if first is None and stored is None:
            return None
        # What the firm is known as so far: this load's first row over the store (a row whose
        # own names were set aside has none: the store's then stand).
        mine: Mapping[str, Any] = first.props if first is not None else {}
        theirs: Mapping[str, Any] = stored or {}
        base = {fld: mine.get(fld) or theirs.get(fld) for fld in ("name", "full_name")}
        aliases = list(dict.fromkeys([*_strs(theirs.get("aliases")), *_strs(mine.get("aliases"))]))
        former = list(dict.fromkeys([*_strs(theirs.get("former_names")), *_strs(mine.get("former_names"))]))
        known = {base.get("name"), base.get("full_name"), *aliases, *former}
        if props.get("former_names") or former:
            props["former_names"] = list(dict.fromkeys([*former, *(props.get("former_names") or [])])) or None
        if explicit:
            olds = [base[f] for f in ("name", "full_name") if props.get(f) and base.get(f) and props[f] != base[f]]
            if olds:
                current = {props.get("name") or base.get("name"), props.get("full_name") or base.get("full_name")}
                # a set, kept sorted: loading the same rows again leaves the list as it is
                props["aliases"] = sorted({*aliases, *(props.get("aliases") or []), *olds} - current) or None
                fresh = [o for o in dict.fromkeys(olds) if o not in aliases]
                if fresh:
                    self.renamed += 1
                    shown = ", ".join(f"'{n}'" for n in fresh)
                    now = props.get("name") or base.get("name")
                    return Msg("; renamed by its key to '{now}', {old} kept as an alias", now=now, old=shown)
                return None
        new: list[str] = []
        for fld in ("name", "full_name"):
            v, cur = props.get(fld), base.get(fld)
            if v and cur and v != cur and not explicit:
                del props[fld]
                if v not in known:
                    new.append(v)
                    known.add(v)
        if new or props.get("aliases") or aliases:
            props["aliases"] = sorted({*aliases, *(props.get("aliases") or []), *new}) or None
        if not new:
            return None
        self.renamed += 1
        shown = ", ".join(f"'{n}'" for n in new)
        return Msg(
            "; new spelling {new} kept as an alias, display name '{name}' unchanged", new=shown, name=base.get("name")
        )

    def _add_node(self, s: TypeSpec, t: RawTable, line: int, key: str, how: str, row: dict[str, Any]) -> None:
        label = s.name
        stats = self.report.stats(label, "node")
        # Only the values given: a null leaves the stored value anyway, and a million rows of a
        # type with twenty properties would otherwise hold twenty million Nones until written.
        props = {k: v for k, v in row.items() if k != "key" and v is not None}
        known = self.nodes.setdefault(label, {})
        given = str(row.get("full_name") or row.get("name") or row.get("title") or key)
        self.row_keys[(t.source, line)] = key
        renamed = (
            self._keep_names(label, key, props, known.get(key), explicit=how == "key") if label in ORG_LABELS else None
        )
        said: Msg | None = None
        if key in known:
            first = known[key]
            first.props.update({k: v for k, v in props.items() if v is not None})
            stats.merged += 1
            said = Msg(
                "{how}: folded into {file} line {line}{renamed}",
                how=how_said("same key" if how in ("key", "new") else how),
                file=first.source,
                line=first.line,
                renamed=renamed or "",
            )
        else:
            known[key] = _Node(key, props, t.source, line)
            stats.loaded += 1
            if how not in ("key", "new") or renamed:
                said = Msg("{how}: matches a stored node{renamed}", how=how_said(how), renamed=renamed or "")
        if said is not None:
            self.report.merges.append(Merge.of(label, t.source, line, given, key, said))
        self.resolver.add_node(label, key, row)
        owner = OWNED.get(label)
        if owner is not None:
            # The owner tie is made here, from the column, so no second file is needed.
            ends = (key, row[owner.column]) if owner.outgoing else (row[owner.column], key)
            labels = (label, owner.label) if owner.outgoing else (owner.label, label)
            bucket = self.rels.setdefault((owner.rel, *labels), {})
            if ends not in bucket:
                bucket[ends] = _Rel(ends[0], ends[1], {}, t.source, line)
                rstats = self.report.stats(owner.rel, "rel")
                rstats.read += 1
                rstats.loaded += 1

    # -- relationship tables ---------------------------------------------------------------------
    def _rel_table(self, s: TypeSpec, t: RawTable) -> None:
        mapping = self._columns(s, t)
        stats = self.report.stats(s.name, "rel")
        self._line_problems(s, t)
        for line, raw in _drain(t):
            stats.read += 1
            try:
                row = validate_row(s, self._cells(mapping, raw))
                given = {"src": row.get("src"), "dst": row.get("dst")}
                self._clean_keys(t, row, ("src", "dst"))
                self.measures.check(s, row, t)
                labels = list(s.from_labels)
                if row.get("src_type"):
                    label = _label_for_src_type(s, row["src_type"])
                    if label is None:
                        raise RowError(
                            [
                                FieldProblem(
                                    "src_type",
                                    row["src_type"],
                                    Msg(
                                        "must be one of {labels} ({labels_zh})",
                                        labels=", ".join(s.from_labels),
                                        labels_zh=", ".join(node_type(x).zh for x in s.from_labels),
                                    ),
                                )
                            ]
                        )
                    labels = [label]
            except RowError as err:
                self._reject_row(s, t, line, err)
                continue
            row = {k: v for k, v in row.items() if v is not None}  # held until resolved: only what was given
            self.pending.append(_PendingRel(s, t, line, row, labels, given))

    def _resolve_rels(self) -> None:
        wanted: dict[str, list[str]] = {}
        for p in self.pending:
            for lb in p.src_labels:
                wanted.setdefault(lb, []).append(p.row["src"])
            wanted.setdefault(p.spec.to_label, []).append(p.row["dst"])
        for label, values in wanted.items():
            self.resolver.prefetch(label, values)
        for p in self.pending:
            self._resolve_rel(p)
        self.pending.clear()

    def _resolve_rel(self, p: _PendingRel) -> None:
        s, row = p.spec, p.row
        stats = self.report.stats(s.name, "rel")
        ends = []
        for fld, labels in (("src", p.src_labels), ("dst", [s.to_label])):
            hit, reason = self.resolver.find(labels, row[fld])
            if hit is None:
                rej = Rejection(
                    file=p.table.source,
                    line=p.line,
                    field=fld,
                    value=value_text(row[fld]),
                    reason=reason or "",
                    type=s.name,
                )
                self.reject(stats, rej)
                return
            if hit.how in ("alias", "normalized name"):
                self.report.merges.append(
                    Merge.of(
                        hit.label, p.table.source, p.line, str(p.given.get(fld) or row[fld]), hit.key, how_said(hit.how)
                    )
                )
            ends.append(hit)
        a, b = ends
        props = {k: v for k, v in row.items() if k not in ("src", "dst", "src_type") and v is not None}
        bucket = self.rels.setdefault((s.name, a.label, b.label), {})
        ident = (a.key, b.key)
        if ident in bucket:
            first = bucket[ident]
            first.props.update({k: v for k, v in props.items() if v is not None})
            stats.merged += 1
            self.report.merges.append(
                Merge.of(
                    s.name,
                    p.table.source,
                    p.line,
                    f"{row['src']} → {row['dst']}",
                    f"{a.key} → {b.key}",
                    Msg("same relationship: folded into {file} line {line}", file=first.source, line=first.line),
                )
            )
            return
        bucket[ident] = _Rel(a.key, b.key, props, p.table.source, p.line)
        stats.loaded += 1

    def run(
        self, tables: Sequence[RawTable], t0: float, *, forced: TypeSpec | None = None, registry: bool = False
    ) -> IngestReport:
        """Process ``tables``, write them, and return the report timed from ``t0``."""
        self.process(tables, forced=forced, registry=registry)
        if self.resolver.fuzzy_skipped:
            self.report.notes.append(
                Msg(
                    "Fuzzy name matching stopped after its budget: {n:,} row(s) were matched "
                    "on USCC and exact/normalized names only.",
                    n=self.resolver.fuzzy_skipped,
                )
            )
        self.write()
        if not self.dry_run and self._members_may_change():
            # Products, firms or maps changed: the segments' members follow.
            stats = refresh_membership(self.store)
            if stats.segments or stats.deleted:
                self.report.notes.append(stats.line())
        self.report.elapsed_s = round(time.perf_counter() - t0, 3)
        return self.report

    def _members_may_change(self) -> bool:
        """True when the load wrote a node or link that segment membership reads."""
        return any(t.created + t.updated > 0 for t in self.report.types if t.type in MEMBERSHIP_INPUTS) or bool(
            self.report.notes and any(" no longer in map " in n for n in self.report.notes)
        )

    def reused(self, files: Sequence[tuple[Path, str]], t0: float, *extra: str) -> IngestReport | None:
        """The report of a re-load of unchanged files into an unchanged store (nothing read),
        or ``None``; remembers the fingerprint so :meth:`keep_receipt` can save it."""
        if self.dry_run or len(self.resolver.aliases):
            return None  # a dry run writes no receipt; an alias table given apart is not fingerprinted
        self._fingerprint = files_fingerprint(files, str(self.strict), *extra)
        self._receipt = receipt_name("ingest", [s for _, s in files])
        return unchanged_reload(self.store, self._receipt, self._fingerprint, t0)

    def keep_receipt(self) -> None:
        """Save the receipt of this load (after it wrote everything)."""
        if not self.dry_run and self._fingerprint:
            save_receipt(self.store, self._receipt, self._fingerprint, self.report)

    # -- writing ---------------------------------------------------------------------------------
    def write(self) -> None:
        """Write nodes (model order), then relationships; a dry run writes nothing."""
        if self.dry_run:
            return
        for n in MODEL.nodes:
            nodes = self.nodes.pop(n.label, None)  # let go as written: the rows below replace them
            if not nodes:
                continue
            rows = [
                {"key": x.key, **x.props, "source": x.source, "source_row": x.line, "loaded_at": self.loaded_at}
                for x in nodes.values()
            ]
            nodes.clear()
            res = write_rows(self.store, n.label, rows, batch_size=self.batch_size, progress=self.progress)
            self.report.stats(n.label, "node").add_write(res.created, res.updated, res.unchanged)
        # Maps after the other nodes, before the relationship tables (which may point at a map).
        for m in self.maps.values():
            write_map(self.store, m, self.loaded_at, self.report)
        for r in MODEL.rels:
            for a, b in r.pairs:
                rels = self.rels.get((r.type, a, b))
                if not rels:
                    continue
                rows = [
                    {
                        "src": x.src,
                        "dst": x.dst,
                        **x.props,
                        "source": x.source,
                        "source_row": x.line,
                        "loaded_at": self.loaded_at,
                    }
                    for x in rels.values()
                ]
                res = write_rows(
                    self.store, r.type, rows, ends=(a, b), batch_size=self.batch_size, progress=self.progress
                )
                stats = self.report.stats(r.type, "rel")
                stats.add_write(res.created, res.updated, res.unchanged)
                for sk in res.skipped:
                    stats.loaded -= 1
                    rel = rels[(sk["src"], sk["dst"])]
                    self.reject(
                        stats,
                        Rejection(
                            file=rel.source,
                            line=rel.line,
                            field="src",
                            value=f"{sk['src']} → {sk['dst']}",
                            reason=Msg(
                                "one end of this {type} is no longer in the store (deleted during the load?)",
                                type=r.type,
                            ),
                            type=r.type,
                        ),
                        writing=True,
                    )


def _drain(t: RawTable) -> Iterable[tuple[int, dict[str, Any]]]:
    """The rows of ``t`` in order, each let go once handed out: a table's raw cells and its
    validated rows are then never both held whole (about half a load's peak memory)."""
    rows = t.rows
    rows.reverse()
    while rows:
        yield rows.pop()


def _strs(v: object) -> list[str]:
    return [x for x in v if isinstance(x, str)] if isinstance(v, list | tuple) else []


def _aliases(arg: AliasesArg) -> AliasTable:
    if arg is None:
        return AliasTable()
    if isinstance(arg, AliasTable):
        return arg
    if isinstance(arg, Mapping):
        return AliasTable(arg)
    return AliasTable.from_file(Path(arg))


def _expand(paths: Iterable[Path | str]) -> tuple[list[tuple[Path, str]], list[str]]:
    """Files to read with their display names; directories are walked (hidden files skipped)."""
    files: list[tuple[Path, str]] = []
    ignored: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if not f.is_file() or any(part.startswith((".", "~$")) for part in rel.parts):
                    continue
                # Names as printed and recorded: escaped, so a name cannot drive the terminal
                # (ANSI escapes) or break UTF-8 output (undecodable bytes in the name).
                if f.suffix.lower() in SUPPORTED_SUFFIXES or f.suffix.lower() in MAP_SUFFIXES:
                    files.append((f, shown(rel.as_posix())))
                else:
                    ignored.append(shown(rel.as_posix()))
        elif p.is_file():
            files.append((p, shown(p.name)))
        else:
            raise InvalidInputError(Msg("there is no file or folder at {path}", path=shown(str(p))), file=shown(str(p)))
    return files, ignored


def ingest_paths(
    store: GraphStore,
    paths: Iterable[Path | str],
    *,
    strict: bool = False,
    dry_run: bool = False,
    batch_size: int | None = None,
    aliases: AliasesArg = None,
    progress: Progress | None = None,
    source_prefix: str = "",
    shipped_maps: bool = False,
    limits: ReadLimits | None = None,
    reuse: bool = True,
    type_name: str | None = None,
    review: Path | str | None = None,
) -> IngestReport:
    """Load files and folders of CSV, XLSX and JSONL tables (and YAML chain maps) into ``store``.

    Folders are walked; each table's type comes from its file or sheet name (see
    docs/ingest.md). Invalid rows are reported and skipped unless ``strict``, which raises
    ``InvalidInputError`` on the first problem before anything is written. ``dry_run``
    validates and resolves without writing. ``source_prefix`` is put before each file's
    name in the provenance (``demo:`` for the bundled demo). ``shipped_maps`` also loads the
    chain maps shipped in the package (``chainkg/chainmaps/*.yaml``). ``limits`` caps file sizes
    (``ReadLimits.from_settings(settings)``; the defaults otherwise). When the same files were
    loaded last, byte for byte, and nothing was written since, they are not read again
    (:mod:`chainkg.ingest.receipts`); ``reuse=False`` reads and compares every row.
    ``type_name`` (``--type``) says what every table holds: a type of the model or ``registry``
    (a 企业名录 export). ``review`` is a resolution-review.csv with a person's decisions.

    Examples
    --------
    >>> report = ingest_paths(store, ["data/"], dry_run=True)     # doctest: +SKIP
    >>> report.get("Enterprise").rejected                         # doctest: +SKIP
    0
    """
    t0 = time.perf_counter()
    forced, registry = resolve_type(type_name)
    load = _Load(
        store, strict=strict, dry_run=dry_run, batch_size=batch_size, aliases=aliases, progress=progress, limits=limits
    )
    files, ignored = _expand(paths)
    files = [(p, source_prefix + s) for p, s in files]
    if shipped_maps:  # part of the fingerprint too: a changed shipped map is read again
        files += [(path, f"chainkg/chainmaps/{path.name}") for path in shipped_map_files()]
    if reuse and review is None:  # a review file is a person's decisions: always applied
        again = load.reused(files, t0, type_name or "")
        if again is not None:
            return again
    if ignored:
        load.report.notes.append(Msg("Not data files, so not read: {files}.", files=", ".join(ignored)))
    tables: list[RawTable] = []
    for path, source in files:
        tables += load.add_file(path, source)
    if review is not None:
        tables += load.add_file(Path(review), shown(Path(review).name), REVIEW_HINT)
    report = load.run(tables, t0, forced=forced, registry=registry)
    load.keep_receipt()
    return report


def ingest_file(
    store: GraphStore,
    path: Path | str,
    *,
    type_name: str | None = None,
    strict: bool = False,
    dry_run: bool = False,
    batch_size: int | None = None,
    aliases: AliasesArg = None,
    progress: Progress | None = None,
    source_name: str | None = None,
    limits: ReadLimits | None = None,
    reuse: bool = True,
) -> IngestReport:
    """Load one file; ``type_name`` (a label, relationship type or file-name alias) overrides
    what the file name says, for uploads whose names mean nothing. ``source_name`` is the
    name recorded as provenance (the uploaded file's own name rather than a temporary path).

    Examples
    --------
    >>> ingest_file(store, "/tmp/upload-1a2b.csv", type_name="Enterprise",
    ...             source_name="企业名录.csv").get("Enterprise").loaded           # doctest: +SKIP
    42
    """
    t0 = time.perf_counter()
    forced, registry = resolve_type(type_name)
    p = Path(path)
    if not p.is_file():
        raise InvalidInputError(Msg("there is no file at {path}", path=shown(str(p))), file=shown(str(p)))
    load = _Load(
        store, strict=strict, dry_run=dry_run, batch_size=batch_size, aliases=aliases, progress=progress, limits=limits
    )
    source = shown(source_name or p.name)
    if reuse:
        again = load.reused([(p, source)], t0, type_name or "")
        if again is not None:
            return again
    report = load.run(load.add_file(p, source), t0, forced=forced, registry=registry)
    load.keep_receipt()
    return report


def resolve_type(type_name: str | None) -> tuple[TypeSpec | None, bool]:
    """``(format, is_registry)`` for a ``--type`` value; raises on a type chainkg does not know."""
    if not type_name:
        return None, False
    if is_registry_type(type_name):
        return None, True
    try:
        return spec(type_name), False
    except KeyError:
        known = ", ".join(n.label for n in MODEL.nodes) + ", " + ", ".join(r.type for r in MODEL.rels)
        raise InvalidInputError(
            Msg(
                "'{type}' is not a type chainkg knows; use registry (企业名录) or one of {known}",
                type=type_name,
                known=known,
            )
        ) from None


__all__ = ["DERIVED_KEYS", "IngestReport", "ingest_file", "ingest_paths"]
