"""Load-time rules of the policy measures (issue 14): units, derived keys, owners, sanity.

The pipeline calls one :class:`MeasureRules` per load at four points: a header it cannot map
may carry a unit (``出口额（万美元）``); a validated row is converted to canonical units and
checked (negative amounts, impossible years, shares above 100 %, ``until`` before ``since``);
a node without a key gets one derived from its fields; a node that names its owner
(``EnterpriseYear.enterprise``) gets the owner relationship made for it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from chainkg.graph.model import JURISDICTIONS, PropType, node_type, rel_type
from chainkg.graph.store.base import GraphStore
from chainkg.i18n import Msg, reason_of
from chainkg.ingest.formats import TypeSpec, map_header
from chainkg.ingest.units import UNITS, convert, norm_unit, split_header, unknown_unit
from chainkg.ingest.validate import FieldProblem, RowError


@dataclass(frozen=True)
class Owner:
    """A node that names its owner in a column; the loader makes ``rel`` between them
    (from the owner to the node, or from the node to the owner when ``outgoing``)."""

    column: str
    label: str
    rel: str
    outgoing: bool = False


OWNED: dict[str, Owner] = {
    "EnterpriseYear": Owner("enterprise", "Enterprise", "REPORTS"),
    "FinancingEvent": Owner("enterprise", "Enterprise", "RECEIVED"),
    "RDCentre": Owner("base", "Base", "SITED_IN", outgoing=True),
}

# Figures whose value is part of another figure of the same row: part ≤ whole, else a share > 100 %.
PARTS: tuple[tuple[str, str], ...] = (
    ("exports_own_ip", "exports"),
    ("exports_high_tech", "exports"),
    ("exports_high_tech_own_ip", "exports_high_tech"),
    ("exports_high_tech_own_ip", "exports_own_ip"),
)
NATIONAL_CANONICAL = {
    "output": "万元",
    "revenue": "万元",
    "exports": "万美元",
    "exports_high_tech": "万美元",
    "exports_own_ip": "万美元",
}
_DATE_OR_YEAR = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_PREFIX = {"WO": "PCT", "CN": "CN", "US": "US", "EP": "EP", "JP": "JP", "KR": "KR"}
_PREFIX |= {"DE": "DE", "GB": "GB", "FR": "FR", "TW": "TW", "HK": "HK"}


class _Finder(Protocol):
    def prefetch(self, label: str, values: list[str]) -> None: ...

    def find(self, labels: list[str], value: str) -> tuple[Any, str | None]: ...


def year_of(text: str | None) -> int | None:
    """The year of a ``YYYY`` or ``YYYY-MM-DD`` field, ``None`` when empty.

    Examples
    --------
    >>> year_of("2008-05-12"), year_of("2011"), year_of(None)
    (2008, 2011, None)
    """
    if not text:
        return None
    m = _DATE_OR_YEAR.match(str(text).strip())
    return int(m.group(1)) if m else None


def jurisdiction_of(number: str) -> str | None:
    """The office of a patent number by its prefix (``WO2021…`` is PCT), ``None`` when unknown."""
    head = number.strip().upper()[:2]
    return _PREFIX.get(head)


def _today_year() -> int:
    return dt.date.today().year


@dataclass
class MeasureRules:
    """The measure rules of one load; ``nodes`` is the load's own node table (for rates)."""

    store: GraphStore | None
    nodes: Mapping[str, Mapping[str, Any]]  # label -> key -> the pipeline's node (``.props``)
    header_units: dict[int, dict[str, str]] = field(default_factory=dict)
    _stored_rates: dict[tuple[str, int], float] | None = None
    today: Callable[[], int] = _today_year

    # -- headers ---------------------------------------------------------------------------------
    def map_header(self, type_name: str, header: str, table: object) -> str | None:
        """The column of a header with a unit in brackets, remembering the unit for ``table``."""
        stem, unit = split_header(header)
        if unit is None:
            return None
        col = map_header(type_name, stem)
        if col is not None:
            self.header_units.setdefault(id(table), {})[col] = unit
        return col

    # -- rates -----------------------------------------------------------------------------------
    def rate(self, currency: str, year: int) -> float | None:
        """Yuan per unit of ``currency`` in ``year``: from this load's files, else from the store."""
        for n in self.nodes.get("ExchangeRate", {}).values():
            p = n.props
            if p.get("currency") == currency and p.get("year") == year and p.get("cny_per_unit"):
                return float(p["cny_per_unit"])
        if self._stored_rates is None:
            self._stored_rates = {}
            if self.store is not None:
                rows = self.store.execute(
                    "MATCH (x:ExchangeRate) RETURN x.currency AS c, x.year AS y, x.cny_per_unit AS r"
                )
                self._stored_rates = {(r["c"], int(r["y"])): float(r["r"]) for r in rows if r["r"] is not None}
        return self._stored_rates.get((currency, year))

    # -- rows ------------------------------------------------------------------------------------
    def check(self, s: TypeSpec, row: dict[str, Any], table: object) -> None:
        """Convert units and check one validated row in place; raise ``RowError`` listing problems."""
        problems: list[FieldProblem] = []
        units = self.header_units.get(id(table), {})
        props = {p.name: p for p in (s.node.props if s.node else s.rel.props if s.rel else ())}
        year = row.get("year")
        if s.name == "NationalTotal" and row.get("value") is not None:
            self._national(row, units, problems)
        for name, p in props.items():
            v = row.get(name)
            if v is None or p.type not in (PropType.FLOAT, PropType.INT) or name in ("year", "since", "until"):
                continue
            if name in ("founded", "closed"):
                continue
            if v < 0:
                problems.append(FieldProblem(name, v, Msg("cannot be negative; got {value}", value=v)))
                continue
            given = units.get(name)
            if p.unit and given and norm_unit(given) != p.unit:
                try:
                    row[name] = convert(float(v), given, p.unit, year=year, rate=self.rate)
                except ValueError as exc:
                    problems.append(FieldProblem(name, v, reason_of(exc)))
        if year is not None and s.name in ("EnterpriseYear", "NationalTotal", "FinancingEvent", "ExchangeRate"):
            if year > self.today():
                problems.append(FieldProblem("year", year, Msg("is after this year ({year})", year=self.today())))
            elif year < 1949:
                problems.append(FieldProblem("year", year, Msg("is before 1949: no figures of this kind exist")))
        for part, whole in PARTS:
            a, b = row.get(part), row.get(whole)
            if a is not None and b is not None and a > b and not any(p.field in (part, whole) for p in problems):
                zh_a, zh_b = props[part].zh, props[whole].zh
                problems.append(
                    FieldProblem(
                        part,
                        a,
                        Msg(
                            "{part} {a:g} exceeds {whole_zh} {b:g} ({whole}): a share above 100 %; "
                            "check units and columns",
                            part=zh_a,
                            a=a,
                            whole_zh=zh_b,
                            b=b,
                            whole=whole,
                        ),
                    )
                )
        self._dates(s, row, problems)
        if s.name == "Patent" and not row.get("jurisdiction") and row.get("key"):
            row["jurisdiction"] = jurisdiction_of(str(row["key"]))
        if problems:
            raise RowError(problems)

    def _national(self, row: dict[str, Any], units: Mapping[str, str], problems: list[FieldProblem]) -> None:
        given = row.get("unit") or units.get("value")
        canonical = NATIONAL_CANONICAL[row["measure"]]
        if given:
            if norm_unit(given) not in UNITS:
                problems.append(FieldProblem("unit", given, unknown_unit(given)))
                return
            try:
                row["value"] = convert(float(row["value"]), given, canonical, year=row.get("year"), rate=self.rate)
            except ValueError as exc:
                problems.append(FieldProblem("value", row["value"], reason_of(exc)))
                return
        row["unit"] = canonical

    def _dates(self, s: TypeSpec, row: dict[str, Any], problems: list[FieldProblem]) -> None:
        since, until = row.get("since"), row.get("until")
        if since is not None and until is not None and until < since:
            problems.append(
                FieldProblem(
                    "until", until, Msg("is before since ({since}): a tie cannot end before it starts", since=since)
                )
            )
        if "until" in row and until is not None and until > self.today() + 1:
            problems.append(FieldProblem("until", until, Msg("is after next year ({year})", year=self.today() + 1)))
        if s.name == "Enterprise":
            years = {}
            for f in ("founded", "closed"):
                v = row.get(f)
                if v is None:
                    continue
                y = year_of(v)
                if y is None:
                    problems.append(FieldProblem(f, v, Msg("write a year (2008) or a date (2008-05-12)")))
                elif not 1800 <= y <= self.today():
                    problems.append(
                        FieldProblem(
                            f, v, Msg("the year {year} is impossible (1800–{last})", year=y, last=self.today())
                        )
                    )
                else:
                    years[f] = y
            if "founded" in years and "closed" in years and years["closed"] < years["founded"]:
                problems.append(
                    FieldProblem("closed", row["closed"], Msg("is before founded ({founded})", founded=row["founded"]))
                )
        if s.name == "RDCentre":
            opened, shut = row.get("founded"), row.get("closed")
            if opened is not None and shut is not None and shut < opened:
                problems.append(FieldProblem("closed", shut, Msg("is before founded ({founded})", founded=opened)))

    # -- keys and owners -------------------------------------------------------------------------
    def node_key(self, label: str, row: dict[str, Any], resolver: _Finder) -> str | None:
        """Resolve the owner column to its key and derive the node key when it is empty.

        Returns ``None`` for labels these rules do not cover.
        """
        if label == "NationalTotal":
            self.resolve_industry(row, resolver)
        owner = OWNED.get(label)
        if owner is not None:
            value = str(row[owner.column])
            resolver.prefetch(owner.label, [value])
            hit, reason = resolver.find([owner.label], value)
            if hit is None:
                raise RowError([FieldProblem(owner.column, value, reason or "")])
            row[owner.column] = hit.key
        if row.get("key"):
            return str(row["key"]) if label in _DERIVED else None
        if label == "EnterpriseYear":
            return f"{row['enterprise']}@{row['year']}"
        if label == "ExchangeRate":
            return f"{row['currency']}:{row['year']}"
        if label == "FinancingEvent":
            amount = "" if row.get("amount") is None else f":{row['amount']:g}"
            return f"{row['enterprise']}:{row['instrument']}:{row['year']}{amount}"
        if label == "NationalTotal":
            return f"{row['measure']}:{row.get('industry') or '*'}:{row['year']}"
        return None

    def resolve_industry(self, row: dict[str, Any], resolver: _Finder) -> None:
        """A national total's industry, given by key or name, becomes the industry key."""
        v = row.get("industry")
        if not v:
            return
        resolver.prefetch("Industry", [str(v)])
        hit, reason = resolver.find(["Industry"], str(v))
        if hit is None:
            raise RowError([FieldProblem("industry", v, reason or "")])
        row["industry"] = hit.key


_DERIVED = frozenset({"EnterpriseYear", "ExchangeRate", "FinancingEvent", "NationalTotal"})

# The model must hold every owner relationship and jurisdiction named here.
for _o in OWNED.values():
    rel_type(_o.rel)
    node_type(_o.label)
assert "PCT" in JURISDICTIONS
