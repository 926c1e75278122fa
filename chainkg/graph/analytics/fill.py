"""Ranking fill candidates (招商 targets) for a chain gap, each point with its stated reason.

A candidate is an enterprise outside the base that covers the gap. Its score is the sum of
the points in :data:`POINTS` for the facts that hold; every fact that scores becomes a
:class:`Reason` in English and Chinese, so a planner sees why one firm ranks above another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

POINTS: dict[str, float] = {
    "same_province": 3.0,
    "alliance": 2.0,
    "supply": 2.0,
    "cooperation": 1.5,
    "own_ip": 1.0,
    "export": 1.0,
    "scale_large": 1.0,
    "scale_medium": 0.5,
    "own_brand": 0.5,
    "high_tech": 0.5,
    "focus": 0.5,
}
"""Points per fact. Nearness (same province) weighs most because moving is cheapest there;
ties with the base's own firms next, since they make a move likely; then capability."""

FOCUS_SHARE = 0.2
"""A product is a firm's focus when it brings at least this share of its revenue."""

LARGE_REVENUE_MUSD = 1000.0
MEDIUM_REVENUE_MUSD = 100.0


@dataclass(frozen=True)
class Reason:
    """One scoring fact: a code, plain words in English and Chinese, and its points."""

    code: str
    text: str
    zh: str
    points: float


@dataclass(frozen=True)
class CandidateFacts:
    """What is known about one candidate enterprise, relative to the base.

    ``alliances``, ``cooperations`` and ``supplies`` name the shared alliances, the shared
    research partners and the base's enterprises it trades with. ``None`` means unknown.
    """

    key: str
    name: str = ""
    province: str | None = None
    base_province: str | None = None
    alliances: tuple[str, ...] = ()
    cooperations: tuple[str, ...] = ()
    supplies: tuple[str, ...] = ()
    own_ip: bool | None = None
    patents: int = 0
    own_brand: bool | None = None
    export_oriented: bool | None = None
    high_tech: bool | None = None
    size: str | None = None
    revenue_musd: float | None = None
    share: float | None = None


@dataclass(frozen=True)
class RankedCandidate:
    """A candidate with its score and the reasons that make it up (largest first)."""

    facts: CandidateFacts
    score: float
    reasons: tuple[Reason, ...] = field(default=())


def _names(xs: tuple[str, ...], n: int = 3) -> str:
    more = f" +{len(xs) - n}" if len(xs) > n else ""
    return ", ".join(xs[:n]) + more


def reasons_for(f: CandidateFacts) -> list[Reason]:
    """The facts about ``f`` that earn points, as reasons.

    Examples
    --------
    >>> [r.code for r in reasons_for(CandidateFacts("e1", province="广东省", base_province="广东省", own_ip=True))]
    ['same_province', 'own_ip']
    """
    out: list[Reason] = []

    def add(code: str, text: str, zh: str) -> None:
        out.append(Reason(code, text, zh, POINTS[code]))

    if f.province and f.base_province and f.province == f.base_province:
        add("same_province", f"in the same province as the base ({f.province})", f"与基地同省（{f.province}）")
    if f.alliances:
        add(
            "alliance",
            f"shares an alliance with the base's members: {_names(f.alliances)}",
            f"与基地成员同属联盟：{_names(f.alliances)}",
        )
    if f.supplies:
        add(
            "supply",
            f"already trades with the base's enterprises: {_names(f.supplies)}",
            f"已与基地企业有供应关系：{_names(f.supplies)}",
        )
    if f.cooperations:
        add(
            "cooperation",
            f"cooperates with the base's research partners: {_names(f.cooperations)}",
            f"与基地的产学研伙伴有合作：{_names(f.cooperations)}",
        )
    if f.own_ip or f.patents > 0:
        extra = f", {f.patents} patent{'s' if f.patents > 1 else ''}" if f.patents else ""
        add("own_ip", f"holds its own IP{extra}", f"拥有自主知识产权{f'（{f.patents}件专利）' if f.patents else ''}")
    if f.export_oriented:
        add("export", "export-oriented", "出口导向")
    size = f.size
    if size is None and f.revenue_musd is not None:
        size = (
            "large"
            if f.revenue_musd >= LARGE_REVENUE_MUSD
            else "medium"
            if f.revenue_musd >= MEDIUM_REVENUE_MUSD
            else None
        )
    if size == "large":
        add("scale_large", "large scale", "规模大")
    elif size == "medium":
        add("scale_medium", "medium scale", "中等规模")
    if f.own_brand:
        add("own_brand", "sells under its own brand", "拥有自主品牌")
    if f.high_tech:
        add("high_tech", "certified high-tech enterprise", "高新技术企业")
    if f.share is not None and f.share >= FOCUS_SHARE:
        add(
            "focus",
            f"the segment is a main business ({f.share:.0%} of revenue)",
            f"该环节为主营业务（占营收{f.share:.0%}）",
        )
    return out


RELATEDNESS_STEP = 0.05
"""Relatedness densities are compared in steps of this size, so that nearly equal densities
leave the order to the stated reasons."""


def rank_candidates(
    facts: Iterable[CandidateFacts], relatedness: Mapping[str, float] | None = None
) -> list[RankedCandidate]:
    """Score and order candidates: highest score first, then larger revenue share, then key.

    With ``relatedness`` (candidate key -> relatedness density of the base to the
    candidate's activities, 0–1), candidates are ordered first by that density in steps of
    :data:`RELATEDNESS_STEP` (a candidate without one counts 0), then as above.

    Examples
    --------
    >>> a = CandidateFacts("a", province="广东省", base_province="广东省")
    >>> b = CandidateFacts("b", export_oriented=True, own_brand=True)
    >>> [(r.facts.key, r.score) for r in rank_candidates([b, a])]
    [('a', 3.0), ('b', 1.5)]
    """
    ranked = []
    for f in facts:
        rs = sorted(reasons_for(f), key=lambda r: -r.points)
        ranked.append(RankedCandidate(f, round(sum(r.points for r in rs), 6), tuple(rs)))
    rel = relatedness or {}
    ranked.sort(
        key=lambda r: (
            -round(rel.get(r.facts.key, 0.0) / RELATEDNESS_STEP),
            -r.score,
            -(r.facts.share or 0.0),
            r.facts.key,
        )
    )
    return ranked
