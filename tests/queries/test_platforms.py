"""Platform coverage per base on the hand-built graph, on both stores."""

from __future__ import annotations

import pytest
from queries import collab_graph

from chainkg.errors import NotFoundError
from chainkg.graph.model import PLATFORM_KINDS
from chainkg.graph.store import GraphStore
from chainkg.queries.platforms import platform_coverage, shared_platforms

graph = collab_graph.graph


def test_every_base(graph: GraphStore) -> None:
    found = {b.base: b for b in platform_coverage(graph)}
    assert list(found) == ["b1", "b2", "b3"]
    assert found["b1"].kinds_present == ["rnd", "information", "testing"]
    assert found["b1"].kinds_missing == ["certification", "training", "incubator"]
    assert found["b1"].missing_zh == ["认证", "培训", "孵化器"]
    assert found["b1"].coverage == 0.5
    assert [p.key for p in found["b1"].platforms] == ["pf1", "pf4", "pf2"]
    assert found["b2"].kinds_present == ["incubator", "testing"]
    assert found["b3"].kinds_missing == list(PLATFORM_KINDS)
    assert found["b3"].coverage == 0.0


def test_one_base_and_shared(graph: GraphStore) -> None:
    (b2,) = platform_coverage(graph, "b2")
    assert [(p.key, p.bases) for p in b2.shared] == [("pf2", ["b1", "b2"])]
    assert [(p.key, p.kind_zh, p.bases) for p in shared_platforms(graph)] == [("pf2", "检测", ["b1", "b2"])]


def test_present_and_missing_partition_the_policy_types(graph: GraphStore) -> None:
    bases = platform_coverage(graph)
    assert bases, "the hand-built graph has bases"
    for b in bases:
        assert sorted(b.kinds_present + b.kinds_missing) == sorted(PLATFORM_KINDS)


def test_unknown_base(graph: GraphStore) -> None:
    with pytest.raises(NotFoundError, match=r"没有编号为 .* 的基地"):
        platform_coverage(graph, "b-none")
