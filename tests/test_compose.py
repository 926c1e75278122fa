"""docker-compose.yml cannot start here (no Docker engine); its structure is checked instead."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_structure() -> None:
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    neo4j = doc["services"]["neo4j"]
    api = doc["services"]["api"]
    assert neo4j["image"].startswith("neo4j:5.26")
    assert "${NEO4J_PASSWORD:?" in neo4j["environment"]["NEO4J_AUTH"], "the password must be required"
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"]) and "RETURN 1" in " ".join(
        neo4j["healthcheck"]["test"]
    )
    volume = neo4j["volumes"][0].split(":")[0]
    assert volume in doc["volumes"], "Neo4j data lives on a named volume"
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert api["build"] == "."
    assert api["environment"]["CHAINKG_STORE"] == "neo4j"
    assert (ROOT / "Dockerfile").exists()
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "chainkg" in dockerfile and "serve" in dockerfile
