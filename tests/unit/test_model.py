"""The model is consistent, and what is generated from it is current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chainkg.graph.model import MODEL, check_pair, node_type, rel_type
from chainkg.graph.modeldoc import render_model_doc
from chainkg.graph.schema import ladybug_schema, neo4j_schema

ROOT = Path(__file__).resolve().parents[2]
IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def test_names_are_plain_identifiers_and_unique() -> None:
    labels = [n.label for n in MODEL.nodes]
    types = [r.type for r in MODEL.rels]
    assert len(set(labels)) == len(labels) and len(set(types)) == len(types)
    for name in labels + types:
        assert IDENT.match(name), name
    for n in MODEL.nodes:
        props = [p.name for p in n.all_props]
        assert len(set(props)) == len(props), n.label
        assert all(IDENT.match(p) for p in props)
        assert n.zh and n.en, "people read both names"


def test_relationship_ends_are_known_labels() -> None:
    labels = {n.label for n in MODEL.nodes}
    for r in MODEL.rels:
        for a, b in r.pairs:
            assert a in labels and b in labels, r.type


def test_every_node_and_relationship_carries_provenance() -> None:
    for n in MODEL.nodes:
        assert {"source", "source_row", "loaded_at"} <= {p.name for p in n.all_props}
    for r in MODEL.rels:
        assert {"source", "source_row", "loaded_at"} <= {p.name for p in r.all_props}


def test_unknown_names_are_refused() -> None:
    with pytest.raises(KeyError):
        node_type("Person")
    with pytest.raises(KeyError):
        rel_type("KNOWS")
    with pytest.raises(KeyError):
        check_pair(rel_type("MAKES"), "Product", "Enterprise")


def test_schema_statements_cover_the_model() -> None:
    lb = ladybug_schema()
    assert len(lb) == len(MODEL.nodes) + len(MODEL.rels)
    assert all("IF NOT EXISTS" in s for s in lb)
    neo = neo4j_schema()
    assert sum("REQUIRE n.key IS UNIQUE" in s for s in neo) == len(MODEL.nodes)


def test_model_doc_is_current() -> None:
    doc = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert doc == render_model_doc(), "docs/model.md is stale: run `chainkg model-doc`"
