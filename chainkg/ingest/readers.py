"""Readers: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), Excel .xlsx and JSON Lines.

A reader turns a file into :class:`RawTable` objects (one per CSV/JSONL file, one per sheet
of a workbook): a header, and rows as ``(line, {header: cell})``. Lines are the numbers a
person sees when opening the file (the header is line 1 of a CSV; rows of a sheet are Excel
row numbers). Problems that make a line unreadable become ``problems`` of the table, never
a silent skip.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainkg.errors import InvalidInputError
from chainkg.i18n import N_, Msg, reason_of
from chainkg.ingest.decoding import BAD_BYTE, Decision, bad_bytes_reason, decide, decode_bytes
from chainkg.ingest.headers import PREAMBLE_MAX_ROWS, is_preamble_row, locate_header
from chainkg.ingest.textsafe import has_surrogate, shown

CSV_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
SUPPORTED_SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES | JSONL_SUFFIXES

# Large enough for any real cell; longer ones are rejected by validation with a clear reason.
csv.field_size_limit(64 * 1024 * 1024)


@dataclass
class LineProblem:
    """A line that could not be read at all (bad JSON, a broken CSV quote)."""

    line: int | None
    reason: str
    value: str | None = None


@dataclass
class RawTable:
    """One table as read: a file or a sheet, before any validation."""

    source: str
    path: Path
    format: str
    type_hint: str
    sheet: str | None = None
    encoding: str | None = None
    decoding: Decision | None = None
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    empty: bool = False
    notes: list[str] = field(default_factory=list)
    preamble: list[tuple[int, str]] = field(default_factory=list)  # title/note rows above the header


def decode(data: bytes) -> tuple[str, str]:
    """Decode whole in-memory bytes by the rules of :mod:`chainkg.ingest.decoding`.

    Returns ``(text, encoding)``; raises ``InvalidInputError`` when the encoding cannot be told
    by rule, or when some bytes are not UTF-8 (a file reader rejects just those lines instead).

    Examples
    --------
    >>> decode("企业名称".encode("gbk"))
    ('企业名称', 'gb18030')
    """
    text, d = decode_bytes(data)
    if d.bad_bytes:
        raise InvalidInputError(bad_bytes_reason(text))
    return text, d.label


@dataclass(frozen=True)
class ReadLimits:
    """Caps that keep a load's memory bounded (settings ``CHAINKG_MAX_FILE_MB`` and
    ``CHAINKG_XLSX_MAX_UNPACKED_MB``); a file above one is refused before it is read."""

    max_file_mb: float = 10
    xlsx_max_unpacked_mb: float = 64

    @classmethod
    def from_settings(cls, settings: Any) -> ReadLimits:
        """The caps of a :class:`chainkg.settings.Settings`."""
        return cls(settings.max_file_mb, settings.xlsx_max_unpacked_mb)


def _decision(path: Path, source: str) -> Decision:
    try:
        return decide(path)
    except InvalidInputError as exc:
        raise InvalidInputError(exc.reason, file=source) from None


def _sniff_delimiter(first_line: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "，")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


class _Recorder:
    """Lines handed to ``csv.reader``, kept until the record they make is read, so a record's
    raw text can be checked (an unclosed quote, bytes that were not UTF-8) without holding the
    file: the reader asks for one line at a time and never reads ahead."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.buf: list[str] = []

    def __iter__(self) -> _Recorder:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.buf.append(line)
        return line


def read_csv(path: Path, source: str) -> RawTable:
    """Read a delimited text file (comma, tab or semicolon; detected from the header), streamed."""
    table = RawTable(source=source, path=path, format="csv", type_hint=shown(path.stem))
    decision = _decision(path, source)
    table.encoding, table.decoding = decision.label, decision
    with path.open(encoding=decision.codec, errors=decision.errors, newline="") as fh:
        # Leading blank lines are read ahead (and fed to the parser, so line numbers stay right)
        # only to find the header line, which tells the delimiter.
        ahead: list[str] = []
        while (line := fh.readline()) and not line.strip("\ufeff\r\n\t "):
            ahead.append(line)
        if not line:
            table.empty = True
            return table
        ahead.append(line)
        ahead[0] = ahead[0].lstrip("\ufeff")
        delimiter = _sniff_delimiter(line.lstrip("\ufeff").splitlines()[0], path.suffix)
        rec = _Recorder(itertools.chain(ahead, fh))
        reader = csv.reader(rec, delimiter=delimiter)
        _csv_records(table, reader, rec, delimiter, decision)
    table.empty = not table.header
    return table


def _csv_records(table: RawTable, reader: Any, rec: _Recorder, delimiter: str, decision: Decision) -> None:
    consumed = 0
    header: list[str] | None = None
    lead: list[tuple[int, list[Any]]] = []
    while True:
        start = consumed + 1
        rec.buf.clear()
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            table.problems.append(
                LineProblem(start, Msg("the line cannot be read as CSV ({error}); check its quotes", error=str(exc)))
            )
            consumed = reader.line_num
            continue
        consumed = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        raw = "".join(rec.buf)
        if decision.bad_bytes and BAD_BYTE.search(raw):
            if header is None:
                raise InvalidInputError(
                    Msg("the header: {reason}", reason=bad_bytes_reason(raw)), file=table.source, line=start
                )
            table.problems.append(LineProblem(start, bad_bytes_reason(raw), shown(raw.strip(), 200)))
            continue
        if consumed > start and header is not None:
            # A record over several lines: legitimate (a quoted cell with line breaks) unless a
            # quote was never closed and swallowed the rows after it into one cell.
            unclosed = _unclosed_quote(raw, delimiter, len(header))
            if unclosed:
                table.problems.append(
                    LineProblem(
                        start,
                        Msg(
                            'a quote (") opened on line {start} is not closed where it should be, so lines '
                            "{start}–{end} were read as one row ({unclosed}); none of these lines was loaded. "
                            "Remove the stray quote or close it, then load the file again",
                            start=start,
                            end=consumed,
                            unclosed=unclosed,
                        ),
                        cells[0][:200] if cells else None,
                    )
                )
                continue
        if header is None:
            lead.append((start, list(cells)))
            if len(lead) <= PREAMBLE_MAX_ROWS and is_preamble_row(cells):
                continue  # a title or note above the header, unless no wider row follows
            table.preamble, (_line, head_cells), rest = locate_header(lead)
            header = [c.strip() for c in head_cells]
            table.header = header
            _add_rows(table, header, rest)
            continue
        _add_rows(table, header, [(start, cells)])
    if header is None and lead:  # only title-like rows: the first is the header after all
        table.header = header = [c.strip() for c in lead[0][1]]
        _add_rows(table, header, lead[1:])


def _unclosed_quote(raw: str, delimiter: str, columns: int) -> str | None:
    """Why the multi-line record ``raw`` looks like a quote that was never closed, or ``None``.

    Two signs: the quote runs to the end of the file (a strict parse ends inside it), or a
    line break inside a cell is followed by a line with a full row's worth of delimiters.
    """
    try:
        list(csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return "the quote runs to the end of the file"
    lines = raw.splitlines()[1:]
    if columns >= 3 and any(ln.count(delimiter) >= columns - 1 for ln in lines):
        return "the lines inside it look like rows of their own"
    return None


def _add_rows(table: RawTable, header: list[str], rows: Iterable[tuple[int, list[Any]]]) -> None:
    """Append each ``(line, cells)`` of ``rows`` to ``table`` as a row of ``header`` (bad rows are noted)."""
    for n, cells in rows:
        row = _zip_row(header, cells, n, table)
        if row is not None:
            table.rows.append((n, row))


def _zip_row(header: list[str], cells: list[Any], line: int, table: RawTable) -> dict[str, Any] | None:
    extra = [c for c in cells[len(header) :] if c not in (None, "") and str(c).strip()]
    if extra:
        table.problems.append(
            LineProblem(
                line,
                Msg(
                    "the row has {cells} cells but the header has {columns} columns; "
                    "a value probably holds an unquoted comma",
                    cells=len(cells),
                    columns=len(header),
                ),
                str(extra[0])[:200],
            )
        )
        return None
    return {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(header) if h}


def read_jsonl(path: Path, source: str) -> RawTable:
    """Read JSON Lines (one object a line, streamed); a ``.json`` file holding one array also works."""
    table = RawTable(source=source, path=path, format="jsonl", type_hint=shown(path.stem))
    decision = _decision(path, source)
    table.encoding, table.decoding = decision.label, decision
    with path.open(encoding=decision.codec, errors=decision.errors, newline="\n") as fh:
        first = fh.read(1)
        while first and first.isspace():
            first = fh.read(1)
        if not first:
            table.empty = True
            return table
        if first == "[" and path.suffix == ".json":
            _json_array(table, first + fh.read(), decision)  # one array: whole, under the file-size cap
            return table
        fh.seek(0)
        for no, line in enumerate(fh, start=1):
            if line.strip():
                _json_line(table, no, line.lstrip("\ufeff") if no == 1 else line, decision)
    table.header = list(dict.fromkeys(k for _, r in table.rows for k in r))
    return table


def _json_array(table: RawTable, text: str, decision: Decision) -> None:
    if decision.bad_bytes and BAD_BYTE.search(text):
        table.problems.append(LineProblem(None, Msg("the file is not loaded: {reason}", reason=bad_bytes_reason(text))))
        return
    try:
        items = json.loads(text, object_pairs_hook=_no_duplicate_names, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        table.problems.append(LineProblem(exc.lineno, Msg("the file is not valid JSON ({error})", error=exc.msg)))
        return
    except (_DuplicateName, _HugeNumber) as exc:
        table.problems.append(LineProblem(None, Msg("the file is not loaded: {reason}", reason=reason_of(exc))))
        return
    except RecursionError:
        table.problems.append(LineProblem(None, Msg("the file is not loaded: {reason}", reason=Msg(_TOO_DEEP))))
        return
    for i, obj in enumerate(items if isinstance(items, list) else [items], start=1):
        _add_json_obj(table, i, obj)
    table.header = sorted({k for _, r in table.rows for k in r})


def _json_line(table: RawTable, no: int, line: str, decision: Decision) -> None:
    if decision.bad_bytes and BAD_BYTE.search(line):
        table.problems.append(LineProblem(no, bad_bytes_reason(line), shown(line.strip(), 200)))
        return
    try:
        obj = json.loads(line, object_pairs_hook=_no_duplicate_names, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        table.problems.append(
            LineProblem(no, Msg("the line is not valid JSON ({error})", error=exc.msg), shown(line[:200]))
        )
        return
    except (_DuplicateName, _HugeNumber) as exc:
        table.problems.append(LineProblem(no, reason_of(exc), shown(line[:200])))
        return
    except RecursionError:
        table.problems.append(LineProblem(no, Msg(_TOO_DEEP), shown(line[:200])))
        return
    _add_json_obj(table, no, obj)


class _HugeNumber(ValueError):
    """A JSON number with more digits than any field can hold (Python refuses past 4,300)."""


MAX_DIGITS = 400


def _parse_int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise _HugeNumber(
            Msg(
                "the line holds a number of {n:,} digits, far too large for any field (a whole number "
                "has at most 19 digits); is a column shifted or a value pasted twice?",
                n=len(text),
            )
        )
    return int(text)


_TOO_DEEP = N_("the JSON is nested too deeply to be a row (one object {...} of plain values per line is expected)")


class _DuplicateName(ValueError):
    """A JSON object names the same field twice: which value is meant cannot be told."""


def _no_duplicate_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out and out[k] != v:
            raise _DuplicateName(
                Msg(
                    "the object gives field '{field}' twice with different values ({first!r} and {second!r}); keep one",
                    field=k,
                    first=str(out[k])[:50],
                    second=str(v)[:50],
                )
            )
        out[k] = v
    return out


def _add_json_obj(table: RawTable, line: int, obj: Any) -> None:
    if not isinstance(obj, dict):
        table.problems.append(LineProblem(line, Msg("each line must be one JSON object {...}"), shown(str(obj)[:200])))
        return
    bad = _surrogate_field(obj)
    if bad is not None:
        table.problems.append(
            LineProblem(
                line,
                Msg(
                    "field '{field}' holds a lone UTF-16 surrogate (an escape such as \\ud800 without its "
                    "pair), which is not a character and cannot be stored; fix the escape in the file",
                    field=shown(bad, 60),
                ),
                shown(json.dumps(obj, ensure_ascii=False)[:200]),
            )
        )
        return
    table.rows.append((line, obj))


def _surrogate_field(obj: dict[str, Any]) -> str | None:
    """The first field whose name or (nested) value holds a lone surrogate."""

    def bad(v: Any) -> bool:
        if isinstance(v, str):
            return has_surrogate(v)
        if isinstance(v, dict):
            return any(bad(k) or bad(x) for k, x in v.items())
        if isinstance(v, list):
            return any(bad(x) for x in v)
        return False

    for k, v in obj.items():
        if has_surrogate(k) or bad(v):
            return k
    return None


def check_workbook(path: Path, source: str, limits: ReadLimits) -> None:
    """Refuse a workbook up front when its parts would unpack to more than the cap (a zip bomb
    inflates a 1 MB file to gigabytes), judged from the zip directory before anything is unpacked.
    A directory that lies about sizes does not help: members are read through zipfile, which stops
    at the declared size and checks the CRC."""
    cap = int(limits.xlsx_max_unpacked_mb * 1024 * 1024)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InvalidInputError(
            Msg(
                "cannot open the workbook ({error}: {text}); is it an .xlsx file "
                "saved by Excel or WPS, and was it copied whole?",
                error=type(exc).__name__,
                text=shown(str(exc), 200),
            ),
            file=source,
        ) from None
    total = sum(i.file_size for i in infos)
    if total > cap:
        biggest = max(infos, key=lambda i: i.file_size)
        raise InvalidInputError(
            Msg(
                "the workbook unpacks to {total:,.0f} MB ({part} alone {size:,.0f} MB from {packed:,.0f} KB), "
                "more than the {limit:,.0f} MB chainkg reads (setting CHAINKG_XLSX_MAX_UNPACKED_MB); "
                "it was not opened. Split the workbook, or save the sheet as CSV UTF-8",
                total=total / 1024 / 1024,
                part=shown(biggest.filename, 80),
                size=biggest.file_size / 1024 / 1024,
                packed=biggest.compress_size / 1024,
                limit=limits.xlsx_max_unpacked_mb,
            ),
            file=source,
        )


def read_xlsx(path: Path, source: str, limits: ReadLimits | None = None) -> list[RawTable]:
    """Read every non-empty worksheet of a workbook; a sheet's name says its type.

    A workbook with a single sheet whose name is not a type takes its type from the file name.
    Chart sheets hold no rows and are noted; a sheet whose XML cannot be parsed (an undefined
    entity, a cut-off file) is refused alone, with the rows read before the fault kept out too.
    """
    from openpyxl import load_workbook

    check_workbook(path, source, limits or ReadLimits())
    try:
        # Formulas are read as their saved results; a second, formula-text view is opened only
        # when the workbook has formulas, to tell "empty" from "a formula never calculated".
        wf = load_workbook(path, read_only=True, data_only=False) if _has_formulas(path) else None
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything from KeyError to XML parse errors
        raise InvalidInputError(
            Msg("cannot open the workbook ({error}: {text})", error=type(exc).__name__, text=shown(str(exc), 200)),
            file=source,
        ) from None
    tables: list[RawTable] = []
    try:
        sheets = list(wb.worksheets)
        charts = [cs.title for cs in getattr(wb, "chartsheets", [])]
        rows_sheets = [ws for ws in sheets if hasattr(ws, "iter_rows")]
        for ws in sheets:
            if not hasattr(ws, "iter_rows"):
                charts.append(ws.title)
        for ws in rows_sheets:
            title = shown(ws.title)
            hint = title if len(rows_sheets) > 1 else _single_sheet_hint(title, shown(path.stem))
            t = RawTable(source=f"{source}#{title}", path=path, format="xlsx", type_hint=hint, sheet=ws.title)
            try:
                _sheet_rows(t, ws, wf)
            except Exception as exc:  # a broken sheet's XML: refuse this sheet, keep the others
                t.rows.clear()
                t.problems = [
                    LineProblem(
                        None,
                        Msg(
                            "the sheet cannot be read ({error}: {text}); none of its rows "
                            "was loaded. Open the workbook in Excel or WPS and save it again",
                            error=type(exc).__name__,
                            text=shown(str(exc), 200),
                        ),
                    )
                ]
                t.empty = False
            tables.append(t)
        if charts and tables:
            tables[0].notes.append(
                Msg(
                    "{file}: chart sheet(s) {sheets} hold no rows and were skipped.",
                    file=source,
                    sheets=", ".join(repr(shown(c, 60)) for c in dict.fromkeys(charts)),
                )
            )
    finally:
        wb.close()
        if wf is not None:
            wf.close()
    return tables


def _sheet_rows(t: RawTable, ws: Any, wf: Any) -> None:
    header: list[str] | None = None
    lead: list[tuple[int, list[Any]]] = []
    formulas = iter(wf[ws.title].iter_rows(values_only=True)) if wf is not None else None
    for row_no, cells in enumerate(ws.iter_rows(), start=1):
        texts = next(formulas, ()) if formulas is not None else ()
        values = [_cell_value(c, texts[i] if i < len(texts) else None) for i, c in enumerate(cells)]
        if not any(v is not None and str(v).strip() for v in values):
            continue
        if header is None:
            lead.append((row_no, values))
            if len(lead) <= PREAMBLE_MAX_ROWS and is_preamble_row(values):
                continue  # a title or note above the header, unless no wider row follows
            t.preamble, (_line, first), rest = locate_header(lead)
            header = ["" if v is None else str(v).strip() for v in first]
            t.header = header
            _add_rows(t, header, rest)
            continue
        _add_rows(t, header, [(row_no, values)])
    if header is None and lead:  # only title-like rows: the first is the header after all
        header = ["" if v is None else str(v).strip() for v in lead[0][1]]
        t.header = header
        _add_rows(t, header, lead[1:])
    t.empty = header is None


@dataclass(frozen=True)
class CellError:
    """An Excel cell whose value cannot be used: an error such as #N/A, or a formula whose result
    was never saved. Validation rejects the row with ``reason`` when the cell's column is loaded."""

    shown: str
    reason: str

    def __str__(self) -> str:
        return self.shown


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


def _has_formulas(path: Path) -> bool:
    """True when a worksheet of the workbook holds a formula (an ``<f>`` element)."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.startswith("xl/worksheets/"):
                continue
            with z.open(name) as fh:  # streamed: a sheet may unpack to far more than the file's size
                tail = b""
                while chunk := fh.read(1 << 20):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-16:]
    return False


def _cell_value(cell: Any, formula: Any) -> Any:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "e" and value is not None:
        return CellError(
            str(value), Msg("the cell shows the Excel error {value}; fix the formula or type the value in", value=value)
        )
    if value is None and isinstance(formula, str) and formula.startswith("="):
        return CellError(
            formula[:200],
            Msg(
                "the cell holds a formula ({formula}) whose result was never saved; open the file in Excel "
                "or WPS and save it, or paste the values in as plain values",
                formula=formula[:60],
            ),
        )
    return value


def _single_sheet_hint(title: str, stem: str) -> str:
    from chainkg.ingest.chainmap import is_map_table_name
    from chainkg.ingest.formats import is_alias_name, spec_for_name

    known = spec_for_name(title) is not None or is_alias_name(title) or is_map_table_name(title)
    return title if known else stem


def read_tables(path: Path, source: str | None = None, limits: ReadLimits | None = None) -> list[RawTable]:
    """Read one file into tables, choosing the reader by its extension; a file over the size
    cap is refused before it is read."""
    src = source or shown(path.name)
    lim = limits or ReadLimits()
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidInputError(
            Msg("cannot read the file ({reason})", reason=shown(exc.strerror or str(exc))), file=src
        ) from None
    if size > lim.max_file_mb * 1024 * 1024:
        raise InvalidInputError(
            Msg(
                "the file is {size:,.0f} MB, more than the {limit:,.0f} MB chainkg reads in one "
                "file (setting CHAINKG_MAX_FILE_MB); it was not read. Split it into smaller files, or raise the "
                "setting on a machine with the memory for it",
                size=size / 1024 / 1024,
                limit=lim.max_file_mb,
            ),
            file=src,
        )
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, src, lim)
    if suffix in JSONL_SUFFIXES:
        return [read_jsonl(path, src)]
    if suffix in CSV_SUFFIXES:
        return [read_csv(path, src)]
    raise InvalidInputError(
        Msg(
            "chainkg reads .csv, .xlsx and .jsonl files, not '{suffix}'",
            suffix=shown(suffix) or Msg("files without an extension"),
        ),
        file=src,
    )
