"""Every hostile case through the library (both stores), the CLI and the upload endpoint.

Each case must give a clean load or clear rejections, never an exception or a traceback,
and never lose a row without saying so: the report's totals equal the hand-counted ones in
hostile_corpus.py, read = loaded + merged + rejected for every type, and what the report
calls loaded is what the store holds afterwards.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from hostile_corpus import CASES, CORPUS, INJECTIONS, Case, case, case_folder, write_case
from typer.testing import CliRunner

import chainkg.cli.common as common
from chainkg.api.main import create_app
from chainkg.cli import app
from chainkg.errors import InvalidInputError
from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.pipeline import ingest_paths
from chainkg.ingest.report import IngestReport
from chainkg.ingest.textsafe import clean_key
from chainkg.settings import Settings

runner = CliRunner()
CLI = [sys.executable, "-c", "from chainkg.cli import app; app()"]
WRITE_KEY = "hostile-corpus-write-key"
IDS = [c.name for c in CASES]
SINGLE_FILE = [c for c in CASES if len(c.files) == 1]


def flat(text: str) -> str:
    return " ".join(text.split())


def check_report(c: Case, report: IngestReport) -> None:
    """The report's totals, balance and words are those the case expects."""
    t = report.totals()
    assert (t.read, t.loaded, t.merged, t.rejected) == (
        c.expect.read,
        c.expect.loaded,
        c.expect.merged,
        c.expect.rejected,
    ), report.summary_line()
    assert report.check_balanced() == []
    reasons = " | ".join(r.reason for r in report.rejections)
    for word in c.reasons:
        assert word in reasons, f"no rejection says {word!r}: {reasons[:2000]}"
    notes = " | ".join(report.notes)
    for word in c.notes:
        assert word in notes, f"no note says {word!r}: {notes[:2000]}"
    for r in report.rejections:
        assert r.file and r.reason
        assert r.value is None or len(r.value) < 300  # a 1 MB cell is cut in the report


def stored_total(store: GraphStore) -> int:
    return sum(store.counts().values())


# -- the corpus itself -------------------------------------------------------------------------------


def test_corpus_is_committed_and_matches_its_generator(tmp_path: Path) -> None:
    committed = [p for p in CORPUS.rglob("*") if p.is_file() and p.parent != CORPUS]
    assert len(committed) >= 30
    assert sum(p.stat().st_size for p in committed) < 512 * 1024  # the big files are made at test time
    for c in CASES:
        if c.big:
            continue
        fresh = write_case(c, tmp_path)
        for name in c.files:
            assert same_file(CORPUS / c.name / name, fresh / name), f"{c.name}/{name} differs from its generator"


def same_file(a: Path, b: Path) -> bool:
    """Equal bytes; for workbooks equal members (compressed bytes depend on the zlib version)."""
    if a.suffix != ".xlsx":
        return a.read_bytes() == b.read_bytes()
    try:
        za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
    except zipfile.BadZipFile:  # the truncated workbook: both must be unreadable
        return not zipfile.is_zipfile(b)
    return _members(za) == _members(zb)


def _members(z: zipfile.ZipFile) -> dict[str, bytes | str]:
    """A workbook's members, XML in canonical form: openpyxl writes `<a />` or `<a/>` depending on
    whether lxml is installed, which changes no content."""
    out: dict[str, bytes | str] = {}
    for n in z.namelist():
        data = z.read(n)
        try:
            out[n] = ET.canonicalize(data.decode("utf-8")) if n.endswith((".xml", ".rels")) else data
        except (ET.ParseError, UnicodeDecodeError):  # a deliberately broken member: its bytes, empty tags alike
            out[n] = re.sub(rb"<([\w:]+)([^<>]*?)\s*(/>|></\1>)", rb"<\1\2/>", data)
    return out


# -- library, both stores ----------------------------------------------------------------------------


@pytest.mark.parametrize("c", CASES, ids=IDS)
def test_library_load(store: GraphStore, tmp_path: Path, c: Case) -> None:
    report = ingest_paths(store, [case_folder(c, tmp_path)])
    check_report(c, report)
    t = report.totals()
    # A fresh store: everything loaded is new, and the store holds exactly that.
    assert (t.created, t.updated, t.unchanged) == (t.loaded, 0, 0)
    assert stored_total(store) == t.loaded
    again = ingest_paths(store, [case_folder(c, tmp_path)])
    assert again.totals().created == 0 and again.totals().updated == 0  # a re-run changes nothing


@pytest.mark.parametrize("c", CASES, ids=IDS)
def test_strict_refuses_with_a_clear_error_and_writes_nothing(store: GraphStore, tmp_path: Path, c: Case) -> None:
    folder = case_folder(c, tmp_path)
    if c.expect.rejected:
        with pytest.raises(InvalidInputError, match="strict mode: nothing was loaded"):
            ingest_paths(store, [folder], strict=True)
        assert stored_total(store) == 0
    else:
        assert ingest_paths(store, [folder], strict=True).totals().loaded == c.expect.loaded


# -- what was stored is what the files say -----------------------------------------------------------


def names(store: GraphStore, label: str, prop: str = "name") -> list[Any]:
    return sorted(r["v"] for r in store.execute(f"MATCH (n:{label}) RETURN n.{prop} AS v"))


def load(store: GraphStore, name: str, tmp_path: Path) -> None:
    ingest_paths(store, [case_folder(case(name), tmp_path)])


def test_injection_strings_are_stored_verbatim_and_touch_nothing_else(store: GraphStore, tmp_path: Path) -> None:
    store.merge_nodes("Base", [{"key": "bystander", "name": "不相干的基地"}])
    load(store, "injection", tmp_path)
    rows = store.execute(
        "MATCH (n:Enterprise) RETURN n.key AS key, n.name AS name, n.full_name AS full_name, "
        "n.name_en AS name_en, n.province AS province, n.city AS city, n.exchange AS exchange"
    )
    got = {r["key"]: r for r in rows}
    assert len(got) == len(INJECTIONS)
    for i, s in enumerate(INJECTIONS):
        # Keys are NFKC-normalised without invisible characters (the bidi override, the zero-width
        # space); values are stored verbatim.
        r = got[clean_key(f"{s}#{i}")]
        assert (r["name"], r["full_name"], r["name_en"], r["province"], r["city"], r["exchange"]) == (
            s,
            f"{s} 有限公司",
            s,
            s,
            s,
            s,
        )
    assert names(store, "Product") == sorted(INJECTIONS)
    assert names(store, "Product", "name_en") == sorted(INJECTIONS)
    assert names(store, "Alliance") == [INJECTIONS[0]]
    assert names(store, "Base") == sorted(["基地", "不相干的基地"])  # the bystander survived
    counts = {k: v for k, v in store.counts().items() if v}
    n = len(INJECTIONS)
    assert counts == {"Base": 2, "Enterprise": n, "Alliance": 1, "Product": n, "MAKES": n, "MEMBER_OF": n}
    makes = store.execute("MATCH (e:Enterprise)-[:MAKES]->(p:Product) RETURN e.name AS e, p.key AS p")
    assert len(makes) == n
    assert all(clean_key(r["e"]) == r["p"] for r in makes)  # each enterprise makes the product of its own string
    assert "\u200b" not in "".join(names(store, "Product", "key"))


def test_spreadsheet_formulas_stay_text_in_csv_answers(store: GraphStore, tmp_path: Path) -> None:
    load(store, "injection", tmp_path)
    formula = "=cmd|' /C calc'!A0"
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    with TestClient(create_app(settings, store=store, cache_ttl_s=0), raise_server_exceptions=False) as client:
        r = client.get("/enterprises", params={"format": "csv", "limit": 500, "lang": "en"})
        assert r.status_code == 200
        rows = list(csv.DictReader(r.content.decode("utf-8-sig").splitlines()))
        assert "'" + formula in {row["name"] for row in rows}
        assert not any(row["name"].startswith(("=", "+", "-", "@")) for row in rows)
        # JSON answers stay verbatim: only the spreadsheet form is defused.
        assert formula in {e["name"] for e in client.get("/enterprises", params={"limit": 500}).json()["items"]}
    report = ingest_paths(store, [case_folder(case("injection"), tmp_path)])
    rejects = report.write_rejects(tmp_path / "rejects.csv")
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        values = [row["value"] for row in csv.DictReader(fh)]
    assert "'" + formula in values and formula not in values


def test_encodings_decode_to_the_same_text(store: GraphStore, tmp_path: Path) -> None:
    for name in ("bom-utf8", "gbk"):
        load(store, name, tmp_path)
    assert names(store, "Enterprise") == sorted(["比亚迪", "宁德时代", "京东方"])
    for name in ("utf16-tab", "utf16be", "utf16-no-bom", "double-bom"):
        load(store, name, tmp_path)
    assert names(store, "Product") == sorted(["芯片", "面板", "电池", "LED灯珠"])


def test_quoted_line_breaks_survive_exactly(store: GraphStore, tmp_path: Path) -> None:
    load(store, "quote-multiline-ok", tmp_path)
    [row] = store.execute("MATCH (b:Base {key: 'b1'}) RETURN b.description AS d")
    assert row["d"] == '深圳市, 南山区\n第二行 "引号"\r\n第三行'
    load(store, "quote-unclosed-mid", tmp_path)
    assert names(store, "Enterprise", "key") == ["E1", "E7"]  # no row built out of the swallowed lines


def test_duplicate_keys_fold_later_values_winning(store: GraphStore, tmp_path: Path) -> None:
    load(store, "duplicate-keys", tmp_path)
    [e] = store.execute("MATCH (e:Enterprise) RETURN e.key AS k, e.name AS n, e.employees AS m, e.city AS c")
    assert e == {"k": "E1", "n": "最新名", "m": 30, "c": "深圳市"}
    [m] = store.execute("MATCH (:Enterprise)-[r:MAKES]->(:Product) RETURN r.share AS s")
    assert m["s"] == pytest.approx(0.3)


def test_spreadsheet_values(store: GraphStore, tmp_path: Path) -> None:
    load(store, "xlsx-cached-formula", tmp_path)
    load(store, "xlsx-numeric-codes", tmp_path)
    load(store, "xlsx-formulas", tmp_path)
    rows = store.execute(
        "MATCH (e:Enterprise) RETURN e.key AS k, e.employees AS m, e.stock_code AS s, e.listing_date AS d"
    )
    got = {r["k"]: (r["m"], r["s"], r["d"]) for r in rows}
    # E1 of the cached formula holds 6; E1 of the numeric codes merged into it; E3 and E4 of
    # the formula workbook loaded, its E1 and E2 (uncalculated formulas) did not.
    assert got == {"E1": (6, "600000.SH", "1999-11-10"), "E3": (30, None, None), "E4": (40, None, None)}


def test_queries_terminate_on_circular_chains(store: GraphStore, tmp_path: Path) -> None:
    from chainkg.queries.chainengine.chain import ChainQuestion, base_chain
    from chainkg.queries.chainengine.gaps import find_gaps

    load(store, "circular-references", tmp_path)
    chain = base_chain(store, ChainQuestion("b-loop", 4))
    assert chain.base.key == "b-loop"
    find_gaps(store, ChainQuestion("b-loop", 4))  # answers at all: a cycle must not make the walk run away


# -- the CLI -----------------------------------------------------------------------------------------


@pytest.fixture
def cli_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    d = tmp_path / "chainkg-data"
    monkeypatch.setattr(common, "_SETTINGS", Settings(store="ladybug", data_dir=d))
    yield d


@pytest.mark.parametrize("c", CASES, ids=IDS)
def test_cli_reports_without_a_traceback(cli_data: Path, tmp_path: Path, c: Case) -> None:
    folder = case_folder(c, tmp_path)
    reports = tmp_path / "reports"
    result = runner.invoke(app, ["ingest", str(folder), "--report-dir", str(reports)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    e = c.expect
    assert f"读取 {e.read:,} 行" in flat(result.output)  # the summary in Chinese, the default
    assert f"拒绝 {e.rejected:,} 行。" in flat(result.output)
    summary = IngestReport.model_validate_json((reports / "summary.json").read_text(encoding="utf-8"))
    check_report(c, summary)
    with (reports / "rejects.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(summary.rejections)
    if e.rejected:
        strict = runner.invoke(app, ["ingest", str(folder), "--strict", "--report-dir", str(reports)])
        assert strict.exit_code == 4, strict.output
        assert "请检查输入：" in strict.output and "Traceback" not in strict.output  # InvalidInputError, zh


def test_cli_on_the_whole_corpus_in_a_real_process(tmp_path: Path) -> None:
    """One real ``chainkg ingest`` over every committed case at once: no traceback, every row counted."""
    env = dict(os.environ, CHAINKG_DATA_DIR=str(tmp_path / "data"), CHAINKG_STORE="ladybug", COLUMNS="200")
    proc = subprocess.run(
        [*CLI, "ingest", str(CORPUS), "--json", "--report-dir", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    report = IngestReport.model_validate(json.loads(proc.stdout))
    assert report.check_balanced() == []
    # Cases share keys (E1 is everywhere), so loaded and merged differ from the per-case sums; read does not.
    assert report.totals().read == sum(c.expect.read for c in CASES if not c.big)


# -- the upload endpoint -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def upload_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, GraphStore]]:
    tmp = tmp_path_factory.mktemp("upload")
    store = LadybugStore(tmp / "g.lbug")
    store.ensure_schema()
    settings = Settings(_env_file=None, data_dir=tmp / "data", api_key=WRITE_KEY)  # type: ignore[call-arg]
    try:
        with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as client:
            yield client, store
    finally:
        store.close()


@pytest.mark.parametrize("c", SINGLE_FILE, ids=[c.name for c in SINGLE_FILE])
def test_upload_gives_the_same_report(upload_client: tuple[TestClient, GraphStore], tmp_path: Path, c: Case) -> None:
    client, store = upload_client
    store.clear()
    [name] = c.files
    data = (case_folder(c, tmp_path) / name).read_bytes()
    if name.encode("utf-8", "surrogatepass") != os.fsencode(name):
        # A name that is not UTF-8 (bytes from the file system): sent as those raw bytes, as a
        # browser on such a system would. The server decodes it its own way (Latin-1), so only
        # the totals are compared, not the words quoting the name.
        body = (
            b'--B\r\nContent-Disposition: form-data; name="file"; filename="' + os.fsencode(name) + b'"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n--B--\r\n"
        )
        headers = {"X-API-Key": WRITE_KEY, "Content-Type": "multipart/form-data; boundary=B"}
        r = client.post("/ingest", content=body, headers=headers)
        assert r.status_code == 200, r.text
        t = IngestReport.model_validate(r.json()).totals()
        assert (t.read, t.loaded, t.rejected) == (c.expect.read, c.expect.loaded, c.expect.rejected)
        return
    r = client.post("/ingest", files={"file": (name, data)}, headers={"X-API-Key": WRITE_KEY})
    assert r.status_code == 200, r.text
    check_report(c, IngestReport.model_validate(r.json()))
    assert stored_total(store) == c.expect.loaded
