"""Run the README's commands in a fresh clone, as a newcomer would (used by tests/test_readme.py).

Reads a JSON list of command lines on stdin, runs them in order in the current folder (the
clone) with bash, and prints one JSON result per line. Lines after the first run with the
clone's virtual environment activated, as the README says. A line that serves (``chainkg
demo`` / ``chainkg serve``) runs until /health answers; then the ``curl`` lines run against
it, and it is stopped with Ctrl-C (SIGINT). Ports in the lines are replaced by free ones.
Run it with the network off (tests/test_readme.py uses a network namespace).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

from servertools import free_port  # run as a script from tests/, so the module is beside it

SERVE = re.compile(r"\bchainkg (demo|serve)\b")


def run(line: str, env: dict[str, str], timeout: float = 900) -> dict[str, object]:
    t0 = time.monotonic()
    proc = subprocess.run(["bash", "-c", line], env=env, capture_output=True, text=True, timeout=timeout)
    return {
        "line": line,
        "rc": proc.returncode,
        "s": round(time.monotonic() - t0, 1),
        "out": (proc.stdout + proc.stderr)[-3000:],
    }


def serve(line: str, curls: list[str], env: dict[str, str]) -> list[dict[str, object]]:
    port = free_port()
    line = re.sub(r"--port \d+", f"--port {port}", line)
    env = env | {"CHAINKG_PORT": str(port)}
    t0 = time.monotonic()
    proc = subprocess.Popen(
        ["bash", "-c", line],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    results: list[dict[str, object]] = []
    up = False
    while time.monotonic() - t0 < 900 and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                up = r.status == 200
                break
        except OSError:
            time.sleep(0.5)
    if up:
        for c in curls:
            results.append(run(re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", c), env, timeout=120))
        os.killpg(proc.pid, signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    # Ctrl-C ends a serving command: a clean stop is exit 0 (130 when bash reports the signal).
    rc = 0 if up and proc.returncode in (0, 130, -2) else (proc.returncode or -1)
    took = round(time.monotonic() - t0, 1)
    results.insert(0, {"line": line, "rc": rc, "s": took, "served": up, "out": out[-3000:]})
    return results


def main() -> None:
    lines: list[str] = json.load(sys.stdin)
    env = dict(os.environ)
    curls = [x for x in lines if x.startswith("curl ")]
    for i, line in enumerate(x for x in lines if not x.startswith("curl ")):
        full = line if i == 0 else f". .venv/bin/activate && {line}"
        results = serve(full, curls if i == 0 else [], env) if SERVE.search(line) else [run(full, env)]
        for r in results:
            print(json.dumps(r, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
