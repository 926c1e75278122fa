"""Units of money and counts, and the one rule by which chainkg converts them.

The rule (also in docs/ingest.md and docs/indicators.md):

1. Every money property of the model has one canonical unit (``Prop.unit``): 万元 for
   yuan amounts, 万美元 for export amounts.
2. Within a currency a value is scaled by the fixed factors below (亿元 = 10,000 万元,
   百万美元 = 100 万美元 ...). This is arithmetic, not an assumption.
3. Across currencies a value is converted only with the annual exchange rate of its own
   year from an ``ExchangeRate`` table (汇率: yuan per unit, e.g. ``USD:2021``), loaded with
   the data or stored before. Without that rate the value is refused with a message naming
   the missing rate: chainkg never assumes a rate.

A column's unit is written in its header, in brackets: ``营业收入（万元）``, ``出口额(亿美元)``.
A header without a unit means the canonical unit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from chainkg.i18n import Msg

CNY = "CNY"
USD = "USD"


@dataclass(frozen=True)
class Unit:
    """A unit: its currency (or ``None`` for counts) and its size in the canonical unit."""

    currency: str | None
    factor: float


# Size of each unit in the canonical unit of its currency (万元 or 万美元, 万欧元 ...).
UNITS: dict[str, Unit] = {
    "元": Unit(CNY, 1e-4),
    "千元": Unit(CNY, 0.1),
    "万元": Unit(CNY, 1.0),
    "百万元": Unit(CNY, 100.0),
    "千万元": Unit(CNY, 1000.0),
    "亿元": Unit(CNY, 1e4),
    "美元": Unit(USD, 1e-4),
    "千美元": Unit(USD, 0.1),
    "万美元": Unit(USD, 1.0),
    "百万美元": Unit(USD, 100.0),
    "千万美元": Unit(USD, 1000.0),
    "亿美元": Unit(USD, 1e4),
    "人": Unit(None, 1.0),
    "件": Unit(None, 1.0),
    "项": Unit(None, 1.0),
    "个": Unit(None, 1.0),
}
_ALIASES = {
    "人民币万元": "万元",
    "万元人民币": "万元",
    "rmb10k": "万元",
    "cny10k": "万元",
    "usd10k": "万美元",
    "usd": "美元",
    "cny": "元",
    "rmb": "元",
    "musd": "百万美元",
    "usd_m": "百万美元",
}
CANONICAL_OF = {CNY: "万元", USD: "万美元"}

_BRACKETED = re.compile(r"^(.*?)\s*[(\[]\s*([^()\[\]]+?)\s*[)\]]\s*$")


def norm_unit(text: str) -> str:
    """The unit as written in UNITS (full-width brackets, spaces and case do not matter)."""
    t = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    return _ALIASES.get(t.lower(), t)


def split_header(header: str) -> tuple[str, str | None]:
    """``营业收入（万元）`` -> ``("营业收入", "万元")``; a header without brackets -> ``(header, None)``.

    Examples
    --------
    >>> split_header("出口额（万美元）"), split_header("年份")
    (('出口额', '万美元'), ('年份', None))
    """
    m = _BRACKETED.match(unicodedata.normalize("NFKC", str(header)).strip())
    if not m:
        return str(header), None
    return m.group(1), norm_unit(m.group(2))


RateLookup = Callable[[str, int], float | None]
"""``(currency, year) -> yuan per unit``, or ``None`` when no rate is known."""


def convert(value: float, given: str, canonical: str, *, year: int | None, rate: RateLookup) -> float:
    """``value`` in unit ``given`` expressed in ``canonical`` (see the module rule).

    Raises ``ValueError`` with a message a planner can act on: an unknown unit, a money unit
    for a count, or a cross-currency value whose year has no exchange rate.

    Examples
    --------
    >>> convert(1.5, "亿元", "万元", year=2021, rate=lambda c, y: None)
    15000.0
    >>> round(convert(645.15, "万元", "万美元", year=2021, rate=lambda c, y: 6.4515), 6)
    100.0
    """
    g, c = UNITS.get(norm_unit(given)), UNITS.get(canonical)
    if g is None:
        raise ValueError(unknown_unit(given))
    assert c is not None, canonical
    if g.currency == c.currency:
        return value * g.factor / c.factor
    if g.currency is None or c.currency is None:
        raise ValueError(
            Msg("is given in {given}, but it is measured in {canonical}", given=given, canonical=canonical)
        )
    if year is None:
        raise ValueError(
            Msg(
                "is given in {given}; converting it to {canonical} needs the year of its exchange rate",
                given=given,
                canonical=canonical,
            )
        )
    # Convert through yuan: foreign -> CNY uses the rate of the foreign side.
    in_cny = value * g.factor  # now in 万 of the given currency
    if g.currency != CNY:
        r = rate(g.currency, year)
        if r is None:
            raise ValueError(_no_rate(g.currency, year, given, canonical))
        in_cny *= r
    if c.currency == CNY:
        return in_cny / c.factor
    r = rate(str(c.currency), year)
    if r is None:
        raise ValueError(_no_rate(str(c.currency), year, given, canonical))
    return in_cny / r / c.factor


def _no_rate(currency: str, year: int, given: str, canonical: str) -> str:
    return Msg(
        "is given in {given} but measured in {canonical}, and there is no exchange rate {currency}:{year} "
        "(汇率 {currency} {year}年); add it to an exchange_rate file (currency, year, cny_per_unit) "
        "or give the value in the canonical unit",
        given=given,
        canonical=canonical,
        currency=currency,
        year=year,
    )


def unknown_unit(given: str) -> str:
    """Why ``given`` cannot be used as a unit, naming the units that can."""
    return Msg("the unit {given!r} is not known; use one of {units}", given=given, units=", ".join(UNITS))
