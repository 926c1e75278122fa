"""The weighted composite ranking: hand-computed scores, shared ranks, weight checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainkg.graph.analytics.ranking import normalize_weights, rank, scale


def test_scale_by_best() -> None:
    assert scale({"a": 4.0, "b": 2.0, "c": None}) == {"a": 1.0, "b": 0.5, "c": 0.0}
    assert scale({"a": 4.0, "b": 1.0}, lower_is_better=True) == {"a": 0.0, "b": 0.75}
    assert scale({"a": 0.0, "b": 0.0}) == {"a": 0.0, "b": 0.0}
    assert scale({"a": 0.0, "b": None}, lower_is_better=True) == {"a": 1.0, "b": 0.0}


def test_rank_by_hand() -> None:
    table: dict[str, dict[str, float | None]] = {
        "a": {"patents": 10, "gaps": 4, "share": 0.5},
        "b": {"patents": 5, "gaps": 0, "share": 1.0},
        "c": {"patents": 0, "gaps": 2, "share": None},
    }
    ranked = rank(table, {"patents": 2, "gaps": 1, "share": 1}, lower_is_better={"gaps"})
    # weights 0.5 / 0.25 / 0.25; scaled patents a 1, b .5, c 0; gaps a 0, b 1, c .5; share a .5, b 1, c 0
    # a = .5 + 0 + .125 = .625; b = .25 + .25 + .25 = .75; c = 0 + .125 + 0 = .125
    assert [(r.entity, r.rank, r.score) for r in ranked] == [("b", 1, 0.75), ("a", 2, 0.625), ("c", 3, 0.125)]
    assert ranked[0].contributions == pytest.approx({"patents": 0.25, "gaps": 0.25, "share": 0.25})


def test_equal_scores_share_a_rank() -> None:
    ranked = rank({"x": {"k": 1}, "y": {"k": 1}, "z": {"k": 0}}, {"k": 1})
    assert [(r.entity, r.rank) for r in ranked] == [("x", 1), ("y", 1), ("z", 3)]


def test_weight_checks() -> None:
    assert normalize_weights({"a": 2, "b": 2}) == {"a": 0.5, "b": 0.5}
    with pytest.raises(ValueError, match="negative"):
        normalize_weights({"a": -1, "b": 2})
    with pytest.raises(ValueError, match="above zero"):
        normalize_weights({"a": 0})


@given(
    st.dictionaries(
        st.sampled_from("abcdef"),
        st.fixed_dictionaries({"p": st.floats(0, 100) | st.none(), "g": st.floats(0, 100) | st.none()}),
        min_size=1,
    ),
    st.floats(0.01, 10),
    st.floats(0, 10),
)
def test_scores_between_zero_and_one(table: dict[str, dict[str, float | None]], wp: float, wg: float) -> None:
    ranked = rank(table, {"p": wp, "g": wg}, lower_is_better={"g"})
    assert len(ranked) == len(table)
    assert all(-1e-9 <= r.score <= 1 + 1e-9 for r in ranked)
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
