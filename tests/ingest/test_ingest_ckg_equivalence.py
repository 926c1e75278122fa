"""The columnar ChainKnowledgeGraph loader builds the same graph and report as the per-line one.

``ckg_reference`` is the per-line loader frozen before the columnar rewrite. Each case loads
the same folder with both (the store emptied in between) and compares node and relationship
counts, a hash and the full canonical dump of every node's key and properties and every
relationship (``loaded_at`` aside), and the whole report: counts per type in their order,
every rejection with file, line and field, every merge, the notes and the files.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ckg_reference
import pytest
from ingesttools import TEST_DATA, canonical_dump

from chainkg.graph.store import GraphStore
from chainkg.ingest import ckg
from chainkg.ingest.progress import NullProgress
from chainkg.ingest.report import IngestReport

STEPS = (
    "industries",
    "sub_industries",
    "upstream",
    "companies",
    "company_industry",
    "product_nodes",
    "makes",
    "product_links",
)


def load_new(store: GraphStore, folder: Path) -> IngestReport:
    """The columnar loader's steps as ``load_ckg`` runs them, without what other work adds
    after the load (chain maps and the like), so only the file loading is compared."""
    load = ckg._CkgLoad(store, folder, NullProgress(), None)
    try:
        for step in STEPS:
            getattr(load, step)()
    finally:
        load.finish_writes()
    return load.report


def report_facts(report: IngestReport) -> dict[str, Any]:
    """The report as the reference loader writes it: the English texts (the message ids it lacks left out)."""
    said = {"__all__": {"msgid", "params"}}
    return report.model_dump(exclude={"started_at": True, "elapsed_s": True, "rejections": said, "merges": said})


def graph_facts(store: GraphStore) -> tuple[dict[str, int], str, dict[str, list[tuple[Any, ...]]]]:
    dump = canonical_dump(store)
    counts = {k: len(v) for k, v in dump.items() if v}
    digest = hashlib.sha256(json.dumps(dump, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()
    return counts, digest, dump


def assert_same(store: GraphStore, folder: Path) -> tuple[IngestReport, dict[str, int]]:
    old_report = ckg_reference.load_ckg(store, folder)
    old_counts, old_hash, old_dump = graph_facts(store)
    store.clear()
    new_report = load_new(store, folder)
    new_counts, new_hash, new_dump = graph_facts(store)
    assert new_counts == old_counts
    if new_hash != old_hash:  # show where, not just that
        differ = {
            k: (sorted(set(v) - set(new_dump[k]), key=repr)[:3], sorted(set(new_dump[k]) - set(v), key=repr)[:3])
            for k, v in old_dump.items()
            if v != new_dump[k]
        }
        raise AssertionError(f"graphs differ (rows only in the old, only in the new): {differ}")
    old, new = report_facts(old_report), report_facts(new_report)
    for part in ("types", "files", "notes", "rejections", "merges"):
        assert new[part] == old[part], part
    assert new == old
    return new_report, new_counts


def test_load_ckg_runs_the_steps_compared_here() -> None:
    source = inspect.getsource(ckg.load_ckg)
    calls = re.findall(r"^\s*load\.(\w+)\(\)\s*$", source, flags=re.MULTILINE)
    assert [c for c in calls if c != "finish_writes"] == list(STEPS)


def test_excerpt_same_as_per_line_loader(store: GraphStore) -> None:
    report, counts = assert_same(store, TEST_DATA / "ckg")
    # the excerpt's quirks are all there: a line that is not JSON, spellings, repeats
    assert any(r.reason == "the line is not a JSON object" for r in report.rejections)
    assert sum(1 for m in report.merges if m.how.startswith("spelled with other")) >= 2
    assert counts["Product"] == 16


def _edit(name: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / name
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")

    return apply


def _append(name: str, *lines: str) -> Callable[[Path], None]:
    return _edit(name, lambda text: text + "".join(line + "\n" for line in lines))


MAKES = '{{"company_code": "{code}", "product_name": {product}, "rel_weight": {weight}, "company_name": "{name}"}}'
LINK = '{{"from_entity": {a}, "to_entity": {b}, "rel": {rel}}}'

CASES: dict[str, list[Callable[[Path], None]]] = {
    # every file clean: the whole load on the pyarrow path
    "all-columnar": [_edit("product_product.json", lambda t: t.replace("this line is not JSON\n", ""))],
    "blank-lines-and-crlf": [
        _edit("product.json", lambda t: t.replace("\n", "\r\n")),
        _edit("company_product.json", lambda t: "\n  \n" + t.replace("\n", "\n\n", 2)),
    ],
    "odd-product-names": [
        _append(
            "product.json",
            '{"name": 5}',
            '{"name": null}',
            "{}",
            '{"name": "   "}',
            '{"name": "\\u3000"}',
            '{"name": "\\u001c"}',
            '{"name": ""}',
            '{"name": "汽车"}',
            '{"name": " 汽车"}',
            '{"name": "ＡＢＣ"}',
            '{"name": "e\\u0301"}',
            '{"name": "x", "name": "y"}',
            "[1, 2]",
            '"just a string"',
        )
    ],
    "odd-makes-rows": [
        _append(
            "company_product.json",
            MAKES.format(code="002594.SZ", product='"汽车"', weight="null", name="比亚迪"),
            MAKES.format(code="002594.SZ", product='"汽车"', weight="0.75", name="比亚迪"),
            MAKES.format(code="002594.SZ", product='"汽车"', weight="null", name="比亚迪"),
            MAKES.format(code=" 002594.sz ", product='"玻璃"', weight="-0.0", name="比亚迪"),
            MAKES.format(code="", product='"玻璃"', weight="1", name="汇顶科技"),
            MAKES.format(code="999999.SZ", product='"玻璃"', weight="2", name="无此公司"),
            MAKES.format(code="603160", product='"ＡＢＣ"', weight="3", name="汇顶科技"),
            MAKES.format(code="603160.SH", product="7", weight="4", name="汇顶科技"),
            MAKES.format(code="603160.SH", product='"指纹芯片"', weight='"high"', name="汇顶科技"),
            MAKES.format(code="603160.SH", product='"指纹芯片"', weight="true", name="汇顶科技"),
        )
    ],
    "nan-weight": [
        _append("company_product.json", MAKES.format(code="002594.SZ", product='"玻璃"', weight="NaN", name="比亚迪"))
    ],
    "odd-links": [
        _edit("product_product.json", lambda t: t.replace("this line is not JSON\n", "")),
        _append(
            "product_product.json",
            LINK.format(a='"汽车"', b='"玻璃"', rel='"下游产品"'),
            LINK.format(a='"玻璃"', b='"汽车"', rel='"上游材料"'),
            LINK.format(a='"汽车"', b='"电动汽车"', rel='"产品小类"'),
            LINK.format(a='"汽车"', b='"电动汽车"', rel="null"),
            LINK.format(a='"汽车"', b='"电动汽车"', rel="3"),
            LINK.format(a='"汽车"', b="null", rel='"上游材料"'),
            LINK.format(a="null", b='"汽车"', rel='"产品小类"'),
            LINK.format(a='"无此产品"', b='"汽车"', rel='"产品小类"'),
            LINK.format(a='"家具五金"', b='"锌合金\\\\铝合金\\\\铁\\\\塑胶\\\\不锈钢"', rel='"上游材料"'),
            LINK.format(a='"家具五金"', b='"锌合金/铝合金/铁/塑胶/不锈钢"', rel='"上游材料"'),
        ),
    ],
    "first-link-a-subtype-reject": [
        _edit("product_product.json", lambda t: LINK.format(a='"无此产品"', b='"汽车"', rel='"产品小类"') + "\n" + t)
    ],
    "no-trailing-newline": [
        _edit("product.json", lambda t: t.rstrip("\n")),
        _edit("company_product.json", lambda t: t.rstrip("\n")),
    ],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_odd_input_same_as_per_line_loader(store: GraphStore, tmp_path: Path, case: str) -> None:
    folder = tmp_path / "ckg"
    shutil.copytree(TEST_DATA / "ckg", folder)
    for change in CASES[case]:
        change(folder)
    assert_same(store, folder)


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_full_data_set_same_as_per_line_loader(store: GraphStore, shared_data: Path) -> None:
    report, counts = assert_same(store, shared_data)
    assert counts["Product"] == 95559 and counts["MAKES:Enterprise->Product"] == 53207
    assert len(report.rejections) == 104 and len(report.merges) > 900
