"""Headless Chromium for the browser tests: network off, every request and console error watched.

Chromium is Debian's (``apt-get install chromium``), driven by Python Playwright without its
downloaded browsers. Name resolution is switched off for every host but the loopback, and
each page's requests pass through a guard that records (and blocks) anything that would
leave localhost, so a test fails on any attempt to reach the internet.
"""

from __future__ import annotations

import os
import shutil
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Network off: no name resolves except the loopback, so nothing can leave this machine.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
LOCAL_SCHEMES = frozenset({"file", "data", "blob", "about"})


def chromium_path() -> str | None:
    """Debian's chromium (or ``CHAINKG_CHROMIUM``), or None when not installed."""
    explicit = os.environ.get("CHAINKG_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Guard:
    """What a page tried to do that a test forbids: leave localhost, or log an error."""

    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        """Watch ``page``: route every request through the localhost check, collect errors."""

        def route(r: Any) -> None:
            url = r.request.url
            self.requests.append(url)
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS:
                r.continue_()
            else:
                self.external.append(url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def check(self) -> None:
        """Fail when the page reached outside localhost or logged an error."""
        assert not self.external, f"requests leaving localhost: {self.external}"
        assert not self.errors, f"browser errors: {self.errors}"


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_ready(page: Any, timeout_ms: int = 15_000) -> float:
    """Wait until a view has drawn once; the milliseconds since navigation start."""
    page.wait_for_function("window.chainkgReady !== undefined", timeout=timeout_ms)
    return float(page.evaluate("window.chainkgReady"))


def serve(app: Any) -> AbstractContextManager[str]:
    """Run ``app`` with uvicorn on a free loopback port in a thread; yields its base URL.

    :func:`servertools.live_server` with this harness's timings (30 s to start, polled every
    50 ms; 10 s to stop). Imported here, not at the top: bench/views.py imports this module
    with only tests/browser on the path.
    """
    from servertools import live_server

    return live_server(app, start_timeout=30, stop_timeout=10, poll=0.05)
