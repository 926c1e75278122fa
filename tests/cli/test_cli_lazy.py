"""`chainkg --help` and the light commands import only what they use (issue 17, item 1)."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "chainkg" / "cli"
HEAVY = ("pandas", "pyvis", "matplotlib", "openpyxl")

# Runs the CLI in a fresh interpreter and prints, as JSON, the modules it ended up with.
PROBE = """
import json, sys
sys.argv = ["chainkg", *json.loads(sys.argv[1])]
from chainkg.cli import app
try:
    app()
except SystemExit:
    pass
finally:
    sys.stderr.write("\\nMODULES=" + json.dumps(sorted(sys.modules)) + "\\n")
"""


def modules_after(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=(env or os.environ.copy()) | {"PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES=")))


def test_root_help_imports_no_command_module() -> None:
    mods = modules_after(["--help"])
    ours = {m for m in mods if m == "chainkg" or m.startswith("chainkg.")}
    # chainkg.i18n: the help's language (stdlib gettext only); chainkg.cli.clicktext: click's words in it (re only)
    # chainkg.cli.helptext/plain: the root help is drawn without typer's rich_utils (rich's markdown, pygments: 0.1 s)
    assert ours == {
        "chainkg",
        "chainkg.cli",
        "chainkg.cli.main",
        "chainkg.cli.clicktext",
        "chainkg.i18n",
        "chainkg.cli.helptext",
        "chainkg.cli.plain",
    }, ours
    third = {m.split(".")[0] for m in mods}
    for heavy in (
        *HEAVY,
        "numpy",
        "networkx",
        "ladybug",
        "neo4j",
        "fastapi",
        "pydantic",
        "rich",
        "markdown_it",
        "pygments",
    ):
        assert heavy not in third, f"`chainkg --help` imported {heavy}"
    assert "typer.rich_utils" not in mods


def test_root_help_lists_every_command_with_its_chinese_line() -> None:
    """The plain root help still lists each command of the registry, its help line in the language asked."""
    from chainkg.cli.main import COMMANDS
    from chainkg.i18n import _, use_locale

    for lang in ("zh", "en"):
        out = cli_output("--lang", lang, "--help", columns=250)
        usage = "用法：chainkg [选项] 命令 [参数]..." if lang == "zh" else "Usage: chainkg [OPTIONS] COMMAND [ARGS]..."
        assert usage in out and "--lang" in out
        assert ("─ 命令 ─" if lang == "zh" else "─ Commands ─") in out, out
        with use_locale(lang):
            for e in COMMANDS:
                assert f"│ {e.name} " in out and _(e.help) in out, (e.name, out)


@pytest.mark.parametrize(
    "args",
    [
        ["gaps", "--help"],
        ["status", "--help"],
        ["collaboration", "--help"],
        ["ingest", "--help"],
        ["network-brokers", "--help"],
    ],
)
def test_light_command_help_skips_heavy_libraries(args: list[str]) -> None:
    mods = modules_after(args)
    assert any(m.startswith("chainkg.cli.cmd_") for m in mods), "the command's module was loaded"
    loaded = [h for h in HEAVY if h in mods]
    assert loaded == [], f"`chainkg {' '.join(args)}` imported {loaded}"


def test_gaps_on_the_demo_skips_heavy_libraries(demo_data_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(demo_data_dir, data)  # the command keeps its answer beside the store: on a copy
    env = os.environ | {"CHAINKG_DATA_DIR": str(data), "CHAINKG_STORE": "ladybug"}
    mods = modules_after(["gaps", "sz-led", "--limit", "3"], env)
    assert "chainkg.queries.chainengine.gaps" in mods, "the command ran its query"
    loaded = [h for h in HEAVY if h in mods]
    assert loaded == [], f"`chainkg gaps sz-led` imported {loaded}"
    # a read neither writes Arrow tables nor prints typer's help or errors (0.1 s and 0.06 s to import)
    assert "pyarrow" not in mods and "typer.rich_utils" not in mods
    # Asked again on the same data, it opens the store and prints the answer it kept: no question
    # module, numpy or rich is imported (tests/cli/test_gaps_kept.py checks the answer itself).
    again = modules_after(["gaps", "sz-led", "--limit", "3"], env)
    assert "chainkg.graph.store.ladybug_store" in again and "chainkg.queries.chainengine.answers" in again
    third = {m.split(".")[0] for m in again}
    assert not {"numpy", "rich", "pandas", "networkx", "rapidfuzz"} & third, sorted(third)
    assert not [m for m in again if m.startswith(("chainkg.queries.chainengine.gaps", "chainkg.graph.analytics"))]


RUN = "import sys; from chainkg.cli import app; sys.argv = ['chainkg', *sys.argv[1:]]; app()"


def cli_output(*args: str, columns: int) -> str:
    """What ``chainkg ARGS`` prints in a fresh interpreter on a terminal ``columns`` wide (it must succeed)."""
    res = subprocess.run(
        [sys.executable, "-c", RUN, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"PYTHONPATH": str(ROOT), "COLUMNS": str(columns)},
        cwd=ROOT,
    )
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_typer_words_follow_the_language_when_help_is_printed() -> None:
    """typer's rich module loads only to print help; its panel titles are then in the language asked."""
    for lang, title in (("zh", "选项"), ("en", "Options")):
        out = cli_output("--lang", lang, "status", "--help", columns=100)
        assert f"─ {title} ─" in out, out


def _commands_in(path: Path) -> list[str]:
    """Names of the commands a cmd_*.py module attaches with ``@app.command``."""
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for dec in node.decorator_list:
            if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and dec.func.attr == "command":
                first = dec.args[0] if dec.args else None
                names.append(first.value if isinstance(first, ast.Constant) else node.name.replace("_", "-"))
    return names


def test_every_command_is_in_the_registry() -> None:
    from chainkg.cli.main import COMMANDS

    registered = {(e.name, e.module) for e in COMMANDS}
    defined = {(name, p.stem) for p in sorted(CLI.glob("cmd_*.py")) for name in _commands_in(p)}
    assert len(defined) >= 20
    assert defined - registered == set(), "add these to COMMANDS in chainkg/cli/main.py"
    assert registered - defined == set(), "COMMANDS lists commands no module defines"
    assert len({e.name for e in COMMANDS}) == len(COMMANDS), "a command name is listed twice"


def test_every_registered_command_loads_with_its_help() -> None:
    from chainkg.cli.main import COMMANDS, load_all

    commands = load_all()
    assert [c.name for c in commands] == [e.name for e in COMMANDS]
    for cmd, entry in zip(commands, COMMANDS, strict=True):
        assert cmd.help and "Example" in cmd.help, f"`chainkg {entry.name} --help` shows no example"
        assert entry.help.strip(), entry.name


def test_a_mistyped_command_is_answered_with_the_nearest() -> None:
    from typer.testing import CliRunner

    from chainkg.cli import app

    res = CliRunner().invoke(app, ["gap", "sz-led"])
    assert res.exit_code == 2
    assert "您是否要用 'gaps'" in " ".join(res.output.replace("│", " ").split()), res.output
    res = CliRunner().invoke(app, ["--lang", "en", "gap", "sz-led"])
    assert "Did you mean 'gaps'" in " ".join(res.output.replace("│", " ").split()), res.output


def test_old_command_names_still_run_with_a_note() -> None:
    from typer.testing import CliRunner

    from chainkg.cli.main import ALIASES, COMMANDS, app

    names = {e.name for e in COMMANDS}
    assert set(ALIASES.values()) <= names and not set(ALIASES) & names
    r = CliRunner().invoke(app, ["whatif", "--help"])
    assert r.exit_code == 0, r.output
    assert "已更名为 what-if" in r.stderr and "用法：" in r.stdout and "--level" in r.stdout
    en = CliRunner().invoke(app, ["--lang", "en", "whatif", "--help"])
    assert "renamed what-if" in en.stderr and "Usage:" in en.stdout and "已更名" not in en.stderr, en.stderr
    listed = CliRunner().invoke(app, ["--help"]).stdout
    assert "what-if" in listed and "whatif" not in listed
