"""The load on both stores: formats, rejections, strict and dry runs, re-runs, hostile values, resolution."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
from ingesttools import TEST_DATA, canonical_dump, read_csv_dicts, write_csv, write_jsonl, write_xlsx

from chainkg.errors import InvalidInputError
from chainkg.graph.store import GraphStore
from chainkg.ingest.pipeline import UNKNOWN, ingest_file, ingest_paths
from chainkg.ingest.textsafe import clean_key

SMALL = TEST_DATA / "ingest" / "small"


def nonzero(store: GraphStore) -> dict[str, int]:
    return {k: v for k, v in store.counts().items() if v}


SMALL_COUNTS = {
    "Base": 2,
    "Enterprise": 4,
    "ResearchOrg": 2,
    "Alliance": 1,
    "Patent": 2,
    "Product": 4,
    "TechField": 2,
    "LOCATED_IN": 4,
    "MAKES": 3,
    "INPUT_TO": 3,
    "MEMBER_OF": 5,
    "HOLDS_PATENT": 2,
    "IN_FIELD": 2,
}


def test_small_folder(store: GraphStore) -> None:
    report = ingest_paths(store, [SMALL])
    assert report.ok, report.rejections
    assert report.check_balanced() == []
    assert nonzero(store) == SMALL_COUNTS
    t = report.totals()
    assert (t.read, t.loaded, t.created, t.merged, t.rejected) == (36, 36, 36, 0, 0)
    got = store.execute(
        "MATCH (e:Enterprise)-[m:MEMBER_OF]->(:Alliance) RETURN e.key AS key, m.role AS role, m.since AS since"
    )
    assert sorted((r["key"], r["role"], r["since"]) for r in got) == [
        ("002594.SZ", "vice_chair", 2016),
        ("91320594MA1FAKE02B", "member", 2018),
        ("91440300MA5FAKE01G", "chair", 2015),
        ("name:abc精密苏州", "member", 2019),
    ]
    got = store.execute(
        "MATCH (e:Enterprise {key: $k}) RETURN e.employees AS n, e.size AS s, e.exchange AS x", {"k": "002594.SZ"}
    )
    assert got == [{"n": 290000, "s": "large", "x": "深圳证券交易所"}]
    prov = store.execute("MATCH (b:Base {key: 't-su'}) RETURN b.source AS s, b.source_row AS r, b.loaded_at AS t")
    assert prov[0]["s"] == "base.csv" and prov[0]["r"] == 3 and prov[0]["t"].endswith("+00:00")
    rel_prov = store.execute(
        "MATCH (:Product {key: 'LED芯片'})-[r:INPUT_TO]->() RETURN r.source AS s, r.source_row AS n"
    )
    assert rel_prov == [{"s": "input_to.csv", "n": 3}]
    assert sorted((m.given, m.key, m.how) for m in report.merges) == [
        ("abc精密（苏州）有限公司", "name:abc精密苏州", "normalized name"),
        ("测大", "12100000FAKE00003H", "alias"),
        ("苏州小微科技有限责任公司", "91320594MA1FAKE02B", "normalized name"),
    ]


def test_rerun_changes_nothing(store: GraphStore) -> None:
    ingest_paths(store, [SMALL])
    before = canonical_dump(store)
    again = ingest_paths(store, [SMALL])
    t = again.totals()
    assert (t.created, t.updated, t.unchanged) == (0, 0, 36)
    assert canonical_dump(store) == before


def test_changed_file_updates_only_what_changed(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    ingest_paths(store, [folder])
    header, rows = read_csv_dicts(folder / "enterprise.csv")
    rows[1]["employees"] = "300000"
    write_csv(folder / "enterprise.csv", header, [[r[h] for h in header] for r in rows])
    header, rows = read_csv_dicts(folder / "makes.csv")
    rows[0]["share"] = "0.7"
    write_csv(folder / "makes.csv", header, [[r[h] for h in header] for r in rows])
    report = ingest_paths(store, [folder])
    assert (report.get("Enterprise").updated, report.get("Enterprise").unchanged) == (1, 3)
    assert (report.get("MAKES").updated, report.get("MAKES").unchanged) == (1, 2)
    assert report.totals().updated == 2
    got = store.execute("MATCH (e:Enterprise {key: '002594.SZ'}) RETURN e.employees AS n, e.size AS s")
    assert got == [{"n": 300000, "s": "large"}]


def _convert(fmt: str, dest: Path) -> Path:
    """The small folder in another format (same rows, same types)."""
    tables = {p.stem: read_csv_dicts(p) for p in sorted(SMALL.glob("*.csv"))}

    def typed(v: str) -> Any:
        return int(v) if v.isdigit() and not v.startswith("0") else (v or None)

    if fmt == "xlsx-book":
        sheets = {stem: (h, [[typed(r[c]) for c in h] for r in rows]) for stem, (h, rows) in tables.items()}
        write_xlsx(dest / "all.xlsx", sheets)
    elif fmt == "xlsx-files":
        for stem, (h, rows) in tables.items():
            write_xlsx(dest / f"{stem}.xlsx", {"Sheet1": (h, [[r[c] for c in h] for r in rows])})
    elif fmt == "jsonl":
        for stem, (_h, rows) in tables.items():
            write_jsonl(dest / f"{stem}.jsonl", [{k: v for k, v in r.items() if v != ""} for r in rows])
    elif fmt in ("gbk", "utf-8-sig"):
        for stem, (h, rows) in tables.items():
            write_csv(dest / f"{stem}.csv", h, [[r[c] for c in h] for r in rows], encoding=fmt)
    return dest


@pytest.mark.parametrize("fmt", ["xlsx-book", "xlsx-files", "jsonl", "gbk", "utf-8-sig"])
def test_every_format_loads_the_same_graph(store: GraphStore, tmp_path: Path, fmt: str) -> None:
    ingest_paths(store, [SMALL])
    expected = canonical_dump(store, provenance=False)
    store.clear()
    report = ingest_paths(store, [_convert(fmt, tmp_path / fmt)])
    assert report.ok, report.rejections
    assert canonical_dump(store, provenance=False) == expected
    if fmt == "xlsx-book":
        assert {f.source for f in report.files} >= {"all.xlsx#enterprise", "all.xlsx#member_of"}
        src = store.execute("MATCH (b:Base {key: 't-sz'}) RETURN b.source AS s, b.source_row AS r")
        assert src == [{"s": "all.xlsx#base", "r": 2}]


def test_rejections_name_file_line_field_and_the_rest_loads(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    write_csv(
        folder / "enterprise.csv",
        ["name", "uscc", "employees", "size"],
        [
            ["好企业", "91440300MA5FAKE01G", "10", "small"],
            ["坏代码", "91440300MA5FAKE01H", "10", "small"],
            ["", "", "5", ""],
            ["坏人数", "", "十个", "giant"],
        ],
    )
    write_csv(folder / "base.csv", ["key", "name", "approved_year"], [["b1", "基地", "2010"], ["b2", "未来", "3021"]])
    write_csv(
        folder / "located_in.csv",
        ["src", "dst"],
        [["好企业", "b1"], ["坏代码", "b1"], ["好企业", "b9"], ["没有这家", "b1"]],
    )
    report = ingest_paths(store, [folder])
    assert report.check_balanced() == []
    got = [(r.file, r.line, r.field, r.reason[:30]) for r in report.rejections]
    assert got == [
        ("base.csv", 3, "approved_year", "the year 3021 is outside 1800–"),
        ("enterprise.csv", 3, "uscc", "the last character (check digi"),
        ("enterprise.csv", 4, "name", "is required: fill in the name "),
        ("enterprise.csv", 5, "size", "must be one of large, medium, "),
        ("enterprise.csv", 5, "employees", "must be a whole number (for ex"),
        ("located_in.csv", 3, "src", "no Enterprise (企业) / ResearchO"),
        ("located_in.csv", 4, "dst", "no Base (创新基地) called 'b9' in "),
        ("located_in.csv", 5, "src", "no Enterprise (企业) / ResearchO"),
    ]
    assert report.rejections[2].value is None and report.rejections[4].value == "十个"
    e, b, li = report.get("Enterprise"), report.get("Base"), report.get("LOCATED_IN")
    assert (e.read, e.loaded, e.rejected) == (4, 1, 3)
    assert (b.read, b.loaded, b.rejected) == (2, 1, 1)
    assert (li.read, li.loaded, li.rejected) == (4, 1, 3)
    assert nonzero(store) == {"Base": 1, "Enterprise": 1, "LOCATED_IN": 1}

    out = report.write_rejects(tmp_path / "out" / "rejects.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert len(lines) == 8
    assert lines[4] == {
        "file": "enterprise.csv",
        "line": "5",
        "type": "Enterprise",
        "field": "employees",
        "value": "十个",
        "reason": "must be a whole number (for example 2015)",
        "reason_zh": "必须是整数（例如 2015）",  # both languages kept, whoever ran the load
    }


def test_strict_refuses_everything_on_the_first_problem(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    with (folder / "makes.csv").open("a", encoding="utf-8") as fh:
        fh.write("光明电子,LED芯片,lots\n")
    with pytest.raises(InvalidInputError) as exc:
        ingest_paths(store, [folder], strict=True)
    err = exc.value
    assert (err.file, err.line, err.field) == ("makes.csv", 5, "share")
    assert "must be a number" in str(err) and "nothing was loaded" in str(err)
    assert nonzero(store) == {}
    report = ingest_paths(store, [folder])
    assert report.get("MAKES").rejected == 1 and report.get("MAKES").loaded == 3


def test_strict_stops_on_dangling_references_too(store: GraphStore, tmp_path: Path) -> None:
    write_csv(tmp_path / "d" / "located_in.csv", ["src", "dst"], [["谁", "b1"]])
    with pytest.raises(InvalidInputError, match="no Enterprise"):
        ingest_paths(store, [tmp_path / "d"], strict=True)


def test_dry_run_writes_nothing(store: GraphStore) -> None:
    report = ingest_paths(store, [SMALL], dry_run=True)
    assert report.dry_run and report.ok
    assert report.totals().loaded == 36 and report.totals().created == 0
    assert nonzero(store) == {}
    assert "would load 36" in report.summary_line()


HOSTILE = [
    "d'zzit",
    '4\'-二氯二苯砜 "quoted"',
    "锌合金\\铝合金\\n",
    "'}) DETACH DELETE n //",
    '"}) MATCH (m) DETACH DELETE m RETURN 1 //',
    "Robert'); DROP TABLE Product;--",
    "line\nbreak\ttab",
    "$param {key: 1} `tick`",
    "emoji 🚀 ünïcödé 全角ＡＢＣ",
    '=HYPERLINK("http://x")',
]


def test_hostile_values_are_stored_verbatim(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "h"
    write_csv(folder / "product.csv", ["name"], [[h] for h in HOSTILE])
    write_csv(folder / "input_to.csv", ["src", "dst"], [[HOSTILE[0], h] for h in HOSTILE[1:]])
    write_csv(
        folder / "base.csv",
        ["key", "name", "description"],
        [["b-long", "长描述", "很长" * 5000], ["b-too-long", "x" * 3000, ""]],
    )
    report = ingest_paths(store, [folder])
    assert store.count_nodes("Product") == len(HOSTILE)
    got = store.execute("MATCH (n:Product) RETURN n.key AS key, n.name AS name")
    # Names verbatim; keys NFKC-normalised without invisible characters (issue 13: look-alike keys).
    assert sorted((r["key"], r["name"]) for r in got) == sorted((clean_key(h), h) for h in HOSTILE)
    assert store.count_rels("INPUT_TO") == len(HOSTILE) - 1
    assert store.execute("MATCH (b:Base {key: 'b-long'}) RETURN size(b.description) AS n") == [{"n": 10_000}]
    [too_long] = report.rejections
    assert (too_long.line, too_long.field) == (3, "name")
    assert "too long (3,000 characters; at most 2,000)" in too_long.reason
    assert too_long.value is not None and too_long.value.endswith("(3,000 characters)")


def test_empty_header_only_unknown_and_odd_files(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "product.csv").write_bytes(b"")
    (folder / "enterprise.csv").write_text("name,uscc\n", encoding="utf-8")
    write_csv(folder / "sales_2023.csv", ["a", "b"], [["1", "2"], ["3", "4"]])
    (folder / "README.md").write_text("notes", encoding="utf-8")
    (folder / ".hidden.csv").write_text("name\nx\n", encoding="utf-8")
    write_csv(
        folder / "base.csv",
        ["key", "name", "colour", "source", "loaded_at"],
        [["b1", "甲", "red", "forged.csv", "1999-01-01"]],
    )
    (folder / "alliance.csv").write_bytes(b"\xff\xfe\x00\xd8 broken utf-16")
    report = ingest_paths(store, [folder])
    assert report.check_balanced() == []
    unknown = report.get(UNKNOWN)
    assert (unknown.read, unknown.rejected) == (2, 2)
    [rej] = [r for r in report.rejections if r.file == "sales_2023.csv"]
    assert "cannot tell what 'sales_2023' holds, so its 2 rows were not loaded" in rej.reason
    notes = "\n".join(report.notes)
    assert "product.csv is empty" in notes
    assert "README.md" in notes
    assert "'colour' are not part of the Base format" in notes
    assert ".hidden" not in notes
    assert store.execute("MATCH (b:Base) RETURN b.source AS s") == [{"s": "base.csv"}]
    assert report.get("Enterprise").read == 0


def test_duplicate_keys_fold_and_later_values_win(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "dup"
    write_csv(
        folder / "base.csv",
        ["key", "name", "city", "approved_year"],
        [["b1", "一", "深圳市", "2001"], ["b1", "一号", "", "2002"], ["b2", "二", "", ""]],
    )
    write_csv(folder / "leads_in.csv", ["src", "dst"], [])
    write_csv(folder / "industry.csv", ["code", "scheme", "name"], [["270100", "SW2021", "半导体"]])
    write_csv(folder / "focuses_on.csv", ["src", "dst"], [])
    write_csv(folder / "serves.csv", ["src", "dst"], [])
    report = ingest_paths(store, [folder])
    b = report.get("Base")
    assert (b.read, b.merged, b.loaded) == (3, 1, 2)
    [m] = report.merges
    assert (m.line, m.key, m.how) == (3, "b1", "same key: folded into base.csv line 2")
    got = store.execute("MATCH (b:Base {key: 'b1'}) RETURN b.name AS n, b.city AS c, b.approved_year AS y")
    assert got == [{"n": "一号", "c": "深圳市", "y": 2002}]


def test_references_to_nodes_already_in_the_store(store: GraphStore, tmp_path: Path) -> None:
    ingest_paths(store, [SMALL])
    write_csv(
        tmp_path / "more" / "cooperates_with.csv",
        ["src", "dst", "kind", "since"],
        [["比亚迪", "测试研究院", "联合实验室", "2020"], ["ＡＢＣ精密", "org-t-inst", "consulting", ""]],
    )
    write_csv(tmp_path / "more" / "leads_in.csv", ["src", "dst"], [["测试深圳基地", "SW2021:270100"]])
    report = ingest_paths(store, [tmp_path / "more"])
    assert report.get("COOPERATES_WITH").loaded == 2
    [rej] = report.rejections
    assert rej.field == "dst" and "no Industry" in rej.reason


def test_resolution_against_stored_enterprises(store: GraphStore, tmp_path: Path) -> None:
    store.merge_nodes(
        "Enterprise",
        [
            {"key": "002594.SZ", "name": "比亚迪", "full_name": "比亚迪股份有限公司", "stock_code": "002594.SZ"},
            {
                "key": "91440300MA5FAKE01G",
                "name": "光明",
                "full_name": "深圳市光明电子股份有限公司",
                "uscc": "91440300MA5FAKE01G",
            },
            {"key": "000001.SZ", "name": "同名", "stock_code": "000001.SZ"},
            {"key": "000002.SZ", "name": "同名", "stock_code": "000002.SZ"},
        ],
    )
    write_csv(
        tmp_path / "e" / "enterprise.csv",
        ["name", "full_name", "uscc", "employees"],
        [
            ["光明新名", "深圳市光明新名股份有限公司", "91440300MA5FAKE01G", "1"],  # a stored USCC: renamed 光明
            ["BYD", "比亚迪 股份 有限公司", "", "290000"],  # normalized full name: the stored 比亚迪
            ["光明电子", "深圳市光明电子有限公司", "91320594MA1FAKE02B", "5"],  # another USCC: a new enterprise
        ],
    )
    write_csv(tmp_path / "e" / "base.csv", ["key", "name"], [["b", "基地"]])
    write_csv(tmp_path / "e" / "located_in.csv", ["src", "dst"], [["同名", "b"], ["000002", "b"]])
    report = ingest_paths(store, [tmp_path / "e"])
    hows = sorted((m.line, m.key, m.how.split(":")[0]) for m in report.merges if m.type == "Enterprise")
    assert hows == [(2, "91440300MA5FAKE01G", "USCC"), (3, "002594.SZ", "normalized name")]
    assert store.count_nodes("Enterprise") == 5
    assert store.execute("MATCH (e:Enterprise {key: '002594.SZ'}) RETURN e.employees AS n") == [{"n": 290000}]
    [amb] = report.rejections
    assert amb.line == 2 and "matches several" in amb.reason and "000001.SZ, 000002.SZ" in amb.reason
    assert store.execute("MATCH (e)-[:LOCATED_IN]->(:Base) RETURN e.key AS k") == [{"k": "000002.SZ"}]


def test_src_type_settles_a_name_held_by_two_kinds(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "s"
    write_csv(folder / "enterprise.csv", ["name"], [["光电所"]])
    write_csv(folder / "research_org.csv", ["name", "kind"], [["光电所", "institute"]])
    write_csv(folder / "base.csv", ["key", "name"], [["b", "基地"]])
    write_csv(
        folder / "located_in.csv",
        ["src", "src_type", "dst"],
        [["光电所", "", "b"], ["光电所", "科研机构", "b"], ["光电所", "Enterprise", "b"], ["光电所", "Platform", "b"]],
    )
    report = ingest_paths(store, [folder])
    rejections = sorted(report.rejections, key=lambda r: r.line or 0)
    assert [(r.line, r.field) for r in rejections] == [(2, "src"), (5, "src_type")]
    assert "fill in the src_type column" in rejections[0].reason
    assert "must be one of Enterprise, ResearchOrg" in rejections[1].reason
    got = store.execute("MATCH (x)-[:LOCATED_IN]->(:Base) RETURN x.key AS k")
    assert sorted(r["k"] for r in got) == ["name:光电所", "name:光电所"]
    assert store.count_rels("LOCATED_IN") == 2


def test_ingest_file_with_explicit_type_and_source_name(store: GraphStore, tmp_path: Path) -> None:
    p = write_csv(
        tmp_path / "upload-7f3a.csv", ["名称", "统一社会信用代码", "员工数"], [["甲", "91440300MA5FAKE01G", "3"]]
    )
    report = ingest_file(store, p, type_name="企业", source_name="企业名录.csv")
    assert report.get("Enterprise").created == 1
    got = store.execute("MATCH (e:Enterprise) RETURN e.key AS k, e.source AS s, e.employees AS n")
    assert got == [{"k": "91440300MA5FAKE01G", "s": "企业名录.csv", "n": 3}]
    with pytest.raises(InvalidInputError, match="is not a type chainkg knows"):
        ingest_file(store, p, type_name="Person")
    with pytest.raises(InvalidInputError, match="no file"):
        ingest_file(store, tmp_path / "missing.csv", type_name="Enterprise")


def test_small_batches_give_the_same_graph(store: GraphStore) -> None:
    size = store.batch_size
    ingest_paths(store, [SMALL], batch_size=2)
    assert store.batch_size == size
    assert nonzero(store) == SMALL_COUNTS


def test_alias_table_passed_as_mapping(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "a"
    write_csv(folder / "enterprise.csv", ["name", "full_name"], [["华为", "华为技术有限公司"]])
    write_csv(folder / "base.csv", ["key", "name"], [["b", "基地"]])
    write_csv(folder / "located_in.csv", ["src", "dst"], [["HW", "b"], ["华为技术有限责任公司", "b"]])
    report = ingest_paths(store, [folder], aliases={"HW": "华为"})
    assert report.get("LOCATED_IN").merged == 1
    assert sorted(m.how for m in report.merges if m.type == "Enterprise") == ["alias", "normalized name"]
