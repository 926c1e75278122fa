"""Registry exports (企查查, 天眼查, 启信宝, 国家企业信用信息公示系统, statistics sheets) as enterprise rows.

:func:`convert` turns one table of such an export into an Enterprise table the pipeline
validates and resolves like any other, plus, per row, what becomes relationships once the
enterprise has its key: its GB/T 4754 code (an Industry node and IN_INDUSTRY) and its
主营产品 / 经营范围 text (MAKES, by the rules of :mod:`chainkg.ingest.scope_text`).

Cells are read as the exports write them: registered capital "1000万元人民币" becomes
``reg_capital=1000.0, reg_capital_currency="CNY"``; 成立日期 "2010年5月12日" becomes
``2010-05-12``; 登记状态 注销/吊销/撤销 sets ``defunct``. A cell that cannot be read is kept
in ``extra`` and reported (file, line, field); it does not cost the firm its row.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chainkg.i18n import Msg, reason_of
from chainkg.ingest import gb4754, places
from chainkg.ingest.formats import PROVENANCE_COLUMNS
from chainkg.ingest.headers import FIELD_ZH, is_footer_row, norm_header, registry_mapping
from chainkg.ingest.readers import RawTable

_BLANK = frozenset({"", "-", "--", "—", "——", "/", "无", "暂无", "未公开", "null", "none", "n/a", "nan"})

CURRENCIES: dict[str, str] = {
    "人民币": "CNY",
    "元": "CNY",
    "美元": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "欧元": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
    "澳元": "AUD",
    "加元": "CAD",
    "新台币": "TWD",
    "瑞士法郎": "CHF",
    "新加坡元": "SGD",
    "韩元": "KRW",
}
_CURRENCY_RE = re.compile("|".join(sorted(map(re.escape, CURRENCIES), key=len, reverse=True)))
_AMOUNT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*(亿|万|千|百)?")
_SCALE_TO_WAN = {"亿": 10_000.0, "万": 1.0, "千": 0.1, "百": 0.01, None: 1.0}

STATUS_DEFUNCT = ("注销", "吊销", "撤销", "责令关闭")
"""Status words of a firm that no longer operates; it then covers no chain segment."""

SIZE_WORDS: dict[str, str] = {
    "大型": "large",
    "中型": "medium",
    "小型": "small",
    "微型": "micro",
    "l": "large",
    "m": "medium",
    "s": "small",
    "xs": "micro",
}

_FORMER_SPLIT = re.compile(r"[;；、,，\n|]+")


def blank(v: Any) -> bool:
    """True for an empty cell or a registry placeholder such as ``-`` or ``暂无``."""
    return v is None or (isinstance(v, str) and unicodedata.normalize("NFKC", v).strip().lower() in _BLANK)


def parse_capital(v: Any) -> tuple[float, str]:
    """An amount in 万 (10,000) of its currency, and the ISO currency code.

    A bare number is taken as 万元人民币, the unit registry exports use.

    Examples
    --------
    >>> parse_capital("1000万元人民币"), parse_capital("50万美元"), parse_capital("1,000.5万元")
    ((1000.0, 'CNY'), (50.0, 'USD'), (1000.5, 'CNY'))
    >>> parse_capital("1.2亿元"), parse_capital(300)
    ((12000.0, 'CNY'), (300.0, 'CNY'))
    """
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v), "CNY"
    t = unicodedata.normalize("NFKC", str(v)).strip().replace(",", "").replace(" ", "")
    m = _AMOUNT.match(t)
    if not m:
        raise ValueError(Msg("{value!r} is not an amount such as 1000万元人民币 or 50万美元", value=str(v)[:40]))
    amount = float(m.group(1))
    scale = m.group(2)
    rest = t[m.end() :]
    cur_m = _CURRENCY_RE.search(rest)
    currency = CURRENCIES[cur_m.group(0)] if cur_m else "CNY"
    if scale is None and rest.startswith("元"):
        amount /= 10_000.0  # "3000000元": yuan, not 万
    else:
        amount *= _SCALE_TO_WAN[scale]
    leftover = _CURRENCY_RE.sub("", rest).replace("元", "").strip("()（）")
    if leftover:
        raise ValueError(Msg("{value!r} is not an amount such as 1000万元人民币 or 50万美元", value=str(v)[:40]))
    return round(amount, 6), currency


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(v: Any) -> str:
    """``YYYY-MM-DD`` from a date cell, ``2010/5/12``, ``2010年5月12日``; a year alone stays ``YYYY``.

    Examples
    --------
    >>> parse_date("2010年5月12日"), parse_date(dt.datetime(2012, 3, 1)), parse_date(2015)
    ('2010-05-12', '2012-03-01', '2015')
    """
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    t = unicodedata.normalize("NFKC", str(v)).strip()
    if isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer():
        t = str(int(v))
    m = _DATE_RE.match(t)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    if re.fullmatch(r"(1[89]|20)\d{2}年?", t):
        return t[:4]
    raise ValueError(Msg("{value!r} is not a date such as 2010-05-12 or 2010年5月12日", value=t[:40]))


def parse_size(v: Any) -> str:
    """``large``/``medium``/``small``/``micro`` from 大型, 小型企业, ``S(小型)``, ``XS``."""
    t = unicodedata.normalize("NFKC", str(v)).strip().lower()
    for word, size in SIZE_WORDS.items():
        if not word.isascii() and word in t:
            return size
    head = re.split(r"[(\s]", t, maxsplit=1)[0]
    if head in SIZE_WORDS:
        return SIZE_WORDS[head]
    raise ValueError(Msg("{value!r} is not a size (大型, 中型, 小型, 微型)", value=t[:40]))


def is_defunct(status: str) -> bool:
    """True when a registration status says the firm was deregistered or its licence revoked."""
    return any(w in status for w in STATUS_DEFUNCT)


@dataclass
class Derived:
    """What one registry row yields beyond its Enterprise properties."""

    line: int
    gb_code: str | None = None
    gb_from: str | None = None
    gb_names: dict[str, str] = field(default_factory=dict)
    products: str | None = None
    scope: str | None = None


@dataclass
class Converted:
    """An export table as an Enterprise table, with what each row derives and what was noticed."""

    table: RawTable
    derived: dict[int, Derived]
    mapping: dict[str, str]
    kept: list[str]
    notes: list[str]
    cell_notes: list[tuple[int, str, str, str]]  # line, header, value, why


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime | dt.date):
        return parse_date(v)
    return unicodedata.normalize("NFC", str(v)).strip()


_GB_ORDER = ("gb4754", "_gb_class", "_gb_group", "_gb_division", "_industry", "_gb_section")


def convert(table: RawTable) -> Converted:
    """Turn one registry-export table into an Enterprise table (see the module's doc)."""
    mapping = registry_mapping(table.header)
    kept = [h for h in table.header if h and h not in mapping and norm_header(h) not in PROVENANCE_COLUMNS]
    out = RawTable(
        source=table.source,
        path=table.path,
        format=table.format,
        type_hint="Enterprise",
        sheet=table.sheet,
        encoding=table.encoding,
        problems=list(table.problems),
    )
    conv = Converted(out, {}, mapping, kept, [], [])
    rows = list(table.rows)
    footers: list[int] = []
    while rows and is_footer_row(list(rows[-1][1].values())):
        footers.append(rows.pop()[0])
    if footers:
        conv.notes.append(
            Msg(
                "{file}: line(s) {lines} read as notes below the table (数据来源, 导出时间 ...), not as firms.",
                file=table.source,
                lines=", ".join(map(str, sorted(footers))),
            )
        )
    cols: list[str] = []
    for line, raw in rows:
        row, derived = _convert_row(line, raw, mapping, kept, conv)
        conv.derived[line] = derived
        out.rows.append((line, row))
        cols += [c for c in row if c not in cols]
    out.header = cols
    return conv


def _convert_row(
    line: int, raw: Mapping[str, Any], mapping: Mapping[str, str], kept: Sequence[str], conv: Converted
) -> tuple[dict[str, Any], Derived]:
    row: dict[str, Any] = {}
    extra: dict[str, str] = {}
    derived = Derived(line)
    gb_cells: dict[str, tuple[str, Any]] = {}

    def unreadable(header: str, value: Any, why: str) -> None:
        extra[header] = _text(value)
        conv.cell_notes.append((line, header, _text(value)[:60], why))

    for header, fld in mapping.items():
        v = raw.get(header)
        if blank(v):
            continue
        if fld == "_seq":
            continue
        if fld in _GB_ORDER:
            gb_cells[fld] = (header, v)
            continue
        try:
            if fld in ("reg_capital", "paid_capital"):
                amount, currency = parse_capital(v)
                row[fld] = amount
                row[f"{fld}_currency"] = currency
            elif fld == "founded":
                row[fld] = parse_date(v)
            elif fld == "size":
                row[fld] = parse_size(v)
            elif fld == "reg_status":
                status = _text(v)
                row[fld] = status
                row["defunct"] = is_defunct(status)
            elif fld == "province":
                row[fld] = places.full_province(_text(v))
            elif fld == "city":
                row[fld] = places.full_city(_text(v))
            elif fld == "former_names":
                names = [n.strip() for n in _FORMER_SPLIT.split(_text(v)) if n.strip()]
                row[fld] = list(dict.fromkeys(names)) or None
            elif fld == "main_products":
                row[fld] = _text(v)
                derived.products = row[fld]
            elif fld == "scope":
                row[fld] = _text(v)
                derived.scope = row[fld]
            else:
                row[fld] = v
        except ValueError as exc:
            unreadable(header, v, reason_of(exc))
    _industry(gb_cells, derived, row, unreadable, lambda h, v: extra.__setitem__(h, _text(v)))
    for h in kept:
        v = raw.get(h)
        if not blank(v):
            extra[h] = _text(v)
    if not row.get("name") and row.get("full_name"):
        row["name"] = row["full_name"]
    if extra:
        row["extra"] = json.dumps(extra, ensure_ascii=False, sort_keys=True)
    return row, derived


def _industry(
    cells: Mapping[str, tuple[str, Any]],
    derived: Derived,
    row: dict[str, Any],
    unreadable: Any,
    keep: Any,
) -> None:
    """The most specific GB/T 4754 code the industry columns give, and the names they show."""
    for fld in _GB_ORDER:
        if fld not in cells:
            continue
        header, v = cells[fld]
        code = gb4754.code_in(v)
        if code is None:
            keep(header, v)  # industry text without a code stays with the firm
            continue
        name = re.sub(r"^[A-Ta-t]?\s*[0-9]{0,4}\s*[-_、:：]?\s*", "", _text(v)).strip("()（） ")
        if name and not name.isdigit():
            derived.gb_names.setdefault(code, name)
        if derived.gb_code is None or len(code) > len(derived.gb_code):
            if derived.gb_code is not None and not code.startswith(derived.gb_code) and len(derived.gb_code) > 1:
                continue  # a finer code that contradicts a coarser one: keep the first
            derived.gb_code, derived.gb_from = code, header
    if derived.gb_code is not None:
        row["gb4754"] = derived.gb_code
        return
    for fld in ("_industry", "_gb_division", "_gb_class", "_gb_group", "_gb_section"):
        if fld in cells:
            header, v = cells[fld]
            unreadable(
                header, v, Msg("holds no GB/T 4754 code ({field}); kept as text in extra", field=FIELD_ZH.get(fld, fld))
            )
            return
