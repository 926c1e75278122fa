"""Static charts: PNG and SVG bytes, stable SVG, English fallback without a CJK font."""

from __future__ import annotations

import pytest

from chainkg.errors import InvalidInputError
from chainkg.views import charts

ROWS = [
    {
        "key": "b1",
        "name": "深圳基地",
        "name_en": "Shenzhen",
        "own_ip_share": 0.5,
        "own_brand_share": 0.25,
        "export_share": None,
        "chain_completeness": 0.8,
        "product_completeness": 0.75,
        "industry_completeness": 1.0,
    },
    {
        "key": "b2",
        "name": "苏州基地",
        "name_en": None,
        "own_ip_share": 0.0,
        "own_brand_share": 1.0,
        "export_share": 0.1,
        "chain_completeness": None,
        "product_completeness": None,
        "industry_completeness": 0.5,
    },
]


def test_png_and_svg() -> None:
    assert charts.indicator_chart(ROWS, "png").startswith(b"\x89PNG")
    svg = charts.completeness_chart(ROWS, "svg")
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert svg == charts.completeness_chart(ROWS, "svg")  # no dates or random ids: cacheable


def test_cjk_font_is_used_when_installed() -> None:
    font = charts.cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    assert "CJK" in font or "WenQuanYi" in font or "Han" in font


def test_falls_back_to_english_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    assert charts._row_name(ROWS[0]) == "Shenzhen" and charts._row_name(ROWS[1]) == "b2"
    assert charts._caption("指标", "Indicators") == "Indicators"
    assert charts.indicator_chart(ROWS, "png").startswith(b"\x89PNG")


def test_bad_requests_are_explained() -> None:
    with pytest.raises(InvalidInputError, match="png or svg"):
        charts.indicator_chart(ROWS, "gif")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="at most"):
        charts.indicator_chart([ROWS[0]] * (charts.MAX_BARS + 1))


def test_captions_follow_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from chainkg.i18n import use_locale

    monkeypatch.setattr(charts, "cjk_font", lambda: "Noto Sans CJK SC")
    assert charts._caption("指标", "Indicators") == "指标"  # zh by default, one language
    with use_locale("en"):
        assert charts._caption("指标", "Indicators") == "Indicators"
        assert charts._row_name(ROWS[0]) == "Shenzhen"
