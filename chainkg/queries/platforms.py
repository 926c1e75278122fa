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
from chainkg.queries.results import Record
from chainkg.queries.suggest import no_base

BASES: NamedQuery = q(
    "platform.bases",
    "MATCH (b:Base) RETURN b.key AS key, b.name AS name ORDER BY key",
    "Every base, by key.",
)
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
    """Platform types present and missing per base (one base, or every base by key).

    Parameters
    ----------
    store : GraphStore
        The graph.
    base_key : str, optional
        Only this base; every base when omitted.

    Returns
    -------
    list of BasePlatforms
        ``coverage`` is the share of the six policy types present (0–1).

    Raises
    ------
    NotFoundError
        ``base_key`` names no base.

    Examples
    --------
    >>> [(b.base, b.kinds_missing) for b in platform_coverage(store, "b2")]  # doctest: +SKIP
    [('b2', ['rnd', 'information', 'certification', 'training'])]
    """
    all_bases = {r["key"]: r["name"] or r["key"] for r in store.run(BASES)}
    if base_key is not None and base_key not in all_bases:
        raise no_base(base_key, "sz-hitech")
    refs, _ = _platforms(store)
    wanted = [base_key] if base_key is not None else sorted(all_bases)
    out = []
    for b in wanted:
        mine = sorted(
            (p for p in refs.values() if b in p.bases),
            key=lambda p: (PLATFORM_KINDS.index(p.kind) if p.kind in PLATFORM_KINDS else len(PLATFORM_KINDS), p.key),
        )
        present = [k for k in PLATFORM_KINDS if any(p.kind == k for p in mine)]
        missing = [k for k in PLATFORM_KINDS if k not in present]
        out.append(
            BasePlatforms(
                base=b,
                name=all_bases[b],
                platforms=mine,
                kinds_present=present,
                kinds_missing=missing,
                missing_zh=[PLATFORM_KIND_ZH[k] for k in missing],
                coverage=len(present) / len(PLATFORM_KINDS),
                shared=[p for p in mine if len(p.bases) > 1],
            )
        )
    return out
