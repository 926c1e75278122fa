"""Base indicators, history and ranking on the hand-built graph, on both stores.

b1 (深圳高新区): enterprises e1, e2, e5; own IP e1, e2; own brand e1; export e1; u1 located there.
  Patents of its enterprises: P1 (2019), P2 (2021), P3 (2020). Cooperation e1-u1 (2020).
  Alliances: al1 (e1 2018, u1 2019, e2 2020, e5 2021), al2 (e1 2021). Pool pp1 (e1 licensor 2019).
  Platforms: rnd, information, testing.
b2 (苏州工业园): e3, e4, e7; own brand e3; export e3; u2. Patent P4 (2018). Cooperation e3-u2 (2019).
  Alliance al2 (e3, u2 2019). Pool pp1 (e3 licensee 2023). Platforms: incubator, testing.
b3 (空基地): nothing.
"""

from __future__ import annotations

from unittest import mock

import pytest
from queries import collab_graph

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.store import GraphStore
from chainkg.queries.chainengine.chain import ChainQuestion
from chainkg.queries.chainengine.gaps import base_chain_summary
from chainkg.queries.indicators import DEFAULT_WEIGHTS, base_indicators, indicator_history, rank_bases

graph = collab_graph.graph


def test_counts_and_shares(graph: GraphStore) -> None:
    b1, b2, b3 = base_indicators(graph)
    assert (b1.base, b1.name, b1.enterprises, b1.research_orgs) == ("b1", "深圳高新区", 3, 1)
    assert (b1.own_ip_share, b1.own_brand_share, b1.export_share) == pytest.approx((2 / 3, 1 / 3, 1 / 3))
    assert (b1.alliance_keys, b1.pool_keys) == (["al1", "al2"], ["pp1"])
    assert b1.platforms_by_type == {"rnd": 1, "information": 1, "testing": 1}
    assert (b1.platform_types, b1.cooperation_links, b1.patents, b1.patents_per_enterprise) == (3, 1, 3, 1.0)
    assert (b2.own_ip_share, b2.own_brand_share, b2.export_share) == pytest.approx((0.0, 1 / 3, 1 / 3))
    assert (b2.alliances, b2.pools, b2.platform_types, b2.cooperation_links, b2.patents) == (1, 1, 2, 1, 1)
    assert b2.patents_per_enterprise == pytest.approx(1 / 3)
    assert (b3.enterprises, b3.own_ip_share, b3.patents_per_enterprise, b3.alliances) == (0, None, None, 0)


def test_one_base_and_unknown_base(graph: GraphStore) -> None:
    assert [i.base for i in base_indicators(graph, "b2")] == ["b2"]
    with pytest.raises(NotFoundError, match=r"没有编号为 .* 的基地"):
        base_indicators(graph, "b-none")


def test_chain_figures_come_from_the_gap_analysis(graph: GraphStore) -> None:
    for i in base_indicators(graph):
        s = base_chain_summary(graph, ChainQuestion(i.base, 3))
        assert i.chain_source.startswith("gaps.base_chain_summary")
        assert (i.chain_completeness, i.chain_segments, i.gaps, i.weak_links) == (
            s.completeness,
            s.segments,
            s.gaps,
            s.weak_links,
        )
        assert (i.gap_segments, i.weak_segments) == (s.gap_segments, s.weak_segments)
    b1, _, b3 = base_indicators(graph)
    # Product level: b1 makes 芯片, 晶圆, 服务器 and misses their inputs 光刻胶 and 硅片.
    assert {"光刻胶", "硅片"} <= set(b1.gap_segments)
    assert b3.chain_completeness is None


def test_without_the_chain_the_other_figures_stay(graph: GraphStore) -> None:
    """The base page asks without the chain (no chain walk); everything else is the same."""
    chain_fields = {
        "chain_completeness",
        "chain_segments",
        "gaps",
        "weak_links",
        "gap_segments",
        "weak_segments",
        "gap_share",
        "weak_share",
    }
    b1 = base_indicators(graph, "b1")[0]
    bare = base_indicators(graph, "b1", chain=False)[0]
    assert bare.model_dump(exclude=chain_fields) == b1.model_dump(exclude=chain_fields)
    assert (bare.enterprises, bare.patents) == (3, 3)
    assert b1.gap_segments  # the full answer has chain figures, the bare one none
    assert (bare.chain_completeness, bare.chain_segments, bare.gaps, bare.gap_segments) == (None, 0, 0, [])
    with mock.patch("chainkg.queries.indicators.base_chain_summary", side_effect=AssertionError("walked")):
        base_indicators(graph, "b1", chain=False)


def test_history_by_year(graph: GraphStore) -> None:
    got = [(i.year, i.patents, i.cooperation_links, i.alliances, i.pools) for i in indicator_history(graph, "b1")]
    # From the approval year (2015), every year, up to the last dated fact.
    assert got == [
        (2015, 0, 0, 0, 0),
        (2016, 0, 0, 0, 0),
        (2017, 0, 0, 0, 0),
        (2018, 0, 0, 1, 0),
        (2019, 1, 0, 1, 1),
        (2020, 2, 1, 1, 1),
        (2021, 3, 1, 2, 1),
    ]
    # A year before the approval year is dropped: the base did not exist.
    assert [i.year for i in indicator_history(graph, "b1", years=[2010, 2020])] == [2020]
    assert [i.year for i in indicator_history(graph, "b1", years=[2020])] == [2020]
    (today,) = indicator_history(graph, "b3")
    assert today.year is None
    (snap,) = base_indicators(graph, "b2", year=2018)
    assert (snap.patents, snap.alliances, snap.cooperation_links, snap.pools) == (1, 0, 0, 0)


def test_rank_on_one_indicator(graph: GraphStore) -> None:
    ranked = rank_bases(graph, {"patents_per_enterprise": 1}, only=True, min_enterprises=1)
    # 1.0 and 1/3 patents per enterprise; b3 has no enterprise, so it is not ranked at all.
    assert [(r.rank, r.base, r.score) for r in ranked] == [
        (1, "b1", 1.0),
        (2, "b2", pytest.approx(1 / 3)),
    ]
    assert ranked[0].weights == {"patents_per_enterprise": 1.0}


def test_rank_on_two_indicators_by_hand(graph: GraphStore) -> None:
    ranked = rank_bases(graph, {"own_ip_share": 1, "platform_types": 3}, only=True, min_enterprises=1)
    # own IP: b1 2/3 (best) -> 1, b2 0 -> 0; platform types 3, 2 -> 1, 2/3. Weights 1/4, 3/4.
    assert [(r.base, r.score) for r in ranked] == [("b1", 1.0), ("b2", pytest.approx(0.5))]
    assert ranked[1].contributions == pytest.approx({"own_ip_share": 0.0, "platform_types": 0.5})


def test_default_weights_are_stated_and_settable(graph: GraphStore) -> None:
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)
    ranked = rank_bases(graph, min_enterprises=1)
    assert [r.base for r in ranked] == ["b1", "b2"]
    assert set(ranked[0].weights) == set(DEFAULT_WEIGHTS)
    for r in ranked:
        assert r.score == pytest.approx(sum(r.contributions.values()))
    no_gaps = rank_bases(graph, {"gap_share": 0, "weak_share": 0}, min_enterprises=1)
    assert "gap_share" not in no_gaps[0].weights
    # Three enterprises each: below the default minimum of five, nobody is ranked.
    assert rank_bases(graph) == []


def test_bad_weights(graph: GraphStore) -> None:
    with pytest.raises(InvalidInputError, match="Unknown indicator 'charm'"):
        rank_bases(graph, {"charm": 1})
    with pytest.raises(InvalidInputError, match="cannot be negative"):
        rank_bases(graph, {"gap_share": -1})
    with pytest.raises(InvalidInputError, match="above zero"):
        rank_bases(graph, {"gap_share": 0}, only=True)


def test_rank_bases_takes_the_indicators_already_computed(graph: GraphStore) -> None:
    """Given the indicators (the home page has them), the ranking is the same and they are not computed again."""
    import chainkg.queries.indicators as ind

    computed = base_indicators(graph)
    expected = rank_bases(graph, min_enterprises=1)
    assert expected
    with mock.patch.object(ind, "base_indicators", side_effect=AssertionError("computed again")):
        assert rank_bases(graph, indicators=computed, min_enterprises=1) == expected
