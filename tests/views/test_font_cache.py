"""Charts find a CJK font installed after matplotlib built its font cache (issue 15)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager

from chainkg.views import charts


def test_font_installed_after_the_cache_is_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fm = font_manager.fontManager
    cjk = [f for f in fm.ttflist if charts._find_cjk([f.name])]
    if not cjk:
        pytest.skip("no CJK font installed here (Debian: apt-get install fonts-noto-cjk)")
    # The cache as it was before the font was installed: no CJK face in it.
    monkeypatch.setattr(fm, "ttflist", [f for f in fm.ttflist if f not in cjk])
    monkeypatch.setattr(matplotlib, "get_cachedir", lambda: str(tmp_path))
    charts.cjk_font.cache_clear()
    try:
        found = charts.cjk_font()
        assert found is not None and charts._find_cjk([found]) == found
        saved = list(tmp_path.glob("fontlist-v*.json"))
        assert saved and cjk[0].fname in saved[0].read_text(encoding="utf-8")
        svg = charts.indicator_chart([{"key": "b1", "name": "深圳基地", "own_ip_share": 0.5}], "svg")
        assert b"<svg" in svg
        assert charts._caption("基地", "Bases") == "基地"  # Chinese captions, not the English fallback
    finally:
        charts.cjk_font.cache_clear()
