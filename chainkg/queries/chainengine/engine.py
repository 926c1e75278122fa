"""The chain engine: one object per store that owns everything held between chain questions.

Every chain question (chain, gaps, weak links, what-if, candidates, complementarity, segment
answers) starts from things that change only when data is loaded: each level's whole link graph,
the product facts of the whole graph, and the chains of the bases asked about. The engine holds
them, each with the store's :meth:`~chainkg.graph.store.base.GraphStore.data_version` at the
time it was made, and gives one back only while that version is unchanged. The embedded store's
version counts its own writes (only its process can write the file); Neo4j's is the bookmark of
the database's last committed transaction, so a write by any client is seen. A store that
cannot tell (``data_version() is None``) has nothing kept.

What it holds is bounded: kept chains by a memory budget (``CHAINKG_CHAIN_CACHE_MB``), link
graphs by a number of links per level (``CHAINKG_CHAIN_INDEX_LINKS``; a larger level is walked
in the store step by step). On both stores the link graphs and product facts are also kept on
disk per data version (:mod:`.disk`), so a new process loads them in milliseconds; after a write
whose keys the journal records, they are refreshed from the previous version's (:mod:`.delta`)
instead of fetched whole.

The engine is built from the store and the settings (:meth:`ChainEngine.from_settings`). The
API app builds one and keeps it on ``app.state``; the question functions of
:mod:`chainkg.queries` take a store and use :func:`engine_for` — the engine attached to that
store, or a default one made on first use.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from chainkg.errors import ChainkgError
from chainkg.graph.store import GraphStore
from chainkg.graph.store.changes import Changes
from chainkg.queries.chainengine.disk import FOLDER, DiskCache, fingerprint, folder_for, version_part
from chainkg.queries.chainengine.fetch import LEVELS, Level, fetch_level
from chainkg.queries.chainengine.kept import BYTES_PER_ITEM, MAX_ITEMS, ChainCache
from chainkg.settings import Settings

if TYPE_CHECKING:  # numpy: imported when a graph is loaded, not by a command that finds its answer kept
    from chainkg.graph.analytics.linkgraph import LinkGraph

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_MAX_LINKS = 2_000_000
"""Links of one level held at most (``CHAINKG_CHAIN_INDEX_LINKS``). The public data has 110,000
product links; ten times it, 1.1 million, are held in about 180 MB (keys included)."""

DISK_FOLDER = FOLDER
"""The folder of the on-disk link graphs and product facts, beside the embedded store's file."""

_READ: Any = object()


class ChainEngine:
    """What is held between chain questions on one store: link graphs, product facts, kept chains.

    Parameters
    ----------
    store
        The store it answers from.
    budget_mb
        Memory for kept chains (0 keeps none).
    max_links
        Most links of one level held as a link graph (0: always walk in the store).
    disk
        Folder for link graphs and product facts kept on disk (embedded store only), or ``None``.

    Examples
    --------
    >>> engine = ChainEngine(store, budget_mb=50)          # doctest: +SKIP
    >>> engine.level_graph("product") is engine.level_graph("product")  # doctest: +SKIP
    True
    """

    def __init__(
        self,
        store: GraphStore,
        *,
        budget_mb: float | None = None,
        max_links: int = DEFAULT_MAX_LINKS,
        disk: Path | None = None,
    ) -> None:
        # Held weakly: the engine hangs off its store (see engine_for) and must not keep it alive.
        self._store = weakref.ref(store)
        self.chains: ChainCache[object] = ChainCache(
            MAX_ITEMS if budget_mb is None else int(budget_mb * 1_000_000 // BYTES_PER_ITEM)
        )
        self.max_links = max(0, max_links)
        self.disk = DiskCache(disk) if disk is not None else None
        # How each kept thing was last made, by how: "loaded" (disk), "refreshed" (from the
        # previous version and the journal), "fetched" (whole); tests and benchmarks read it.
        self.made: dict[str, int] = {"loaded": 0, "refreshed": 0, "fetched": 0}
        self._graphs: dict[str, tuple[Hashable, LinkGraph | None]] = {}
        self._facts: dict[str, tuple[Hashable, object]] = {}
        self._lock = threading.RLock()

    @classmethod
    def from_settings(cls, store: GraphStore, settings: Settings) -> ChainEngine:
        """The engine the settings ask for (budget, link limit, on-disk copies: :func:`.disk.folder_for`)."""
        disk = folder_for(store, settings.data_dir)
        return cls(store, budget_mb=settings.chain_cache_mb, max_links=settings.chain_index_links, disk=disk)

    @property
    def store(self) -> GraphStore:
        """The store it answers from."""
        store = self._store()
        if store is None:
            raise ChainkgError("The store of this chain engine has been closed and dropped.")
        return store

    # -- data version -----------------------------------------------------------------------

    def version(self) -> Hashable | None:
        """The store's data version now (one round trip on Neo4j)."""
        return self.store.data_version()

    # -- budgets ----------------------------------------------------------------------------

    def set_budget(self, megabytes: float) -> None:
        """Let kept chains take about ``megabytes`` of memory (0: keep none)."""
        self.chains.resize(int(megabytes * 1_000_000 // BYTES_PER_ITEM))

    def set_limit(self, max_links: int) -> None:
        """Hold a level's link graph only up to ``max_links`` links (0: walk every chain in the store)."""
        with self._lock:
            self.max_links = max(0, max_links)
            self._graphs.clear()

    def forget(self) -> None:
        """Drop everything held in memory (benchmarks use it to time a cold start; disk copies stay)."""
        with self._lock:
            self._graphs.clear()
            self._facts.clear()
        self.chains.clear()

    # -- kept chains (and other answers derived from them) ------------------------------------

    def cached(
        self,
        key: Hashable,
        compute: Callable[[], T],
        size: Callable[[T], int],
        *,
        version: Hashable | None = _READ,
    ) -> T:
        """``compute()``, or the value kept for ``key`` while the store's data is unchanged.

        A value is kept only if the data did not change while it was computed: the version is
        read before and after, and a write committed in between (by anyone) makes them differ.
        """
        store = self.store
        if version is _READ:
            version = store.data_version()
        if version is None:
            return compute()
        hit = self.chains.get(key, version)
        if hit is not None:
            return hit  # type: ignore[return-value]
        value = compute()
        if store.data_version() == version:
            self.chains.put(key, version, value, size(value))
        return value

    # -- facts of the whole graph (product facts, activity space ...) -------------------------

    def held(
        self,
        name: str,
        fetch: Callable[[], T],
        version: Hashable | None = None,
        *,
        on_disk: bool = False,
        refresh: Callable[[T, Changes], T | None] | None = None,
        tally: bool = True,
    ) -> T:
        """``fetch()`` once per data version (always, for a store that cannot tell it).

        ``on_disk``: also keep it on disk beside an embedded store, for the next process.
        ``refresh(previous, changes)``: the value for the current data from the one kept on disk
        for an earlier version and what was written since (``None``: fetch instead).
        ``tally``: count how it was made in :attr:`made` (the link graphs and product facts are
        counted; a small fact such as the chain maps, always fetched after a write, is not).
        """
        store = self.store
        if version is None:
            version = store.data_version()
        kept = self._facts.get(name)
        if version is not None and kept is not None and kept[0] == version:
            return kept[1]  # type: ignore[return-value]
        with self._lock:
            kept = self._facts.get(name)
            if version is not None and kept is not None and kept[0] == version:
                return kept[1]  # type: ignore[return-value]
            print_ = fingerprint(store) if on_disk and self.disk is not None and version is not None else None
            value = self.disk.load_value(name, print_) if self.disk is not None and print_ else None
            how = "loaded"
            if value is None and refresh is not None and print_:
                value, how = self._refreshed(name, ".pickle", print_, refresh), "refreshed"
            if value is None:
                value, how = fetch(), "fetched"
            if tally:
                self.made[how] += 1
            if how != "loaded" and print_ and self.disk is not None and fingerprint(store) == print_:
                self.disk.save_value(name, print_, value)
            if version is not None and store.data_version() == version:  # nothing written meanwhile
                self._facts[name] = (version, value)
            return value

    # -- link graphs --------------------------------------------------------------------------

    def level_graph(self, level: Level, version: Hashable | None = None) -> LinkGraph | None:
        """The whole link graph of ``level`` for the store's current data, or ``None``.

        ``None`` means: walk the store step by step instead (the store cannot tell its data
        version, or the level has more links than the limit). The first call after a write
        loads the graph from disk or fetches it; concurrent callers wait for that one.
        """
        if self.max_links == 0:
            return None
        store = self.store
        if version is None:
            version = store.data_version()
        if version is None:
            return None
        kept = self._graphs.get(level)
        if kept is not None and kept[0] == version:
            return kept[1]
        with self._lock:
            kept = self._graphs.get(level)
            if kept is not None and kept[0] == version:
                return kept[1]
            graph = self._load_or_fetch(level)
            if store.data_version() == version:  # nothing written meanwhile: it describes `version`
                self._graphs[level] = (version, graph)
            return graph

    def _load_or_fetch(self, level: Level) -> LinkGraph | None:
        store = self.store
        print_ = fingerprint(store) if self.disk is not None else None
        graph: LinkGraph | None = None
        if print_ and self.disk is not None:
            graph = self.disk.load_graph(level, print_)
            if graph is not None and len(graph) <= self.max_links:
                self.made["loaded"] += 1
                return graph
            from chainkg.queries.chainengine.delta import refresh_level  # numpy: only when a graph is loaded

            graph = self._refreshed(level, ".npz", print_, lambda old, ch: refresh_level(store, level, old, ch))
        if graph is not None and len(graph) <= self.max_links:
            self.made["refreshed"] += 1
        else:
            self.made["fetched"] += 1
            graph = fetch_level(store, level, self.max_links)
        if graph is not None and print_ and self.disk is not None and fingerprint(store) == print_:
            self.disk.save_graph(level, print_, graph)
        return graph

    def note_writes(self) -> None:
        """Add this process's writes since the last call to the journal beside the kept files, so
        the next reader refreshes what is kept instead of fetching it whole (the writer's part)."""
        if self.disk is None:
            return
        store = self.store
        taken = store.changes.take()
        if taken is not None:
            before, after, changes = taken
            self.disk.record(version_part(store, before), version_part(store, after), changes)

    def _refreshed(self, name: str, suffix: str, print_: str, refresh: Callable[[Any, Changes], Any]) -> Any:
        """``name`` for the data ``print_`` made from the copy kept for an earlier version and the
        journal's record of the writes since; ``None`` when the journal does not cover them."""
        assert self.disk is not None
        self.note_writes()
        prior = self.disk.prior(name, suffix)
        if prior is None or prior == print_:
            return None
        changes = self.disk.changes_between(prior, print_)
        if changes is None:
            log.info("%s: no record of every write since the kept copy; fetched whole", name)
            return None
        old = self.disk.load_graph(name, prior) if suffix == ".npz" else self.disk.load_value(name, prior)
        return None if old is None else refresh(old, changes)

    def is_held(self, level: Level) -> bool:
        """Whether a graph of ``level`` is held in memory for the store's current data (nothing is fetched)."""
        kept = self._graphs.get(level)
        return kept is not None and kept[1] is not None and kept[0] == self.store.data_version()

    def warm(self) -> bool:
        """Hold both levels' graphs, the product facts and the chain maps now, so no user's first question waits.

        Only a head start: when the store cannot answer, the reason is logged, ``False`` comes
        back, and the first chain question fetches them (or says what is wrong) instead.
        """
        # products and segments use the engine: imported when used
        from chainkg.queries.chainengine.segments import chain_maps
        from chainkg.queries.products import product_info

        try:
            self.note_writes()
            version = self.version()
            for level in LEVELS:
                self.level_graph(level, version)
            product_info(self.store, version)  # every product chain needs them
            chain_maps(self.store)  # every segment answer reads them
        except ChainkgError as exc:
            log.warning("link graphs not fetched: %s", exc)
            return False
        return True


# The engine of each store. One registry for the whole package (it replaces the per-module
# registries of the chain cache, the link graphs and the product facts): the question functions
# take a store, and this is where they find its engine. The API attaches the engine it built.
_ENGINES: weakref.WeakKeyDictionary[GraphStore, ChainEngine] = weakref.WeakKeyDictionary()
_ENGINES_LOCK = threading.Lock()


def engine_for(store: GraphStore) -> ChainEngine:
    """The engine attached to ``store``, or a default one (memory only, default budgets) made now."""
    with _ENGINES_LOCK:
        engine = _ENGINES.get(store)
        if engine is None:
            engine = _ENGINES[store] = ChainEngine(store)
        return engine


def attach(engine: ChainEngine) -> ChainEngine:
    """Make ``engine`` the one the question functions use for its store; returns it."""
    with _ENGINES_LOCK:
        _ENGINES[engine.store] = engine
    return engine
