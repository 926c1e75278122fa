"""The examples in chainkg's docstrings run and are right (``>>>`` lines are tests too)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import chainkg

# Modules whose examples are not run yet, with the reason (none today; keep the mechanism so
# an exclusion stays visible and is checked below).
EXCLUDED: dict[str, str] = {}

MODULES = sorted(m.name for m in pkgutil.walk_packages(chainkg.__path__, "chainkg."))


def _run(name: str) -> doctest.TestResults:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, name):
        runner.run(test)
    return runner.summarize(verbose=False)


@pytest.mark.parametrize("name", [m for m in MODULES if m not in EXCLUDED])
def test_docstring_examples(name: str) -> None:
    assert _run(name).failed == 0


def test_examples_are_found() -> None:
    assert sum(_run(m).attempted for m in ("chainkg.text", "chainkg.graph.store.named")) >= 4


@pytest.mark.parametrize("name", sorted(EXCLUDED))
def test_exclusions_are_still_needed(name: str) -> None:
    """An excluded module whose examples pass again goes back into the run."""
    assert name in MODULES
    try:
        failed = _run(name).failed
    except ValueError:  # a malformed example: doctest cannot even parse it
        failed = 1
    assert failed > 0, f"{name}'s examples pass now: remove it from EXCLUDED"
