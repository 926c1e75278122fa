"""The chain maps (segments, stages, members nationwide) are read once per data version and kept
on disk beside the link graphs: the next process reads the file instead of the store, and a
write makes it read the store again. On both stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chainkg.graph.store import GraphStore
from chainkg.queries.chainengine import ChainEngine, attach
from chainkg.queries.chainengine.segments import CHAIN_MAPS, MapData, _fetch_maps, chain_maps, read_map, segment_gaps


def _plain(maps: dict[str, MapData]) -> dict[str, Any]:
    return {
        k: (md.summary, md.stages, md.segments, md.feeds, md.firms, md.products, md.children) for k, md in maps.items()
    }


def _map_queries(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the chain-map queries ``store`` runs from now on."""
    ran: list[str] = []
    run = store.run

    def counted(query: Any, params: Any = None) -> Any:
        if query.name.startswith("segments.") and "base" not in query.name:
            ran.append(query.name)
        return run(query, params)

    monkeypatch.setattr(store, "run", counted)
    return ran


def test_kept_maps_are_read_from_disk_by_the_next_process_and_again_after_a_write(
    demo_graph: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, folder = demo_graph, tmp_path / "chain-index"
    assert attach(ChainEngine(store, disk=folder)).warm()  # what a load leaves
    assert len(list(folder.glob(f"{CHAIN_MAPS}-*.pickle"))) == 1
    fresh = _plain(_fetch_maps(store))
    assert "led" in fresh and fresh["led"][2], fresh.keys()  # the demo's LED map, with segments

    attach(ChainEngine(store, disk=folder))  # the next process: nothing held in memory
    ran = _map_queries(store, monkeypatch)
    assert _plain(chain_maps(store)) == fresh
    answer = segment_gaps(store, "sz-led", ["led"])
    assert ran == [], ran  # the maps came from the file
    assert answer.maps[0].segments and read_map(store, "led").summary.key == "led"

    # A write (a firm joins a segment): the kept file is for older data; the store is read again.
    seg = fresh["led"][2][0]["key"]
    firm = store.execute("MATCH (e:Enterprise) RETURN e.key AS k ORDER BY k LIMIT 1")[0]["k"]
    store.merge_rels("IN_SEGMENT", "Enterprise", "ChainSegment", [{"src": firm, "dst": seg, "rule": "enterprise"}])
    attach(ChainEngine(store, disk=folder))
    after = chain_maps(store)
    assert ran, "the maps were not read again after a write"
    assert firm in [f.key for f in after["led"].firms[seg]]
