"""``chainkg serve``: options, and a real server on a fresh data folder with the demo loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from servertools import chainkg_serve, http_get
from typer.testing import CliRunner

from chainkg.cli import app

runner = CliRunner()


def test_help_names_the_options() -> None:
    r = runner.invoke(app, ["serve", "--help"])
    assert r.exit_code == 0
    for opt in ("--host", "--port", "--store", "--load-demo", "--cache-ttl"):
        assert opt in r.output


def test_unknown_store_is_refused() -> None:
    r = runner.invoke(app, ["serve", "--store", "mongo"])
    assert r.exit_code == 4
    assert "ladybug, neo4j" in r.output


@pytest.mark.slow
def test_serve_on_a_fresh_folder_with_the_demo(tmp_path: Path) -> None:
    with chainkg_serve(["--load-demo"], tmp_path / "fresh", tmp_path) as run:
        base = run.base
        assert http_get(f"{base}/health")[0] == 200
        status, body = http_get(f"{base}/docs")
        assert status == 200 and b"swagger" in body.lower()
        status, body = http_get(f"{base}/bases")
        bases = json.loads(body)["items"]
        assert status == 200 and bases
        status, body = http_get(f"{base}/analytics/gaps?base={bases[0]['key']}")
        assert status == 200 and json.loads(body)
    out = run.output
    assert b"Traceback" not in out, out.decode()[-2000:]
