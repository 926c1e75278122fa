"""Generate a synthetic collaboration graph and load it into a store.

Default size: 10,000 organizations (8,000 enterprises, 2,000 universities and institutes) and
100,000 patents, with tech fields, products, industries, bases, alliances, patent pools and
platforms around them. Popularity is skewed (a few fields, holders and products take a large
share) so the graph has hubs, as real patent data does. The same seed gives the same graph.

    python bench/synth_orgs.py --data-dir /tmp/synth            # LadybugDB
    python bench/synth_orgs.py --store neo4j --neo4j-uri bolt://127.0.0.1:7687 --password ...
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainkg.graph.model import MEMBER_ROLES, PLATFORM_KINDS
from chainkg.graph.store import GraphStore

Row = dict[str, Any]
PROV = {"source": "bench/synth_orgs.py", "loaded_at": "2026-01-01T00:00:00+00:00"}


@dataclass
class Synth:
    """Rows per node label and per (relationship type, from label, to label)."""

    nodes: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    rels: dict[tuple[str, str, str], list[Row]] = field(default_factory=lambda: defaultdict(list))

    def size(self) -> dict[str, int]:
        out = {k: len(v) for k, v in self.nodes.items()}
        for (t, _, _), rows in self.rels.items():
            out[t] = out.get(t, 0) + len(rows)
        return out


def skewed(rng: random.Random, items: Sequence[Any], alpha: float = 1.1) -> Any:
    """Pick an item with Zipf-like weights (the first items are the popular ones)."""
    # Inverse-transform sampling of a Pareto rank keeps this O(1) per pick.
    i = int(len(items) * (rng.random() ** (alpha * 2)))
    return items[min(i, len(items) - 1)]


def generate(
    n_orgs: int = 10_000,
    n_patents: int = 100_000,
    *,
    n_fields: int = 600,
    n_products: int = 3_000,
    n_bases: int = 30,
    n_alliances: int = 60,
    n_pools: int = 20,
    n_platforms: int = 150,
    seed: int = 7,
) -> Synth:
    """Build the synthetic graph in memory (no store involved)."""
    rng = random.Random(seed)
    g = Synth()
    n_ent = int(n_orgs * 0.8)
    ents = [f"se{i:05d}" for i in range(n_ent)]
    orgs = [f"so{i:05d}" for i in range(n_orgs - n_ent)]
    fields = [f"F{i:03d}" for i in range(n_fields)]
    products = [f"产品{i:04d}" for i in range(n_products)]
    bases = [f"base-{i:02d}" for i in range(n_bases)]
    top_inds = [f"SYN:{i:02d}0000" for i in range(20)]
    sub_inds = [f"SYN:{i % 20:02d}{i:04d}" for i in range(100)]

    g.nodes["TechField"] = [{"key": f, "name": f"技术领域{f}", **PROV} for f in fields]
    g.nodes["Product"] = [{"key": p, "name": p} for p in products]
    for p in products:
        for f in {skewed(rng, fields) for _ in range(rng.randint(1, 3))}:
            g.rels[("NEEDS_FIELD", "Product", "TechField")].append({"src": p, "dst": f})
        for _ in range(rng.randint(0, 3)):
            u = rng.choice(products)
            if u != p:
                g.rels[("INPUT_TO", "Product", "Product")].append({"src": u, "dst": p})
    g.nodes["Industry"] = [
        {"key": k, "name": f"行业{k[4:]}", "code": k[4:], "scheme": "SYN", "level": 1 if k in top_inds else 2}
        for k in top_inds + sub_inds
    ]
    g.rels[("SUB_INDUSTRY_OF", "Industry", "Industry")] = [{"src": s, "dst": f"SYN:{s[4:6]}0000"} for s in sub_inds]
    g.nodes["Base"] = [{"key": b, "name": f"基地{i:02d}", "level": "national"} for i, b in enumerate(bases)]
    g.rels[("LEADS_IN", "Base", "Industry")] = [{"src": b, "dst": rng.choice(sub_inds)} for b in bases]

    g.nodes["Enterprise"] = [
        {
            "key": e,
            "name": f"企业{e[2:]}",
            "own_ip": rng.random() < 0.4,
            "own_brand": rng.random() < 0.5,
            "export_oriented": rng.random() < 0.3,
        }
        for e in ents
    ]
    g.nodes["ResearchOrg"] = [
        {"key": o, "name": f"研究院{o[2:]}", "kind": "university" if rng.random() < 0.5 else "institute"} for o in orgs
    ]
    for e in ents:
        g.rels[("IN_INDUSTRY", "Enterprise", "Industry")].append({"src": e, "dst": skewed(rng, sub_inds, 0.6)})
        for p in {skewed(rng, products) for _ in range(rng.randint(1, 3))}:
            g.rels[("MAKES", "Enterprise", "Product")].append({"src": e, "dst": p, "share": round(rng.random(), 3)})
        if rng.random() < 0.9:
            g.rels[("LOCATED_IN", "Enterprise", "Base")].append({"src": e, "dst": skewed(rng, bases, 0.5)})
    for o in orgs:
        if rng.random() < 0.9:
            g.rels[("LOCATED_IN", "ResearchOrg", "Base")].append({"src": o, "dst": skewed(rng, bases, 0.5)})

    holders = ents + orgs
    for i in range(n_patents):
        key = f"SP{i:06d}"
        g.nodes["Patent"].append({"key": key, "title": f"合成专利{i}", "year": rng.randint(2008, 2023)})
        for f in {skewed(rng, fields) for _ in range(rng.randint(1, 2))}:
            g.rels[("IN_FIELD", "Patent", "TechField")].append({"src": key, "dst": f})
        # Universities hold a larger share than their number suggests.
        first = skewed(rng, orgs) if rng.random() < 0.35 else skewed(rng, ents)
        owners = {first} | ({rng.choice(holders)} if rng.random() < 0.1 else set())
        for h in owners:
            label = "Enterprise" if h.startswith("se") else "ResearchOrg"
            g.rels[("HOLDS_PATENT", label, "Patent")].append({"src": h, "dst": key})

    seen: set[tuple[str, str]] = set()
    for _ in range(n_orgs * 3 // 2):
        e, o = rng.choice(ents), skewed(rng, orgs)
        if (e, o) not in seen:
            seen.add((e, o))
            g.rels[("COOPERATES_WITH", "Enterprise", "ResearchOrg")].append(
                {"src": e, "dst": o, "kind": "joint_project", "since": rng.randint(2010, 2023)}
            )
    for _ in range(n_orgs):
        a, b = rng.choice(ents), rng.choice(ents)
        if a != b:
            g.rels[("SUPPLIES", "Enterprise", "Enterprise")].append(
                {"src": a, "dst": b, "product": rng.choice(products)}
            )

    for i in range(n_alliances):
        key = f"sal-{i:03d}"
        g.nodes["Alliance"].append({"key": key, "name": f"产业联盟{i:03d}", "founded_year": rng.randint(2005, 2020)})
        g.rels[("FOCUSES_ON", "Alliance", "Industry")].append({"src": key, "dst": rng.choice(top_inds + sub_inds)})
        for m in {rng.choice(holders) for _ in range(rng.randint(20, 80))}:
            label = "Enterprise" if m.startswith("se") else "ResearchOrg"
            g.rels[("MEMBER_OF", label, "Alliance")].append(
                {"src": m, "dst": key, "role": rng.choice(MEMBER_ROLES), "since": rng.randint(2005, 2023)}
            )
    patents = [r["key"] for r in g.nodes["Patent"]]
    holder_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for (type_, label, _), rows in list(g.rels.items()):
        if type_ == "HOLDS_PATENT":
            for r in rows:
                holder_of[r["dst"]].append((label, r["src"]))
    for i in range(n_pools):
        key = f"spp-{i:02d}"
        g.nodes["PatentPool"].append({"key": key, "name": f"专利池{i:02d}", "founded_year": rng.randint(2010, 2020)})
        chosen = rng.sample(patents, 500)
        g.rels[("IN_POOL", "Patent", "PatentPool")].extend({"src": p, "dst": key} for p in chosen)
        licensors = {h for p in chosen[:100] for h in holder_of[p]}
        for label, h in licensors:
            g.rels[("LICENSOR_OF", label, "PatentPool")].append(
                {"src": h, "dst": key, "since": rng.randint(2010, 2023)}
            )
        for e in rng.sample(ents, 40):
            g.rels[("LICENSEE_OF", "Enterprise", "PatentPool")].append({"src": e, "dst": key, "since": 2020})
    for i in range(n_platforms):
        key = f"spf-{i:03d}"
        g.nodes["Platform"].append({"key": key, "name": f"平台{i:03d}", "kind": rng.choice(PLATFORM_KINDS)})
        for b in {rng.choice(bases) for _ in range(rng.choice([1, 1, 1, 2, 3]))}:
            g.rels[("SERVES", "Platform", "Base")].append({"src": key, "dst": b})
    return g


def load(store: GraphStore, g: Synth) -> float:
    """Write the graph into ``store`` (schema ensured first); returns seconds taken."""
    t0 = time.perf_counter()
    store.ensure_schema()
    for label, rows in g.nodes.items():
        store.merge_nodes(label, rows)
    for (type_, a, b), rows in g.rels.items():
        store.merge_rels(type_, a, b, rows)
    return time.perf_counter() - t0


def open_bench_store(kind: str, data_dir: Path, uri: str, user: str, password: str) -> GraphStore:
    """Open the store a benchmark asked for."""
    if kind == "neo4j":
        from chainkg.graph.store.neo4j_store import Neo4jStore

        return Neo4jStore(uri, user, password)
    from chainkg.graph.store.ladybug_store import LadybugStore

    data_dir.mkdir(parents=True, exist_ok=True)
    return LadybugStore(data_dir / "graph.lbug")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", choices=["ladybug", "neo4j"], default="ladybug")
    ap.add_argument("--data-dir", type=Path, default=Path("bench-data/synth"))
    ap.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7687")
    ap.add_argument("--user", default="neo4j")
    ap.add_argument("--password", default="")
    ap.add_argument("--orgs", type=int, default=10_000)
    ap.add_argument("--patents", type=int, default=100_000)
    ap.add_argument("--clear", action="store_true", help="Empty the store first")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    g = generate(args.orgs, args.patents)
    print(f"generated in {time.perf_counter() - t0:.1f} s: {g.size()}")
    store = open_bench_store(args.store, args.data_dir, args.neo4j_uri, args.user, args.password)
    try:
        if args.clear:
            store.ensure_schema()
            store.clear()
        print(f"loaded into {args.store} in {load(store, g):.1f} s")
    finally:
        store.close()


if __name__ == "__main__":
    main()
