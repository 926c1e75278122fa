"""The numpy ranking of gaps equals the plain one, ties and limits included."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chainkg.graph.analytics.chain import DependencyTable, Link, walk_upstream
from chainkg.queries.chainengine.chain import LevelChain
from chainkg.queries.chainengine.gaps import _order, needed_by, needed_by_many

NODES = [f"n{i}" for i in range(8)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 1 / 3, 0.5, 1.0, 1.0000004, 1.0000006, 2.5, 7.0]), min_size=1, max_size=40),
    st.integers(min_value=0, max_value=45),
)
def test_fast_order_equals_plain_order(scores: list[float], limit: int) -> None:
    keys = [f"s{i:02d}" for i in range(len(scores))]
    # A star: every segment feeds the anchor, so distances are 0 (anchor) and 1.
    chain = walk_upstream([Link(k, "anchor", "INPUT_TO") for k in keys], ["anchor"], 1)
    lc = LevelChain("product", chain, {"anchor": frozenset({"e"})}, {})
    index = chain.index  # the chain's own numbering: the table then takes the numpy path
    values = np.zeros(len(chain.nodes))
    for k, s in zip(keys, scores, strict=True):
        values[index[k]] = s
    table = DependencyTable(index, values, np.ones(len(chain.nodes), dtype=np.int64))
    plain = dict(table)  # an ordinary dict takes the plain path
    assert _order(lc, keys, table, limit or None) == _order(lc, keys, plain, limit or None)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(NODES), st.sampled_from(NODES), st.sampled_from(["INPUT_TO", "SUBTYPE_OF"])),
        max_size=30,
    ),
    st.lists(st.sampled_from(NODES), min_size=1, max_size=3, unique=True),
    st.sets(st.sampled_from(NODES)),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=5),
)
def test_needed_by_many_equals_one_at_a_time(
    pairs: list[tuple[str, str, str]], anchors: list[str], covered: set[str], depth: int, n: int
) -> None:
    chain = walk_upstream([Link(a, b, r) for a, b, r in pairs], anchors, depth)
    lc = LevelChain("product", chain, {c: frozenset({"e"}) for c in covered}, {})
    segments = list(chain.distance)
    cov = covered & set(segments)
    assert needed_by_many(lc, segments, cov, n) == {s: needed_by(lc, s, cov, n) for s in segments}
