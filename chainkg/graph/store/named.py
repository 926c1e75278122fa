"""Named queries: one Cypher text per question, with one way to write a dialect difference.

A query is written once, in Neo4j's Cypher. Where LadybugDB spells a construct differently,
the text uses a *dialect token* instead and :func:`q` derives each backend's text from it:

======================  =========================  ===========================
token                   Neo4j                      LadybugDB
======================  =========================  ===========================
``__TYPE__(r)``         ``type(r)``                ``label(r)``
``__LABEL__(n)``        ``labels(n)[0]``           ``label(n)``
``__NULL_FLOAT__``      ``NULL``                   ``CAST(NULL AS DOUBLE)``
======================  =========================  ===========================

The table :data:`DIALECTS` is the one place a new backend adds its spellings. The named
query type lives here, with the store that runs it, so the store never imports ``queries/``.

>>> nq = NamedQuery.define("doc.demo", "MATCH (a)-[r]->(b) RETURN __TYPE__(r) AS t, __NULL_FLOAT__ AS x")
>>> nq.text_for("neo4j")
'MATCH (a)-[r]->(b) RETURN type(r) AS t, NULL AS x'
>>> nq.text_for("ladybug")
'MATCH (a)-[r]->(b) RETURN label(r) AS t, CAST(NULL AS DOUBLE) AS x'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

BACKENDS: tuple[str, ...] = ("neo4j", "ladybug")
"""The stores a query runs on; the first one's text is the default."""

DEFAULT_BACKEND = BACKENDS[0]

_Spelling = Callable[[str], str]
"""Given the token's argument (or ``""``), the backend's text."""

DIALECTS: Mapping[str, Mapping[str, _Spelling]] = {
    "__TYPE__": {"neo4j": lambda a: f"type({a})", "ladybug": lambda a: f"label({a})"},
    "__LABEL__": {"neo4j": lambda a: f"labels({a})[0]", "ladybug": lambda a: f"label({a})"},
    "__NULL_FLOAT__": {"neo4j": lambda _a: "NULL", "ladybug": lambda _a: "CAST(NULL AS DOUBLE)"},
}
# A token with an argument is written TOKEN(arg); the argument is a plain variable name.
_TOKEN = re.compile("(" + "|".join(map(re.escape, DIALECTS)) + r")(?:\((\w+)\))?")


def render(cypher: str, backend: str) -> str:
    """``cypher`` with every dialect token spelled for ``backend``.

    >>> render("RETURN __LABEL__(m) AS l", "ladybug")
    'RETURN label(m) AS l'
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}")

    def spell(m: re.Match[str]) -> str:
        return DIALECTS[m.group(1)][backend](m.group(2) or "")

    return _TOKEN.sub(spell, cypher)


@dataclass(frozen=True)
class NamedQuery:
    """A parameterized Cypher query with a stable name.

    ``cypher`` is the Neo4j text. ``variants`` maps another backend to its own text where
    the dialects differ (derived from dialect tokens by :meth:`define`). Values always
    travel as ``$parameters``; ``params`` optionally lists them with a typed example value,
    used by the test that EXPLAINs every registered query on every store.
    """

    name: str
    cypher: str
    doc: str = ""
    variants: dict[str, str] = field(default_factory=dict)
    params: dict[str, object] = field(default_factory=dict, compare=False)

    @classmethod
    def define(cls, name: str, cypher: str, doc: str = "", params: Mapping[str, object] | None = None) -> NamedQuery:
        """A query from a text that may hold dialect tokens (not registered)."""
        text = cypher.strip()
        base = render(text, DEFAULT_BACKEND)
        variants = {b: t for b in BACKENDS[1:] if (t := render(text, b)) != base}
        return cls(name, base, doc, variants, dict(params or {}))

    def text_for(self, backend: str) -> str:
        """The text to run on ``backend``."""
        return self.variants.get(backend, self.cypher)


_REGISTRY: dict[str, NamedQuery] = {}


def register(query: NamedQuery) -> NamedQuery:
    """Add ``query`` to the catalogue; names are unique."""
    if query.name in _REGISTRY and _REGISTRY[query.name] != query:
        raise ValueError(f"query name {query.name!r} registered twice")
    for backend in query.variants:
        if backend not in BACKENDS:
            raise ValueError(f"{query.name}: unknown backend {backend!r}")
    _REGISTRY[query.name] = query
    return query


def q(name: str, cypher: str, doc: str = "", params: Mapping[str, object] | None = None, **variants: str) -> NamedQuery:
    """Define and register a named query in one line.

    Write dialect differences as tokens (see the module doc). ``variants`` (a whole text per
    backend) is kept only for the chain modules that still pass one; new code uses tokens.
    """
    nq = NamedQuery.define(name, cypher, doc, params)
    if variants:
        whole = {k: v.strip() for k, v in variants.items()}
        nq = NamedQuery(nq.name, nq.cypher, doc, {**nq.variants, **whole}, nq.params)
    return register(nq)


REL_TYPE_FN = "__TYPE__"
"""The relationship-type token (``type(r)`` in Neo4j, ``label(r)`` in LadybugDB)."""


def q_rel_type(name: str, cypher: str, doc: str = "") -> NamedQuery:
    """:func:`q` under its older name, for texts using ``__TYPE__(r)`` (kept for the chain modules)."""
    return q(name, cypher, doc)


def get(name: str) -> NamedQuery:
    """The registered query called ``name``."""
    return _REGISTRY[name]


def all_queries() -> list[NamedQuery]:
    """Every registered query, by name."""
    return sorted(_REGISTRY.values(), key=lambda x: x.name)
