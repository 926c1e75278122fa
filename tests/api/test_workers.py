"""Serving from several processes on the embedded store: read-only workers and the one writer.

LadybugDB lets one process write a database file at a time and others open it read-only; a
read-only process sees the data as of its opening. So a worker of ``chainkg serve --workers N``
opens the store read-only and reopens it when the data stamp changes, and an upload opens the
one writer for its own duration (docs/scaling.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from apitools import WRITE_KEY, make_settings
from fastapi.testclient import TestClient
from servertools import chainkg_serve, http_get

from chainkg.api import deps
from chainkg.api.main import create_app
from chainkg.errors import SchemaError, StoreUnavailableError
from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.ingest.demo import load_demo
from chainkg.ingest.product_quality import SYNONYMS_FILE, run_quality_pass

NEW_BASE_CSV = "key,name,province,level\nzz-new,新增测试基地,广东省,national\n".encode()


def _demo_store(folder: Path) -> Path:
    path = folder / "graph.lbug"
    s = LadybugStore(path)
    s.ensure_schema()
    load_demo(s)
    run_quality_pass(s, folder / SYNONYMS_FILE)  # as every load does: an upload runs it again
    s.close()
    return path


def _count_bases(store: LadybugStore) -> int:
    return int(store.execute("MATCH (b:Base) RETURN count(b) AS n")[0]["n"])


def test_a_read_only_store_reopens_when_another_process_writes(tmp_path: Path) -> None:
    path = _demo_store(tmp_path)
    reader = LadybugStore(path, read_only=True)
    try:
        reader.ensure_schema()  # checks only; a read-only store cannot create tables
        before = _count_bases(reader)
        version = reader.data_version()
        assert reader.data_version() == version  # nothing written: the same version, no reopen
        # Another process writes one base and exits: the writer's file lock is its own.
        code = textwrap.dedent(f"""
            from chainkg.graph.store.ladybug_store import LadybugStore
            s = LadybugStore({str(path)!r})
            s.merge_nodes("Base", [{{"key": "zz-new", "name": "新增", "province": "广东省", "level": "national"}}])
            s.close()
        """)
        subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ), timeout=120)
        after = reader.data_version()
        assert after != version
        assert _count_bases(reader) == before + 1
        assert reader.data_version() == after  # reopened once, then stable
    finally:
        reader.close()


def test_a_read_only_store_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError, match="does not exist"):
        LadybugStore(tmp_path / "missing" / "graph.lbug", read_only=True)
    empty = tmp_path / "empty.lbug"
    LadybugStore(empty).close()  # a database file without the schema
    reader = LadybugStore(empty, read_only=True)
    try:
        with pytest.raises(SchemaError, match="read-only"):
            reader.ensure_schema()
    finally:
        reader.close()


def test_every_write_changes_the_stamp_other_processes_read(tmp_path: Path) -> None:
    path = _demo_store(tmp_path)
    writer = LadybugStore(path)
    try:
        stamp_file = path.with_name(path.name + ".stamp")
        seen = stamp_file.read_text()
        # Nobody in the writer's process reads the stamp between the writes: readers elsewhere
        # still must see each write.
        for key in ("zz-1", "zz-2"):
            writer.merge_nodes("Base", [{"key": key, "name": key, "province": "广东省", "level": "national"}])
            now = stamp_file.read_text()
            assert now and now != seen
            seen = now
    finally:
        writer.close()


def test_an_upload_to_a_read_only_worker_goes_through_the_one_writer(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_key=WRITE_KEY)
    _demo_store(settings.data_dir)
    app = create_app(settings, cache_ttl_s=0, read_only=True)
    with TestClient(app, raise_server_exceptions=False) as c:
        assert app.state.store.read_only
        assert c.get("/bases/zz-new").status_code == 404
        gaps_before = c.get("/analytics/gaps", params={"base": "sz-led"})
        assert gaps_before.status_code == 200
        r = c.post(
            "/ingest", files={"file": ("bases.csv", NEW_BASE_CSV, "text/csv")}, headers={"X-API-Key": WRITE_KEY}
        )
        assert r.status_code == 200, r.text
        assert r.json()["dry_run"] is False
        # The worker reopened its read-only database at the next request and sees the write.
        got = c.get("/bases/zz-new")
        assert got.status_code == 200, got.text
        assert got.json()["name"] == "新增测试基地"
        assert app.state.store.read_only
        # A base with no enterprise changes no chain: the same gaps, now computed on the new data.
        assert c.get("/analytics/gaps", params={"base": "sz-led"}).json() == gaps_before.json()
    # The writer is closed again: another process can write now.
    LadybugStore(settings.ladybug_path).close()


def test_an_upload_waits_for_the_writer_and_then_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path, api_key=WRITE_KEY)
    _demo_store(settings.data_dir)
    monkeypatch.setattr(deps, "WRITER_WAIT_S", 0.5)
    app = create_app(settings, cache_ttl_s=0, read_only=True)
    with TestClient(app, raise_server_exceptions=False) as c:
        # Another process holds the writer lock (here: a second open of the file for writing,
        # run in a subprocess so the lock is held by someone else).
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time; from chainkg.graph.store.ladybug_store import LadybugStore; "
                f"s = LadybugStore({str(settings.ladybug_path)!r}); print('held', flush=True); time.sleep(60)",
            ],
            stdout=subprocess.PIPE,
            env=dict(os.environ),
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
            started = time.monotonic()
            r = c.post(
                "/ingest", files={"file": ("bases.csv", NEW_BASE_CSV, "text/csv")}, headers={"X-API-Key": WRITE_KEY}
            )
            assert r.status_code == 503
            assert "in use by another chainkg process" in r.json()["detail"]
            assert time.monotonic() - started >= 0.5
        finally:
            holder.kill()
            holder.wait()
        assert c.get("/bases/zz-new").status_code == 404  # nothing was written


@pytest.mark.slow
def test_serve_with_two_workers_reads_and_writes(tmp_path: Path) -> None:
    args = ["--load-demo", "--workers", "2", "--cache-ttl", "0", "--no-access-log"]
    with chainkg_serve(args, tmp_path / "data", tmp_path, env={"CHAINKG_API_KEY": WRITE_KEY}, ready_s=120) as run:
        base = run.base
        # The link graphs, product facts and chain maps were written to disk once, before the workers started.
        assert sorted(p.name.split("-")[0] for p in (tmp_path / "data" / "chain-index").glob("*-f*")) == [
            "chain_maps",
            "industry",
            "product",
            "product_info",
        ]
        assert http_get(f"{base}/analytics/gaps?base=sz-led")[0] == 200
        boundary = "chainkgboundary"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bases.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode() + NEW_BASE_CSV + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(
            f"{base}/ingest",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-API-Key": WRITE_KEY},
        )
        with urllib.request.urlopen(req, timeout=120) as resp:
            assert resp.status == 200
        # Whichever worker answers (the kernel spreads connections), it sees the upload.
        answers = [http_get(f"{base}/bases/zz-new")[0] for _ in range(20)]
        assert answers == [200] * 20
    assert b"Traceback" not in run.output, run.output.decode()[-2000:]
