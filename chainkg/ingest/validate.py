"""Row validation: a pydantic model per table format, generated from the graph model.

Cells arrive as text (CSV), as Excel values or as JSON values. Each model turns them into
the model's types, applies the field checks of :mod:`chainkg.ingest.checks`, and every
problem comes back as a :class:`FieldProblem` whose message a planner can act on.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError, create_model

from chainkg.graph.model import PY_TYPES, PropType
from chainkg.i18n import N_, Msg, reason_of
from chainkg.ingest import checks
from chainkg.ingest.formats import CHOICE_SYNONYMS, Column, TypeSpec, choice_key, spec
from chainkg.ingest.readers import CellError

_TRUE = {"true", "yes", "y", "t", "1", "是", "有", "√", "✓", "对", "x"}
_FALSE = {"false", "no", "n", "f", "0", "否", "无", "×", "✗", "不", "-"}
_LIST_SPLIT = re.compile(r"[;；|\n]")
_YEAR_FIELDS = frozenset({"approved_year", "founded_year", "year", "since"})

TYPE_MESSAGES: dict[str, str] = {
    "int_parsing": N_("must be a whole number (for example 2015)"),
    "int_from_float": N_("must be a whole number, without decimals"),
    "int_type": N_("must be a whole number (for example 2015)"),
    "float_parsing": N_("must be a number (for example 0.25)"),
    "float_type": N_("must be a number (for example 0.25)"),
    "bool_parsing": N_("must be yes or no (是/否, true/false, 1/0)"),
    "bool_type": N_("must be yes or no (是/否, true/false, 1/0)"),
    "string_type": N_("must be text"),
    "list_type": N_("must be a list (separate items with ';')"),
    "finite_number": N_("must be a finite number"),
}
"""pydantic's error types, as a planner reads them (msgids: shown with :class:`~chainkg.i18n.Msg`)."""


@dataclass(frozen=True)
class FieldProblem:
    """One reason a row cannot be loaded."""

    field: str | None
    value: Any
    reason: str


class RowError(ValueError):
    """A row failed validation; ``problems`` lists every field that is wrong."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))


# -- cleaning before type conversion ---------------------------------------------------------------
def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _to_text(v: Any) -> Any:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        # Excel stores codes such as 600000 as numbers; 600000.0 must become "600000".
        return str(int(v))
    if isinstance(v, int | float):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _unless_blank(pre: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``pre`` for a cell with a value; a blank cell (empty or a placeholder) is no value."""

    def clean(v: Any) -> Any:
        return None if _blank(v) else pre(v)

    return clean


def _number_text(v: str) -> str:
    """A number as written, in ASCII without thousands separators or spaces: ``"１,２00 "`` -> ``"1200"``."""
    return unicodedata.normalize("NFKC", v).strip().replace(",", "").replace(" ", "")


@_unless_blank
def _pre_string(v: Any) -> Any:
    v = _to_text(v)
    return v.strip() if isinstance(v, str) else v


def _number_cleaner(parse: Callable[[str], Any]) -> Callable[[Any], Any]:
    """A cleaner for a number column: text goes to ``parse`` as :func:`_number_text` gives it."""

    @_unless_blank
    def clean(v: Any) -> Any:
        if isinstance(v, bool):
            return str(v).lower()  # a yes/no is not a number: it fails validation as text
        return parse(_number_text(v)) if isinstance(v, str) else v

    return clean


def _int_text(t: str) -> Any:
    t = re.sub(r"(年|人|家)$", "", t)
    if re.fullmatch(r"[+-]?[0-9]{1,30}", t):
        return int(t)  # exact: through a float, 19-digit numbers would lose their last digits
    try:
        f = float(t)
    except ValueError:
        return t
    return int(f) if f.is_integer() else f


def _float_text(t: str) -> Any:
    if t.endswith("%"):
        try:
            return float(t[:-1]) / 100
        except ValueError:
            return t
    return t


_pre_int = _number_cleaner(_int_text)
_pre_float = _number_cleaner(_float_text)


@_unless_blank
def _pre_bool(v: Any) -> Any:
    if isinstance(v, str):
        t = unicodedata.normalize("NFKC", v).strip().lower()
        if t in _TRUE:
            return True
        if t in _FALSE:
            return False
        return t
    return v


@_unless_blank
def _pre_list(v: Any) -> Any:
    if isinstance(v, str):
        items = [p.strip() for p in _LIST_SPLIT.split(v)]
        return [p for p in items if p] or None
    if isinstance(v, list | tuple):
        items = [str(_to_text(p)).strip() for p in v if not _blank(p)]
        return items or None
    return v


_PRE: dict[PropType, Callable[[Any], Any]] = {
    PropType.STRING: _pre_string,
    PropType.INT: _pre_int,
    PropType.FLOAT: _pre_float,
    PropType.BOOL: _pre_bool,
    PropType.STRING_LIST: _pre_list,
}


def _choice_cleaner(choices: tuple[str, ...], synonyms: Mapping[str, str]) -> Callable[[Any], Any]:
    def clean(v: Any) -> Any:
        v = _pre_string(v)
        if not isinstance(v, str):
            return v
        t = unicodedata.normalize("NFKC", v).strip()
        low = t.lower().replace("-", "_")
        if low in choices:
            return low
        mapped = synonyms.get(t) or synonyms.get(low)
        if mapped:
            return mapped
        shown = ", ".join(choices)
        zh = sorted({k for k, val in synonyms.items() if val in choices and not k.isascii()})
        if zh:
            raise ValueError(
                Msg("must be one of {choices} (or in Chinese: {zh}); got {v!r}", choices=shown, zh=", ".join(zh), v=v)
            )
        raise ValueError(Msg("must be one of {choices}; got {v!r}", choices=shown, v=v))

    return clean


# -- checks after type conversion -------------------------------------------------------------------
def _optional(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def run(v: Any) -> Any:
        return None if v is None else check(v)

    return run


def _list_of(check: Callable[[str], str]) -> Callable[[list[str]], list[str]]:
    def run(values: list[str]) -> list[str]:
        return list(dict.fromkeys(check(v) for v in values))

    return run


def _finite(v: float) -> float:
    if math.isnan(v) or math.isinf(v):
        raise ValueError(Msg("must be a finite number"))
    return v


_INT64 = (-(2**63), 2**63 - 1)


def _int64(v: int) -> int:
    # Both stores keep whole numbers as 64-bit integers; a larger one would fail the write.
    if not _INT64[0] <= v <= _INT64[1]:
        raise ValueError(Msg("is too large a number ({n} digits); is a column shifted?", n=len(str(abs(v)))))
    return v


def _after_checks(owner: str, c: Column) -> list[Callable[[Any], Any]]:
    out: list[Callable[[Any], Any]] = []
    if c.type is PropType.INT:
        out.append(_int64)
    if c.type is PropType.STRING:
        out.append(partial(checks.check_text, long=c.name == "description"))
    if c.type is PropType.FLOAT:
        out.append(_finite)
    if c.name == "uscc":
        out.append(checks.check_uscc)
    elif c.name == "stock_code":
        out.append(checks.normalize_stock_code)
    elif c.name == "listing_date":
        out.append(checks.check_date)
    elif c.name in _YEAR_FIELDS:
        out.append(checks.check_year)
    elif c.name in ("employees", "revenue_musd"):
        out.append(checks.check_non_negative)
    elif c.name == "ipc_codes":
        out.append(_list_of(checks.normalize_ipc))
    elif c.name == "scheme" and owner == "Industry":
        out.append(checks.check_scheme)
    elif c.name == "key" and owner == "TechField":
        out.append(checks.check_tech_field_key)
    return out


def _field_type(owner: str, c: Column) -> Any:
    base = PY_TYPES[c.type]
    key = choice_key(owner, c)
    if c.choices and c.name != "src_type":
        before: Callable[[Any], Any] = _choice_cleaner(c.choices, CHOICE_SYNONYMS.get(key or "", {}))
    else:
        before = _PRE[c.type]
    parts: list[Any] = [BeforeValidator(before)]
    parts += [AfterValidator(_optional(f)) for f in _after_checks(owner, c)]
    return Annotated[(base | None, *parts)]


@cache
def row_model(type_name: str) -> type[BaseModel]:
    """The pydantic model of one row of ``type_name``'s table (every field optional here;
    required fields are checked by :func:`validate_row` so the message can name the column)."""
    s = spec(type_name)
    fields: dict[str, Any] = {c.name: (_field_type(s.name, c), None) for c in s.columns}
    config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    return create_model(f"{s.name}Row", __config__=config, **fields)


def _message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "value_error":
        ctx = err.get("ctx") or {}
        error = ctx.get("error")
        if isinstance(error, BaseException):
            return reason_of(error)
        return str(error or err.get("msg", "is not valid"))
    if kind in TYPE_MESSAGES:
        return Msg(TYPE_MESSAGES[kind])
    return str(err.get("msg", "is not valid"))


def validate_row(s: TypeSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one row's cells (keyed by column name) and return the typed values.

    Raises :class:`RowError` listing every wrong field.

    Examples
    --------
    >>> from chainkg.ingest.formats import spec
    >>> validate_row(spec("Patent"), {"key": "CN1", "title": "LED", "ipc_codes": "h01l33/00; H01L"})["ipc_codes"]
    ['H01L 33/00', 'H01L']
    """
    model = row_model(s.name)
    problems: list[FieldProblem] = []
    bad: set[str] = set()
    data: dict[str, Any] = {}
    try:
        data = model.model_validate(values).model_dump()
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = err.get("loc") or ()
            name = str(loc[0]) if loc else ""
            if name in bad:
                continue
            bad.add(name)
            given = values.get(name) if name else None
            reason = given.reason if isinstance(given, CellError) else _message(err)
            problems.append(FieldProblem(name or None, given, reason))
    for c in s.columns:
        if not c.required or c.name in bad:
            continue
        missing = data.get(c.name) is None if not problems else _blank(values.get(c.name))
        if missing:
            label = f"{c.name} ({c.zh})" if c.zh else c.name
            problems.append(FieldProblem(c.name, None, Msg("is required: fill in the {label} column", label=label)))
    if problems:
        raise RowError(problems)
    return data
