"""The chain engine: every chain question, and what it holds between questions, in one package.

- :mod:`.engine` — :class:`ChainEngine` (data-version checks, held link graphs, product facts,
  kept chains, budgets) and :func:`engine_for` / :func:`attach`;
- :mod:`.fetch` — the named Cypher that fetches a whole level's links;
- :mod:`.disk` — link graphs and product facts kept on disk beside the embedded store;
- :mod:`.delta` — a level's link graph for new data from an earlier version's and what was written;
- :mod:`.kept` — the bounded, versioned cache of kept chains;
- :mod:`.chain` — a base's chain (its own rows fetched, walked over the held link graphs);
- :mod:`.gaps` — gaps, weak links, chain summaries and what-if;
- :mod:`.segments` — chain maps and the segment-level answers;
- :mod:`.candidates` — who could fill a gap; :mod:`.complement` — bases that complement each other.

Walking and scoring are pure functions in :mod:`chainkg.graph.analytics` (``chain``,
``linkgraph``, ``segments``, ``fill``, ``whatif``); the modules here hold the Cypher that fetches
and go through the engine for everything held.

The question modules are imported on first use of one of their names (``chainkg --help`` and
the engine alone stay light, and :mod:`chainkg.queries.products`, which the questions use,
can import the engine without a cycle).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from chainkg.queries.chainengine.engine import DEFAULT_MAX_LINKS, ChainEngine, attach, engine_for

if TYPE_CHECKING:
    from chainkg.queries.chainengine.chain import (
        DEFAULT_DEPTH,
        BaseChain,
        BaseRef,
        ChainQuestion,
        chain_graph,
        get_base,
        load_chain,
    )
    from chainkg.queries.chainengine.gaps import Gap, WeakLink, base_chain_summary, find_gaps, weak_links

# Public name -> the module of this package that defines it.
_LAZY: dict[str, str] = {
    "DEFAULT_DEPTH": "chain",
    "BaseChain": "chain",
    "BaseRef": "chain",
    "ChainQuestion": "chain",
    "chain_graph": "chain",
    "get_base": "chain",
    "load_chain": "chain",
    "Gap": "gaps",
    "WeakLink": "gaps",
    "base_chain_summary": "gaps",
    "find_gaps": "gaps",
    "weak_links": "gaps",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "DEFAULT_DEPTH",
    "DEFAULT_MAX_LINKS",
    "BaseChain",
    "BaseRef",
    "ChainEngine",
    "ChainQuestion",
    "Gap",
    "WeakLink",
    "attach",
    "base_chain_summary",
    "chain_graph",
    "engine_for",
    "find_gaps",
    "get_base",
    "load_chain",
    "weak_links",
]
