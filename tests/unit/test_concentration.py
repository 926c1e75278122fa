"""HHI, shares and concentration ratios: hand-computed values and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainkg.graph.analytics.concentration import concentration_ratio, hhi, hhi_band, shares


def test_hand_values() -> None:
    assert hhi({"a": 1}) == 10_000.0
    assert hhi({"a": 1, "b": 1}) == 5_000.0
    assert hhi({"a": 6, "b": 3, "c": 1}) == pytest.approx(3600 + 900 + 100)
    # The pool of the query tests: credits 2, 1, 1, 0.5, 0.5 -> 40², 20², 20², 10², 10².
    assert hhi({"e1": 2, "e2": 1, "u1": 1, "e6": 0.5, "u3": 0.5}) == pytest.approx(2600.0)
    assert hhi({}) == 0.0
    assert shares({"a": 3, "b": 1}) == {"a": 0.75, "b": 0.25}
    assert shares({"a": 0}) == {}
    assert concentration_ratio({"a": 6, "b": 3, "c": 1}, 1) == pytest.approx(0.6)
    assert concentration_ratio({"a": 6, "b": 3, "c": 1}, 5) == pytest.approx(1.0)


def test_bands() -> None:
    assert hhi_band(1499.9) == "unconcentrated"
    assert hhi_band(1500) == "moderate"
    assert hhi_band(2500) == "moderate"
    assert hhi_band(2600) == "high"
    assert hhi_band(0, holders=0) == "none"


def test_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="negative"):
        hhi({"a": -1, "b": 2})
    with pytest.raises(ValueError, match="at least 1"):
        concentration_ratio({"a": 1}, 0)


@given(st.lists(st.floats(min_value=0.01, max_value=1e6), min_size=1, max_size=30), st.floats(0.1, 1000))
def test_hhi_bounds_and_scale_invariance(values: list[float], factor: float) -> None:
    amounts = {i: v for i, v in enumerate(values)}
    h = hhi(amounts)
    assert 10_000 / len(values) - 1e-6 <= h <= 10_000 + 1e-6
    assert hhi({k: v * factor for k, v in amounts.items()}) == pytest.approx(h, rel=1e-6)
    assert sum(shares(amounts).values()) == pytest.approx(1.0)
