"""``chainkg ingest`` killed with SIGKILL at random points, then run again, equals a clean load.

The load runs as the real CLI in a child process. The child counts its committed write
batches (the store's write methods are wrapped; nothing else changes) and, after the k-th,
a timer sends it SIGKILL d milliseconds later, k and d drawn from a seed. The load runs on
meanwhile, so the kill lands between batches or inside one, wherever the machine happens
to be. Odd seeds kill the re-run too. The graph after the last, complete run must equal,
by a canonical dump of every key and property (without ``loaded_at``), the graph of one
uninterrupted load. ``FAULT_SEEDS=1,2,3,...`` runs other seeds (twelve more passed when this
was written).
"""

from __future__ import annotations

import math
import os
import random
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from faulttools import dump_size, varied_data
from ingesttools import Dump, canonical_dump

from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.pipeline import ingest_paths

pytestmark = [pytest.mark.fault, pytest.mark.slow]

BATCH = 50
SEEDS = [int(s) for s in os.environ.get("FAULT_SEEDS", "11,24,37").split(",")]

CHILD = textwrap.dedent(
    """
    import os, signal, sys, threading
    from chainkg.graph.store.ladybug_store import LadybugStore
    from chainkg.graph.store.neo4j_store import Neo4jStore

    after = int(os.environ.get("FAULT_KILL_AFTER", "0"))
    delay = float(os.environ.get("FAULT_KILL_DELAY_S", "0"))
    commits = 0

    def announce(write):
        def wrapped(*args, **kwargs):
            global commits
            result = write(*args, **kwargs)
            commits += 1  # the batch's transaction has returned
            if commits == after:
                # SIGKILL from a timer: the load goes on meanwhile, so the kill lands wherever it is.
                threading.Timer(delay, os.kill, (os.getpid(), signal.SIGKILL)).start()
            return result
        return wrapped

    for cls in (LadybugStore, Neo4jStore):
        for name in ("_create_nodes", "_create_rels", "_update_nodes", "_update_rels"):
            setattr(cls, name, announce(getattr(cls, name)))

    from chainkg.cli import app
    app(sys.argv[1:])
    """
)


def child_env(backend: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ, CHAINKG_DATA_DIR=str(data_dir), CHAINKG_STORE=backend, COLUMNS="160")
    if backend == "neo4j":
        env["CHAINKG_NEO4J_URI"] = os.environ["CHAINKG_TEST_NEO4J_URI"]
        env["CHAINKG_NEO4J_USER"] = os.environ.get("CHAINKG_TEST_NEO4J_USER", "neo4j")
        env["CHAINKG_NEO4J_PASSWORD"] = os.environ.get("CHAINKG_TEST_NEO4J_PASSWORD", "")
    return env


def run_cli(backend: str, data_dir: Path, folder: Path, *, kill_after: int | None, delay_s: float = 0.0) -> None:
    """Run ``chainkg ingest``; with ``kill_after``, it is SIGKILLed ``delay_s`` after that many commits."""
    env = child_env(backend, data_dir)
    if kill_after is not None:
        env |= {"FAULT_KILL_AFTER": str(kill_after), "FAULT_KILL_DELAY_S": f"{delay_s:.4f}"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, "ingest", str(folder), "--batch-size", str(BATCH), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if kill_after is None:
        assert proc.returncode == 0, f"the load failed (rc {proc.returncode}): {proc.stderr[-3000:]}"
        assert "Traceback" not in proc.stderr
    else:
        assert proc.returncode == -signal.SIGKILL, f"the load ended before the kill (rc {proc.returncode})"


def open_dump(backend: str, data_dir: Path, store: GraphStore) -> Dump:
    if backend == "neo4j":
        return canonical_dump(store)
    s = LadybugStore(data_dir / "graph.lbug")
    try:
        return canonical_dump(s)
    finally:
        s.close()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return varied_data(tmp_path_factory.mktemp("killed-load") / "data")


_clean: dict[str, tuple[Dump, int]] = {}


def clean_load(backend: str, store: GraphStore, data: Path, tmp: Path) -> tuple[Dump, int]:
    """The dump of one uninterrupted load and its number of write batches (once per backend).

    Loaded in this process through the same ``ingest_paths`` the CLI calls (a child process
    more would only add its start-up time).
    """
    if backend not in _clean:
        target: GraphStore = store if backend == "neo4j" else LadybugStore(tmp / f"clean-{uuid.uuid4().hex}.lbug")
        try:
            if backend == "neo4j":
                store.clear()
            else:
                target.ensure_schema()
            report = ingest_paths(target, [data], batch_size=BATCH)
            assert report.ok, report.rejections[:3]
            batches = sum(math.ceil(s.loaded / BATCH) for s in report.types)  # a transaction per batch
            _clean[backend] = (canonical_dump(target), batches)
        finally:
            if target is not store:
                target.close()
    return _clean[backend]


@pytest.mark.parametrize("seed", SEEDS)
def test_killed_load_rerun_equals_clean_load(store: GraphStore, data: Path, tmp_path: Path, seed: int) -> None:
    backend = store.backend
    if backend == "ladybug":
        store.close()  # the child needs a database file of its own; the fixture's one is unused
    clean, batches = clean_load(backend, store, data, tmp_path)
    assert batches > 40 and dump_size(clean) > 2000
    if backend == "neo4j":
        store.clear()
    rng = random.Random(seed)
    data_dir = tmp_path / "killed"
    # Odd seeds kill the re-run as well. The first kill stops short of the end, so it interrupts
    # the load. The re-run writes only what is missing, in batches whose number is not known in
    # advance, so its kill may land after its last write (while it reports): then all is there.
    total = dump_size(clean)
    left, before = batches // (1 + seed % 2), 0
    for attempt in range(1 + seed % 2):
        after = rng.randint(1, max(1, left - 10))  # 10 batches short of the end: room for the delay
        run_cli(backend, data_dir, data, kill_after=after, delay_s=rng.uniform(0, 0.05))
        partial = dump_size(open_dump(backend, data_dir, store))
        assert before <= partial <= total, f"seed {seed}: after kill {attempt + 1}, {partial} of {total} rows"
        if attempt == 0:
            assert partial < total, f"seed {seed}: the first kill left all {total} rows; it did not interrupt"
        left, before = max(1, (total - partial) // BATCH), partial
    run_cli(backend, data_dir, data, kill_after=None)
    assert open_dump(backend, data_dir, store) == clean
