"""What a registry export's rows imply beyond their Enterprise properties, once keys are known.

Per firm: its GB/T 4754 code becomes an Industry node (``GB4754:3976``) with its parents
(``397`` → ``39`` → ``C``, SUB_INDUSTRY_OF) and an IN_INDUSTRY link; where the editorial
crosswalk (``data/gb4754_sw2021.csv``) maps the code to a SW2021 industry already stored, a
second IN_INDUSTRY link goes there, its provenance naming the crosswalk. Its 主营产品 and
经营范围 text become MAKES links to known products, each with its evidence
(:mod:`chainkg.ingest.scope_text`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chainkg.graph.store.base import GraphStore, chunks
from chainkg.i18n import Msg
from chainkg.ingest import gb4754
from chainkg.ingest.registry_export import Converted
from chainkg.ingest.scope_text import ProductIndex

CROSSWALK_SOURCE = "GB/T 4754→SW2021 crosswalk (editorial, chainkg/ingest/data/gb4754_sw2021.csv)"


@dataclass
class NewNode:
    """A node the export implies."""

    label: str
    key: str
    props: dict[str, Any]
    source: str
    line: int


@dataclass
class NewRel:
    """A relationship the export implies."""

    type: str
    src_label: str
    dst_label: str
    src: str
    dst: str
    props: dict[str, Any]
    source: str
    line: int


@dataclass
class Links:
    """Everything :func:`derive` found, and notes for the report."""

    nodes: list[NewNode] = field(default_factory=list)
    rels: list[NewRel] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _stored_keys(store: GraphStore | None, label: str, keys: Sequence[str]) -> set[str]:
    if store is None or not keys:
        return set()
    found: set[str] = set()
    for part in chunks(list(keys), 5000):
        rows = store.execute(f"MATCH (n:{label}) WHERE n.key IN $k RETURN n.key AS key", {"k": part})
        found.update(r["key"] for r in rows)
    return found


def product_index(store: GraphStore | None, loaded: Iterable[tuple[str, str]]) -> ProductIndex:
    """Known products: those stored and those of this load."""
    pairs: list[tuple[str, str]] = list(loaded)
    if store is not None:
        pairs += [(r["key"], r["name"]) for r in store.execute("MATCH (p:Product) RETURN p.key AS key, p.name AS name")]
    return ProductIndex(pairs)


def derive(
    convs: Sequence[Converted],
    row_keys: Mapping[tuple[str, int], str],
    store: GraphStore | None,
    loaded_products: Iterable[tuple[str, str]],
) -> Links:
    """The Industry nodes and IN_INDUSTRY / SUB_INDUSTRY_OF / MAKES links of the converted exports."""
    out = Links()
    seen_codes: set[str] = set()
    firms: list[tuple[str, str, int, str]] = []  # (enterprise key, source, line, gb code)
    texts: list[tuple[str, str, int, str | None, str | None]] = []
    for conv in convs:
        src = conv.table.source
        for line, d in conv.derived.items():
            key = row_keys.get((src, line))
            if key is None:
                continue  # the row was rejected or held for review: it derives nothing
            if d.gb_code:
                firms.append((key, src, line, d.gb_code))
                chain = [d.gb_code, *gb4754.parents(d.gb_code)]
                for i, code in enumerate(chain):
                    if code not in seen_codes:
                        seen_codes.add(code)
                        props: dict[str, Any] = {"code": code, "scheme": gb4754.SCHEME, "level": gb4754.level(code)}
                        name = gb4754.name_of(code) or d.gb_names.get(code)
                        if name:
                            props["name"] = name
                        out.nodes.append(NewNode("Industry", f"GB4754:{code}", props, src, line))
                        if i + 1 < len(chain):
                            out.rels.append(
                                NewRel(
                                    "SUB_INDUSTRY_OF",
                                    "Industry",
                                    "Industry",
                                    f"GB4754:{code}",
                                    f"GB4754:{chain[i + 1]}",
                                    {},
                                    src,
                                    line,
                                )
                            )
            if d.products or d.scope:
                texts.append((key, src, line, d.products, d.scope))
    mapped = {code: gb4754.to_sw2021(code) for _, _, _, code in firms}
    sw_keys = sorted({f"SW2021:{m[0]}" for m in mapped.values() if m is not None})
    stored_sw = _stored_keys(store, "Industry", sw_keys)
    crosswalked: set[str] = set()
    for key, src, line, code in firms:
        out.rels.append(NewRel("IN_INDUSTRY", "Enterprise", "Industry", key, f"GB4754:{code}", {}, src, line))
        m = mapped.get(code)
        if m is not None and f"SW2021:{m[0]}" in stored_sw:
            via = f"{src} · {CROSSWALK_SOURCE}"
            out.rels.append(NewRel("IN_INDUSTRY", "Enterprise", "Industry", key, f"SW2021:{m[0]}", {}, via, line))
            crosswalked.add(key)
    if firms:
        out.notes.append(
            Msg(
                "{firms:,} firm(s) carry a GB/T 4754 code (IN_INDUSTRY to GB4754:<code>); {placed:,} were also "
                "placed in a SW2021 industry through the editorial crosswalk (see docs/ingest.md).",
                firms=len({f[0] for f in firms}),
                placed=len(crosswalked),
            )
        )
    if texts:
        index = product_index(store, loaded_products)
        linked: set[tuple[str, str]] = set()
        for key, src, line, products, scope in texts:
            for hit in index.match(products, scope):
                out.rels.append(
                    NewRel("MAKES", "Enterprise", "Product", key, hit.product, {"evidence": hit.evidence}, src, line)
                )
                linked.add((key, hit.product))
        out.notes.append(
            Msg(
                "主营产品/经营范围 text of {firms:,} firm(s) named {linked:,} known product(s) (MAKES, each with its "
                "evidence; {known:,} products known). Text naming no known product links nothing.",
                firms=len({t[0] for t in texts}),
                linked=len(linked),
                known=len(index),
            )
        )
    return out
