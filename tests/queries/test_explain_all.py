"""Every registered named query compiles on every store: ``EXPLAIN`` runs it through each
backend's parser and planner without reading data, so a dialect slip in a rarely used query
shows up here rather than in front of a user."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import chainkg
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, all_queries

# Typed example values by parameter name; a query declaring ``params`` overrides these
# (``alliance`` is a key in most queries but a key list in network.node_names).
EXAMPLE_PARAMS: dict[str, object] = {
    "key": "k",
    "base": "b",
    "seg": "s",
    "map": "m",
    "maps": ["m"],
    "name": "n",
    "province": "p",
    "alliance": "a",
    "limit": 10,
    "keys": ["k"],
    "ent": ["e"],
    "ents": ["e"],
    "res": ["r"],
    "orgs": ["o"],
    "bases": ["b"],
    "fields": ["f"],
    "anchors": ["a"],
    "products": ["p"],
    "alliances": ["a"],
    "pool": ["p"],
    "pairs": [{"src": "a", "dst": "b"}],
}

# Queries not EXPLAINed, with the reason. Keep this empty unless a store truly cannot plan one.
EXCLUDED: dict[str, str] = {}


def _registered() -> list[NamedQuery]:
    """Import every chainkg module (so every query is registered), then list them."""
    for mod in pkgutil.walk_packages(chainkg.__path__, "chainkg."):
        importlib.import_module(mod.name)
    return [nq for nq in all_queries() if nq.name not in EXCLUDED]


QUERIES = _registered()


def example_params(nq: NamedQuery, backend: str) -> dict[str, object]:
    names = set(re.findall(r"\$(\w+)", nq.text_for(backend)))
    unknown = names - set(nq.params) - set(EXAMPLE_PARAMS)
    assert not unknown, f"{nq.name}: add a typed example for ${', $'.join(sorted(unknown))} to EXAMPLE_PARAMS"
    return {p: nq.params.get(p, EXAMPLE_PARAMS.get(p)) for p in names}


def test_every_registered_query_compiles(store: GraphStore) -> None:
    # One store per backend for all of them (a fresh store per query costs a minute and a half).
    assert len(QUERIES) >= 200, "the chain, ego, resource and analytics queries all register at import"
    failed: list[str] = []
    for nq in QUERIES:
        try:
            store.execute("EXPLAIN " + nq.text_for(store.backend), example_params(nq, store.backend))
        except Exception as exc:
            failed.append(f"{nq.name}: {type(exc).__name__}: {str(exc)[:300]}")
    assert failed == []


def test_explain_rejects_a_broken_query(store: GraphStore) -> None:
    """EXPLAIN resolves functions: a text this store cannot compile fails (so the test above can)."""
    with pytest.raises(Exception):  # noqa: B017 - each driver raises its own error type
        store.execute("EXPLAIN MATCH (n)-[r]->(m) RETURN no_such_function(r) AS x")


def test_no_exclusion_is_stale() -> None:
    names = {nq.name for nq in all_queries()}
    assert set(EXCLUDED) <= names
