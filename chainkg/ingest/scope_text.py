"""主营产品 and 经营范围 text to products, by rules a person can check.

Two rules, each leaving its evidence (the phrase, the product, the rule) on the MAKES link:

1. **主营产品** — the cell is split into items (、，;/); an item that *is* a known product name
   (after canonicalisation: NFKC, full-width to half-width, ASCII upper-cased) makes the firm a
   maker of it; otherwise the longest known product names *inside* the item do.
2. **经营范围** — boilerplate (一般经营项目是：, 依法须经批准的项目…) is dropped and the text is
   cut into clauses at ；;。; a clause that says the firm makes something (研发, 生产, 制造,
   加工, 组装, 封装 …) links the firm to the longest known product names it contains. A clause
   that only trades (销售, 批发, 零售, 进出口, 代理) links nothing: selling is not making.

Only products already known (in the store or in the same load) are linked: text never invents
a product. Inside longer text, only names of three characters or more with at least two Chinese
characters are matched (not 芯片, LED or MINI alone, nor fragments such as 的设计); words that
name no product (产品, 设备 …) are never matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MAKING_VERBS: tuple[str, ...] = ("研发", "研制", "生产", "制造", "加工", "组装", "封装", "开发", "设计", "制作", "研究")
TRADING_ONLY: tuple[str, ...] = ("销售", "批发", "零售", "进出口", "代理", "租赁")
GENERIC: frozenset[str] = frozenset(
    {"产品", "设备", "材料", "技术", "服务", "系统", "器件", "配件", "零部件", "软件", "硬件", "电子产品", "原材料"}
)
MIN_LEN = 3
"""Shortest product name matched inside text (two-character names such as 芯片 match only as a
whole 主营产品 item: inside free text they hit too often by accident)."""
_PARTICLES = tuple("的和与及或等之其")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _inside_ok(c: str) -> bool:
    """Whether a canonical product name may be matched inside longer text: three characters or more,
    two of them Chinese (a bare LED or MINI would match everything), not starting with a particle
    (public vocabularies hold fragments such as 的设计)."""
    return len(c) >= MIN_LEN and len(_CJK.findall(c)) >= 2 and not c.startswith(_PARTICLES)

_BOILERPLATE = re.compile(
    r"(一般经营项目(是|为)?[:：]?|许可经营项目(是|为)?[:：]?|经营范围[:：]?|"
    r"[（(]?依法须经批准的项目[^）)]*[）)]?|[（(]?以上[^）)]*(不含|除外)[^）)]*[）)]?)"
)
_CLAUSES = re.compile(r"[；;。\n]+")
_ITEMS = re.compile(r"[、，,；;/|\n]+")


def canon(text: str) -> str:
    """The form product names are compared in (NFKC, whitespace collapsed, ASCII upper-cased).

    Examples
    --------
    >>> canon(" ｍｉｎｉ  LED\\背光 ")
    'MINI LED/背光'
    """
    # The fast paths matter: a load canonicalises every known product name (about 100,000).
    t = text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)
    if "\\" in t:
        t = t.replace("\\", "/")
    return " ".join(t.split()).upper()


@dataclass(frozen=True)
class ProductHit:
    """One product named by a firm's text, and why."""

    product: str  # the product's key
    name: str
    rule: str  # "主营产品" or "经营范围"
    phrase: str

    @property
    def evidence(self) -> str:
        """The sentence stored on the MAKES link."""
        how = "is" if canon(self.phrase) == canon(self.name) else "names"
        return f"{self.rule}: '{self.phrase[:120]}' {how} product '{self.name}'"


class ProductIndex:
    """Known product names, for finding them in text (longest match first)."""

    def __init__(self, products: Iterable[tuple[str, str]]) -> None:
        self.by_name: dict[str, tuple[str, str]] = {}
        self._by_head: dict[str, list[str]] = {}
        for key, name in products:
            c = canon(name or key)
            if not c or c in GENERIC or c in self.by_name:
                continue
            self.by_name[c] = (key, name or key)
            if _inside_ok(c):
                self._by_head.setdefault(c[:2], []).append(c)
        for names in self._by_head.values():
            names.sort(key=len, reverse=True)

    def __len__(self) -> int:
        return len(self.by_name)

    def inside(self, text: str) -> list[str]:
        """Canonical names found in ``text``, longest first at each place, not overlapping."""
        t = canon(text)
        found: list[str] = []
        i = 0
        while i < len(t) - 1:
            hit = next((n for n in self._by_head.get(t[i : i + 2], ()) if t.startswith(n, i)), None)
            if hit is None:
                i += 1
                continue
            found.append(hit)
            i += len(hit)
        return list(dict.fromkeys(found))

    def match(self, products_text: str | None, scope: str | None) -> list[ProductHit]:
        """The products a firm's 主营产品 and 经营范围 text name, each with its evidence."""
        hits: dict[str, ProductHit] = {}
        for item in _ITEMS.split(products_text or ""):
            item = item.strip()
            if not item:
                continue
            c = canon(item)
            names = [c] if c in self.by_name else self.inside(item)
            for n in names:
                key, name = self.by_name[n]
                hits.setdefault(key, ProductHit(key, name, "主营产品", item))
        for clause in _CLAUSES.split(_BOILERPLATE.sub("；", scope or "")):
            clause = clause.strip(" ，,、：:")
            if not clause or not any(v in clause for v in MAKING_VERBS):
                continue  # trading only (or nothing): selling a product is not making it
            for n in self.inside(clause):
                key, name = self.by_name[n]
                hits.setdefault(key, ProductHit(key, name, "经营范围", clause))
        return list(hits.values())
