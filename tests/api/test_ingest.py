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
    """The report without the parts that differ between two runs (times) or readers (each rejection's
    ``message``, its reason in the reader's language: filled by the API, never by a load itself)."""
    out = {k: v for k, v in report.items() if k not in ("started_at", "elapsed_s", "note_messages")}
    out["rejections"] = [{k: v for k, v in r.items() if k != "message"} for r in report.get("rejections", [])]
    return out


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


def test_upload_problems_follow_accept_language(store: GraphStore, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_key=WRITE_KEY)
    files = {"file": ("bases.csv", BASES_CSV)}
    answers = {}
    with client_for(store, settings) as c:
        for lang in ("zh-CN,zh;q=0.9", "en-GB,en;q=0.8"):
            headers = {"X-API-Key": WRITE_KEY, "Accept-Language": lang}
            r = c.post("/ingest", files=files, data={"dry_run": "true"}, headers=headers)
            assert r.status_code == 200, r.text
            answers[lang[:2]] = {(x["file"], x["line"], x["field"]): x for x in r.json()["rejections"]}
        zh, en = answers["zh"], answers["en"]
        assert zh.keys() == en.keys() == {("bases.csv", 3, "level"), ("bases.csv", 4, "key")}
        level_zh, level_en = zh[("bases.csv", 3, "level")], en[("bases.csv", 3, "level")]
        assert level_zh["message"].startswith("必须是 national, provincial, municipal 之一（或中文：")
        assert level_zh["message"].endswith("实际为 'galactic'")
        assert level_en["message"].startswith("must be one of national, provincial, municipal (or in Chinese: ")
        # the stable parts do not change with the reader
        assert level_zh["reason"] == level_en["reason"] == level_en["message"]
        assert level_zh["msgid"] == level_en["msgid"] and level_zh["params"] == level_en["params"]
        assert zh[("bases.csv", 4, "key")]["message"] == "为必填项：请填写 key (主键) 列", zh
        # notes too: English in `notes` (stable), the reader's language in `note_messages`
        extra = {"file": ("bases.csv", "key,name,remark\nx,某基地,备注\n".encode())}
        headers = {"X-API-Key": WRITE_KEY}
        noted = {}
        for lang in ("zh", "en"):
            r = c.post("/ingest", files=extra, data={"dry_run": "true"}, headers={**headers, "Accept-Language": lang})
            noted[lang] = r.json()
        assert noted["zh"]["notes"] == noted["en"]["notes"] == noted["en"]["note_messages"]
        assert any(
            n.startswith("bases.csv：列 'remark' 不属于 Base 格式，已忽略") for n in noted["zh"]["note_messages"]
        )
        strict = {}
        for lang in ("zh", "en"):
            headers = {"X-API-Key": WRITE_KEY, "Accept-Language": lang}
            r = c.post("/ingest", files=files, data={"strict": "true"}, headers=headers)
            assert r.status_code == 422, r.text
            strict[lang] = r.json()["detail"]
    assert strict["zh"].startswith("文件 bases.csv，第 3 行，字段“level”：必须是 "), strict
    assert strict["zh"].endswith("（严格模式：未导入任何数据）")
    assert strict["en"].startswith("file bases.csv, line 3, field 'level': must be one of ")
    assert strict["en"].endswith("(strict mode: nothing was loaded)")
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


def test_an_empty_write_key_switches_uploads_off(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docker-compose.yml passes `CHAINKG_API_KEY: ${CHAINKG_API_KEY:-}`: empty means no key (403, not 401)."""
    from chainkg.settings import Settings

    monkeypatch.setenv("CHAINKG_API_KEY", "")
    monkeypatch.setenv("CHAINKG_READ_KEY", " ")
    cfg = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    assert cfg.api_key is None and cfg.read_key is None
    with client_for(store, cfg) as c:
        r = c.post("/ingest", files={"file": ("bases.csv", BASES_CSV, "text/csv")})
        assert r.status_code == 403 and "switched off" in r.json()["detail"], r.text
        assert c.get("/bases").status_code == 200
