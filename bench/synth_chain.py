"""Generate a synthetic industry-chain graph N times the public data set and load it into a store.

The graph is ``factor`` rewired copies of a source graph: the public ChainKnowledgeGraph as
``chainkg.ingest.ckg.load_ckg`` loads it (enterprises, products, city bases and the links
between them). In copy ``i`` every key gets the suffix ``~i`` (copy 0 keeps the original
keys, so ``city:深圳市`` is still there with its 284 enterprises). A MAKES link takes its
product from a random other copy with probability ``rewire`` (0.02), a product input or
sub-class link its input with probability ``link_rewire`` (0.02). The industries are a
classification, not data that grows: there is one copy of them (and of their links), and
every copy's enterprises are filed under it. So the result is one connected graph with the
real data's degree structure (hub materials, heavy-tailed product counts), ``factor`` times
as many enterprises, products and links, in which one base's own chain is about as large as
in the real data: what a bounded query should cost.

    python bench/synth_chain.py --data-dir /tmp/synth10                  # LadybugDB, factor 10
    python bench/synth_chain.py --store neo4j --neo4j-uri bolt://127.0.0.1:7687 --password ...

The same seed gives the same graph. Neo4j is CLEARED first: point it at a throw-away database.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainkg.graph.store import GraphStore
from chainkg.graph.store.ladybug_store import LadybugStore

Row = dict[str, Any]
DEFAULT_CKG = Path(__file__).resolve().parents[2] / "shared" / "data" / "chainkg"

NODE_PROPS: dict[str, tuple[str, ...]] = {
    "Base": ("key", "name", "province", "city"),
    "Enterprise": ("key", "name", "full_name", "province", "city", "size", "export_oriented", "own_ip"),
    "Product": ("key", "name"),
    "Industry": ("key", "name", "code", "scheme", "level"),
}
SHARED = frozenset({"Industry"})
"""Labels with one copy only (a classification)."""
# (type, from label, to label, properties, which end may come from another copy, its rewire option)
RELS: tuple[tuple[str, str, str, tuple[str, ...], str | None, str], ...] = (
    ("LOCATED_IN", "Enterprise", "Base", (), None, ""),
    ("MAKES", "Enterprise", "Product", ("share",), "dst", "rewire"),
    ("INPUT_TO", "Product", "Product", (), "src", "link_rewire"),
    ("SUBTYPE_OF", "Product", "Product", (), "src", "link_rewire"),
    ("IN_INDUSTRY", "Enterprise", "Industry", (), None, ""),
    ("SUB_INDUSTRY_OF", "Industry", "Industry", (), None, ""),
    ("UPSTREAM_OF", "Industry", "Industry", ("weight",), None, ""),
)


@dataclass
class Source:
    """The source graph as rows: nodes per label, relationships per type."""

    nodes: dict[str, list[Row]] = field(default_factory=dict)
    rels: dict[str, list[Row]] = field(default_factory=dict)


def export(store: GraphStore) -> Source:
    """Read the node and relationship types the chain queries use out of ``store``."""
    src = Source()
    # Sorted, so the same seed rewires the same links whatever order the store returns rows in.
    for label, props in NODE_PROPS.items():
        cols = ", ".join(f"n.{p} AS {p}" for p in props)
        rows = store.execute(f"MATCH (n:{label}) RETURN {cols}")
        src.nodes[label] = sorted(rows, key=lambda r: r["key"])
    for type_, a, b, props, _, _ in RELS:
        cols = "".join(f", r.{p} AS {p}" for p in props)
        rows = store.execute(f"MATCH (x:{a})-[r:{type_}]->(y:{b}) RETURN x.key AS src, y.key AS dst{cols}")
        src.rels[type_] = sorted(rows, key=lambda r: (r["src"], r["dst"]))
    return src


def suffix(key: str, i: int) -> str:
    """The key of ``key`` in copy ``i``."""
    return key if i == 0 else f"{key}~{i}"


def copy_nodes(src: Source, label: str, i: int) -> list[Row]:
    """Copy ``i`` of the ``label`` nodes (names suffixed too, so they stay unique)."""
    out = []
    for r in src.nodes[label]:
        row = {k: v for k, v in r.items() if v is not None}
        row["key"] = suffix(r["key"], i)
        if "name" in row:
            row["name"] = row["key"] if label == "Product" else suffix(str(row["name"]), i)
        out.append(row)
    return out


def copy_rels(
    src: Source,
    rel: tuple[str, str, str, tuple[str, ...], str | None, str],
    i: int,
    factor: int,
    rewire: float,
    rng: random.Random,
) -> list[Row]:
    """Copy ``i`` of a relationship type's links, the rewirable end moved to another copy with p = rewire."""
    type_, a, b, _, end, _ = rel
    out = []
    for r in src.rels[type_]:
        row = {k: v for k, v in r.items() if v is not None}
        row["src"] = r["src"] if a in SHARED else suffix(r["src"], i)
        row["dst"] = r["dst"] if b in SHARED else suffix(r["dst"], i)
        if end and factor > 1 and rng.random() < rewire:
            j = rng.randrange(factor - 1)
            j = j if j < i else j + 1
            row[end] = suffix(r[end], j)
        out.append(row)
    return out


def copies(src: Source, factor: int, rates: dict[str, float], seed: int) -> Iterator[tuple[str, str, str, list[Row]]]:
    """Every batch to write, nodes first: (kind or rel type, from label, to label, rows)."""
    for label in NODE_PROPS:
        for i in range(1 if label in SHARED else factor):
            yield "node", label, label, copy_nodes(src, label, i)
    rng = random.Random(seed)
    for rel in RELS:
        type_, a, b, _, _, option = rel
        for i in range(1 if a in SHARED and b in SHARED else factor):
            yield type_, a, b, copy_rels(src, rel, i, factor, rates.get(option, 0.0), rng)


def generate(
    target: GraphStore,
    source: Source,
    *,
    factor: int = 10,
    rewire: float = 0.02,
    link_rewire: float = 0.02,
    seed: int = 1,
) -> dict[str, int]:
    """Write ``factor`` rewired copies of ``source`` into ``target``; return rows written per type."""
    written: dict[str, int] = {}
    rates = {"rewire": rewire, "link_rewire": link_rewire}
    for kind, a, b, rows in copies(source, factor, rates, seed):
        if kind == "node":
            target.merge_nodes(a, rows)
            written[a] = written.get(a, 0) + len(rows)
        else:
            target.merge_rels(kind, a, b, rows)
            written[kind] = written.get(kind, 0) + len(rows)
    return written


def public_source(ckg: Path) -> Source:
    """Load the public data set into a throw-away LadybugDB and export it."""
    from chainkg.ingest.ckg import load_ckg

    with tempfile.TemporaryDirectory() as tmp:
        store = LadybugStore(Path(tmp) / "ckg.lbug")
        try:
            store.ensure_schema()
            load_ckg(store, ckg)
            return export(store)
        finally:
            store.close()


def open_target(args: argparse.Namespace) -> GraphStore:
    """The store to write into, from the command line."""
    if args.store == "neo4j":
        from chainkg.graph.store.neo4j_store import Neo4jStore

        store: GraphStore = Neo4jStore(args.neo4j_uri, args.user, args.password, timeout_s=30.0)
        store.ensure_schema()
        store.clear()
        return store
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    store = LadybugStore(Path(args.data_dir) / "graph.lbug")
    store.ensure_schema()
    return store


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ckg", type=Path, default=DEFAULT_CKG, help="Folder of the public data set")
    p.add_argument("--factor", type=int, default=10)
    p.add_argument("--rewire", type=float, default=0.02, help="Share of MAKES links into another copy")
    p.add_argument("--link-rewire", type=float, default=0.02, help="Share of product links into another copy")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--store", choices=["ladybug", "neo4j"], default="ladybug")
    p.add_argument("--data-dir", default="synth-chain-data", help="LadybugDB folder (graph.lbug inside)")
    p.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7687")
    p.add_argument("--user", default="neo4j")
    p.add_argument("--password", default="")
    args = p.parse_args()
    t0 = time.perf_counter()
    source = public_source(args.ckg)
    target = open_target(args)
    try:
        written = generate(
            target, source, factor=args.factor, rewire=args.rewire, link_rewire=args.link_rewire, seed=args.seed
        )
    finally:
        target.close()
    print(f"wrote {sum(written.values()):,} rows in {time.perf_counter() - t0:.0f} s: {written}")


if __name__ == "__main__":
    main()
