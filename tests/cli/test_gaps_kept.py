"""`chainkg gaps` keeps its answer per data version (issue 17): asked again it reads it, after a write it recomputes."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest
from gaps_graph import build
from typer.testing import CliRunner

from chainkg.cli import app
from chainkg.cli.common import store_session
from chainkg.queries.chainengine.answers import PREFIX

SEED = build  # the graph the `cli` fixture (tests/cli/conftest.py) loads


def run(*args: str) -> str:
    """What ``chainkg ARGS`` prints (it must succeed)."""
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return res.stdout


def kept_files() -> list[Path]:
    """The kept answers under the data dir (beside the embedded store, or in the Neo4j database's folder)."""
    return sorted(Path(os.environ["CHAINKG_DATA_DIR"]).rglob(f"{PREFIX}gaps-*.pickle"))


def test_the_answer_is_kept_read_back_and_recomputed_after_a_write(cli: None) -> None:
    first = run("gaps", "b1", "--level", "product")
    assert "电池片" in first  # a gap of b1: nobody in the base makes it (gaps_graph)
    files = kept_files()
    assert len(files) == 1, files
    assert run("gaps", "b1", "--level", "product") == first

    # The next run prints what the file holds: proof that it reads the kept answer and walks nothing.
    files[0].write_bytes(pickle.dumps([("say", "kept answer read back")]))
    assert run("gaps", "b1", "--level", "product") == "kept answer read back\n"
    # Other arguments, language or output are other answers.
    assert run("--lang", "en", "gaps", "b1", "--level", "product") != "kept answer read back\n"
    assert json.loads(run("gaps", "b1", "--level", "product", "--json"))["gaps"]

    # A write (甲组件 now makes 电池片 too) changes the data: the answer is computed again, from the new data.
    with store_session() as store:
        store.merge_rels("MAKES", "Enterprise", "Product", [{"src": "A", "dst": "电池片", "share": 0.1}])
    after = run("gaps", "b1", "--level", "product")
    assert after != "kept answer read back\n"
    gaps = json.loads(run("gaps", "b1", "--level", "product", "--json"))["gaps"]
    assert "电池片" not in [g["key"] for g in gaps] and gaps, gaps
    # Answers kept for the old data are removed once one is kept for the new.
    assert all(f not in kept_files() for f in files)
    assert 1 <= len(kept_files()) <= 2  # the table and the --json answer of the new data


def test_an_answer_is_named_by_its_arguments_and_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from chainkg.queries.chainengine import answers

    name = answers.answer_name("gaps", ("b1", 3, "product"))
    assert name.startswith(f"{PREFIX}gaps-") and name == answers.answer_name("gaps", ("b1", 3, "product"))
    assert answers.answer_name("gaps", ("b1", 4, "product")) != name
    monkeypatch.setattr(answers, "code_stamp", lambda: "0123456789ab")  # chainkg upgraded or a catalog edited
    assert answers.answer_name("gaps", ("b1", 3, "product")) != name
