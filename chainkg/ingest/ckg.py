"""Loader for the public ChainKnowledgeGraph data set (A-share companies, SW2021 industries, products).

Mapping onto the chainkg model:

========================  ===================================================================
file                      becomes
========================  ===================================================================
industry.json             Industry, key ``SW2021:<code>``, level from the code's shape
industry_industry.json    SUB_INDUSTRY_OF (from_code -> to_code)
industry_up.json          UPSTREAM_OF (upstream industry -> industry, ``weight`` = count)
company.json              Enterprise, key = stock code with exchange suffix; province/city
                          derived from the full name; a Base ``city:<city>`` per city, with
                          LOCATED_IN from each company placed there
company_industry.json     IN_INDUSTRY; after the load, LEADS_IN from each city base to the
                          SW2021 level-3 industries it is specialised in (:func:`derive_city_leads`)
product.json              Product, key = the name verbatim
company_product.json      MAKES, ``share`` = rel_weight (may be negative or zero)
product_product.json      上游材料: INPUT_TO(to_entity -> from_entity);
                          下游产品: INPUT_TO(from_entity -> to_entity);
                          产品小类: SUBTYPE_OF(to_entity -> from_entity)
========================  ===================================================================

Every quirk of the data is handled and counted: duplicate stock codes and short names,
bare stock codes, a date in the exchange column, relation rows that match nothing,
product names whose quotes and backslashes were escaped differently in different files,
and negative weights. Each row that cannot be resolved is a rejection with its file and line.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chainkg.errors import InvalidInputError
from chainkg.graph.store.base import GraphStore, WriteResult
from chainkg.i18n import N_, Msg, gettext
from chainkg.ingest.chainmap import load_shipped_maps
from chainkg.ingest.checks import EXCHANGE_NAMES, exchange_for
from chainkg.ingest.jsonl import ANY, Columns, read_columns
from chainkg.ingest.progress import NullProgress, Progress
from chainkg.ingest.receipts import files_fingerprint, save_receipt, unchanged_reload
from chainkg.ingest.report import FileInfo, IngestReport, Merge, Rejection, TypeStats, value_text
from chainkg.ingest.write import write_rows

CKG_FILES: tuple[str, ...] = (
    "industry.json",
    "industry_industry.json",
    "industry_up.json",
    "company.json",
    "company_industry.json",
    "product.json",
    "company_product.json",
    "product_product.json",
)
SCHEME = "SW2021"
SOURCE_PREFIX = "ckg:"
"""Provenance ``source`` of every fact from the data set: ``ckg:company.json`` and so on (short on
purpose: Neo4j stores short strings inline, which makes the full load about a fifth faster)."""
MUNICIPALITIES = frozenset({"北京市", "上海市", "天津市", "重庆市"})
_EXCHANGE_BY_NAME = {name: suffix for suffix, name in EXCHANGE_NAMES.items()}
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}
_NOISE = re.compile(r"[\\/\"'\s\x00-\x1f]+")
_NOT_OBJECT = N_("the line is not a JSON object")


def city_base_key(city: str) -> str:
    """Key of the Base derived for a city: ``city:深圳市``."""
    return f"city:{city}"


def city_base_name(city: str) -> str:
    """Display name of a derived city Base: ``深圳市（城市，推导）``."""
    return f"{city}（城市，推导）"


def industry_level(code: str) -> int:
    """SW2021 level from the code: ``xx0000`` is 1, ``xxxx00`` is 2, else 3."""
    if code.endswith("0000"):
        return 1
    if code.endswith("00"):
        return 2
    return 3


LEAD_MIN_LQ = 2.0
"""A city leads in an industry whose share of its firms is at least this many times the national share."""
LEAD_MIN_SHARE = 0.01
"""... and that holds at least this share of the city's firms (and at least two firms)."""


def leading_industries(
    city: Mapping[str, int], national: Mapping[str, int], city_total: int, national_total: int
) -> dict[str, tuple[int, float]]:
    """The industries a city leads in, each with its firm count and location quotient.

    ``city`` and ``national`` count firms per industry; the totals count firms with an
    industry. An industry leads when the city has at least ``max(2, ⌈1 % of its firms⌉)``
    firms in it and its location quotient ``(city[i] / city_total) / (national[i] /
    national_total)`` is at least 2: a specialisation, not a big city being big (docs/ingest.md).

    Examples
    --------
    >>> leading_industries({"LED": 11, "软件": 8, "面板": 1}, {"LED": 29, "软件": 150, "面板": 35}, 271, 4328)
    {'LED': (11, 6.06)}
    """
    if city_total <= 0 or national_total <= 0:
        return {}
    least = max(2, math.ceil(LEAD_MIN_SHARE * city_total - 1e-9))
    out: dict[str, tuple[int, float]] = {}
    for ind, n in sorted(city.items()):
        nat = national.get(ind, 0)
        if n < least or nat <= 0:
            continue
        lq = (n / city_total) / (nat / national_total)
        if lq >= LEAD_MIN_LQ:
            out[ind] = (n, round(lq, 2))
    return out


def canonical_product(name: str) -> str:
    """A product name with escapes decoded and quotes, slashes, backslashes and spaces removed.

    The data set writes one name differently in different files (``锌合金\\\\铝合金`` in
    product.json, ``锌合金/铝合金`` in product_product.json); this form matches them.

    Examples
    --------
    >>> canonical_product('防伪\\\\"碘盐标志\\\\"') == canonical_product('防伪"碘盐标志"')
    True
    """
    return _NOISE.sub("", unicodedata.normalize("NFKC", _decoded(name)))


def _decoded(name: str) -> str:
    """A name with backslash escapes decoded and outer spaces trimmed."""
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), name).strip()


_TEXT = pa.string()
_FIELDS: dict[str, dict[str, pa.DataType]] = {
    # file -> the fields the loader reads, with the JSON type each has in a clean file
    "industry.json": {"code": _TEXT, "name": _TEXT},
    "industry_industry.json": {"from_code": _TEXT, "to_code": _TEXT},
    "industry_up.json": {"industry": _TEXT, "ups": ANY},
    "company.json": {"code": _TEXT, "name": _TEXT, "fullname": _TEXT, "location": _TEXT, "time": _TEXT},
    "company_industry.json": {
        "company_code": _TEXT,
        "company_name": _TEXT,
        "industry_code": _TEXT,
        "industry_name": _TEXT,
    },
    "product.json": {"name": _TEXT},
    "company_product.json": {
        "company_code": _TEXT,
        "company_name": _TEXT,
        "product_name": _TEXT,
        "rel_weight": pa.float64(),
    },
    "product_product.json": {"from_entity": _TEXT, "to_entity": _TEXT, "rel": _TEXT},
}
_SIX = r"^[0-9]{6}(\.|$)"
"""A stock code whose six digits are its first six characters as written (no space, no case)."""


def _blank(names: pa.Array) -> np.ndarray:
    """True where a string is empty or only whitespace by Python's ``str.strip`` (null: False).

    Only strings that begin with a character Python counts as space are tested in Python.
    """
    first = pc.utf8_slice_codeunits(names, 0, 1)
    spaces = [c for c in pc.unique(first).to_pylist() if c is not None and (c == "" or c.isspace())]
    if not spaces:
        return np.zeros(len(names), dtype=bool)
    out = pc.fill_null(pc.is_in(first, value_set=pa.array(spaces, pa.string())), False).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(out):
        out[i] = not names[int(i)].as_py().strip()
    return out


def _mask(arr: pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy, null counted as False."""
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False)


def _repeat(value: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), n)


def _first_of(*cols: pa.Array) -> np.ndarray:
    """For each row, the index of the first row with the same values in ``cols`` (no nulls)."""
    key = cols[-1]
    if len(cols) > 1:
        # Each leading value is prefixed with its length, so no two different tuples join alike.
        parts: list[Any] = []
        for col in cols[:-1]:
            text = col.cast(pa.string())
            parts += [pc.cast(pc.utf8_length(text), pa.string()), ":", text]
        key = pc.binary_join_element_wise(*parts, key, "")
    return pc.index_in(key, value_set=key).to_numpy(zero_copy_only=False)


def _folded(type_: str, file: str, line: int, src: str, dst: str, first_line: int) -> Merge:
    """The merge reported for a relationship given again (it is folded into its first row)."""
    return Merge.of(
        type_,
        file,
        line,
        f"{src} → {dst}",
        f"{src} → {dst}",
        Msg("same relationship again: folded into line {line}", line=first_line),
    )


class _CanonicalIndex:
    """Products by :func:`canonical_product` form, built for the few names that need it.

    A name without any character the canonical form removes or rewrites (no quote, slash,
    backslash, space or control character, already NFKC) is its own canonical form: those
    are looked up in the product set itself, and only the others are indexed.
    """

    def __init__(self, products: set[str]) -> None:
        self.products = products
        self.odd: dict[str, set[str]] = {}
        self.odd_names: set[str] = set()
        normal = unicodedata.is_normalized
        for p in products:
            if _NOISE.search(p) is not None or not normal("NFKC", p):
                self.odd.setdefault(canonical_product(p), set()).add(p)
                self.odd_names.add(p)

    def get(self, canonical: str) -> set[str]:
        hits = set(self.odd.get(canonical, ()))
        if canonical in self.products and canonical not in self.odd_names:
            hits.add(canonical)
        return hits


class _CkgLoad:
    def __init__(self, store: GraphStore, folder: Path, progress: Progress, batch_size: int | None) -> None:
        self.store = store
        self.folder = folder
        self.progress = progress
        self.batch_size = batch_size
        self.report = IngestReport()
        self.now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.industry_by_code: dict[str, str] = {}
        self.industry_by_name: dict[str, str] = {}
        self.company_by_six: dict[str, str] = {}
        self.company_by_name: dict[str, set[str]] = {}
        self.products: set[str] = set()
        self.product_keys = pa.array([], pa.string())  # the same names, for vectorised look-ups
        self._canon: _CanonicalIndex | None = None
        # Files parsed ahead of their turn (company_industry.json, for industry names in
        # ``upstream``): ``read`` takes the parse from here rather than parsing the file again.
        self._parsed: dict[str, Columns] = {}
        # While a columnar step runs, rejections and merges wait here with their line and are
        # applied in line order at its end, so the report reads as if the file was walked line by
        # line (same order of rejections, merges and first-counted types).
        self._events: list[tuple[int, Callable[[], None]]] | None = None
        # One writer thread: writes keep their order (nodes before the relationships that need
        # them) while the main thread parses the next file, so Python and the store work at once.
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ckg-writer")
        self.pending: list[tuple[str, Future[WriteResult]]] = []

    # -- helpers --------------------------------------------------------------------------------
    def stats(self, type_: str, kind: str = "node") -> TypeStats:
        return self.report.stats(type_, "node" if kind == "node" else "rel")

    def reject(
        self, type_: str, file: str, line: int, reason: str, field: str | None = None, value: Any = None
    ) -> None:
        def apply() -> None:
            self.report.rejections.append(
                Rejection(file=file, line=line, field=field, value=value_text(value), reason=reason, type=type_)
            )
            self.report.stats(type_).rejected += 1

        self._event(line, apply)

    def merge(self, merge: Merge, counted: str | None = None) -> None:
        """Report a merge; ``counted`` names the relationship type whose ``merged`` it adds to."""

        def apply() -> None:
            if counted is not None:
                self.stats(counted, "rel").merged += 1
            self.report.merges.append(merge)

        self._event(merge.line or 0, apply)

    def _event(self, line: int, apply: Callable[[], None]) -> None:
        if self._events is None:
            apply()
        else:
            self._events.append((line, apply))

    @contextmanager
    def in_line_order(self) -> Iterator[None]:
        """Hold the rejections and merges of a columnar step, then apply them by line (stable)."""
        self._events = []
        try:
            yield
            events = sorted(self._events, key=lambda e: e[0])
        finally:
            self._events = None
        for _, apply in events:
            apply()

    def columns(self, name: str) -> Columns:
        """The fields of ``name`` the loader reads (from the parse made ahead of time, if any)."""
        parsed = self._parsed.pop(name, None)
        return parsed if parsed is not None else read_columns(self.folder / name, _FIELDS[name])

    def read_columns(self, name: str, type_: str, *, count: bool = True) -> Columns:
        """One file as columns; lines that are not JSON objects are rejected (and counted).

        With ``count`` the object rows are added to ``type_``'s ``read`` counter. Call inside
        :meth:`in_line_order` so the rejections keep their place among the step's own.
        """
        task = gettext("read {file}").format(file=name)  # a progress bar: in the reader's language
        self.progress.start(task, None)
        cols = self.columns(name)
        for no, raw in cols.bad:

            def bad(no: int = no, raw: str = raw) -> None:
                self.report.stats(type_).read += 1
                self.report.rejections.append(
                    Rejection(
                        file=name,
                        line=no,
                        field=None,
                        value=value_text(raw[:200]),
                        reason=Msg(_NOT_OBJECT),
                        type=type_,
                    )
                )
                self.report.stats(type_).rejected += 1

            self._event(no, bad)
        if count:

            def counted() -> None:  # after the rows' own events, as at the end of a walk over them
                self.report.stats(type_).read += len(cols)

            self._event(1 << 62, counted)
        self.report.files.append(
            FileInfo(source=SOURCE_PREFIX + name, type=type_, format="jsonl", encoding="utf-8", rows=cols.rows)
        )
        self.progress.advance(task, cols.rows)
        self.progress.finish(task)
        return cols

    def read(self, name: str, type_: str, *, count: bool = True) -> Iterator[tuple[int, dict[str, Any]]]:
        """Rows of one file as dicts (the small files); lines that are not JSON objects are
        rejected (and counted) in their place among the rows.

        With ``count`` the rows yielded are added to ``type_``'s ``read`` counter.
        """
        task = gettext("read {file}").format(file=name)  # a progress bar: in the reader's language
        self.progress.start(task, None)
        cols = self.columns(name)
        bad = sorted(cols.bad)
        b = 0
        for no, obj in cols.dicts():
            while b < len(bad) and bad[b][0] < no:
                self.report.stats(type_).read += 1
                self.reject(type_, name, bad[b][0], Msg(_NOT_OBJECT), value=bad[b][1][:200])
                b += 1
            yield no, obj
        for no, raw in bad[b:]:
            self.report.stats(type_).read += 1
            self.reject(type_, name, no, Msg(_NOT_OBJECT), value=raw[:200])
        if count:
            self.report.stats(type_).read += len(cols)
        self.report.files.append(
            FileInfo(source=SOURCE_PREFIX + name, type=type_, format="jsonl", encoding="utf-8", rows=cols.rows)
        )
        self.progress.advance(task, cols.rows)
        self.progress.finish(task)

    def prov(self, file: str, line: int) -> dict[str, Any]:
        return {"source": SOURCE_PREFIX + file, "source_row": line, "loaded_at": self.now}

    def write_nodes(self, label: str, rows: list[dict[str, Any]]) -> None:
        """Queue a node write; it runs on the writer thread while the next file is parsed."""
        self.stats(label).loaded += len(rows)
        self._queue(label, rows)

    def write_rels(self, type_: str, a: str, b: str, rows: dict[tuple[str, str], dict[str, Any]]) -> None:
        """Queue a relationship write (after the node writes queued before it)."""
        self.stats(type_, "rel").loaded += len(rows)
        self._queue(type_, list(rows.values()), (a, b))

    def write_table(self, type_: str, table: pa.Table, ends: tuple[str, str] | None = None) -> None:
        """Queue a node write (``ends`` None) or a relationship write of rows held as an Arrow table."""
        if ends is None:
            self.stats(type_).loaded += table.num_rows
        else:
            self.stats(type_, "rel").loaded += table.num_rows
        self._queue(type_, table, ends)

    def _queue(self, type_: str, rows: list[dict[str, Any]] | pa.Table, ends: tuple[str, str] | None = None) -> None:
        """Hand a write to the writer thread; writes run in the order they are queued."""
        future = self.writer.submit(
            write_rows, self.store, type_, rows, ends=ends, batch_size=self.batch_size, progress=self.progress
        )
        self.pending.append((type_, future))

    def finish_writes(self) -> None:
        """Wait for every queued write, in order, and count what the store did."""
        try:
            for type_, future in self.pending:
                res = future.result()
                s = self.report.stats(type_)
                s.add_write(res.created, res.updated, res.unchanged)
                for sk in res.skipped:
                    s.loaded -= 1
                    self.reject(type_, str(sk.get("source")), int(sk.get("source_row") or 0), Msg("an end is missing"))
        finally:
            self.writer.shutdown(wait=True, cancel_futures=True)
            self.pending.clear()

    def fold(
        self,
        type_: str,
        bucket: dict[tuple[str, str], dict[str, Any]],
        ident: tuple[str, str],
        row: dict[str, Any],
        file: str,
        line: int,
    ) -> None:
        """Keep one relationship per (src, dst); a repeat is counted as merged (later values win)."""
        if ident in bucket:
            first = bucket[ident]
            self.merge(_folded(type_, file, line, ident[0], ident[1], first["source_row"]), counted=type_)
            first.update({k: v for k, v in row.items() if k not in ("source", "source_row") and v is not None})
            return
        bucket[ident] = row

    # -- industries ------------------------------------------------------------------------------
    def industries(self) -> None:
        rows: list[dict[str, Any]] = []
        for no, r in self.read("industry.json", "Industry"):
            code, name = str(r.get("code") or "").strip(), str(r.get("name") or "").strip()
            if not re.fullmatch(r"[0-9]{6}", code) or not name:
                self.reject("Industry", "industry.json", no, Msg("needs a six-digit code and a name"), "code", code)
                continue
            key = f"{SCHEME}:{code}"
            if code in self.industry_by_code:
                self.stats("Industry").merged += 1
                continue
            self.industry_by_code[code] = key
            self.industry_by_name.setdefault(name, key)
            rows.append(
                {"key": key, "name": name, "code": code, "scheme": SCHEME, "level": industry_level(code)}
                | self.prov("industry.json", no)
            )
        self.write_nodes("Industry", rows)

    def sub_industries(self) -> None:
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for no, r in self.read("industry_industry.json", "SUB_INDUSTRY_OF"):
            a = self.industry_by_code.get(str(r.get("from_code")))
            b = self.industry_by_code.get(str(r.get("to_code")))
            if a is None or b is None:
                bad = "from_code" if a is None else "to_code"
                self.reject(
                    "SUB_INDUSTRY_OF", "industry_industry.json", no, Msg("no industry with this code"), bad, r.get(bad)
                )
                continue
            self.fold(
                "SUB_INDUSTRY_OF",
                out,
                (a, b),
                {"src": a, "dst": b} | self.prov("industry_industry.json", no),
                "industry_industry.json",
                no,
            )
        self.write_rels("SUB_INDUSTRY_OF", "Industry", "Industry", out)

    def industry_names_from_company_industry(self) -> dict[str, str]:
        """Industry names used in company_industry.json whose code is known (older SW names)."""
        extra: dict[str, str] = {}
        file = "company_industry.json"
        self._parsed[file] = parsed = self.columns(file)
        for _no, obj in parsed.dicts():
            name, code = str(obj.get("industry_name") or ""), str(obj.get("industry_code") or "")
            if name and name not in self.industry_by_name and code in self.industry_by_code:
                extra.setdefault(name, self.industry_by_code[code])
        return extra

    def upstream(self) -> None:
        s = self.stats("UPSTREAM_OF", "rel")
        out: dict[tuple[str, str], dict[str, Any]] = {}
        older = self.industry_names_from_company_industry()
        via_older: set[str] = set()

        def find(name: str) -> str | None:
            if name in self.industry_by_name:
                return self.industry_by_name[name]
            if name in older:
                via_older.add(name)
                return older[name]
            return None

        for no, r in self.read("industry_up.json", "UPSTREAM_OF", count=False):
            ups = r.get("ups") or {}
            industry = str(r.get("industry") or "")
            target = find(industry)
            s.read += len(ups)
            if target is None:
                for _ in ups:
                    self.reject(
                        "UPSTREAM_OF",
                        "industry_up.json",
                        no,
                        Msg("no SW2021 industry has this name"),
                        "industry",
                        industry,
                    )
                continue
            for up, count in ups.items():
                src = find(up)
                if src is None:
                    self.reject(
                        "UPSTREAM_OF", "industry_up.json", no, Msg("no SW2021 industry has this name"), "ups", up
                    )
                    continue
                row = {"src": src, "dst": target, "weight": float(count)} | self.prov("industry_up.json", no)
                self.fold("UPSTREAM_OF", out, (src, target), row, "industry_up.json", no)
        for name in sorted(via_older):
            self.report.merges.append(
                Merge.of(
                    "Industry",
                    "industry_up.json",
                    None,
                    name,
                    older[name],
                    Msg("industry name not in industry.json; matched through its code in company_industry.json"),
                )
            )
        self.write_rels("UPSTREAM_OF", "Industry", "Industry", out)

    # -- companies -------------------------------------------------------------------------------
    def companies(self) -> None:
        s = self.stats("Enterprise")
        rows: dict[str, dict[str, Any]] = {}
        bare = date_in_exchange = 0
        for no, r in self.read("company.json", "Enterprise"):
            code = str(r.get("code") or "").strip().upper()
            name = str(r.get("name") or "").strip()
            m = re.fullmatch(r"([0-9]{6})(?:\.(SH|SZ|BJ))?", code)
            if not m or not name:
                self.reject(
                    "Enterprise", "company.json", no, Msg("needs a six-digit stock code and a name"), "code", code
                )
                continue
            location = str(r.get("location") or "").strip()
            suffix = m.group(2)
            if location not in _EXCHANGE_BY_NAME:
                date_in_exchange += 1
                self.report.notes.append(
                    Msg(
                        "company.json line {line}: the exchange column holds {value!r}; "
                        "the exchange of {name} was taken from its stock code.",
                        line=no,
                        value=location,
                        name=name,
                    )
                )
            if suffix is None:
                bare += 1
                suffix = _EXCHANGE_BY_NAME.get(location) or exchange_for(m.group(1))
            if suffix is None:
                self.reject(
                    "Enterprise", "company.json", no, Msg("cannot tell the exchange of this code"), "code", code
                )
                continue
            key = f"{m.group(1)}.{suffix}"
            if key in rows:
                first = rows[key]
                s.merged += 1
                self.report.merges.append(
                    Merge(
                        type="Enterprise",
                        file="company.json",
                        line=no,
                        given=f"{name} ({r.get('fullname')})",
                        key=key,
                        how=Msg(
                            "same stock code as line {line} ({name}, {full_name}); kept the first row",
                            line=first["source_row"],
                            name=first["name"],
                            full_name=first["full_name"],
                        ),
                    )
                )
                continue
            rows[key] = {
                "key": key,
                "name": name,
                "full_name": str(r.get("fullname") or "").strip() or None,
                "stock_code": key,
                "exchange": EXCHANGE_NAMES[suffix],
                "listing_date": str(r.get("time") or "").strip() or None,
            } | self.prov("company.json", no)
            self.company_by_six[m.group(1)] = key
            self.company_by_name.setdefault(name, set()).add(key)
        dup_names = sorted(n for n, keys in self.company_by_name.items() if len(keys) > 1)
        dup_rows = sum(1 for m in self.report.merges if m.type == "Enterprise")
        self.report.notes.append(
            Msg(
                "company.json: {bare:,} stock codes had no exchange suffix and got one from the exchange column; "
                "{dates} row(s) held a date in the exchange column; {dups} rows repeated a stock code "
                "already seen (folded, first row kept); {names} short names still belong to more than one code"
                "{examples}, so short names are used only where they are unique.",
                bare=bare,
                dates=date_in_exchange,
                dups=dup_rows,
                names=len(dup_names),
                examples=(f" ({', '.join(dup_names[:5])}{' ...' if len(dup_names) > 5 else ''})" if dup_names else ""),
            )
        )
        self.place(list(rows.values()))
        self.write_nodes("Enterprise", list(rows.values()))
        self.city_bases(list(rows.values()))

    def place(self, rows: list[dict[str, Any]]) -> None:
        """Province and city from full names that begin with a place name (cpca)."""
        import cpca

        names = [r["full_name"] or "" for r in rows]
        df = cpca.transform(names, pos_sensitive=True)
        placed_p = placed_c = 0
        for r, prov, city, p_pos, c_pos in zip(rows, df["省"], df["市"], df["省_pos"], df["市_pos"], strict=True):
            positions = [p for p in (p_pos, c_pos) if p is not None and p >= 0]
            if not positions or min(positions) != 0 or not isinstance(prov, str):
                continue
            r["province"] = prov
            placed_p += 1
            c = city if isinstance(city, str) else (prov if prov in MUNICIPALITIES else None)
            if c:
                r["city"] = c
                placed_c += 1
        self.report.notes.append(
            Msg(
                "Placed {province:,} of {total:,} enterprises in a province and {city:,} in a city from full "
                "names that begin with a place name (cpca); the other {other:,} full names do not.",
                province=placed_p,
                total=len(rows),
                city=placed_c,
                other=len(rows) - placed_p,
            )
        )

    def city_bases(self, rows: list[dict[str, Any]]) -> None:
        cities: dict[str, dict[str, Any]] = {}
        located: dict[tuple[str, str], dict[str, Any]] = {}
        for r in rows:
            city = r.get("city")
            if not city:
                continue
            key = city_base_key(city)
            cities.setdefault(
                key,
                {
                    "key": key,
                    "name": city_base_name(city),
                    "province": r.get("province"),
                    "city": city,
                    "level": "municipal",
                    # Stored in English, the catalog's msgid: the base page says it in the reader's language.
                    "description": N_(
                        "Derived from company full names in ChainKnowledgeGraph: every listed company "
                        "whose full name begins with this city."
                    ),
                    "source": SOURCE_PREFIX + "company.json (derived)",
                    "source_row": None,
                    "loaded_at": self.now,
                },
            )
            located[(r["key"], key)] = {"src": r["key"], "dst": key} | self.prov("company.json", r["source_row"])
        self.stats("Base").read += len(cities)
        self.stats("LOCATED_IN", "rel").read += len(located)
        self.write_nodes("Base", list(cities.values()))
        self.write_rels("LOCATED_IN", "Enterprise", "Base", located)
        self.report.notes.append(
            Msg(
                "Derived {bases:,} city bases (key city:<city>) with LOCATED_IN from {firms:,} enterprises.",
                bases=len(cities),
                firms=len(located),
            )
        )

    def company_for(self, code: str, name: str, file: str, line: int, type_: str) -> str | None:
        six = code.strip().upper().split(".")[0]
        if six in self.company_by_six:
            return self.company_by_six[six]
        keys = self.company_by_name.get(name.strip(), set())
        if len(keys) == 1:
            key = next(iter(keys))
            self.merge(
                Merge.of(
                    "Enterprise",
                    file,
                    line,
                    f"{code} {name}",
                    key,
                    Msg("stock code unknown; matched by unique short name"),
                )
            )
            return key
        if keys:
            why = Msg(
                "no company in company.json has this stock code, and the short name {name!r} is ambiguous", name=name
            )
        else:
            why = Msg(
                "no company in company.json has this stock code, and the short name {name!r} is unknown too", name=name
            )
        self.reject(type_, file, line, why, "company_code", code)
        return None

    def company_industry(self) -> None:
        out: dict[tuple[str, str], dict[str, Any]] = {}
        disagree = 0
        for no, r in self.read("company_industry.json", "IN_INDUSTRY"):
            company = self.company_for(
                str(r.get("company_code") or ""),
                str(r.get("company_name") or ""),
                "company_industry.json",
                no,
                "IN_INDUSTRY",
            )
            if company is None:
                continue
            code, iname = str(r.get("industry_code") or ""), str(r.get("industry_name") or "")
            industry = self.industry_by_code.get(code)
            if industry is None:
                industry = self.industry_by_name.get(iname)
                if industry is None:
                    self.reject(
                        "IN_INDUSTRY",
                        "company_industry.json",
                        no,
                        Msg("neither the industry code nor its name is in industry.json"),
                        "industry_code",
                        code,
                    )
                    continue
                self.report.merges.append(
                    Merge.of(
                        "Industry",
                        "company_industry.json",
                        no,
                        f"{code} {iname}",
                        industry,
                        Msg("industry code unknown; matched by name"),
                    )
                )
            elif iname and self.industry_by_name.get(iname) != industry:
                disagree += 1
            row = {"src": company, "dst": industry} | self.prov("company_industry.json", no)
            self.fold("IN_INDUSTRY", out, (company, industry), row, "company_industry.json", no)
        if disagree:
            self.report.notes.append(
                Msg(
                    "company_industry.json: {n} rows name their industry differently from industry.json "
                    "(older SW names); the code was used.",
                    n=disagree,
                )
            )
        self.write_rels("IN_INDUSTRY", "Enterprise", "Industry", out)

    # -- products --------------------------------------------------------------------------------
    def product_nodes(self) -> None:
        s = self.stats("Product")
        file = "product.json"
        with self.in_line_order():
            cols = self.read_columns(file, "Product")
            names = cols.array("name")  # null where not a string
            ok = ~(_mask(pc.is_null(names)) | _blank(names))
            bad = np.flatnonzero(~ok)
            if bad.size:
                raw = cols.raw("name", bad)
                for j, i in enumerate(bad.tolist()):
                    self.reject("Product", file, int(cols.lines[i]), Msg("a product needs a name"), "name", raw[j])
            idx = np.flatnonzero(ok)
            repeat = _first_of(names.take(idx)) != np.arange(len(idx))
            s.merged += int(repeat.sum())
            idx = idx[~repeat]
            kept = names.take(idx)
        odd = int(pc.sum(pc.match_substring_regex(kept, r"['\"\\]")).as_py() or 0)
        self.product_keys = kept
        self.products = set(kept.to_pylist())
        self.report.notes.append(
            Msg(
                "product.json: {n} product names hold quotes or backslashes; they are stored verbatim "
                "(relation files that spell them with other escapes are matched to them).",
                n=odd,
            )
        )
        n = len(kept)
        table = pa.table(
            {
                "key": kept,
                "name": kept,
                "source": _repeat(SOURCE_PREFIX + file, n),
                "source_row": pa.array(cols.lines[idx]),
                "loaded_at": _repeat(self.now, n),
            }
        )
        self.write_table("Product", table)

    def product_for(self, name: Any, type_: str, file: str, line: int, field: str) -> str | None:
        if isinstance(name, str) and name in self.products:
            return name
        if isinstance(name, str):
            if self._canon is None:
                self._canon = _CanonicalIndex(self.products)
            hits = self._canon.get(canonical_product(name))
            if len(hits) > 1:
                hits = {h for h in hits if _decoded(h) == _decoded(name)}
            if len(hits) == 1:
                key = next(iter(hits))
                self.merge(
                    Merge.of(
                        "Product",
                        file,
                        line,
                        name,
                        key,
                        Msg("spelled with other quotes, slashes, escapes or spaces than in product.json"),
                    )
                )
                return key
        self.reject(type_, file, line, Msg("no product in product.json has this name"), field, name)
        return None

    def company_keys(self, codes: pa.Array) -> pa.Array:
        """The Enterprise key of each stock code as ``company_for`` finds it by code (else null)."""
        clean = _mask(pc.match_substring_regex(codes, _SIX))
        six = pc.utf8_slice_codeunits(codes, 0, 6)
        if not clean.all():
            odd = np.flatnonzero(~clean)
            written = codes.take(odd).to_pylist()
            fixed = [c.strip().upper().split(".")[0] for c in written]
            six = pc.replace_with_mask(six, pa.array(~clean), pa.array(fixed, pa.string()))
        known = pa.array(list(self.company_by_six), pa.string())
        keys = pa.array(list(self.company_by_six.values()), pa.string())
        return keys.take(pc.index_in(six, value_set=known))

    def fold_table(
        self, type_of: Callable[[int], str], file: str, lines: np.ndarray, *key_cols: pa.Array
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows kept (the first of each identity, in order) and, for every row, its first row.

        Each repeat is reported as :meth:`fold` reports it, under ``type_of(row)``;
        ``key_cols[-2:]`` are src and dst.
        """
        first_of = _first_of(*key_cols)
        repeat = first_of != np.arange(len(first_of))
        if repeat.any():
            src, dst = key_cols[-2], key_cols[-1]
            for i in np.flatnonzero(repeat).tolist():
                f = int(first_of[i])
                type_ = type_of(i)
                merge = _folded(type_, file, int(lines[i]), src[i].as_py(), dst[i].as_py(), int(lines[f]))
                self.merge(merge, counted=type_)
        return np.flatnonzero(~repeat), first_of

    def makes(self) -> None:
        file = "company_product.json"
        with self.in_line_order():
            cols = self.read_columns(file, "MAKES")
            codes = cols.text("company_code")
            company = self.company_keys(codes)
            product = cols.array("product_name")
            exact = _mask(pc.is_in(product, value_set=self.product_keys))
            share = cols.array("rel_weight")  # null where not a number
            slow = np.flatnonzero(_mask(pc.is_null(company)) | ~exact)
            ok = np.ones(len(cols), dtype=bool)
            if slow.size:
                # Rows the code or the exact name does not settle: resolved one by one, as before.
                src, dst = company.to_pylist(), product.to_pylist()
                names, raw = cols.text("company_name"), cols.raw("product_name", slow)
                for j, i in enumerate(slow.tolist()):
                    no = int(cols.lines[i])
                    key = src[i] or self.company_for(codes[i].as_py(), names[i].as_py(), file, no, "MAKES")
                    made = None if key is None else self.product_for(raw[j], "MAKES", file, no, "product_name")
                    ok[i] = made is not None
                    src[i], dst[i] = key, made
                company, product = pa.array(src, pa.string()), pa.array(dst, pa.string())
            idx = np.flatnonzero(ok)
            company, product, share, lines = company.take(idx), product.take(idx), share.take(idx), cols.lines[idx]
            keep, first_of = self.fold_table(lambda _: "MAKES", file, lines, company, product)
            if len(keep) < len(idx):
                # A repeat's share replaces the first row's when given (later values win).
                values = share.to_pylist()
                for i in np.flatnonzero(first_of != np.arange(len(idx))).tolist():
                    if values[i] is not None:
                        values[int(first_of[i])] = values[i]
                share = pa.array(values, pa.float64())
        self._note_weights(cols, idx)
        n = len(keep)
        table = pa.table(
            {
                "src": company.take(keep),
                "dst": product.take(keep),
                "share": share.take(keep),
                "source": _repeat(SOURCE_PREFIX + file, n),
                "source_row": pa.array(lines[keep]),
                "loaded_at": _repeat(self.now, n),
            }
        )
        self.write_table("MAKES", table, ("Enterprise", "Product"))

    def _note_weights(self, cols: Columns, idx: np.ndarray) -> None:
        """The range of rel_weight over the rows resolved (repeats included), as given."""
        weights = [w for w in cols.array("rel_weight").take(idx).to_pylist() if w is not None]
        if weights:
            arr = np.array(weights)
            self.report.notes.append(
                Msg(
                    "company_product.json: rel_weight runs from {low:.2f} to {high:.2f}; {zeros:,} zeros and "
                    "{negative:,} negative values are stored as given in MAKES.share.",
                    low=min(weights),
                    high=max(weights),
                    zeros=int((arr == 0).sum()),
                    negative=int((arr < 0).sum()),
                )
            )

    def product_links(self) -> None:
        f = "product_product.json"
        with self.in_line_order():
            cols = self.read_columns(f, "INPUT_TO", count=False)
            rel = cols.array("rel")
            sub = _mask(pc.equal(rel, "产品小类"))
            down = _mask(pc.equal(rel, "下游产品"))
            known = _mask(pc.is_in(rel, value_set=pa.array(["上游材料", "下游产品", "产品小类"])))
            a, b = cols.array("from_entity"), cols.array("to_entity")
            named = _mask(pc.is_in(pa.concat_arrays([a, b]), value_set=self.product_keys))  # one hash table
            slow = np.flatnonzero(~known | ~named[: len(a)] | ~named[len(a) :])
            ok = np.ones(len(cols), dtype=bool)
            if slow.size:
                # Rows with another rel or a name product.json spells otherwise: one by one, as before.
                a_list, b_list = a.to_pylist(), b.to_pylist()
                rel_raw, a_raw, b_raw = (cols.raw(name, slow) for name in ("rel", "from_entity", "to_entity"))
                for j, i in enumerate(slow.tolist()):
                    no = int(cols.lines[i])
                    type_ = "SUBTYPE_OF" if sub[i] else "INPUT_TO"
                    if not known[i]:
                        self.reject(type_, f, no, Msg("rel must be 上游材料, 下游产品 or 产品小类"), "rel", rel_raw[j])
                        ok[i] = False
                        continue
                    x = self.product_for(a_raw[j], type_, f, no, "from_entity")
                    y = None if x is None else self.product_for(b_raw[j], type_, f, no, "to_entity")
                    ok[i] = y is not None
                    a_list[i], b_list[i] = x, y
                a, b = pa.array(a_list, pa.string()), pa.array(b_list, pa.string())
            idx = np.flatnonzero(ok)
            a, b, lines, sub_ok = a.take(idx), b.take(idx), cols.lines[idx], sub[idx]
            # 上游材料 and 产品小类: to_entity feeds (or is a sub-class of) from_entity; 下游产品: the reverse.
            forward = pa.array(down[idx])
            src, dst = pc.if_else(forward, a, b), pc.if_else(forward, b, a)
            keep, _ = self.fold_table(
                lambda i: "SUBTYPE_OF" if sub_ok[i] else "INPUT_TO", f, lines, pa.array(sub_ok), src, dst
            )
        n_sub = int(sub.sum())
        self.stats("INPUT_TO", "rel").read += len(cols) - n_sub
        self.stats("SUBTYPE_OF", "rel").read += n_sub
        source, now = SOURCE_PREFIX + f, self.now
        for type_, want in (("INPUT_TO", False), ("SUBTYPE_OF", True)):
            rows = keep[sub_ok[keep] == want]
            n = len(rows)
            table = pa.table(
                {
                    "src": src.take(rows),
                    "dst": dst.take(rows),
                    "source": _repeat(source, n),
                    "source_row": pa.array(lines[rows]),
                    "loaded_at": _repeat(now, n),
                }
            )
            self.write_table(type_, table, ("Product", "Product"))


def check_folder(folder: Path | str) -> Path:
    """``folder`` as a path when it holds every file of the data set; else an error naming what is missing."""
    root = Path(folder)
    missing = [f for f in CKG_FILES if not (root / f).is_file()]
    if missing:
        raise InvalidInputError(
            Msg(
                "{folder} is not a ChainKnowledgeGraph folder: {missing} missing (it needs {files})",
                folder=str(root),
                missing=", ".join(missing),
                files=", ".join(CKG_FILES),
            )
        )
    return root


def load_ckg(
    store: GraphStore,
    folder: Path | str,
    *,
    progress: Progress | None = None,
    batch_size: int | None = None,
    reuse: bool = True,
) -> IngestReport:
    """Load the ChainKnowledgeGraph JSONL files in ``folder`` into ``store``.

    Idempotent like every load: running it again changes nothing. When the files are byte for
    byte those of the last load and nothing was written since (its receipt is still in the
    store, see :mod:`chainkg.ingest.receipts`), the files are not read again and the last
    report comes back with every row unchanged; ``reuse=False`` reads and compares every row. The report counts every
    row of every file (read = rejected + merged + loaded per type), lists each row it could
    not resolve, each merge it made, and notes on the data's quirks.

    Examples
    --------
    >>> report = load_ckg(store, "../shared/data/chainkg")        # doctest: +SKIP
    >>> report.get("Product").loaded                              # doctest: +SKIP
    95559
    """
    root = check_folder(folder)
    t0 = time.perf_counter()
    fingerprint = files_fingerprint([(root / f, f) for f in CKG_FILES])
    if reuse:
        again = unchanged_reload(store, RECEIPT, fingerprint, t0)
        if again is not None:
            derive_city_leads(store, again)  # a store loaded before leading industries were derived
            return again
    load = _CkgLoad(store, root, progress or NullProgress(), batch_size)
    try:
        load.industries()
        load.sub_industries()
        load.upstream()
        load.companies()
        load.company_industry()
        load.product_nodes()
        load.makes()
        load.product_links()
    finally:
        load.finish_writes()
    derive_city_leads(store, load.report)
    # The shipped chain maps come with the public data, so a user sees them without extra steps.
    load_shipped_maps(store, load.report)
    load.report.elapsed_s = round(time.perf_counter() - t0, 3)
    save_receipt(store, RECEIPT, fingerprint, load.report)
    return load.report


RECEIPT = "ckg"

_CITY_FIRM_INDUSTRIES = """
MATCH (e:Enterprise)-[:IN_INDUSTRY]->(i:Industry) WHERE i.level = 3
OPTIONAL MATCH (e)-[:LOCATED_IN]->(b:Base) WHERE b.key STARTS WITH 'city:'
RETURN collect(e.key) AS ent, collect(i.key) AS ind, collect(coalesce(b.key, '')) AS base"""
_CITY_LEADS = """
MATCH (b:Base)-[:LEADS_IN]->(i:Industry) WHERE b.key STARTS WITH 'city:'
RETURN collect(b.key) AS base, collect(i.key) AS ind"""
_DROP_LEADS = """
UNWIND $pairs AS pr MATCH (b:Base {key: pr.src})-[r:LEADS_IN]->(i:Industry {key: pr.dst}) DELETE r"""


def derive_city_leads(store: GraphStore, report: IngestReport) -> None:
    """LEADS_IN from each city base to the SW2021 level-3 industries it is specialised in.

    The data names no leading industry (主导产业); without one a city base gets no default chain
    map. Derived from the stored firms' industries (:func:`leading_industries`) after every load,
    level 3 only (where firms are filed); writes only what changed (a reload of the same files
    writes nothing), and drops the city bases' leading industries that no longer qualify.
    """
    rows = store.execute(_CITY_FIRM_INDUSTRIES)
    r = rows[0] if rows else {"ent": [], "ind": [], "base": []}
    firms_in: dict[str, set[str]] = {}
    by_city: dict[str, dict[str, set[str]]] = {}
    for ent, ind, base in zip(r["ent"], r["ind"], r["base"], strict=True):
        firms_in.setdefault(ind, set()).add(ent)
        if base:
            by_city.setdefault(base, {}).setdefault(ind, set()).add(ent)
    national = {k: len(v) for k, v in firms_in.items()}
    total = sum(national.values())
    want: set[tuple[str, str]] = set()
    for city, inds in by_city.items():
        counts = {k: len(v) for k, v in inds.items()}
        want |= {(city, k) for k in leading_industries(counts, national, sum(counts.values()), total)}
    old = store.execute(_CITY_LEADS)
    have = set(zip(old[0]["base"], old[0]["ind"], strict=True)) if old else set()
    stale = sorted(have - want)
    if stale:
        with store.changes.writing(rels={"LEADS_IN": stale}):  # declared: kept graphs are refreshed
            store.execute(_DROP_LEADS, {"pairs": [{"src": a, "dst": b} for a, b in stale]})
    new = sorted(want - have)
    if new:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        prov = {"source": SOURCE_PREFIX + "company_industry.json (derived)", "source_row": None, "loaded_at": now}
        res = write_rows(store, "LEADS_IN", [{"src": a, "dst": b} | prov for a, b in new], ends=("Base", "Industry"))
        s = report.stats("LEADS_IN", "rel")
        s.read += len(new)
        s.loaded += len(new)
        s.add_write(res.created, res.updated, res.unchanged)
    report.notes.append(
        Msg(
            "Leading industries (LEADS_IN) of {bases:,} city bases: {n:,} SW2021 level-3 industries holding at "
            "least max(2, 1 %) of the city's firms at twice the national share or more (location quotient ≥ 2); "
            "{new:,} new, {dropped:,} dropped.",
            bases=len({c for c, _ in want}),
            n=len(want),
            new=len(new),
            dropped=len(stale),
        )
    )
