"""Organizations (enterprises, universities, institutes) as the collaboration queries see them.

Enterprises and research organizations are two node labels that play the same part in many
questions (they hold patents, join alliances and pools). Cypher that asks about "any
organization" is written once as a template and expanded into one ``UNION ALL`` branch per
label, so each branch names its label and no label function (which differs between the
stores) is needed. Labels come from the model; keys travel as parameters.
"""

from __future__ import annotations

from typing import Any

from chainkg.errors import NotFoundError
from chainkg.graph.model import node_type
from chainkg.graph.nxgraph import node_id
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery, q
from chainkg.i18n import _
from chainkg.queries.results import Record, same_named

ORG_LABELS: tuple[str, str] = (node_type("Enterprise").label, node_type("ResearchOrg").label)

# What each placeholder becomes in the branch of each label. ``__KIND__`` is the kind
# (enterprise / university / institute); ``__KEYS__`` the parameter holding that label's keys.
_SUBST: dict[str, dict[str, str]] = {
    "Enterprise": {"__ORG__": "Enterprise", "__KIND__": "'enterprise'", "__KEYS__": "$ent"},
    "ResearchOrg": {"__ORG__": "ResearchOrg", "__KIND__": "o.kind", "__KEYS__": "$res"},
}


def expand(template: str, labels: tuple[str, ...] = ORG_LABELS) -> str:
    """Expand a template over ``labels``: one branch per label, joined by ``UNION ALL``.

    In the template ``__ORG__`` stands for the label, ``__KIND__`` for the organization's
    kind (the node must be bound to ``o``) and ``__KEYS__`` for the list parameter of that
    label's keys (``$ent`` or ``$res``).

    Examples
    --------
    >>> print(expand("MATCH (o:__ORG__) WHERE o.key IN __KEYS__ RETURN '__ORG__' AS label, __KIND__ AS kind"))
    MATCH (o:Enterprise) WHERE o.key IN $ent RETURN 'Enterprise' AS label, 'enterprise' AS kind
    UNION ALL
    MATCH (o:ResearchOrg) WHERE o.key IN $res RETURN 'ResearchOrg' AS label, o.kind AS kind
    """
    branches = []
    for label in labels:
        text = template
        for token, value in _SUBST[label].items():
            text = text.replace(token, value)
        branches.append(text.strip())
    return "\nUNION ALL\n".join(branches)


class OrgRef(Record):
    """An organization named in a result: label, key, Chinese name and kind."""

    label: str
    key: str
    name: str
    kind: str

    @property
    def nid(self) -> str:
        """The networkx id, ``"Label:key"``."""
        return node_id(self.label, self.key)

    def fields(self) -> dict[str, Any]:
        """``label``, ``key``, ``name`` and ``kind`` as keyword arguments, for a record that names the org."""
        return same_named(self, ("label", "key", "name", "kind"))


ORG_LOOKUP: NamedQuery = q(
    "orgs.lookup",
    expand(
        "MATCH (o:__ORG__) WHERE o.key = $key RETURN '__ORG__' AS label, o.key AS key, o.name AS name, __KIND__ AS kind"
    ),
    "An enterprise or research organization by key (one row per label that holds the key).",
)


def find_org(store: GraphStore, key: str, label: str | None = None) -> OrgRef:
    """The organization with ``key``; an enterprise wins when both labels hold the key.

    Raises ``NotFoundError`` with a plain message when no organization has the key.
    """
    rows = [r for r in store.run(ORG_LOOKUP, {"key": key}) if label is None or r["label"] == label]
    if not rows:
        from chainkg.queries.suggest import did_you_mean

        if label == "Enterprise":
            head = _("No enterprise has the key {key!r}.")
        elif label == "ResearchOrg":
            head = _("No university or institute has the key {key!r}.")
        else:
            head = _("No enterprise, university or institute has the key {key!r}.")
        near = did_you_mean(store, label or ("Enterprise", "ResearchOrg"), key)
        how = _(
            " Use the key it was loaded with (its unified social credit code, stock code such as "
            "600000.SH, or 'name:' followed by its name)."
        )
        raise NotFoundError(head.format(key=key) + near + how)
    rows.sort(key=lambda r: ORG_LABELS.index(r["label"]))
    r = rows[0]
    return OrgRef(label=r["label"], key=r["key"], name=r["name"] or r["key"], kind=r["kind"] or "")


ORG_NAMES: NamedQuery = q(
    "orgs.names",
    expand(
        "MATCH (o:__ORG__) WHERE o.key IN __KEYS__ "
        "RETURN '__ORG__' AS label, o.key AS key, o.name AS name, __KIND__ AS kind"
    ),
    "Names and kinds of the given organizations. Params: ent, res (key lists).",
)


def org_refs(store: GraphStore, nids: set[str] | list[str]) -> dict[str, OrgRef]:
    """Look up the given ``"Label:key"`` ids.

    An id the store no longer holds (deleted by a concurrent load) gets its key as its name
    rather than failing the whole answer.
    """
    out = {}
    for r in store.run(ORG_NAMES, split_keys(nids)):
        ref = OrgRef(label=r["label"], key=r["key"], name=r["name"] or r["key"], kind=r["kind"] or "")
        out[ref.nid] = ref
    for nid in nids:
        if nid not in out:
            label, _, key = nid.partition(":")
            out[nid] = OrgRef(label=label, key=key, name=key, kind="")
    return out


def split_keys(nids: list[str] | set[str]) -> dict[str, list[str]]:
    """Split ``"Label:key"`` ids into the ``ent`` and ``res`` key lists the templates expect.

    Examples
    --------
    >>> split_keys(["Enterprise:e1", "ResearchOrg:u1", "Enterprise:e2"])
    {'ent': ['e1', 'e2'], 'res': ['u1']}
    """
    out: dict[str, list[str]] = {"ent": [], "res": []}
    for nid in sorted(nids):
        label, _, key = nid.partition(":")
        out["ent" if label == "Enterprise" else "res"].append(key)
    return out
