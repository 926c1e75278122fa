"""The ``chainkg`` command: a thin layer over the library. Each group lives in its own module."""

from __future__ import annotations

import os

# A command's numpy work is element-wise or small matrix products (no BLAS worth a thread), yet
# OpenBLAS starts a thread per core when numpy loads and spins it: about 0.05 CPU-s of every
# command that imports numpy. Set before anything imports numpy; a value in the environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from chainkg.cli.main import app  # after the environment is set

__all__ = ["app"]
