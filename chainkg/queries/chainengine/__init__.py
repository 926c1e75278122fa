"""The chain engine: what every chain question holds between questions, in one object per store.

- :mod:`.engine` — :class:`ChainEngine` (data-version checks, held link graphs, product facts,
  kept chains, budgets) and :func:`engine_for` / :func:`attach`;
- :mod:`.fetch` — the named Cypher that fetches a whole level's links;
- :mod:`.disk` — link graphs and product facts kept on disk beside the embedded store;
- :mod:`.kept` — the bounded, versioned cache of kept chains.

Walking and scoring are pure functions in :mod:`chainkg.graph.analytics` (``chain``,
``linkgraph``, ``segments``, ``products``); the questions (:mod:`chainkg.queries.chain`,
``gaps``, ``segments``, ``products`` ...) fetch a base's own rows and go through the engine
for everything held.
"""

from chainkg.queries.chainengine.engine import DEFAULT_MAX_LINKS, ChainEngine, attach, engine_for

__all__ = ["DEFAULT_MAX_LINKS", "ChainEngine", "attach", "engine_for"]
