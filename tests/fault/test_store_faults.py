"""Store faults: a locked embedded store and an unreachable Neo4j give clear errors quickly."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from chainkg.errors import StoreUnavailableError
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.graph.store.neo4j_store import Neo4jStore

pytestmark = pytest.mark.fault


def test_locked_embedded_store_is_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    path = tmp_path / "g.lbug"
    LadybugStore(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from chainkg.graph.store.ladybug_store import LadybugStore
                s = LadybugStore({str(path)!r})
                print("holding", flush=True)
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError, match="in use by another chainkg process"):
            LadybugStore(path)
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
    LadybugStore(path).close()  # released once the holder is gone


def test_unreachable_neo4j_fails_fast_with_a_clear_message() -> None:
    store = Neo4jStore("bolt://127.0.0.1:1", "neo4j", "x")
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError, match="not reachable"):
        store.ping()
    assert time.monotonic() - started < 3
    store.close()
