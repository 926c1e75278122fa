"""``chainkg ingest``, ``ingest-ckg`` and ``ingest-demo`` through typer's CliRunner (embedded store)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from ingesttools import TEST_DATA, write_csv
from typer.testing import CliRunner

import chainkg.cli.common as common
from chainkg.cli import app
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.settings import Settings

runner = CliRunner()


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the CLI at a fresh embedded store in a temporary folder."""
    d = tmp_path / "chainkg-data"
    monkeypatch.setattr(common, "_SETTINGS", Settings(store="ladybug", data_dir=d))
    yield d


def stored_counts(data_dir: Path) -> dict[str, int]:
    store = LadybugStore(data_dir / "graph.lbug")
    try:
        return {k: v for k, v in store.counts().items() if v}
    finally:
        store.close()


def test_ingest_folder_prints_summary_and_writes_reports(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_csv(folder / "base.csv", ["key", "name", "approved_year"], [["b1", "基地", "2010"], ["b2", "坏", "19"]])
    reports = tmp_path / "reports"
    result = runner.invoke(app, ["ingest", str(folder), "--report-dir", str(reports)])
    assert result.exit_code == 0, result.output
    assert "从 1 个表读取 2 行；导入 1 行（新增 1，" in flat(result.output)
    assert "拒绝 1 行。" in flat(result.output)
    assert "未导入的行（前 15 行）" in flat(result.output)
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert summary["types"][0]["type"] == "Base" and summary["types"][0]["rejected"] == 1
    with (reports / "rejects.csv").open(encoding="utf-8-sig", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert (row["file"], row["line"], row["field"]) == ("base.csv", "3", "approved_year")
    assert stored_counts(data_dir) == {"Base": 1}


def test_ingest_json_output_and_rerun(data_dir: Path, tmp_path: Path) -> None:
    small = TEST_DATA / "ingest" / "small"
    first = runner.invoke(app, ["ingest", str(small), "--json", "--report-dir", str(tmp_path / "r1")])
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert sum(t["created"] for t in report["types"]) == 36
    again = runner.invoke(app, ["ingest", str(small), "--json", "--report-dir", str(tmp_path / "r2")])
    assert sum(t["unchanged"] for t in json.loads(again.output)["types"]) == 36


def test_dry_run_and_strict(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_csv(folder / "enterprise.csv", ["name", "uscc"], [["甲", ""], ["乙", "123"]])
    dry = runner.invoke(app, ["ingest", str(folder), "--dry-run", "--report-dir", str(tmp_path / "r")])
    assert dry.exit_code == 0 and "试运行" in flat(dry.output) and "将导入 1 行" in flat(dry.output)
    en = runner.invoke(app, ["--lang", "en", "ingest", str(folder), "--dry-run", "--report-dir", str(tmp_path / "r")])
    assert "Read 2 rows from 1 tables; would load 1 (" in flat(en.output) and "dry run" in flat(en.output)
    assert stored_counts(data_dir) == {}
    strict = runner.invoke(app, ["ingest", str(folder), "--strict", "--report-dir", str(tmp_path / "r")])
    assert strict.exit_code == 4
    assert "文件 " in flat(strict.output) and "enterprise.csv，第 3 行，字段“uscc”：" in flat(strict.output)
    assert stored_counts(data_dir) == {}


def test_missing_path_is_a_plain_error(data_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope")])
    assert result.exit_code == 4
    assert "处没有文件或文件夹" in flat(result.output) and "there is no" not in flat(result.output)
    en = runner.invoke(app, ["--lang", "en", "ingest", str(tmp_path / "nope")])
    assert en.exit_code == 4 and "there is no file or folder" in flat(en.output)


def _bad_rows(folder: Path) -> None:
    """base.csv with a bad year (line 3), enterprise.csv with a short USCC (line 2), a missing name and a bad
    number (line 3), located_in.csv naming a firm no file and no store holds (line 2)."""
    write_csv(folder / "base.csv", ["key", "name", "approved_year"], [["b1", "基地", "2010"], ["b2", "坏", "19"]])
    write_csv(folder / "enterprise.csv", ["name", "uscc", "employees"], [["甲", "123", "10"], ["", "", "十个"]])
    write_csv(folder / "located_in.csv", ["src", "dst"], [["无此公司", "b1"]])


def _rejected_table(output: str) -> list[list[str]]:
    """The cells of each row of the rejected-rows table (file, line, field, value, reason)."""
    rows = []
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().strip("│┃").split("│")]
        if len(cells) == 5 and cells[0].endswith(".csv"):
            rows.append(cells)
    return rows


def test_problems_in_chinese_by_default_english_on_request(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one table row per line: no wrapped cells
    folder = tmp_path / "in"
    _bad_rows(folder)
    zh = runner.invoke(app, ["ingest", str(folder), "--dry-run", "--report-dir", str(tmp_path / "zh")])
    assert zh.exit_code == 0, zh.output
    rows = {(f, ln, fld): why for f, ln, fld, _v, why in _rejected_table(zh.output)}
    assert rows[("base.csv", "3", "approved_year")].startswith("年份 19 不在 1800–"), zh.output
    assert rows[("enterprise.csv", "2", "uscc")] == "统一社会信用代码应为 18 位；此处为 3 位"
    assert rows[("enterprise.csv", "3", "name")] == "为必填项：请填写 name (名称) 列"
    assert rows[("enterprise.csv", "3", "employees")] == "必须是整数（例如 2015）"
    assert rows[("located_in.csv", "2", "src")].startswith("在这些文件和库中都找不到名为“无此公司”的 ")
    assert "must be" not in zh.output and "is required" not in zh.output

    en = runner.invoke(app, ["--lang", "en", "ingest", str(folder), "--dry-run", "--report-dir", str(tmp_path / "en")])
    assert en.exit_code == 0, en.output
    rows = {(f, ln, fld): why for f, ln, fld, _v, why in _rejected_table(en.output)}
    assert rows[("base.csv", "3", "approved_year")].startswith("the year 19 is outside 1800–")
    assert rows[("enterprise.csv", "2", "uscc")].startswith("a unified social credit code (统一社会信用代码) has 18")
    assert rows[("enterprise.csv", "3", "employees")] == "must be a whole number (for example 2015)"
    assert (
        rows[("located_in.csv", "2", "src")].startswith("no ")
        and "called '无此公司'" in rows[("located_in.csv", "2", "src")]
    )

    monkeypatch.setenv("CHAINKG_LANG", "en")
    common._SETTINGS = Settings(store="ladybug", data_dir=data_dir)  # read CHAINKG_LANG afresh
    env = runner.invoke(app, ["ingest", str(folder), "--dry-run", "--report-dir", str(tmp_path / "env")])
    assert "must be a whole number (for example 2015)" in env.output and "必须是整数" not in env.output

    # What is kept on disk is the same whoever ran the load: English, msgid + parameters, and the zh text.
    for run in ("zh", "en"):
        summary = json.loads((tmp_path / run / "summary.json").read_text(encoding="utf-8"))
        year = next(r for r in summary["rejections"] if r["field"] == "approved_year")
        assert year["reason"].startswith("the year 19 is outside") and year["message"] is None
        assert year["msgid"].startswith("the year {value} is outside") and year["params"]["value"] == 19
        with (tmp_path / run / "rejects.csv").open(encoding="utf-8-sig", newline="") as fh:
            by_field = {r["field"]: r for r in csv.DictReader(fh)}
        assert by_field["uscc"]["reason"].startswith("a unified social credit code")
        assert by_field["uscc"]["reason_zh"] == "统一社会信用代码应为 18 位；此处为 3 位"
    assert (tmp_path / "zh" / "rejects.csv").read_bytes() == (tmp_path / "en" / "rejects.csv").read_bytes()


def test_notes_in_the_chosen_language_and_kept_in_english(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_csv(folder / "base.csv", ["key", "name", "备注2"], [["b1", "基地", "x"]])
    zh = runner.invoke(app, ["ingest", str(folder), "--dry-run", "--report-dir", str(tmp_path / "zh")])
    assert "说明： base.csv：列 '备注2' 不属于 Base 格式，已忽略（可识别的列：" in flat(zh.output), zh.output
    en = runner.invoke(app, ["--lang", "en", "ingest", str(folder), "--dry-run", "--report-dir", str(tmp_path / "en")])
    assert "note: base.csv: column(s) '备注2' are not part of the Base format and were ignored" in flat(en.output)
    for run in ("zh", "en"):  # summary.json keeps the English whoever ran the load
        summary = json.loads((tmp_path / run / "summary.json").read_text(encoding="utf-8"))
        assert summary["notes"][0].startswith("base.csv: column(s) '备注2' are not part of the Base format")
        assert summary["note_messages"] is None


def test_strict_error_names_file_line_field_in_the_chosen_language(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_csv(folder / "base.csv", ["key", "name", "approved_year"], [["b1", "基地", "2010"], ["b2", "坏", "19"]])
    zh = runner.invoke(app, ["ingest", str(folder), "--strict", "--report-dir", str(tmp_path / "r")])
    assert zh.exit_code == 4
    assert "base.csv，第 3 行，字段“approved_year”：年份 19 不在 1800–" in flat(zh.output)
    assert "（严格模式：未导入任何数据）" in flat(zh.output)
    en = runner.invoke(app, ["--lang", "en", "ingest", str(folder), "--strict", "--report-dir", str(tmp_path / "r")])
    assert en.exit_code == 4
    assert "file base.csv, line 3, field 'approved_year': the year 19 is outside 1800–" in flat(en.output)
    assert "(strict mode: nothing was loaded)" in flat(en.output)
    assert stored_counts(data_dir) == {}


def test_batch_size_and_aliases_options(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_csv(folder / "enterprise.csv", ["name"], [["华为"]])
    write_csv(folder / "base.csv", ["key", "name"], [["b", "基地"]])
    write_csv(folder / "located_in.csv", ["src", "dst"], [["HW", "b"]])
    aliases = write_csv(tmp_path / "别名.csv", ["别名", "标准名称"], [["HW", "华为"]])
    result = runner.invoke(
        app,
        ["ingest", str(folder), "--aliases", str(aliases), "--batch-size", "1", "--report-dir", str(tmp_path / "r")],
    )
    assert result.exit_code == 0, result.output
    assert "实体消歧合并了 1 行" in flat(result.output)
    assert stored_counts(data_dir) == {"Base": 1, "Enterprise": 1, "LOCATED_IN": 1}


@pytest.mark.slow  # loads a whole data set (seconds of CPU): CI runs it, the fast loop leaves it out
def test_ingest_ckg_command(data_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest-ckg", str(TEST_DATA / "ckg"), "--report-dir", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "ChainKnowledgeGraph" in flat(result.output)
    assert "说明： 根据以地名开头的企业全称（cpca）为 11 家企业中的 8 家确定了省份" in flat(result.output)
    assert stored_counts(data_dir)["Product"] == 16
    # merges.csv, like rejects.csv, holds how in English (stable) and in Chinese, whoever ran the load
    with (tmp_path / "r" / "merges.csv").open(encoding="utf-8-sig", newline="") as fh:
        merges = list(csv.DictReader(fh))
    assert [(m["how"], m["how_zh"]) for m in merges if m["line"] == "7" and m["type"] == "Enterprise"] == [
        ("stock code unknown; matched by unique short name", "股票代码未知；按唯一的简称匹配")
    ]
    # a re-load of the same files reuses the last load's report: its notes are said in the reader's language too
    en = runner.invoke(app, ["--lang", "en", "ingest-ckg", str(TEST_DATA / "ckg"), "--report-dir", str(tmp_path / "e")])
    assert en.exit_code == 0, en.output
    assert "note: The files are byte for byte those of the last load" in flat(en.output)
    assert "note: Placed 8 of 11 enterprises" in flat(en.output) and "说明" not in en.output
    assert (tmp_path / "e" / "merges.csv").read_bytes() == (tmp_path / "r" / "merges.csv").read_bytes()
    bad = runner.invoke(app, ["ingest-ckg", str(tmp_path)])
    assert bad.exit_code == 4 and "不是 ChainKnowledgeGraph 数据目录：缺少 industry.json" in flat(bad.output)
    bad_en = runner.invoke(app, ["--lang", "en", "ingest-ckg", str(tmp_path)])
    assert bad_en.exit_code == 4 and "is not a ChainKnowledgeGraph folder" in flat(bad_en.output)


@pytest.mark.slow  # loads a whole data set (seconds of CPU): CI runs it, the fast loop leaves it out
def test_ingest_demo_command(data_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest-demo", "--report-dir", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "拒绝 0 行。" in flat(result.output)
    counts = stored_counts(data_dir)
    assert counts["Base"] == 4 and counts["Platform"] == 8


def test_help_texts_have_examples() -> None:
    for cmd in ("ingest", "ingest-ckg", "ingest-demo"):
        result = runner.invoke(app, [cmd, "--help"])
        assert result.exit_code == 0
        assert "示例：chainkg " + cmd in flat(result.output)  # the help speaks Chinese by default


@pytest.mark.slow  # loads a whole data set (seconds of CPU): CI runs it, the fast loop leaves it out
def test_demo_and_public_data_are_not_mixed_silently(data_dir: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["ingest-demo"]).exit_code == 0
    before = stored_counts(data_dir)
    refused = runner.invoke(app, ["ingest-ckg", str(TEST_DATA / "ckg")])
    assert refused.exit_code == 4, refused.output
    assert "此存储已有演示数据" in flat(refused.output) and "--mix" in flat(refused.output)
    assert "CHAINKG_DATA_DIR=chainkg-public" in flat(refused.output)
    assert stored_counts(data_dir) == before, "nothing was written"
    mixed = runner.invoke(app, ["ingest-ckg", str(TEST_DATA / "ckg"), "--mix"])
    assert mixed.exit_code == 0, mixed.output
    assert stored_counts(data_dir)["Product"] > before["Product"]
    # ...and the other way round: the demo onto a store holding the public data's city bases.
    assert any(k.startswith("city:") for k in _base_keys(data_dir))
    other = tmp_path / "public-only"
    common._SETTINGS = Settings(store="ladybug", data_dir=other)
    assert runner.invoke(app, ["ingest-ckg", str(TEST_DATA / "ckg")]).exit_code == 0
    refused = runner.invoke(app, ["ingest-demo"])
    assert refused.exit_code == 4 and "此存储已有公开数据" in flat(refused.output)
    refused_en = runner.invoke(app, ["--lang", "en", "ingest-demo"])
    assert refused_en.exit_code == 4 and "already holds the public data" in flat(refused_en.output)


def _base_keys(data_dir: Path) -> list[str]:
    store = LadybugStore(data_dir / "graph.lbug")
    try:
        return [r["key"] for r in store.execute("MATCH (b:Base) RETURN b.key AS key")]
    finally:
        store.close()


def test_each_progress_bar_keeps_its_own_time() -> None:
    """Bars without a known total stop their clocks when their file is done (ingest-ckg's reads)."""
    import time

    from chainkg.cli.cmd_ingest import RichProgress, _bars

    bars = _bars(False)
    p = RichProgress(bars)
    p.start("read a.json", None)
    p.start("read b.json", None)
    p.advance("read a.json", 5)
    p.finish("read a.json")
    time.sleep(0.3)
    p.advance("read b.json", 7)
    p.finish("read b.json")
    time.sleep(0.2)
    a, b = bars.tasks
    assert a.finished and b.finished and (a.completed, b.completed) == (5, 7)
    assert a.finished_time is not None and b.finished_time is not None
    assert b.finished_time - a.finished_time >= 0.25, "the second file took longer and shows it"
    assert a.elapsed is not None and abs(a.elapsed - a.finished_time) < 0.05, "a finished bar's clock stopped"


def test_registry_export_through_the_cli_with_the_review_round_trip(data_dir: Path, tmp_path: Path) -> None:
    # stored first: a firm under a short name (ILLUSTRATIVE, invented)
    write_csv(tmp_path / "pre" / "enterprise.csv", ["name", "full_name"], [["示例精密", "示例精密机械有限公司"]])
    assert runner.invoke(app, ["ingest", str(tmp_path / "pre")]).exit_code == 0
    export = tmp_path / "名单.csv"
    export.write_text(
        "企查查导出（示例）\n企业名称,法定代表人,注册资本,成立日期,电话\n"
        "苏州示例精密机械有限公司,示例甲,50万美元,2001年1月1日,0512-000\n",
        encoding="utf-8",
    )
    reports = tmp_path / "r1"
    explained = runner.invoke(app, ["ingest", str(export), "--explain", "--type", "registry"])
    assert explained.exit_code == 0, explained.output
    assert "保存在其他字段（extra）中" in flat(explained.output) and "reg_capital" in flat(explained.output)
    first = runner.invoke(app, ["ingest", str(export), "--type", "registry", "--report-dir", str(reports)])
    assert first.exit_code == 0, first.output
    assert "已暂缓导入" in flat(first.output) and "resolution-review.csv" in flat(first.output)
    review = reports / "resolution-review.csv"
    with review.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["given_name"], r["candidate_name"], r["decision"]) for r in rows] == [
        ("苏州示例精密机械有限公司", "示例精密", "")
    ]
    rows[0]["decision"] = "同一"
    with review.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    second = runner.invoke(app, ["ingest", str(export), "--review", str(review), "--report-dir", str(tmp_path / "r2")])
    assert second.exit_code == 0, second.output
    assert not (tmp_path / "r2" / "resolution-review.csv").exists()
    store = LadybugStore(data_dir / "graph.lbug")
    try:
        [firm] = store.execute(
            "MATCH (e:Enterprise) RETURN e.name AS name, e.aliases AS aliases, e.reg_capital_currency AS cur"
        )
    finally:
        store.close()
    assert firm == {"name": "示例精密", "aliases": ["苏州示例精密机械有限公司"], "cur": "USD"}
