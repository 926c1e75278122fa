"""The map, compare, ranking, pools and platforms pages in headless Chromium, network off, zh and en.

Each page is opened with a Chinese and an English browser locale (Accept-Language); the
pages are bilingual, Chinese first, in both. Screenshots land in test-artifacts/screenshots/
as page-<name>-<lang>.png. The map must draw from this server's files only (ECharts and its
China maps are vendored), so the guard fails the test on any request leaving localhost.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from harness import Guard, screenshot, serve

from chainkg.api.main import create_app
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.settings import Settings

pytestmark = pytest.mark.browser

LOCALES = {"zh": "zh-CN", "en": "en-US"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from chainkg.ingest.demo import load_demo

    folder = tmp_path_factory.mktemp("site-new")
    store = LadybugStore(folder / f"g-{uuid.uuid4().hex}.lbug")
    store.ensure_schema()
    load_demo(store)
    try:
        with serve(create_app(Settings(_env_file=None, data_dir=folder), store=store)) as url:  # type: ignore[call-arg]
            yield url
    finally:
        store.close()


@pytest.fixture(params=sorted(LOCALES))
def lang_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[Any, Guard, str]]:
    lang = request.param
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale=LOCALES[lang])
    pg = context.new_page()
    guard = Guard()
    guard.attach(pg)
    try:
        yield pg, guard, lang
    finally:
        context.close()


def test_map_draws_offline(lang_page: tuple[Any, Guard, str], site: str) -> None:
    pg, guard, lang = lang_page
    pg.goto(site + "/ui/map?base=sz-led")
    pg.wait_for_function("window.chainkgMapReady >= 1", timeout=20_000)
    assert "广东省" in pg.locator("#places").inner_text()
    assert pg.locator("#map canvas").count() >= 1
    assert any(u.endswith("/static/echarts/map/china.json") for u in guard.requests)
    screenshot(pg, f"page-map-{lang}")
    # A click on Guangdong's region (or the link of the province) opens its city map.
    pg.goto(site + "/ui/map?base=sz-led&province=广东省")
    pg.wait_for_function("window.chainkgMapReady >= 1", timeout=20_000)
    pg.wait_for_function("document.getElementById('map-level').textContent.indexOf('广东省') >= 0", timeout=20_000)
    assert any(u.endswith("/static/echarts/map/province/guangdong.json") for u in guard.requests)
    screenshot(pg, f"page-map-province-{lang}")
    guard.check()


def test_map_of_a_segments_makers(lang_page: tuple[Any, Guard, str], site: str) -> None:
    pg, guard, lang = lang_page
    pg.goto(site + "/ui/map?base=sz-led&segment=led/chip")
    pg.wait_for_function("window.chainkgMapReady >= 1", timeout=20_000)
    assert "LED芯片 生产企业" in pg.locator("#map-title").inner_text()
    # the chip makers of the demo are in Hubei, Fujian and Guangdong (华灿光电, 乾照光电, 国星光电)
    table = pg.locator("#places").inner_text()
    assert "湖北省" in table and "福建省" in table and "广东省" in table
    assert pg.locator("#map canvas").count() >= 1
    screenshot(pg, f"page-map-segment-{lang}")
    guard.check()


def test_compare_picked_on_home(lang_page: tuple[Any, Guard, str], site: str) -> None:
    pg, guard, lang = lang_page
    pg.goto(site + "/")
    boxes = pg.locator("input.pick")
    assert boxes.count() >= 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    pg.click("#pick-submit")
    pg.wait_for_url("**/ui/compare?bases=*")
    assert pg.locator("#compare-indicators thead th").count() == 3
    assert pg.locator("#compare-coverage tbody tr").count() == 3
    screenshot(pg, f"page-compare-{lang}")
    guard.check()


@pytest.mark.parametrize(
    "path,table",
    [("/ui/ranking", "#ranking"), ("/ui/pools", "#pools"), ("/ui/platforms", "#platforms"), ("/", "#bases")],
)
def test_list_pages(lang_page: tuple[Any, Guard, str], site: str, path: str, table: str) -> None:
    pg, guard, lang = lang_page
    resp = pg.goto(site + path)
    assert resp is not None and resp.status == 200
    assert pg.locator(f"{table} tbody tr").count() >= 1
    text = pg.inner_text("main")
    # Each table says whether it shows all or part, in the page's language.
    if lang == "zh":
        assert "共" in text or "显示第" in text
    else:
        assert "All " in text or "Showing " in text
    for img in pg.locator("img").all():
        img.scroll_into_view_if_needed()
    pg.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)", timeout=30_000)
    name = path.strip("/").replace("ui/", "") or "home"
    screenshot(pg, f"page-{name}-{lang}")
    guard.check()


def test_policy_page_year_picked(lang_page: tuple[Any, Guard, str], site: str) -> None:
    """The §2 targets and policy objects: reached from the base page, another year picked in the form."""
    pg, guard, lang = lang_page
    pg.goto(site + "/ui/bases/sz-led")
    pg.click("#policy-link a")
    pg.wait_for_url("**/ui/policy?base=sz-led")
    assert pg.locator("#targets-table tr[data-code]").count() == 3
    assert pg.locator("#policy-year").input_value() == "2021"  # the demo's latest year with figures
    pg.select_option("#policy-year", "2016")
    pg.click("#policy-form button")
    pg.wait_for_url("**year=2016**")
    status = pg.locator("#target-2a .t-status").inner_text()
    assert status == {"zh": "未达标", "en": "not met"}[lang], status
    assert pg.locator("#table-key-enterprises tbody tr").count() >= 1
    full = screenshot(pg, f"page-policy-{lang}")
    pg.locator("#targets-section").screenshot(path=str(full.with_name(f"page-policy-targets-{lang}.png")))
    guard.check()
