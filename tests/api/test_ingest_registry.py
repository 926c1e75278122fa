"""Uploading a registry export (企业名录) over HTTP: by its columns, or with type=registry."""

from __future__ import annotations

import sys
from pathlib import Path

from apitools import WRITE_KEY, client_for, make_settings

from chainkg.graph.store import GraphStore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest"))
from registrytools import FIRMS, PRODUCT_SHEET

WORKBOOK = Path(__file__).resolve().parent.parent / "data" / "registry" / "企查查导出_示例.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _types(r: object) -> dict[str, dict[str, int]]:
    return {t["type"]: t for t in r.json()["types"]}  # type: ignore[attr-defined]


def test_upload_a_registry_export(store: GraphStore, tmp_path: Path) -> None:
    body = WORKBOOK.read_bytes()
    headers = {"X-API-Key": WRITE_KEY}
    with client_for(store, make_settings(tmp_path, api_key=WRITE_KEY)) as c:
        # no type: the sheets are recognised by their columns
        r = c.post("/ingest", files={"file": ("企业名录.xlsx", body, XLSX)}, headers=headers)
        assert r.status_code == 200, r.text
        ent = _types(r)["Enterprise"]
        assert (ent["read"], ent["rejected"], ent["created"]) == (len(FIRMS), 1, len(FIRMS) - 3)
        assert _types(r)["MAKES"]["rejected"] == len(PRODUCT_SHEET)  # no product stored yet: said, not guessed
        again = c.post("/ingest", files={"file": ("企业名录.xlsx", body, XLSX)}, headers=headers)
        assert _types(again)["Enterprise"]["created"] == 0 and _types(again)["Enterprise"]["updated"] == 0
        # type=registry says what every sheet holds: the 主营产品 sheet's rows are read as firms too
        forced = c.post(
            "/ingest", files={"file": ("upload-1.xlsx", body, XLSX)}, data={"type": "registry"}, headers=headers
        )
        assert forced.status_code == 200, forced.text
        assert _types(forced)["Enterprise"]["read"] == len(FIRMS) + len(PRODUCT_SHEET)
        assert _types(forced)["Enterprise"]["created"] == 0  # no duplicate firm either way
    n = store.execute("MATCH (e:Enterprise) RETURN count(e) AS n")[0]["n"]
    assert n == len(FIRMS) - 3  # two spelling variants folded, one row with a bad USCC
