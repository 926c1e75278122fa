"""The product quality pass: canonical names, synonym groups and flags written onto Product nodes.

Run after every load (``chainkg ingest``, ``ingest-ckg``, ``ingest-demo`` call it). It reads
every product and how many enterprises make it, applies the pure rules of
:mod:`chainkg.graph.analytics.products`, merges the synonym file a person may have edited,
writes the file back for review and stores on each Product its ``canonical_name``,
``synonym_group`` (itself when it has no synonym), ``flags`` with ``flag_reasons`` and
``quality_source``. Nothing is deleted: analyses read the flags and leave flagged products
out by default, saying how many.

The synonym file (``product-synonyms.csv`` in the data folder) has one row per link between
two names: ``group, a, b, rule, score, keep``. Set ``keep`` to ``no`` to say two names are
different products; add a row with rule ``manual`` (``keep`` ``yes``) to join two names the
rules missed. The next pass keeps both decisions and regenerates the automatic rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from chainkg.errors import InvalidInputError
from chainkg.graph.analytics.products import (
    SynonymLink,
    canonical_name,
    flag_name,
    flag_products,
    synonym_groups,
    synonym_links,
)
from chainkg.graph.model import node_type, rel_type
from chainkg.graph.store.base import GraphStore, WriteResult
from chainkg.i18n import Msg, _

SYNONYMS_FILE = "product-synonyms.csv"
RULES_VERSION = "rules-v1"
COLUMNS = ("group", "a", "b", "rule", "score", "keep")
_YES = {"yes", "y", "1", "true", "是", ""}
_NO = {"no", "n", "0", "false", "否"}

_PRODUCT = node_type("Product").label
_MAKES = rel_type("MAKES").type
ALL_PRODUCTS = f"MATCH (p:{_PRODUCT}) RETURN collect(p.key) AS key"
# Products the pass has written before (the others hold the defaults: name, itself, no flags).
STORED = f"""
MATCH (p:{_PRODUCT}) WHERE p.quality_source IS NOT NULL
RETURN collect(p.key) AS key, collect(p.canonical_name) AS canonical, collect(p.synonym_group) AS grp,
       collect(p.flags) AS flags"""
MAKER_COUNTS = f"""
MATCH (:Enterprise)-[:{_MAKES}]->(p:{_PRODUCT})
RETURN collect(p.key) AS key"""


@dataclass
class QualityPassResult:
    """What one pass did: counts per flag, groups, links, the file and the write."""

    products: int = 0
    flagged: int = 0
    by_flag: dict[str, int] = field(default_factory=dict)
    groups: int = 0
    grouped: int = 0
    links_by_rule: dict[str, int] = field(default_factory=dict)
    rejected: int = 0
    synonyms_file: str = ""
    written: WriteResult | None = None

    def summary_line(self) -> str:
        """One line in the current language."""
        flags = _(", ").join(f"{flag_name(k)} {v:,}" for k, v in sorted(self.by_flag.items()))
        return _(
            "Product quality: {products:,} products, {flagged:,} flagged ({flags}), "
            "{groups:,} synonym groups of {grouped:,} names; review {file}"
        ).format(
            products=self.products,
            flagged=self.flagged,
            flags=flags,
            groups=self.groups,
            grouped=self.grouped,
            file=self.synonyms_file,
        )


def read_synonyms_file(path: Path) -> tuple[list[SynonymLink], list[tuple[str, str]]]:
    """The manual links and the rejected pairs of an edited synonym file.

    Raises :class:`InvalidInputError` naming the line and field of a row it cannot use.
    """
    manual: list[SynonymLink] = []
    rejected: list[tuple[str, str]] = []
    if not path.exists():
        return manual, rejected
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("a", "b", "rule", "keep") if c not in (reader.fieldnames or ())]
        if missing:
            raise InvalidInputError(
                Msg("the header lacks {columns}", columns=", ".join(missing)), file=str(path), line=1, field=missing[0]
            )
        for line, row in enumerate(reader, start=2):
            a, b = (row.get("a") or "").strip(), (row.get("b") or "").strip()
            keep = (row.get("keep") or "").strip().casefold()
            if not a or not b:
                raise InvalidInputError(
                    Msg("both names are needed"), file=str(path), line=line, field="a" if not a else "b"
                )
            if keep not in _YES and keep not in _NO:
                raise InvalidInputError(
                    Msg("keep must be yes or no; got {keep!r}", keep=keep), file=str(path), line=line, field="keep"
                )
            if keep in _NO:
                rejected.append((a, b))
            elif (row.get("rule") or "").strip() == "manual":
                manual.append(SynonymLink(a, b, "manual"))
    return manual, rejected


def write_synonyms_file(
    path: Path, links: Iterable[SynonymLink], groups: dict[str, str], rejected: Iterable[tuple[str, str]]
) -> None:
    """Write every link (kept ones with their group, rejected ones with ``keep`` = no) for review."""
    rows = []
    no = set(rejected)
    for lk in links:
        if (lk.a, lk.b) in no or (lk.b, lk.a) in no:
            continue
        rows.append((groups.get(lk.a, lk.a), lk.a, lk.b, lk.rule, f"{lk.score:g}", "yes"))
    rows.extend(("", a, b, "rejected", "", "no") for a, b in sorted(no))
    rows.sort()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        w.writerows(rows)


def run_quality_pass(store: GraphStore, synonyms_path: Path, *, dry_run: bool = False) -> QualityPassResult:
    """Flag, canonicalise and group every product of the store; write the results and the file.

    Examples
    --------
    >>> r = run_quality_pass(store, Path("chainkg-data") / SYNONYMS_FILE)   # doctest: +SKIP
    >>> r.by_flag["segment"]                                                 # doctest: +SKIP
    2535
    """
    rows = store.execute(ALL_PRODUCTS)
    names: list[str] = sorted(rows[0]["key"]) if rows else []
    makers: dict[str, int] = {}
    for r in store.execute(MAKER_COUNTS):
        for k in r["key"]:
            makers[k] = makers.get(k, 0) + 1
    flags = flag_products(names)
    manual, rejected = read_synonyms_file(synonyms_path)
    links = [*synonym_links(names, skip=flags), *manual]
    # Flagged names join no group: a sales line is not a synonym of the product it sells.
    groups = synonym_groups(
        [n for n in names if n not in flags],
        links,
        rank={k: float(v) for k, v in makers.items()},
        rejected=rejected,
    )
    result = QualityPassResult(products=len(names), flagged=len(flags), synonyms_file=str(synonyms_path))
    for fl in flags.values():
        for f in fl:
            result.by_flag[f.code] = result.by_flag.get(f.code, 0) + 1
    result.groups = len(set(groups.values()))
    result.grouped = len(groups)
    result.rejected = len(rejected)
    for lk in links:
        result.links_by_rule[lk.rule] = result.links_by_rule.get(lk.rule, 0) + 1
    if dry_run:
        return result
    write_synonyms_file(
        synonyms_path, [lk for lk in links if lk.a not in flags and lk.b not in flags], groups, rejected
    )
    source = f"chainkg product quality {RULES_VERSION}; synonyms {synonyms_path.name}"
    stored = {
        k: (c, g, tuple(f or ()))
        for r in store.execute(STORED)
        for k, c, g, f in zip(r["key"], r["canonical"], r["grp"], r["flags"], strict=True)
    }
    out = []
    for n in names:
        fl = flags.get(n, [])
        want = (canonical_name(n), groups.get(n, n), tuple(f.code for f in fl))
        # Only what differs from the stored values is written: the first pass over the public
        # data writes the ~13,000 products whose fields say something, not all 95,000.
        default = want == (n, n, ())
        if stored.get(n, (None, None, ())) == want or (default and n not in stored):
            continue
        out.append(
            {
                "key": n,
                "canonical_name": want[0],
                "synonym_group": want[1],
                "flags": list(want[2]),
                # stable: msgid and parameters (JSON), said in the reader's language when shown
                "flag_reasons": [f.reason.dumps() if isinstance(f.reason, Msg) else f.reason for f in fl],
                "quality_source": source,
            }
        )
    with store.derived_writes():  # derived from stored names: a re-load of the same files keeps its receipt
        result.written = store.merge_nodes(_PRODUCT, out)
    return result
