"""Every view by name, with the parameters it takes: the one entry point for the CLI and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from chainkg.errors import InvalidInputError
from chainkg.graph.store.base import GraphStore
from chainkg.i18n import N_, _
from chainkg.views.render import View


@dataclass(frozen=True)
class ViewKind:
    """A kind of view: what its key names, and a description (a catalog message)."""

    name: str
    description: str
    key_doc: str
    example: str


VIEW_KINDS: dict[str, ViewKind] = {
    v.name: v
    for v in (
        ViewKind("chain", N_("a base's chain with gaps"), "base key", "chain sz-led"),
        ViewKind(
            "gap", N_("a gap with its fill candidates"), "base key (and --segment)", "gap sz-led --segment 蓝宝石衬底"
        ),
        ViewKind("alliance", N_("an alliance map"), "alliance key", "alliance al-led"),
        ViewKind(
            "collab",
            N_("an organization's collaboration opportunities"),
            "enterprise or research org key",
            "collab 91440300MA5xxxx",
        ),
        ViewKind("pool", N_("a patent pool"), "patent pool key", "pool pp-led"),
        ViewKind("ego", N_("the ego network of any node"), "node key (and --label)", "ego 深圳市 --label Base"),
    )
}
"""View kinds by name."""


def check_kind(kind: str) -> ViewKind:
    """The view kind called ``kind``; ``InvalidInputError`` listing the kinds otherwise."""
    try:
        return VIEW_KINDS[kind]
    except KeyError:
        choices = "; ".join(f"{k.name} ({_(k.description)})" for k in VIEW_KINDS.values())
        msg = _("'{kind}' is not a view; choose one of: {choices}.").format(kind=kind, choices=choices)
        raise InvalidInputError(msg, field="view") from None


VIEW_OPTIONS: dict[str, dict[str, Any]] = {
    "ego": {"label": None, "depth": 1, "limit": 500},
    "chain": {"depth": 3},
    "gap": {"segment": None, "depth": 3, "limit": 15},
    "alliance": {},
    "collab": {"method": "resource_allocation", "limit": 20},
    "pool": {},
}
"""The options each view kind reads, with their defaults (the others are ignored)."""


def view_options(kind: str, **given: Any) -> dict[str, Any]:
    """The options the view ``kind`` is built with: those it reads, defaults filled in.

    Two requests that build the same view get equal options (``depth=3`` spelled out or left
    out), so the API keys its cache on them.

    Examples
    --------
    >>> view_options("chain", depth=None, limit=9)
    {'depth': 3}
    """
    defaults = VIEW_OPTIONS[check_kind(kind).name]
    return {k: given[k] if given.get(k) is not None else d for k, d in defaults.items()}


def _need(value: Any, name: str, kind: str) -> Any:
    if value is None or value == "":
        raise InvalidInputError(_("The {kind} view needs a {name}.").format(kind=kind, name=name), field=name)
    return value


class ViewOptions(TypedDict, total=False):
    """What a view may be asked besides its key; each kind reads some (:data:`VIEW_OPTIONS`).

    ``label`` is the ego view's node label (Base, Enterprise, …); ``segment`` the gap view's
    segment (product name or ``SW2021:code`` industry key); ``depth`` the chain depth (chain,
    gap views) or hops (ego view); ``method`` the collaboration view's link-prediction method;
    ``limit`` the most items a view draws (links for ego, candidates for gap, partners for collab).
    """

    label: str | None
    segment: str | None
    depth: int | None
    method: str | None
    limit: int | None


def build_view(store: GraphStore, kind: str, key: str, **given: Unpack[ViewOptions]) -> View:
    """Build the view ``kind`` (one of :data:`VIEW_KINDS`) for ``key``: a base, alliance,
    organization, pool or any node, as each kind's ``key_doc`` says; ``given`` are its options.

    Examples
    --------
    >>> view = build_view(store, "ego", "sz-led", label="Base")   # doctest: +SKIP
    >>> view.kind                                                  # doctest: +SKIP
    'ego'
    """
    _need(key, "key", kind)
    o = view_options(kind, **given)
    if kind == "ego":
        from chainkg.views.ego import ego_view

        return ego_view(store, _need(o["label"], "label", kind), key, depth=o["depth"], limit=o["limit"])
    if kind == "chain":
        from chainkg.views.chain import chain_view

        return chain_view(store, key, depth=o["depth"])
    if kind == "gap":
        from chainkg.views.gap import gap_view

        return gap_view(store, key, _need(o["segment"], "segment", kind), depth=o["depth"], limit=o["limit"])
    if kind == "alliance":
        from chainkg.views.alliance import alliance_view

        return alliance_view(store, key)
    if kind == "collab":
        from chainkg.views.collab import collab_view

        return collab_view(store, key, method=o["method"], limit=o["limit"])
    from chainkg.views.pool import pool_view

    return pool_view(store, key)
