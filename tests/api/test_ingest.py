"""Upload over HTTP: keys on writes and reads, validation as the CLI does, the same report and data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from apitools import READ_KEY, WRITE_KEY, client_for, make_settings, seed_small
from typer.testing import CliRunner

from chainkg.graph.model import MODEL
from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.formats import CHAIN_MAP_TYPES
from chainkg.ingest.pipeline import ingest_file

BASES_CSV = (
    "key,name,province,level\n"
    "sz-x,深圳X基地,广东省,national\n"
    "bad,坏基地,广东省,galactic\n"
    ",无主键,广东省,national\n"
    "bj-y,北京Y基地,北京市,国家级\n"
).encode()

ENTERPRISES_JSONL = (
    '{"key": "e-1", "name": "甲公司", "province": "广东省", "high_tech": true}\n'
    '{"key": "e-2", "name": "乙公司", "employees": "many"}\n'
).encode()


def _stable(report: dict[str, Any]) -> dict[str, Any]:
    """The report without the parts that differ between two runs (times)."""
    return {k: v for k, v in report.items() if k not in ("started_at", "elapsed_s")}


def _dump(store: GraphStore) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for n in MODEL.nodes:
        cols = ", ".join(f"n.{p.name} AS {p.name}" for p in n.all_props if p.name != "loaded_at")
        out[n.label] = sorted(store.execute(f"MATCH (n:{n.label}) RETURN {cols}"), key=lambda r: r["key"])
    return out


def test_writes_need_the_write_key(store: GraphStore, tmp_path: Path) -> None:
    files = {"file": ("bases.csv", BASES_CSV, "text/csv")}
    with client_for(store, make_settings(tmp_path)) as c:
        r = c.post("/ingest", files=files)
        assert r.status_code == 403 and "CHAINKG_API_KEY" in r.json()["detail"]
    with client_for(store, make_settings(tmp_path, api_key=WRITE_KEY)) as c:
        assert c.post("/ingest", files=files).status_code == 401
        r = c.post("/ingest", files=files, headers={"X-API-Key": WRITE_KEY + "x"})
        assert r.status_code == 401 and r.json()["code"] == "unauthorized"
        assert store.count_nodes("Base") == 0
        r = c.post("/ingest", files=files, headers={"Authorization": f"Bearer {WRITE_KEY}"})
        assert r.status_code == 200, r.text
        assert store.count_nodes("Base") == 2


def test_reads_open_unless_a_read_key_is_set(store: GraphStore, tmp_path: Path) -> None:
    seed_small(store)
    with client_for(store, make_settings(tmp_path)) as c:
        assert c.get("/bases").status_code == 200
    settings = make_settings(tmp_path, api_key=WRITE_KEY, read_key=READ_KEY)
    with client_for(store, settings) as c:
        assert c.get("/health").status_code == 200  # probes stay open
        for url in ("/bases", "/bases/sz-led", "/analytics/platform-coverage", "/resources"):
            r = c.get(url)
            assert r.status_code == 401, url
            assert "read key" in r.json()["detail"]
        assert c.get("/bases", headers={"X-API-Key": READ_KEY}).status_code == 200
        assert c.get("/bases", headers={"X-API-Key": WRITE_KEY}).status_code == 200  # the write key reads too
        assert c.get("/bases", headers={"X-API-Key": "wrong"}).status_code == 401
        # The read key does not allow writes.
        files = {"file": ("bases.csv", BASES_CSV, "text/csv")}
        assert c.post("/ingest", files=files, headers={"X-API-Key": READ_KEY}).status_code == 401


@pytest.mark.parametrize(
    ("name", "data", "type_name"), [("bases.csv", BASES_CSV, None), ("x.jsonl", ENTERPRISES_JSONL, "Enterprise")]
)
def test_upload_equals_direct_ingest(
    store: GraphStore, tmp_path: Path, name: str, data: bytes, type_name: str | None
) -> None:
    settings = make_settings(tmp_path, api_key=WRITE_KEY)
    form = {"type": type_name} if type_name else {}
    with client_for(store, settings) as c:
        r = c.post("/ingest", files={"file": (name, data)}, data=form, headers={"X-API-Key": WRITE_KEY})
    assert r.status_code == 200, r.text
    via_http = r.json()
    assert via_http["rejections"], "the sample files hold bad rows on purpose"
    for rej in via_http["rejections"]:
        assert rej["file"] == name and rej["line"] is not None and rej["reason"]

    # The same file through the ingest pipeline the CLI calls, into a fresh embedded store.
    path = tmp_path / "cli" / name
    path.parent.mkdir()
    path.write_bytes(data)
    other = LadybugStore(tmp_path / "other.lbug")
    try:
        other.ensure_schema()
        direct = ingest_file(other, path, type_name=type_name).model_dump(mode="json")
        assert _stable(via_http) == _stable(direct)
        assert _dump(store) == _dump(other)
    finally:
        other.close()


def test_dry_run_writes_nothing_and_strict_refuses(store: GraphStore, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_key=WRITE_KEY)
    headers = {"X-API-Key": WRITE_KEY}
    files = {"file": ("bases.csv", BASES_CSV)}
    with client_for(store, settings) as c:
        r = c.post("/ingest", files=files, data={"dry_run": "true"}, headers=headers)
        assert r.status_code == 200 and r.json()["dry_run"] is True
        assert store.count_nodes("Base") == 0
        r = c.post("/ingest", files=files, data={"strict": "true"}, headers=headers)
        assert r.status_code == 422, r.text
        assert "bases.csv" in r.json()["detail"]
        assert store.count_nodes("Base") == 0


@pytest.mark.parametrize(
    ("filename", "form", "field"),
    [
        ("bases.pdf", {}, "file"),
        ("bases.csv", {"type": "NoSuchType"}, "type"),
    ],
)
def test_bad_uploads_are_422(
    store: GraphStore, tmp_path: Path, filename: str, form: dict[str, str], field: str
) -> None:
    with client_for(store, make_settings(tmp_path, api_key=WRITE_KEY)) as c:
        r = c.post("/ingest", files={"file": (filename, BASES_CSV)}, data=form, headers={"X-API-Key": WRITE_KEY})
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field
        r = c.post("/ingest", data={"type": "Base"}, headers={"X-API-Key": WRITE_KEY})
        assert r.status_code == 422 and r.json()["field"] == "file"


def test_upload_empties_the_answer_cache(store: GraphStore, tmp_path: Path) -> None:
    seed_small(store)
    settings = make_settings(tmp_path, api_key=WRITE_KEY)
    with client_for(store, settings, cache_ttl_s=600) as c:
        assert len(c.get("/bases").json()["items"]) == 2
        assert len(c.get("/bases").json()["items"]) == 2  # served from the cache
        r = c.post("/ingest", files={"file": ("bases.csv", BASES_CSV)}, headers={"X-API-Key": WRITE_KEY})
        assert r.status_code == 200
        assert len(c.get("/bases").json()["items"]) == 4


def test_ingest_types(store: GraphStore, tmp_path: Path) -> None:
    with client_for(store, make_settings(tmp_path)) as c:
        types = {t["name"]: t for t in c.get("/ingest/types").json()}
    # A chain map is loaded whole from its own file (docs/ingest.md, "Chain maps"), not as tables.
    assert {n.label for n in MODEL.nodes if n.label not in CHAIN_MAP_TYPES} <= set(types)
    assert "key" in {col["name"] for col in types["Base"]["columns"]}


def test_upload_equals_the_cli(store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same file through ``POST /ingest`` and through ``chainkg ingest``: same report, same graph."""
    import chainkg.cli.common as cli_common
    from chainkg.cli import app

    with client_for(store, make_settings(tmp_path, api_key=WRITE_KEY)) as c:
        r = c.post("/ingest", files={"file": ("bases.csv", BASES_CSV)}, headers={"X-API-Key": WRITE_KEY})
    assert r.status_code == 200

    work = tmp_path / "cli"
    work.mkdir()
    (work / "bases.csv").write_bytes(BASES_CSV)
    monkeypatch.chdir(work)
    monkeypatch.setattr(cli_common, "_SETTINGS", make_settings(work))
    result = CliRunner().invoke(app, ["ingest", "bases.csv", "--json"])
    assert result.exit_code == 0, result.output
    via_cli = json.loads(result.stdout)
    assert _stable(r.json()) == _stable(via_cli)
    other = LadybugStore(work / "data" / "graph.lbug")
    try:
        assert _dump(store) == _dump(other)
    finally:
        other.close()
