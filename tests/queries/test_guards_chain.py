"""Guards against plausible bugs in chain questions (each test fails on a planted bug).

Planted bugs these catch: coverage passed up only one level of sub-industries (the shared
fixture has one level; SW2021 has three); an ambiguous short name in what-if silently taking
the first firm instead of asking for the key.
"""

from __future__ import annotations

import pytest

from chainkg.errors import InvalidInputError
from chainkg.graph.store import GraphStore
from chainkg.queries.chainengine.chain import industry_chain
from chainkg.queries.chainengine.gaps import resolve_enterprises


def _three_levels(store: GraphStore) -> None:
    """电子 (L1) <- 半导体 (L2) <- 集成电路 (L3); 材料 (L1) supplies 电子; firm X of base b is in 集成电路."""
    store.merge_nodes("Base", [{"key": "b", "name": "基地"}])
    store.merge_nodes(
        "Industry",
        [
            {"key": "SW2021:1", "name": "电子", "code": "1", "scheme": "SW2021", "level": 1},
            {"key": "SW2021:11", "name": "半导体", "code": "11", "scheme": "SW2021", "level": 2},
            {"key": "SW2021:111", "name": "集成电路", "code": "111", "scheme": "SW2021", "level": 3},
            {"key": "SW2021:2", "name": "材料", "code": "2", "scheme": "SW2021", "level": 1},
        ],
    )
    store.merge_rels(
        "SUB_INDUSTRY_OF",
        "Industry",
        "Industry",
        [{"src": "SW2021:11", "dst": "SW2021:1"}, {"src": "SW2021:111", "dst": "SW2021:11"}],
    )
    store.merge_rels("UPSTREAM_OF", "Industry", "Industry", [{"src": "SW2021:2", "dst": "SW2021:1", "weight": 1.0}])
    store.merge_nodes(
        "Enterprise",
        [
            {"key": "X", "name": "甲", "full_name": "甲集成电路有限公司"},
            {"key": "Y", "name": "同名", "full_name": "同名一有限公司"},
            {"key": "Z", "name": "同名", "full_name": "同名二有限公司"},
        ],
    )
    store.merge_rels("LOCATED_IN", "Enterprise", "Base", [{"src": k, "dst": "b"} for k in ("X", "Y", "Z")])
    store.merge_rels("IN_INDUSTRY", "Enterprise", "Industry", [{"src": "X", "dst": "SW2021:111"}])


def test_coverage_is_passed_up_every_level(store: GraphStore) -> None:
    _three_levels(store)
    lc, _ = industry_chain(store, "b", depth=2)
    assert set(lc.coverage["SW2021:111"]) == {"X"}
    assert set(lc.coverage["SW2021:11"]) == {"X"}
    assert set(lc.coverage["SW2021:1"]) == {"X"}  # two levels up
    assert "SW2021:2" not in lc.coverage  # a supplier industry is not covered by the firm


def test_ambiguous_short_name_asks_for_the_key(store: GraphStore) -> None:
    _three_levels(store)
    with pytest.raises(InvalidInputError) as info:
        resolve_enterprises(store, "b", ["同名"])
    assert "Y" in str(info.value) and "Z" in str(info.value)
    # Keys and unique full names still resolve.
    assert [e.key for e in resolve_enterprises(store, "b", ["Y"])] == ["Y"]
    assert [e.key for e in resolve_enterprises(store, "b", ["同名二有限公司"])] == ["Z"]
