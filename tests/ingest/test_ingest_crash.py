"""A load killed half-way (a real process, SIGKILL) and run again gives exactly the graph of a clean load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from ingesttools import canonical_dump, write_csv

from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.pipeline import ingest_paths

N_ENTERPRISES = 300
N_PRODUCTS = 3_000
BATCH = 100  # 3 + 30 + 30 + 30 write batches, one transaction each

CHILD = textwrap.dedent(
    """
    import os, sys
    from chainkg.ingest.pipeline import ingest_paths

    backend, target, folder, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if backend == "ladybug":
        from chainkg.graph.store.ladybug_store import LadybugStore
        store = LadybugStore(target)
    else:
        from chainkg.graph.store.neo4j_store import Neo4jStore
        store = Neo4jStore(target, os.environ.get("CHAINKG_TEST_NEO4J_USER", "neo4j"),
                           os.environ.get("CHAINKG_TEST_NEO4J_PASSWORD", ""))
    store.ensure_schema()

    def announce(write):
        def wrapped(*args, **kwargs):
            result = write(*args, **kwargs)
            print("committed", flush=True)  # after the batch's transaction
            return result
        return wrapped

    store._create_nodes = announce(store._create_nodes)
    store._create_rels = announce(store._create_rels)
    ingest_paths(store, [folder], batch_size=batch)
    print("finished", flush=True)
    """
)


def make_data(folder: Path) -> Path:
    write_csv(
        folder / "enterprise.csv",
        ["key", "name", "employees", "high_tech"],
        [[f"E{i:05d}", f"企业{i}", i * 3, "是" if i % 2 else "否"] for i in range(N_ENTERPRISES)],
    )
    write_csv(folder / "product.csv", ["name", "name_en"], [[f"产品{i}", f"product {i}"] for i in range(N_PRODUCTS)])
    write_csv(
        folder / "makes.csv",
        ["src", "dst", "share"],
        [[f"E{i % N_ENTERPRISES:05d}", f"产品{i}", round((i % 97) / 97, 4)] for i in range(N_PRODUCTS)],
    )
    write_csv(folder / "input_to.csv", ["src", "dst"], [[f"产品{i}", f"产品{i + 1}"] for i in range(N_PRODUCTS - 1)])
    return folder


def run_and_kill(backend: str, target: str, folder: Path, after: int) -> int:
    """Start a load in a child process and SIGKILL it once ``after`` batches are committed."""
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, backend, target, str(folder), str(BATCH)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    committed = 0
    try:
        for line in proc.stdout:
            if line.strip() == "finished":
                break
            committed += line.strip() == "committed"
            if committed >= after:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=120)
    err = proc.stderr.read() if proc.stderr else ""
    assert proc.returncode == -signal.SIGKILL, f"the load ended before it was killed (rc {proc.returncode}): {err}"
    return committed


@pytest.mark.fault
@pytest.mark.slow
@pytest.mark.parametrize("after", [12, 50], ids=["mid-nodes", "mid-relationships"])
def test_killed_load_rerun_equals_clean_load(store: GraphStore, tmp_path: Path, after: int) -> None:
    data = make_data(tmp_path / "data")
    if store.backend == "ladybug":
        store.close()  # the child needs the database file to itself
        target = str(tmp_path / f"killed-{uuid.uuid4().hex}.lbug")
        run_and_kill("ladybug", target, data, after)
        killed: GraphStore = LadybugStore(target)
    else:
        run_and_kill("neo4j", os.environ["CHAINKG_TEST_NEO4J_URI"], data, after)
        killed = store
    partial = killed.counts()
    written = partial["Enterprise"] + partial["Product"] + partial["MAKES"] + partial["INPUT_TO"]
    assert 0 < written < N_ENTERPRISES + 3 * N_PRODUCTS - 1, partial
    report = ingest_paths(killed, [data])
    assert report.ok and report.check_balanced() == []
    assert report.totals().created == N_ENTERPRISES + 3 * N_PRODUCTS - 1 - written
    after_rerun = canonical_dump(killed)

    if store.backend == "ladybug":
        killed.close()
        clean: GraphStore = LadybugStore(tmp_path / f"clean-{uuid.uuid4().hex}.lbug")
        clean.ensure_schema()
    else:
        clean = store
        clean.clear()
    try:
        ingest_paths(clean, [data])
        assert canonical_dump(clean) == after_rerun
    finally:
        if clean is not store:
            clean.close()
