"""CLI tables: cells are never cut off, and ambiguous-width letters cannot shift the borders."""

from __future__ import annotations

import unicodedata

import pytest

import chainkg.cli.common as common


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> pytest.CaptureFixture[str]:
    """What the tables print, on a terminal 60 columns wide."""
    monkeypatch.setenv("COLUMNS", "60")
    return capsys


def _ambiguous(text: str) -> list[str]:
    return [
        c
        for c in text
        if unicodedata.east_asian_width(c) == "A" and unicodedata.decomposition(c).startswith("<compat>")
    ]


def test_roman_numerals_do_not_break_borders(recorded: pytest.CaptureFixture[str]) -> None:
    common.emit([{"segment 环节": "Ⅲ-Ⅴ族化合物半导体", "n": 3}], as_json=False, title="t")
    out = recorded.readouterr().out
    assert "III-V族化合物半导体" in out and _ambiguous(out) == []
    widths = {common_len(line) for line in out.splitlines() if line.startswith(("┏", "┃", "│", "└"))}
    assert len(widths) == 1, out


def test_long_chinese_cells_wrap_instead_of_being_cut(recorded: pytest.CaptureFixture[str]) -> None:
    reason = "与基地成员同属联盟：深圳LED产业创新联盟（示例） +2"
    common.emit([{"#": 1, "理由 reasons": reason, "x": "y" * 30}], as_json=False)
    out = recorded.readouterr().out
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


def test_table_lines_fit_the_terminal_and_keep_every_character(recorded: pytest.CaptureFixture[str]) -> None:
    """Wrapped to 60 columns (counting a Chinese character as two), and nothing lost in the wrapping."""
    cells = ["上游：材料与装备", "*ST瑞德、华灿光电、天通股份 等11家", "直插式封装（Lamp LED）", "x" * 70]
    common.emit([{"阶段": cells[0], "主要企业": cells[1], "环节": cells[2], "long": cells[3]}], as_json=False)
    out = recorded.readouterr().out
    lines = out.splitlines()
    assert len(lines) > 5 and {common_len(x) for x in lines} == {60}, out  # one width, that of the terminal
    columns = [""] * len(cells)
    for line in lines[3:-1]:  # below the header, above the bottom border: each column's pieces in order
        for i, piece in enumerate(line.strip("│").split("│")):
            columns[i] += piece.replace(" ", "")
    assert columns == [c.replace(" ", "") for c in cells], out  # the spaces at breaks are the only loss


def test_titles_and_cells_are_plain_text(recorded: pytest.CaptureFixture[str]) -> None:
    """A base or product name with [brackets] prints as written (no markup, no escape backslashes)."""
    common.emit([{"name": "[bold]LED[/bold]"}], as_json=False, title="深圳 [示例] base")
    out = recorded.readouterr().out
    assert "深圳 [示例] base" in out and "[bold]LED[/bold]" in out and "\\" not in out


def test_plain_wrap_breaks_chinese_anywhere_and_latin_at_spaces() -> None:
    from chainkg.cli.plain import cells, wrap

    assert wrap("上游：材料与装备", 10) == ["上游：材料", "与装备"]
    assert wrap("needed by many firms", 9) == ["needed by", "many", "firms"]
    assert wrap("x" * 12, 5) == ["xxxxx", "xxxxx", "xx"]
    assert all(cells(x) <= 7 for x in wrap("国星光电、鸿利智汇 等10家 (+3)", 7))
