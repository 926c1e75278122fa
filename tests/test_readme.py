"""The README's first command — the main job — works as written: it loads the demo and serves."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "README must open with a bash block of two commands"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_readme_opens_with_two_commands() -> None:
    first, second = readme_commands()
    assert "chainkg demo" in first
    assert second == "bash scripts/test.sh"
    assert (ROOT / "scripts" / "test.sh").exists()
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.slow
def test_readme_main_command_loads_demo_and_serves(tmp_path: Path) -> None:
    first = readme_commands()[0]
    port = free_port()
    env = os.environ | {"CHAINKG_DATA_DIR": str(tmp_path / "data"), "CHAINKG_PORT": str(port)}
    env.pop("CHAINKG_STORE", None)
    proc = subprocess.Popen(
        ["bash", "-c", first],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        body = ""
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the main command exited early:\n{proc.stdout.read() if proc.stdout else ''}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the server did not answer /health within 240 s")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/bases", timeout=10) as r:
            body = r.read().decode("utf-8")
        assert "sz-" in body, "the demo bases are served"
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
