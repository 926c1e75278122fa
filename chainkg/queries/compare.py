"""Bases side by side (基地对比): indicators, chain coverage, shared gaps, who could supply whom.

For 2 to 5 bases:

- ``indicators``: the policy indicators of each (:func:`chainkg.queries.indicators.base_indicators`),
  with ``gap_segments`` and ``weak_segments`` left empty (thousands of keys for a city base;
  the gaps are in ``shared_gaps`` and ``/analytics/gaps``);
- ``coverage``: each base's chain, per level: segments, covered (at least one enterprise of
  the base makes the product or is in the industry), gaps, weak links, completeness. Today
  this is the supply-chain walk of :func:`chainkg.queries.chainengine.gaps.base_chain_summary`
  (``coverage_source``); when chain maps (产业链图谱) are loaded, their per-stage coverage
  belongs in ``chain_map`` of each row, which stays ``None`` until then;
- ``shared_gaps``: segments that are gaps of two or more of the bases, most shared first,
  then by the sum of their gap scores (a joint 招商 target);
- ``supply``: for each ordered pair, how many of one base's gaps the other's enterprises
  cover (from :func:`chainkg.queries.chainengine.complement.complementarity`): who could supply whom.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from chainkg.errors import InvalidInputError
from chainkg.graph.store import GraphStore
from chainkg.queries.chainengine import engine_for
from chainkg.queries.chainengine.chain import DEFAULT_DEPTH, BaseRef, ChainQuestion, LevelSummary, load_chain
from chainkg.queries.chainengine.complement import complementarity
from chainkg.queries.chainengine.gaps import base_chain_summary, scored_gaps
from chainkg.queries.indicators import BaseIndicators, base_indicators
from chainkg.queries.results import Record, same_named

MIN_BASES = 2
MAX_BASES = 5
MAX_SHARED = 100
"""Most shared gaps in one answer (``shared_gaps_total`` counts them all)."""
COVERAGE_SOURCE = "supply-chain walk, depth 3 (base_chain_summary)"


class BaseCoverage(Record):
    """One base's chain coverage per level; ``chain_map`` is the hook for chain-map coverage."""

    base: BaseRef
    product: LevelSummary
    industry: LevelSummary
    completeness: float | None
    coverage_source: str
    chain_map: dict[str, Any] | None = None


class SharedGap(Record):
    """A segment that is a gap of several of the compared bases."""

    level: str
    key: str
    name: str
    bases: list[str]
    score: float


class SupplyLink(Record):
    """``supplier``'s enterprises cover ``of_base``'s gaps: how many, and which matter most."""

    supplier: BaseRef
    of_base: BaseRef
    product_gaps_covered: int
    industry_gaps_covered: int
    complement: float
    enterprises: int
    top_segments: list[str]
    why_zh: str
    why: str


# What a supply link repeats, as it is, from the complementarity row it comes from.
_SUPPLY_FIELDS = (
    "product_gaps_covered",
    "industry_gaps_covered",
    "complement",
    "enterprises",
    "top_segments",
    "why_zh",
    "why",
)


class BaseComparison(Record):
    """The compared bases side by side (see the module text)."""

    bases: list[BaseRef]
    depth: int
    indicators: list[BaseIndicators]
    coverage: list[BaseCoverage]
    shared_gaps: list[SharedGap]
    shared_gaps_total: int
    supply: list[SupplyLink]


def parse_bases(keys: Sequence[str]) -> list[str]:
    """The distinct keys in the order given; 2 to 5 of them, or ``InvalidInputError``."""
    out: list[str] = []
    for k in keys:
        k = k.strip()
        if k and k not in out:
            out.append(k)
    if not MIN_BASES <= len(out) <= MAX_BASES:
        raise InvalidInputError(
            f"Compare {MIN_BASES} to {MAX_BASES} different bases; {len(out)} were given. / "
            f"请选择{MIN_BASES}至{MAX_BASES}个不同的基地。",
            field="bases",
        )
    return out


def compare_bases(store: GraphStore, keys: Sequence[str], *, shared_limit: int = MAX_SHARED) -> BaseComparison:
    """Indicators, chain coverage, shared gaps and supply between 2–5 bases.

    Raises
    ------
    InvalidInputError
        Fewer than 2 or more than 5 distinct keys.
    NotFoundError
        A key names no base.

    Examples
    --------
    >>> c = compare_bases(store, ["sz-led", "sz-hitech"])   # doctest: +SKIP
    >>> [r.base.key for r in c.coverage]                    # doctest: +SKIP
    ['sz-led', 'sz-hitech']
    """
    chosen = parse_bases(keys)
    # Kept while the data is unchanged: a comparison walks every compared base's chain and gaps.
    return engine_for(store).cached(
        ("compare", tuple(chosen), shared_limit),
        lambda: _compare(store, chosen, shared_limit),
        lambda c: 100 + len(c.shared_gaps) + len(c.supply),
    )


def _compare(store: GraphStore, keys: list[str], shared_limit: int) -> BaseComparison:
    asks = {k: ChainQuestion(k) for k in keys}
    chains = {k: load_chain(store, ask) for k, ask in asks.items()}  # NotFoundError for an unknown key
    refs = [chains[k].base for k in keys]
    # The segment key lists run to thousands for a city base; shared_gaps and /analytics/gaps hold them.
    ind = {
        i.base: i.model_copy(update={"gap_segments": [], "weak_segments": []})
        for k in keys
        for i in base_indicators(store, k)
    }
    coverage = []
    gap_bases: dict[tuple[str, str], list[str]] = defaultdict(list)
    gap_names: dict[tuple[str, str], str] = {}
    gap_scores: dict[tuple[str, str], float] = defaultdict(float)
    for k in keys:
        s = base_chain_summary(store, asks[k])
        coverage.append(
            BaseCoverage(
                base=chains[k].base,
                product=s.product,
                industry=s.industry,
                completeness=s.completeness,
                coverage_source=COVERAGE_SOURCE,
            )
        )
        for g in scored_gaps(chains[k], "both"):
            gap_bases[(g.level, g.key)].append(k)
            gap_names[(g.level, g.key)] = g.name
            gap_scores[(g.level, g.key)] += g.score
    shared = [
        SharedGap(level=lv, key=key, name=gap_names[(lv, key)], bases=b, score=round(gap_scores[(lv, key)], 6))
        for (lv, key), b in gap_bases.items()
        if len(b) >= 2
    ]
    shared.sort(key=lambda g: (-len(g.bases), -g.score, g.level, g.key))
    supply = []
    wanted = set(keys)
    for k in keys:
        comp = complementarity(store, asks[k], limit=None)
        for row in comp.rows:
            if row.base.key in wanted and (row.product_gaps_covered or row.industry_gaps_covered):
                supply.append(
                    SupplyLink(
                        supplier=row.base,
                        of_base=comp.base,
                        **same_named(row, _SUPPLY_FIELDS),
                    )
                )
    return BaseComparison(
        bases=refs,
        depth=DEFAULT_DEPTH,
        indicators=[ind[k] for k in keys],
        coverage=coverage,
        shared_gaps=shared[:shared_limit],
        shared_gaps_total=len(shared),
        supply=supply,
    )
