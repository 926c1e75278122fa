#!/usr/bin/env bash
# Run the whole test suite as CI does: install, start a real Neo4j 5.26, run pytest on both stores.
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh -k gaps    # extra arguments go to pytest
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

python3 -m pip install -q --disable-pip-version-check -e '.[dev]'
bash scripts/install-system-deps.sh

started_here=0
if [ -z "${CHAINKG_TEST_NEO4J_URI:-}" ]; then
  if ! bash scripts/neo4j-test-server.sh status >/dev/null 2>&1; then
    started_here=1
  fi
  # GDS on the server, so the Graph Data Science analytics backend is tested too.
  export NEO4J_TEST_GDS="${NEO4J_TEST_GDS:-1}"
  eval "$(bash scripts/neo4j-test-server.sh start)"
  grep -m1 -E "Neo4j .* started" .neo4j-test/server.log >&2 || true
fi
cleanup() { if [ "$started_here" = 1 ]; then bash scripts/neo4j-test-server.sh stop || true; fi; }
trap cleanup EXIT

python3 -m pytest "$@"
