"""`chainkg export` through the CLI: files written, formats, plain errors with exit codes."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from minigraph import load_mini
from storetools import fresh_store
from typer.testing import CliRunner

import chainkg.cli.common as common
from chainkg.cli import app
from chainkg.settings import Settings

runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp(f"cli-{uuid.uuid4().hex[:6]}")
    fresh_store("ladybug", Settings(data_dir=folder).ladybug_path, load_mini).close()
    return folder


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Commands run on the mini graph (settings read once per process, so set them here)."""
    monkeypatch.setattr(common, "_SETTINGS", Settings(data_dir=data_dir))
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def test_export_all_formats(cli: Path) -> None:
    r = runner.invoke(app, ["export", "chain", "b-sz", "--format", "all", "--json"])
    assert r.exit_code == 0, r.output
    files = sorted(Path(x["file"]).name for x in json.loads(r.stdout))
    stem = "chainkg-chain-b-sz"
    assert files == sorted(f"{stem}{s}" for s in (".graphml", ".gexf", ".nodes.csv", ".edges.csv", ".xlsx", ".html"))
    folder = cli / "chainkg-exports"  # their own folder, not loose in the current one
    assert {Path(x["file"]).parent for x in json.loads(r.stdout)} == {folder}
    g = nx.read_graphml(folder / f"{stem}.graphml")
    assert g.nodes["Product:衬底"]["status"] == "gap"
    # The base ties its anchors together: no segment is left as an unconnected dot.
    assert g.nodes["Base:b-sz"]["label"] == "Base" and g.in_degree("Base:b-sz") >= 1
    assert [n for n in g if g.degree(n) == 0] == []
    assert "衬底" in (folder / f"{stem}.html").read_text(encoding="utf-8")


def test_export_one_file_where_asked(cli: Path) -> None:
    r = runner.invoke(
        app, ["export", "ego", "外延片", "--label", "Product", "--depth", "2", "-f", "gexf", "-o", "out/x.gexf"]
    )
    assert r.exit_code == 0, r.output
    g = nx.read_gexf(cli / "out" / "x.gexf")
    assert "Product:外延片" in g and "Enterprise:e4" in g


def test_export_csv_writes_nodes_and_edges(cli: Path) -> None:
    r = runner.invoke(app, ["export", "gap", "b-sz", "--segment", "衬底", "-f", "csv", "-o", "gap"])
    assert r.exit_code == 0, r.output
    assert (cli / "gap.nodes.csv").read_text(encoding="utf-8-sig").startswith("标识,类型,编号,名称")  # zh by default
    assert "COULD_FILL" in (cli / "gap.edges.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["export", "chain", "nope"], 3, "no base"),
        (["export", "atlas", "b-sz"], 4, "not a view"),
        (["export", "chain", "b-sz", "-f", "pdf"], 4, "not an export format"),
        (["export", "ego", "e1"], 4, "needs a label"),
    ],
)
def test_export_errors_are_plain(cli: Path, args: list[str], code: int, words: str) -> None:
    zh = runner.invoke(app, args)  # Chinese by default: the lead word, and the message where it is translated
    assert zh.exit_code == code and "Traceback" not in zh.output
    assert re.match(r"(未找到|请检查输入)：", zh.output), zh.output
    r = runner.invoke(app, ["--lang", "en", *args])
    assert r.exit_code == code
    assert words in r.output.lower().replace("\n", " ")
    assert "Traceback" not in r.output


def test_help_has_an_example() -> None:
    r = runner.invoke(app, ["export", "--help"])
    assert r.exit_code == 0 and "chainkg export chain" in r.output
