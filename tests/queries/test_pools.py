"""Patent pool analysis on the hand-built graph, on both stores.

pp1 holds P1, P2 (e1), P3 (e2), P5 (u1) and P10 (co-held by e6 and u3: half a patent each).
Credits 2, 1, 1, .5, .5 of 5 -> shares 40/20/20/10/10 % -> HHI 1600+400+400+100+100 = 2600.
"""

from __future__ import annotations

import pytest
from queries import collab_graph

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.store import GraphStore
from chainkg.i18n import use_locale
from chainkg.queries.pools import pool_analysis

graph = collab_graph.graph


def test_coverage_and_concentration(graph: GraphStore) -> None:
    a = pool_analysis(graph, "pp1")
    assert (a.name, a.founded_year, a.patents) == ("半导体专利池", 2019, 5)
    assert [(f.field, f.patents, f.share) for f in a.fields] == [("H01L", 5, 1.0), ("G06F", 1, 0.2)]
    assert a.hhi == pytest.approx(2600.0)
    assert a.concentration == "high"
    assert a.top_share == pytest.approx(0.4)


def test_contributors(graph: GraphStore) -> None:
    a = pool_analysis(graph, "pp1")
    assert [(c.key, c.patents, c.declared_licensor, c.since) for c in a.contributors] == [
        ("e1", 2.0, True, 2019),
        ("e2", 1.0, True, 2020),
        ("u1", 1.0, True, 2020),
        ("e6", 0.5, False, None),
        ("u3", 0.5, False, None),
    ]
    assert [c.share for c in a.contributors] == pytest.approx([0.4, 0.2, 0.2, 0.1, 0.1])
    assert a.contributors[0].sample_patents == ["P1", "P2"]
    assert a.undeclared_holders == ["材料研究院", "芯动科技"]


def test_licensees_and_their_needs(graph: GraphStore) -> None:
    a = pool_analysis(graph, "pp1")
    assert [(x.key, x.since, x.needs, x.uncovered) for x in a.licensees] == [
        ("e5", 2021, ["G06F"], []),
        ("e6", 2022, ["G06F", "H01L"], []),
        ("e3", 2023, ["H01M"], ["H01M"]),
    ]
    assert a.uncovered_needs == ["H01M"]


def test_candidate_licensors(graph: GraphStore) -> None:
    a = pool_analysis(graph, "pp1")
    # Holders of H01L / G06F patents outside the pool: u2 (P8). u1 holds P6 but is a licensor.
    assert [(c.key, c.patents, c.fields, c.sample_patents, c.is_licensee) for c in a.candidates] == [
        ("u2", 1, ["H01L"], ["P8"], False)
    ]
    assert "但不是许可方" in a.candidates[0].reason  # in the current language: Chinese by default
    with use_locale("en"):
        assert (
            "holds 1 patent in the pool's field(s) H01L but is not a licensor"
            in pool_analysis(graph, "pp1").candidates[0].reason
        )
    assert pool_analysis(graph, "pp1", candidates=0).candidates == []


def test_errors(graph: GraphStore) -> None:
    with pytest.raises(NotFoundError, match="的专利池"):
        pool_analysis(graph, "pp-none")
    with pytest.raises(InvalidInputError):
        pool_analysis(graph, "pp1", candidates=-1)
