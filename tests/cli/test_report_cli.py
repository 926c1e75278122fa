"""`chainkg report`: Chinese by default, English with ``--lang en`` (the command's or the root's)
or ``CHAINKG_LANG=en``; the same figures and number formats in both languages.

On the demo (sz-led, 2021), LadybugDB: the files the command writes are opened with openpyxl.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from storetools import fresh_store
from typer.testing import CliRunner

pytestmark = pytest.mark.slow

ZH_SHEETS = ["概况", "§2目标", "指标", "产业链覆盖", "缺口与招商", "薄弱环节"]
ZH_SHEETS += ["产业联盟", "专利池", "公共服务平台", "数据来源"]
EN_SHEETS = ["Summary", "§2 targets", "Indicators", "Chain map coverage", "Gaps to attract", "Weak links"]
EN_SHEETS += ["Industry alliances", "Patent pools", "Public service platforms", "Data sources"]


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    from chainkg.ingest.demo import load_demo

    d = tmp_path_factory.mktemp("report-cli")
    fresh_store("ladybug", d / "graph.lbug", load_demo).close()  # graph.lbug: Settings.ladybug_path
    yield {"CHAINKG_DATA_DIR": str(d), "CHAINKG_STORE": "ladybug", "COLUMNS": "250"}


def _run(args: list[str], env: dict[str, str]) -> Any:
    from chainkg.cli.main import app

    return CliRunner().invoke(app, args, env=env)


def _workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(path.read_bytes()))


def _numbers(wb: Any) -> list[tuple[int, int, int, object, str]]:
    """Every number of the workbook: sheet, row, column, value and number format."""
    return [
        (k, c.row, c.column, c.value, c.number_format)
        for k, ws in enumerate(wb)
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, int | float)
    ]


def test_report_in_chinese_and_english(demo_env: dict[str, str], tmp_path: Path) -> None:
    base = ["report", "sz-led", "--year", "2021", "--format", "xlsx", "--out"]
    zh = _run([*base, str(tmp_path / "zh.xlsx")], demo_env)
    assert zh.exit_code == 0, zh.output
    assert "已写入" in zh.output and "年度考核报告" in zh.output
    runs = {
        "option": _run([*base, str(tmp_path / "en1.xlsx"), "--lang", "en"], demo_env),
        "root option": _run(["--lang", "en", *base, str(tmp_path / "en2.xlsx")], demo_env),
        "environment": _run([*base, str(tmp_path / "en3.xlsx")], {**demo_env, "CHAINKG_LANG": "en"}),
    }
    for how, r in runs.items():
        assert r.exit_code == 0, (how, r.output)
        assert "Written:" in r.output and "annual review report" in r.output and "已写入" not in r.output, how
    wb_zh = _workbook(tmp_path / "zh.xlsx")
    assert wb_zh.sheetnames == ZH_SHEETS
    numbers_zh = _numbers(wb_zh)
    assert len(numbers_zh) > 100
    for i in (1, 2, 3):
        wb_en = _workbook(tmp_path / f"en{i}.xlsx")
        assert wb_en.sheetnames == EN_SHEETS
        headers = [str(v) for ws in wb_en for v in next(ws.iter_rows(min_row=3, max_row=3, values_only=True)) if v]
        assert headers and not [h for h in headers if re.search(r"[\u4e00-\u9fff]", h)], headers
        # the same figures where they were, with the same number formats (the unit of a change in
        # percentage points follows the language)
        numbers_en = _numbers(wb_en)
        assert [n[:4] for n in numbers_en] == [n[:4] for n in numbers_zh]
        assert [n[4].replace("percentage points", "个百分点") for n in numbers_en] == [n[4] for n in numbers_zh]
    assert any("个百分点" in n[4] for n in numbers_zh)


def test_report_refuses_an_unknown_language(demo_env: dict[str, str], tmp_path: Path) -> None:
    r = _run(["report", "sz-led", "--year", "2021", "--lang", "fr", "--out", str(tmp_path / "x.xlsx")], demo_env)
    assert r.exit_code != 0
    assert "fr" in r.output and "zh" in r.output and "en" in r.output
    assert not (tmp_path / "x.xlsx").exists()
