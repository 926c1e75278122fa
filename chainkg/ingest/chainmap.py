"""Chain maps (产业链图谱): read a map file (YAML, or a table with one row per segment), check
it, and write its map, stages and segments.

The format is docs/ingest.md, "Chain maps". Every problem names the file, the line and the
field (``stages[1].segments[0].match.keywords``); a bad segment is left out and reported, the
rest of the map is kept; a map without a usable key, name or stage is rejected whole.

Writing a map replaces what was stored for it: segments, stages and links the file no longer
holds are deleted, so a user edits a map by editing its file and loading it again. The
``IN_SEGMENT`` memberships are derived afterwards by :mod:`chainkg.ingest.membership`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chainkg.graph.store.base import GraphStore
from chainkg.i18n import Msg, reason_of
from chainkg.ingest.report import IngestReport, Rejection, TypeStats, value_text

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "chainmaps"
"""Folder of the curated maps shipped with the package (package data)."""

MAP_SUFFIXES = frozenset({".yaml", ".yml"})
TABLE_NAMES = frozenset({"chainmap", "chain_map", "chainmaps", "chain_maps", "产业链图谱", "图谱", "chain_segments"})
"""File or sheet names (normalized) of a chain map written as a table, one row per segment."""

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
INDUSTRY_RE = re.compile(r"^(SW2021|GB4754):[0-9A-Z]+$")
GB_RE = re.compile(r"^[A-Z]?[0-9]{1,4}$")
MATCH_FIELDS: tuple[str, ...] = ("products", "keywords", "exclude", "taxonomy", "industries", "gb4754", "enterprises")
MAX_NODES = 200_000
"""YAML nodes read at most from one file (an alias bomb must not expand without end)."""

_MAP_FIELDS = {"key", "name", "name_en", "version", "description", "scope_note", "references", "stages"}
_MAP_FIELDS |= {"serves_industries"}
_STAGE_FIELDS = {"key", "name", "name_en", "segments", "description"}
_SEG_FIELDS = {"key", "name", "name_en", "description", "feeds", "match", "children", "unmatched_note"}


@dataclass
class Problem:
    """One thing wrong in a map file."""

    line: int | None
    field: str
    value: Any
    reason: str


@dataclass
class SegmentDef:
    """One segment as read (``key`` is its key within the map)."""

    key: str
    name: str
    stage: str
    line: int
    name_en: str = ""
    description: str = ""
    parent: str | None = None
    feeds: list[str] = field(default_factory=list)
    match: dict[str, list[str]] = field(default_factory=dict)
    has_children: bool = False
    unmatched_note: str = ""


@dataclass
class StageDef:
    """One stage as read."""

    key: str
    name: str
    line: int
    name_en: str = ""


@dataclass
class ChainMapDef:
    """A whole map as read from one file, with the problems found in it."""

    key: str
    name: str
    source: str
    line: int = 1
    name_en: str = ""
    version: str = ""
    description: str = ""
    scope_note: str = ""
    references: list[str] = field(default_factory=list)
    serves_industries: list[str] = field(default_factory=list)
    stages: list[StageDef] = field(default_factory=list)
    segments: list[SegmentDef] = field(default_factory=list)

    def segment_key(self, key: str) -> str:
        """The stored key of a segment: ``map/segment``."""
        return f"{self.key}/{key}"


@dataclass
class ReadResult:
    """The maps a file gave and the problems it had (the file's own name on each)."""

    maps: list[ChainMapDef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- YAML with line numbers ------------------------------------------------------------------


class _Lines:
    """Line numbers (1-based) of YAML mappings' values and sequences' items, by object id."""

    def __init__(self) -> None:
        self.of: dict[int, int] = {}
        self.keys: dict[int, dict[str, int]] = {}
        self.count = 0
        # One safe loader constructs every scalar, so numbers and booleans come out typed.
        self.scalars = yaml.SafeLoader("")


def _plain(node: yaml.Node, lines: _Lines) -> Any:
    lines.count += 1
    if lines.count > MAX_NODES:
        raise ValueError(Msg("the file holds more than {n:,} YAML values; a chain map is far smaller", n=MAX_NODES))
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        keys: dict[str, int] = {}
        for k, v in node.value:
            name = str(k.value) if isinstance(k, yaml.ScalarNode) else str(k)
            out[name] = _plain(v, lines)
            keys[name] = k.start_mark.line + 1
        lines.of[id(out)] = node.start_mark.line + 1
        lines.keys[id(out)] = keys
        return out
    if isinstance(node, yaml.SequenceNode):
        items = [_plain(v, lines) for v in node.value]
        lines.of[id(items)] = node.start_mark.line + 1
        for item, v in zip(items, node.value, strict=True):
            if isinstance(item, dict | list):
                lines.of.setdefault(id(item), v.start_mark.line + 1)
        return items
    return lines.scalars.construct_object(node, deep=True)


class _Reader:
    """Turns the plain structure of one file into a :class:`ChainMapDef`, collecting problems."""

    def __init__(self, source: str, lines: _Lines) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    def line(self, obj: Any, key: str | None = None) -> int | None:
        if key is not None:
            found = self.lines.keys.get(id(obj), {}).get(key)
            if found is not None:
                return found
        return self.lines.of.get(id(obj))

    def problem(self, obj: Any, key: str | None, path: str, value: Any, reason: str) -> None:
        self.problems.append(Problem(self.line(obj, key), path, value, reason))

    def text(self, obj: dict[str, Any], key: str, path: str, *, required: bool = False) -> str:
        v = obj.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self.problem(obj, key, path, None, Msg("is required"))
            return ""
        if isinstance(v, dict | list):
            self.problem(obj, key, path, v, Msg("must be a single text value"))
            return ""
        return str(v).strip()

    def key(self, obj: dict[str, Any], path: str) -> str:
        k = self.text(obj, "key", path, required=True)
        if k and not KEY_RE.match(k):
            self.problem(obj, "key", path, k, Msg("must be lower-case letters, digits and '-' only, e.g. 'led-chip'"))
            return ""
        return k

    def strings(self, obj: dict[str, Any], key: str, path: str) -> list[str]:
        v = obj.get(key)
        if v is None:
            return []
        if isinstance(v, str | int | float):
            v = [v]
        if not isinstance(v, list) or any(isinstance(x, dict | list) or x is None for x in v):
            self.problem(obj, key, path, v, Msg("must be a list of texts, e.g. [蓝宝石衬底, 碳化硅衬底]"))
            return []
        out = [str(x).strip() for x in v if str(x).strip()]
        return list(dict.fromkeys(out))

    def unknown(self, obj: dict[str, Any], known: set[str], path: str) -> None:
        extra = [k for k in obj if k not in known]
        if extra:
            self.notes.append(
                Msg(
                    "{file}, line {line}: {fields} under {path} is not part of the chain-map format and was ignored "
                    "(known: {known}).",
                    file=self.source,
                    line=self.line(obj, extra[0]),
                    fields=", ".join(extra),
                    path=path or Msg("the map"),
                    known=", ".join(sorted(known)),
                )
            )

    # -- the map ----------------------------------------------------------------------------
    def read_map(self, doc: Any) -> ChainMapDef | None:
        if not isinstance(doc, dict):
            self.problems.append(
                Problem(1, "", None, Msg("a chain map file is a YAML mapping with key, name and stages"))
            )
            return None
        self.unknown(doc, _MAP_FIELDS, "")
        key = self.key(doc, "key")
        name = self.text(doc, "name", "name", required=True)
        m = ChainMapDef(key=key, name=name, source=self.source, line=self.line(doc) or 1)
        m.name_en = self.text(doc, "name_en", "name_en")
        m.version = self.text(doc, "version", "version")
        m.description = self.text(doc, "description", "description")
        m.scope_note = self.text(doc, "scope_note", "scope_note")
        m.references = self.references(doc)
        m.serves_industries = self.industries(doc, "serves_industries", "serves_industries")
        stages = doc.get("stages")
        if not isinstance(stages, list) or not stages:
            self.problem(
                doc, "stages", "stages", None, Msg("is required: a list of stages (上游, 中游, 下游), in order")
            )
            return None
        for i, st in enumerate(stages):
            self.read_stage(m, st, f"stages[{i}]", stages)
        if not key or not name or not m.stages:
            return None
        self.check_links(m)
        return m

    def references(self, doc: dict[str, Any]) -> list[str]:
        refs = doc.get("references")
        if refs is None:
            return []
        if not isinstance(refs, list):
            self.problem(doc, "references", "references", refs, Msg("must be a list of {title, publisher, year, url}"))
            return []
        out: list[str] = []
        for i, r in enumerate(refs):
            path = f"references[{i}]"
            if isinstance(r, str):
                out.append(r.strip())
                continue
            if not isinstance(r, dict):
                self.problem(refs, None, path, r, Msg("must be a mapping with title, publisher, year, url"))
                continue
            title = self.text(r, "title", f"{path}.title", required=True)
            if title:
                parts = [title, self.text(r, "publisher", f"{path}.publisher"), self.text(r, "year", f"{path}.year")]
                parts.append(self.text(r, "url", f"{path}.url"))
                out.append(" | ".join(parts).rstrip(" |"))
        return out

    def industries(self, obj: dict[str, Any], key: str, path: str) -> list[str]:
        vals = self.strings(obj, key, path)
        bad = [v for v in vals if not INDUSTRY_RE.match(v)]
        if bad:
            self.problem(obj, key, path, bad[0], Msg("an industry is written scheme:code, e.g. SW2021:270200"))
        return [v for v in vals if v not in bad]

    def read_stage(self, m: ChainMapDef, st: Any, path: str, parent: Any) -> None:
        if not isinstance(st, dict):
            self.problem(parent, None, path, st, Msg("a stage is a mapping with key, name and segments"))
            return
        self.unknown(st, _STAGE_FIELDS, path)
        key = self.key(st, f"{path}.key")
        name = self.text(st, "name", f"{path}.name", required=True)
        if key and any(s.key == key for s in m.stages):
            self.problem(st, "key", f"{path}.key", key, Msg("repeats the key of an earlier stage"))
            return
        if not key or not name:
            return
        m.stages.append(StageDef(key, name, self.line(st) or 0, self.text(st, "name_en", f"{path}.name_en")))
        segs = st.get("segments")
        if not isinstance(segs, list) or not segs:
            self.problem(st, "segments", f"{path}.segments", None, Msg("is required: the stage's segments, in order"))
            return
        for i, seg in enumerate(segs):
            self.read_segment(m, key, seg, f"{path}.segments[{i}]", segs, None)

    def read_segment(
        self, m: ChainMapDef, stage: str, seg: Any, path: str, parent_obj: Any, parent: str | None
    ) -> None:
        if not isinstance(seg, dict):
            self.problem(parent_obj, None, path, seg, Msg("a segment is a mapping with key, name and match"))
            return
        self.unknown(seg, _SEG_FIELDS, path)
        n_before = len(self.problems)
        key = self.key(seg, f"{path}.key")
        name = self.text(seg, "name", f"{path}.name", required=True)
        if key and any(s.key == key for s in m.segments):
            self.problem(seg, "key", f"{path}.key", key, Msg("repeats the key of an earlier segment of this map"))
        children = seg.get("children")
        if children is not None and not isinstance(children, list):
            self.problem(seg, "children", f"{path}.children", children, Msg("must be a list of segments"))
            children = None
        if children and parent is not None:
            self.problem(seg, "children", f"{path}.children", None, Msg("segments nest one level only"))
            children = None
        match = self.match(seg, f"{path}.match")
        if not children and not any(match.values()) and "match" not in seg:
            self.problem(
                seg, "match", f"{path}.match", None, Msg("is required unless the segment only groups children")
            )
        if len(self.problems) > n_before:
            return  # the segment is left out (its children too); the rest of the map is kept
        s = SegmentDef(
            key=key,
            name=name,
            stage=stage,
            line=self.line(seg) or 0,
            name_en=self.text(seg, "name_en", f"{path}.name_en"),
            description=self.text(seg, "description", f"{path}.description"),
            parent=parent,
            feeds=self.strings(seg, "feeds", f"{path}.feeds"),
            match=match,
            has_children=bool(children),
            unmatched_note=self.text(seg, "unmatched_note", f"{path}.unmatched_note"),
        )
        s.feeds = [f for f in s.feeds if f != key]
        m.segments.append(s)
        for i, child in enumerate(children or []):
            self.read_segment(m, stage, child, f"{path}.children[{i}]", children, key)

    def match(self, seg: dict[str, Any], path: str) -> dict[str, list[str]]:
        mt = seg.get("match")
        if mt is None:
            return {}
        if not isinstance(mt, dict):
            self.problem(seg, "match", path, mt, Msg("must be a mapping of {fields}", fields=", ".join(MATCH_FIELDS)))
            return {}
        extra = [k for k in mt if k not in MATCH_FIELDS]
        if extra:
            self.problem(
                mt,
                extra[0],
                f"{path}.{extra[0]}",
                extra[0],
                Msg("is not a match rule; use {fields}", fields=", ".join(MATCH_FIELDS)),
            )
        out = {f: self.strings(mt, f, f"{path}.{f}") for f in MATCH_FIELDS if f not in ("industries", "gb4754")}
        out["industries"] = self.industries(mt, "industries", f"{path}.industries")
        gb = self.strings(mt, "gb4754", f"{path}.gb4754")
        bad = [g for g in gb if not GB_RE.match(g)]
        if bad:
            self.problem(
                mt, "gb4754", f"{path}.gb4754", bad[0], Msg("a GB/T 4754-2017 code is up to 4 digits, e.g. 3976")
            )
        out["gb4754"] = [g for g in gb if g not in bad]
        if out["exclude"] and not (out["keywords"] or out["taxonomy"] or out["products"]):
            self.problem(
                mt, "exclude", f"{path}.exclude", out["exclude"], Msg("excludes only narrow keywords or taxonomy")
            )
        return out

    def check_links(self, m: ChainMapDef) -> None:
        known = {s.key for s in m.segments}
        for s in m.segments:
            bad = [f for f in s.feeds if f not in known]
            if bad:
                self.problems.append(
                    Problem(
                        s.line,
                        f"{s.key}.feeds",
                        bad,
                        Msg(
                            "names no segment of map '{map}': {keys} (the link was left out)",
                            map=m.key,
                            keys=", ".join(bad),
                        ),
                    )
                )
                s.feeds = [f for f in s.feeds if f in known]


def read_map_yaml(path: Path, source: str | None = None) -> ReadResult:
    """Read and check one YAML chain-map file."""
    src = source or path.name
    out = ReadResult()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        out.problems.append(Problem(None, "", None, Msg("cannot read the file as UTF-8 text: {error}", error=str(exc))))
        return out
    lines = _Lines()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        doc = _plain(node, lines) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        out.problems.append(
            Problem(
                mark.line + 1 if mark else None,
                "",
                None,
                Msg("is not valid YAML: {error}", error=str(exc.problem or exc)),
            )
        )
        return out
    except (yaml.YAMLError, ValueError) as exc:
        out.problems.append(Problem(None, "", None, Msg("is not valid YAML: {error}", error=reason_of(exc))))
        return out
    r = _Reader(src, lines)
    m = r.read_map(doc)
    out.problems, out.notes = r.problems, r.notes
    if m is not None:
        out.maps.append(m)
    return out


# -- the table form (Excel sheet or CSV named chainmap / 产业链图谱) -----------------------------

# column -> the other headers it may go by (its own name always does)
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "map": ("map_key", "图谱", "图谱编号"),
    "map_name": ("图谱名称",),
    "map_name_en": ("图谱英文名",),
    "version": ("版本",),
    "map_description": ("图谱简介",),
    "scope_note": ("范围说明",),
    "references": ("参考来源",),
    "serves_industries": ("服务行业",),
    "stage": ("stage_key", "阶段"),
    "stage_name": ("阶段名称",),
    "stage_name_en": ("阶段英文名",),
    "key": ("segment", "segment_key", "环节", "环节编号"),
    "name": ("segment_name", "环节名称", "名称"),
    "name_en": ("英文名",),
    "description": ("简介",),
    "parent": ("上级环节",),
    "feeds": ("供给", "下游环节"),
    "products": ("产品",),
    "keywords": ("关键词",),
    "exclude": ("排除",),
    "taxonomy": ("产品大类",),
    "industries": ("行业",),
    "gb4754": ("国标行业",),
    "enterprises": ("企业",),
    "unmatched_note": ("未匹配说明",),
}
_LIST_SPLIT = re.compile(r"[;；、,，\n]+")


def _norm(h: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(h or "").strip().lower())


def is_map_table_name(name: str) -> bool:
    """True for a file or sheet name that holds a chain map as a table."""
    return _norm(re.sub(r"^\d+[_\-. ]*", "", name.strip())) in TABLE_NAMES


def _cell_list(v: Any) -> list[str]:
    if v is None:
        return []
    return [x.strip() for x in _LIST_SPLIT.split(str(v)) if x.strip()]


def read_map_table(source: str, rows: Sequence[tuple[int, Mapping[str, Any]]]) -> ReadResult:
    """Read chain maps from a table with one row per segment (``line`` is the file's row).

    Map and stage fields may be given on the first row of each map (stage) only. Lists are
    separated by ``;``, ``、`` or ``,``. A segment's rules go in products ... enterprises.
    """
    lookup = {_norm(a): col for col, aliases in TABLE_COLUMNS.items() for a in (col, *aliases)}
    docs: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    lines = _Lines()
    out = ReadResult()
    for line, raw in rows:
        row = {lookup[_norm(h)]: v for h, v in raw.items() if _norm(h) in lookup and v not in (None, "")}
        mk = str(row.get("map", "")).strip()
        if not mk:
            out.problems.append(Problem(line, "map", None, Msg("is required: the key of the chain map, e.g. led")))
            continue
        doc = docs.get(mk)
        if doc is None:
            doc = {"key": mk, "stages": []}
            docs[mk] = doc
            order.append(mk)
            lines.of[id(doc)] = line
            lines.keys[id(doc)] = {"key": line}
        for col, fld in (("map_name", "name"), ("map_name_en", "name_en"), ("version", "version")):
            if col in row and fld not in doc:
                doc[fld] = row[col]
                lines.keys[id(doc)][fld] = line
        for col, fld in (("map_description", "description"), ("scope_note", "scope_note")):
            if col in row and fld not in doc:
                doc[fld] = row[col]
        if "references" in row and "references" not in doc:
            doc["references"] = [x.strip() for x in re.split(r"[\n;；]+", str(row["references"])) if x.strip()]
        if "serves_industries" in row and "serves_industries" not in doc:
            doc["serves_industries"] = _cell_list(row["serves_industries"])
            lines.keys[id(doc)]["serves_industries"] = line
        sk = str(row.get("stage", "")).strip()
        stage = next((s for s in doc["stages"] if s.get("key") == sk), None)
        if stage is None:
            stage = {"key": sk, "segments": []}
            doc["stages"].append(stage)
            lines.of[id(stage)] = line
            lines.keys[id(stage)] = {"key": line, "name": line, "segments": line}
        if "stage_name" in row and "name" not in stage:
            stage["name"] = row["stage_name"]
        if "stage_name_en" in row and "name_en" not in stage:
            stage["name_en"] = row["stage_name_en"]
        seg: dict[str, Any] = {
            k: row[k] for k in ("key", "name", "name_en", "description", "unmatched_note") if k in row
        }
        if "feeds" in row:
            seg["feeds"] = _cell_list(row["feeds"])
        mt = {f: _cell_list(row[f]) for f in MATCH_FIELDS if f in row}
        if mt:
            seg["match"] = mt
            lines.of[id(mt)] = line
        lines.of[id(seg)] = line
        lines.keys[id(seg)] = dict.fromkeys((*seg, "key", "name", "match"), line)
        if mt:
            lines.keys[id(mt)] = dict.fromkeys(mt, line)
        seg["_parent"] = str(row.get("parent", "")).strip()
        seg["_line"] = line
        stage["segments"].append(seg)
    for mk in order:
        doc = docs[mk]
        for st in doc["stages"]:
            _nest(st, out)
        r = _Reader(source, lines)
        m = r.read_map(doc)
        out.problems += r.problems
        out.notes += r.notes
        if m is not None:
            out.maps.append(m)
    return out


def _nest(stage: dict[str, Any], out: ReadResult) -> None:
    """Move rows naming a parent under that parent's ``children`` (the YAML shape)."""
    segs: list[dict[str, Any]] = stage["segments"]
    by_key = {str(s.get("key")): s for s in segs if not s["_parent"]}
    top: list[dict[str, Any]] = []
    for s in segs:
        p, line = s.pop("_parent"), s.pop("_line")
        if not p:
            top.append(s)
        elif p in by_key:
            by_key[p].setdefault("children", []).append(s)
        else:
            out.problems.append(Problem(line, "parent", p, Msg("names no segment without a parent in the same stage")))
    stage["segments"] = top


# -- writing ---------------------------------------------------------------------------------


def map_rows(m: ChainMapDef, loaded_at: str) -> dict[str, list[dict[str, Any]]]:
    """The node rows (by label) and relationship rows (by type) of one map.

    Every property is given a value (``""`` or ``[]`` when absent) so a value removed from the
    file is removed from the store too.
    """
    prov = {"source": m.source, "loaded_at": loaded_at}
    out: dict[str, list[dict[str, Any]]] = {
        "ChainMap": [
            {
                "key": m.key,
                "name": m.name,
                "name_en": m.name_en,
                "version": m.version,
                "description": m.description,
                "scope_note": m.scope_note,
                "references": m.references,
                "serves_industries": m.serves_industries,
                "source_row": m.line,
                **prov,
            }
        ],
        "ChainStage": [],
        "ChainSegment": [],
        "HAS_STAGE": [],
        "HAS_SEGMENT": [],
        "PART_OF": [],
        "FEEDS": [],
    }
    for i, st in enumerate(m.stages, start=1):
        sk = f"{m.key}/{st.key}"
        out["ChainStage"].append(
            {
                "key": sk,
                "name": st.name,
                "name_en": st.name_en,
                "map": m.key,
                "position": i,
                "source_row": st.line,
                **prov,
            }
        )
        out["HAS_STAGE"].append({"src": m.key, "dst": sk, "source_row": st.line, **prov})
    for i, s in enumerate(m.segments, start=1):
        key = m.segment_key(s.key)
        row: dict[str, Any] = {
            "key": key,
            "name": s.name,
            "name_en": s.name_en,
            "description": s.description,
            "map": m.key,
            "stage": f"{m.key}/{s.stage}",
            "parent": m.segment_key(s.parent) if s.parent else "",
            "position": i,
            "unmatched_note": s.unmatched_note,
            "source_row": s.line,
            **prov,
        }
        row |= {f"match_{f}": s.match.get(f, []) for f in MATCH_FIELDS}
        out["ChainSegment"].append(row)
        out["HAS_SEGMENT"].append({"src": f"{m.key}/{s.stage}", "dst": key, "source_row": s.line, **prov})
        if s.parent:
            out["PART_OF"].append({"src": key, "dst": m.segment_key(s.parent), "source_row": s.line, **prov})
        for f in s.feeds:
            out["FEEDS"].append({"src": key, "dst": m.segment_key(f), "source_row": s.line, **prov})
    return out


_REL_ENDS: dict[str, tuple[str, str]] = {
    "HAS_STAGE": ("ChainMap", "ChainStage"),
    "HAS_SEGMENT": ("ChainStage", "ChainSegment"),
    "PART_OF": ("ChainSegment", "ChainSegment"),
    "FEEDS": ("ChainSegment", "ChainSegment"),
}
# The stored links of one map, by type: each text is fixed, the map key a parameter.
_STORED_LINKS: dict[str, str] = {
    "HAS_STAGE": "MATCH (a:ChainMap {key: $map})-[r:HAS_STAGE]->(b:ChainStage) RETURN a.key AS src, b.key AS dst",
    "HAS_SEGMENT": "MATCH (a:ChainStage)-[r:HAS_SEGMENT]->(b:ChainSegment) WHERE a.map = $map "
    "RETURN a.key AS src, b.key AS dst",
    "PART_OF": "MATCH (a:ChainSegment)-[r:PART_OF]->(b:ChainSegment) WHERE a.map = $map "
    "RETURN a.key AS src, b.key AS dst",
    "FEEDS": "MATCH (a:ChainSegment)-[r:FEEDS]->(b:ChainSegment) WHERE a.map = $map RETURN a.key AS src, b.key AS dst",
}
_DELETE_LINKS: dict[str, str] = {
    t: f"UNWIND $pairs AS pr MATCH (a:{a} {{key: pr.src}})-[r:{t}]->(b:{b} {{key: pr.dst}}) DELETE r"
    for t, (a, b) in _REL_ENDS.items()
}
_STALE_NODES: dict[str, str] = {
    "ChainStage": "MATCH (n:ChainStage) WHERE n.map = $map RETURN n.key AS key",
    "ChainSegment": "MATCH (n:ChainSegment) WHERE n.map = $map RETURN n.key AS key",
}
_DELETE_NODES: dict[str, str] = {
    lb: f"UNWIND $keys AS k MATCH (n:{lb} {{key: k}}) DETACH DELETE n" for lb in ("ChainStage", "ChainSegment")
}


def write_map(store: GraphStore, m: ChainMapDef, loaded_at: str, report: IngestReport) -> None:
    """Write one map, replacing what was stored for it (stale segments, stages and links go)."""
    rows = map_rows(m, loaded_at)
    for label in ("ChainSegment", "ChainStage"):
        keep = {r["key"] for r in rows[label]}
        stale = [r["key"] for r in store.execute(_STALE_NODES[label], {"map": m.key}) if r["key"] not in keep]
        if stale:
            store.execute(_DELETE_NODES[label], {"keys": stale})
            report.notes.append(
                Msg(
                    "{file}: {n} {label} no longer in map '{map}' deleted.",
                    file=m.source,
                    n=len(stale),
                    label=label,
                    map=m.key,
                )
            )
    for t in _REL_ENDS:
        keep_pairs = {(r["src"], r["dst"]) for r in rows[t]}
        stale_pairs = [
            {"src": r["src"], "dst": r["dst"]}
            for r in store.execute(_STORED_LINKS[t], {"map": m.key})
            if (r["src"], r["dst"]) not in keep_pairs
        ]
        if stale_pairs:  # declared: kept graphs are refreshed (a stale segment's DETACH above is not)
            with store.changes.writing(rels={t: [(p["src"], p["dst"]) for p in stale_pairs]}):
                store.execute(_DELETE_LINKS[t], {"pairs": stale_pairs})
    for label in ("ChainMap", "ChainStage", "ChainSegment"):
        res = store.merge_nodes(label, rows[label])
        report.stats(label, "node").add_write(res.created, res.updated, res.unchanged)
    for t, (a, b) in _REL_ENDS.items():
        if rows[t]:
            res = store.merge_rels(t, a, b, rows[t])
            report.stats(t, "rel").add_write(res.created, res.updated, res.unchanged)


def count_read(report: IngestReport, m: ChainMapDef) -> None:
    """Count what a map gave in the report (read = loaded here: problems are counted apart)."""
    rows = map_rows(m, "")
    for label in ("ChainMap", "ChainStage", "ChainSegment"):
        st = report.stats(label, "node")
        st.read += len(rows[label])
        st.loaded += len(rows[label])
    for t in _REL_ENDS:
        if rows[t]:
            st = report.stats(t, "rel")
            st.read += len(rows[t])
            st.loaded += len(rows[t])


def reject_problems(report: IngestReport, source: str, problems: Iterable[Problem], reject: Any) -> None:
    """Hand each problem to ``reject(stats, rejection)`` (the load's own, which knows strict mode)."""
    stats: TypeStats = report.stats("ChainSegment", "node")
    for p in problems:
        stats.read += 1
        reject(
            stats,
            Rejection(
                file=source,
                line=p.line,
                field=p.field or None,
                value=None if p.value is None else value_text(p.value),
                reason=p.reason,
                type="ChainMap",
            ),
        )


def shipped_map_files() -> list[Path]:
    """The curated map files shipped in the package, by name."""
    return sorted(p for p in SHIPPED_DIR.glob("*.y*ml") if p.suffix in MAP_SUFFIXES) if SHIPPED_DIR.is_dir() else []


def load_shipped_maps(store: GraphStore, report: IngestReport) -> None:
    """Load the shipped maps into ``store`` and refresh the segments' members (for the loaders
    of the public data, which are not file-by-file loads); problems land in ``report``."""
    import datetime as dt

    from chainkg.ingest.membership import refresh_membership

    loaded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    def reject(stats: TypeStats, rej: Rejection) -> None:
        report.rejections.append(rej)
        stats.rejected += 1

    for path in shipped_map_files():
        source = f"chainkg/chainmaps/{path.name}"
        res = read_map_yaml(path, source)
        reject_problems(report, source, res.problems, reject)
        report.notes.extend(res.notes)
        for m in res.maps:
            count_read(report, m)
            write_map(store, m, loaded_at, report)
    stats = refresh_membership(store)
    if stats.segments or stats.deleted:
        report.notes.append(stats.line())
