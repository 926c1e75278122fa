"""The import contract of DESIGN.md: imports point down the layers only.

    base (errors, settings, text, gctuning)  <  graph  <  ingest, queries  <  views  <  api, cli

``ingest`` and ``queries`` are peers and never import each other; ``api`` and ``cli`` are the
top and nothing imports them. Inside ``graph``, the model and the stores never import the
analytics. Every ``import`` counts, also one inside a function or under ``TYPE_CHECKING``:
a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "chainkg"

RANK: dict[str, int] = {
    "__init__": 0,
    "__main__": 5,  # python -m chainkg: the program, above the CLI
    "errors": 0,
    "settings": 0,
    "text": 0,
    "i18n": 0,
    "gctuning": 0,
    "graph": 1,
    "ingest": 2,
    "queries": 2,
    "views": 3,
    "api": 4,
    "cli": 4,
}

# (importing file relative to chainkg/, imported module): why it may break the rule.
ALLOWED: dict[tuple[str, str], str] = {
    ("cli/cmd_serve.py", "chainkg.api.main"): "`chainkg serve` is the composition root that starts the API app",
}


def _imports(path: Path, root: Path = PACKAGE) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = path.relative_to(root.parent).with_suffix("").parts[: -node.level]
                out.append((node.lineno, ".".join((*base, node.module or ""))))
            elif node.module:
                out.append((node.lineno, node.module))
    return [(n, m) for n, m in out if m == "chainkg" or m.startswith("chainkg.")]


def _layer(parts: tuple[str, ...]) -> str:
    """The top-level part of ``chainkg`` a module (given as its dotted parts after ``chainkg``) is in."""
    return parts[0] if parts else "__init__"


def _violations(root: Path = PACKAGE) -> list[str]:
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        here = _layer(rel.with_suffix("").parts)
        assert here in RANK, f"{rel}: chainkg/{here} has no place in the layer order; add it to RANK"
        for line, target in _imports(path, root):
            parts = tuple(target.split(".")[1:])
            there = _layer(parts)
            if there == here:
                if here == "graph" and parts[:2] == ("graph", "analytics") and rel.parts[1] != "analytics":
                    found.append(f"{rel}:{line} imports {target}: the model and stores sit below the analytics")
                continue
            if (str(rel.as_posix()), target) in ALLOWED:
                continue
            assert there in RANK, f"{rel}:{line} imports {target}, which has no place in the layer order"
            if RANK[there] >= RANK[here]:
                found.append(f"{rel}:{line} imports {target} ({here} may not import {there})")
    return found


def test_imports_point_down_the_layers() -> None:
    assert _violations() == []


def test_the_contract_sees_a_violation(tmp_path: Path) -> None:
    """The checker itself catches an upward import (so an empty list above means something)."""
    fake = tmp_path / "chainkg"
    (fake / "graph").mkdir(parents=True)
    (fake / "queries").mkdir()
    (fake / "graph" / "store.py").write_text("def f():\n    from chainkg.queries.chainengine.chain import get_base\n")
    (fake / "queries" / "a.py").write_text("from chainkg.ingest import resolve\n")
    (fake / "queries" / "b.py").write_text("from ..graph import store\n")
    found = _violations(fake)
    assert [v.split(":")[0] for v in found] == ["graph/store.py", "queries/a.py"]


def test_allowed_exceptions_still_exist() -> None:
    """An exception left over after its import is gone is removed, so the list stays honest."""
    for (rel, target), _why in ALLOWED.items():
        assert target in {m for _, m in _imports(PACKAGE / rel)}, f"{rel} no longer imports {target}"
