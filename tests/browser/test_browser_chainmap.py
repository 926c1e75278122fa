"""The chain map view (产业链图谱) in headless Chromium with the network off, on the demo data.

At 1400 px every label of the map is at least 12 px and no two boxes overlap (measured with
getBoundingClientRect), for the LED map of sz-led and for an illustrative 40-segment map; a
click opens the segment's firms, products and why; a base without a map of its own gets a
Chinese message and the maps to choose from. Screenshots land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from harness import SCREENSHOTS, Guard, screenshot, serve, wait_ready

from chainkg.api.main import create_app
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.pipeline import ingest_paths
from chainkg.queries.chainengine.segments import default_map_keys, segment_gaps
from chainkg.settings import Settings

pytestmark = pytest.mark.browser

FORTY = "test-forty"


def _forty_map(path: Path) -> Path:
    """An illustrative map of 40 segments (5 stages × 6 top-level segments, 2 of them with a
    child each), with long names, matching some demo products and none for others."""
    words = ["衬底", "外延", "芯片", "封装", "显示", "照明"]
    lines = [
        "# Illustrative test map (not a curated map): 40 segments to test the chain map view's layout.",
        f"key: {FORTY}",
        "name: 四十环节测试图谱（示例数据）",
        'version: "test.1"',
        "description: 示例数据 (illustrative)：仅用于测试图谱视图的排版。",
        "references:",
        "  - {title: 测试说明（illustrative）, publisher: chainkg tests}",
        "  - {title: 测试说明二（illustrative）, publisher: chainkg tests}",
        "stages:",
    ]
    n = 0
    for st in range(5):
        lines += [f"  - key: s{st}", f"    name: 第{st + 1}段：测试阶段名称", "    segments:"]
        for i in range(6):
            n += 1
            key = f"g{n}"
            nxt = f"g{n + 6}" if st < 4 else None
            lines += [f"      - key: {key}", f"        name: 第{n}环节·较长的测试环节名称"]
            if nxt:
                lines.append(f"        feeds: [{nxt}]")
            word = words[i] if (st + i) % 2 == 0 else f"不存在的产品{n}"
            lines.append(f"        match: {{keywords: [{word}]}}")
            if i < 2:
                lines += [
                    "        children:",
                    f"          - key: {key}c",
                    f"            name: 第{n}环节的子环节（示例）",
                    f"            match: {{keywords: [{words[(i + st) % 6]}]}}",
                ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app on a LadybugDB store with the demo data (and its shipped maps) and the 40-segment map."""
    try:
        from chainkg.ingest.demo import load_demo
    except ImportError:
        pytest.skip("the bundled demo data (chainkg.ingest.demo) is not available")
    folder = tmp_path_factory.mktemp("mapsite")
    store = LadybugStore(folder / f"g-{uuid.uuid4().hex}.lbug")
    store.ensure_schema()
    load_demo(store)
    # Every demo base now gets maps (its own or its leading industries'): a base with neither.
    store.merge_nodes("Base", [{"key": "t-nomap", "name": "无图谱基地（测试）", "province": "江苏省"}])
    ingest_paths(store, [_forty_map(folder / "forty.yaml")])
    app = create_app(Settings(data_dir=folder), store=store)
    try:
        with serve(app) as url:
            yield {"url": url, "store": store}
    finally:
        store.close()


# Every text-bearing element of the map and the legend, its font size, and the boxes' rectangles.
MEASURE_JS = """() => {
  const small = [];
  for (const e of document.querySelectorAll('.cmap *, .cmap-legend *')) {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const px = parseFloat(getComputedStyle(e).fontSize);
    if (px < 12) small.push(e.textContent.trim() + ' ' + px);
  }
  const rect = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const top = [...document.querySelectorAll('.cmap-stage > .cmap-seg')].map(e => [e.dataset.seg, rect(e)]);
  const kids = [...document.querySelectorAll('.cmap-kids')].map(
    k => [...k.querySelectorAll('.cmap-seg.kid')].map(e => [e.dataset.seg, rect(e)]));
  const labels = [...document.querySelectorAll('.cmap-seg .nm')].map(e => {
    const box = e.closest('.cmap-seg').getBoundingClientRect(), r = e.getBoundingClientRect();
    return [e.textContent, r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.bottom <= box.bottom + 0.5];
  });
  return {small, top, kids, labels, width: document.documentElement.scrollWidth};
}"""


def _overlaps(boxes: list[list[Any]]) -> list[tuple[str, str]]:
    out = []
    for i, (a, ra) in enumerate(boxes):
        for b, rb in boxes[i + 1 :]:
            if ra[0] < rb[2] - 0.5 and rb[0] < ra[2] - 0.5 and ra[1] < rb[3] - 0.5 and rb[1] < ra[3] - 0.5:
                out.append((a, b))
    return out


def _check_layout(pg: Any, segments: int) -> None:
    m = pg.evaluate(MEASURE_JS)
    assert not m["small"], f"labels under 12 px: {m['small'][:10]}"
    drawn = len(m["top"]) + sum(len(k) for k in m["kids"])
    assert drawn == segments
    assert not _overlaps(m["top"]), _overlaps(m["top"])
    for kids in m["kids"]:
        assert not _overlaps(kids), _overlaps(kids)
    cut = [name for name, inside in m["labels"] if not inside]
    assert not cut, f"labels outside their box: {cut}"
    assert m["width"] <= 1400, "the map must fit 1400 px without scrolling sideways"


def test_sz_led_led_map(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    pg, guard = page
    expected = segment_gaps(site["store"], "sz-led", ["led"]).maps[0]
    pg.goto(f"{site['url']}/ui/bases/sz-led?{urlencode({'map': 'led'})}")
    wait_ready(pg)
    _check_layout(pg, len(expected.segments))
    # Every segment's box says its status and counts as the segment answer does.
    for a in expected.segments:
        box = pg.locator(f".cmap-seg[data-seg='{a.key}']")
        assert box.get_attribute("class") is not None and f"st-{a.status}" in (box.get_attribute("class") or "")
        assert f"{a.base_count} / {a.makers_count}" in box.locator(".ct").first.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.locator(".cmap-wrap").screenshot(path=str(SCREENSHOTS / "chainmap-sz-led.png"))
    # A click opens the segment: its why, its firms nationwide (top N with the count), its products.
    target = next(a for a in expected.segments if a.makers)
    pg.locator(f".cmap-seg[data-seg='{target.key}'] .nm").first.click()
    panel = pg.locator("#cmap-panel")
    panel.wait_for(state="visible")
    text = panel.inner_text()
    assert target.why_zh in text
    assert target.makers[0].name in text
    assert f"全国企业 ({target.makers_count})" in text and "Makers nationwide" not in text
    if target.products:
        assert target.products[0] in text
    screenshot(pg, "chainmap-sz-led-click")
    # In English the panel speaks English: its labels come from the page, the status too.
    pg.goto(f"{site['url']}/ui/bases/sz-led?{urlencode({'map': 'led', 'lang': 'en'})}")
    wait_ready(pg)
    pg.locator(f".cmap-seg[data-seg='{target.key}'] .nm").first.click()
    panel.wait_for(state="visible")
    en = panel.inner_text()
    assert f"Makers nationwide ({target.makers_count})" in en and "全国企业" not in en
    assert target.why in en and target.why_zh not in en
    assert {"已覆盖", "薄弱", "缺口", "无已知供应商"} & set(panel.locator(".tag").first.inner_text().split()) == set()
    pg.goto(f"{site['url']}/ui/bases/sz-led?{urlencode({'map': 'led'})}")
    wait_ready(pg)
    # "Show all" fetches the segment in full: every maker nationwide is listed.
    big = next(a for a in expected.segments if a.makers_count > len(a.makers))
    pg.locator(f".cmap-seg[data-seg='{big.key}'] .nm").first.click()
    pg.locator("#cmap-panel button.cmap-more").click()
    makers = pg.locator("#cmap-panel ol.cmap-firms").nth(1 if big.base_count else 0).locator("li")
    pg.wait_for_function(
        f"document.querySelectorAll('#cmap-panel ol.cmap-firms')[{1 if big.base_count else 0}]"
        f".children.length === {big.makers_count}"
    )
    assert makers.count() == big.makers_count
    # The product-level sections arrive after the map and the old view stays a link.
    pg.locator("#base-chain[data-loaded='1']").wait_for(timeout=60_000)
    assert pg.locator("#product-graph-link").get_attribute("href") == "/views/chain?key=sz-led"
    assert pg.locator("iframe").count() == 0
    guard.check()


def test_forty_segments_fit_at_1400(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    pg, guard = page
    n = len(segment_gaps(site["store"], "sz-led", [FORTY]).maps[0].segments)
    assert n == 40
    pg.goto(f"{site['url']}/ui/chainmap?{urlencode({'base': 'sz-led', 'map': FORTY})}")
    wait_ready(pg)
    _check_layout(pg, 40)
    screenshot(pg, "chainmap-forty")
    guard.check()


def test_base_without_a_map_offers_the_maps(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    from chainkg.queries.resources import list_nodes

    pg, guard = page
    bases = [b["key"] for b in list_nodes(site["store"], "Base", limit=500).items]
    without = [b for b in bases if not default_map_keys(site["store"], b)]
    # The demo bases all lead in industries that maps serve: only the test's base has no map.
    assert without == ["t-nomap"]
    pg.goto(f"{site['url']}/ui/bases/{without[0]}")
    wait_ready(pg)
    assert "尚未指定产业链图谱" in pg.inner_text("#chain-map-empty")
    links = pg.locator("#map-choices a.map-choice")
    assert links.count() >= 6  # the shipped maps at least
    links.filter(has_text="集成电路").first.click()
    pg.wait_for_url("**map=ic")
    wait_ready(pg)
    assert pg.locator(".cmap-seg").count() == len(segment_gaps(site["store"], without[0], ["ic"]).maps[0].segments)
    guard.check()


def test_the_base_s_own_maps_and_the_picker(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    """sz-led names the LED map (demo uses_map.csv): its page draws it without asking; sz-hitech
    names two, both marked in the picker, and choosing the other one draws that one."""
    pg, guard = page
    pg.goto(f"{site['url']}/ui/bases/sz-led")
    wait_ready(pg)
    assert pg.locator("#cmap-select").input_value() == "led"
    assert pg.locator(".cmap-seg").count() == len(segment_gaps(site["store"], "sz-led", ["led"]).maps[0].segments)
    screenshot(pg, "chainmap-sz-led-base-page")
    own = default_map_keys(site["store"], "sz-hitech")
    assert sorted(own) == ["nev-battery", "telecom"]
    pg.goto(f"{site['url']}/ui/bases/sz-hitech")
    wait_ready(pg)
    first = pg.locator("#cmap-select").input_value()
    assert first == own[0]
    marked = pg.locator("#cmap-select option", has_text="本基地图谱")
    assert sorted(marked.evaluate_all("os => os.map(o => o.value)")) == sorted(own)
    other = next(k for k in own if k != first)
    pg.select_option("#cmap-select", other)
    pg.wait_for_url(f"**map={other}")
    wait_ready(pg)
    assert pg.locator(".cmap-seg").count() == len(segment_gaps(site["store"], "sz-hitech", [other]).maps[0].segments)
    guard.check()
