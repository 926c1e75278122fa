"""Every view by name, with the parameters it takes: the one entry point for the CLI and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chainkg.errors import InvalidInputError
from chainkg.graph.store.base import GraphStore
from chainkg.views.render import View


@dataclass(frozen=True)
class ViewKind:
    """A kind of view: what its key names, and a bilingual description."""

    name: str
    zh: str
    en: str
    key_doc: str
    example: str


VIEW_KINDS: dict[str, ViewKind] = {
    v.name: v
    for v in (
        ViewKind("chain", "基地产业链", "a base's chain with gaps", "base key", "chain sz-led"),
        ViewKind(
            "gap",
            "缺口与招商候选",
            "a gap with its fill candidates",
            "base key (and --segment)",
            "gap sz-led --segment 蓝宝石衬底",
        ),
        ViewKind("alliance", "联盟图谱", "an alliance map", "alliance key", "alliance al-led"),
        ViewKind(
            "collab",
            "合作机会",
            "an organization's collaboration opportunities",
            "enterprise or research org key",
            "collab 91440300MA5xxxx",
        ),
        ViewKind("pool", "专利池", "a patent pool", "patent pool key", "pool pp-led"),
        ViewKind("ego", "关系网络", "the ego network of any node", "node key (and --label)", "ego 深圳市 --label Base"),
    )
}
"""View kinds by name."""


def check_kind(kind: str) -> ViewKind:
    """The view kind called ``kind``; ``InvalidInputError`` listing the kinds otherwise."""
    try:
        return VIEW_KINDS[kind]
    except KeyError:
        choices = "; ".join(f"{k.name} ({k.zh}, {k.en})" for k in VIEW_KINDS.values())
        raise InvalidInputError(f"'{kind}' is not a view; choose one of: {choices}.", field="view") from None


def _need(value: Any, name: str, kind: str) -> Any:
    if value is None or value == "":
        raise InvalidInputError(f"The {kind} view needs a {name}.", field=name)
    return value


def build_view(
    store: GraphStore,
    kind: str,
    key: str,
    *,
    label: str | None = None,
    segment: str | None = None,
    depth: int | None = None,
    method: str | None = None,
    limit: int | None = None,
) -> View:
    """Build the view ``kind`` for ``key`` (a base, alliance, organization, pool or any node).

    Parameters
    ----------
    store
        The graph store.
    kind
        One of :data:`VIEW_KINDS`.
    key
        What the view is about; see each kind's ``key_doc``.
    label
        The ego view's node label (Base, Enterprise, …).
    segment
        The gap view's segment (product name or ``SW2021:code`` industry key).
    depth
        Chain depth (chain, gap views) or hops (ego view).
    method
        Link-prediction method of the collaboration view.
    limit
        Most items the view draws (links for ego, candidates for gap, partners for collab).

    Examples
    --------
    >>> view = build_view(store, "ego", "sz-led", label="Base")   # doctest: +SKIP
    >>> view.kind                                                  # doctest: +SKIP
    'ego'
    """
    check_kind(kind)
    _need(key, "key", kind)
    if kind == "ego":
        from chainkg.views.ego import ego_view

        return ego_view(store, _need(label, "label", kind), key, depth=depth or 1, limit=limit or 500)
    if kind == "chain":
        from chainkg.views.chain import chain_view

        return chain_view(store, key, depth=depth or 3)
    if kind == "gap":
        from chainkg.views.gap import gap_view

        return gap_view(store, key, _need(segment, "segment", kind), depth=depth or 3, limit=limit or 15)
    if kind == "alliance":
        from chainkg.views.alliance import alliance_view

        return alliance_view(store, key)
    if kind == "collab":
        from chainkg.views.collab import collab_view

        return collab_view(store, key, method=method or "resource_allocation", limit=limit or 20)
    from chainkg.views.pool import pool_view

    return pool_view(store, key)
