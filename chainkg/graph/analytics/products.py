"""Product data quality: canonical names, synonym groups and flags for what is not a product.

The public data's product names come from annual-report revenue tables and from parsed text,
so next to real products they hold business segments (``LEDLED分部``), sales and service
lines (``房屋销售``, ``物业费``), brands (``木林森品牌``) and parse fragments (``者工程塑料``),
and one product under several spellings (``LED封装`` / ``LED封装器件``, ``不锈钢材`` /
``不锈钢``). Everything here is pure: names in, names, groups and flags out, tested on tiny
lists. Nothing is deleted; the results are stored on the Product nodes
(:mod:`chainkg.ingest.product_quality`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from chainkg.i18n import Msg, localized, pick

# -- canonical names ----------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_CJK = r"\u3400-\u9fff"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "‐": "-", "‑": "-", "―": "-", "~": "-", "～": "-"})
_SLASHES = re.compile(r"\\+|/+")


def canonical_name(name: str) -> str:
    """The name in one spelling: NFKC (full width to half width), ``\\`` as ``/``, spaces trimmed.

    Spaces next to Chinese characters are dropped (they are layout, not meaning); runs of
    spaces between Latin words become one.

    Examples
    --------
    >>> canonical_name("ＬＥＤ 封装\\\\器件 ")
    'LED封装/器件'
    >>> canonical_name("Mini  LED")
    'Mini LED'
    """
    s = unicodedata.normalize("NFKC", name).translate(_DASHES)
    s = _SLASHES.sub("/", s)
    s = _SPACE_NEAR_CJK.sub("", s.strip())
    return _SPACES.sub(" ", s)


_MATCH_DROP = re.compile(r"[\s\-_·.,，、。()（）\[\]【】\"'“”‘’]+")


def match_key(name: str) -> str:
    """The key two spellings of one name share: canonical, case-folded, punctuation dropped.

    Examples
    --------
    >>> match_key("Mini-LED 芯片") == match_key("mini led芯片")
    True
    """
    return _MATCH_DROP.sub("", canonical_name(name).casefold())


# -- flags --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """Why a name is not a product: a code and plain words (a :class:`~chainkg.i18n.Msg`: English,
    and its msgid and parameters, so it is stored in a stable form and shown in either language)."""

    code: str
    reason: str

    @property
    def zh(self) -> str:
        """The reason in Chinese."""
        return localized(self.reason, "zh")


FLAG_CODES: dict[str, str] = {
    "segment": "业务分部",
    "sales_service": "销售/服务",
    "brand": "品牌",
    "fragment": "解析片段",
    "unspecified": "其他/未指明",
}
"""Flag codes and their Chinese names."""


def flag_name(code: str) -> str:
    """A flag as people read it: its Chinese name in Chinese, its code in English."""
    return pick(FLAG_CODES.get(code, code), code)


_SEGMENT_SUFFIXES = ("分部", "板块", "事业部", "事业群", "业务", "产业", "行业", "抵销", "抵消")
_SALES_SERVICE_SUFFIXES = (
    "销售",
    "零售",
    "批发",
    "贸易",
    "代理",
    "服务",
    "服务费",
    "服务业",
    "物业费",
    "管理费",
    "租赁",
    "出租",
    "咨询",
    "投资",
    "运营",
    "运输",
    "物流",
    "承包",
    "施工",
    "广告",
    "培训",
    "策划",
    "维护",
    "维修",
    "修理",
    "收入",
    "佣金",
)
_SALES_SERVICE_PREFIXES = ("销售", "代理", "经营")
_SALES_SERVICE_WORDS = ("物业",)
_UNSPECIFIED = re.compile(r"^(其他|其它|其他的|其它的)")
_FRAGMENT_PREFIXES = (
    "者",
    "的",
    "及",
    "和",
    "与",
    "或",
    "等",
    "之",
    "其",
    "以",
    "于",
    "号",
    "为",
    "是",
    "由",
    "将",
    "对",
    "并",
    "含",
    "包括",
    "用于",
    "主要",
    "以及",
    "其中",
)
_PUNCT_START = re.compile(r"^[\W_]", re.UNICODE)
_ONE_CJK = re.compile(rf"^[{_CJK}]$")


def flag_product(name: str, known: Collection[str] = ()) -> list[Flag]:
    """Why ``name`` is not a product (empty when nothing says so), each with its reason.

    ``known`` holds the canonical names of every product; a name that is a function word
    (者, 的, 包括 …) glued to a known product is a parse fragment (``者工程塑料`` =
    ``者`` + ``工程塑料``); without the known names only the other rules apply.

    Examples
    --------
    >>> [f.code for f in flag_product("LEDLED分部")]
    ['segment']
    >>> [f.code for f in flag_product("者工程塑料", {"工程塑料"})]
    ['fragment']
    >>> flag_product("以太网交换机", {"交换机"})
    []
    >>> flag_product("不锈钢")
    []
    """
    s = canonical_name(name)
    out: list[Flag] = []
    if not s or _PUNCT_START.match(s) or (len(s) == 1 and not _ONE_CJK.match(s)):
        # One Chinese character may be a product (铝, 钯); one Latin letter or a mark is not.
        out.append(Flag("fragment", Msg("'{name}' is too short or starts with punctuation", name=s)))
    else:
        for p in _FRAGMENT_PREFIXES:
            rest = s[len(p) :]
            if s.startswith(p) and len(rest) >= 2 and rest in known:
                out.append(
                    Flag(
                        "fragment",
                        Msg(
                            "the word '{word}' glued to the product '{product}' (a parse fragment)",
                            word=p,
                            product=rest,
                        ),
                    )
                )
                break
        if s.endswith("等") and len(s) > 2:
            out.append(Flag("fragment", Msg("ends with 等 (a list cut from a sentence)")))
    if any(s.endswith(x) for x in _SEGMENT_SUFFIXES) or "分部" in s:
        out.append(Flag("segment", Msg("a business segment or line of a company's report")))
    stem = re.sub(r"(业务|分部|板块)$", "", s)  # 照明销售业务: a sales line filed as a segment
    if (
        any(stem.endswith(x) for x in _SALES_SERVICE_SUFFIXES)
        or any(s.startswith(x) for x in _SALES_SERVICE_PREFIXES)
        or any(x in s for x in _SALES_SERVICE_WORDS)
    ):
        out.append(Flag("sales_service", Msg("a sales or service line, not a made product")))
    if "品牌" in s:
        out.append(Flag("brand", Msg("names a brand, not a product")))
    if _UNSPECIFIED.match(s):
        out.append(Flag("unspecified", Msg("'other …': an unspecified remainder")))
    return out


def flag_products(names: Iterable[str]) -> dict[str, list[Flag]]:
    """:func:`flag_product` for many names at once (the names are the known products); flagged only."""
    names = list(names)
    known = {canonical_name(n) for n in names}
    out: dict[str, list[Flag]] = {}
    for n in names:
        flags = flag_product(n, known)
        if flags:
            out[n] = flags
    return out


# -- synonym groups -----------------------------------------------------------------------------

GENERIC_SUFFIXES: tuple[str, ...] = ("产品", "系列", "材料", "器件", "制品类", "类", "材")
"""Suffixes that do not change what a product is: ``LED封装器件`` is ``LED封装``, ``不锈钢材``
is ``不锈钢``. The stem must be a product of its own with at least two characters."""

FUZZY_CUTOFF = 85.0
"""rapidfuzz ``ratio`` (0–100) at or above which two names of the same head may be synonyms
(one connecting character in a name of six or more); the edits must also be benign."""

BENIGN_CHARS: frozenset[str] = frozenset("及与和的之类用化、")
"""Characters whose insertion or swap leaves a name's product unchanged (计算机及网络产品 /
计算机网络产品); a fuzzy match differing in any other character (聚甲基丙烯酸甲酯 /
甲基丙烯酸甲酯, 不定型 / 定型) is no synonym."""


def _benign_difference(a: str, b: str) -> bool:
    """Whether every edit turning ``a`` into ``b`` touches only :data:`BENIGN_CHARS`."""
    from rapidfuzz.distance import Levenshtein  # as in synonym_links

    for op in Levenshtein.editops(a, b):
        if op.tag in ("delete", "replace") and a[op.src_pos] not in BENIGN_CHARS:
            return False
        if op.tag in ("insert", "replace") and b[op.dest_pos] not in BENIGN_CHARS:
            return False
    return True


@dataclass(frozen=True)
class SynonymLink:
    """One reason two names are one product: ``rule`` is ``spelling``, ``suffix``, ``fuzzy`` or ``manual``."""

    a: str
    b: str
    rule: str
    score: float = 100.0


def synonym_links(
    names: Iterable[str], *, fuzzy_cutoff: float = FUZZY_CUTOFF, skip: Collection[str] = ()
) -> list[SynonymLink]:
    """Pairs of names that denote one product, each with the rule that joined them.

    - ``spelling``: the same :func:`match_key` (width, case, spaces, punctuation);
    ``skip`` names (flagged ones) join no link.
    - ``suffix``: one is the other plus a :data:`GENERIC_SUFFIXES` suffix;
    - ``fuzzy``: rapidfuzz ratio ≥ ``fuzzy_cutoff`` between names of four or more characters
      that end in the same two characters (the head noun) and differ only in connecting
      characters (:data:`BENIGN_CHARS`); a prefix such as 聚, 不 or 非 makes another product.

    Examples
    --------
    >>> [(x.a, x.b, x.rule) for x in synonym_links(["LED封装", "LED封装器件", "ＬＥＤ封装"])]
    [('LED封装', 'LED封装器件', 'suffix'), ('LED封装', 'ＬＥＤ封装', 'spelling')]
    """
    # Imported here: only a load finds synonyms, and the flag and name helpers of this module are
    # on every chain question's path (rapidfuzz: 5 ms of a first `chainkg gaps`).
    from rapidfuzz import fuzz

    names = sorted(set(names) - set(skip))  # skip: flagged names join no link
    by_key: dict[str, list[str]] = defaultdict(list)
    for n in names:
        by_key[match_key(n)].append(n)
    # Each spelling class is represented by its plainest member: no leading mark, shortest.
    first = {k: min(v, key=lambda n: (bool(_PUNCT_START.match(n)), len(n), n)) for k, v in by_key.items()}
    out: list[SynonymLink] = []
    for k, members in by_key.items():
        out.extend(SynonymLink(first[k], m, "spelling") for m in members if m != first[k])
    for key, rep in first.items():
        for suffix in GENERIC_SUFFIXES:
            stem = key[: -len(suffix)]
            if key.endswith(suffix) and len(stem) >= 2 and stem in first:
                out.append(SynonymLink(first[stem], rep, "suffix"))
                break
    heads: dict[str, list[str]] = defaultdict(list)
    for key in first:
        if len(key) >= 4:
            heads[key[-2:]].append(key)
    for keys in heads.values():
        if len(keys) < 2:
            continue
        keys.sort(key=lambda k: (len(k), k))
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if len(b) - len(a) > 1:
                    break
                score = fuzz.ratio(a, b, score_cutoff=fuzzy_cutoff)
                if score and _benign_difference(a, b):
                    x, y = sorted((first[a], first[b]))
                    out.append(SynonymLink(x, y, "fuzzy", round(score, 1)))
    return sorted(out, key=lambda x: (x.a, x.b, x.rule))


def synonym_groups(
    names: Iterable[str],
    links: Iterable[SynonymLink],
    *,
    rank: Mapping[str, float] | None = None,
    rejected: Collection[tuple[str, str]] = (),
) -> dict[str, str]:
    """Name -> its group's name, for every name in a group of two or more (union of the links).

    A group is named by its member with the highest ``rank`` (e.g. most makers), then the
    shortest name, then the smallest. ``rejected`` pairs (a person said "not the same") are
    left out, in either order.

    Examples
    --------
    >>> links = [SynonymLink("LED封装", "LED封装器件", "suffix")]
    >>> synonym_groups(["LED封装", "LED封装器件", "芯片"], links)
    {'LED封装': 'LED封装', 'LED封装器件': 'LED封装'}
    """
    known = set(names)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    no = {(a, b) for a, b in rejected} | {(b, a) for a, b in rejected}
    for lk in links:
        if lk.a in known and lk.b in known and lk.a != lk.b and (lk.a, lk.b) not in no:
            parent.setdefault(lk.a, lk.a)
            parent.setdefault(lk.b, lk.b)
            ra, rb = find(lk.a), find(lk.b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = defaultdict(list)
    for n in parent:
        members[find(n)].append(n)
    rk = rank or {}
    out: dict[str, str] = {}
    for group in members.values():
        if len(group) < 2:
            continue
        head = min(group, key=lambda n: (-rk.get(n, 0.0), len(n), n))
        for n in group:
            out[n] = head
    return dict(sorted(out.items()))
