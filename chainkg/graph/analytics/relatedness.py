"""Relatedness density (Hidalgo et al. 2007, "The Product Space"; Hidalgo et al. 2018, "The
Principle of Relatedness"): how close an activity is to what a place already does.

From a place × activity matrix of counts ``X`` (here: enterprises per place and industry):

- revealed comparative advantage ``RCA[p, a] = (X[p, a] / X[p, :].sum()) / (X[:, a].sum() / X.sum())``
  and ``M[p, a] = 1`` where ``RCA >= 1``;
- proximity ``phi[a, b] = U[a, b] / max(k[a], k[b])``, with ``U = Mᵀ M`` (places doing both)
  and ``k`` the ubiquity (places doing each); ``phi[a, a] = 0``;
- density ``omega[p, a] = Σ_b M[p, b] · phi[a, b] / Σ_b phi[a, b]`` (0 where ``a`` is
  near nothing): the share of ``a``'s neighbourhood the place already does.

Pure numpy; a few lines, so no extra dependency (``ecomplexity`` computes the same from a
pandas frame and brings nothing more needed here).
"""

from __future__ import annotations

import numpy as np


def rca(x: np.ndarray) -> np.ndarray:
    """Revealed comparative advantage of a place × activity count matrix (0 where a row or column is empty).

    Examples
    --------
    >>> rca(np.array([[2.0, 0.0], [1.0, 1.0]])).round(3).tolist()
    [[1.333, 0.0], [0.667, 2.0]]
    """
    x = np.asarray(x, dtype=np.float64)
    total = x.sum()
    rows = x.sum(axis=1, keepdims=True)
    cols = x.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (x / rows) / (cols / total)
    return np.nan_to_num(out, nan=0.0, posinf=0.0)


def proximity(m: np.ndarray) -> np.ndarray:
    """Activity × activity proximity from a binary place × activity matrix (diagonal 0)."""
    mb = (np.asarray(m) > 0).astype(np.float64)
    u = mb.T @ mb
    k = mb.sum(axis=0)
    denom = np.maximum.outer(k, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(denom > 0, u / denom, 0.0)
    np.fill_diagonal(phi, 0.0)
    return phi


def density(m_rows: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Relatedness density of each row's places (binary rows over activities) to every activity.

    Examples
    --------
    >>> phi = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.0], [0.5, 0.0, 0.0]])
    >>> density(np.array([[0, 1, 0]]), phi).round(3).tolist()
    [[0.667, 0.0, 0.0]]
    """
    mb = (np.atleast_2d(np.asarray(m_rows)) > 0).astype(np.float64)
    near = phi.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (mb @ phi) / near
    return np.nan_to_num(out, nan=0.0, posinf=0.0)


def place_density(x: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Density of one place (counts ``row`` over the activities) given the reference matrix ``x``.

    The place's ``M`` row is its RCA ≥ 1 against the reference totals; the proximity comes
    from ``x``'s places alone. Used for a base, which is not one of the reference places.
    """
    x = np.asarray(x, dtype=np.float64)
    row = np.asarray(row, dtype=np.float64)
    share = row / row.sum() if row.sum() > 0 else row
    world = x.sum(axis=0) / x.sum() if x.sum() > 0 else x.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.nan_to_num(share / world, nan=0.0, posinf=0.0)
    phi = proximity(rca(x) >= 1.0)
    return density((r >= 1.0)[None, :], phi)[0]
