"""GB/T 4754-2017 industry codes: the code list, reading codes from export cells, parents, the SW2021 crosswalk.

Codes are kept as digits (``3976``), the 门类 as its letter (``C``): the digits fix the letter,
so ``C3976`` and ``3976`` are one code. The full code list, the sections with their division
ranges and the crosswalk are package data (``data/gb4754_2017.csv``,
``data/gb4754_2017_sections.csv``, ``data/gb4754_sw2021.csv``), each naming its source.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

SCHEME = "GB4754"


@dataclass(frozen=True)
class Section:
    """A 门类: its letter, name and the divisions (大类) it covers."""

    letter: str
    name: str
    first: int
    last: int


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("chainkg.ingest").joinpath("data", name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def sections() -> tuple[Section, ...]:
    """The 20 sections of GB/T 4754-2017."""
    return tuple(
        Section(r["section"], r["name"], int(r["first_division"]), int(r["last_division"]))
        for r in _rows("gb4754_2017_sections.csv")
    )


@cache
def crosswalk() -> tuple[tuple[str, str, str], ...]:
    """(GB/T 4754 prefix, SW2021 code, basis), longest prefix first. An editorial mapping."""
    rows = [(r["gb4754"], r["sw2021"], r["basis"]) for r in _rows("gb4754_sw2021.csv")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@cache
def codes() -> dict[str, str]:
    """Every GB/T 4754-2017 code with its name, groups implied by a single class included."""
    out = {r["code"]: r["name"].strip() for r in _rows("gb4754_2017.csv")}
    for code, name in list(out.items()):
        if len(code) == 4 and code[:3] not in out:
            out[code[:3]] = name  # a group with one class shares its name (019 / 0190 其他农业)
    return dict(sorted(out.items(), key=lambda kv: (len(kv[0]) > 1, kv[0])))


@cache
def _by_name() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, name in codes().items():
        key = _name_key(name)
        if key not in index or len(code) > len(index[key]):
            index[key] = code  # a name used at two levels (教育: P and 83) means the finer one
    return index


def _name_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def counts() -> dict[int, int]:
    """Codes per level (1 门类 ... 4 小类)."""
    out: dict[int, int] = {}
    for code in codes():
        out[level(code)] = out.get(level(code), 0) + 1
    return out


def section_of(code: str) -> Section | None:
    """The section a code belongs to (``3976`` -> C 制造业)."""
    if len(code) == 1:
        return next((s for s in sections() if s.letter == code), None)
    division = int(code[:2])
    return next((s for s in sections() if s.first <= division <= s.last), None)


def parents(code: str) -> list[str]:
    """The codes above ``code``, nearest first: ``3976`` -> ``['397', '39', 'C']``."""
    out = [code[:n] for n in (3, 2) if len(code) > n]
    sec = section_of(code) if len(code) > 1 else None
    if sec is not None:
        out.append(sec.letter)
    return out


def level(code: str) -> int:
    """1 = 门类, 2 = 大类, 3 = 中类, 4 = 小类."""
    return 1 if len(code) == 1 else len(code)


_CODE = re.compile(r"(?<![0-9A-Za-z])([A-Ta-t])?\s*([0-9]{2,4})(?![0-9])")
_SECTION_ONLY = re.compile(r"^\s*([A-Ta-t])(?:\s|[-_、.:：]|$)")


def code_in(text: object) -> str | None:
    """The GB/T 4754 code written in a cell, or ``None``.

    Accepts ``C3976``, ``3976``, ``C3976 光电子器件制造``, ``光电子器件制造(3976)`` and a lone
    section letter (``C``, ``C 制造业``). A letter that contradicts the digits is no code.

    Examples
    --------
    >>> code_in("C3976 光电子器件制造"), code_in("3976"), code_in("C"), code_in("A3976")
    ('3976', '3976', 'C', None)
    """
    if text is None:
        return None
    t = unicodedata.normalize("NFKC", str(text)).strip()
    if isinstance(text, int | float) and not isinstance(text, bool):
        t = str(int(text)) if float(text).is_integer() else t
        if len(t) == 3 and isinstance(text, int | float):  # Excel drops the leading zero of 0111 etc.
            t = "0" + t
    m = _CODE.search(t)
    if m:
        letter, digits = m.group(1), m.group(2)
        sec = section_of(digits)
        if sec is None or (letter and letter.upper() != sec.letter) or not is_known(digits):
            return None  # a letter that contradicts the digits, or a code the standard lacks
        return digits
    named = _by_name().get(_name_key(t))
    if named is not None:
        return named  # a code written by its name: 光电子器件制造, 制造业
    m = _SECTION_ONLY.match(t)
    if m:
        return m.group(1).upper()
    return None


def to_sw2021(code: str) -> tuple[str, str] | None:
    """The SW2021 industry a GB/T 4754 code maps to, with the basis; ``None`` when unmapped.

    A row keyed by a 门类 letter (``E``) covers every code of that section."""
    sec = section_of(code)
    for prefix, sw, basis in crosswalk():
        if code.startswith(prefix) or (sec is not None and prefix == sec.letter):
            return sw, basis
    return None


def name_of(code: str) -> str | None:
    """The name GB/T 4754-2017 gives a code, or ``None`` for a code it does not have."""
    return codes().get(code)


def is_known(code: str) -> bool:
    """True for a code of GB/T 4754-2017."""
    return code in codes()
