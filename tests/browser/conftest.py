"""Browser fixtures: one headless Chromium per session, a fresh watched page per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from harness import CHROMIUM_ARGS, Guard, chromium_path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright; skips with a reason when either is missing."""
    exe = chromium_path()
    if exe is None:
        pytest.skip("browser tests need Debian's chromium: apt-get install -y chromium (CI installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need Python Playwright: pip install playwright (no 'playwright install' needed)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Guard]]:
    """A new page (1400×900) with a :class:`harness.Guard` attached; the guard is checked after the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    guard = Guard()
    guard.attach(pg)
    try:
        yield pg, guard
    finally:
        context.close()
