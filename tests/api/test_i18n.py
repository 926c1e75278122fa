"""Chinese by default, English on request: CLI, pages and CSV speak one language each.

A zh answer holds none of the English value words, an en answer none of the Chinese ones
(issue 15). Also: the message catalogs are complete and fresh (like the docs freshness tests).
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from storetools import fresh_store
from typer.testing import CliRunner

from chainkg.i18n import from_accept_language, use_locale, value

ROOT = Path(__file__).resolve().parents[2]

# Written out here, not taken from the catalog, so a catalog that loses a word fails.
EN_VALUES = ["product", "industry", "gap", "weak", "covered", "no_supplier", "upstream", "midstream",
             "downstream", "chair", "vice_chair", "member", "yes", "no"]  # fmt: skip
ZH_VALUES = ["产品", "行业", "缺口", "薄弱", "已覆盖", "无已知供应商", "上游", "中游", "下游", "理事长单位", "成员"]


def _english_words(text: str) -> set[str]:
    """The English value words standing alone in ``text`` (not inside a key like sz-led or a URL)."""
    return {w for w in EN_VALUES if re.search(rf"(?<![\w/:.-]){re.escape(w)}(?![\w/:.-])", text)}


def _chinese_words(text: str) -> set[str]:
    """The Chinese value words standing alone (a data name such as 显示产品 or 上游：材料 may hold one: data stays)."""
    return {w for w in ZH_VALUES if re.search(rf"(?<![\u4e00-\u9fff]){w}(?![\u4e00-\u9fff：])", text)}


def _chinese_cells(text: str) -> set[str]:
    """The Chinese value words that are a whole table cell (what a code translated to)."""
    return {w for w in ZH_VALUES if re.search(rf"(?<=[│\s]){w}(?=[\s│])", text)}


def test_catalogs_are_complete_and_fresh() -> None:
    pytest.importorskip("babel")
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.check() == []


def test_values_and_accept_language() -> None:
    with use_locale("zh"):
        got = [value(v) for v in ("gap", "product", "chair", "upstream", True)]
        assert got == ["缺口", "产品", "理事长单位", "上游", "是"]
        assert value("深圳市") == "深圳市" and value(3) == 3
    with use_locale("en"):
        assert [value(v) for v in ("gap", "no_supplier", False)] == ["gap", "no known supplier", "no"]
    assert from_accept_language("en-US,en;q=0.9") == "en"
    assert from_accept_language("de;q=1, zh-CN;q=0.3, en;q=0.2") == "zh"
    assert from_accept_language("fr") is None


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from chainkg.ingest.demo import load_demo

    d = tmp_path_factory.mktemp("i18n-cli")
    fresh_store("ladybug", d / "graph.lbug", load_demo).close()  # graph.lbug: Settings.ladybug_path
    yield d


# The main commands on the demo; `indicators`, `targets`, `policy`, `alliance` and `status` still
# print reason texts written bilingually in queries/ and are not listed yet.
COMMANDS = [
    ["chain", "sz-led", "-n", "20"],
    ["gaps", "sz-led"],
    ["whatif", "sz-led", "洲明科技"],
    ["candidates", "sz-led", "SMDLED器件"],
    ["complement", "sz-led"],
    ["segments", "sz-led"],
    ["platforms"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_cli_speaks_one_language(demo_dir: Path, args: list[str]) -> None:
    from chainkg.cli.main import app

    runner = CliRunner()
    env = {"CHAINKG_DATA_DIR": str(demo_dir), "CHAINKG_STORE": "ladybug", "COLUMNS": "250"}
    zh = runner.invoke(app, args, env=env)
    assert zh.exit_code == 0, zh.output
    assert re.search(r"[\u4e00-\u9fff]", zh.output), zh.output[:500]
    assert _english_words(zh.output) == set(), zh.output
    en = runner.invoke(app, ["--lang", "en", *args], env=env)
    assert en.exit_code == 0, en.output
    assert not re.search(r"[┃│] *(层级|阶段|状态|企业|基地) *[┃│]", en.output), en.output[:500]  # English headers
    assert _chinese_cells(en.output) == set(), en.output
    # CHAINKG_LANG picks English too
    env_en = runner.invoke(app, args, env={**env, "CHAINKG_LANG": "en"})
    assert env_en.output == en.output


def test_segments_cli_zh_has_no_english_value(demo_dir: Path) -> None:
    from chainkg.cli.main import app

    out = CliRunner().invoke(app, ["segments", "sz-led"], env={"CHAINKG_DATA_DIR": str(demo_dir), "COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    assert "缺口" in out.output and _english_words(out.output) == set(), out.output


def test_cli_help_in_chinese_by_default() -> None:
    from chainkg.cli.main import app

    runner = CliRunner()
    zh = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert "显示基地的产业链" in zh.output
    en = runner.invoke(app, ["--lang", "en", "--help"], env={"COLUMNS": "200"})
    assert "Show a base's industry chain" in en.output and "显示基地的产业链" not in en.output


PAGES = [
    "/",
    "/ui/bases/sz-led",
    "/ui/alliances",
    "/ui/platforms",
    "/ui/pools",
    "/ui/ranking",
    "/ui/map",
    "/ui/search?q=光电",
    "/ui/compare?bases=sz-led,sz-hitech",
    "/ui/alliances/al-sz-led",
    "/ui/chainmap?base=sz-led&map=led",
    "/ui/base-chain?key=sz-led",
]


def _data_text(html: str) -> str:
    """What stays Chinese in both languages: the data (names), i.e. the zh text less our catalog's words."""
    return _text(html)


def _text(html: str) -> str:
    """The words a person reads: tags, scripts and attribute values dropped."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("path", PAGES)
def test_pages_speak_one_language(demo: TestClient, path: str) -> None:
    zh = demo.get(path, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert zh.status_code == 200
    if path.startswith("/ui/base-chain"):  # a fragment the base page fetches: no layout around it
        return _check_fragment(demo, path)
    assert 'lang="zh-CN"' in zh.text and "首页" in zh.text and "English" in zh.text
    assert "Home" not in _text(zh.text)
    assert _english_words(_text(zh.text)) == set()
    en = demo.get(path, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert en.status_code == 200
    assert 'lang="en"' in en.text and "Home" in en.text and "首页" not in en.text
    assert _chinese_words(_text(en.text)) - _chinese_words(_data_text(zh.text)) == set()
    assert demo.get(path + ("&" if "?" in path else "?") + "lang=en").text.count("Home") >= 1


def test_base_page_values(demo: TestClient) -> None:
    zh = _text(demo.get("/ui/bases/sz-led").text)
    en = _text(demo.get("/ui/bases/sz-led?lang=en").text)
    for w in ("upstream", "downstream", "midstream", "weak"):
        assert not re.search(rf"(?<![\w-]){w}(?![\w-])", zh), w
    assert {"缺口", "薄弱"} & _chinese_words(zh)
    assert "薄弱" not in en and "上游" not in en


def test_csv_headers_follow_the_language(demo: TestClient) -> None:
    r = demo.get("/bases?format=csv")
    assert r.status_code == 200, r.text
    head_zh = r.content.decode("utf-8-sig").splitlines()[0]
    assert "名称" in head_zh and "name" not in head_zh.split(",")
    r_en = demo.get("/bases?format=csv", headers={"Accept-Language": "en"})
    head_en = r_en.content.decode("utf-8-sig").splitlines()[0]
    assert "name" in head_en.split(",") and "名称" not in head_en
    # cells: plain values, lists joined with "；", never a JSON array
    assert '["' not in r.content.decode("utf-8-sig")


STATUS_ZH = ["已覆盖", "薄弱", "缺口", "无已知供应商"]


def _check_fragment(demo: TestClient, path: str) -> None:
    zh = _text(demo.get(path).text)
    en = _text(demo.get(path + "&lang=en").text)
    assert "产品层缺口与招商候选" in zh and _english_words(zh) == set(), zh[:500]
    assert "Product-level gaps and whom to attract" in en and "产品层" not in en, en[:500]
    assert _chinese_words(en) - _chinese_words(zh) == set()


def _labels(html: str) -> dict[str, object]:
    m = re.search(r"window\.CHAINKG_LABELS = (\{.*?\});", html)
    assert m, "the chain map page gives its script no labels"
    got: dict[str, object] = json.loads(m.group(1))
    return got


@pytest.mark.parametrize("path", ["/ui/bases/sz-led", "/ui/chainmap?base=sz-led&map=led"])
def test_chain_map_speaks_one_language(demo: TestClient, path: str) -> None:
    """The map (legend, boxes, flow) and the labels of its click panel: one language each."""
    zh_html = demo.get(path).text
    en_html = demo.get(path + ("&" if "?" in path else "?") + "lang=en").text
    assert 'id="chain-map"' in zh_html and 'id="chain-map"' in en_html
    zh, en = _text(zh_html), _text(en_html)
    assert "图例" in zh_html and "产业链图谱" in zh and _english_words(zh) == set()
    # The status words are ours, never data: none of them on the English page (legend, boxes)
    assert {w for w in STATUS_ZH if w in en} == set(), en[:800]
    assert "no known supplier" in en and "box: base firms / makers nationwide" in en
    assert "基地企业" not in en and "全国企业" not in en and "点击方框" not in en
    # The click panel's texts, handed to chainmap.js
    lz, le = _labels(zh_html), _labels(en_html)
    assert lz["status"] == {"covered": "已覆盖", "weak": "薄弱", "gap": "缺口", "no_supplier": "无已知供应商"}
    assert le["status"] == {"covered": "covered", "weak": "weak", "gap": "gap", "no_supplier": "no known supplier"}
    assert lz["show_all"] == "显示全部企业和产品" and le["show_all"] == "show every firm and product"
    # the texts only (not the keys), placeholders such as {total} dropped
    flat_zh = re.sub(r"\{\w+\}", "", " ".join(_strings(lz)))
    flat_en = " ".join(_strings(le))
    assert not re.search(r"[A-Za-z]{3,}", flat_zh.replace("JSON", "")), flat_zh
    assert not re.search(r"[\u4e00-\u9fff]", flat_en), flat_en
    assert set(lz) == set(le)


def _strings(d: object) -> list[str]:
    if isinstance(d, dict):
        return [x for v in d.values() for x in _strings(v)]
    return [str(d)]
