"""Public service platforms per base: the policy's platform types present and missing.

The policy names six types (研发 R&D, 信息 information, 认证 certification, 培训 training,
孵化 incubator, 检测 testing; :data:`chainkg.graph.model.PLATFORM_KINDS`). For each base the
answer lists the platforms serving it by type, the types it lacks, and the platforms it
shares with other bases (one platform may serve several bases).
"""

from __future__ import annotations

from collections import defaultdict

from chainkg.graph.model import PLATFORM_KIND_ZH, PLATFORM_KINDS
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.queries.measures import select_bases
from chainkg.queries.results import Record

SERVES: NamedQuery = q(
    "platform.serves",
    """
MATCH (p:Platform)-[:SERVES]->(b:Base)
RETURN p.key AS key, p.name AS name, p.kind AS kind, b.key AS base, b.name AS base_name""",
    "Every platform with each base it serves.",
)


class PlatformRef(Record):
    """A platform, its type (English and Chinese) and the bases it serves."""

    key: str
    name: str
    kind: str
    kind_zh: str
    bases: list[str]


class BasePlatforms(Record):
    """One base's platforms by type, the types it lacks and the platforms it shares."""

    base: str
    name: str
    platforms: list[PlatformRef]
    kinds_present: list[str]
    kinds_missing: list[str]
    missing_zh: list[str]
    coverage: float
    shared: list[PlatformRef]


def _platforms(store: GraphStore) -> tuple[dict[str, PlatformRef], dict[str, str]]:
    """Every platform serving a base, and every base's name."""
    bases: dict[str, set[str]] = defaultdict(set)
    rows: dict[str, dict[str, str]] = {}
    base_names: dict[str, str] = {}
    for r in store.run(SERVES):
        bases[r["key"]].add(r["base"])
        rows[r["key"]] = r
        base_names[r["base"]] = r["base_name"] or r["base"]
    refs = {
        k: PlatformRef(
            key=k,
            name=r["name"] or k,
            kind=r["kind"] or "",
            kind_zh=PLATFORM_KIND_ZH.get(r["kind"] or "", r["kind"] or ""),
            bases=sorted(bases[k]),
        )
        for k, r in rows.items()
    }
    return refs, base_names


def shared_platforms(store: GraphStore) -> list[PlatformRef]:
    """Platforms that serve two or more bases, most bases first.

    Examples
    --------
    >>> [(p.name, p.bases) for p in shared_platforms(store)]  # doctest: +SKIP
    [('检测中心', ['b1', 'b2'])]
    """
    refs, _ = _platforms(store)
    out = [p for p in refs.values() if len(p.bases) > 1]
    out.sort(key=lambda p: (-len(p.bases), p.key))
    return out


def platform_coverage(store: GraphStore, base_key: str | None = None) -> list[BasePlatforms]:
    """Platform types present and missing per base: of ``base_key``, or of every base by key.

    ``base_key`` is checked by :func:`~chainkg.queries.measures.select_bases` (``NotFoundError``
    for a key no base has).

    Returns
    -------
    list of BasePlatforms
        ``coverage`` is the share of the six policy types present (0–1).

    Examples
    --------
    >>> [(b.base, b.kinds_missing) for b in platform_coverage(store, "b2")]  # doctest: +SKIP
    [('b2', ['rnd', 'information', 'certification', 'training'])]
    """
    wanted = select_bases(store, base_key)
    refs, _ = _platforms(store)
    out = []
    for b, name in sorted(wanted.items()):
        mine = sorted(
            (p for p in refs.values() if b in p.bases),
            key=lambda p: (PLATFORM_KINDS.index(p.kind) if p.kind in PLATFORM_KINDS else len(PLATFORM_KINDS), p.key),
        )
        present = [k for k in PLATFORM_KINDS if any(p.kind == k for p in mine)]
        missing = [k for k in PLATFORM_KINDS if k not in present]
        out.append(
            BasePlatforms(
                base=b,
                name=name,
                platforms=mine,
                kinds_present=present,
                kinds_missing=missing,
                missing_zh=[PLATFORM_KIND_ZH[k] for k in missing],
                coverage=len(present) / len(PLATFORM_KINDS),
                shared=[p for p in mine if len(p.bases) > 1],
            )
        )
    return out
