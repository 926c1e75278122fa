"""The policy page (/ui/policy): the §2 targets and the policy objects show the API's figures.

On the demo, sz-led in 2021: every figure of the page equals the one of /analytics/targets
and /analytics/policy, in Chinese (the default) and in English; the Chinese page holds none
of the English value words (the leak check of test_i18n); a missing input is n/a and named.
"""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from test_i18n import _english_words, _text

from chainkg.views.measures import show

URL = "/ui/policy?base=sz-led&year=2021"


def _row(page: str, code: str) -> str:
    m = re.search(rf'<tr id="target-{code}".*?</tr>\s*<tr class="t-inputs">.*?</tr>', page, flags=re.S)
    assert m, f"no row for target {code}"
    return m.group(0)


def _cell(row: str, cls: str) -> tuple[str, str]:
    """(data-value, shown text) of the cell with class ``cls``."""
    m = re.search(rf'class="num {cls}" data-value="([^"]*)">([^<]*)<', row)
    assert m, cls
    return m.group(1), html.unescape(m.group(2)).strip()


def _as_float(v: str) -> float | None:
    return None if v == "" else float(v)


def _table_rows(page: str, section: str) -> list[list[str]]:
    m = re.search(rf'<table id="table-{section}">.*?<tbody>(.*?)</tbody>', page, flags=re.S)
    assert m, f"no table {section}"
    return [
        [html.unescape(c).strip() for c in re.findall(r"<td>(.*?)</td>", tr, flags=re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), flags=re.S)
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_targets_equal_the_api(demo: TestClient, lang: str) -> None:
    api = demo.get("/analytics/targets?base=sz-led&year=2021").json()
    page = demo.get(URL + ("&lang=en" if lang == "en" else "")).text
    assert [t["code"] for t in api["targets"]] == ["2a", "2b", "2c"]
    words = {"zh": ("达标", "未达标"), "en": ("met", "not met")}[lang]
    for t in api["targets"]:
        row = _row(page, t["code"])
        kind = "pct" if t["unit"] == "%" else "int"
        raw, shown = _cell(row, "t-value")
        assert _as_float(raw) == t["value"] and shown == show(t["value"], kind)
        raw_total, shown_total = _cell(row, "t-total")
        if t["scope"] == "national":
            assert _as_float(raw_total) == t["total"] and shown_total == show(t["total"], kind)
        status = re.search(r'class="tag [^"]* t-status">([^<]*)<', row)
        assert status and status.group(1) == (words[0] if t["met"] else words[1])
        name = t["name_en"] if lang == "en" else t["name"]
        assert html.escape(name, quote=True) in row or name in html.unescape(row)
        inputs = [_as_float(v) for v in re.findall(r'class="t-input" data-value="([^"]*)"', row)]
        assert inputs == [x["value"] for x in t["inputs"]] and inputs
        for x in t["inputs"]:
            assert (x["name_en"] if lang == "en" else x["name"]) in html.unescape(row)
    # the demo figures of docs/indicators.md
    assert api["targets"][0]["met"] is True and show(api["targets"][0]["value"], "pct") == "35.6%"
    assert api["targets"][1]["value"] == 7 and api["targets"][1]["total"] == 23


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_policy_objects_equal_the_api(demo: TestClient, lang: str) -> None:
    api = demo.get("/analytics/policy?base=sz-led&year=2021").json()
    page = demo.get(URL + ("&lang=en" if lang == "en" else "")).text
    standards = _table_rows(page, "standards")
    assert [r[0] for r in standards] == [s["standard"] for s in api["standards"]] and len(standards) == 4
    patents = _table_rows(page, "intl-patents")
    assert [(r[0], r[1]) for r in patents] == [(p["patent"], p["jurisdiction"]) for p in api["international_patents"]]
    certs = _table_rows(page, "certifications")
    assert [(r[0], r[1]) for r in certs] == [(c["enterprise"], c["certification"]) for c in api["certifications"]]
    centres = _table_rows(page, "rd-centres")
    assert [r[0] for r in centres] == [r["name"] for r in api["rd_centres"]] and centres
    financing = _table_rows(page, "financing")
    expected = [(f["enterprise"], show(f["amount"], "wan_cny")) for f in api["financing"]]
    assert [(r[0], r[2]) for r in financing] == expected and expected
    keys = _table_rows(page, "key-enterprises")
    assert [r[0] for r in keys] == [k["name"] for k in api["key_enterprises"]] and len(keys) == 4
    contacts = {k["name"]: k["contact"] for k in api["key_enterprises"]}
    for r in keys:
        if contacts[r[0]]:
            assert r[1] == contacts[r[0]]
        else:  # 奥拓电子 has no contact in the demo: said, not left blank
            assert r[1] == ("尚无联系人" if lang == "zh" else "no contact yet")
    assert api["key_without_contact"] == ["奥拓电子"]
    # every table says it is the whole list
    whole = "共 4 个。" if lang == "zh" else "All 4."
    assert whole in page


def test_zh_page_has_no_english_value_words(demo: TestClient) -> None:
    zh = _text(demo.get(URL).text)
    assert "达标" in zh and "国家标准" in zh and "出口信用保险" in zh
    assert _english_words(zh) == set(), _english_words(zh)
    assert not re.search(r"\b(met|not met|Standards drafted|Inputs used)\b", zh)
    en = _text(demo.get(URL + "&lang=en").text)
    assert "Standards drafted" in en and "达标" not in en and "国家标准" not in en
    # instruments are ours (the provider's name is data and stays Chinese)
    assert [r[1] for r in _table_rows(demo.get(URL).text, "financing")] == ["出口信用保险"]
    assert [r[1] for r in _table_rows(demo.get(URL + "&lang=en").text, "financing")] == ["export credit insurance"]


def test_missing_input_is_na_and_named(demo: TestClient) -> None:
    """A year without figures: every target is n/a with the missing input named, never 0."""
    api = demo.get("/analytics/targets?base=sz-led&year=2025").json()
    assert all(t["value"] is None and t["met"] is None for t in api["targets"])
    page = demo.get("/ui/policy?base=sz-led&year=2025").text
    for t in api["targets"]:
        row = _row(page, t["code"])
        assert _cell(row, "t-value") == ("", "n/a")
        assert 'data-met="none"' in row and "缺数据（n/a）" in row
        named = [html.unescape(m) for m in re.findall(r'<p class="t-missing">✗ 缺数据，缺少输入： ([^<]*)</p>', row)]
        assert named == [m.rsplit(" (", 1)[0] for m in t["missing"]] and named


def test_default_year_and_lenient_year(demo: TestClient) -> None:
    """Without a year (or with an unreadable one) the page shows the API's default year."""
    api_year = demo.get("/analytics/targets?base=sz-led").json()["year"]
    for url in ("/ui/policy?base=sz-led", "/ui/policy?base=sz-led&year=abc", "/ui/policy?base=sz-led&year=99999"):
        page = demo.get(url)
        assert page.status_code == 200
        assert f'<option value="{api_year}" selected>' in page.text
    assert demo.get("/ui/policy?base=no-such-base").status_code == 404


def test_long_tables_say_they_are_partial(demo: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from chainkg.views import policypage

    monkeypatch.setattr(policypage, "SECTION_ROWS", 2)
    page = demo.get(URL).text
    assert len(_table_rows(page, "standards")) == 2
    assert "显示 2 / 4。" in page and "/analytics/policy?base=sz-led&amp;year=2021" in page


def test_linked_from_home_and_base_pages(demo: TestClient) -> None:
    assert 'href="/ui/policy"' in demo.get("/").text
    assert 'href="/ui/policy?base=sz-led"' in demo.get("/ui/bases/sz-led").text
