"""The console script's entry (chainkg.cli.program): a short command ends without the interpreter's
teardown, yet prints, exits and runs its ``atexit`` functions exactly as ``app()`` does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chainkg.cli.program import exit_status

ROOT = Path(__file__).resolve().parents[2]

# An object whose finaliser prints: the interpreter's teardown runs it, an ended process does not.
PROBE = """
import atexit, os, sys
class Torn:
    def __del__(self, write=os.write):  # bound now: at teardown the modules' names are gone
        write(2, b"TORN DOWN\\n")
keep = Torn()
atexit.register(lambda: sys.stderr.write("ATEXIT RAN\\n"))
sys.argv = ["chainkg", *sys.argv[2:]]
"""


def _run(entry: str, args: list[str], data: Path) -> subprocess.CompletedProcess[str]:
    call = "from chainkg.cli.program import main as run" if entry == "program" else "from chainkg.cli import app as run"
    call += "; run()"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINKG_")}
    env |= {"CHAINKG_DATA_DIR": str(data), "PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-c", PROBE + call, entry, *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def data(demo_data_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo_data_dir, copy)  # the gaps command keeps its answer in the data dir
    return copy


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["gaps", "sz-led", "--level", "product"], 0),  # a long table (flushed whole before the process ends)
        (["gaps", "no-such-base"], 3),  # not found
        (["gaps"], 2),  # a usage error
        (["--lang", "en", "gaps", "sz-led", "--limit", "3"], 0),
    ],
)
def test_a_short_command_ends_as_app_does_but_without_teardown(args: list[str], code: int, data: Path) -> None:
    slow = _run("app", args, data)
    fast = _run("program", args, data)
    assert slow.returncode == fast.returncode == code, (slow.stderr, fast.stderr)
    assert fast.stdout == slow.stdout and fast.stderr.replace("TORN DOWN\n", "") == slow.stderr.replace(
        "TORN DOWN\n", ""
    )
    if code == 0:
        assert len(fast.stdout) > 200, fast.stdout
    assert "ATEXIT RAN" in fast.stderr  # the atexit functions ran,
    assert "TORN DOWN" in slow.stderr and "TORN DOWN" not in fast.stderr  # the teardown did not


def test_the_root_help_ends_normally(data: Path) -> None:
    """No command resolved: nothing to spare, the process ends as Python ends it."""
    done = _run("program", ["--help"], data)
    assert done.returncode == 0 and "TORN DOWN" in done.stderr and "chainkg" in done.stdout


def test_python_dash_m_runs_the_program(data: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINKG_")}
    env |= {"CHAINKG_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "chainkg", "gaps", "no-such-base"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 3 and "no-such-base" in done.stderr


def test_exit_status_is_pythons() -> None:
    assert [exit_status(c) for c in (None, 0, 1, 2, 256 + 3, -1)] == [0, 0, 1, 2, 3, 255]
    assert exit_status("a message") == 1
