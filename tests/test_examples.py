"""Every example in every `--help`, in the README and in docs/ runs and exits 0 (issue 18).

Examples run as a user would type them, in a fresh working folder holding the files they
name, against a copy of the demo store; an example whose comment says "public data" runs
against the public data set loaded into its own folder. Serving examples must answer
/health and stop cleanly on Ctrl-C.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from servertools import free_port
from storetools import NEO4J_PASSWORD, NEO4J_SKIP, NEO4J_URI, NEO4J_USER, SHARED_DATA

ROOT = Path(__file__).resolve().parent.parent
DEMO_FILES = ROOT / "chainkg" / "demo" / "illustrative"
SERVING = ("serve", "demo")


@dataclass(frozen=True)
class Example:
    source: str
    line: str  # as written, comment included
    command: str

    @property
    def public(self) -> bool:
        return "public data" in self.line or self.command.startswith("chainkg ingest-ckg")

    @property
    def serving(self) -> bool:
        args = shlex.split(self.command)[1:]
        return bool(args) and args[0] in SERVING and "--no-serve" not in args

    @property
    def neo4j(self) -> bool:
        return "neo4j" in shlex.split(self.command)


def _split(source: str, text: str) -> list[Example]:
    """The ``chainkg ...`` commands in ``text`` (one per line or per ``;``), comments kept aside."""
    found = []
    for raw in text.splitlines():
        line = raw.strip().removeprefix("$ ").removeprefix("Examples:").removeprefix("Example:").strip()
        for part in re.split(r";|&&", line):
            part = part.strip()
            if not part.startswith("chainkg "):
                continue
            found.append(Example(source, part, part.split("  #")[0].split(" # ")[0].strip()))
    return found


def help_examples() -> list[Example]:
    from chainkg.cli.main import COMMANDS, load_all

    out = []
    for entry, cmd in zip(COMMANDS, load_all(), strict=True):
        text = cmd.help or ""
        at = text.find("Example")
        out += _split(f"chainkg {entry.name} --help", text[at:] if at >= 0 else "")
    return out


def doc_examples() -> list[Example]:
    out = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"```(?:bash|console|sh)?\n(.*?)```", text, re.S):
            out += _split(path.relative_to(ROOT).as_posix(), block)
    return out


def all_examples() -> list[Example]:
    seen: dict[str, Example] = {}
    for ex in help_examples() + doc_examples():
        seen.setdefault(ex.command, ex)
    return list(seen.values())


def _id(ex: Example) -> str:
    return f"{ex.source}: {ex.command}"


EXAMPLES = all_examples()


def test_examples_are_found() -> None:
    sources = {e.source for e in EXAMPLES}
    assert len(EXAMPLES) >= 30, [e.command for e in EXAMPLES]
    assert "README.md" in sources and "docs/ingest.md" in sources
    assert sum(s.endswith("--help") for s in sources) >= 20, "every command's --help has an example"


@pytest.fixture(scope="session")
def public_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public data set loaded once into its own data folder (separate from the demo)."""
    if not (SHARED_DATA / "company.json").exists():
        pytest.skip(f"public data set not found at {SHARED_DATA} (../shared is absent)")
    from chainkg.graph.store.ladybug_store import LadybugStore
    from chainkg.ingest.ckg import load_ckg

    folder = tmp_path_factory.mktemp("public-data")
    s = LadybugStore(folder / "graph.lbug")
    try:
        s.ensure_schema()
        load_ckg(s, SHARED_DATA)
    finally:
        s.close()
    return folder


def workspace(tmp: Path) -> Path:
    """A working folder holding the files the examples name (the demo's own CSV files)."""
    work = tmp / "work"
    for name in ("my-base-data", "my-folder", "data"):
        shutil.copytree(DEMO_FILES, work / name)
    (work / "chainkg").mkdir()
    (work / "chainkg" / "demo").symlink_to(ROOT / "chainkg" / "demo")  # the README checks the demo's own files
    (work / "chainkg" / "chainmaps").symlink_to(ROOT / "chainkg" / "chainmaps")  # a map file to load
    registry = ROOT / "tests" / "data" / "registry" / "企查查导出_示例.xlsx"  # an illustrative registry export
    (work / "tests" / "data").mkdir(parents=True)
    (work / "tests" / "data" / "registry").symlink_to(registry.parent)  # the README names it by this path
    for name in ("企查查导出.xlsx", "名单.xlsx"):
        shutil.copy(registry, work / name)
    shutil.copy(DEMO_FILES / "member_of.csv", work / "member_of.csv")
    shutil.copy(DEMO_FILES / "aliases.csv", work / "aliases.csv")
    _csv_to_xlsx(DEMO_FILES / "enterprise.csv", work / "企业名录.xlsx", sheet="企业")
    # The examples' relative paths to the public data (../shared/data/chainkg) resolve from here.
    (work.parent / "shared" / "data").mkdir(parents=True)
    if SHARED_DATA.exists():
        (work.parent / "shared" / "data" / "chainkg").symlink_to(SHARED_DATA)
    return work


def _csv_to_xlsx(src: Path, dst: Path, sheet: str) -> None:
    import csv

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    with src.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            ws.append(row)
    wb.save(dst)


def _chainkg() -> list[str]:
    exe = shutil.which("chainkg")
    return [exe] if exe else [sys.executable, "-c", "import sys; from chainkg.cli import app; sys.exit(app())"]


def _serve(args: list[str], env: dict[str, str], cwd: Path) -> None:
    port = free_port()
    if "--port" in args:
        args[args.index("--port") + 1] = str(port)
    env["CHAINKG_PORT"] = str(port)
    proc = subprocess.Popen(
        [*_chainkg(), *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"`chainkg {shlex.join(args)}` exited {proc.returncode}:\n{proc.stdout.read()}")  # type: ignore[union-attr]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"`chainkg {shlex.join(args)}` did not answer /health in 120 s")
                time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, f"`chainkg {shlex.join(args)}` stopped with {proc.returncode}:\n{out}"


@pytest.mark.slow
@pytest.mark.parametrize("ex", EXAMPLES, ids=_id)
def test_example_runs(ex: Example, demo_data_dir: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINKG_")}
    env["COLUMNS"] = "200"
    env["PYTHONPATH"] = str(ROOT)
    data = tmp_path / "data"
    if ex.command.startswith("chainkg ingest-ckg"):
        data.mkdir()  # loading the public data: a folder of its own, never the demo's
        if not (SHARED_DATA / "company.json").exists():
            pytest.skip(f"public data set not found at {SHARED_DATA}")
    elif ex.public:
        shutil.copytree(request.getfixturevalue("public_data_dir"), data)
    else:
        shutil.copytree(demo_data_dir, data)
    env["CHAINKG_DATA_DIR"] = str(data)
    if ex.neo4j:
        if not NEO4J_URI:
            pytest.skip(NEO4J_SKIP)
        env |= {"CHAINKG_NEO4J_URI": NEO4J_URI, "CHAINKG_NEO4J_USER": NEO4J_USER}
        env["CHAINKG_NEO4J_PASSWORD"] = NEO4J_PASSWORD
    cwd = workspace(tmp_path)
    args = shlex.split(ex.command)[1:]
    if ex.serving:
        _serve(args, env, cwd)
        return
    proc = subprocess.run([*_chainkg(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{ex.source}: `{ex.command}` exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    assert proc.stdout.strip() or proc.stderr.strip(), f"`{ex.command}` printed nothing"


def test_unknown_base_suggests_the_nearest(demo_data_dir: Path) -> None:
    """In Chinese, the default language of the CLI."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINKG_")}
    env |= {"CHAINKG_DATA_DIR": str(demo_data_dir), "PYTHONPATH": str(ROOT), "COLUMNS": "300"}
    for args, hint in (
        (["alliance", "al-led"], "是否要找：al-sz-led？"),
        (["gaps", "深圳"], "是否要找：sz-led, sz-hitech？"),
        (["collaboration", "洲明科技"], "是否要找：300232.SZ？"),
        (["patent-pool", "pp-ld"], "是否要找：pp-led？"),
    ):
        proc = subprocess.run([*_chainkg(), *args], env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 3
        assert hint in " ".join(proc.stderr.split()), proc.stderr


@pytest.mark.shared
@pytest.mark.slow
def test_public_city_key_is_suggested(public_data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINKG_")}
    env |= {"CHAINKG_DATA_DIR": str(public_data_dir), "PYTHONPATH": str(ROOT), "COLUMNS": "300"}
    proc = subprocess.run([*_chainkg(), "gaps", "深圳市"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3
    assert "是否要找：city:深圳市" in proc.stderr, proc.stderr
