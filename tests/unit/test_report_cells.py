"""How the annual review report shows a cell, and its file name and download header (no store)."""

from __future__ import annotations

from chainkg.api.routers.reports import content_disposition
from chainkg.views.report import cell_text


def test_cells_as_text() -> None:
    assert cell_text(0.356, "pct") == "35.6%"
    assert cell_text(0.0008, "pct") == "0.08%"  # a small national share keeps two decimals
    assert cell_text(0.111, "pp") == "+11.1 个百分点"
    assert cell_text(-1, "delta") == "-1" and cell_text(332441.0, "delta") == "+332,441"
    assert cell_text(None, "int") == "n/a" and cell_text(None, "text") == ""
    assert cell_text("—", "num") == "—"  # a dash for "not this scope" stays a dash
    assert cell_text(1000, "int") == "1,000"


def test_download_header_of_a_chinese_key() -> None:
    h = content_disposition("chainkg-report-city_深圳市-2021.pdf")
    assert h.startswith('attachment; filename="chainkg-report-city____-2021.pdf"; ')
    assert h.endswith("filename*=UTF-8''chainkg-report-city_%E6%B7%B1%E5%9C%B3%E5%B8%82-2021.pdf")
    assert h.encode("latin-1")  # a header must be Latin-1
