"""``chainkg serve``: options, and a real server on a fresh data folder with the demo loaded."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.cli import app

runner = CliRunner()


def test_help_names_the_options() -> None:
    r = runner.invoke(app, ["serve", "--help"])
    assert r.exit_code == 0
    for opt in ("--host", "--port", "--store", "--load-demo", "--cache-ttl"):
        assert opt in r.output


def test_unknown_store_is_refused() -> None:
    r = runner.invoke(app, ["serve", "--store", "mongo"])
    assert r.exit_code == 4
    assert "ladybug, neo4j" in r.output


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.slow
def test_serve_on_a_fresh_folder_with_the_demo(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINKG_")}
    env["CHAINKG_DATA_DIR"] = str(tmp_path / "fresh")
    cmd = [sys.executable, "-c", "from chainkg.cli import app; app()", "serve", "--port", str(port), "--load-demo"]
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                if _get(f"{base}/ready")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "chainkg serve was not ready within 90 s"
            time.sleep(0.3)
        assert _get(f"{base}/health")[0] == 200
        status, body = _get(f"{base}/docs")
        assert status == 200 and b"swagger" in body.lower()
        status, body = _get(f"{base}/bases")
        bases = json.loads(body)["items"]
        assert status == 200 and bases
        status, body = _get(f"{base}/analytics/gaps?base={bases[0]['key']}")
        assert status == 200 and json.loads(body)
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert b"Traceback" not in out, out.decode()[-2000:]
