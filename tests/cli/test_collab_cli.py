"""The five commands end to end on the hand-built graph, through the CLI, on both stores."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from queries import collab_graph
from storetools import BACKENDS, fresh_store
from typer.testing import CliRunner

import chainkg.cli.common as common
from chainkg.cli.main import app
from chainkg.settings import Settings


@pytest.fixture(scope="module", params=BACKENDS)
def cli_settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings pointing at a store that holds the hand-built graph (built once per backend)."""
    folder = tmp_path_factory.mktemp("cli")
    if request.param == "ladybug":
        settings = Settings(store="ladybug", data_dir=folder)
        store = fresh_store("ladybug", settings.ladybug_path)
    else:
        store = collab_graph.open_store("neo4j", folder)
        settings = Settings(
            store="neo4j",
            neo4j_uri=os.environ["CHAINKG_TEST_NEO4J_URI"],
            neo4j_user=os.environ.get("CHAINKG_TEST_NEO4J_USER", "neo4j"),
            neo4j_password=os.environ.get("CHAINKG_TEST_NEO4J_PASSWORD", ""),
        )
    try:
        collab_graph.build_and_check(store)
    finally:
        store.close()  # the CLI opens the store itself
    yield settings


@pytest.fixture
def cli(cli_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(common, "_SETTINGS", cli_settings)
    return CliRunner()


def run_json(cli: CliRunner, *args: str) -> Any:
    result = cli.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_collab(cli: CliRunner) -> None:
    data = run_json(cli, "collaboration", "e1", "--method", "jaccard", "--limit", "3")
    assert [(d["partner"], d["score"]) for d in data] == [("e2", 1.0), ("e6", 1.0), ("e4", 0.5)]
    assert data[0]["evidence"][0]["field"] == "G06F"
    table = cli.invoke(app, ["collaboration", "e1", "--kind", "industry_academia"])
    assert table.exit_code == 0
    assert "中科院物理所" in table.stdout and "华芯科技" not in table.stdout


def test_alliance(cli: CliRunner) -> None:
    data = run_json(cli, "alliance", "al1")
    assert data["missing"] == ["光刻胶", "硅片"]
    assert [r["key"] for r in data["recruits"]] == ["e4", "e7", "e6", "u3", "u2"]
    assert data["brokers"][0]["key"] == "e1"
    table = cli.invoke(app, ["alliance", "al1", "--recruits", "2"])
    assert table.exit_code == 0
    for text in ("成员", "光刻胶", "桥梁成员", "建议招募", "硅材股份"):  # Chinese by default
        assert text in table.stdout


def test_pool(cli: CliRunner) -> None:
    data = run_json(cli, "patent-pool", "pp1")
    assert data["hhi"] == pytest.approx(2600.0)
    assert [c["key"] for c in data["candidates"]] == ["u2"]
    table = cli.invoke(app, ["patent-pool", "pp1"])
    assert table.exit_code == 0 and "HHI 2600（高度集中）" in table.stdout  # Chinese by default
    en = cli.invoke(app, ["--lang", "en", "patent-pool", "pp1"])
    assert en.exit_code == 0 and "HHI 2600 (high)" in en.stdout and "高度集中" not in en.stdout


def test_platforms(cli: CliRunner) -> None:
    (b2,) = run_json(cli, "platforms", "b2")
    assert b2["kinds_missing"] == ["rnd", "information", "certification", "training"]
    table = cli.invoke(app, ["platforms"])
    assert table.exit_code == 0 and "空基地" in table.stdout and "认证" in table.stdout


def test_indicators(cli: CliRunner) -> None:
    (b1,) = run_json(cli, "indicators", "b1")
    assert (b1["enterprises"], b1["patents_per_enterprise"], b1["platform_types"]) == (3, 1.0, 3)
    history = run_json(cli, "indicators", "b1", "--history")
    # From the approval year 2015 to the last dated fact, every year.
    assert [(h["year"], h["patents"]) for h in history] == [
        (2015, 0),
        (2016, 0),
        (2017, 0),
        (2018, 0),
        (2019, 1),
        (2020, 2),
        (2021, 3),
    ]
    ranked = run_json(cli, "indicators", "--rank", "--only", "-w", "patents_per_enterprise=1", "--min-enterprises", "1")
    assert [r["base"] for r in ranked] == ["b1", "b2"]
    # Three enterprises each: below the default minimum of five nobody is ranked, and the table says why.
    assert run_json(cli, "indicators", "--rank") == []
    few = cli.invoke(app, ["indicators", "--rank"])
    assert few.exit_code == 0 and "至少 5 家企业" in few.stdout and "空基地 (0)" in few.stdout.replace("\n", "")
    table = cli.invoke(app, ["indicators"])
    assert table.exit_code == 0 and "深圳高新区" in table.stdout


def test_errors_have_plain_messages_and_exit_codes(cli: CliRunner) -> None:
    missing = cli.invoke(app, ["alliance", "al-none"])
    assert missing.exit_code == 3
    assert "没有编号为 'al-none' 的产业联盟" in missing.output  # Chinese by default
    bad = cli.invoke(app, ["indicators", "--rank", "-w", "own_ip_share"])
    assert bad.exit_code == 4
    assert "name=number" in bad.output
    assert cli.invoke(app, ["collaboration", "e1", "--method", "cosine"]).exit_code == 4
    assert cli.invoke(app, ["indicators", "--history"]).exit_code == 4
