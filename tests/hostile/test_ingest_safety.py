"""Issue 13's hostile cases beyond the report totals: what was stored, what was printed, what
the API answered, the caps, and re-loads of unchanged files.

The corpus cases themselves (hostile_corpus.py) run through test_hostile_corpus.py on both
stores, the CLI and the upload endpoint; here the stored text and the edges around them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hostile_corpus import CORPUS, case, case_folder, xlsx_bomb
from typer.testing import CliRunner

import chainkg.cli.common as common
from chainkg.api.main import create_app
from chainkg.cli import app
from chainkg.errors import InvalidInputError
from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.ckg import load_ckg
from chainkg.ingest.decoding import decode_bytes
from chainkg.ingest.pipeline import ingest_paths
from chainkg.ingest.readers import ReadLimits, read_tables
from chainkg.ingest.report import IngestReport
from chainkg.ingest.textsafe import clean_key, shown
from chainkg.settings import Settings

CLI = [sys.executable, "-c", "from chainkg.cli import app; app()"]
WRITE_KEY = "ingest-safety-write-key"
CKG_EXCERPT = Path(__file__).resolve().parents[1] / "data" / "ckg"
runner = CliRunner()


def values(store: GraphStore, label: str, prop: str = "name") -> list[str]:
    return sorted(r["v"] for r in store.execute(f"MATCH (n:{label}) RETURN n.{prop} AS v"))


def load(store: GraphStore, name: str, tmp_path: Path, **kw: object) -> IngestReport:
    return ingest_paths(store, [case_folder(case(name), tmp_path)], **kw)  # type: ignore[arg-type]


# -- decoding: the stored text is the text that was written ----------------------------------------


@pytest.mark.parametrize(
    ("name", "label", "expected"),
    [
        ("big5", "Enterprise", ["台灣積體電路製造股份有限公司", "鴻海精密工業股份有限公司"]),
        ("gb18030-four-byte", "Product", ["欧元€结算服务", "𠀀字芯片"]),
        ("utf32le-bom", "Product", ["电池", "芯片"]),
        ("utf32be-bom", "Product", ["电池", "芯片"]),
        ("utf8-one-bad-byte", "Enterprise", ["比亚迪股份有限公司", "深圳市雷曼光电科技股份有限公司"]),
        ("ascii-one-bad-byte", "Product", ["chip", "panel"]),
        ("jsonl-bad-byte", "Product", ["panel", "芯片"]),
    ],
)
def test_decoded_text_is_stored_exactly(
    store: GraphStore, tmp_path: Path, name: str, label: str, expected: list[str]
) -> None:
    load(store, name, tmp_path)
    assert values(store, label) == sorted(expected)


def test_the_bad_row_is_named_by_file_and_line(store: GraphStore, tmp_path: Path) -> None:
    report = load(store, "utf8-one-bad-byte", tmp_path)
    [rej] = report.rejections
    assert (rej.file, rej.line) == ("enterprise.csv", 4)
    assert "\udcff" not in (rej.value or "") and "\\x" in (rej.value or "")  # the byte shown, escaped
    [info] = report.files
    assert info.encoding == "utf-8"


def test_strict_refuses_a_file_whose_decoding_was_in_doubt(store: GraphStore, tmp_path: Path) -> None:
    for name in ("utf8-one-bad-byte", "ascii-one-bad-byte", "jsonl-bad-byte"):
        with pytest.raises(InvalidInputError, match="strict mode: nothing was loaded"):
            load(store, name, tmp_path, strict=True)
    assert sum(store.counts().values()) == 0


def test_utf32_bom_is_checked_before_utf16() -> None:
    text, d = decode_bytes(b"\xff\xfe\x00\x00" + "名称\n".encode("utf-32-le"))
    assert (text, d.codec) == ("名称\n", "utf-32")
    text, d = decode_bytes(b"\xff\xfe" + "名称\n".encode("utf-16-le"))
    assert (text, d.codec) == ("名称\n", "utf-16")


def test_gbk_and_big5_are_told_apart_and_the_old_guess_is_gone() -> None:
    gbk = "企业名称,所属省份\n深圳市雷曼光电科技股份有限公司,广东省\n".encode("gbk")
    big5 = "企業名稱,所屬省份\n鴻海精密工業股份有限公司,臺灣省\n".encode("big5")
    assert decode_bytes(gbk)[1].codec == "gb18030"
    assert decode_bytes(big5)[1].codec == "big5"
    with pytest.raises(InvalidInputError, match="without guessing"):
        decode_bytes("Ceci n'est pas du chinois: façade, déjà, où, garçon, élève\n".encode("latin-1") * 3)


# -- keys ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["key-zero-width", "key-bidi", "key-soft-hyphen", "key-fullwidth"])
def test_look_alike_keys_make_no_new_base(store: GraphStore, tmp_path: Path, name: str) -> None:
    store.merge_nodes("Base", [{"key": "sz-led", "name": "深圳LED基地"}])
    report = load(store, name, tmp_path)
    assert values(store, "Base", "key") == ["sz-led"]
    assert any("normalised" in n for n in report.notes)


def test_relationship_ends_are_cleaned_too(store: GraphStore, tmp_path: Path) -> None:
    load(store, "rel-keys-invisible", tmp_path)
    rows = store.execute("MATCH (e:Enterprise)-[:LOCATED_IN]->(b:Base) RETURN e.key AS e, b.key AS b")
    assert rows == [{"e": "E1", "b": "sz-led"}]


def test_clean_key_and_shown() -> None:
    assert clean_key("sz-led\u200b") == clean_key("\u202asz-led\u202c") == clean_key("sz\u00ad-led") == "sz-led"
    assert clean_key("ｓｚ－ｌｅｄ") == "sz-led"
    assert clean_key("宁德时代") == "宁德时代"
    assert shown("a\x1b[31mb") == "a\\x1b[31mb"
    assert shown("a\udcffb") == "a\\xffb"
    assert shown("a\ud800") == "a\\ud800"
    assert shown("line\nnext", keep_breaks=True) == "line\nnext"


# -- caps ------------------------------------------------------------------------------------------


def test_file_size_cap_refuses_before_reading(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "product.csv").write_bytes(b"name\n" + b"chip\n" * 1000)
    report = ingest_paths(store, [tmp_path / "product.csv"], limits=ReadLimits(max_file_mb=0.001))
    [rej] = report.rejections
    assert "CHAINKG_MAX_FILE_MB" in rej.reason and rej.file == "product.csv"
    assert store.count_nodes("Product") == 0


def test_xlsx_bomb_is_refused_up_front_with_little_memory(tmp_path: Path) -> None:
    import resource

    path = tmp_path / "enterprise.xlsx"
    path.write_bytes(xlsx_bomb(64))
    assert path.stat().st_size < 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InvalidInputError, match=r"unpacks to 6\d MB .* more than the 32 MB"):
        read_tables(path, limits=ReadLimits(xlsx_max_unpacked_mb=32))
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 20 * 1024  # the sheet was never inflated


def test_streamed_csv_reads_rows_not_the_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "product.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("name,name_en\n")
        for i in range(50_000):
            fh.write(f"产品{i},product {i}\n")
    [t] = read_tables(path)
    assert len(t.rows) == 50_000 and t.rows[-1] == (50_001, {"name": "产品49999", "name_en": "product 49999"})


# -- the CLI ---------------------------------------------------------------------------------------


@pytest.fixture
def cli_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    d = tmp_path / "chainkg-data"
    monkeypatch.setattr(common, "_SETTINGS", Settings(store="ladybug", data_dir=d))
    yield d


def test_cli_prints_file_names_escaped(cli_data: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(CORPUS / "filename-ansi"), "--report-dir", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "\x1b[31m" not in result.output
    assert "\\x1b[31mproduct" in result.output


def test_cli_file_name_with_undecodable_bytes_in_a_real_process(tmp_path: Path) -> None:
    folder = case_folder(case("filename-bad-bytes"), tmp_path)
    env = dict(os.environ, CHAINKG_DATA_DIR=str(tmp_path / "data"), CHAINKG_STORE="ladybug", COLUMNS="200")
    proc = subprocess.run(
        [*CLI, "ingest", str(folder), "--report-dir", str(tmp_path / "r")],
        capture_output=True,
        env=env,
        timeout=300,
    )
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    assert proc.returncode == 0, out[-3000:]
    assert "Traceback" not in out
    summary = json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))
    assert summary["rejections"][0]["file"] == "product\\xff.csv"


def test_cli_strict_error_names_are_escaped(cli_data: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(CORPUS / "filename-ansi"), "--strict"])
    assert result.exit_code == 4
    assert "\x1b[31m" not in result.output and "Traceback" not in result.output


# -- the upload endpoint ---------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, GraphStore]]:
    store = LadybugStore(tmp_path / "g.lbug")
    store.ensure_schema()
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", api_key=WRITE_KEY)  # type: ignore[call-arg]
    try:
        with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as c:
            yield c, store
    finally:
        store.close()


KEY = {"X-API-Key": WRITE_KEY}


def test_upload_with_a_300_character_name(client: tuple[TestClient, GraphStore]) -> None:
    c, store = client
    name = "product" + "长" * 289 + ".csv"
    assert len(name) == 300
    r = c.post("/ingest", files={"file": (name, b"name\nchip\n")}, headers=KEY, data={"type": "Product"})
    assert r.status_code == 200, r.text
    report = IngestReport.model_validate(r.json())
    assert report.totals().loaded == 1 and store.count_nodes("Product") == 1
    assert report.files[0].source.startswith("product长长")


def test_upload_name_with_ansi_escapes_is_recorded_escaped(client: tuple[TestClient, GraphStore]) -> None:
    c, store = client
    r = c.post(
        "/ingest", files={"file": ("\x1b[2Jproduct.csv", b"name\nchip\n")}, headers=KEY, data={"type": "Product"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["files"][0]["source"] == "\\x1b[2Jproduct.csv"
    [row] = store.execute("MATCH (p:Product) RETURN p.source AS s")
    assert row["s"] == "\\x1b[2Jproduct.csv"


def test_upload_of_two_files_loads_both(client: tuple[TestClient, GraphStore]) -> None:
    c, store = client
    files = [
        ("file", ("enterprise.csv", "key,name\nE1,比亚迪\n".encode())),
        ("file", ("product.csv", "name\n电池\n".encode())),
    ]
    r = c.post("/ingest", files=files, headers=KEY)
    assert r.status_code == 200, r.text
    assert IngestReport.model_validate(r.json()).totals().loaded == 2
    assert (store.count_nodes("Enterprise"), store.count_nodes("Product")) == (1, 1)


def test_upload_of_two_files_of_one_name_or_with_a_type_is_refused(client: tuple[TestClient, GraphStore]) -> None:
    c, store = client
    same = [("file", ("product.csv", b"name\na\n")), ("file", ("product.csv", b"name\nb\n"))]
    r = c.post("/ingest", files=same, headers=KEY)  # said in Chinese unless the reader asks for English
    assert r.status_code == 422 and "出现了不止一次" in r.json()["detail"], r.text
    r = c.post("/ingest", files=same, headers={**KEY, "Accept-Language": "en"})
    assert r.status_code == 422 and "more than once" in r.json()["detail"]
    typed = [("file", ("a.csv", b"name\na\n")), ("file", ("b.csv", b"name\nb\n"))]
    r = c.post("/ingest", files=typed, headers={**KEY, "Accept-Language": "en"}, data={"type": "Product"})
    assert r.status_code == 422 and "one file" in r.text
    assert store.count_nodes("Product") == 0


def test_upload_of_lone_surrogates_answers_its_report(client: tuple[TestClient, GraphStore]) -> None:
    c, store = client
    body = b'{"name": "a\\ud800b"}\n{"name": "ok"}\n'
    r = c.post("/ingest", files={"file": ("product.jsonl", body)}, headers=KEY)
    assert r.status_code == 200, r.text
    assert r.json()["types"][0]["rejected"] == 1 and values(store, "Product") == ["ok"]


def test_a_committed_load_is_never_a_500(
    client: tuple[TestClient, GraphStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chainkg.queries.chainengine import ChainEngine

    def broken(engine: ChainEngine) -> bool:
        raise RuntimeError("the warm-up failed after the load")

    monkeypatch.setattr(ChainEngine, "warm", broken)
    c, store = client
    r = c.post("/ingest", files={"file": ("product.csv", b"name\nchip\n")}, headers=KEY)
    assert r.status_code == 200, r.text
    assert store.count_nodes("Product") == 1


def test_upload_over_the_file_size_setting(tmp_path: Path) -> None:
    store = LadybugStore(tmp_path / "g.lbug")
    store.ensure_schema()
    settings = Settings(_env_file=None, data_dir=tmp_path / "d", api_key=WRITE_KEY, max_file_mb=0.001)  # type: ignore[call-arg]
    try:
        with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as c:
            r = c.post("/ingest", files={"file": ("product.csv", b"name\n" + b"chip\n" * 1000)}, headers=KEY)
            assert r.status_code == 200, r.text
            assert "CHAINKG_MAX_FILE_MB" in r.json()["rejections"][0]["reason"]
            assert store.count_nodes("Product") == 0
    finally:
        store.close()


# -- re-loads of unchanged files --------------------------------------------------------------------


@pytest.mark.slow  # loads a whole data set (seconds of CPU): CI runs it, the fast loop leaves it out
def test_reload_of_unchanged_files_reads_nothing_and_a_write_in_between_forces_a_full_load(
    store: GraphStore, tmp_path: Path
) -> None:
    first = load_ckg(store, CKG_EXCERPT)
    counts = store.counts()
    again = load_ckg(store, CKG_EXCERPT)
    assert again.totals().loaded == first.totals().loaded and again.totals().unchanged == first.totals().loaded
    assert again.totals().created == 0 and "not read again" in again.notes[0]
    assert store.counts() == counts
    # A write that changes a node drops the receipt: the next load reads and compares again,
    # and puts the loaded value back.
    [row] = store.execute("MATCH (p:Product) RETURN p.key AS k, p.name AS n LIMIT 1")
    store.merge_nodes("Product", [{"key": row["k"], "name": "改过的名字"}])
    third = load_ckg(store, CKG_EXCERPT)
    assert not any("not read again" in n for n in third.notes)
    assert third.totals().updated == 1
    assert store.execute("MATCH (p:Product {key: $k}) RETURN p.name AS n", {"k": row["k"]})[0]["n"] == row["n"]
    # A changed file is not the same load either.
    copy = tmp_path / "ckg"
    copy.mkdir()
    for f in CKG_EXCERPT.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    with (copy / "product.json").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"name": "新加的产品"}, ensure_ascii=False) + "\n")
    fourth = load_ckg(store, copy)
    assert fourth.totals().created >= 1 and not any("not read again" in n for n in fourth.notes)


@pytest.mark.slow  # loads a whole data set (seconds of CPU): CI runs it, the fast loop leaves it out
def test_clear_drops_the_receipt(store: GraphStore) -> None:
    load_ckg(store, CKG_EXCERPT)
    store.clear()
    again = load_ckg(store, CKG_EXCERPT)
    assert again.totals().created == again.totals().loaded > 0


@pytest.mark.slow  # loads a whole data set (seconds of CPU): CI runs it, the fast loop leaves it out
def test_cli_reread_reads_unchanged_files_again(cli_data: Path, tmp_path: Path) -> None:
    def run(*extra: str) -> IngestReport:
        result = runner.invoke(app, ["ingest-ckg", str(CKG_EXCERPT), "--json", "--report-dir", str(tmp_path), *extra])
        assert result.exit_code == 0, result.output
        return IngestReport.model_validate_json(result.output)

    first = run()
    assert first.totals().created > 0
    assert "not read again" in run().notes[0]
    reread = run("--reread")
    assert not any("not read again" in n for n in reread.notes)
    assert reread.totals().unchanged == first.totals().loaded and reread.totals().created == 0
