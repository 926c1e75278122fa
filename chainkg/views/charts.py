"""Static charts where people compare numbers: base indicators side by side, chain completeness.

matplotlib with the Agg backend (no display needed). Chinese labels use a CJK font when one
is installed (Debian: fonts-noto-cjk or fonts-wqy-zenhei); without one the charts fall back
to English names and keys, so they never show empty boxes. SVG text is drawn as paths, so an
SVG looks the same on a machine without the font.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")  # before pyplot: render to files, never to a window

import matplotlib.pyplot as plt
from matplotlib import font_manager

from chainkg.errors import InvalidInputError
from chainkg.i18n import get_locale

log = logging.getLogger("chainkg.views")

ChartFormat = Literal["png", "svg"]
MEDIA_TYPES: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml"}
MAX_BARS = 40
"""Most bases in one chart; more would be unreadable (the ranking table lists them all)."""

# Simplified-Chinese faces first: the same characters differ in shape between SC, TC, JP.
_CJK_HINTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK",
    "Noto Serif CJK",
    "WenQuanYi",
    "Source Han Sans",
    "Noto Sans SC",
    "SimHei",
    "Microsoft YaHei",
)


@dataclass(frozen=True)
class Metric:
    """One number to plot: the field in each row, its bilingual caption, and whether it is a share."""

    field: str
    zh: str
    en: str
    share: bool = True


def _find_cjk(names: Sequence[str]) -> str | None:
    ordered = sorted(set(names))
    for hint in _CJK_HINTS:
        for name in ordered:
            if name.startswith(hint):
                return name
    return None


def add_new_fonts() -> int:
    """Add font files installed since matplotlib built its font cache; save the cache again.

    matplotlib lists the system fonts once and keeps the list in its cache folder, so a CJK
    font installed later (as scripts/test.sh and Debian packages do) stays unseen and charts
    would come out in English. Returns how many files were added.
    """
    fm = font_manager.fontManager
    known = {f.fname for f in fm.ttflist}
    added = 0
    for path in font_manager.findSystemFonts():
        if path in known:
            continue
        try:
            fm.addfont(path)
            added += 1
        except (OSError, RuntimeError, ValueError) as exc:  # an unreadable font file is skipped
            log.debug("font %s not added: %s", path, exc)
    if added:
        try:
            cache = Path(matplotlib.get_cachedir()) / f"fontlist-v{font_manager.FontManager.__version__}.json"
            font_manager.json_dump(fm, cache)
        except OSError as exc:  # a read-only cache folder: the fonts still count in this process
            log.debug("font cache not saved: %s", exc)
        log.info("added %d font file(s) installed after matplotlib built its font cache", added)
    return added


@cache
def cjk_font() -> str | None:
    """The family name of an installed CJK font, or None (charts then use English labels).

    When the font cache holds none, the system's font folders are looked at again (see
    :func:`add_new_fonts`), so a font installed after the cache was built is found.
    """
    found = _find_cjk([f.name for f in font_manager.fontManager.ttflist])
    if found is None and add_new_fonts():
        found = _find_cjk([f.name for f in font_manager.fontManager.ttflist])
    if found is None:
        log.warning("no CJK font found; charts will use English labels (install fonts-noto-cjk or fonts-wqy-zenhei)")
    return found


def _caption(zh: str, en: str) -> str:
    """The caption in the current language (English where no CJK font can draw Chinese)."""
    return zh if cjk_font() and get_locale() == "zh" else en


def _row_name(row: Mapping[str, Any]) -> str:
    # Base names are data and stay Chinese in both languages; a CJK font is needed to draw them.
    if cjk_font() and (get_locale() == "zh" or not row.get("name_en")):
        return str(row.get("name") or row.get("key"))
    return str(row.get("name_en") or row.get("key") or row.get("name"))


def _check(fmt: str, rows: Sequence[Mapping[str, Any]]) -> None:
    if fmt not in MEDIA_TYPES:
        raise InvalidInputError(f"Charts come as png or svg, not '{fmt}'.", field="format")
    if len(rows) > MAX_BARS:
        raise InvalidInputError(
            f"A chart compares at most {MAX_BARS} bases; {len(rows)} were asked for. Pick fewer bases.",
            field="bases",
        )


def _save(fig: Any, fmt: str) -> bytes:
    buf = io.BytesIO()
    # No date in the file keeps repeated SVG renders byte-identical (cacheable, diffable).
    meta = {"Date": None} if fmt == "svg" else {}
    fig.savefig(buf, format=fmt, dpi=110, bbox_inches="tight", metadata=meta)
    plt.close(fig)
    return buf.getvalue()


def _rc() -> Any:
    font = cjk_font()
    # A fixed hash salt makes SVG element ids, and so the whole file, the same on every render.
    rc: dict[str, Any] = {"svg.fonttype": "path", "svg.hashsalt": "chainkg", "axes.unicode_minus": False}
    if font:
        rc["font.family"] = [font, "DejaVu Sans"]
    return rc


def grouped_bars(
    rows: Sequence[Mapping[str, Any]],
    metrics: Sequence[Metric],
    *,
    title_zh: str,
    title_en: str,
    fmt: ChartFormat = "png",
) -> bytes:
    """Horizontal grouped bars: one group per row (a base), one bar per metric.

    Shares (0–1) are drawn as percentages; a missing value draws no bar and is labelled "n/a".

    Examples
    --------
    >>> png = grouped_bars([{"name": "甲基地", "a": 0.5}], [Metric("a", "自主知识产权", "own IP")],
    ...                    title_zh="指标", title_en="Indicators")
    >>> png[:4] == b"\\x89PNG"
    True
    """
    _check(fmt, rows)
    with plt.rc_context(_rc()):
        height = max(2.5, 0.45 * len(rows) * max(1, len(metrics)) * 0.6 + 1.5)
        fig, ax = plt.subplots(figsize=(9, height))
        n = max(1, len(metrics))
        bar_h = 0.8 / n
        cmap = plt.get_cmap("tab10")
        for j, m in enumerate(metrics):
            ys = [i + j * bar_h for i in range(len(rows))]
            vals = []
            for r in rows:
                v = r.get(m.field)
                vals.append(None if v is None else float(v) * (100.0 if m.share else 1.0))
            ax.barh(ys, [v or 0.0 for v in vals], height=bar_h, color=cmap(j % 10), label=_caption(m.zh, m.en))
            for y, v in zip(ys, vals, strict=True):
                ax.text(
                    (v or 0.0),
                    y,
                    f" {v:.0f}%"
                    if v is not None and m.share
                    else f" {v:.3g}"
                    if v is not None
                    else " " + _caption("无数据", "n/a"),
                    va="center",
                    fontsize=8,
                )
        ax.set_yticks([i + (n - 1) * bar_h / 2 for i in range(len(rows))], [_row_name(r) for r in rows])
        ax.invert_yaxis()
        if all(m.share for m in metrics):
            ax.set_xlim(0, 110)
            ax.set_xlabel("%")
        ax.set_title(_caption(title_zh, title_en))
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16 if all(m.share for m in metrics) else -0.08),
            ncol=2,
            fontsize=8,
            frameon=False,
        )
        ax.grid(axis="x", alpha=0.3)
        return _save(fig, fmt)


INDICATOR_METRICS: tuple[Metric, ...] = (
    Metric("own_ip_share", "自主知识产权占比", "own IP share"),
    Metric("own_brand_share", "自主品牌占比", "own brand share"),
    Metric("export_share", "出口导向占比", "export-oriented share"),
    Metric("chain_completeness", "产业链完整度", "chain completeness"),
)
"""Default indicator metrics (fields of the indicator rows the pages pass in)."""

COMPLETENESS_METRICS: tuple[Metric, ...] = (
    Metric("product_completeness", "产品层完整度", "product-level completeness"),
    Metric("industry_completeness", "行业层完整度", "industry-level completeness"),
)
"""Chain completeness at both levels."""


def indicator_chart(
    rows: Sequence[Mapping[str, Any]], fmt: ChartFormat = "png", metrics: Sequence[Metric] = INDICATOR_METRICS
) -> bytes:
    """Base indicators side by side (shares of enterprises with own IP, brand, exports; completeness)."""
    return grouped_bars(rows, metrics, title_zh="基地指标对比", title_en="Base indicators side by side", fmt=fmt)


def completeness_chart(rows: Sequence[Mapping[str, Any]], fmt: ChartFormat = "png") -> bytes:
    """Chain completeness per base (covered ÷ all chain segments), product and industry level."""
    return grouped_bars(rows, COMPLETENESS_METRICS, title_zh="产业链完整度", title_en="Chain completeness", fmt=fmt)
