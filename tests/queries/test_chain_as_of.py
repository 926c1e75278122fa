"""Chain answers as of a year (issue 14, item 2), on both stores, with the demo's dated facts.

The demo dates (chainkg/demo/README): 芯光驱动 is in sz-led and makes LED驱动芯片 from 2016;
精光透镜 makes 光学透镜 from 2015 to 2020 and closes on 2020-11-30; 长方集团 is in sz-led from
2011 to 2019. The firms of sz-hitech carry no date after 2017, so its answers do not move.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from storetools import BACKENDS, fresh_store

from chainkg.graph.store import GraphStore
from chainkg.ingest.demo import load_demo
from chainkg.queries.chainengine import engine_for
from chainkg.queries.chainengine.candidates import fill_candidates
from chainkg.queries.chainengine.chain import ChainQuestion, base_chain, dated_rows
from chainkg.queries.chainengine.gaps import base_chain_summary, find_gaps, weak_links
from chainkg.queries.chainengine.segments import segment_gaps


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The demo data, loaded once per backend for the module (the answers only read it)."""
    store = fresh_store(request.param, tmp_path_factory.mktemp("as-of") / "g.lbug")
    try:
        load_demo(store)
        yield store
    finally:
        store.close()


def gap_keys(store: GraphStore, base: str, year: int | None) -> set[str]:
    return {
        g.key for g in find_gaps(store, ChainQuestion(base, 3, level="product", year=year), limit=None, suppliers="all")
    }


def covering(store: GraphStore, base: str, segment: str, year: int | None) -> list[str] | None:
    """Names of the base's firms covering ``segment`` in ``year``; None when it is not in the chain."""
    chain = base_chain(store, ChainQuestion(base, 3, level="product", year=year))
    found = [s for s in chain.segments if s.key == segment]
    return sorted(e.name for e in found[0].enterprises) if found else None


def test_gaps_and_coverage_follow_the_dates(demo: GraphStore) -> None:
    # LED驱动芯片: made in the base from 2016 only.
    assert "LED驱动芯片" in gap_keys(demo, "sz-led", 2015)
    assert "LED驱动芯片" not in gap_keys(demo, "sz-led", 2016)
    assert covering(demo, "sz-led", "LED驱动芯片", 2016) == ["芯光驱动"]
    # 光学透镜: made 2015-2020, the maker closed in 2020: a gap again in 2021.
    assert covering(demo, "sz-led", "光学透镜", 2020) == ["精光透镜"]
    assert "光学透镜" not in gap_keys(demo, "sz-led", 2020)
    assert "光学透镜" in gap_keys(demo, "sz-led", 2021)
    # Without a year: the data as it stands (the closing date is not applied), as before.
    assert covering(demo, "sz-led", "光学透镜", None) == ["精光透镜"]
    assert "LED驱动芯片" not in gap_keys(demo, "sz-led", None)


def test_weak_links_and_summary_follow_the_dates(demo: GraphStore) -> None:
    def weak(year: int) -> dict[str, str]:
        return {
            w.key: w.enterprise.name
            for w in weak_links(demo, ChainQuestion("sz-led", 3, level="product", year=year), limit=None)
        }

    weak_2015, weak_2016 = weak(2015), weak(2016)
    assert "LED驱动芯片" not in weak_2015 and weak_2016["LED驱动芯片"] == "芯光驱动"
    # 长方集团 leaves after 2019: what only it made drops out of the covered chain.
    assert covering(demo, "sz-led", "贴片光源", 2019) == ["长方集团"]
    assert not covering(demo, "sz-led", "贴片光源", 2020)
    s2019, s2020 = (base_chain_summary(demo, ChainQuestion("sz-led", year=y)) for y in (2019, 2020))
    assert s2020.covered < s2019.covered
    assert (
        base_chain_summary(demo, ChainQuestion("sz-led")).model_dump() == s2019.model_dump()
    )  # nobody ends before 2019


def test_segment_answers_follow_the_dates(demo: GraphStore) -> None:
    def pkg_lamp(year: int | None) -> tuple[str, list[str]]:
        seg = segment_gaps(demo, "sz-led", ["led"], segment="led/pkg-lamp", year=year).maps[0].segments[0]
        return seg.status, sorted(f.name for f in seg.base_firms)

    assert pkg_lamp(2019) == ("weak", ["长方集团"])
    assert pkg_lamp(2020) == ("gap", [])
    assert pkg_lamp(None) == ("weak", ["长方集团"])


def test_candidates_follow_the_dates(demo: GraphStore) -> None:
    def names(base: str, segment: str, year: int | None) -> tuple[list[str], list[str]]:
        c = fill_candidates(demo, base, segment, limit=None, year=year)
        return sorted(x.name for x in c.candidates), sorted(e.name for e in c.in_base)

    # 长方集团 is sz-led's own maker of 贴片光源 until 2019, a candidate once it has left.
    assert names("sz-led", "贴片光源", 2019) == ([], ["长方集团"])
    assert names("sz-led", "贴片光源", 2020) == (["长方集团"], [])
    assert names("sz-led", "贴片光源", None) == ([], ["长方集团"])
    # 精光透镜 makes 光学透镜 from 2015 and closes in 2020: no candidate before or after.
    assert names("su-ind", "光学透镜", 2014) == ([], [])
    assert names("su-ind", "光学透镜", 2020) == (["精光透镜"], [])
    assert names("su-ind", "光学透镜", 2021) == ([], [])


def test_no_dates_in_force_no_change(demo: GraphStore) -> None:
    """sz-hitech's firms are all in place by 2017 and none leaves: every year answers alike."""
    now = base_chain_summary(demo, ChainQuestion("sz-hitech")).model_dump()
    assert now["covered"] > 0
    gaps_now = [g.model_dump() for g in find_gaps(demo, ChainQuestion("sz-hitech", 3), limit=None)]
    for year in (2018, 2021):
        assert base_chain_summary(demo, ChainQuestion("sz-hitech", year=year)).model_dump() == now
        assert [
            g.model_dump() for g in find_gaps(demo, ChainQuestion("sz-hitech", 3, year=year), limit=None)
        ] == gaps_now


def test_kept_answers_are_keyed_by_year(demo: GraphStore) -> None:
    engine_for(demo).chains.clear()
    first = gap_keys(demo, "sz-led", 2015)
    assert "LED驱动芯片" not in gap_keys(demo, "sz-led", 2016)  # not the 2015 answer served again
    assert gap_keys(demo, "sz-led", 2015) == first


def test_dated_rows_rule() -> None:
    row = {"l_since": 2011, "l_until": 2019, "since": None, "until": None, "founded": "2010", "closed": None}
    assert [len(dated_rows([row], y)) for y in (2010, 2011, 2019, 2020)] == [0, 1, 1, 0]
    closed = {"l_since": None, "l_until": None, "founded": "2012-03-01", "closed": "2020-11-30"}
    assert [len(dated_rows([closed], y)) for y in (2011, 2012, 2020, 2021)] == [0, 1, 1, 0]


def test_indicator_history_dates_the_chain_figures(demo: GraphStore) -> None:
    """The indicators' chain rows ask the chain as of each year, as the chain questions do."""
    from chainkg.queries.indicators import indicator_history

    by_year = {i.year: i for i in indicator_history(demo, "sz-led", [2015, 2016, 2021])}
    for y, i in by_year.items():
        summary = base_chain_summary(demo, ChainQuestion("sz-led", 3, year=y))
        assert (i.gaps, i.weak_links, i.chain_completeness) == (
            len(summary.gap_segments),
            len(summary.weak_segments),
            summary.completeness,
        )
    # LED驱动芯片 is a gap in 2015 and covered from 2016; 光学透镜 is a gap again in 2021.
    assert "LED驱动芯片" in by_year[2015].gap_segments and "LED驱动芯片" not in by_year[2016].gap_segments
    assert "光学透镜" not in by_year[2016].gap_segments and "光学透镜" in by_year[2021].gap_segments
