"""The pages served by `chainkg serve`, on the bundled demo data, in headless Chromium with the network off.

Each page must load only this server's files, log no error, show the names stored in the
graph, and lead where its links say; screenshots land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from harness import Guard, screenshot, serve, wait_ready

from chainkg.api.main import create_app
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.queries.resources import list_nodes
from chainkg.settings import Settings

pytestmark = pytest.mark.browser


def _seed(store: LadybugStore) -> None:
    try:
        from chainkg.ingest.demo import load_demo
    except ImportError:
        pytest.skip("the bundled demo data (chainkg.ingest.demo) is not available")
    load_demo(store)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app on a LadybugDB store holding the demo data, served by uvicorn on the loopback."""
    folder = tmp_path_factory.mktemp("site")
    store = LadybugStore(folder / f"g-{uuid.uuid4().hex}.lbug")
    store.ensure_schema()
    _seed(store)
    facts = {
        "bases": list_nodes(store, "Base", limit=500).items,
        "alliances": list_nodes(store, "Alliance", limit=500).items,
        "pools": list_nodes(store, "PatentPool", limit=500).items,
        "enterprises": list_nodes(store, "Enterprise", limit=50).items,
    }
    app = create_app(Settings(data_dir=folder), store=store)
    try:
        with serve(app) as url:
            yield {"url": url, **facts}
    finally:
        store.close()


def _iframe_ready(pg: Any, selector: str) -> None:
    frame = pg.frame_locator(selector)
    frame.locator("body[data-ready='1']").wait_for(timeout=20_000)


def test_home_lists_bases_with_charts(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    pg, guard = page
    pg.goto(site["url"] + "/")
    table = pg.locator("#bases").inner_text()
    assert site["bases"]
    for b in site["bases"]:
        assert b["name"] in table
    for img in ("#chart-indicators", "#chart-completeness"):
        pg.wait_for_function(f"document.querySelector('{img}').complete")
        assert pg.evaluate(f"document.querySelector('{img}').naturalWidth") > 0
    screenshot(pg, "page-home")
    guard.check()


def test_click_from_base_list_reaches_base_page(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    pg, guard = page
    pg.goto(site["url"] + "/")
    first = pg.locator("a.base-link").first
    name = first.inner_text()
    first.click()
    pg.wait_for_url("**/ui/bases/**")
    assert pg.locator("#base-name").inner_text() == name
    assert pg.locator("#indicators .card").count() >= 8
    wait_ready(pg)  # the chain map (or, for a base without one, the maps to choose from)
    pg.locator("#base-chain[data-loaded='1']").wait_for(timeout=20_000)  # product-level sections, after the map
    for section in ("产业链图谱", "产品层缺口与招商候选", "公共服务平台"):  # Chinese by default, one language
        assert section in pg.inner_text("main")
    assert "Chain map" not in pg.inner_text("main")
    screenshot(pg, "page-base")
    guard.check()


EN_VALUE_WORDS = ("product", "industry", "gap", "weak", "covered", "upstream", "midstream", "downstream", "chair",
                  "member", "yes", "no")  # fmt: skip
ZH_VALUE_WORDS = ("缺口", "薄弱", "已覆盖", "上游", "中游", "下游", "理事长单位")


def test_every_page_in_both_languages(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    """Issue 15: every page in zh and en (screenshots kept); no English value word on a zh page, and back."""
    import re

    pg, guard = page
    base = quote(site["bases"][0]["key"], safe="")
    paths = {
        "home": "/",
        "base": f"/ui/bases/{base}",
        "ranking": "/ui/ranking",
        "alliances": "/ui/alliances",
        "platforms": "/ui/platforms",
        "pools": "/ui/pools",
        "map": "/ui/map",
        "search": "/ui/search?q=光电",
        "chainmap": "/ui/chainmap?base=sz-led&map=led",
    }
    if site["alliances"]:
        paths["alliance"] = f"/ui/alliances/{quote(site['alliances'][0]['key'], safe='')}"
    for name, path in paths.items():
        for lang in ("zh", "en"):
            sep = "&" if "?" in path else "?"
            resp = pg.goto(f"{site['url']}{path}{sep}lang={lang}")
            assert resp is not None and resp.status == 200, (path, lang)
            text = pg.inner_text("body")
            if lang == "zh":
                leaked = [w for w in EN_VALUE_WORDS if re.search(rf"(?<![\w/:.-]){w}(?![\w/:.-])", text)]
                assert leaked == [], (path, leaked)
                assert pg.locator("html").get_attribute("lang") == "zh-CN"
            else:
                alone = r"(?<![\u4e00-\u9fff]){}(?![\u4e00-\u9fff：])"
                leaked = [w for w in ZH_VALUE_WORDS if re.search(alone.format(w), text)]
                assert leaked == [], (path, leaked)
                assert pg.locator("html").get_attribute("lang") == "en"
            screenshot(pg, f"page-{name}-{lang}")
    # the switch link keeps the page and flips the language
    pg.goto(f"{site['url']}/ui/bases/{base}")
    pg.locator("nav a.lang").click()
    pg.wait_for_url("**lang=en**")
    assert "Chain map" in pg.inner_text("main") and "产业链图谱" not in pg.inner_text("main")
    guard.check()


@pytest.mark.slow
def test_every_base_page(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    pg, guard = page
    assert site["bases"], "the site serves bases"
    for b in site["bases"]:
        resp = pg.goto(f"{site['url']}/ui/bases/{quote(b['key'], safe='')}")
        assert resp is not None and resp.status == 200
        assert pg.locator("#base-name").inner_text() == b["name"]
        wait_ready(pg)
        pg.locator("#base-chain[data-loaded='1']").wait_for(timeout=20_000)
    guard.check()


def test_alliance_page(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    if not site["alliances"]:
        pytest.skip("no alliance in the data")
    pg, guard = page
    pg.goto(site["url"] + "/ui/alliances")
    link = pg.locator("a.alliance-link").first
    name = link.inner_text()
    link.click()
    pg.wait_for_url("**/ui/alliances/**")
    assert pg.locator("#alliance-name").inner_text() == name
    assert pg.locator("#members tbody tr").count() >= 1
    _iframe_ready(pg, "iframe.view")
    screenshot(pg, "page-alliance")
    guard.check()


def test_search_box(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    pg, guard = page
    target = next(e for e in site["enterprises"] if len(e["name"]) >= 2)
    pg.goto(site["url"] + "/")
    pg.fill("form.search input[name=q]", target["name"][:2])
    pg.press("form.search input[name=q]", "Enter")
    pg.wait_for_url("**/ui/search?q=*")
    assert target["name"] in pg.locator("#results").inner_text()
    screenshot(pg, "page-search")
    pg.locator("a.hit", has_text=target["name"]).first.click()
    wait_ready(pg)
    assert target["name"] in pg.inner_text("#view-title")
    guard.check()


def test_served_views(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    pg, guard = page
    urls = [f"/views/chain?{urlencode({'key': site['bases'][0]['key']})}"]
    urls += [f"/views/alliance?{urlencode({'key': a['key']})}" for a in site["alliances"][:1]]
    urls += [f"/views/pool?{urlencode({'key': p['key']})}" for p in site["pools"][:1]]
    urls += [f"/views/collab?{urlencode({'key': e['key']})}" for e in site["enterprises"][:1]]
    urls += [f"/views/ego?{urlencode({'label': 'Base', 'key': site['bases'][0]['key'], 'depth': 2})}"]
    for url in urls:
        pg.goto(site["url"] + url)
        wait_ready(pg)
        screenshot(pg, "served-" + url.split("?")[0].rsplit("/", 1)[-1])
    guard.check()


def test_missing_base_is_a_friendly_page(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    pg, guard = page
    resp = pg.goto(site["url"] + "/ui/bases/no-such-base")
    assert resp is not None and resp.status == 404
    assert "no-such-base" in pg.inner_text("#error-message")
    guard.errors = [e for e in guard.errors if "404" not in e]  # the browser logs the 404 status itself
    guard.check()


def test_double_click_moves_to_a_neighbour(page: tuple[Any, Guard], site: dict[str, Any]) -> None:
    pg, guard = page
    base = site["bases"][0]
    pg.goto(f"{site['url']}/views/ego?{urlencode({'label': 'Base', 'key': base['key']})}")
    wait_ready(pg)
    target = pg.evaluate(
        """() => { const n = window.chainkgNetwork;
                   const other = n.body.data.nodes.get().find(x => x.nlabel !== 'Base');
                   const xy = n.canvasToDOM(n.getPositions([other.id])[other.id]);
                   return {id: other.id, full: other.full, xy: xy}; }"""
    )
    box = pg.locator("#net").bounding_box()
    assert box
    pg.mouse.dblclick(box["x"] + target["xy"]["x"], box["y"] + target["xy"]["y"])
    pg.wait_for_url("**/views/ego?label=*")
    wait_ready(pg)
    assert target["full"] in pg.inner_text("#view-title")
    guard.check()
