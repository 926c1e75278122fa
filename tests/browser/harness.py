"""Headless Chromium for the browser tests: network off, every request and console error watched.

Chromium is Debian's (``apt-get install chromium``), driven by Python Playwright without its
downloaded browsers. Name resolution is switched off for every host but the loopback, and
each page's requests pass through a guard that records (and blocks) anything that would
leave localhost, so a test fails on any attempt to reach the internet.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


def free_port() -> int:
    """A free TCP port on the loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free loopback port in a thread; yield its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
