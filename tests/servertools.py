"""A live uvicorn server for tests that need real HTTP (``from servertools import ...``).

A module of its own beside storetools.py, because ``from conftest import`` is ambiguous once
several test folders have a conftest.py.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any


def free_port() -> int:
    """A free TCP port on the loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def live_server(app: Any, start_timeout: float = 30, stop_timeout: float = 15, poll: float = 0.02) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port in a thread; yields the base URL.

    Waits up to ``start_timeout`` seconds for the server to start (checking every ``poll``
    seconds), and up to ``stop_timeout`` seconds for its thread to end afterwards.
    """
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(poll)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=stop_timeout)


def http_get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    """Status and body of a GET, HTTP errors included (a 404 is an answer, not an exception)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class ServeRun:
    """A running ``chainkg serve``: its base URL, and its output once it has stopped."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.output = b""


@contextlib.contextmanager
def chainkg_serve(
    args: list[str], data_dir: Any, cwd: Any, *, env: dict[str, str] | None = None, ready_s: float = 90
) -> Iterator[ServeRun]:
    """``chainkg serve --port <free> *args`` in a subprocess on ``data_dir`` (no other CHAINKG_ setting
    but ``env``), ready when /ready answers 200 (within ``ready_s``); stopped on exit."""
    import os
    import subprocess
    import sys

    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINKG_")}
    full_env.update(env or {}, CHAINKG_DATA_DIR=str(data_dir))
    cmd = [sys.executable, "-c", "from chainkg.cli import app; app()", "serve", "--port", str(port), *args]
    proc = subprocess.Popen(cmd, env=full_env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    run = ServeRun(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + ready_s
        while True:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                if http_get(f"{run.base}/ready")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"chainkg serve was not ready within {ready_s:g} s"
            time.sleep(0.3)
        yield run
    finally:
        proc.terminate()
        try:
            run.output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            run.output, _ = proc.communicate()
