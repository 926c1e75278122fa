"""Text for the terminal without rich: display widths, wrapping, tables and help panels.

rich costs about 0.05 s to import and, on a command printing a few hundred table rows (the
gaps of a large base), more than 0.1 s to lay them out. These helpers draw the same boxes
(rich's heavy-headed table, the rounded panels of typer's help) counting the columns a
terminal gives each character: two for wide (CJK) ones, none for combining marks.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

_WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"  # CJK, Hangul, full-width forms
# A wide character may end a line after it; other runs break only at spaces (folded when longer than a line).
_TOKEN = re.compile(f"[{_WIDE}]\\s*|[^\\s{_WIDE}]+\\s*|\\s+")


def width() -> int:
    """Columns of the terminal (``COLUMNS`` first; 80 when the output is not a terminal), as rich counts them."""
    return max(20, shutil.get_terminal_size((80, 24)).columns)


@lru_cache(maxsize=8192)
def _char_cells(c: str) -> int:
    if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1


def cells(text: str) -> int:
    """Terminal columns ``text`` takes.

    >>> cells("LED芯片"), cells("abc")
    (7, 3)
    """
    if text.isascii():
        return len(text)
    return sum(_char_cells(c) for c in text)


def pad(text: str, cols: int, align: str = "left") -> str:
    """``text`` filled with spaces to ``cols`` columns (left, or centered with ``align="center"``)."""
    gap = cols - cells(text)
    if gap <= 0:
        return text
    if align == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap


def _fold(word: str, cols: int) -> list[str]:
    """``word`` cut into pieces of at most ``cols`` columns (a wide character never split)."""
    out, cur, used = [], "", 0
    for c in word:
        w = _char_cells(c)
        if used + w > cols and cur:
            out.append(cur)
            cur, used = "", 0
        cur += c
        used += w
    return [*out, cur] if cur or not out else out


def wrap(text: str, cols: int) -> list[str]:
    """``text`` in lines of at most ``cols`` columns: its own line breaks kept, then broken at
    spaces or after a wide character, a longer word folded.

    >>> wrap("上游：材料与装备", 10)
    ['上游：材料', '与装备']
    >>> wrap("needed by many", 8)
    ['needed', 'by many']
    """
    lines: list[str] = []
    for para in text.split("\n"):
        if cells(para) <= cols:
            lines.append(para)
            continue
        cur, used = "", 0
        for tok in _TOKEN.findall(para):
            word = tok.rstrip()
            w = cells(word)
            if used + w <= cols:
                cur += tok
                used += cells(tok)
                continue
            if cur.strip():
                lines.append(cur.rstrip())
            cur, used = "", 0
            if not word:
                continue
            pieces = _fold(word, cols) if w > cols else [word]
            lines.extend(pieces[:-1])
            cur = pieces[-1] + tok[len(word) :]
            used = cells(cur)
        if cur.strip() or not lines:
            lines.append(cur.rstrip())
    return lines


def _styled() -> bool:
    """Bold headers only on a terminal, and never with ``NO_COLOR`` set (https://no-color.org)."""
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


def fit(natural: Sequence[int], room: int, least: int = 6) -> list[int]:
    """Column widths: the natural ones when they fit in ``room``, else the widest cut first.

    No column is cut below ``least`` (or its natural width); the table may then be wider than ``room``.

    >>> fit([4, 30, 50], 60)
    [4, 28, 28]
    """
    if sum(natural) <= room:
        return list(natural)
    lo, hi = 1, max(natural)
    while lo < hi:  # the largest cap that fits
        cap = (lo + hi + 1) // 2
        if sum(max(min(n, least), min(n, cap)) for n in natural) <= room:
            lo = cap
        else:
            hi = cap - 1
    widths = [max(min(n, least), min(n, lo)) for n in natural]
    spare = room - sum(widths)
    for i, n in enumerate(natural):  # columns still cut take what is left over, left first
        if spare <= 0:
            break
        more = min(spare, n - widths[i])
        widths[i] += more
        spare -= more
    return widths


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str = "", cols: int | None = None) -> str:
    """``rows`` under ``headers`` in rich's heavy-headed box, cells wrapped to fit ``cols`` columns.

    >>> print(table(["环节", "n"], [["LED芯片", "3"]], title="t"))
           t
    ┏━━━━━━━━━┳━━━┓
    ┃ 环节    ┃ n ┃
    ┡━━━━━━━━━╇━━━┩
    │ LED芯片 │ 3 │
    └─────────┴───┘
    """
    cols = width() if cols is None else cols
    n = len(headers)
    natural = [
        max(max((cells(x) for x in str(c).split("\n")), default=0) for c in (h, *(r[i] for r in rows)))
        for i, h in enumerate(headers)
    ]
    widths = fit(natural, cols - 3 * n - 1)
    bold = _styled()

    def line(cells_: Sequence[str], edge: str, head: bool) -> list[str]:
        wrapped = [wrap(str(c), w) for c, w in zip(cells_, widths, strict=True)]
        out = []
        for k in range(max(len(x) for x in wrapped)):
            parts = [pad(x[k] if k < len(x) else "", w) for x, w in zip(wrapped, widths, strict=True)]
            if head and bold:
                parts = [f"\x1b[1m{p}\x1b[0m" for p in parts]
            out.append(edge + edge.join(f" {p} " for p in parts) + edge)
        return out

    total = sum(widths) + 3 * n + 1
    out = [pad(t, total, "center").rstrip() for t in wrap(title, total)] if title else []
    out.append("┏" + "┳".join("━" * (w + 2) for w in widths) + "┓")
    out += line(headers, "┃", True)
    out.append("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩")
    for r in rows:
        out += line(r, "│", False)
    out.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    return "\n".join(out)


def panel(title: str, rows: Sequence[Sequence[str]], cols: int | None = None) -> str:
    """``rows`` as columns in a rounded box titled ``title``, the last column wrapped (typer's help panels)."""
    cols = width() if cols is None else cols
    inner = cols - 4
    n = max(len(r) for r in rows)
    firsts = [max(cells(r[i]) for r in rows if i < len(r)) for i in range(n - 1)]
    lead = sum(w + 2 for w in firsts)
    out = ["╭─ " + title + " " + "─" * max(0, cols - cells(title) - 5) + "╮"]
    for r in rows:
        head = "".join(pad(r[i] if i < len(r) else "", w) + "  " for i, w in enumerate(firsts))
        for k, text in enumerate(wrap(r[-1] if len(r) == n else "", max(10, inner - lead))):
            out.append("│ " + pad((head if k == 0 else " " * lead) + text, inner) + " │")
    out.append("╰" + "─" * (cols - 2) + "╯")
    return "\n".join(out)


Printout = list[tuple[Any, ...]]
"""What a command printed, before layout: ``("say", text)`` and ``("table", headers, rows, title)``
items of plain strings, so it can be kept (pickled) and printed again at any terminal width."""

_RECORDING: ContextVar[Printout | None] = ContextVar("chainkg_printout", default=None)


def say(text: str = "") -> None:
    """Print ``text`` as it is (no markup, no wrapping: the terminal wraps a long line)."""
    out = _RECORDING.get()
    if out is not None:
        out.append(("say", text))
        return
    sys.stdout.write(text + "\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str = "") -> None:
    """Print :func:`table` laid out for the terminal's width now."""
    out = _RECORDING.get()
    if out is not None:
        out.append(("table", list(headers), [list(r) for r in rows], title))
        return
    say(table(headers, rows, title=title))


@contextmanager
def recording() -> Iterator[Printout]:
    """Within the block, :func:`say` and :func:`print_table` add to the yielded printout instead of printing."""
    out: Printout = []
    token = _RECORDING.set(out)
    try:
        yield out
    finally:
        _RECORDING.reset(token)


def replay(printout: Printout) -> None:
    """Print a recorded printout (its tables laid out for the terminal's width now)."""
    for item in printout:
        if item[0] == "say":
            say(item[1])
        else:
            print_table(*item[1:])
