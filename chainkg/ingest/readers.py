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
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from chainkg.errors import InvalidInputError
from chainkg.ingest.headers import PREAMBLE_MAX_ROWS, is_preamble_row, locate_header

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
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    empty: bool = False
    preamble: list[tuple[int, str]] = field(default_factory=list)  # title/note rows above the header


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes, detecting the encoding: BOMs, UTF-8, then GB18030 (a superset of GBK).

    Returns ``(text, encoding)``; raises ``InvalidInputError`` when no encoding fits.

    Examples
    --------
    >>> decode("企业".encode("gbk"))
    ('企业', 'gb18030')
    """
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8"), "utf-8-sig"
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16"), "utf-16"
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"the file starts like a Unicode text file but byte {exc.start} is not valid; "
            "save it again as 'CSV UTF-8' from Excel and try again"
        ) from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise InvalidInputError(
            "cannot tell the text encoding of this file; save it as 'CSV UTF-8' from Excel and try again"
        )
    return str(best), f"{best.encoding} ({GUESSED})"


GUESSED = "guessed"
"""Marks an encoding found by statistics rather than by rule (``'cp1252 (guessed)'``)."""


def _utf16_without_bom(data: bytes) -> str | None:
    """``'utf-16-le'``/``'utf-16-be'`` when the bytes look like UTF-16 saved without a BOM.

    Text in UTF-8 or GBK has no NUL bytes; UTF-16 has one in every ASCII character (delimiters,
    digits, line breaks), always on the same side of the pair.
    """
    sample = data[:65536]
    if b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 4 and even == 0:
        return "utf-16-le"
    if even >= 4 and odd == 0:
        return "utf-16-be"
    return None


def _sniff_delimiter(first_line: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "，")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_csv(path: Path, source: str) -> RawTable:
    """Read a delimited text file (comma, tab or semicolon; detected from the header)."""
    table = RawTable(source=source, path=path, format="csv", type_hint=path.stem)
    data = path.read_bytes()
    try:
        text, table.encoding = decode(data)
    except InvalidInputError as exc:
        raise InvalidInputError(exc.reason, file=source) from None
    if not text.strip():
        table.empty = True
        return table
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = _sniff_delimiter(first, path.suffix)
    body = text.lstrip("\ufeff")
    buf = io.StringIO(body, newline="")
    reader = csv.reader(buf, delimiter=delimiter)
    consumed = 0
    header: list[str] | None = None
    lead: list[tuple[int, list[Any]]] = []
    while True:
        start = consumed + 1
        offset = buf.tell()
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            table.problems.append(LineProblem(start, f"the line cannot be read as CSV ({exc}); check its quotes"))
            consumed = reader.line_num
            continue
        consumed = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if consumed > start and header is not None:
            # A record over several lines: legitimate (a quoted cell with line breaks) unless a
            # quote was never closed and swallowed the rows after it into one cell.
            unclosed = _unclosed_quote(body[offset : buf.tell()], delimiter, len(header))
            if unclosed:
                table.problems.append(
                    LineProblem(
                        start,
                        f'a quote (") opened on line {start} is not closed where it should be, so lines '
                        f"{start}–{consumed} were read as one row ({unclosed}); none of these lines was loaded. "
                        "Remove the stray quote or close it, then load the file again",
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
            for n, vals in rest:
                row = _zip_row(header, vals, n, table)
                if row is not None:
                    table.rows.append((n, row))
            continue
        row = _zip_row(header, cells, start, table)
        if row is not None:
            table.rows.append((start, row))
    if header is None and lead:  # only title-like rows: the first is the header after all
        table.header = header = [c.strip() for c in lead[0][1]]
        for n, vals in lead[1:]:
            row = _zip_row(header, vals, n, table)
            if row is not None:
                table.rows.append((n, row))
    return table


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


def _zip_row(header: list[str], cells: list[Any], line: int, table: RawTable) -> dict[str, Any] | None:
    extra = [c for c in cells[len(header) :] if c not in (None, "") and str(c).strip()]
    if extra:
        table.problems.append(
            LineProblem(
                line,
                f"the row has {len(cells)} cells but the header has {len(header)} columns; "
                "a value probably holds an unquoted comma",
                str(extra[0])[:200],
            )
        )
        return None
    return {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(header) if h}


def read_jsonl(path: Path, source: str) -> RawTable:
    """Read JSON Lines (one object a line); a ``.json`` file holding one array also works."""
    table = RawTable(source=source, path=path, format="jsonl", type_hint=path.stem)
    try:
        text, table.encoding = decode(path.read_bytes())
    except InvalidInputError as exc:
        raise InvalidInputError(exc.reason, file=source) from None
    stripped = text.strip()
    if not stripped:
        table.empty = True
        return table
    if stripped.startswith("[") and path.suffix == ".json":
        try:
            items = json.loads(stripped, object_pairs_hook=_no_duplicate_names)
        except json.JSONDecodeError as exc:
            table.problems.append(LineProblem(exc.lineno, f"the file is not valid JSON ({exc.msg})"))
            return table
        except _DuplicateName as exc:
            table.problems.append(LineProblem(None, f"the file is not loaded: {exc}"))
            return table
        except RecursionError:
            table.problems.append(LineProblem(None, f"the file is not loaded: {_TOO_DEEP}"))
            return table
        for i, obj in enumerate(items, start=1):
            _add_json_obj(table, i, obj)
        table.header = sorted({k for _, r in table.rows for k in r})
        return table
    for no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, object_pairs_hook=_no_duplicate_names)
        except json.JSONDecodeError as exc:
            table.problems.append(LineProblem(no, f"the line is not valid JSON ({exc.msg})", line[:200]))
            continue
        except _DuplicateName as exc:
            table.problems.append(LineProblem(no, str(exc), line[:200]))
            continue
        except RecursionError:
            table.problems.append(LineProblem(no, _TOO_DEEP, line[:200]))
            continue
        _add_json_obj(table, no, obj)
    table.header = list(dict.fromkeys(k for _, r in table.rows for k in r))
    return table


_TOO_DEEP = "the JSON is nested too deeply to be a row (one object {...} of plain values per line is expected)"


class _DuplicateName(ValueError):
    """A JSON object names the same field twice: which value is meant cannot be told."""


def _no_duplicate_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out and out[k] != v:
            raise _DuplicateName(
                f"the object gives field '{k}' twice with different values ({str(out[k])[:50]!r} and "
                f"{str(v)[:50]!r}); keep one"
            )
        out[k] = v
    return out


def _add_json_obj(table: RawTable, line: int, obj: Any) -> None:
    if not isinstance(obj, dict):
        table.problems.append(LineProblem(line, "each line must be one JSON object {...}", str(obj)[:200]))
        return
    table.rows.append((line, obj))


def read_xlsx(path: Path, source: str) -> list[RawTable]:
    """Read every non-empty sheet of a workbook; a sheet's name says its type.

    A workbook with a single sheet whose name is not a type takes its type from the file name.
    """
    from openpyxl import load_workbook

    try:
        # Formulas are read as their saved results; a second, formula-text view is opened only
        # when the workbook has formulas, to tell "empty" from "a formula never calculated".
        wf = load_workbook(path, read_only=True, data_only=False) if _has_formulas(path) else None
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InvalidInputError(f"cannot open the workbook ({type(exc).__name__}: {exc})", file=source) from None
    tables: list[RawTable] = []
    try:
        sheets = list(wb.worksheets)
        for ws in sheets:
            hint = ws.title if len(sheets) > 1 else _single_sheet_hint(ws.title, path.stem)
            t = RawTable(source=f"{source}#{ws.title}", path=path, format="xlsx", type_hint=hint, sheet=ws.title)
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
                    for n, vals in rest:
                        row = _zip_row(header, vals, n, t)
                        if row is not None:
                            t.rows.append((n, row))
                    continue
                row = _zip_row(header, values, row_no, t)
                if row is not None:
                    t.rows.append((row_no, row))
            if header is None and lead:
                header = ["" if v is None else str(v).strip() for v in lead[0][1]]
                t.header = header
                for n, vals in lead[1:]:
                    row = _zip_row(header, vals, n, t)
                    if row is not None:
                        t.rows.append((n, row))
            t.empty = header is None
            tables.append(t)
    finally:
        wb.close()
        if wf is not None:
            wf.close()
    return tables


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
        return CellError(str(value), f"the cell shows the Excel error {value}; fix the formula or type the value in")
    if value is None and isinstance(formula, str) and formula.startswith("="):
        return CellError(
            formula[:200],
            f"the cell holds a formula ({formula[:60]}) whose result was never saved; open the file in Excel "
            "or WPS and save it, or paste the values in as plain values",
        )
    return value


def _single_sheet_hint(title: str, stem: str) -> str:
    from chainkg.ingest.formats import is_alias_name, spec_for_name

    return title if spec_for_name(title) is not None or is_alias_name(title) else stem


def read_tables(path: Path, source: str | None = None) -> list[RawTable]:
    """Read one file into tables, choosing the reader by its extension."""
    src = source or path.name
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, src)
    if suffix in JSONL_SUFFIXES:
        return [read_jsonl(path, src)]
    if suffix in CSV_SUFFIXES:
        return [read_csv(path, src)]
    raise InvalidInputError(
        f"chainkg reads .csv, .xlsx and .jsonl files, not '{suffix or 'files without an extension'}'",
        file=src,
    )
