"""Where the firms are: enterprises counted by province and city.

The question is asked of a set of enterprises, chosen one of two ways:

- ``base``: the enterprises located in a base (``LOCATED_IN``);
- ``enterprises``: enterprise keys given by the caller. A chain-map segment (or any other
  selection) reuses this by passing the keys of the firms it holds; the API takes them as a
  comma-separated list, and :func:`enterprise_places` takes any sequence.

Province and city are the ``province`` and ``city`` properties of each enterprise. In the
public data they come from full names that begin with a place name (see docs/ingest.md), so
some enterprises have none: the answer counts them as *unplaced* and never guesses.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.queries.results import Record

MAX_KEYS = 500
"""Most enterprise keys one question may name."""

BASE_NAME: NamedQuery = q(
    "geo.base_name",
    "MATCH (b:Base {key: $base}) RETURN b.name AS name",
    "The name of a base (to tell a missing base from an empty one).",
)
BASE_PLACES: NamedQuery = q(
    "geo.base_places",
    """
MATCH (e:Enterprise)-[:LOCATED_IN]->(b:Base {key: $base})
RETURN e.province AS province, e.city AS city, count(e) AS n""",
    "Enterprises of a base counted by province and city (null where unknown).",
)
KEY_PLACES: NamedQuery = q(
    "geo.key_places",
    """
MATCH (e:Enterprise) WHERE e.key IN $keys
RETURN e.province AS province, e.city AS city, count(e) AS n""",
    "Enterprises with the given keys counted by province and city (null where unknown).",
)


class CityCount(Record):
    """Enterprises in one city."""

    city: str
    enterprises: int


class ProvinceCount(Record):
    """Enterprises in one province, and in each of its cities (those without a city are not in ``cities``)."""

    province: str
    enterprises: int
    cities: list[CityCount]
    no_city: int


class PlaceCounts(Record):
    """Where the enterprises of a base or of a given set are, by province and city.

    ``enterprises`` counts every enterprise asked about; ``placed`` those with a province;
    ``unplaced`` the others (their full names do not begin with a place name). Provinces are
    ordered by count, most first; so are the cities of each.
    """

    scope: str
    scope_name: str
    enterprises: int
    placed: int
    unplaced: int
    provinces: list[ProvinceCount]
    missing_keys: list[str]


def _counts(rows: Sequence[dict[str, object]]) -> tuple[list[ProvinceCount], int, int]:
    by_prov: Counter[str] = Counter()
    by_city: dict[str, Counter[str]] = defaultdict(Counter)
    unplaced = total = 0
    for r in rows:
        n = int(r["n"])  # type: ignore[call-overload]
        total += n
        prov, city = r.get("province"), r.get("city")
        if not isinstance(prov, str) or not prov:
            unplaced += n
            continue
        by_prov[prov] += n
        if isinstance(city, str) and city:
            by_city[prov][city] += n
    provinces = [
        ProvinceCount(
            province=p,
            enterprises=n,
            cities=[
                CityCount(city=c, enterprises=m) for c, m in sorted(by_city[p].items(), key=lambda x: (-x[1], x[0]))
            ],
            no_city=n - sum(by_city[p].values()),
        )
        for p, n in sorted(by_prov.items(), key=lambda x: (-x[1], x[0]))
    ]
    return provinces, total, unplaced


def enterprise_places(
    store: GraphStore, *, base: str | None = None, enterprises: Sequence[str] | None = None
) -> PlaceCounts:
    """Enterprises of ``base``, or those with the keys ``enterprises``, counted by province and city.

    Exactly one of ``base`` and ``enterprises`` is given. Keys that name no enterprise are
    listed in ``missing_keys`` (the others are still counted).

    Raises
    ------
    InvalidInputError
        Neither or both selectors, no key, or more than :data:`MAX_KEYS` keys.
    NotFoundError
        ``base`` names no base.

    Examples
    --------
    >>> p = enterprise_places(store, base="sz-led")          # doctest: +SKIP
    >>> p.provinces[0].province, p.provinces[0].cities[0].city  # doctest: +SKIP
    ('广东省', '深圳市')
    """
    if (base is None) == (enterprises is None):
        raise InvalidInputError("Give either a base or enterprise keys (one of the two).", field="base")
    if base is not None:
        found = store.run(BASE_NAME, {"base": base})
        if not found:
            raise NotFoundError(f"No base has the key {base!r}. Check the base id (for example 'sz-led').")
        provinces, total, unplaced = _counts(store.run(BASE_PLACES, {"base": base}))
        return PlaceCounts(
            scope=f"base:{base}",
            scope_name=str(found[0]["name"] or base),
            enterprises=total,
            placed=total - unplaced,
            unplaced=unplaced,
            provinces=provinces,
            missing_keys=[],
        )
    keys = sorted({k.strip() for k in enterprises or () if k.strip()})
    if not keys:
        raise InvalidInputError("Name at least one enterprise key.", field="enterprises")
    if len(keys) > MAX_KEYS:
        raise InvalidInputError(
            f"At most {MAX_KEYS} enterprise keys at once; {len(keys)} were given.", field="enterprises"
        )
    rows = store.run(KEY_PLACES, {"keys": keys})
    provinces, total, unplaced = _counts(rows)
    missing: list[str] = []
    if total < len(keys):
        known = {r["key"] for r in store.run(KNOWN_KEYS, {"keys": keys})}
        missing = [k for k in keys if k not in known]
    return PlaceCounts(
        scope="enterprises",
        scope_name=f"{len(keys)} 家企业 enterprises",
        enterprises=total,
        placed=total - unplaced,
        unplaced=unplaced,
        provinces=provinces,
        missing_keys=missing,
    )


KNOWN_KEYS: NamedQuery = q(
    "geo.known_keys",
    "MATCH (e:Enterprise) WHERE e.key IN $keys RETURN e.key AS key",
    "Which of the given keys name an enterprise.",
)
