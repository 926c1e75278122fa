"""The same store suite on both backends: they must agree."""

from __future__ import annotations

from typing import Any

import pytest

from chainkg.errors import SchemaError
from chainkg.graph.model import MODEL, PropType
from chainkg.graph.nxgraph import graph_from_edge_rows
from chainkg.graph.store import GraphStore
from chainkg.graph.store.named import NamedQuery

HOSTILE = [
    "d'zzit",
    '4\'-二氯二苯砜 "quoted"',
    "锌合金\\铝合金",
    "back`tick`",
    "'}) DETACH DELETE n //",
    '"}) MATCH (m) DETACH DELETE m //',
    "line\nbreak\ttab",
    "emoji 🚀 and NUL-free ünïcödé",
    "$param {key: 1}",
]

SAMPLE: dict[PropType, Any] = {
    PropType.STRING: "值 value",
    PropType.INT: 2021,
    PropType.FLOAT: 0.25,
    PropType.BOOL: True,
    PropType.STRING_LIST: ["H01L 33/00", "G06F 3/01"],
}


def sample_row(label: str, key: str) -> dict[str, Any]:
    node = next(n for n in MODEL.nodes if n.label == label)
    row: dict[str, Any] = {"key": key}
    for p in node.props:
        row[p.name] = p.choices[0] if p.choices else SAMPLE[p.type]
    row.update(source="test.csv", source_row=2, loaded_at="2026-01-01T00:00:00+00:00")
    return row


def test_schema_twice(store: GraphStore) -> None:
    store.ensure_schema()
    store.ensure_schema()
    assert store.schema_present()
    assert all(v == 0 for v in store.counts().values())


@pytest.mark.parametrize("label", [n.label for n in MODEL.nodes])
def test_node_round_trip(store: GraphStore, label: str) -> None:
    row = sample_row(label, f"{label}-1")
    assert store.merge_nodes(label, [row]).created == 1
    node = next(n for n in MODEL.nodes if n.label == label)
    cols = ", ".join(f"n.{p.name} AS {p.name}" for p in node.all_props)
    got = store.execute(f"MATCH (n:{label}) RETURN {cols}")
    assert got == [row]


@pytest.mark.parametrize(("rel_name", "pair"), [(r.type, p) for r in MODEL.rels for p in r.pairs])
def test_rel_round_trip(store: GraphStore, rel_name: str, pair: tuple[str, str]) -> None:
    a, b = pair
    store.merge_nodes(a, [sample_row(a, "a")])
    if b != a:
        store.merge_nodes(b, [sample_row(b, "b")])
    else:
        store.merge_nodes(b, [sample_row(b, "b")])
    rel = next(r for r in MODEL.rels if r.type == rel_name)
    row: dict[str, Any] = {"src": "a", "dst": "b"}
    for p in rel.props:
        row[p.name] = p.choices[0] if p.choices else SAMPLE[p.type]
    row.update(source="rels.csv", source_row=7, loaded_at="2026-01-01T00:00:00+00:00")
    assert store.merge_rels(rel_name, a, b, [row]).created == 1
    cols = "".join(f", r.{p.name} AS {p.name}" for p in rel.all_props)
    got = store.execute(f"MATCH (x:{a})-[r:{rel_name}]->(y:{b}) RETURN x.key AS src, y.key AS dst{cols}")
    assert got == [row]


def test_merge_is_idempotent(store: GraphStore) -> None:
    rows = [{"key": f"p{i}", "name": f"产品{i}"} for i in range(50)]
    rels = [{"src": f"p{i}", "dst": f"p{i + 1}"} for i in range(49)]
    first = store.merge_nodes("Product", rows)
    r1 = store.merge_rels("INPUT_TO", "Product", "Product", rels)
    before = store.counts()
    second = store.merge_nodes("Product", rows)
    r2 = store.merge_rels("INPUT_TO", "Product", "Product", rels)
    assert (first.created, second.created, second.unchanged) == (50, 0, 50)
    assert (r1.created, r2.created, r2.unchanged) == (49, 0, 49)
    assert store.counts() == before


def test_changed_rows_update_only_what_changed(store: GraphStore) -> None:
    store.merge_nodes("Enterprise", [{"key": "e1", "name": "甲", "province": "广东省", "employees": 10}])
    res = store.merge_nodes("Enterprise", [{"key": "e1", "name": "甲", "employees": 12}])
    assert (res.created, res.updated) == (0, 1)
    got = store.execute("MATCH (n:Enterprise) RETURN n.province AS p, n.employees AS e")
    assert got == [{"p": "广东省", "e": 12}]


def test_duplicate_keys_in_one_batch_fold(store: GraphStore) -> None:
    res = store.merge_nodes("Product", [{"key": "x", "name": "a"}, {"key": "x", "name": "b"}])
    assert res.created == 1
    assert store.execute("MATCH (n:Product) RETURN n.name AS name") == [{"name": "b"}]


def test_dangling_relationships_are_skipped_and_reported(store: GraphStore) -> None:
    store.merge_nodes("Product", [{"key": "a", "name": "a"}])
    res = store.merge_rels("INPUT_TO", "Product", "Product", [{"src": "a", "dst": "missing"}])
    assert res.created == 0
    assert res.skipped == [{"src": "a", "dst": "missing"}]
    assert store.count_rels("INPUT_TO") == 0


def test_hostile_strings_stored_verbatim(store: GraphStore) -> None:
    rows = [{"key": s, "name": s} for s in HOSTILE]
    store.merge_nodes("Product", rows)
    store.merge_rels("INPUT_TO", "Product", "Product", [{"src": HOSTILE[0], "dst": s} for s in HOSTILE[1:]])
    got = store.execute("MATCH (n:Product) RETURN n.key AS key, n.name AS name ORDER BY n.key")
    assert got == sorted(rows, key=lambda r: r["key"])
    assert store.count_rels("INPUT_TO") == len(HOSTILE) - 1
    found = store.run(
        NamedQuery("t", "MATCH (n:Product) WHERE n.name = $name RETURN n.key AS key"),
        {"name": HOSTILE[4]},
    )
    assert found == [{"key": HOSTILE[4]}]


def test_unknown_labels_and_props_are_refused(store: GraphStore) -> None:
    with pytest.raises(SchemaError):
        store.merge_nodes("Person) DETACH DELETE n //", [{"key": "x"}])
    with pytest.raises(SchemaError):
        store.merge_nodes("Product", [{"key": "x", "evil`prop": 1}])
    with pytest.raises(SchemaError):
        store.merge_rels("INPUT_TO", "Enterprise", "Product", [{"src": "a", "dst": "b"}])


def test_subgraph_to_networkx(store: GraphStore) -> None:
    store.merge_nodes(
        "Industry",
        [
            {"key": f"SW:{c}", "name": n, "code": c, "scheme": "SW2021"}
            for c, n in [("1", "上游"), ("2", "中游"), ("3", "下游")]
        ],
    )
    store.merge_rels(
        "UPSTREAM_OF",
        "Industry",
        "Industry",
        [{"src": "SW:1", "dst": "SW:2", "weight": 3.0}, {"src": "SW:2", "dst": "SW:3", "weight": 1.5}],
    )
    q = NamedQuery(
        "test_upstream_edges",
        "MATCH (a:Industry)-[r:UPSTREAM_OF]->(b:Industry) "
        "RETURN 'Industry' AS src_label, a.key AS src, a.name AS src_name, 'UPSTREAM_OF' AS rel, "
        "'Industry' AS dst_label, b.key AS dst, b.name AS dst_name, r.weight AS weight",
    )
    g = graph_from_edge_rows(store.run(q))
    assert sorted(g.nodes) == ["Industry:SW:1", "Industry:SW:2", "Industry:SW:3"]
    assert g.nodes["Industry:SW:2"]["name"] == "中游"
    assert sorted((u, v, d["weight"]) for u, v, d in g.edges(data=True)) == [
        ("Industry:SW:1", "Industry:SW:2", 3.0),
        ("Industry:SW:2", "Industry:SW:3", 1.5),
    ]


def test_unicode_and_params_in_queries(store: GraphStore) -> None:
    store.merge_nodes(
        "Enterprise", [{"key": "600000.SH", "name": "浦发银行", "full_name": "上海浦东发展银行股份有限公司"}]
    )
    q = NamedQuery("t2", "MATCH (n:Enterprise) WHERE n.full_name CONTAINS $s RETURN n.name AS name")
    assert store.run(q, {"s": "浦东"}) == [{"name": "浦发银行"}]
    assert store.run(q, {"s": "不存在"}) == []


def test_data_version_changes_with_every_write_and_only_then(store: GraphStore) -> None:
    """LadybugDB counts its writes; Neo4j gives its last committed transaction's bookmark.

    Versions are opaque: only equality means anything, so each is compared with ``!=``.
    """
    v0 = store.data_version()
    assert v0 is not None
    store.counts()
    store.execute("MATCH (p:Product) RETURN count(p) AS c")
    store.run(NamedQuery("t", "MATCH (p:Product) RETURN p.key AS k"))
    assert store.data_version() == v0  # reads leave it
    store.merge_nodes("Product", [{"key": "硅片"}])
    v1 = store.data_version()
    assert v1 is not None and v1 != v0
    store.merge_nodes("Product", [{"key": "硅片", "name": "硅片"}])  # a changed property (MERGE path)
    v2 = store.data_version()
    assert v2 is not None and v2 not in (v0, v1)
    store.execute("MATCH (p:Product {key: $k}) DELETE p", {"k": "硅片"})  # any writing statement
    v3 = store.data_version()
    assert v3 is not None and v3 not in (v0, v1, v2)
    # Something to delete: on Neo4j a statement that changes nothing commits no transaction.
    store.merge_nodes("Product", [{"key": "多晶硅"}])
    v4 = store.data_version()
    assert v4 not in (v0, v1, v2, v3)
    store.clear()
    assert store.data_version() not in (v0, v1, v2, v3, v4)


def test_tables_merge_like_rows(store: GraphStore) -> None:
    """``merge_node_table``/``merge_rel_table`` (LadybugDB: COPY into an empty table) give the
    row path's results: new rows created, a second run unchanged, changed rows updated, a
    repeated key folded, dangling relationships skipped and reported."""
    import pyarrow as pa

    products = pa.table({"key": ["钢", "铁", "d'zz\\it"], "name": ["钢", "铁", "d'zz\\it"], "source_row": [1, 2, 3]})
    first = store.merge_node_table("Product", products)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    again = store.merge_node_table("Product", products)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    # a new key beside stored ones, and a repeated key in one table (later values win)
    more = pa.table({"key": ["铜", "铝", "铝"], "name": ["铜", "铝 old", "铝 new"], "name_en": [None, "al", None]})
    res = store.merge_node_table("Product", more)
    assert (res.created, res.updated, res.unchanged) == (2, 0, 0)
    got = store.execute("MATCH (p:Product) RETURN p.key AS k, p.name AS n, p.name_en AS e ORDER BY p.key")
    assert [(r["k"], r["n"], r["e"]) for r in got] == [
        ("d'zz\\it", "d'zz\\it", None),
        ("钢", "钢", None),
        ("铁", "铁", None),
        ("铜", "铜", None),
        ("铝", "铝 new", "al"),
    ]
    changed = store.merge_node_table("Product", pa.table({"key": ["钢"], "name": ["钢材"]}))
    assert (changed.created, changed.updated) == (0, 1)
    links = pa.table(
        {
            "src": ["铁", "铜", "无此产品", "d'zz\\it"],
            "dst": ["钢", "钢", "钢", "铁"],
            "source": ["t.json"] * 4,
            "source_row": [1, 2, 3, 4],
        }
    )
    made = store.merge_rel_table("INPUT_TO", "Product", "Product", links)
    assert made.created == 3
    assert [(r["src"], r["source_row"]) for r in made.skipped] == [("无此产品", 3)]
    again_links = store.merge_rel_table("INPUT_TO", "Product", "Product", links)
    assert (again_links.created, again_links.unchanged, len(again_links.skipped)) == (0, 3, 1)
    edges = store.execute(
        "MATCH (a:Product)-[e:INPUT_TO]->(b:Product) RETURN a.key AS a, b.key AS b, e.source_row AS r"
    )
    assert sorted((r["a"], r["b"], r["r"]) for r in edges) == [("d'zz\\it", "铁", 4), ("铁", "钢", 1), ("铜", "钢", 2)]
    with pytest.raises(SchemaError):
        store.merge_node_table("Product", pa.table({"key": ["x"], "colour": ["red"]}))
    with pytest.raises(SchemaError):
        store.merge_rel_table("INPUT_TO", "Enterprise", "Product", links)
