"""CLI tables: cells are never cut off, and ambiguous-width letters cannot shift the borders."""

from __future__ import annotations

import unicodedata

import pytest
from rich.console import Console

import chainkg.cli.common as common


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Console:
    console = Console(record=True, width=60, color_system=None)
    monkeypatch.setattr(common, "console", console)
    return console


def _ambiguous(text: str) -> list[str]:
    return [
        c
        for c in text
        if unicodedata.east_asian_width(c) == "A" and unicodedata.decomposition(c).startswith("<compat>")
    ]


def test_roman_numerals_do_not_break_borders(recorded: Console) -> None:
    common.emit([{"segment 环节": "Ⅲ-Ⅴ族化合物半导体", "n": 3}], as_json=False, title="t")
    out = recorded.export_text()
    assert "III-V族化合物半导体" in out and _ambiguous(out) == []
    widths = {common_len(line) for line in out.splitlines() if line.startswith(("┏", "┃", "│", "└"))}
    assert len(widths) == 1, out


def test_long_chinese_cells_wrap_instead_of_being_cut(recorded: Console) -> None:
    reason = "与基地成员同属联盟：深圳LED产业创新联盟（示例） +2"
    common.emit([{"#": 1, "理由 reasons": reason, "x": "y" * 30}], as_json=False)
    out = recorded.export_text()
    assert "…" not in out
    assert "".join(x.strip("│ ") for x in out.splitlines()).count("+2") == 1


def common_len(line: str) -> int:
    """Columns a CJK terminal uses for ``line`` (wide and ambiguous characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" and c not in "┏┃│└━─┳┓┡╇┩┼┴┘" else 1 for c in line)
