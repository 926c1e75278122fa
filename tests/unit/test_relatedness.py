"""Relatedness density checked against a computation by hand (docs/gaps.md has the same example)."""

from __future__ import annotations

import numpy as np
import pytest

from chainkg.graph.analytics.relatedness import density, place_density, proximity, rca

# Enterprises per place (rows P1..P4) and activity (columns a1..a4); every place has 4, total 16,
# activity totals 5, 3, 3, 5.
X = np.array(
    [
        [3, 1, 0, 0],
        [1, 2, 1, 0],
        [0, 0, 2, 2],
        [1, 0, 0, 3],
    ],
    dtype=float,
)


def test_rca_and_proximity_by_hand() -> None:
    # RCA = (x / 4) / (column / 16) = 4x / column: P1 a1 = 12/5, P1 a2 = 4/3, P2 a1 = 4/5 ...
    r = rca(X)
    assert r[0].tolist() == pytest.approx([2.4, 4 / 3, 0, 0])
    assert r[1].tolist() == pytest.approx([0.8, 8 / 3, 4 / 3, 0])
    m = r >= 1
    assert m.astype(int).tolist() == [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1]]
    # Ubiquity k = 1, 2, 2, 2. Places doing both: a1&a2 P1, a2&a3 P2, a3&a4 P3; phi = 1 / max(k).
    phi = proximity(m)
    assert phi.tolist() == [
        [0, 0.5, 0, 0],
        [0.5, 0, 0.5, 0],
        [0, 0.5, 0, 0.5],
        [0, 0, 0.5, 0],
    ]


def test_density_of_a_base_by_hand() -> None:
    # A base with 2 firms in a2 and 1 in a4: shares 2/3 and 1/3 against world shares 3/16 and 5/16
    # give RCA 32/9 and 16/15, both >= 1, so M = [0, 1, 0, 1].
    # omega(a1) = phi(a1,a2) / (phi(a1,a2)) = 1; omega(a2) = 0 / (0.5 + 0.5) = 0;
    # omega(a3) = (0.5 + 0.5) / (0.5 + 0.5) = 1; omega(a4) = 0 / 0.5 = 0.
    assert place_density(X, np.array([0, 2, 0, 1])).tolist() == pytest.approx([1, 0, 1, 0])
    # A base in a1 only: omega(a2) = phi(a2,a1) / (phi(a2,a1) + phi(a2,a3)) = 0.5 / 1.
    assert place_density(X, np.array([1, 0, 0, 0])).tolist() == pytest.approx([0, 0.5, 0, 0])
    # An activity near nothing has density 0, not a division by zero.
    assert density(np.array([[1, 1]]), np.zeros((2, 2))).tolist() == [[0.0, 0.0]]
    assert place_density(X, np.zeros(4)).tolist() == [0.0, 0.0, 0.0, 0.0]
