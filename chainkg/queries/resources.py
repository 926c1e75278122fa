"""Resource reads: list with filters and keyset pagination, get by key, name search.

Every Cypher text here is generated from :mod:`chainkg.graph.model`: labels, relationship
types and property names come from the model only, values travel as ``$parameters``. The
filters a node type offers are derived from the model too:

- a *property filter* for each of :data:`FILTER_PROPS` the type has (equality);
- a *relationship filter* for each other type in :data:`REL_FILTERS` that exactly one
  relationship type joins it to (``industry`` for enterprises via ``IN_INDUSTRY``, ``base``
  for platforms via ``SERVES`` ...). The ``industry`` filter also matches sub-industries.

Pagination is keyset on ``key`` (``after`` = last key seen), so a page costs the same
wherever it starts and concurrent writes never shift rows between pages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.model import MEASURE_REL_TYPES, MODEL, NodeType, Prop, PropType, RelType, node_type
from chainkg.graph.store.base import GraphStore, Row
from chainkg.graph.store.named import NamedQuery, q
from chainkg.text import normalize_name as _normalize_name

MAX_LIMIT = 500
"""No list or search returns more rows than this in one call."""

FILTER_PROPS: tuple[str, ...] = ("province", "city", "level", "kind", "scheme", "size", "year")
FILTER_PROPS += ("jurisdiction", "measure", "currency", "instrument")  # the measures' objects (issue 14)
"""Properties a list can be filtered on by equality, where the node type has them."""

REL_FILTERS: dict[str, str] = {
    "Industry": "industry",
    "Base": "base",
    "Alliance": "alliance",
    "PatentPool": "pool",
    "TechField": "field",
}
"""Other node type -> filter name, for filters that follow one relationship."""

_SUB_INDUSTRY_DEPTH = 3  # Shenwan and GB/T 4754 have at most four levels.


@dataclass(frozen=True)
class Filter:
    """One filter of a node type's list: on a property, or on a neighbour's key."""

    name: str
    doc: str
    prop: Prop | None = None
    rel: RelType | None = None
    other: str = ""

    @property
    def kind(self) -> Literal["prop", "rel"]:
        """``prop`` for a property filter, ``rel`` for a relationship filter."""
        return "prop" if self.prop is not None else "rel"

    def condition(self, var: str = "n") -> str:
        """The WHERE clause piece for this filter on node variable ``var``."""
        if self.prop is not None:
            return f"{var}.{self.prop.name} = ${self.name}"
        assert self.rel is not None
        # The parameter is a list: the named neighbour, plus its sub-industries for industry.
        return f"EXISTS {{ MATCH ({var})-[:{self.rel.type}]->(x:{self.other}) WHERE x.key IN ${self.name} }}"


@cache
def filters_for(label: str) -> tuple[Filter, ...]:
    """The filters a list of ``label`` nodes accepts, in a stable order.

    Examples
    --------
    >>> [f.name for f in filters_for("Platform")]
    ['kind', 'province', 'city', 'base']
    """
    node = node_type(label)
    out: list[Filter] = []
    for p in node.props:
        if p.name in FILTER_PROPS:
            doc = p.doc + (f" (one of: {', '.join(p.choices)})" if p.choices else "")
            out.append(Filter(p.name, f"{p.zh} / {doc}", prop=p))
    for other, fname in REL_FILTERS.items():
        if other == label:
            continue
        rels = [r for r in MODEL.rels if (label, other) in r.pairs]
        if len(rels) > 1:
            # The measure ties (key enterprise of a base ...) never take over an older filter.
            rels = [r for r in rels if r not in MEASURE_REL_TYPES]
        if len(rels) == 1:
            other_node = node_type(other)
            extra = " (sub-industries included)" if other == "Industry" else ""
            out.append(
                Filter(
                    fname,
                    f"{other_node.zh} / key of the {other_node.en.lower()} linked by {rels[0].type}{extra}",
                    rel=rels[0],
                    other=other,
                )
            )
    return tuple(out)


def _columns(node: NodeType, var: str = "n") -> str:
    return ", ".join(f"{var}.{p.name} AS {p.name}" for p in node.all_props)


@cache
def list_query(label: str, active: frozenset[str] = frozenset()) -> NamedQuery:
    """The list query of ``label`` with the filters named in ``active`` switched on.

    One text per combination, so no filter is ever compared against a null parameter
    (LadybugDB binds a null parameter as BOOLEAN and refuses the comparison).
    """
    node = node_type(label)
    known = {f.name: f for f in filters_for(label)}
    unknown = active - set(known)
    if unknown:
        raise InvalidInputError(f"{label} has no filter {sorted(unknown)}", field=sorted(unknown)[0])
    conds = ["n.key > $after", *(known[name].condition() for name in sorted(active))]
    suffix = f"[{','.join(sorted(active))}]" if active else ""
    return q(
        f"resources.list.{label}{suffix}",
        f"MATCH (n:{label}) WHERE {' AND '.join(conds)} RETURN {_columns(node)} ORDER BY n.key LIMIT $limit",
        f"{node.en} nodes ordered by key, after a cursor, filtered by {', '.join(sorted(active)) or 'nothing'}.",
    )


@cache
def get_query(label: str) -> NamedQuery:
    """The query returning one ``label`` node by key."""
    node = node_type(label)
    return q(
        f"resources.get.{label}",
        f"MATCH (n:{label}) WHERE n.key = $key RETURN {_columns(node)}",
        f"One {node.en} by key.",
    )


# Characters dropped by the normalized form on the stored side (a Cypher replace chain that
# mirrors the query side's normalize_name as far as plain replace can): spaces of both
# widths, brackets of both widths, middle dots, commas and full stops.
_DROP = (" ", "\u3000", "(", ")", "（", "）", "【", "】", "·", "・", ",", "，", ".", "。", "、")


def _stored_normal(expr: str) -> str:
    out = f"toLower({expr})"
    for ch in _DROP:
        out = f"replace({out}, '{ch}', '')"
    return out


def _search_fields(node: NodeType) -> list[str]:
    names = {p.name for p in node.props}
    fields: list[str] = [f for f in ("name", "full_name", "title", "name_en") if f in names]
    return fields or ["key"]


@cache
def search_query(label: str) -> NamedQuery:
    """The name search of ``label``: key equality, case-free substring, normalized substring.

    Shorter names come first, so an exact match is never cut off by the candidate cap.
    """
    node = node_type(label)
    fields = _search_fields(node)
    conds = ["n.key = $raw"]
    for f in fields:
        conds.append(f"toLower(n.{f}) CONTAINS $q")
        conds.append(f"{_stored_normal('n.' + f)} CONTAINS $qn")
    main = fields[0]
    return q(
        f"resources.search.{label}",
        f"MATCH (n:{label}) WHERE {' OR '.join(conds)} RETURN {_columns(node)} "
        f"ORDER BY size(coalesce(n.{main}, n.key)), n.key LIMIT $limit",
        f"{node.en} nodes whose key equals, or whose {'/'.join(fields)} contains, the text (raw or normalized).",
    )


SUB_INDUSTRIES = q(
    "resources.sub_industries",
    f"MATCH (c:Industry)-[:SUB_INDUSTRY_OF*1..{_SUB_INDUSTRY_DEPTH}]->(p:Industry) "
    "WHERE p.key IN $keys RETURN DISTINCT c.key AS key",
    "Keys of every sub-industry (any depth up to 3) of the given industries.",
)

# -- name normalization ---------------------------------------------------------------------
# One rule set for the whole project: the ingest resolver's (full-width to half-width, lower
# case, spaces/brackets/punctuation dropped, legal suffixes such as 股份有限公司 stripped).
normalize_name = _normalize_name
"""The normalized form of a name (see :func:`chainkg.text.normalize_name`)."""


# -- the functions the API and CLI call -------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a list: the rows and the cursor of the next page (None on the last)."""

    items: list[Row]
    next_after: str | None


def _coerce(f: Filter, value: Any) -> Any:
    assert f.prop is not None
    p = f.prop
    if p.type is PropType.INT:
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise InvalidInputError(f"'{f.name}' must be a whole number, got {value!r}", field=f.name) from None
    elif not isinstance(value, str):
        value = str(value)
    if p.choices and value not in p.choices:
        raise InvalidInputError(
            f"'{f.name}' must be one of {', '.join(p.choices)}; got {value!r}",
            field=f.name,
        )
    return value


def _clamp(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError(f"'limit' must be between 1 and {MAX_LIMIT}; got {limit}", field="limit")
    return limit


def list_nodes(
    store: GraphStore,
    label: str,
    filters: Mapping[str, Any] | None = None,
    *,
    limit: int = 50,
    after: str | None = None,
) -> Page:
    """One page of ``label`` nodes ordered by key, after the key ``after``.

    ``filters`` maps filter names of :func:`filters_for` to values; None values are ignored.
    A relationship filter takes one key (or a list of keys); the ``industry`` filter also
    matches the sub-industries of the given industries.

    Examples
    --------
    >>> page = list_nodes(store, "Enterprise", {"province": "广东省"}, limit=20)  # doctest: +SKIP
    >>> page.items[0]["key"], page.next_after  # doctest: +SKIP
    """
    _clamp(limit)
    known = {f.name: f for f in filters_for(label)}
    params: dict[str, Any] = {"after": after or "", "limit": limit + 1}
    for name, value in (filters or {}).items():
        if value is None or value == "" or value == []:
            continue
        if name not in known:
            raise InvalidInputError(
                f"{node_type(label).en} lists cannot be filtered by '{name}'; use one of: {', '.join(known) or 'none'}",
                field=name,
            )
        f = known[name]
        if f.kind == "prop":
            params[name] = _coerce(f, value)
        else:
            keys = [value] if isinstance(value, str) else [str(v) for v in value]
            if f.other == "Industry":
                keys = keys + [r["key"] for r in store.run(SUB_INDUSTRIES, {"keys": keys})]
            params[name] = list(dict.fromkeys(keys))
    active = frozenset(k for k in params if k not in ("after", "limit"))
    rows = store.run(list_query(label, active), params)
    if len(rows) > limit:
        return Page(rows[:limit], rows[limit - 1]["key"])
    return Page(rows, None)


def get_node(store: GraphStore, label: str, key: str) -> Row:
    """The ``label`` node with ``key``, all properties; raises ``NotFoundError`` if absent.

    Examples
    --------
    >>> get_node(store, "Base", "sz-led")["name"]  # doctest: +SKIP
    '深圳LED创新基地'
    """
    rows = store.run(get_query(label), {"key": key})
    if not rows:
        node = node_type(label)
        raise NotFoundError(f"No {node.en.lower()} ({node.zh}) has the key {key!r}. Check the key, or search by name.")
    return rows[0]


MatchKind = Literal["key", "exact", "prefix", "substring", "normalized"]
_RANK: dict[str, int] = {"key": 0, "exact": 1, "prefix": 2, "substring": 3, "normalized": 4}


def _match_kind(row: Row, fields: Sequence[str], text: str, low: str, norm: str) -> MatchKind:
    if row["key"] == text:
        return "key"
    values = [str(row[f]) for f in fields if row.get(f)]
    if any(v == text or v.lower() == low for v in values):
        return "exact"
    if any(v.lower().startswith(low) for v in values):
        return "prefix"
    if any(low in v.lower() for v in values):
        return "substring"
    return "normalized"


def search_nodes(store: GraphStore, label: str, text: str, *, limit: int = 20) -> list[tuple[Row, MatchKind]]:
    """``label`` nodes whose name matches ``text``, best first, with how each matched.

    Matches, best first: the key itself, the whole name, a name prefix, a substring of
    name or full name (case-free), then a substring of the normalized form (see
    :func:`normalize_name`: full-width to half-width, spaces and brackets dropped, company
    suffixes such as 股份有限公司 stripped from the query).

    Examples
    --------
    >>> [(r["key"], how) for r, how in search_nodes(store, "Enterprise", "比亚迪股份有限公司")]  # doctest: +SKIP
    [('914403001922038216', 'normalized')]
    """
    _clamp(limit)
    raw = text.strip()
    if not raw:
        raise InvalidInputError("Type at least one character to search for.", field="q")
    if len(raw) > 200:
        raise InvalidInputError("The search text is longer than 200 characters; shorten it.", field="q")
    low = unicodedata.normalize("NFKC", raw).lower()
    norm = normalize_name(raw) or low
    # Fetch more than asked for, then rank: the query orders by length, not by match kind.
    cap = min(MAX_LIMIT, max(limit * 5, 50))
    rows = store.run(search_query(label), {"raw": raw, "q": low, "qn": norm, "limit": cap})
    fields = _search_fields(node_type(label))
    scored = [(r, _match_kind(r, fields, raw, low, norm)) for r in rows]
    scored.sort(key=lambda t: (_RANK[t[1]], len(str(t[0].get(fields[0]) or t[0]["key"])), t[0]["key"]))
    return scored[:limit]
