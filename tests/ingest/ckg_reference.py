"""The per-line ChainKnowledgeGraph loader as it was before the columnar one (frozen oracle).

A verbatim copy of chainkg/ingest/ckg.py at commit 99420b1 (one ``json`` object and one row
dict per line, relationship rows as dicts through ``write_rows``). The
columnar loader must build the same graph and the same report from the same files:
tests/ingest/test_ingest_ckg_equivalence.py loads both and compares them. Do not "improve"
this file: its value is that it is the old behaviour, line for line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import unicodedata
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from chainkg.errors import InvalidInputError
from chainkg.graph.store.base import GraphStore, WriteResult
from chainkg.ingest.checks import EXCHANGE_NAMES, exchange_for
from chainkg.ingest.progress import NullProgress, Progress
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


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """``(line number, object or None, raw line)`` for each non-blank line of a JSONL file."""
    numbered = [(no, line) for no, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)]
    numbered = [(no, line) for no, line in numbered if line.strip()]
    try:
        # One parse of the whole file is 3x faster than one per line; fall back on a bad line.
        objs = json.loads("[" + ",".join(line for _, line in numbered) + "]")
    except json.JSONDecodeError:
        objs = None
    shaped = all(line.lstrip().startswith("{") and line.rstrip().endswith("}") for _, line in numbered)
    if objs is not None and (len(objs) != len(numbered) or not shaped):
        objs = None
    for i, (no, line) in enumerate(numbered):
        if objs is not None:
            obj = objs[i]
        else:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                yield no, None, line
                continue
        yield no, obj if isinstance(obj, dict) else None, line


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
        self._canon: dict[str, set[str]] | None = None
        # Files parsed ahead of their turn (company_industry.json, for industry names in
        # ``upstream``): ``read`` takes the parse from here rather than parsing the file again.
        self._parsed: dict[str, list[tuple[int, dict[str, Any] | None, str]]] = {}
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
        self.report.rejections.append(
            Rejection(file=file, line=line, field=field, value=value_text(value), reason=reason, type=type_)
        )
        self.report.stats(type_).rejected += 1

    def read(self, name: str, type_: str, *, count: bool = True) -> Iterator[tuple[int, dict[str, Any]]]:
        """Rows of one file; lines that are not JSON objects are rejected (and counted).

        With ``count`` the rows yielded are added to ``type_``'s ``read`` counter.
        """
        task = f"read {name}"
        self.progress.start(task, None)
        n = good = 0
        parsed = self._parsed.pop(name, None)
        for no, obj, raw in _lines(self.folder / name) if parsed is None else parsed:
            n += 1
            if obj is None:
                self.report.stats(type_).read += 1
                self.reject(type_, name, no, "the line is not a JSON object", value=raw[:200])
                continue
            good += 1
            yield no, obj
        if count:
            self.report.stats(type_).read += good
        self.report.files.append(
            FileInfo(source=SOURCE_PREFIX + name, type=type_, format="jsonl", encoding="utf-8", rows=n)
        )
        self.progress.advance(task, n)
        self.progress.finish(task)

    def prov(self, file: str, line: int) -> dict[str, Any]:
        return {"source": SOURCE_PREFIX + file, "source_row": line, "loaded_at": self.now}

    def write_nodes(self, label: str, rows: list[dict[str, Any]]) -> None:
        """Queue a node write; it runs on the writer thread while the next file is parsed."""
        self.stats(label).loaded += len(rows)
        future = self.writer.submit(
            write_rows, self.store, label, rows, batch_size=self.batch_size, progress=self.progress
        )
        self.pending.append((label, future))

    def write_rels(self, type_: str, a: str, b: str, rows: dict[tuple[str, str], dict[str, Any]]) -> None:
        """Queue a relationship write (after the node writes queued before it)."""
        self.stats(type_, "rel").loaded += len(rows)
        future = self.writer.submit(
            write_rows,
            self.store,
            type_,
            list(rows.values()),
            ends=(a, b),
            batch_size=self.batch_size,
            progress=self.progress,
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
                    self.reject(type_, str(sk.get("source")), int(sk.get("source_row") or 0), "an end is missing")
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
            self.stats(type_, "rel").merged += 1
            self.report.merges.append(
                Merge(
                    type=type_,
                    file=file,
                    line=line,
                    given=f"{ident[0]} → {ident[1]}",
                    key=f"{ident[0]} → {ident[1]}",
                    how=f"same relationship again: folded into line {first['source_row']}",
                )
            )
            first.update({k: v for k, v in row.items() if k not in ("source", "source_row") and v is not None})
            return
        bucket[ident] = row

    # -- industries ------------------------------------------------------------------------------
    def industries(self) -> None:
        rows: list[dict[str, Any]] = []
        for no, r in self.read("industry.json", "Industry"):
            code, name = str(r.get("code") or "").strip(), str(r.get("name") or "").strip()
            if not re.fullmatch(r"[0-9]{6}", code) or not name:
                self.reject("Industry", "industry.json", no, "needs a six-digit code and a name", "code", code)
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
                    "SUB_INDUSTRY_OF", "industry_industry.json", no, "no industry with this code", bad, r.get(bad)
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
        self._parsed[file] = parsed = list(_lines(self.folder / file))
        for _no, obj, _raw in parsed:
            if obj is None:
                continue
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
                        "UPSTREAM_OF", "industry_up.json", no, "no SW2021 industry has this name", "industry", industry
                    )
                continue
            for up, count in ups.items():
                src = find(up)
                if src is None:
                    self.reject("UPSTREAM_OF", "industry_up.json", no, "no SW2021 industry has this name", "ups", up)
                    continue
                row = {"src": src, "dst": target, "weight": float(count)} | self.prov("industry_up.json", no)
                self.fold("UPSTREAM_OF", out, (src, target), row, "industry_up.json", no)
        for name in sorted(via_older):
            self.report.merges.append(
                Merge(
                    type="Industry",
                    file="industry_up.json",
                    given=name,
                    key=older[name],
                    how="industry name not in industry.json; matched through its code in company_industry.json",
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
                self.reject("Enterprise", "company.json", no, "needs a six-digit stock code and a name", "code", code)
                continue
            location = str(r.get("location") or "").strip()
            suffix = m.group(2)
            if location not in _EXCHANGE_BY_NAME:
                date_in_exchange += 1
                self.report.notes.append(
                    f"company.json line {no}: the exchange column holds {location!r}; "
                    f"the exchange of {name} was taken from its stock code."
                )
            if suffix is None:
                bare += 1
                suffix = _EXCHANGE_BY_NAME.get(location) or exchange_for(m.group(1))
            if suffix is None:
                self.reject("Enterprise", "company.json", no, "cannot tell the exchange of this code", "code", code)
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
                        how=(
                            f"same stock code as line {first['source_row']} ({first['name']}, {first['full_name']}); "
                            "kept the first row"
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
            f"company.json: {bare:,} stock codes had no exchange suffix and got one from the exchange column; "
            f"{date_in_exchange} row(s) held a date in the exchange column; {dup_rows} rows repeated a stock code "
            f"already seen (folded, first row kept); {len(dup_names)} short names still belong to more than one code"
            + (f" ({', '.join(dup_names[:5])}{' ...' if len(dup_names) > 5 else ''})" if dup_names else "")
            + ", so short names are used only where they are unique."
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
            f"Placed {placed_p:,} of {len(rows):,} enterprises in a province and {placed_c:,} in a city from full "
            f"names that begin with a place name (cpca); the other {len(rows) - placed_p:,} full names do not."
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
                    "description": "Derived from company full names in ChainKnowledgeGraph: every listed company "
                    "whose full name begins with this city.",
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
            f"Derived {len(cities):,} city bases (key city:<city>) with LOCATED_IN from {len(located):,} enterprises."
        )

    def company_for(self, code: str, name: str, file: str, line: int, type_: str) -> str | None:
        six = code.strip().upper().split(".")[0]
        if six in self.company_by_six:
            return self.company_by_six[six]
        keys = self.company_by_name.get(name.strip(), set())
        if len(keys) == 1:
            key = next(iter(keys))
            self.report.merges.append(
                Merge(
                    type="Enterprise",
                    file=file,
                    line=line,
                    given=f"{code} {name}",
                    key=key,
                    how="stock code unknown; matched by unique short name",
                )
            )
            return key
        why = "no company in company.json has this stock code"
        why += f", and the short name {name!r} " + ("is ambiguous" if keys else "is unknown too")
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
                        "neither the industry code nor its name is in industry.json",
                        "industry_code",
                        code,
                    )
                    continue
                self.report.merges.append(
                    Merge(
                        type="Industry",
                        file="company_industry.json",
                        line=no,
                        given=f"{code} {iname}",
                        key=industry,
                        how="industry code unknown; matched by name",
                    )
                )
            elif iname and self.industry_by_name.get(iname) != industry:
                disagree += 1
            row = {"src": company, "dst": industry} | self.prov("company_industry.json", no)
            self.fold("IN_INDUSTRY", out, (company, industry), row, "company_industry.json", no)
        if disagree:
            self.report.notes.append(
                f"company_industry.json: {disagree} rows name their industry differently from industry.json "
                "(older SW names); the code was used."
            )
        self.write_rels("IN_INDUSTRY", "Enterprise", "Industry", out)

    # -- products --------------------------------------------------------------------------------
    def product_nodes(self) -> None:
        s = self.stats("Product")
        src = SOURCE_PREFIX + "product.json"
        rows: list[dict[str, Any]] = []
        odd = 0
        for no, r in self.read("product.json", "Product"):
            name = r.get("name")
            if not isinstance(name, str) or not name.strip():
                self.reject("Product", "product.json", no, "a product needs a name", "name", name)
                continue
            if name in self.products:
                s.merged += 1
                continue
            if any(c in name for c in "'\"\\"):
                odd += 1
            self.products.add(name)
            rows.append({"key": name, "name": name, "source": src, "source_row": no, "loaded_at": self.now})
        self.report.notes.append(
            f"product.json: {odd} product names hold quotes or backslashes; they are stored verbatim "
            "(relation files that spell them with other escapes are matched to them)."
        )
        self.write_nodes("Product", rows)

    def product_for(self, name: Any, type_: str, file: str, line: int, field: str) -> str | None:
        if isinstance(name, str) and name in self.products:
            return name
        if isinstance(name, str):
            if self._canon is None:
                self._canon = {}
                for p in self.products:
                    self._canon.setdefault(canonical_product(p), set()).add(p)
            hits = self._canon.get(canonical_product(name), set())
            if len(hits) > 1:
                hits = {h for h in hits if _decoded(h) == _decoded(name)}
            if len(hits) == 1:
                key = next(iter(hits))
                self.report.merges.append(
                    Merge(
                        type="Product",
                        file=file,
                        line=line,
                        given=name,
                        key=key,
                        how="spelled with other quotes, slashes, escapes or spaces than in product.json",
                    )
                )
                return key
        self.reject(type_, file, line, "no product in product.json has this name", field, name)
        return None

    def makes(self) -> None:
        out: dict[tuple[str, str], dict[str, Any]] = {}
        weights: list[float] = []
        src, now = SOURCE_PREFIX + "company_product.json", self.now
        for no, r in self.read("company_product.json", "MAKES"):
            company = self.company_for(
                str(r.get("company_code") or ""), str(r.get("company_name") or ""), "company_product.json", no, "MAKES"
            )
            if company is None:
                continue
            product = self.product_for(r.get("product_name"), "MAKES", "company_product.json", no, "product_name")
            if product is None:
                continue
            w = r.get("rel_weight")
            share = float(w) if isinstance(w, int | float) else None
            if share is not None:
                weights.append(share)
            row = {"src": company, "dst": product, "share": share, "source": src, "source_row": no, "loaded_at": now}
            self.fold("MAKES", out, (company, product), row, "company_product.json", no)
        if weights:
            self.report.notes.append(
                f"company_product.json: rel_weight runs from {min(weights):.2f} to {max(weights):.2f}; "
                f"{sum(1 for w in weights if w == 0):,} zeros and {sum(1 for w in weights if w < 0):,} negative "
                "values are stored as given in MAKES.share."
            )
        self.write_rels("MAKES", "Enterprise", "Product", out)

    def product_links(self) -> None:
        inputs: dict[tuple[str, str], dict[str, Any]] = {}
        subtypes: dict[tuple[str, str], dict[str, Any]] = {}
        f = "product_product.json"
        source = SOURCE_PREFIX + f
        read = {"INPUT_TO": 0, "SUBTYPE_OF": 0}
        for no, r in self.read(f, "INPUT_TO", count=False):
            rel = r.get("rel")
            type_ = "SUBTYPE_OF" if rel == "产品小类" else "INPUT_TO"
            read[type_] += 1
            if rel not in ("上游材料", "下游产品", "产品小类"):
                self.reject(type_, f, no, "rel must be 上游材料, 下游产品 or 产品小类", "rel", rel)
                continue
            a = self.product_for(r.get("from_entity"), type_, f, no, "from_entity")
            if a is None:
                continue
            b = self.product_for(r.get("to_entity"), type_, f, no, "to_entity")
            if b is None:
                continue
            if rel == "上游材料":
                src, dst, bucket = b, a, inputs  # to_entity is an upstream material of from_entity
            elif rel == "下游产品":
                src, dst, bucket = a, b, inputs  # to_entity is a downstream product of from_entity
            else:
                src, dst, bucket = b, a, subtypes  # to_entity is a sub-class of from_entity
            row = {"src": src, "dst": dst, "source": source, "source_row": no, "loaded_at": self.now}
            self.fold(type_, bucket, (src, dst), row, f, no)
        for type_, n in read.items():
            self.stats(type_, "rel").read += n
        self.write_rels("INPUT_TO", "Product", "Product", inputs)
        self.write_rels("SUBTYPE_OF", "Product", "Product", subtypes)


def load_ckg(
    store: GraphStore,
    folder: Path | str,
    *,
    progress: Progress | None = None,
    batch_size: int | None = None,
) -> IngestReport:
    """Load the ChainKnowledgeGraph JSONL files in ``folder`` into ``store``.

    Idempotent like every load: running it again changes nothing. The report counts every
    row of every file (read = rejected + merged + loaded per type), lists each row it could
    not resolve, each merge it made, and notes on the data's quirks.

    Examples
    --------
    >>> report = load_ckg(store, "../shared/data/chainkg")        # doctest: +SKIP
    >>> report.get("Product").loaded                              # doctest: +SKIP
    95559
    """
    root = Path(folder)
    missing = [f for f in CKG_FILES if not (root / f).is_file()]
    if missing:
        raise InvalidInputError(
            f"{root} is not a ChainKnowledgeGraph folder: {', '.join(missing)} missing "
            f"(it needs {', '.join(CKG_FILES)})"
        )
    t0 = time.perf_counter()
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
    load.report.elapsed_s = round(time.perf_counter() - t0, 3)
    return load.report
