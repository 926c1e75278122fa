"""Market-style concentration of contributions: shares, HHI and concentration ratios.

Used for patent pools (how much of the pool rests on a few contributors), but the functions
take any mapping of holder to amount.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Literal, TypeVar

K = TypeVar("K", bound=Hashable)

Band = Literal["none", "unconcentrated", "moderate", "high"]

# Bands of the 2010 US Horizontal Merger Guidelines (section 5.3), on the 0–10,000 scale;
# widely used as plain-language labels for HHI values.
MODERATE_FROM = 1500.0
HIGH_ABOVE = 2500.0


def shares(amounts: Mapping[K, float]) -> dict[K, float]:
    """Each holder's share of the total (0–1); empty or all-zero input gives no shares.

    Negative amounts are refused: a contribution cannot be negative.

    Examples
    --------
    >>> shares({"a": 3, "b": 1})
    {'a': 0.75, 'b': 0.25}
    """
    if any(v < 0 for v in amounts.values()):
        raise ValueError("amounts must not be negative")
    total = float(sum(amounts.values()))
    if total == 0:
        return {}
    return {k: v / total for k, v in amounts.items()}


def hhi(amounts: Mapping[K, float]) -> float:
    """Herfindahl–Hirschman index on the 0–10,000 scale: the sum of squared percent shares.

    One holder gives 10,000; ``n`` equal holders give ``10,000 / n``; no holders give 0.

    Examples
    --------
    >>> hhi({"a": 1, "b": 1})
    5000.0
    >>> hhi({"a": 6, "b": 3, "c": 1})  # 60² + 30² + 10²
    4600.0
    """
    return float(round(sum((100.0 * s) ** 2 for s in shares(amounts).values()), 6))


def hhi_band(points: float, holders: int = 1) -> Band:
    """Plain-language band of an HHI value: unconcentrated below 1,500, high above 2,500.

    ``holders=0`` gives ``"none"`` (nothing to measure).

    Examples
    --------
    >>> hhi_band(4600.0)
    'high'
    >>> hhi_band(1200.0)
    'unconcentrated'
    """
    if holders == 0:
        return "none"
    if points < MODERATE_FROM:
        return "unconcentrated"
    if points <= HIGH_ABOVE:
        return "moderate"
    return "high"


def concentration_ratio(amounts: Mapping[K, float], k: int) -> float:
    """CR-k: the combined share (0–1) of the ``k`` largest holders.

    Examples
    --------
    >>> concentration_ratio({"a": 6, "b": 3, "c": 1}, 2)
    0.9
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    top = sorted(shares(amounts).values(), reverse=True)[:k]
    return float(round(sum(top), 12))
