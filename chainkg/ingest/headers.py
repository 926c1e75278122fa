"""The header dictionary of enterprise-registry exports, and telling a table's type by its columns.

Exports from 企查查, 天眼查, 启信宝, 国家企业信用信息公示系统 and statistics-bureau sheets name
the same facts in a handful of ways. :data:`REGISTRY_HEADERS` lists them, field by field; a
header not listed is kept in the enterprise's ``extra`` property (never dropped silently).

Fields starting with ``_`` are not properties of their own: they are read by
:mod:`chainkg.ingest.registry_export` (the industry columns become a GB/T 4754 code,
``_seq`` is a row number).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from chainkg.i18n import Msg
from chainkg.ingest.formats import PROVENANCE_COLUMNS, TypeSpec, all_specs, map_header

REGISTRY_TYPE = "registry"
"""Pseudo-type of a registry export (企业名录): enterprises with their registry facts."""
REGISTRY_TYPE_NAMES = frozenset({"registry", "企业名录", "名录", "工商", "工商数据", "registry_export"})

# field -> header spellings (compared after NFKC, case folding and removing spaces/brackets'
# contents such as "(万元)").
REGISTRY_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("企业简称", "公司简称", "简称", "证券简称", "股票简称", "名称"),
    "full_name": (
        "企业名称",
        "公司名称",
        "企业(机构)名称",
        "企业全称",
        "公司全称",
        "全称",
        "单位名称",
        "市场主体名称",
        "机构名称",
        "纳税人名称",
        "主体名称",
        "单位详细名称",
        "详细名称",
    ),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "统一社会信用代码/注册号"),
    "reg_no": ("注册号", "工商注册号"),
    "org_code": ("组织机构代码", "机构代码"),
    "legal_rep": ("法定代表人", "法人代表", "法人", "法定代表人/负责人", "负责人", "经营者", "执行事务合伙人"),
    "reg_capital": ("注册资本", "注册资金"),
    "paid_capital": ("实缴资本", "实收资本", "实缴资金"),
    "founded": ("成立日期", "成立时间", "注册日期", "注册时间", "成立年份", "设立日期", "开业时间", "开业日期"),
    "reg_status": ("登记状态", "经营状态", "企业状态", "状态", "存续状态", "企业(机构)状态"),
    "company_type": ("企业类型", "公司类型", "企业(机构)类型", "类型", "机构类型", "组织形式", "登记注册类型"),
    "province": ("所属省份", "省份", "所在省份", "登记省份", "省", "所属地区", "地区"),
    "city": ("所属城市", "城市", "所在城市", "地级市", "市"),
    "district": ("所属区县", "区县", "区/县", "县区", "所在区县", "区"),
    "_industry": ("所属行业", "行业", "国标行业", "国民经济行业", "行业分类", "所属国标行业"),
    "_gb_section": ("门类", "行业门类", "国标行业门类", "所属行业门类"),
    "_gb_division": ("大类", "行业大类", "国标行业大类", "所属行业大类"),
    "_gb_group": ("中类", "行业中类", "国标行业中类", "所属行业中类"),
    "_gb_class": ("小类", "行业小类", "国标行业小类", "所属行业小类"),
    "gb4754": ("行业代码", "国标行业代码", "国民经济行业代码", "所属行业代码", "gb/t4754代码", "gb4754"),
    "size": ("企业规模", "规模", "企业规模类型"),
    "insured": ("参保人数", "社保人数", "参保人员数"),
    "employees": ("员工人数", "从业人数", "职工人数", "从业人员期末人数", "从业人员"),
    "scope": ("经营范围",),
    "main_products": ("主营产品", "主要产品", "主营业务", "产品", "主营产品/服务"),
    "former_names": ("曾用名", "历史名称", "原名", "曾用名称"),
    "name_en": ("英文名", "英文名称", "企业英文名", "英文名称(english)"),
    "address": ("地址", "注册地址", "企业地址", "住所", "通信地址", "注册地址(住所)"),
    "website": ("网址", "官网", "网站", "企业官网"),
    "stock_code": ("股票代码", "证券代码"),
    "high_tech": ("高新技术企业", "是否高新技术企业"),
    "_seq": ("序号", "no.", "no"),
}

FIELD_ZH: dict[str, str] = {
    "_industry": "所属行业 → GB/T 4754 代码",
    "_gb_section": "行业门类 → GB/T 4754 代码",
    "_gb_division": "行业大类 → GB/T 4754 代码",
    "_gb_group": "行业中类 → GB/T 4754 代码",
    "_gb_class": "行业小类 → GB/T 4754 代码",
    "_seq": "序号 (row number, not loaded)",
}

# Columns that only a registry export has (a plain enterprise table has none of them).
_REGISTRY_ONLY = frozenset(
    {
        "uscc",
        "reg_no",
        "org_code",
        "legal_rep",
        "reg_capital",
        "paid_capital",
        "founded",
        "reg_status",
        "company_type",
        "district",
        "_industry",
        "_gb_section",
        "_gb_division",
        "_gb_group",
        "_gb_class",
        "gb4754",
        "insured",
        "scope",
        "former_names",
        "address",
        "website",
    }
)

_UNIT = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


def norm_header(header: object) -> str:
    """The comparable form of a header: NFKC, lower case, no spaces, unit brackets dropped.

    Examples
    --------
    >>> norm_header("注册资本（万元）"), norm_header(" Enterprise Name ")
    ('注册资本', 'enterprisename')
    """
    t = unicodedata.normalize("NFKC", str(header)).strip().lower()
    stripped = _UNIT.sub("", t)
    t = stripped if stripped.strip() else t  # "(空)" alone stays itself
    return re.sub(r"[\s*＊:：]+", "", t)


@cache
def _registry_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for fld, names in REGISTRY_HEADERS.items():
        for n in names:
            index.setdefault(norm_header(n), fld)
            index.setdefault(re.sub(r"[()（）]", "", norm_header(n)), fld)
    return index


def registry_field(header: object) -> str | None:
    """The registry field a header names, or ``None`` (the column is then kept in ``extra``)."""
    h = norm_header(header)
    index = _registry_index()
    return index.get(h) or index.get(re.sub(r"[()（）]", "", h))


def registry_mapping(header: Sequence[object]) -> dict[str, str]:
    """Header -> field for a registry export; the first column naming a field wins."""
    out: dict[str, str] = {}
    for h in header:
        if not str(h).strip():
            continue
        f = registry_field(h)
        if f is not None and f not in out.values():
            out[str(h)] = f
    return out


# -- title and note rows ---------------------------------------------------------------------------
def _known_header(cell: object) -> bool:
    h = norm_header(cell)
    if registry_field(cell) is not None or h in PROVENANCE_COLUMNS:
        return True
    return any(map_header(s.name, str(cell)) is not None for s in all_specs())


def is_preamble_row(cells: Sequence[Any]) -> bool:
    """True for a title or note row above a header: at most two filled cells, none a known header.

    Registry exports put a title ("企业名录（导出时间：2026-01-01）") and notes above the header; a
    one-column table's header ("名称") is a known header, so it is never taken for a title.

    Examples
    --------
    >>> is_preamble_row(["企查查 · 企业列表导出", None, None]), is_preamble_row(["名称"])
    (True, False)
    >>> is_preamble_row(["企业名称", "统一社会信用代码", "法定代表人"])
    False
    """
    filled = [c for c in cells if c is not None and str(c).strip()]
    if not filled or len(filled) > 2:
        return False
    return not any(_known_header(c) for c in filled)


PREAMBLE_MAX_ROWS = 10
"""At most this many title/note rows are skipped above a header."""

_FOOTER = re.compile(
    r"^(数据来源|来源|导出|注[:：]|说明|备注|免责|共\s*\d+\s*条|合计|总计|本数据|以上|查询时间|导出时间)"
)


def is_footer_row(values: Sequence[Any]) -> bool:
    """True for a note row below the data: one filled cell that reads as a source line or note.

    Examples
    --------
    >>> is_footer_row(["数据来源：企查查", None, None]), is_footer_row(["示例科技有限公司", None])
    (True, False)
    """
    filled = [str(v).strip() for v in values if v is not None and str(v).strip()]
    return len(filled) == 1 and bool(_FOOTER.match(unicodedata.normalize("NFKC", filled[0])))


# -- telling a table's type by its columns ---------------------------------------------------------
@dataclass
class Detection:
    """What a table's columns say it holds: ``registry``, a type name, or nothing (with why)."""

    type: str | None
    reason: str
    candidates: list[str] = field(default_factory=list)


def detect_type(header: Sequence[object]) -> Detection:
    """The type a table holds, judged by its header alone.

    A registry export (an enterprise name column and at least two registry-only columns such
    as 统一社会信用代码, 法定代表人, 注册资本) comes first; otherwise the model's table format whose
    required columns are all there and which names the most columns; a tie is no answer.

    Examples
    --------
    >>> detect_type(["企业名称", "统一社会信用代码", "法定代表人", "注册资本"]).type
    'registry'
    >>> detect_type(["企业名称", "主营产品"]).type
    'MAKES'
    """
    heads = [str(h) for h in header if str(h).strip()]
    reg = registry_mapping(heads)
    fields = set(reg.values())
    named = bool(fields & {"full_name", "name"})
    only = fields & _REGISTRY_ONLY
    if named and len(only) >= 2:
        return Detection(REGISTRY_TYPE, Msg("registry columns: {columns}", columns=", ".join(sorted(only))))
    scored: list[tuple[int, TypeSpec]] = []
    for s in all_specs():
        mapped = {map_header(s.name, h) for h in heads} - {None}
        required = {c.name for c in s.columns if c.required}
        if required <= mapped and mapped:
            scored.append((len(mapped), s))
    if not scored:
        if named and only:
            return Detection(REGISTRY_TYPE, Msg("registry columns: {columns}", columns=", ".join(sorted(only))))
        return Detection(None, Msg("no table format has all its required columns among these headers"))
    best = max(n for n, _ in scored)
    top = [s.name for n, s in scored if n == best]
    if len(top) == 1:
        return Detection(top[0], Msg("columns fit the {type} format", type=top[0]))
    return Detection(None, Msg("the columns fit {types} equally well", types=", ".join(top)), top)


def is_registry_type(name: str | None) -> bool:
    """True when ``name`` (a ``--type`` value) means a registry export."""
    return bool(name) and norm_header(name) in {norm_header(n) for n in REGISTRY_TYPE_NAMES}


def _filled(values: Sequence[Any]) -> int:
    return sum(1 for v in values if v is not None and str(v).strip())


def locate_header(
    lead: Sequence[tuple[int, list[Any]]],
) -> tuple[list[tuple[int, str]], tuple[int, list[Any]], list[tuple[int, list[Any]]]]:
    """Split the first rows of a table into title/note rows, the header row and data rows.

    ``lead`` is the rows read so far: title-like rows (:func:`is_preamble_row`) and the first
    other row. Those rows are titles only when that row is wider than each of them; otherwise
    the first row is the header after all (a narrow table whose headers chainkg does not know).
    """
    *before, last = lead
    if before and _filled(last[1]) > max(_filled(v) for _, v in before):
        titles = [(n, " ".join(str(c).strip() for c in v if c is not None and str(c).strip())) for n, v in before]
        return titles, last, []
    return [], lead[0], list(lead[1:])
