"""A LadybugDB store made by an older model gains the new properties, data kept (Neo4j is schema-free)."""

from __future__ import annotations

from pathlib import Path

import ladybug as lb

from chainkg.graph.model import MODEL
from chainkg.graph.store.ladybug_store import LadybugStore


def test_ensure_schema_adds_the_columns_an_old_store_lacks(tmp_path: Path) -> None:
    path = tmp_path / "old.lbug"
    db = lb.Database(str(path))
    conn = lb.Connection(db)
    conn.execute("CREATE NODE TABLE Enterprise(key STRING PRIMARY KEY, name STRING)")
    conn.execute("CREATE NODE TABLE Product(key STRING PRIMARY KEY, name STRING)")
    conn.execute("CREATE REL TABLE MAKES(FROM Enterprise TO Product, share DOUBLE)")
    conn.execute(
        "CREATE (:Enterprise {key: 'e1', name: '示例甲'})"
        "-[:MAKES {share: 0.5}]->(:Product {key: 'p1', name: 'LED芯片'})"
    )
    del conn, db
    store = LadybugStore(str(path))
    store.ensure_schema()
    rows = store.execute(
        "MATCH (e:Enterprise)-[m:MAKES]->(p:Product) RETURN e.name AS name, e.defunct AS defunct, "
        "e.aliases AS aliases, m.share AS share, m.evidence AS evidence"
    )
    assert rows == [{"name": "示例甲", "defunct": None, "aliases": None, "share": 0.5, "evidence": None}]
    for owner, props in [(n.label, n.all_props) for n in MODEL.nodes] + [(r.type, r.all_props) for r in MODEL.rels]:
        have = {r["name"] for r in store.execute(f"CALL table_info('{owner}') RETURN name")}
        assert {p.name for p in props} <= have, owner
    store.ensure_schema()  # a second run changes nothing and does not fail


def test_an_upgraded_store_takes_new_rows(tmp_path: Path) -> None:
    """Columns added to an old table come last in the store, not where the model lists them:
    bulk writes (COPY, by position) must follow the store's order."""
    path = tmp_path / "old.lbug"
    db = lb.Database(str(path))
    conn = lb.Connection(db)
    # The provenance columns of an older model sit before the properties added since.
    conn.execute(
        "CREATE NODE TABLE Enterprise(key STRING PRIMARY KEY, name STRING, source STRING, source_row INT64, "
        "loaded_at STRING)"
    )
    conn.execute("CREATE NODE TABLE Product(key STRING PRIMARY KEY, name STRING)")
    conn.execute("CREATE REL TABLE MAKES(FROM Enterprise TO Product, share DOUBLE, source STRING)")
    del conn, db
    store = LadybugStore(str(path))
    store.ensure_schema()
    store.merge_nodes(
        "Enterprise",
        [{"key": "e1", "name": "示例甲", "aliases": ["示例甲公司"], "employees": 12, "source": "a", "source_row": 2}],
    )
    store.merge_nodes("Product", [{"key": "p1", "name": "LED芯片"}])
    store.merge_rels("MAKES", "Enterprise", "Product", [{"src": "e1", "dst": "p1", "share": 0.5, "evidence": "LED"}])
    rows = store.execute(
        "MATCH (e:Enterprise)-[m:MAKES]->(p:Product) RETURN e.name AS name, e.aliases AS aliases, "
        "e.employees AS employees, e.source_row AS row, m.share AS share, m.evidence AS evidence"
    )
    assert rows == [
        {"name": "示例甲", "aliases": ["示例甲公司"], "employees": 12, "row": 2, "share": 0.5, "evidence": "LED"}
    ]
