"""The embedded store held by another process: every entry point says so plainly and quickly.

tests/fault/test_store_faults.py checks the store class; here the same lock meets the real
``chainkg`` commands (separate processes, as a planner runs them) and the API's start-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from faulttools import free_port

from chainkg.api.main import create_app
from chainkg.errors import StoreUnavailableError
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.settings import Settings

pytestmark = pytest.mark.fault

CLI = [sys.executable, "-c", "from chainkg.cli import app; app()"]
LOCKED = "in use by another chainkg process"


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """A data folder whose store another process holds open (as a running 'chainkg serve' does)."""
    data_dir = tmp_path / "data"
    LadybugStore(data_dir / "graph.lbug").close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import time
                from chainkg.graph.store.ladybug_store import LadybugStore
                s = LadybugStore({str(data_dir / "graph.lbug")!r})
                print("holding", flush=True)
                time.sleep(120)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        yield data_dir
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    "args",
    [["status"], ["ingest", "{folder}"], ["serve", "--port", "{port}"]],
    ids=["status", "ingest", "serve"],
)
def test_commands_say_the_store_is_in_use_and_exit(held: Path, tmp_path: Path, args: list[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "product.csv").write_text("name\n芯片\n", encoding="utf-8")
    argv = [a.format(folder=folder, port=free_port()) for a in args]
    env = dict(os.environ, CHAINKG_DATA_DIR=str(held), CHAINKG_STORE="ladybug", COLUMNS="200")
    t0 = time.monotonic()
    proc = subprocess.run([*CLI, *argv], capture_output=True, text=True, env=env, timeout=60)
    took = time.monotonic() - t0
    out = " ".join((proc.stdout + proc.stderr).split())
    assert proc.returncode == 5, out  # StoreUnavailableError's exit code
    assert LOCKED in out and "Stop that process" in out
    assert "Traceback" not in out
    assert took < 30, f"took {took:.1f} s"  # start-up of a Python process on a busy machine, not a wait


def test_api_start_fails_with_the_clear_error(held: Path) -> None:
    settings = Settings(_env_file=None, store="ladybug", data_dir=held)  # type: ignore[call-arg]
    t0 = time.monotonic()
    with pytest.raises(StoreUnavailableError, match=LOCKED), TestClient(create_app(settings)):
        pass
    assert time.monotonic() - t0 < 5
