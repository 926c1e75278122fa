"""The measures on the bundled demo through the CLI, and the ranking minimum on the public data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.cli import app, common
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.demo import load_demo
from chainkg.queries.indicators import MIN_ENTERPRISES, base_indicators, rank_bases
from chainkg.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the demo, closed so the CLI can open it."""
    folder = tmp_path_factory.mktemp("measures-demo")
    store = LadybugStore(folder / "graph.lbug")
    try:
        store.ensure_schema()
        assert load_demo(store).ok
    finally:
        store.close()
    return folder


def _use(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> CliRunner:
    monkeypatch.setattr(common, "_SETTINGS", Settings(store="ladybug", data_dir=data_dir))
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


@pytest.fixture
def cli(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    return _use(monkeypatch, demo_dir)


def test_indicators_of_a_year_show_the_three_targets(cli: CliRunner) -> None:
    out = cli.invoke(app, ["indicators", "sz-led", "--year", "2021"])
    assert out.exit_code == 0, out.output
    text = out.stdout
    assert text.index("§2 目标") < text.index("基地指标")  # the targets come first
    for code, status in (("2a", "│ 达标 "), ("2b", "│ 未达标 "), ("2c", "│ 未达标 ")):
        row = next(ln for ln in text.splitlines() if f"│ {code} " in ln)
        assert status in row, row
    assert "≥ 30.0%" in text and "≥ 1,000 家" in text
    assert "35.6%" in text  # 2a: the base's LED output ÷ the (illustrative) national LED output
    assert "全国LED产值" in text and "同比变化" in text


def test_without_national_totals_the_first_target_is_n_a(
    monkeypatch: pytest.MonkeyPatch, demo_dir: Path, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(demo_dir, copy)
    store = LadybugStore(copy / "graph.lbug")
    try:
        store.execute("MATCH (n:NationalTotal) DELETE n")
    finally:
        store.close()
    runner = _use(monkeypatch, copy)
    out = runner.invoke(app, ["targets", "sz-led", "--year", "2021"])
    assert out.exit_code == 0, out.output
    row = next(ln for ln in out.stdout.splitlines() if "│ 2a " in ln)
    assert "n/a" in row and "35.6%" not in row
    assert "缺少全国LED产值 2021 年" in out.stdout
    as_json = runner.invoke(app, ["targets", "sz-led", "-y", "2021", "--json"])
    assert '"value": null' in as_json.stdout and '"value": 0' not in as_json.stdout


def test_history_follows_the_dated_facts_from_the_approval_year(demo_dir: Path) -> None:
    store = LadybugStore(demo_dir / "graph.lbug")
    try:
        from chainkg.queries.indicators import indicator_history

        hist = indicator_history(store, "sz-led")
    finally:
        store.close()
    years = [i.year for i in hist]
    assert years[0] == 2010 and years == list(range(2010, 2022))  # approved 2010, figures to 2021
    # located_in.csv: 3 firms in 2010 ... 10 by 2016; 长方集团 left after 2019, 精光透镜 closed 2020.
    assert [i.enterprises for i in hist] == [3, 5, 6, 7, 8, 9, 10, 10, 10, 10, 9, 8]
    outputs = [i.output for i in hist]
    assert all(o is not None for o in outputs) and outputs == sorted(outputs)  # it grows every year
    assert [i.intl_patents for i in hist][-5:] == [1, 2, 3, 4, 5]  # one new foreign patent a year
    assert len({i.triple_share for i in hist}) > 1


def test_policy_command_answers_with_the_objects(cli: CliRunner) -> None:
    out = cli.invoke(app, ["policy", "sz-led", "--year", "2021"])
    assert out.exit_code == 0, out.output
    for text in (
        "标准（§4（二））",
        "DEMO-IEC-0004-2021",
        "国际专利",
        "认证",
        "外资研发中心",
        "融资",
        "王示例",
        "重点企业尚无联系人",
    ):
        assert text in out.stdout, text


@pytest.fixture(scope="module")
def public_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LadybugStore]:
    from storetools import SHARED_DATA

    if not (SHARED_DATA / "company.json").exists():
        pytest.skip(f"public data set not found at {SHARED_DATA} (../shared is absent)")
    from chainkg.ingest.ckg import load_ckg

    store = LadybugStore(tmp_path_factory.mktemp("ckg") / "graph.lbug")
    store.ensure_schema()
    load_ckg(store, SHARED_DATA)
    try:
        yield store
    finally:
        store.close()


@pytest.mark.shared
def test_public_ranking_needs_the_minimum_of_enterprises(public_store: LadybugStore) -> None:
    found = base_indicators(public_store)
    ranked = rank_bases(public_store, indicators=found)
    by_base = {i.base: i for i in found}
    assert len(ranked) >= 10
    assert sum(1 for i in found if i.enterprises < MIN_ENTERPRISES) > 0  # the rule has something to leave out
    for r in ranked[:10]:
        assert by_base[r.base].enterprises >= MIN_ENTERPRISES, (r.base, by_base[r.base].enterprises)
    assert all(r.enterprises >= MIN_ENTERPRISES for r in ranked)
    # With no figures in the public data, the figure-based indicators are n/a, not 0.
    sz = by_base["city:深圳市"]
    assert sz.triple_share is None and "triple_share" in sz.missing
