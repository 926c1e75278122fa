"""JSON Lines read column by column: one pyarrow parse per file, per-line Python only as a fallback.

:func:`read_columns` gives the fields a loader asks for as columns, with the line number of
each row, and the lines that are not JSON objects. A clean file (every line one ``{...}``
object, each field of one JSON type throughout) is parsed by ``pyarrow.json`` in one go; any
other file (a bad line, a blank line, ``\\r``, a field that is a string in one row and a number
in the next, a repeated key, ``NaN``) is parsed line by line with :mod:`json`, exactly as the
per-line loader did, so both paths give the same values for the same file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

_OPEN, _CLOSE, _NL = ord("{"), ord("}"), ord("\n")


ANY = pa.null()
"""The type to give a field whose values may be any JSON value (an object, a list): the file is
then always read line by line."""


@dataclass
class Columns:
    """The rows of one JSON Lines file that are JSON objects, as columns."""

    lines: np.ndarray
    """Line number (1-based, blank lines counted) of each object row (int64)."""
    types: dict[str, pa.DataType]
    bad: list[tuple[int, str]] = field(default_factory=list)
    """``(line number, raw line)`` of each non-blank line that is not a JSON object."""
    rows: int = 0
    """Non-blank lines read (object rows + bad lines)."""
    table: pa.Table | None = None
    """The fields as parsed by pyarrow (the fast path), else None."""
    objects: dict[str, list[Any]] = field(default_factory=dict)
    """Field -> each row's value as :mod:`json` gives it (the per-line path only)."""

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def columnar(self) -> bool:
        """True when pyarrow parsed the file in one go."""
        return self.table is not None

    def raw(self, name: str, rows: np.ndarray | None = None) -> list[Any]:
        """The value of ``name`` as :mod:`json` gives it (``None`` where absent or null), for
        every row or for the rows (indices) given."""
        if self.table is not None:
            col = self.table.column(name)
            return (col if rows is None else col.take(pa.array(rows, pa.int64()))).to_pylist()
        values = self.objects[name]
        return values if rows is None else [values[i] for i in rows.tolist()]

    def array(self, name: str) -> pa.Array:
        """``name`` as an Arrow array of its declared type; a value of another JSON type is null.

        A float64 field takes any JSON number (and ``true``/``false``, which Python counts as
        numbers), as ``float(value)``.
        """
        if self.table is not None:
            return self.table.column(name).combine_chunks()
        type_ = self.types[name]
        values = self.objects[name]
        if pa.types.is_floating(type_):
            return pa.array([float(v) if isinstance(v, int | float) else None for v in values], type_)
        if pa.types.is_string(type_):
            return pa.array([v if isinstance(v, str) else None for v in values], type_)
        raise TypeError(f"no Arrow column for a field of type {type_}")

    def text(self, name: str) -> pa.Array:
        """``str(value or "")`` of each row, as a string array without nulls."""
        if self.table is not None:
            col = self.table.column(name).combine_chunks()
            if pa.types.is_string(col.type):
                return pc.fill_null(col, "")
        return pa.array([str(v or "") for v in self.raw(name)], pa.string())

    def dicts(self) -> list[tuple[int, dict[str, Any]]]:
        """``(line, {field: value})`` per row, for the small files whose checks stay per row."""
        cols = [(name, self.raw(name)) for name in self.types]
        return [(no, {name: vals[i] for name, vals in cols}) for i, no in enumerate(self.lines.tolist())]


def _shaped(data: bytes) -> int | None:
    """The number of lines when every line is exactly one ``{...}`` (no blanks, no ``\\r``), else None."""
    if not data or b"\r" in data:
        return None
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == _NL)
    if buf[-1] != _NL:  # a last line without its newline
        ends = np.append(ends, len(buf))
    starts = np.concatenate(([0], ends[:-1] + 1))
    if np.any(ends <= starts):  # a blank line
        return None
    if not (np.all(buf[starts] == _OPEN) and np.all(buf[ends - 1] == _CLOSE)):
        return None
    return len(ends)


def _arrow(data: bytes, types: dict[str, pa.DataType], n_lines: int) -> pa.Table | None:
    """The requested fields parsed by pyarrow, or None when pyarrow cannot keep to JSON's values."""
    schema = pa.schema(list(types.items()))
    try:
        table = pj.read_json(
            pa.BufferReader(data),
            read_options=pj.ReadOptions(use_threads=True, block_size=max(1 << 20, len(data) // 2 + 1)),
            parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # a bad line, mixed types, a repeated key, NaN, a number too large ...
    if table.num_rows != n_lines:  # e.g. two objects on one line
        return None
    return table.select(list(types))


def _per_line(text: str, types: dict[str, pa.DataType]) -> Columns:
    """The per-line parse: ``json`` on the whole file, then on each line where that fails."""
    numbered = [(no, line) for no, line in enumerate(text.split("\n"), start=1) if line.strip()]
    try:
        # One parse of the whole file is 3x faster than one per line; fall back on a bad line.
        objs: list[Any] | None = json.loads("[" + ",".join(line for _, line in numbered) + "]")
    except json.JSONDecodeError:
        objs = None
    shaped = all(line.lstrip().startswith("{") and line.rstrip().endswith("}") for _, line in numbered)
    if objs is not None and (len(objs) != len(numbered) or not shaped):
        objs = None
    out = Columns(lines=np.zeros(0, np.int64), types=types, rows=len(numbered), objects={f: [] for f in types})
    lines: list[int] = []
    for i, (no, line) in enumerate(numbered):
        if objs is not None:
            obj = objs[i]
        else:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                out.bad.append((no, line))
                continue
        if not isinstance(obj, dict):
            out.bad.append((no, line))
            continue
        lines.append(no)
        for f in types:
            out.objects[f].append(obj.get(f))
    out.lines = np.array(lines, dtype=np.int64)
    return out


def read_columns(path: Path, types: dict[str, pa.DataType]) -> Columns:
    """The fields ``types`` names (field -> the Arrow type its JSON values have) of a JSON Lines file.

    A value of another JSON type anywhere in the file sends the whole file down the per-line
    path, which keeps values as :mod:`json` gives them (an int where a string was expected, and
    so on) for the caller to check: see :meth:`Columns.raw`, :meth:`Columns.array` and
    :meth:`Columns.text`.
    """
    data = path.read_bytes()
    # Decoded first for the error a file that is not UTF-8 always gave; universal newlines as
    # ``read_text`` had them.
    text = data.decode("utf-8")
    n_lines = None if ANY in types.values() else _shaped(data)
    table = _arrow(data, types, n_lines) if n_lines else None
    if table is None or n_lines is None:
        return _per_line(text.replace("\r\n", "\n").replace("\r", "\n"), types)
    return Columns(lines=np.arange(1, n_lines + 1, dtype=np.int64), types=types, rows=n_lines, table=table)
