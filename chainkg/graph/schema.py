"""Schema statements for both stores, generated from :mod:`chainkg.graph.model`."""

from __future__ import annotations

from chainkg.graph.model import MODEL, Model, NodeType, PropType, RelType


def ladybug_node_ddl(node: NodeType) -> str:
    """``CREATE NODE TABLE`` for one node type, keyed on ``key``."""
    cols = ", ".join(f"{p.name} {p.type.value}" + (" PRIMARY KEY" if p.name == "key" else "") for p in node.all_props)
    return f"CREATE NODE TABLE IF NOT EXISTS {node.label}({cols})"


def ladybug_rel_ddl(rel: RelType) -> str:
    """``CREATE REL TABLE`` for one relationship type with all its endpoint pairs."""
    parts = [f"FROM {a} TO {b}" for a, b in rel.pairs]
    parts += [f"{p.name} {p.type.value}" for p in rel.all_props]
    return f"CREATE REL TABLE IF NOT EXISTS {rel.type}({', '.join(parts)})"


def ladybug_schema(model: Model = MODEL) -> list[str]:
    """All LadybugDB DDL statements, node tables before the relationship tables using them."""
    return [ladybug_node_ddl(n) for n in model.nodes] + [ladybug_rel_ddl(r) for r in model.rels]


def neo4j_constraint_name(label: str) -> str:
    """Name of the uniqueness constraint on ``label``'s key."""
    return f"{label.lower()}_key_unique"


def neo4j_schema(model: Model = MODEL) -> list[str]:
    """Neo4j constraints and indexes: a unique key per label, a range index per indexed prop."""
    stmts: list[str] = []
    for n in model.nodes:
        stmts.append(
            f"CREATE CONSTRAINT {neo4j_constraint_name(n.label)} IF NOT EXISTS "
            f"FOR (n:{n.label}) REQUIRE n.key IS UNIQUE"
        )
        for p in n.props:
            if p.indexed:
                stmts.append(f"CREATE INDEX {n.label.lower()}_{p.name} IF NOT EXISTS FOR (n:{n.label}) ON (n.{p.name})")
    return stmts


def cast_ladybug(expr: str, type_: PropType) -> str:
    """Wrap a parameter expression in an explicit cast.

    LadybugDB infers a parameter struct's field type from its values; a batch whose field is
    null everywhere would otherwise bind as STRING and fail against an INT64 column.
    """
    return f"CAST({expr} AS {type_.value})"
