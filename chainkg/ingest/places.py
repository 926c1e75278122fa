"""Province and city names, for reading registry exports and comparing firm names.

The names come from the administrative-division table shipped with the ``cpca`` package
(``cpca/resources/adcodes.csv``, from the Ministry of Civil Affairs' public codes, GB/T 2260).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from functools import cache
from pathlib import Path

_SUFFIX = re.compile(r"(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市)$")


def short(name: str) -> str:
    """``广东省`` -> ``广东``, ``深圳市`` -> ``深圳``, ``广西壮族自治区`` -> ``广西``."""
    s = _SUFFIX.sub("", name)
    return s if len(s) >= 2 else name


@cache
def _table() -> tuple[dict[str, str], dict[str, str]]:
    """(province short/full -> full, city short/full -> full)."""
    # Located without importing cpca (its import builds a matcher we do not need).
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package (a dependency of chainkg) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    provinces: dict[str, str] = {}
    cities: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            code, name = r["adcode"], r["name"]
            if code.endswith("0000000000"):
                provinces[name] = name
                provinces.setdefault(short(name), name)
            elif code.endswith("00000000") and name not in ("市辖区", "县", "省直辖县级行政区划"):
                cities[name] = name
                if name.endswith("市"):
                    cities.setdefault(short(name), name)
    return provinces, cities


def full_province(text: str) -> str:
    """The full province name for ``广东`` or ``广东省``; other text unchanged."""
    return _table()[0].get(text.strip(), text.strip())


def full_city(text: str) -> str:
    """The full city name for ``深圳`` or ``深圳市``; other text unchanged."""
    return _table()[1].get(text.strip(), text.strip())


@cache
def _prefixes() -> dict[str, tuple[str, ...]]:
    """Place names by their first two characters, longest first (one dict lookup per name)."""
    provinces, cities = _table()
    out: dict[str, list[str]] = {}
    for name in sorted(set(provinces) | set(cities), key=len, reverse=True):
        out.setdefault(name[:2], []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def split_place(name: str) -> tuple[list[str], str]:
    """Leading place names of a firm name and the rest: ``广东省深圳市示例`` -> (['广东','深圳'], '示例').

    Places come back in their short form, so 深圳市 and 深圳 compare equal.
    """
    places: list[str] = []
    rest = name
    for _ in range(2):  # at most province then city
        hit = next((p for p in _prefixes().get(rest[:2], ()) if rest.startswith(p) and len(rest) > len(p) + 1), None)
        if hit is None:
            break
        places.append(short(hit))
        rest = rest[len(hit) :]
    return places, rest
