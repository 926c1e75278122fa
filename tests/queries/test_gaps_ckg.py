"""Gaps on the public ChainKnowledgeGraph data, checked against a computation from the raw files.

The test base holds the enterprises whose full name begins with 深圳 (built here, not by the
loader's city derivation). The expected chain, gaps, scores and weak links are computed below
from the JSONL files alone: plain dicts and breadth-first walks, sharing no code with chainkg
beyond the file format. The only rules shared with the loader are the data set's identity
rules: a stock code is known by its six digits (the first row of a repeated code wins), a
company_industry row whose code is unknown is matched by a unique short name, an industry
named by an older SW name is found through company_industry.json, and a product a relation
file spells with other quotes, slashes or backslashes is the product.json name that is the
same without them.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chainkg.graph.store.ladybug_store import LadybugStore
from chainkg.queries.chainengine.candidates import fill_candidates
from chainkg.queries.chainengine.chain import ChainQuestion, load_chain
from chainkg.queries.chainengine.gaps import find_gaps, weak_links, what_if

pytestmark = [pytest.mark.shared, pytest.mark.slow]

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "chainkg"
BASE = "test:sz"
DEPTH = 3


def jsonl(name: str) -> Iterator[dict[str, Any]]:
    with open(DATA / name, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


# -- the independent computation ------------------------------------------------------------------


@dataclass
class Level:
    distance: dict[str, int]
    makers: dict[str, set[str]]
    scores: dict[str, float]
    dependents: dict[str, int]
    # Products only: left out as flagged, the specificity weight, whether anyone in the data makes it.
    flagged: frozenset[str] = frozenset()
    weight: dict[str, float] | None = None
    supplied: frozenset[str] = frozenset()
    matches: dict[str, set[str]] | None = None  # for the gaps: the products that count as each


def walk(anchors: set[str], into: dict[str, list[tuple[str, float | None]]], depth: int) -> tuple[dict[str, int], dict]:
    """Distances from the anchors going upstream, and the links into segments nearer than depth."""
    distance = dict.fromkeys(anchors, 0)
    frontier = set(anchors)
    for d in range(1, depth + 1):
        nxt = set()
        for n in frontier:
            for src, _ in into.get(n, []):
                if src not in distance:
                    distance[src] = d
                    nxt.add(src)
        frontier = nxt
    kept: dict[tuple[str, str], float | None] = {}
    for n, d in distance.items():
        if d < depth:
            for src, w in into.get(n, []):
                if src != n:
                    kept[(src, n)] = w
    return distance, kept


def score(
    distance: dict[str, int], kept: dict, covered: set[str], depth: int, share: dict[str, float] | None = None
) -> tuple[dict, dict]:
    """Σ over covered segments downstream (≤ depth steps) of best path strength / steps.

    ``share``: products, a link into ``dst`` has strength ``share[dst]`` (1 / its inputs in the data)."""
    total: dict[str, float] = defaultdict(float)
    for (_, dst), w in kept.items():
        if w is not None:
            total[dst] += max(w, 0.0)
    down: dict[str, dict[str, float]] = defaultdict(dict)
    for (src, dst), w in kept.items():
        s = 1.0 if w is None or total[dst] <= 0 else max(w, 0.0) / total[dst]
        if share is not None:
            s = share.get(dst, 1.0)
        if s > 0:
            down[src][dst] = max(s, down[src].get(dst, 0.0))
    scores, deps = {}, {}
    for g in distance:
        seen, frontier, sc, n = {g}, {g: 1.0}, 0.0, 0
        for h in range(1, depth + 1):
            nxt: dict[str, float] = {}
            for x, s in frontier.items():
                for y, w in down.get(x, {}).items():
                    if y not in seen:
                        nxt[y] = max(nxt.get(y, 0.0), s * w)
            seen |= set(nxt)
            level = sorted(v for y, v in nxt.items() if y in covered)
            if level:
                sc += sum(level) / h
                n += len(level)
            frontier = nxt
        scores[g], deps[g] = sc, n
    return scores, deps


@pytest.fixture(scope="module")
def raw(quality: tuple[frozenset[str], dict[str, str]]) -> dict[str, Level]:
    """The expected answers from the JSONL files; flags and synonym groups are taken as given
    (the quality pass's rules have their own unit tests), everything else is recomputed here."""
    flagged, group = quality
    members: dict[str, set[str]] = defaultdict(set)
    for k, g in group.items():
        members[g].add(k)
    first: dict[str, dict[str, Any]] = {}
    for c in jsonl("company.json"):
        first.setdefault(str(c["code"]).strip().upper()[:6], c)
    sz = {six for six, c in first.items() if str(c.get("fullname") or "").startswith("深圳")}
    by_name: dict[str, set[str]] = defaultdict(set)
    for six, c in first.items():
        by_name[str(c["name"]).strip()].add(six)

    # Products: 上游材料 -> to_entity feeds from_entity; 下游产品 -> from_entity feeds to_entity;
    # 产品小类 -> to_entity is a sub-class of from_entity (taxonomy: matched, not walked).
    names = {r["name"] for r in jsonl("product.json")}
    plain = {re.sub(r"[\\/\"'\s]", "", n): n for n in names}

    def product(name: str) -> str:
        return name if name in names else plain.get(re.sub(r"[\\/\"'\s]", "", name), name)

    makers: dict[str, set[str]] = defaultdict(set)
    anywhere: set[str] = set()
    for r in jsonl("company_product.json"):
        if str(r["company_code"])[:6] in first:
            anywhere.add(product(r["product_name"]))
        if str(r["company_code"])[:6] in sz:
            makers[product(r["product_name"])].add(str(r["company_code"])[:6])
    into: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
    parents: dict[str, set[str]] = defaultdict(set)
    children: dict[str, set[str]] = defaultdict(set)
    feeds: dict[str, set[str]] = defaultdict(set)
    for r in jsonl("product_product.json"):
        a, b = product(r["from_entity"]), product(r["to_entity"])
        if r["rel"] == "产品小类":
            if a != b:
                parents[b].add(a)
                children[a].add(b)
            continue
        src, dst = (a, b) if r["rel"] == "下游产品" else (b, a)
        into[dst].append((src, None))
        if src != dst:
            feeds[src].add(dst)
    # Coverage: a product made, its synonyms, and the classes one level above either.
    covered: dict[str, set[str]] = defaultdict(set)
    for k, ents in makers.items():
        own = {k} if k in flagged else {k} | members.get(group.get(k, ""), set())
        reach = own if k in flagged else own | {p for o in own for p in parents.get(o, ())}
        for c in reach:
            covered[c] |= ents
    anchors = {k for k in covered if k not in flagged}
    distance, kept = walk(anchors, into, DEPTH)
    # Supply shares: the test base leads in no industry, so every covered product counts.
    inputs_of: dict[str, set[str]] = defaultdict(set)
    for src, dsts in feeds.items():
        for d in dsts:
            inputs_of[d].add(src)
    share = {k: 1.0 / max(len(v), 1) for k, v in inputs_of.items()}
    scores, deps = score(distance, kept, {k for k in distance if covered.get(k)}, DEPTH, share)
    n_fed = len({d for ds in feeds.values() for d in ds})
    weight = {k: math.log((n_fed + 1) / max(len(feeds.get(k, ())), 1)) / math.log(n_fed + 1) for k in distance}

    def matching(k: str) -> set[str]:
        own = {k} | members.get(group.get(k, ""), set())
        return {m for m in own | {c for o in own for c in children.get(o, ())} if m == k or m not in flagged}

    match = {k: matching(k) for k in distance if not covered.get(k)}

    def supplied(k: str) -> bool:
        return any(m in anywhere for m in match.get(k, ()))

    product_level = Level(
        distance,
        {k: v for k, v in covered.items() if k in distance},
        scores,
        deps,
        frozenset(flagged),
        weight,
        frozenset(k for k in distance if supplied(k)),
        match,
    )

    # Industries: keys SW2021:<code>; a firm covers its industry and every industry above it.
    key_of_code = {r["code"]: f"SW2021:{r['code']}" for r in jsonl("industry.json")}
    key_of_name: dict[str, str] = {}
    for r in jsonl("industry.json"):
        key_of_name.setdefault(r["name"], key_of_code[r["code"]])
    ci = list(jsonl("company_industry.json"))
    for r in ci:  # older SW names, known through their code
        if r["industry_name"] not in key_of_name and r["industry_code"] in key_of_code:
            key_of_name[r["industry_name"]] = key_of_code[r["industry_code"]]
    parent = {key_of_code[r["from_code"]]: key_of_code[r["to_code"]] for r in jsonl("industry_industry.json")}
    imakers: dict[str, set[str]] = defaultdict(set)
    own: set[str] = set()
    for r in ci:
        six = str(r["company_code"])[:6]
        if six not in first:
            names = by_name.get(str(r["company_name"]).strip(), set())
            six = next(iter(names)) if len(names) == 1 else ""
        if six not in sz:
            continue
        ind = key_of_code.get(r["industry_code"]) or key_of_name.get(r["industry_name"])
        if ind is None:
            continue
        own.add(ind)
        while ind is not None:
            imakers[ind].add(six)
            ind = parent.get(ind)
    iinto: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
    for child, par in parent.items():
        iinto[par].append((child, None))
    for r in jsonl("industry_up.json"):
        dst = key_of_name.get(r["industry"])
        for up, count in (r.get("ups") or {}).items():
            src = key_of_name.get(up)
            if dst and src:
                iinto[dst].append((src, float(count)))
    idist, ikept = walk(own, iinto, DEPTH)
    iscores, ideps = score(idist, ikept, {k for k in idist if imakers.get(k)}, DEPTH)
    return {"product": product_level, "industry": Level(idist, dict(imakers), iscores, ideps)}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public data loaded into LadybugDB (and the quality pass run, as the CLI does), with the
    test base; closed so the CLI can open it."""
    from chainkg.ingest.ckg import load_ckg
    from chainkg.ingest.product_quality import SYNONYMS_FILE, run_quality_pass

    if not (DATA / "company.json").exists():
        pytest.skip(f"public data set not found at {DATA} (../shared is absent)")
    path = tmp_path_factory.mktemp("ckg") / "graph.lbug"
    store = LadybugStore(path)
    try:
        store.ensure_schema()
        load_ckg(store, DATA)
        run_quality_pass(store, path.parent / SYNONYMS_FILE)
        rows = store.execute("MATCH (e:Enterprise) WHERE e.full_name STARTS WITH '深圳' RETURN e.key AS key")
        store.merge_nodes("Base", [{"key": BASE, "name": "深圳 (test)", "province": "广东省", "city": "深圳市"}])
        store.merge_rels("LOCATED_IN", "Enterprise", "Base", [{"src": r["key"], "dst": BASE} for r in rows])
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def quality(db: Path) -> tuple[frozenset[str], dict[str, str]]:
    """The flagged products and synonym groups the quality pass stored."""
    s = LadybugStore(db)
    try:
        rows = s.execute(
            "MATCH (p:Product) WHERE p.quality_source IS NOT NULL "
            "RETURN p.key AS key, p.synonym_group AS grp, size(p.flags) AS n"
        )
    finally:
        s.close()
    flagged = frozenset(r["key"] for r in rows if r["n"])
    return flagged, {r["key"]: r["grp"] for r in rows if r["grp"] and r["grp"] != r["key"]} | {
        r["grp"]: r["grp"] for r in rows if r["grp"] and r["grp"] != r["key"]
    }


@pytest.fixture
def store(db: Path) -> Iterator[LadybugStore]:
    s = LadybugStore(db)
    try:
        yield s
    finally:
        s.close()


def expected_order(lv: Level, keys: set[str]) -> list[str]:
    return sorted(keys, key=lambda k: (-round(lv.scores[k], 6), lv.distance[k], k))


@pytest.mark.parametrize("level", ["product", "industry"])
def test_shenzhen_chain_and_gaps_match_the_raw_files(store: LadybugStore, raw: dict[str, Level], level: str) -> None:
    exp = raw[level]
    ask = ChainQuestion(BASE, DEPTH, level=level)  # type: ignore[arg-type]
    lc = load_chain(store, ask).levels[level]
    assert dict(lc.chain.distance) == exp.distance
    got = find_gaps(store, ask, limit=None, suppliers="all")
    gap_keys = {k for k in exp.distance if not exp.makers.get(k) and k not in exp.flagged}
    assert {g.key for g in got} == gap_keys
    if exp.weight is not None:  # products: dependency x specificity, and 招商 targets apart from R&D ones
        exp = Level(exp.distance, exp.makers, {k: v * exp.weight[k] for k, v in exp.scores.items()}, exp.dependents)
        known = find_gaps(store, ask, limit=None)
        assert {g.key for g in known} == gap_keys & raw["product"].supplied
        assert all(g.makers for g in known)
    assert [g.key for g in got[:200]] == expected_order(exp, gap_keys)[:200]
    for g in got:
        assert g.score == pytest.approx(exp.scores[g.key], abs=1e-6)
        assert g.dependents == exp.dependents[g.key]
    weak = weak_links(store, ask, limit=None)
    flagged = raw[level].flagged
    assert {w.key for w in weak} == {k for k in exp.distance if len(exp.makers.get(k, ())) == 1 and k not in flagged}
    # Sizes on this data set, for the record (depth 3): 20,776 segments and 17,900 gaps while
    # 产品小类 links were walked as supply.
    if level == "product":
        assert (len(exp.distance), len(gap_keys)) == (2908, 267)


def test_shenzhen_what_if_and_candidates(store: LadybugStore, raw: dict[str, Level]) -> None:
    exp = raw["product"]
    # Remove the enterprise that alone makes the most product segments of the chain.
    sole: dict[str, set[str]] = defaultdict(set)
    for k, m in exp.makers.items():
        if len(m) == 1 and k in exp.distance:
            sole[next(iter(m))].add(k)
    six = max(sorted(sole), key=lambda s: len(sole[s]))
    key = store.execute("MATCH (e:Enterprise) WHERE e.key STARTS WITH $six RETURN e.key AS key", {"six": six})[0]["key"]
    r = what_if(store, ChainQuestion(BASE, DEPTH, level="product"), [key], limit=None)
    assert {g.key for g in r.new_gaps} == sole[six]
    assert r.after[0].gaps == r.before[0].gaps + len(sole[six])
    for c in r.cut_off:
        assert c.gap in sole[six] and c.hops <= DEPTH

    top = find_gaps(store, ChainQuestion(BASE, DEPTH, level="product"), limit=1)[0]
    assert exp.matches is not None
    matching = exp.matches[top.key]  # the gap, its synonyms and sub-classes
    first_makers = {str(x["company_code"])[:6] for x in jsonl("company_product.json") if x["product_name"] in matching}
    outside = {m for m in first_makers if m not in {s for ms in exp.makers.values() for s in ms}}
    c = fill_candidates(store, BASE, top.key, limit=5)
    assert c.total_candidates == len(outside) and len(c.candidates) == min(5, len(outside))
    # Relatedness density first (in steps of 0.05), then the stated reasons' points.
    order = [(-round((x.relatedness or 0.0) / 0.05), -x.score) for x in c.candidates]
    assert order == sorted(order)
    assert all(x.matched in matching for x in c.candidates)


def test_cli_on_public_data(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import chainkg.cli.common as common
    from chainkg.cli import app

    monkeypatch.setenv("CHAINKG_STORE", "ladybug")
    monkeypatch.setenv("CHAINKG_DATA_DIR", str(db.parent))
    monkeypatch.setattr(common, "_SETTINGS", None)
    assert db.name == "graph.lbug"
    runner = CliRunner()
    out = runner.invoke(app, ["gaps", BASE, "--level", "product", "--limit", "3", "--json"])
    assert out.exit_code == 0, out.output
    gaps = json.loads(out.stdout)["gaps"]
    store = LadybugStore(db)
    try:
        lib = find_gaps(store, ChainQuestion(BASE, DEPTH, level="product"), limit=3)
        member = store.execute(
            "MATCH (e:Enterprise)-[:LOCATED_IN]->(:Base {key: $b}) RETURN e.name AS name ORDER BY e.key LIMIT 1",
            {"b": BASE},
        )[0]["name"]
    finally:
        store.close()
    assert [g["key"] for g in gaps] == [g.key for g in lib]
    for args in (  # the table forms, kept cheap: depth 2
        ["chain", BASE, "--depth", "2", "--limit", "5"],
        ["gaps", BASE, "--depth", "2", "--limit", "5"],
        ["what-if", BASE, member, "--depth", "2", "--limit", "5"],
        ["candidates", BASE, lib[0].key, "--limit", "5"],
        ["complement", BASE, "--level", "industry", "--limit", "5"],
    ):
        res = runner.invoke(app, args)
        assert res.exit_code == 0, (args, res.output)
