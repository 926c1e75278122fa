"""Text normalisation shared by ingest (entity resolution) and queries (name search).

It sits below both layers so neither has to import the other.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Longest first, so 集团股份有限公司 goes before 股份有限公司 before 有限公司.
LEGAL_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        {
            "集团股份有限公司",
            "控股股份有限公司",
            "股份有限公司",
            "集团有限公司",
            "控股有限公司",
            "有限责任公司",
            "有限公司",
            "股份公司",
            "集团公司",
            "集团",
            "公司",
            "co.,ltd.",
            "co.,ltd",
            "co.ltd.",
            "co.ltd",
            "ltd.",
            "ltd",
            "inc.",
            "inc",
            "corp.",
            "corp",
            "corporation",
            "limited",
            "company",
            "group",
        },
        key=len,
        reverse=True,
    )
)
_BRACKETS = re.compile(r"[()\[\]{}<>（）【】〔〕「」『』《》〈〉]")
_SPACES = re.compile(r"[\s\u3000·・,，.。'\"“”‘’、]+")


def normalize_name(name: str) -> str:
    """The form two spellings of one organization's name share.

    Full-width characters become half-width, letters lower-case; spaces, brackets and
    punctuation go; common legal suffixes are dropped from the end (repeatedly).

    Examples
    --------
    >>> normalize_name("比亚迪股份有限公司"), normalize_name("ＢＹＤ （比亚迪） 集团")
    ('比亚迪', 'byd比亚迪')
    >>> normalize_name("华为技术有限公司") == normalize_name("华为技术 有限责任公司")
    True
    """
    return _normalize(name)


_SQUEEZED_SUFFIXES: tuple[str, ...] = tuple(_SPACES.sub("", s) for s in LEGAL_SUFFIXES)


@lru_cache(maxsize=1 << 17)
def _normalize(name: str) -> str:
    # Cached: a load compares every stored name (thousands) several ways.
    t = _SPACES.sub("", _BRACKETS.sub("", unicodedata.normalize("NFKC", name).lower()))
    changed = True
    while changed and t:
        changed = False
        for s in _SQUEEZED_SUFFIXES:
            if t.endswith(s) and len(t) > len(s):
                t = t[: -len(s)]
                changed = True
                break
    return t
