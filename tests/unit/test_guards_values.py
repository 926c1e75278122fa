"""Guards against plausible bugs in value handling (each test fails on a planted bug).

Planted bugs these catch: CSV cells starting with a tab or carriage return no longer
escaped; the 1,000 / 100 million-USD size and 0.2 focus-share boundaries moved or made strict.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from chainkg.api.output import csv_bytes
from chainkg.graph.analytics.fill import (
    FOCUS_SHARE,
    LARGE_REVENUE_MUSD,
    MEDIUM_REVENUE_MUSD,
    CandidateFacts,
    reasons_for,
)
from chainkg.views.export import frame_csv

DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]


def _cells(data: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return [r[0] for r in rows[1:]]


@pytest.mark.parametrize("value", DANGEROUS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_api_csv_defuses_formula_starts(value: str) -> None:
    assert _cells(csv_bytes([{"name": value}])) == ["'" + value]


@pytest.mark.parametrize("value", DANGEROUS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_export_csv_defuses_formula_starts(value: str) -> None:
    assert _cells(frame_csv(pd.DataFrame({"name": [value]}))) == ["'" + value]


def test_plain_text_is_left_alone() -> None:
    assert _cells(csv_bytes([{"name": "深圳=LED"}, {"name": "a-b"}])) == ["深圳=LED", "a-b"]


def _codes(**kw: object) -> set[str]:
    return {r.code for r in reasons_for(CandidateFacts("e", **kw))}  # type: ignore[arg-type]


def test_size_boundaries_from_revenue() -> None:
    assert LARGE_REVENUE_MUSD == 1000.0 and MEDIUM_REVENUE_MUSD == 100.0
    assert "scale_large" in _codes(revenue_musd=1000.0)
    assert "scale_medium" in _codes(revenue_musd=999.99)
    assert "scale_medium" in _codes(revenue_musd=100.0)
    assert not {"scale_large", "scale_medium"} & _codes(revenue_musd=99.99)
    # A stated size wins over revenue.
    assert "scale_medium" in _codes(size="medium", revenue_musd=5000.0)


def test_focus_share_boundary() -> None:
    assert FOCUS_SHARE == 0.2
    assert "focus" in _codes(share=0.2)
    assert "focus" not in _codes(share=0.1999)
    assert "focus" not in _codes(share=None)


def test_a_base_without_a_chain_earns_nothing_for_having_no_gaps() -> None:
    """Planted bug caught here: a base with no chain scoring best on "gaps" (0 gaps, lower is better)."""
    from types import SimpleNamespace

    from chainkg.queries.indicators import _value

    no_chain = SimpleNamespace(chain_segments=0, gaps=0, weak_links=0, gap_share=0.0, weak_share=0.0, patents=3)
    with_chain = SimpleNamespace(chain_segments=40, gaps=0, weak_links=2, gap_share=0.0, weak_share=0.05, patents=3)
    for name in ("gaps", "weak_links", "gap_share", "weak_share"):
        assert _value(no_chain, name) is None, name  # type: ignore[arg-type]
        assert _value(with_chain, name) == float(getattr(with_chain, name)), name  # type: ignore[arg-type]
    assert _value(no_chain, "patents") == 3.0  # type: ignore[arg-type]
