"""Every view as a standalone HTML file, opened in headless Chromium with the network off."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import Guard, screenshot, wait_ready
from minigraph import load_mini

from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.views.catalog import build_view
from chainkg.views.chain import chain_view_from_graph, synthetic_chain
from chainkg.views.render import write_html

pytestmark = pytest.mark.browser

VIEWS = {
    "chain": ("b-sz", {}, ["LED芯片", "衬底", "半导体"]),
    "gap": ("b-sz", {"segment": "衬底"}, ["衬底", "丙材料", "上海测试基地"]),
    "alliance": ("al-1", {}, ["甲光电", "测试大学", "外延片"]),
    "collab": ("e2", {}, ["乙芯片", "测试大学"]),
    "pool": ("pp-1", {}, ["测试专利池", "半导体器件", "测试大学"]),
    "ego": ("外延片", {"label": "Product", "depth": 2}, ["外延片", "甲光电", "<script>alert(1)</script>"]),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Each view of the hand-built graph written as a standalone page (as `chainkg export … html` does)."""
    folder = tmp_path_factory.mktemp("views")
    store = LadybugStore(folder / f"g-{uuid.uuid4().hex}.lbug")
    store.ensure_schema()
    load_mini(store)
    try:
        yield {
            kind: write_html(build_view(store, kind, key, **opts), folder / f"{kind}.html")
            for kind, (key, opts, _names) in VIEWS.items()
        }
    finally:
        store.close()


def _names(pg: Any) -> set[str]:
    return set(pg.evaluate("window.chainkgNetwork.body.data.nodes.get().map(n => n.full)"))


@pytest.mark.parametrize("kind", sorted(VIEWS))
def test_view_opens_offline(page: tuple[Any, Guard], files: dict[str, Path], kind: str) -> None:
    pg, guard = page
    pg.goto(files[kind].as_uri())
    wait_ready(pg)
    assert pg.get_attribute("body", "data-ready") == "1"
    assert set(VIEWS[kind][2]) <= _names(pg)
    assert pg.locator("#legend li").count() >= 2
    screenshot(pg, f"view-{kind}")
    guard.check()
    assert all(u.startswith("file://") for u in guard.requests)


def test_tooltip_shows_facts_and_provenance(page: tuple[Any, Guard], files: dict[str, Path]) -> None:
    pg, guard = page
    pg.goto(files["ego"].as_uri())
    wait_ready(pg)
    box = pg.locator("#net").bounding_box()
    assert box
    # Where the network drew the centre node, in page coordinates.
    xy = pg.evaluate(
        """() => { const n = window.chainkgNetwork; const p = n.getPositions(['Product:外延片'])['Product:外延片'];
                   return n.canvasToDOM(p); }"""
    )
    pg.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])
    tip = pg.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5000)
    text = tip.inner_text()
    # one language (Chinese by default): the type and the provenance in Chinese only
    assert "外延片" in text and "产品 · 编号" in text and "来源：tests/minigraph.py，第 2 行" in text
    assert "Product" not in text and "source" not in text
    screenshot(pg, "view-ego-tooltip")
    guard.check()


def test_find_box_selects_a_node(page: tuple[Any, Guard], files: dict[str, Path]) -> None:
    pg, guard = page
    pg.goto(files["chain"].as_uri())
    wait_ready(pg)
    pg.fill("#find", "衬底")
    pg.press("#find", "Enter")
    assert pg.evaluate("window.chainkgNetwork.getSelectedNodes()") == ["Product:衬底"]
    guard.check()


@pytest.mark.slow
def test_two_thousand_node_chain_is_usable(page: tuple[Any, Guard], tmp_path: Path) -> None:
    """The size the issue names; the timing itself is measured by bench/views.py."""
    pg, guard = page
    big = chain_view_from_graph(synthetic_chain(2400, seed=7), key="synthetic", base_name="合成基地", max_nodes=2000)
    path = write_html(big, tmp_path / "chain-2000.html")
    pg.goto(path.as_uri())
    ready_ms = wait_ready(pg, timeout_ms=30_000)
    assert pg.evaluate("window.chainkgNetwork.body.data.nodes.length") == 2000
    assert "显示 2000 / 2400 个节点" in pg.inner_text("#view-count")  # Chinese by default
    # Still responsive: a zoom redraws (physics is off, so nothing keeps the page busy).
    pg.evaluate("window.chainkgNetwork.moveTo({scale: 0.6})")
    assert pg.evaluate("window.chainkgNetwork.getScale()") == pytest.approx(0.6)
    screenshot(pg, "view-chain-2000")
    print(f"2000-node chain view ready after {ready_ms:.0f} ms")
    guard.check()
