"""Rows of a kept answer are encoded once: the bytes equal a direct encoding, stale ones are never served."""

from __future__ import annotations

import gc
from pathlib import Path

import pydantic_core

from chainkg.api import encode
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.demo import load_demo
from chainkg.queries.chainengine.chain import ChainQuestion
from chainkg.queries.chainengine.gaps import find_gaps, weak_links
from chainkg.queries.results import Record


class Row(Record):
    key: str
    names: list[str]


def test_the_bytes_are_those_of_a_direct_encoding(tmp_path: Path) -> None:
    store = LadybugStore(tmp_path / "graph.lbug")
    store.ensure_schema()
    load_demo(store)
    try:
        gaps = find_gaps(store, ChainQuestion("sz-led", 3))
        weak = weak_links(store, ChainQuestion("sz-led", 3))
        assert len(gaps) >= encode.MIN_ROWS  # long enough to be remembered
        for answer in (gaps, weak, gaps[:3], []):
            assert encode.to_json(answer) == pydantic_core.to_json(answer)
        again = find_gaps(store, ChainQuestion("sz-led", 3))  # the kept answer: the same row objects
        assert again[0] is gaps[0]
        assert encode.to_json(again) == pydantic_core.to_json(gaps)
    finally:
        store.close()


def test_a_row_that_is_gone_takes_its_encoding_with_it() -> None:
    rows = [Row(key=f"k{i}", names=["甲", str(i)]) for i in range(encode.MIN_ROWS)]
    gc.collect()  # rows of earlier tests still awaiting the collector would leave during the count
    before = encode.held()
    assert encode.to_json(rows) == pydantic_core.to_json(rows)
    assert encode.held() == before + len(rows)
    del rows
    gc.collect()
    assert encode.held() == before
    # New rows at possibly the same addresses are encoded afresh, never taken for the old ones.
    fresh = [Row(key=f"n{i}", names=["乙"]) for i in range(encode.MIN_ROWS)]
    assert encode.to_json(fresh) == pydantic_core.to_json(fresh)


def test_other_answers_are_encoded_as_before() -> None:
    for answer in ({"a": 1}, [1, 2, 3] * 5, [{"k": "v"}] * 10, "text"):
        assert encode.to_json(answer) == pydantic_core.to_json(answer)
