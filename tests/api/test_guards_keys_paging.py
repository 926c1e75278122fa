"""Guards against plausible bugs in key checks and paging (each test fails on a planted bug).

Planted bugs these catch: a key check that accepts a prefix, a substring, a case variant or
an empty key; a cursor that is ignored (the walk would never end, so it is bounded here).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from apitools import READ_KEY, WRITE_KEY, client_for, make_settings, seed_small

from chainkg.graph.store import GraphStore

# Near misses of a real key: each must be refused.
NEAR_MISSES = [
    "",
    WRITE_KEY[:-1],  # a prefix
    WRITE_KEY[1:],  # a suffix
    WRITE_KEY[3:10],  # a substring
    WRITE_KEY.upper(),  # a case variant
    WRITE_KEY + "x",  # longer
    READ_KEY,  # the read key must not write
]
BASES_CSV = b"key,name,province,level\nsz-x,\xe6\xb7\xb1\xe5\x9c\xb3X,\xe5\xb9\xbf\xe4\xb8\x9c\xe7\x9c\x81,national\n"


@pytest.mark.parametrize("given", NEAR_MISSES, ids=[f"miss{i}" for i in range(len(NEAR_MISSES))])
def test_write_key_near_misses_are_refused(store: GraphStore, tmp_path: Path, given: str) -> None:
    settings = make_settings(tmp_path, api_key=WRITE_KEY, read_key=READ_KEY)
    with client_for(store, settings) as c:
        r = c.post("/ingest", files={"file": ("bases.csv", BASES_CSV)}, headers={"X-API-Key": given})
        assert r.status_code == 401, (given, r.status_code)
        r = c.post("/ingest", files={"file": ("bases.csv", BASES_CSV)}, headers={"Authorization": f"Bearer {given}"})
        assert r.status_code == 401, (given, r.status_code)
    assert store.count_nodes("Base") == 0


@pytest.mark.parametrize(
    "given",
    ["", READ_KEY[:-1], READ_KEY[1:], READ_KEY[2:8], READ_KEY.upper(), WRITE_KEY[:-1], WRITE_KEY[2:9]],
    ids=["empty", "prefix", "suffix", "substring", "upper", "write-prefix", "write-substring"],
)
def test_read_key_near_misses_are_refused(store: GraphStore, tmp_path: Path, given: str) -> None:
    seed_small(store)
    settings = make_settings(tmp_path, api_key=WRITE_KEY, read_key=READ_KEY)
    with client_for(store, settings) as c:
        assert c.get("/bases", headers={"X-API-Key": given}).status_code == 401
        assert c.get("/bases", headers={"X-API-Key": READ_KEY}).status_code == 200


def test_every_page_moves_on(store: GraphStore, tmp_path: Path) -> None:
    """Each page starts after the last key of the one before; the walk ends within a bound."""
    seed_small(store)
    with client_for(store, make_settings(tmp_path)) as c:
        everything = [i["key"] for i in c.get("/products", params={"limit": 100}).json()["items"]]
        assert len(everything) > 5
        seen: list[str] = []
        cursor: str | None = None
        for _ in range(len(everything) + 1):  # bounded: an ignored cursor fails here, never hangs
            params: dict[str, object] = {"limit": 2}
            if cursor:
                params["cursor"] = cursor
            body = c.get("/products", params=params).json()
            page = [i["key"] for i in body["items"]]
            assert page, "a page with a next cursor before it must not be empty"
            if seen:
                assert page[0] > seen[-1], "a page must start after the previous page's last key"
            seen += page
            cursor = body["next_cursor"]
            if cursor is None:
                break
        else:
            pytest.fail("paging did not end: the cursor is not followed")
        assert seen == everything
