"""Named queries: one Cypher text per question, a backend variant only where dialects differ."""

from __future__ import annotations

from dataclasses import dataclass, field

BACKENDS: tuple[str, ...] = ("ladybug", "neo4j")


@dataclass(frozen=True)
class NamedQuery:
    """A parameterized Cypher query with a stable name.

    ``cypher`` is written in the subset LadybugDB and Neo4j both accept. ``variants`` maps a
    backend name to its own text where the dialects truly differ (label functions, casts,
    shortest paths). Values always travel as ``$parameters``.
    """

    name: str
    cypher: str
    doc: str = ""
    variants: dict[str, str] = field(default_factory=dict)

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


def q(name: str, cypher: str, doc: str = "", **variants: str) -> NamedQuery:
    """Define and register a named query in one line."""
    return register(NamedQuery(name, cypher.strip(), doc, {k: v.strip() for k, v in variants.items()}))


REL_TYPE_FN = "__TYPE__"
"""Stands for the relationship-type function in a query text given to :func:`q_rel_type`."""
_REL_TYPE_FNS = {"neo4j": "type", "ladybug": "label"}


def q_rel_type(name: str, cypher: str, doc: str = "") -> NamedQuery:
    """:func:`q` for a text that names relationship types as ``__TYPE__(r)``: the one dialect
    difference of the chain queries (``type(r)`` in Neo4j, ``label(r)`` in LadybugDB)."""
    texts = {b: cypher.replace(REL_TYPE_FN, fn) for b, fn in _REL_TYPE_FNS.items()}
    return q(name, texts["neo4j"], doc, ladybug=texts["ladybug"])


def get(name: str) -> NamedQuery:
    """The registered query called ``name``."""
    return _REGISTRY[name]


def all_queries() -> list[NamedQuery]:
    """Every registered query, by name."""
    return sorted(_REGISTRY.values(), key=lambda x: x.name)
