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


def test_neo4j_down_prints_only_the_clean_error() -> None:
    import os
    import socket
    import subprocess
    import sys
    from pathlib import Path

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINKG_")}
    env |= {"PYTHONPATH": str(root), "CHAINKG_STORE": "neo4j", "CHAINKG_NEO4J_URI": f"bolt://127.0.0.1:{port}"}
    code = "import sys; from chainkg.cli import app; sys.argv = ['chainkg', 'gaps', 'sz-led']; app()"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 5
    assert proc.stderr.lstrip().startswith("数据库不可用： Neo4j at"), proc.stderr  # Chinese lead word by default
    assert "Transaction failed" not in proc.stderr + proc.stdout
