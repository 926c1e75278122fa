"""docs/api.md is true: its curl examples run against a real server on the demo data, both stores."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from apitools import WRITE_KEY, live_server, make_settings
from fastapi.routing import APIRoute

from chainkg.api.main import create_app
from chainkg.api.routers.analytics import router as analytics_router
from chainkg.api.routers.resources import RESOURCE_PATHS
from chainkg.graph.store import GraphStore
from chainkg.queries.resources import filters_for

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
DOC_URL = "http://127.0.0.1:8000"


def blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def curl_lines(text: str) -> list[str]:
    out = []
    for block in blocks(text, "bash"):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip().startswith("curl "):
                out.append(line.strip())
    return out


def test_docs_cover_every_collection_filter_and_endpoint() -> None:
    text = DOC.read_text(encoding="utf-8")
    for label, path in RESOURCE_PATHS.items():
        row = next((ln for ln in text.splitlines() if ln.startswith(f"| `/{path}` |")), None)
        assert row is not None, f"/{path} missing from the table"
        named = set(re.findall(r"`([a-z_]+)`", row.split("|")[3]))
        assert named == {f.name for f in filters_for(label)}, (path, named)
    for route in analytics_router.routes:
        assert isinstance(route, APIRoute)
        assert f"`{route.path}`" in text, f"{route.path} is not documented"
    assert len(curl_lines(text)) >= 25


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed (apt-get install curl)")
def test_curl_examples_run(demo_store: GraphStore, tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    csv_example = next(b for b in blocks(text, "text") if b.startswith("key,name,province,level"))
    work = tmp_path / "cwd"
    work.mkdir()
    (work / "bases.csv").write_text(csv_example, encoding="utf-8")
    app = create_app(make_settings(tmp_path, api_key=WRITE_KEY), store=demo_store)
    failures = []
    with live_server(app) as url:
        for line in curl_lines(text):
            cmd = line.replace(DOC_URL, url)
            expect = re.search(r"#\s*prints\s+(\d{3})", cmd)
            if not expect:
                cmd = "curl --fail-with-body " + cmd[len("curl ") :]
            proc = subprocess.run(
                ["bash", "-c", cmd],
                cwd=work,
                env={"PATH": "/usr/bin:/bin:/usr/local/bin", "CHAINKG_API_KEY": WRITE_KEY},
                capture_output=True,
                timeout=60,
            )
            out = proc.stdout.decode("utf-8", "replace")
            if expect:
                if out.strip() != expect.group(1):
                    failures.append(f"{line}\n  printed {out.strip()!r}")
                continue
            if proc.returncode != 0 or not out.strip():
                failures.append(f"{line}\n  exit {proc.returncode}: {out[:300]} {proc.stderr.decode()[:300]}")
                continue
            if out.lstrip("\ufeff").startswith(("{", "[")):
                data = json.loads(out)
                if data in ([], {}) or (isinstance(data, dict) and data.get("items") == []):
                    failures.append(f"{line}\n  answered nothing: {out[:200]}")
    assert not failures, "\n".join(failures)
