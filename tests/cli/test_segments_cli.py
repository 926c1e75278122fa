"""The chain-map commands on both stores (the graph of segments_graph.py, figures by hand)."""

from __future__ import annotations

import json
from pathlib import Path

from segments_graph import build
from typer.testing import CliRunner

from chainkg.cli import app

runner = CliRunner()
SEED = build  # the graph the `cli` fixture (tests/cli/conftest.py) loads


def flat(text: str) -> str:
    """The output without the line breaks and spaces a table wraps in."""
    return "".join(text.split())


def run(*args: str, code: int = 0) -> str:
    res = runner.invoke(app, list(args))
    assert res.exit_code == code, res.output
    return res.output


def test_maps_list_show_and_report(cli: None, tmp_path: Path) -> None:
    data = json.loads(run("maps", "--json"))
    assert [(m["key"], m["stages"], m["segments"]) for m in data] == [("mini-led", 3, 7)]
    out = run("maps")
    assert "mini-led" in out and "环节" in out
    out = run("maps", "mini-led")
    assert "└ LED显示" in out and "mini-led/chip" in out
    rep = json.loads(run("maps", "mini-led", "--report", "--json"))
    assert rep["defects"] == ["mini-led/nothing"]
    out = run("maps", "mini-led", "--report")
    assert "map defects 图谱缺陷" in out and "mini-led/nothing" in out
    run("maps-report", "--out", str(tmp_path / "reports"))
    md = (tmp_path / "reports" / "mini-led.md").read_text(encoding="utf-8")
    assert "**Defects 缺陷**: 1 segment(s)" in md and "## LED芯片 `mini-led/chip`" in md
    err = run("maps", "nope", code=3)
    assert "no chain map" in err


def test_gaps_by_segment(cli: None) -> None:
    out = run("gaps", "b1", "--map", "mini-led")
    assert "已覆盖1，薄弱4，缺口1，无已知供应商1" in flat(out)
    assert "无已知供应商（研发攻关目标）" in flat(out) and "无人环节" in out
    data = json.loads(run("segments", "b1", "--map", "mini-led", "--json"))
    assert data["maps"][0]["counts"] == {"covered": 1, "weak": 4, "gap": 1, "no_supplier": 1}
    # Without --map the base's own map answers first, then the product-level gaps as before.
    data = json.loads(run("gaps", "b1", "--json", "--level", "product", "--depth", "1"))
    assert data["segments"]["default_maps"] is True and "gaps" in data
    out = run("gaps", "b1", "--map", "mini-led", "--segment", "chip")
    assert "甲基地没有企业处于「LED芯片」环节；全国有1家，如乙芯片。" in out and "乙芯片" in out


def test_segment_whatif_candidates_complement_alliance(cli: None) -> None:
    w = json.loads(run("segment-what-if", "b1", "甲显示", "--map", "mini-led", "--json"))
    assert [x["key"] for x in w["lost"]] == ["mini-led/display"]
    out = run("segment-what-if", "b1", "甲显示", "--map", "mini-led")
    assert "失去" in out and "变薄弱" in out
    c = json.loads(run("segment-candidates", "b1", "--map", "mini-led", "--segment", "substrate", "--json"))
    assert [x["key"] for x in c] == ["E7"]
    comp = json.loads(run("segment-complement", "b1", "b2", "--map", "mini-led", "--json"))
    assert [p["key"] for p in comp["b_fills_a"]] == ["mini-led/chip"]
    out = run("alliance-segments", "al1", "--map", "mini-led")
    assert "乙芯片、甲封装" in out
