"""A circuit breaker in front of a networked store, so an outage costs callers at most ~2 s.

The Neo4j driver retries a failed transaction once (after about a second), so a Neo4j that
accepts connections but never answers holds a request for about five seconds. The guard
avoids that: before a request uses the store, and at most every ``probe_every_s``, it pings
the store in a worker thread and waits at most ``deadline_s``. A ping that fails or does
not answer in time opens the breaker: for ``cooldown_s`` every request is answered 503 at
once, then the next request probes again. Any ``StoreUnavailableError`` seen by a route
opens it too. The embedded store needs no guard (nothing to reach over a network).
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from chainkg.errors import StoreUnavailableError
from chainkg.graph.store import GraphStore

log = logging.getLogger("chainkg.api")


class StoreGuard:
    """Fast 503s while the store is down; a bounded wait to find out that it is."""

    def __init__(
        self,
        store: GraphStore,
        *,
        deadline_s: float = 1.8,
        probe_every_s: float = 5.0,
        cooldown_s: float = 2.0,
    ) -> None:
        self.store = store
        self.deadline_s = deadline_s
        self.probe_every_s = probe_every_s
        self.cooldown_s = cooldown_s
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chainkg-store-probe")
        self._probe: Future[None] | None = None
        self._last_ok = float("-inf")
        self._down_until = float("-inf")
        self._reason = ""

    def check(self) -> None:
        """Return when the store answered recently; raise ``StoreUnavailableError`` otherwise."""
        now = time.monotonic()
        if now < self._down_until:
            raise StoreUnavailableError(self._reason)
        if now - self._last_ok < self.probe_every_s:
            return
        with self._lock:  # one probe at a time; concurrent requests wait for the same one
            if self._probe is None or self._probe.done():
                self._probe = self._pool.submit(self.store.ping)
            probe = self._probe
        try:
            probe.result(timeout=self.deadline_s)
        except FutureTimeout:
            self.trip(
                f"The graph store did not answer within {self.deadline_s:g} s. Check that Neo4j is running "
                "and reachable (CHAINKG_NEO4J_URI); this server retries by itself."
            )
            raise StoreUnavailableError(self._reason) from None
        except StoreUnavailableError as exc:
            self.trip(str(exc))
            raise
        self._last_ok = time.monotonic()

    def trip(self, reason: str) -> None:
        """Open the breaker for ``cooldown_s`` with ``reason`` as the 503 message.

        A breaker already open stays as it is: the 503s it answers must not keep it open.
        """
        now = time.monotonic()
        if now < self._down_until:
            return
        log.warning("store unavailable, answering 503 for %.1f s: %s", self.cooldown_s, reason)
        self._reason = reason
        self._down_until = now + self.cooldown_s
        self._last_ok = float("-inf")

    def close(self) -> None:
        """Stop the probe thread (a probe still running is left to finish on its own)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
