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
