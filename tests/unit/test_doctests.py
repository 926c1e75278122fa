"""The examples in chainkg's docstrings run and are right (``>>>`` lines are tests too)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import chainkg

MODULES = sorted(m.name for m in pkgutil.walk_packages(chainkg.__path__, "chainkg."))


def _run(name: str) -> doctest.TestResults:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, name):
        runner.run(test)
    return runner.summarize(verbose=False)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    assert _run(name).failed == 0


def test_examples_are_found() -> None:
    assert sum(_run(m).attempted for m in ("chainkg.text", "chainkg.graph.store.named")) >= 4
    # The chain view's and the as-of rule's examples run (views.chain was once left out).
    assert _run("chainkg.views.chain").attempted >= 10
    assert _run("chainkg.queries.chainengine.chain").attempted >= 2
