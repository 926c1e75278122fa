"""The chain, gaps, whatif, candidates and complement commands on both stores (tiny graph)."""

from __future__ import annotations

import json

from gaps_graph import build, ind
from typer.testing import CliRunner

from chainkg.cli import app

runner = CliRunner()
SEED = build  # the graph the `cli` fixture (tests/cli/conftest.py) loads


def run(*args: str) -> str:
    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return res.stdout


def test_chain_command(cli: None) -> None:
    out = run("chain", "b1", "--level", "product")
    assert "光伏基地" in out and "石英 -[上游材料]-> 多晶硅" in out and "上游" in out
    data = json.loads(run("chain", "b1", "--json", "--stage", "upstream", "--level", "product"))
    assert [s["key"] for s in data["segments"]] == ["银浆", "石英"]
    assert data["levels"][0]["segments"] == 7  # 单晶组件, a sub-class of 组件, is matched, not walked


def test_gaps_command(cli: None) -> None:
    data = json.loads(run("gaps", "b1", "--json"))
    # Supply shares into the leading chain's 组件, times specificity (hand-computed in
    # test_gaps.test_gaps_scores_and_order); 石英, made by nobody, apart.
    assert [(g["key"], g["score"]) for g in data["gaps"]][:3] == [
        ("电池片", 1.0),
        ("多晶硅", 0.166667),
        ("银浆", 0.153287),
    ]
    assert [g["key"] for g in data["no_supplier"]] == ["石英"]
    assert data["flagged_left_out"] == {"product": 0, "industry": 0}
    assert [w["key"] for w in data["weak_links"]][:2] == ["硅片", "芯片"]
    out = run("gaps", "b1", "--level", "industry", "--no-weak")
    assert "硅料 -[上游行业]-> 光伏设备" in out and "Weak links" not in out
    assert "基地内没有企业从事硅料" in out


def test_whatif_command(cli: None) -> None:
    data = json.loads(run("what-if", "b1", "丙芯片", "--json"))
    assert [g["key"] for g in data["new_gaps"]] == ["硅片", "芯片", ind("U2")]
    assert [c["key"] for c in data["cut_off"]] == ["组件", ind("I1")]
    out = run("what-if", "b1", "C", "--level", "product")
    assert "硅片 -[上游材料]-> 电池片 -[上游材料]-> 组件" in out


def test_candidates_command(cli: None) -> None:
    data = json.loads(run("candidates", "b1", "银浆", "--json"))
    assert [(c["key"], c["score"]) for c in data["candidates"]] == [("E", 4.5), ("D", 3.0)]
    out = run("candidates", "b1", "硅料")
    assert "戊材料" in out and "苏州基地" in out


def test_complement_command(cli: None) -> None:
    data = json.loads(run("complement", "b1", "--json"))
    assert [r["base"]["key"] for r in data["rows"]] == ["b3", "b2"]
    out = run("complement", "b1")
    assert "苏州基地" in out and "东莞基地" in out


def test_errors_have_plain_messages_and_exit_codes(cli: None) -> None:
    res = runner.invoke(app, ["gaps", "nope"])
    assert res.exit_code == 3 and "没有编号为“nope”的基地" in res.output
    res = runner.invoke(app, ["chain", "b1", "--depth", "9"])
    assert res.exit_code == 4 and "from 1 to 6" in res.output
    res = runner.invoke(app, ["candidates", "b1", "不存在"])
    assert res.exit_code == 3
    res = runner.invoke(app, ["what-if", "b1", "丁浆料"])
    assert res.exit_code == 3 and "丁浆料" in res.output
