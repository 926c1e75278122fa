"""Helpers for ingest tests: a canonical dump of a store, file writers."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from chainkg.graph.model import MODEL
from chainkg.graph.store import GraphStore

TEST_DATA = Path(__file__).resolve().parent / "data"


Dump = dict[str, list[tuple[Any, ...]]]


def canonical_dump(store: GraphStore, *, provenance: bool = True) -> Dump:
    """Every node and relationship with its properties, sorted; ``loaded_at`` always left out,
    ``source`` and ``source_row`` too unless ``provenance``.

    Two stores (of either backend) with equal dumps hold the same graph, provenance included.
    The one dump of the tests: the ingest and the fault tests compare stores with it.
    """
    out: Dump = {}
    skip = {"loaded_at"} if provenance else {"loaded_at", "source", "source_row"}
    for n in MODEL.nodes:
        props = [p.name for p in n.all_props if p.name not in skip]
        cols = ", ".join(f"n.{p} AS {p}" for p in props)
        rows = store.execute(f"MATCH (n:{n.label}) RETURN {cols}")
        out[n.label] = sorted(tuple(_plain(r[p]) for p in props) for r in rows)
    for r in MODEL.rels:
        props = [p.name for p in r.all_props if p.name not in skip]
        for a, b in r.pairs:
            cols = "".join(f", e.{p} AS {p}" for p in props)
            rows = store.execute(f"MATCH (x:{a})-[e:{r.type}]->(y:{b}) RETURN x.key AS src, y.key AS dst{cols}")
            out[f"{r.type}:{a}->{b}"] = sorted(
                tuple([row["src"], row["dst"], *(_plain(row[p]) for p in props)]) for row in rows
            )
    return out


def _plain(v: Any) -> Any:
    # Lists become tuples (sortable); floats are rounded so the two stores' doubles compare equal.
    if isinstance(v, list):
        return tuple(v)
    if isinstance(v, float):
        return round(v, 9)
    return v


def read_csv_dicts(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
    return path


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def write_xlsx(path: Path, sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    first = True
    for title, (header, rows) in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title
        ws.append(list(header))
        for r in rows:
            ws.append(list(r))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
