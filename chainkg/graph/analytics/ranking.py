"""A weighted composite score over indicators, for ranking entities such as bases.

Each indicator is scaled by the best value among the entities compared ("distance to the
best", a standard normalisation for composite indicators):

- higher is better: ``value / max``; 0 when every value is 0;
- lower is better: ``1 - value / max``; 1 when every value is 0 (nobody has any).

The score is the weighted mean of the scaled values, so it lies in 0–1. A missing value
scales to 0 (no credit without evidence). Weights need not sum to one; they are divided by
their sum, and a weight of 0 drops an indicator.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Ranked:
    """An entity's place, composite score and per-indicator contributions (weight × scaled)."""

    entity: Hashable
    rank: int
    score: float
    contributions: dict[str, float] = field(default_factory=dict)


def normalize_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Divide the weights by their sum; refuse negative weights and an all-zero set.

    Examples
    --------
    >>> normalize_weights({"a": 2, "b": 1, "c": 1})
    {'a': 0.5, 'b': 0.25, 'c': 0.25}
    """
    bad = [k for k, v in weights.items() if v < 0]
    if bad:
        raise ValueError(f"weights must not be negative: {', '.join(bad)}")
    total = float(sum(weights.values()))
    if total == 0:
        raise ValueError("at least one weight must be above zero")
    return {k: v / total for k, v in weights.items()}


def scale(values: Mapping[K, float | None], *, lower_is_better: bool = False) -> dict[K, float]:
    """Scale one indicator by the best value (see the module text); missing values give 0.

    Examples
    --------
    >>> scale({"a": 4.0, "b": 2.0, "c": None})
    {'a': 1.0, 'b': 0.5, 'c': 0.0}
    >>> scale({"a": 4.0, "b": 1.0}, lower_is_better=True)
    {'a': 0.0, 'b': 0.75}
    """
    present = [v for v in values.values() if v is not None]
    if any(v < 0 for v in present):
        raise ValueError("indicator values must not be negative")
    top = max(present, default=0.0)
    out: dict[K, float] = {}
    for k, v in values.items():
        if v is None:
            out[k] = 0.0
        elif top == 0:
            out[k] = 1.0 if lower_is_better else 0.0
        else:
            out[k] = 1.0 - v / top if lower_is_better else v / top
    return out


def rank(
    table: Mapping[K, Mapping[str, float | None]],
    weights: Mapping[str, float],
    *,
    lower_is_better: frozenset[str] | set[str] = frozenset(),
) -> list[Ranked]:
    """Rank entities by the weighted mean of their scaled indicators.

    ``table`` maps entity to ``{indicator: value}``; only indicators with a weight count.
    Entities with equal scores share a rank (1, 1, 3 ...) and are listed by their text form.

    Examples
    --------
    >>> table = {"a": {"patents": 10, "gaps": 4}, "b": {"patents": 5, "gaps": 0}}
    >>> ranked = rank(table, {"patents": 1, "gaps": 1}, lower_is_better={"gaps"})
    >>> [(r.entity, r.rank, round(r.score, 3)) for r in ranked]
    [('b', 1, 0.75), ('a', 2, 0.5)]
    """
    w = normalize_weights(weights)
    scaled = {
        name: scale({e: row.get(name) for e, row in table.items()}, lower_is_better=name in lower_is_better)
        for name in w
    }
    scored = []
    for e in table:
        contrib = {name: w[name] * scaled[name][e] for name in w}
        scored.append((e, round(sum(contrib.values()), 12), contrib))
    scored.sort(key=lambda x: (-x[1], str(x[0])))
    out: list[Ranked] = []
    for i, (e, s, contrib) in enumerate(scored):
        place = out[-1].rank if out and out[-1].score == s else i + 1
        out.append(Ranked(e, place, s, contrib))
    return out
