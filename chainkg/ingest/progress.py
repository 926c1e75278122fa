"""Progress reporting for long loads: a small protocol the CLI fills with rich progress bars."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives progress of named tasks (one per file being validated, one per type being written)."""

    def start(self, task: str, total: int | None) -> None:
        """A task begins; ``total`` is its number of rows when known."""

    def advance(self, task: str, n: int) -> None:
        """``n`` more rows of ``task`` are done."""

    def finish(self, task: str) -> None:
        """The task is complete."""


class NullProgress:
    """Progress that goes nowhere (the default for library calls)."""

    def start(self, task: str, total: int | None) -> None:
        """Ignore."""

    def advance(self, task: str, n: int) -> None:
        """Ignore."""

    def finish(self, task: str) -> None:
        """Ignore."""


class PrintProgress:
    """Progress as plain lines on stdout (``task: done/total``), for scripts and logs."""

    def __init__(self) -> None:
        self._done: dict[str, int] = {}
        self._total: dict[str, int | None] = {}

    def start(self, task: str, total: int | None) -> None:
        """Remember the task."""
        self._done[task] = 0
        self._total[task] = total

    def advance(self, task: str, n: int) -> None:
        """Print the new count."""
        self._done[task] = self._done.get(task, 0) + n
        print(f"{task}: {self._done[task]}/{self._total.get(task) or '?'}", flush=True)

    def finish(self, task: str) -> None:
        """Print that the task is done."""
        print(f"{task}: done", flush=True)
