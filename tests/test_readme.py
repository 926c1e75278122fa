"""The README works as written: its commands run in a fresh clone, in a fresh virtual environment.

The slow test copies the tracked files (what a clone holds), then runs every command of the
README's ``bash`` blocks in order with tests/readme_driver.py, with the network off: inside a
network namespace of its own (loopback only), pip installs from a local copy of the package
index's files (a wheel folder filled once from the index and reused: CHAINKG_TEST_WHEELHOUSE,
default ~/.cache/chainkg-test-wheels). ``console`` blocks (Docker, a Neo4j server) are not run
here: tests/test_compose.py and the Neo4j leg of the suite cover them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from storetools import SHARED_DATA

ROOT = Path(__file__).resolve().parent.parent
WHEELHOUSE = Path(os.environ.get("CHAINKG_TEST_WHEELHOUSE", Path.home() / ".cache" / "chainkg-test-wheels"))


def readme_blocks(kind: str = "bash") -> list[list[str]]:
    """The command lines of each ``kind`` block, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [
        [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]
        for block in re.findall(rf"```{kind}\n(.*?)```", text, re.S)
    ]


def readme_commands() -> list[str]:
    return readme_blocks()[0]


def test_readme_opens_with_two_commands() -> None:
    first, second = readme_commands()
    assert first.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install -e . &&"), first
    assert first.endswith("chainkg demo")
    assert second == "bash scripts/test.sh"
    assert (ROOT / "scripts" / "test.sh").exists()
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_documents_public_keys_neo4j_and_docker() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "chainkg gaps city:深圳市" in text and "CHAINKG_DATA_DIR=chainkg-public chainkg ingest-ckg" in text
    for var in ("CHAINKG_STORE", "CHAINKG_NEO4J_URI", "CHAINKG_NEO4J_USER", "CHAINKG_NEO4J_PASSWORD"):
        assert f"{var}=" in text, var
    not_run = readme_blocks("console")
    # Not run in the fresh clone: Docker, a Neo4j server, and the test suite's fast loop (needs the dev extras).
    shown_only = ("docker", "neo4j", "python -m pytest")
    assert not_run and all(any(w in "".join(b) for w in shown_only) for b in not_run)
    assert "docker compose up" in text


def newcomer_lines() -> list[str]:
    """The README's commands in order: the first line (the test suite is the second), then every bash block."""
    blocks = readme_blocks()
    return [blocks[0][0], *(line for block in blocks[1:] for line in block)]


def _fill_wheelhouse() -> None:
    """Download every wheel the install needs, once, from the package index (the only network use)."""
    lock = (ROOT / "requirements.lock").read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    stamp = WHEELHOUSE / f"stamp-{hashlib.sha256(lock).hexdigest()[:16]}"
    if stamp.exists():
        return
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "-q", "-d", str(WHEELHOUSE), "-c", str(ROOT / "requirements.lock")]
    for args in ([str(ROOT)], ["setuptools>=69", "wheel", "pip"]):
        proc = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            pytest.skip(f"could not fill the wheel folder from the package index: {proc.stderr[-500:]}")
    stamp.touch()


def _fresh_clone(dest: Path) -> Path:
    """The tracked files of this working tree (what a clone holds, with uncommitted edits)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def _network_off() -> list[str]:
    """A command prefix running in a network namespace with only the loopback up (root only)."""
    probe = subprocess.run(["unshare", "-n", "ip", "link", "set", "lo", "up"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot make a network namespace here (unshare -n needs root)")
    return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]


@pytest.mark.slow
def test_readme_commands_run_in_a_fresh_clone(tmp_path: Path) -> None:
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout to clone")
    _fill_wheelhouse()
    clone = _fresh_clone(tmp_path / "chainkg")
    lines = newcomer_lines()
    if (SHARED_DATA / "company.json").exists():
        # The README's path to the public data, relative to the clone, as on the development machines.
        (tmp_path / "shared" / "data").mkdir(parents=True)
        (tmp_path / "shared" / "data" / "chainkg").symlink_to(SHARED_DATA)
    else:
        lines = [x for x in lines if "chainkg-public" not in x]
    drop = ("PYTHONPATH", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHAINKG_", "PIP_")) and k not in drop}
    env |= {
        "PIP_NO_INDEX": "1",  # the package index is the local wheel folder: the network is off
        "PIP_FIND_LINKS": str(WHEELHOUSE),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "COLUMNS": "200",
    }
    proc = subprocess.run(
        [*_network_off(), sys.executable, str(ROOT / "tests" / "readme_driver.py")],
        input=json.dumps(lines),
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    results = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
    failed = [r for r in results if r["rc"] != 0]
    ran = [r["line"] for r in results]
    assert not failed, "\n\n".join(f"{r['line']} -> exit {r['rc']}\n{r['out']}" for r in failed) + proc.stderr[-2000:]
    assert len(results) == len(lines), (ran, proc.stderr[-3000:])
    first = results[0]
    assert first["served"], first["out"]
    gaps = next(r for r in results if "analytics/gaps" in r["line"])["out"]
    base = next(r for r in results if "/bases/sz-led" in r["line"])["out"]
    assert '"needed_by"' in gaps and "sz-led" in base, "the served demo answers the README's curls"
    assert (clone / ".venv" / "bin" / "chainkg").exists() and (clone / "chainkg-data" / "graph.lbug").exists()
    if any("chainkg-public" in x for x in lines):
        assert (clone / "chainkg-public" / "graph.lbug").exists(), "the public data has its own folder"
    print("\n".join(f"{r['s']:>6} s  {r['line']}" for r in results))
