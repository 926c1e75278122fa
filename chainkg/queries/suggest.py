"""The nearest stored keys to a key that matched nothing, for "did you mean" in error messages."""

from __future__ import annotations

import difflib

from chainkg.errors import NotFoundError
from chainkg.graph.model import MODEL
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.i18n import _

# One query per label: labels come from the model, never from user text.
KEYS: dict[str, NamedQuery] = {
    label: q(
        f"suggest.{label.lower()}_keys",
        f"MATCH (n:{label}) RETURN n.key AS key, n.name AS name",
        f"Every {label} key and name, to suggest the nearest to a key that matched nothing.",
    )
    for label in ("Base", "Alliance", "PatentPool", "Enterprise", "ResearchOrg")
    if label in {n.label for n in MODEL.nodes}
}


def nearest(wanted: str, keys: dict[str, str], limit: int = 3) -> list[str]:
    """Up to ``limit`` keys of ``keys`` (key -> name) nearest ``wanted``.

    First the keys ``wanted`` completes (``深圳市`` -> ``city:深圳市``) or whose name is ``wanted``,
    then keys or names containing it, then close spellings.

    >>> nearest("深圳市", {"city:深圳市": "深圳市", "city:三明市": "三明市", "sz-led": "深圳LED基地"})
    ['city:深圳市']
    >>> nearest("深圳", {"city:深圳市": "深圳市", "city:三明市": "三明市", "sz-led": "深圳LED基地"})
    ['sz-led', 'city:深圳市']
    >>> nearest("al-led", {"al-sz-led": "深圳LED联盟", "al-gba-display": "显示联盟"})
    ['al-sz-led']
    """
    w = wanted.strip()
    if not w:
        return []
    lw = w.lower()
    ranked: list[str] = []

    def add(ks: list[str]) -> None:
        ranked.extend(k for k in ks if k not in ranked)

    add(sorted(k for k, n in keys.items() if k.lower().endswith(":" + lw) or (n or "") == w))
    add(sorted((k for k, n in keys.items() if lw in k.lower() or w in (n or "")), key=len))
    add(difflib.get_close_matches(w, list(keys), n=limit, cutoff=0.6))
    by_name = {n: k for k, n in keys.items() if n}
    add([by_name[n] for n in difflib.get_close_matches(w, list(by_name), n=limit, cutoff=0.6)])
    return ranked[:limit]


def did_you_mean(store: GraphStore, label: str | tuple[str, ...], wanted: str, limit: int = 3) -> str:
    """`` Did you mean: a, b?`` for the nearest keys of ``label`` (or labels) to ``wanted`` ('' when none is near)."""
    keys: dict[str, str] = {}
    for one in (label,) if isinstance(label, str) else label:
        keys |= {str(r["key"]): str(r["name"] or "") for r in store.run(KEYS[one])}
    found = nearest(wanted, keys, limit)
    return _(" Did you mean: {keys}?").format(keys=", ".join(found)) if found else ""


def no_base(key: str, example: str = "sz-led") -> NotFoundError:
    """The error for a base key that names no base (raised by the measures' questions)."""
    return NotFoundError(
        _("No base has the key {key!r}. Check the base id (for example '{example}').").format(key=key, example=example)
    )
