"""The ``chainkg`` program: the console script's entry, which ends a short command's process at once.

When a command has printed its answer, Python would still tear the interpreter down: it frees
every object one by one (the product facts alone are some 150,000 dictionary entries), runs the
modules' and the store driver's finalisers, and only then exits. For ``chainkg gaps`` that is
30-45 ms of a 0.6 s command, spent after the reader has the answer. A short command (one that
is not in :data:`chainkg.cli.main.COLLECTING`) therefore ends as Python's own forked
processes do (``multiprocessing``): the ``atexit`` functions run, the standard streams are
flushed, and ``os._exit`` ends the process with the command's exit code. Its store is closed
and its files written before this point (each command closes what it opens).

Not used where the command runs inside another program (``app()`` under ``CliRunner``, the
API's tests): only the console script and ``python -m chainkg`` come here.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading

from chainkg.cli import app
from chainkg.cli.main import short_command_ran


def exit_status(code: object) -> int:
    """The process's exit status for ``SystemExit(code)``, as Python gives it (text: 1, after printing it).

    >>> [exit_status(c) for c in (None, 0, 2, True)]
    [0, 0, 2, 1]
    """
    if code is None:
        return 0
    if isinstance(code, int):
        return int(code) & 0xFF
    print(code, file=sys.stderr)
    return 1


def _others_working() -> bool:
    """Whether a non-daemon thread still runs: Python would wait for it at exit, so this does too."""
    main = threading.main_thread()
    return any(t is not main and t.is_alive() and not t.daemon for t in threading.enumerate())


def main() -> None:
    """Run the ``chainkg`` command line and end the process (see the module's text)."""
    try:
        app()
        code: object = 0
    except SystemExit as done:
        code = done.code
    if not short_command_ran() or _others_working():
        raise SystemExit(code)
    status = exit_status(code)
    atexit._run_exitfuncs()  # what a normal exit runs first (logging's flush among them)
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        # The reader went away (`chainkg gaps … | head`): nothing more can reach it. Python's
        # own exit would say "Exception ignored" and end with 120; the answer was still given.
        status = status or 120
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)
