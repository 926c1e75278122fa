"""CLI start-up: `chainkg --help` beside `python -c "import typer"`, and a whole `chainkg gaps city:深圳市`.

    python bench/cli.py                          # loads the public data into a temp folder first
    python bench/cli.py --data-dir /tmp/pub      # reuse a folder holding the public data
    python bench/cli.py --runs 9
    python bench/cli.py --data-dir /tmp/pub --against /work/main   # the gaps command of another checkout too

Each figure is the median (and the best) wall time of whole processes, run one after the
other. The gaps command keeps its answer per data version beside the store (so ``--data-dir``
must be writable: use a copy): it is timed as asked again, and as first asked after a load (the
kept answers removed before each run). Targets (issue 17): `chainkg --help` at most 3x `import typer`; the gaps question
0.6 s on a quiet machine. The machine's load average is printed: other work slows every figure.
With --against, the first asks of both checkouts are also run in pairs (random order within
each round) and the median ratio printed: on a shared host whose speed drifts by ±15 % from
minute to minute, that ratio is what holds from run to run.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "chainkg"


# What the console script runs (pyproject's [project.scripts]), started by this interpreter with
# PYTHONPATH choosing the checkout: a `chainkg` found on PATH may be a shell shim (pyenv's adds
# about 0.05 s before Python starts; `import typer` is timed without one). A checkout from before
# chainkg.cli.program (--against) runs its app(), as its script did: chosen by the files it has,
# not by trying the import (with an editable install, a module missing from one checkout is
# found in the installed one, and the run would mix the two).
PROGRAM = "import sys; from chainkg.cli.program import main; sys.exit(main())"
APP = "import sys; from chainkg.cli import app; sys.exit(app())"


def chainkg(checkout: Path = ROOT) -> list[str]:
    entry = PROGRAM if (checkout / "chainkg" / "cli" / "program.py").exists() else APP
    return [sys.executable, "-c", entry]


def timed(
    cmd: list[str], env: dict[str, str], runs: int, prepare: Callable[[], None] | None = None
) -> tuple[float, float, float]:
    """Median and best wall seconds, and median CPU seconds, of ``runs`` whole processes (after a warm-up run).

    CPU time (user + system) is what the process needs of one core: its wall time on a quiet machine.
    ``prepare`` runs before each process, untimed.
    """
    times, cpus = [], []
    for i in range(runs + 1):
        if prepare is not None:
            prepare()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        dt = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-500:]}")
        if i:  # the first run warms the file cache
            times.append(dt)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), min(times), statistics.median(cpus)


def paired_first_asks(
    cmd: list[str],
    env: dict[str, str],
    their_cmd: list[str],
    other: dict[str, str],
    runs: int,
    prepare: Callable[[], None],
) -> list[tuple[float, float]]:
    """(this checkout, the other) wall seconds of the first ask, ``runs`` rounds, each pair run back
    to back in random order: on a machine whose speed drifts from minute to minute (a shared
    host), the ratio within a round holds where medians of separate blocks of runs do not."""
    out = []
    for i in range(runs + 1):
        pair = {}
        for name, c, e in random.sample([("this", cmd, env), ("other", their_cmd, other)], 2):
            prepare()
            t0 = time.perf_counter()
            subprocess.run(c, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            pair[name] = time.perf_counter() - t0
        if i:  # the first round warms the file cache
            out.append((pair["this"], pair["other"]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--data-dir", type=Path, help="a CHAINKG_DATA_DIR holding the public data (else loaded now)")
    ap.add_argument("--against", type=Path, help="another checkout of chainkg: its gaps command is timed too")
    ap.add_argument(
        "--bytecode",
        action="store_true",
        help="let every process keep compiled modules (in a temp PYTHONPYCACHEPREFIX, for both checkouts), as an "
        "installed package does, even where PYTHONDONTWRITEBYTECODE is set; else each run compiles chainkg anew",
    )
    args = ap.parse_args()
    env = os.environ | {"PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    env.pop("CHAINKG_STORE", None)
    pycache = None
    if args.bytecode:
        pycache = tempfile.mkdtemp(prefix="chainkg-bench-pyc-")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache  # the warm-up run of each command writes it
    kept = args.bytecode or "PYTHONDONTWRITEBYTECODE" not in env
    compiled = "kept" if kept else "compiled anew each run (see --bytecode)"
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {args.runs} runs each; bytecode {compiled}")

    py = [sys.executable, "-c"]
    rows = [
        ("python -c pass", *timed([*py, "pass"], env, args.runs)),
        ('python -c "import typer"', *timed([*py, "import typer"], env, args.runs)),
        ("chainkg --help", *timed([*chainkg(), "--help"], env, args.runs)),
    ]

    tmp = None
    data = args.data_dir
    if data is None:
        if not (SHARED / "company.json").exists():
            raise SystemExit(f"no public data at {SHARED}: give --data-dir")
        tmp = tempfile.mkdtemp(prefix="chainkg-bench-cli-")
        data = Path(tmp)
        t0 = time.perf_counter()
        subprocess.run(
            [*chainkg(), "ingest-ckg", str(SHARED)], env=env | {"CHAINKG_DATA_DIR": str(data)}, check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"(loaded the public data into {data} in {time.perf_counter() - t0:.1f} s wall)")
    try:
        genv = env | {"CHAINKG_DATA_DIR": str(data)}
        gaps = [*chainkg(), "gaps", "city:深圳市"]
        rows.append(("chainkg gaps city:深圳市", *timed(gaps, genv, args.runs)))

        def forget() -> None:  # the answer is kept per data version: without it, the first ask after a load
            for f in (data / "chain-index").glob("answer-*.pickle"):
                f.unlink()

        rows.append(("  first ask (none kept)", *timed(gaps, genv, args.runs, forget)))
        if args.against:
            other = genv | {"PYTHONPATH": str(args.against.resolve())}
            theirs = [*chainkg(args.against.resolve()), "gaps", "city:深圳市"]
            rows.append(("  the same, --against", *timed(theirs, other, args.runs)))
            paired = paired_first_asks(gaps, genv, theirs, other, args.runs, forget)
    finally:
        for folder in (tmp, pycache):
            if folder:
                shutil.rmtree(folder, ignore_errors=True)

    if args.against:
        print(f"--against: {args.against.resolve()}")
    print(f"{'command':<26} {'wall median s':>14} {'wall best s':>12} {'CPU median s':>13}")
    for name, med, best, cpu in rows:
        print(f"{name:<26} {med:>14.3f} {best:>12.3f} {cpu:>13.3f}")
    by = {name: (med, best, cpu) for name, med, best, cpu in rows}
    typer_t, help_t, gaps_t = by['python -c "import typer"'], by["chainkg --help"], by["chainkg gaps city:深圳市"]
    for what, i in (("wall median", 0), ("CPU median", 2)):
        ratio = help_t[i] / typer_t[i]
        print(f"chainkg --help / import typer ({what}): {ratio:.2f}x (target <= 3x) {'OK' if ratio <= 3 else 'OVER'}")
    first_t = by["  first ask (none kept)"]
    for label, t in (("asked again", gaps_t), ("first ask after a load", first_t)):
        for what, i in (("wall median", 0), ("wall best", 1), ("CPU median", 2)):
            ok = "OK" if t[i] <= 0.6 else "OVER"
            print(f"chainkg gaps city:深圳市, {label} ({what}): {t[i]:.3f} s (target 0.6 s) {ok}")
    if args.against:
        ratios = [a / b for a, b in paired]
        print(
            f"first ask, this checkout / --against, {len(paired)} rounds in random order: median "
            f"{statistics.median(ratios):.2f}x (best round {min(ratios):.2f}x, worst {max(ratios):.2f}x); "
            f"faster in {sum(r < 1 for r in ratios)} of {len(ratios)}"
        )
        was = by["  the same, --against"]
        print(
            f"chainkg gaps city:深圳市 against {args.against}: wall median {gaps_t[0] / was[0]:.2f}x, "
            f"CPU median {gaps_t[2] / was[2]:.2f}x"
        )


if __name__ == "__main__":
    main()
