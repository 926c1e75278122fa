"""Chinese by default, English on request: CLI, pages and CSV speak one language each.

A zh answer holds none of the English value words, an en answer none of the Chinese ones
(issue 15). Also: the message catalogs are complete and fresh (like the docs freshness tests).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

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


def _tool() -> Any:
    """tools/i18n.py as a module."""
    pytest.importorskip("babel")
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def test_catalogs_are_complete_and_fresh() -> None:
    assert _tool().check() == []


def test_check_flags_a_msgid_used_bare_and_with_a_context() -> None:
    """One English word with a context (a header) and also bare: the bare use has no meaning named."""
    from babel.messages.catalog import Catalog

    tool = _tool()
    cat = Catalog(locale="zh")
    cat.add("year", "年份", context="column")
    cat.add("year", "年")  # bare: which meaning?
    cat.add("founded", "设立", context="column")
    cat.add("founded", "成立", context="alliance")  # two contexts: each meaning named, fine
    cat.add("Gaps to attract", "招商缺口")
    assert tool.ambiguous(cat) == ["year"]
    # a plural message needs every form translated
    cat.add(("{n} firm", "{n} firms"), ("",), context=None)
    assert tool.untranslated(cat) == ["{n} firm"]


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


# The commands on the demo: every line they print, tables and the text under them.
COMMANDS = [
    ["chain", "sz-led", "-n", "20"],
    ["gaps", "sz-led"],
    ["whatif", "sz-led", "洲明科技"],
    ["candidates", "sz-led", "SMDLED器件"],
    ["complement", "sz-led"],
    ["segments", "sz-led"],
    ["platforms"],
    ["indicators", "sz-led", "--year", "2021"],
    ["indicators", "--rank"],
    ["targets", "sz-led", "--year", "2021"],
    ["policy", "sz-led", "--year", "2021"],
    ["alliance", "al-sz-led", "--recruits", "3"],
    ["patent-pool", "pp-led"],
    ["collaboration", "300323.SZ", "--limit", "3"],
    ["status"],
    ["network-brokers", "--limit", "5"],
    ["network-communities", "--limit", "3"],
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


_ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?:[ '-]+[A-Za-z]{2,}){3,}")
_HELP_KEEP = ("chainkg ", "--", "CHAINKG_", "示例")


def _help_body(text: str) -> str:
    """The prose of a help page: the usage line, examples, option names and metavars dropped."""
    lines = [ln.strip(" │╭╰─") for ln in text.splitlines()]
    keep = [ln for ln in lines if ln and not ln.startswith(("Usage:", *_HELP_KEEP)) and "chainkg " not in ln]
    return re.sub(r"--?[\w-]+|<[^>]+>|\[[^]]*\]", " ", "\n".join(keep))


@pytest.mark.parametrize("name", [e.name for e in __import__("chainkg.cli.main", fromlist=["COMMANDS"]).COMMANDS])
def test_every_command_help_speaks_one_language(name: str) -> None:
    """`chainkg CMD --help` is Chinese by default (its whole text, not only the summary) and English on request."""
    from chainkg.cli.main import app

    runner = CliRunner()
    zh = runner.invoke(app, [name, "--help"], env={"COLUMNS": "250"})
    assert zh.exit_code == 0, zh.output
    assert "参数" in zh.output or "选项" in zh.output, zh.output
    assert "Show this message" not in zh.output and "Options" not in zh.output, zh.output
    assert _ENGLISH_SENTENCE.findall(_help_body(zh.output)) == [], zh.output
    en = runner.invoke(app, ["--lang", "en", name, "--help"], env={"COLUMNS": "250"})
    assert en.exit_code == 0 and "Options" in en.output and "Show this message and exit." in en.output
    assert _ENGLISH_SENTENCE.search(en.output) and "选项" not in en.output and "示例" not in en.output, en.output
    assert env_help(runner, name) == en.output


def env_help(runner: CliRunner, name: str) -> str:
    """The help printed with CHAINKG_LANG=en (as with --lang en)."""
    from chainkg.cli.main import app

    return runner.invoke(app, [name, "--help"], env={"COLUMNS": "250", "CHAINKG_LANG": "en"}).output


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
    "/ui/policy?base=sz-led&year=2021",
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


VIEWS = [
    ("chain", "sz-led", {}),
    ("gap", "sz-led", {"segment": "LED芯片-绿光"}),
    ("alliance", "al-sz-led", {}),
    ("collab", "300323.SZ", {}),
    ("pool", "pp-led", {}),
    ("ego", "sz-led", {"label": "Base"}),
]


def _view_text(view: object, lang: str) -> str:
    """What a person reads on a graph view: title, count line, notes, legend, bands, tooltips."""
    from chainkg.views.render import View

    assert isinstance(view, View)
    legend = [i.en if lang == "en" else i.zh for i in view.legend]
    tips = [str(a.get("title", "")) for _n, a in view.graph.nodes(data=True)]
    tips += [str(a.get("title", "")) for _u, _v, a in view.graph.edges(data=True)]
    parts = [view.title, view.count_text(), *view.notes, *legend, *(b.title for b in view.bands), *tips]
    return "\n".join(parts)


@pytest.mark.parametrize(("kind", "key", "options"), VIEWS, ids=[v[0] for v in VIEWS])
def test_views_speak_one_language(demo_dir: Path, kind: str, key: str, options: dict[str, str]) -> None:
    """Every graph view in zh holds no English value word (titles, legends, tooltips), and in en no Chinese one."""
    from chainkg.graph.store import open_store
    from chainkg.settings import Settings
    from chainkg.views.catalog import build_view

    store = open_store(Settings(store="ladybug", data_dir=demo_dir))
    try:
        with use_locale("zh"):
            zh = _view_text(build_view(store, kind, key, **options), "zh")  # type: ignore[arg-type]
        with use_locale("en"):
            en = _view_text(build_view(store, kind, key, **options), "en")  # type: ignore[arg-type]
    finally:
        store.close()
    assert re.search(r"[\u4e00-\u9fff]", zh)
    zh = "\n".join(ln for ln in zh.splitlines() if not ln.startswith(_DATA_FIELDS))
    assert _english_words(zh) == set(), [ln for ln in zh.splitlines() if _english_words(ln)][:10]
    # Chinese words in the English view only where the Chinese one has them as data (names)
    en_only = _chinese_words(en) - _chinese_words(_data_lines(zh, en))
    assert en_only == set(), [ln for ln in en.splitlines() if _chinese_words(ln)][:10]
    for word in ("来源", "状态", "编号", "基地企业", "个节点"):
        assert word not in en, word


_DATA_FIELDS = ("英文名：",)  # stored facts in English (a platform's English name) are data, shown as they are


def _data_lines(zh: str, en: str) -> str:
    """The lines both languages share word for word: data (names), not our words."""
    return "\n".join(set(zh.splitlines()) & set(en.splitlines()))


# -- loading, --explain and click's own errors (issue 15: no English-only text in a zh answer) -----------------

_UI_ZH = ("中文", "说明", "未导入的行", "导入摘要", "实体消歧", "用法", "错误", "运行", "参数", "选项", "不导入")
"""Words of our (and click's) interface in Chinese: none of them in an English answer (data may be Chinese)."""


def _english_prose(text: str, data: Sequence[str] = ()) -> list[str]:
    """Runs of four or more English words in ``text``, file names, paths and the data values given left out."""
    for v in data:
        text = text.replace(v, " ")
    text = re.sub(r"\S*[/\\.]\S*", " ", text)  # paths, file names (company.json), MAKES.share
    return _ENGLISH_SENTENCE.findall(text)


def _cli(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    from chainkg.cli.main import app

    result = CliRunner().invoke(app, args, env={"COLUMNS": "250", **env}, prog_name="chainkg")
    return result.exit_code, result.output


def test_ingest_ckg_speaks_one_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`chainkg ingest-ckg` on a slice of the data set: notes, rejected rows and files in one language each."""
    import chainkg.cli.common as common
    from chainkg.settings import Settings

    slice_ = ROOT / "tests" / "data" / "ckg"
    # the CLI reads its settings once per process: a store of its own for each run
    monkeypatch.setattr(common, "_SETTINGS", Settings(store="ladybug", data_dir=tmp_path / "zh-store"))
    code, zh = _cli(["ingest-ckg", str(slice_), "--report-dir", str(tmp_path / "zh")], {})
    assert code == 0, zh
    with (tmp_path / "zh" / "rejects.csv").open(encoding="utf-8-sig", newline="") as fh:
        given = [r["value"] for r in csv.DictReader(fh) if r["value"]]  # data from the files, as written
    assert "说明：" in zh and "派生出 2 个城市基地" in zh and "没有使用此代码的行业" in zh, zh
    assert _english_prose(zh, given) == [], zh
    assert "note:" not in zh and "Rejected rows" not in zh
    _derived_base_page_speaks_one_language(tmp_path / "zh-store", tmp_path)
    # English on request (a fresh store, so the load runs again rather than reusing the receipt)
    monkeypatch.setattr(common, "_SETTINGS", Settings(store="ladybug", data_dir=tmp_path / "en-store"))
    code, en = _cli(["ingest-ckg", str(slice_), "--report-dir", str(tmp_path / "en")], {"CHAINKG_LANG": "en"})
    assert code == 0, en
    assert "note: Derived 2 city bases" in en and "no industry with this code" in en, en
    assert [w for w in _UI_ZH if w in en] == [], en
    assert _chinese_cells(en) == set(), en
    # the files are the same whoever ran the load (English and Chinese columns side by side)
    for name in ("rejects.csv", "merges.csv"):
        assert (tmp_path / "zh" / name).read_bytes() == (tmp_path / "en" / name).read_bytes(), name


def _derived_base_page_speaks_one_language(data_dir: Path, tmp_path: Path) -> None:
    """A city base the load derived: the description chainkg wrote is said in the page's language."""
    from apitools import client_for, make_settings

    from chainkg.graph.store.ladybug_store import LadybugStore

    store = LadybugStore(data_dir / "graph.lbug")
    try:
        keys = [r["k"] for r in store.execute("MATCH (b:Base) WHERE b.key STARTS WITH 'city:' RETURN b.key AS k")]
        assert keys, "the slice derives city bases"
        with client_for(store, make_settings(tmp_path)) as c:
            zh = _text(c.get(f"/ui/bases/{keys[0]}").text)
            en = _text(c.get(f"/ui/bases/{keys[0]}?lang=en").text)
    finally:
        store.close()
    assert "由 ChainKnowledgeGraph 的公司全称推导" in zh and "Derived from company full names" not in zh, zh
    assert "Derived from company full names in ChainKnowledgeGraph" in en, en


def test_ingest_explain_speaks_one_language() -> None:
    """`chainkg ingest FILE --explain`: how each column would be read, in Chinese or in English."""
    export = ROOT / "tests" / "data" / "registry" / "企查查导出_示例.xlsx"
    code, zh = _cli(["ingest", str(export), "--explain"], {})
    assert code == 0, zh
    assert "行 → 企业（工商登记导出的企业名录）" in zh and "保存在其他字段（extra）中" in zh, zh
    assert _english_prose(zh) == [], zh
    code, en = _cli(["--lang", "en", "ingest", str(export), "--explain"], {})
    assert code == 0, en
    assert "rows → Enterprise (registry export 企业名录)" in en and "kept in extra (其他字段)" in en, en
    assert [w for w in _UI_ZH if w in en] == [], en
    assert _cli(["ingest", str(export), "--explain"], {"CHAINKG_LANG": "en"})[1] == en


CLICK_MISTAKES = [
    ["gaps"],  # a missing argument
    ["nosuch"],  # no such command
    ["gapz"],  # no such command, with a suggestion
    ["gaps", "sz-led", "--nosuch"],  # no such option
    ["gaps", "sz-led", "--limit", "abc"],  # a value of the wrong type
    ["gaps", "a", "b", "c"],  # extra arguments
    ["--bogus"],  # no such option of the root command
]


@pytest.mark.parametrize("args", CLICK_MISTAKES, ids=lambda a: "_".join(a))
def test_click_errors_speak_one_language(args: list[str]) -> None:
    """click's own words (usage line, error panel, the message) are Chinese by default, English on request."""
    code, zh = _cli(args, {})
    assert code == 2, zh
    assert "用法：chainkg" in zh and "错误" in zh and "查看帮助" in zh, zh
    for english in ("Usage:", "Error", "Try '", "Missing", "No such", "Invalid value", "Got unexpected", "[OPTIONS]"):
        assert english not in zh, (english, zh)
    assert _english_prose(zh) == [], zh
    code, en = _cli(["--lang", "en", *args], {}) if args != ["--bogus"] else _cli(args, {"CHAINKG_LANG": "en"})
    assert code == 2, en
    assert "Usage: chainkg" in en and "Error" in en and "for help." in en, en
    assert not re.search(r"[\u4e00-\u9fff]", en), en  # no data in these answers: no Chinese at all
    assert _cli(args, {"CHAINKG_LANG": "en"})[1] == en


def test_weak_link_reason_counts_in_english_plural_forms() -> None:
    """The English reason of a segment says "1 firm", "2 firms" (ngettext), the Chinese one is unchanged."""
    from chainkg.queries.chainengine.segments import Firm, _why

    one = Firm("e1", "甲公司", None, None, "maker", "product", 1, None)
    two = Firm("e2", "乙公司", None, None, "maker", "product", 1, None)
    en, zh = _why("weak", "LED芯片", "深圳", [one], [one], 3)
    assert "(1 firm nationwide)" in en and "（全国1家）" in zh, (en, zh)
    en, _zh = _why("weak", "LED芯片", "深圳", [one], [one, two], 3)
    assert "(2 firms nationwide)" in en
    en, _zh = _why("gap", "LED芯片", "深圳", [], [one], 1)
    assert "1 firm elsewhere is, e.g. 甲公司." in en
    en, _zh = _why("no_supplier", "LED芯片", "深圳", [], [], 1)
    assert "(1 product matched, no maker)" in en
