"""The ``chainkg`` command: a thin layer over the library. Each group lives in its own module."""

from __future__ import annotations

from chainkg.cli.main import app

__all__ = ["app"]
