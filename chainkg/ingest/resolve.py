"""Entity resolution: which stored or loaded node a row or a reference means.

Enterprises and research organizations are matched on their USCC first, then (enterprises)
on the stock code, then on a normalized name: full-width/half-width folded, spaces and
brackets dropped, common legal suffixes (股份有限公司, 有限公司, 集团 ...) removed, plus an
alias table the user supplies and the names a firm is already known by (its aliases and
former names, 曾用名). Then the name without its leading province/city (深圳市雷曼… and
深圳雷曼… are one firm; 北京示例… and 上海示例… are not). Last, a fuzzy comparison
(rapidfuzz ``fuzz.ratio`` on those core names): at or above :data:`FUZZY_MERGE` the rows are
one firm; from :data:`FUZZY_REVIEW` up, or when only one of two equal core names carries a
place, the pair goes to ``resolution-review.csv`` for a person to decide, and the row is held
back (neither merged nor created). Other node types are matched on their key, then their
exact name. Every match that is not an exact key is reported as a
:class:`~chainkg.ingest.report.Merge`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from chainkg.errors import InvalidInputError
from chainkg.graph.model import node_type
from chainkg.graph.store.base import GraphStore, chunks
from chainkg.i18n import Msg, pgettext
from chainkg.ingest import checks, places

# Re-exported: normalisation lives in chainkg.text, below ingest and queries.
from chainkg.text import LEGAL_SUFFIXES as LEGAL_SUFFIXES
from chainkg.text import normalize_name as normalize_name

FUZZY_MERGE = 97.0
"""rapidfuzz ``fuzz.ratio`` (0-100) on core names at or above which two names are one firm."""
FUZZY_REVIEW = 85.0
"""... and from which up (below FUZZY_MERGE) a person decides, in resolution-review.csv."""
FUZZY_BUDGET = 20_000_000
"""Name comparisons one load may spend on fuzzy matching; past it, fuzzy matching stops (noted)."""

ORG_LABELS = frozenset({"Enterprise", "ResearchOrg"})


def core_name(name: str) -> tuple[tuple[str, ...], str]:
    """The places a name starts with (short form) and the normalized rest.

    Places in brackets (示例科技（深圳）有限公司) count as well.

    Examples
    --------
    >>> core_name("深圳市雷曼光电科技股份有限公司") == core_name("深圳雷曼光电科技股份有限公司")
    True
    >>> core_name("示例科技（深圳）有限公司")
    (('深圳',), '示例科技')
    """
    t = unicodedata.normalize("NFKC", name)
    bracketed: list[str] = []
    for m in re.finditer(r"[(（]([^()（）]{2,12})[)）]", t):
        ps, rest = places.split_place(m.group(1) + "XX")
        if ps and rest == "XX":
            bracketed += ps
            t = t.replace(m.group(0), "")
    ps, rest = places.split_place(normalize_name(t))
    return tuple(dict.fromkeys(ps + bracketed)), rest


class AliasTable:
    """User-supplied aliases: another spelling -> the canonical name or key.

    Lookups use :func:`normalize_name`, so the alias table need not repeat every spelling.
    """

    def __init__(self, pairs: Mapping[str, str] | Iterable[tuple[str, str]] | None = None) -> None:
        self._map: dict[str, str] = {}
        items = pairs.items() if isinstance(pairs, Mapping) else (pairs or [])
        for alias, canonical in items:
            self.add(alias, canonical)

    def add(self, alias: str, canonical: str) -> None:
        """Map ``alias`` to ``canonical``."""
        a, c = alias.strip(), canonical.strip()
        if a and c and normalize_name(a) != normalize_name(c):
            self._map[normalize_name(a)] = c

    def get(self, name: str) -> str | None:
        """The canonical name or key for ``name``, or ``None``."""
        return self._map.get(normalize_name(name))

    def __len__(self) -> int:
        return len(self._map)

    @classmethod
    def from_file(cls, path: Path | str) -> AliasTable:
        """Read an alias table (CSV, XLSX or JSONL with columns ``alias`` and ``canonical``)."""
        from chainkg.ingest.readers import read_tables

        table = cls()
        for raw in read_tables(Path(path)):
            table.add_rows(raw.source, raw.rows)
        return table

    def add_rows(self, source: str, rows: Iterable[tuple[int, Mapping[str, object]]]) -> None:
        """Add rows of an alias table read by a reader; raises on a row without both columns."""
        for line, row in rows:
            cells = {_alias_col(str(k)): v for k, v in row.items()}
            alias, canonical = cells.get("alias"), cells.get("canonical")
            if not alias or not canonical:
                raise InvalidInputError(
                    "an alias table needs two columns, 'alias' (别名) and 'canonical' (标准名称), both filled",
                    file=source,
                    line=line,
                )
            self.add(str(alias), str(canonical))


def _alias_col(header: str) -> str:
    h = unicodedata.normalize("NFKC", header).strip().lower()
    if h in ("alias", "别名", "other_name", "又名"):
        return "alias"
    if h in ("canonical", "name", "标准名称", "标准名", "key", "主键", "名称"):
        return "canonical"
    return h


@dataclass
class Resolved:
    """Where a reference led: the node's label and key, and how it was matched.

    ``how == "review"`` means no decision: ``key`` is the candidate a person should compare
    with, ``score`` the similarity (0-100), and the row is held back.
    """

    label: str
    key: str
    how: str
    score: float | None = None
    candidate_name: str | None = None


def how_said(how: str) -> str:
    """How a row was matched, as people read it: a code (``USCC``, ``alias`` ...) said in the reader's
    language (context ``how``, listed in :func:`_how_vocabulary`); a message (a former name) as it is."""
    return how if isinstance(how, Msg) else Msg.in_context(HOW, how)


HOW = "how"
"""The message context of the codes saying how a row was matched (``name`` is also a column header)."""


def _how_vocabulary() -> None:  # pragma: no cover - never called: lists the codes for pybabel
    """The codes of :class:`Resolved` people read in merges.csv and the load report."""
    pgettext("how", "same key")
    pgettext("how", "USCC")
    pgettext("how", "stock code")
    pgettext("how", "name")
    pgettext("how", "code")
    pgettext("how", "alias")
    pgettext("how", "normalized name")
    pgettext("how", "review decision: same firm")
    pgettext("how", "name without province/city prefix")


SAME = "same"
DIFFERENT = "different"
_DECISION_WORDS = {
    "same": SAME,
    "同一": SAME,
    "相同": SAME,
    "是": SAME,
    "合并": SAME,
    "y": SAME,
    "yes": SAME,
    "merge": SAME,
    "different": DIFFERENT,
    "不同": DIFFERENT,
    "否": DIFFERENT,
    "不是": DIFFERENT,
    "新建": DIFFERENT,
    "n": DIFFERENT,
    "no": DIFFERENT,
    "new": DIFFERENT,
}


def decision_word(text: object) -> str | None:
    """``same``/``different`` for what a person wrote in the decision column, else ``None``."""
    return _DECISION_WORDS.get(unicodedata.normalize("NFKC", str(text or "")).strip().lower())


@dataclass
class _LabelIndex:
    keys: set[str] = field(default_factory=set)
    by_name: dict[str, set[str]] = field(default_factory=dict)
    by_norm: dict[str, set[str]] = field(default_factory=dict)
    by_uscc: dict[str, str] = field(default_factory=dict)
    by_stock: dict[str, str] = field(default_factory=dict)
    uscc_of: dict[str, str] = field(default_factory=dict)
    stock_of: dict[str, str] = field(default_factory=dict)
    names_of: dict[str, str] = field(default_factory=dict)
    loaded_from_store: bool = False
    asked: set[str] = field(default_factory=set)
    # core name -> {key: places}; the fuzzy matcher's choices (core names and their keys)
    by_core: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    fuzzy_names: list[str] = field(default_factory=list)
    fuzzy_keys: list[str] = field(default_factory=list)
    # what the store holds of each organization: display name, full name, aliases, former names
    stored: dict[str, dict[str, object]] = field(default_factory=dict)

    def add(self, key: str, names: Iterable[str | None], uscc: str | None = None, stock: str | None = None) -> None:
        self.keys.add(key)
        for n in names:
            if n:
                self.by_name.setdefault(n, set()).add(key)
                self.names_of.setdefault(key, n)
                norm = normalize_name(n)
                if norm:
                    self.by_norm.setdefault(norm, set()).add(key)
                ps, core = core_name(n)
                if len(core) >= 2:
                    known = self.by_core.setdefault(core, {})
                    if key not in known:
                        self.fuzzy_names.append(core)
                        self.fuzzy_keys.append(key)
                    known[key] = tuple(dict.fromkeys((*known.get(key, ()), *ps)))
        if uscc:
            self.by_uscc.setdefault(uscc, key)
            self.uscc_of.setdefault(key, uscc)
        if stock:
            self.by_stock.setdefault(stock, key)
            self.stock_of.setdefault(key, stock)


class Resolver:
    """Knows the nodes of one load and those already stored, and matches references to them."""

    def __init__(self, store: GraphStore | None, aliases: AliasTable | None = None) -> None:
        self.store = store
        self.aliases = aliases or AliasTable()
        self._idx: dict[str, _LabelIndex] = {}
        # (normalized given name, candidate key) -> SAME / DIFFERENT, from a review file
        self.decisions: dict[tuple[str, str], str] = {}
        self.fuzzy_budget = FUZZY_BUDGET
        self.fuzzy_skipped = 0

    def decide(self, given: str, candidate_key: str, decision: str) -> None:
        """Record a person's decision on a pair from resolution-review.csv."""
        self.decisions[(normalize_name(given), candidate_key)] = decision

    def index(self, label: str) -> _LabelIndex:
        """The index of ``label``; for organizations, the stored ones are loaded on first use."""
        idx = self._idx.setdefault(label, _LabelIndex())
        if label in ORG_LABELS and not idx.loaded_from_store and self.store is not None:
            idx.loaded_from_store = True
            self._load_orgs(label, idx)
        return idx

    def _load_orgs(self, label: str, idx: _LabelIndex) -> None:
        assert self.store is not None
        n = node_type(label)
        cols = ["n.key AS key", "n.name AS name", "n.uscc AS uscc"]
        if label == "Enterprise":
            cols += [
                "n.full_name AS full_name",
                "n.stock_code AS stock_code",
                "n.aliases AS aliases",
                "n.former_names AS former_names",
            ]
        for r in self.store.execute(f"MATCH (n:{n.label}) RETURN {', '.join(cols)}"):
            others = [*(r.get("aliases") or []), *(r.get("former_names") or [])]
            idx.add(r["key"], (r.get("name"), r.get("full_name"), *others), r.get("uscc"), r.get("stock_code"))
            idx.stored[r["key"]] = dict(r)

    def prefetch(self, label: str, values: Iterable[str]) -> None:
        """Look up in the store the keys and names among ``values`` (one query per kind)."""
        if self.store is None or label in ORG_LABELS:
            self.index(label)
            return
        idx = self.index(label)
        # A value that is the key of a node in these files resolves to it before anything stored
        # is considered (``_find_one``): asking the store would only cost a scan per 5,000 values.
        wanted = [v for v in dict.fromkeys(values) if v not in idx.asked and v.strip() not in idx.keys]
        if not wanted:
            return
        idx.asked.update(wanted)
        n = node_type(label)
        name_prop = "title" if label == "Patent" else "name"
        candidates = list(wanted)
        if label == "Industry":
            candidates += [f"{s}:{v}" for v in wanted for s in checks.INDUSTRY_SCHEMES if ":" not in v]
        if label == "TechField":
            candidates += [v.strip().upper() for v in wanted]
        for part in chunks(candidates, 5000):
            for r in self.store.execute(
                f"MATCH (n:{n.label}) WHERE n.key IN $v RETURN n.key AS key, n.{name_prop} AS name", {"v": part}
            ):
                idx.add(r["key"], (r["name"],))
        for part in chunks(wanted, 5000):
            for r in self.store.execute(
                f"MATCH (n:{n.label}) WHERE n.{name_prop} IN $v RETURN n.key AS key, n.{name_prop} AS name",
                {"v": part},
            ):
                idx.add(r["key"], (r["name"],))

    # -- nodes from files ------------------------------------------------------------------------
    def org_key(self, label: str, row: Mapping[str, object]) -> Resolved:
        """The key an organization row loads under, matching a known one where possible."""
        idx = self.index(label)
        given = row.get("key")
        uscc = _str(row.get("uscc"))
        stock = _str(row.get("stock_code"))
        names = [n for n in (_str(row.get("full_name")), _str(row.get("name"))) if n]
        if isinstance(given, str) and given:
            return Resolved(label, given, "key")
        if uscc and uscc in idx.by_uscc:
            return Resolved(label, idx.by_uscc[uscc], "USCC")
        if stock and stock in idx.by_stock:
            return Resolved(label, idx.by_stock[stock], "stock code")
        if stock and stock in idx.keys:
            return Resolved(label, stock, "stock code")
        former = [n for n in _list(row.get("former_names")) if n not in names]
        for n in (*names, *former):
            hit = self._by_name(idx, n, uscc=uscc, stock=stock)
            if hit is not None:
                how = hit[1] if n in names else Msg("former name '{name}'", name=n)
                return Resolved(label, hit[0], how)
        if names:
            similar = self._similar(label, idx, names[0], uscc, stock)
            if similar is not None:
                return similar
        if uscc:
            return Resolved(label, uscc, "new")
        if stock:
            return Resolved(label, stock, "new")
        return Resolved(label, "name:" + normalize_name(names[0]) if names else "", "new")

    def _by_name(
        self, idx: _LabelIndex, name: str, *, uscc: str | None = None, stock: str | None = None
    ) -> tuple[str, str] | None:
        """A unique known key whose name matches ``name`` (exactly, via alias, or normalized)."""
        exact = idx.by_name.get(name, set())
        if len(exact) == 1:
            key = next(iter(exact))
            if self._compatible(idx, key, uscc, stock):
                return key, "name"
        canonical = self.aliases.get(name)
        if canonical:
            if canonical in idx.keys:
                return canonical, "alias"
            hits = idx.by_norm.get(normalize_name(canonical), set())
            if len(hits) == 1:
                return next(iter(hits)), "alias"
        hits = {k for k in idx.by_norm.get(normalize_name(name), set()) if self._compatible(idx, k, uscc, stock)}
        if len(hits) == 1:
            return next(iter(hits)), "normalized name"
        return None

    def _similar(self, label: str, idx: _LabelIndex, name: str, uscc: str | None, stock: str | None) -> Resolved | None:
        """The core-name and fuzzy tiers: a match, a pair for review, or ``None`` (a new firm)."""
        ps, core = core_name(name)
        if len(core) < 2:
            return None
        given = normalize_name(name)
        review: Resolved | None = None
        for key, their in sorted(idx.by_core.get(core, {}).items()):
            if not self._open(idx, given, key, uscc, stock):
                continue
            if self.decisions.get((given, key)) == SAME:
                return Resolved(label, key, "review decision: same firm")
            if ps and their and _same_place(ps, their):
                return Resolved(label, key, "name without province/city prefix")
            if ps and their:
                continue  # the same words in two different places: two firms
            review = review or Resolved(label, key, "review", 90.0, idx.names_of.get(key))
        if review is not None:
            return review
        if not idx.fuzzy_names:
            return None
        if self.fuzzy_budget < len(idx.fuzzy_names):
            self.fuzzy_skipped += 1
            return None
        self.fuzzy_budget -= len(idx.fuzzy_names)
        for _, score, i in process.extract(
            core, idx.fuzzy_names, scorer=fuzz.ratio, score_cutoff=FUZZY_REVIEW, limit=5
        ):
            key = idx.fuzzy_keys[i]
            their = idx.by_core.get(idx.fuzzy_names[i], {}).get(key, ())
            if not self._open(idx, given, key, uscc, stock) or (ps and their and not _same_place(ps, their)):
                continue
            if self.decisions.get((given, key)) == SAME:
                return Resolved(label, key, "review decision: same firm")
            if score >= FUZZY_MERGE:
                return Resolved(
                    label, key, Msg("similar name (rapidfuzz ratio {score:.0f})", score=float(score)), float(score)
                )
            return Resolved(label, key, "review", round(float(score), 1), idx.names_of.get(key))
        return None

    def _open(self, idx: _LabelIndex, given: str, key: str, uscc: str | None, stock: str | None) -> bool:
        """``key`` may still be the firm named ``given``: no code clash, not reviewed as different."""
        return self._compatible(idx, key, uscc, stock) and self.decisions.get((given, key)) != DIFFERENT

    @staticmethod
    def _compatible(idx: _LabelIndex, key: str, uscc: str | None, stock: str | None) -> bool:
        """Two records with different USCCs (or stock codes) are different organizations."""
        if uscc and idx.uscc_of.get(key) not in (None, uscc):
            return False
        return not (stock and idx.stock_of.get(key) not in (None, stock))

    def add_node(self, label: str, key: str, row: Mapping[str, object]) -> None:
        """Register a node of this load so later rows and references find it."""
        idx = self._idx.setdefault(label, _LabelIndex())
        name_prop = "title" if label == "Patent" else "name"
        idx.add(
            key,
            (
                _str(row.get(name_prop)),
                _str(row.get("full_name")),
                *_list(row.get("aliases")),
                *_list(row.get("former_names")),
            ),
            _str(row.get("uscc")),
            _str(row.get("stock_code")),
        )

    # -- references from relationship rows -------------------------------------------------------
    def find(self, labels: Iterable[str], value: str) -> tuple[Resolved | None, str | None]:
        """Resolve ``value`` among nodes of ``labels``; returns ``(match, None)`` or ``(None, reason)``."""
        found: list[Resolved] = []
        ambiguous: list[str] = []
        labels = list(labels)
        for label in labels:
            hit, amb = self._find_one(label, value)
            if hit is not None:
                found.append(hit)
            ambiguous += amb
        if len(found) == 1:
            return found[0], None
        zh = {lb: node_type(lb).zh for lb in labels}
        if len(found) > 1:
            kinds = " and ".join(f"a {r.label} ({zh[r.label]}, key {r.key})" for r in found)
            return None, Msg(
                "'{value}' is {kinds}; fill in the src_type column to say which one", value=value, kinds=kinds
            )
        if ambiguous:
            return None, Msg(
                "'{value}' matches several {labels} ({matches}); use the key or the USCC instead of the name",
                value=value,
                labels="/".join(labels),
                matches=", ".join(sorted(ambiguous)[:5]),
            )
        what = " / ".join(f"{lb} ({zh[lb]})" for lb in labels)
        return None, Msg(
            "no {what} called '{value}' in these files or in the store; add it to its own file first, "
            "or check the spelling",
            what=what,
            value=value,
        )

    def _find_one(self, label: str, value: str) -> tuple[Resolved | None, list[str]]:
        idx = self.index(label)
        v = value.strip()
        if v in idx.keys:
            return Resolved(label, v, "key"), []
        if label in ORG_LABELS:
            return self._find_org(label, idx, v)
        if label == "Industry" and ":" not in v:
            hits = [f"{s}:{v}" for s in checks.INDUSTRY_SCHEMES if f"{s}:{v}" in idx.keys]
            if len(hits) == 1:
                return Resolved(label, hits[0], "code"), []
        if label == "TechField" and v.upper() in idx.keys:
            return Resolved(label, v.upper(), "key"), []
        named = idx.by_name.get(v, set())
        if len(named) == 1:
            return Resolved(label, next(iter(named)), "name"), []
        return None, sorted(named) if len(named) > 1 else []

    def _find_org(self, label: str, idx: _LabelIndex, v: str) -> tuple[Resolved | None, list[str]]:
        code = v.upper()
        if len(code) == 18 and code in idx.by_uscc:
            return Resolved(label, idx.by_uscc[code], "USCC"), []
        if label == "Enterprise":
            try:
                stock = checks.normalize_stock_code(v)
            except ValueError:
                stock = None
            if stock and (stock in idx.by_stock or stock in idx.keys):
                return Resolved(label, idx.by_stock.get(stock, stock), "stock code"), []
        hit = self._by_name(idx, v)
        if hit is not None:
            return Resolved(label, hit[0], hit[1]), []
        norm = idx.by_norm.get(normalize_name(v), set())
        return None, sorted(norm) if len(norm) > 1 else []


def _str(v: object) -> str | None:
    return v if isinstance(v, str) and v else None


def _same_place(a: Iterable[str], b: Iterable[str]) -> bool:
    """True when one name's places contain the other's (深圳 and 广东+深圳; not 江苏+江阴 and 江苏+张家港)."""
    x, y = set(a), set(b)
    return x <= y or y <= x


def _list(v: object) -> list[str]:
    return [x for x in v if isinstance(x, str) and x] if isinstance(v, list | tuple) else []
