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


def test_every_command_of_the_app_answers_chainkg_errors_plainly() -> None:
    """The app wraps each command it registers: a chainkg error is a message and its exit code, no traceback."""
    from typer.testing import CliRunner

    from chainkg.cli.main import ChainkgTyper
    from chainkg.errors import InvalidInputError, NotFoundError

    app = ChainkgTyper()

    @app.command("missing")
    def missing() -> None:
        raise NotFoundError("There is no base called 'nope'.")

    @app.command("invalid")
    def invalid() -> None:
        raise InvalidInputError("The depth must be 1 to 6.", field="depth")

    runner = CliRunner()
    gone = runner.invoke(app, ["missing"])
    bad = runner.invoke(app, ["invalid"])
    assert (gone.exit_code, bad.exit_code) == (3, 4)
    assert "There is no base called 'nope'." in gone.output and "Traceback" not in gone.output
    assert "The depth must be 1 to 6." in bad.output
    assert not isinstance(gone.exception, NotFoundError)  # turned into typer.Exit, not raised through


def test_emit_json_prints_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert common.emit_json({"key": "sz-led", "名称": "深圳"}, as_json=True) is True
    assert '"名称": "深圳"' in capsys.readouterr().out
    assert common.emit_json({"key": "sz-led"}, as_json=False) is False
    assert capsys.readouterr().out == ""
