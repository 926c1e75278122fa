"""``chainkg ingest --explain FILE``: how each table of a file would be read, without loading it.

For every table (a CSV/JSONL file or a sheet): the type it would load as and why (``--type``,
its name, or its columns), the title/note rows skipped above the header, and per column what
it becomes: a property (with its Chinese name), a GB/T 4754 code, ``extra`` (kept with the
firm), or nothing (with the reason). The texts are :class:`~chainkg.i18n.Msg`: English in
JSON (stable), said in the reader's language where the CLI prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from chainkg.errors import InvalidInputError
from chainkg.graph.model import node_type
from chainkg.i18n import N_, Msg
from chainkg.ingest.formats import PROVENANCE_COLUMNS, is_alias_name, map_header, spec, spec_for_name
from chainkg.ingest.headers import FIELD_ZH, REGISTRY_TYPE, detect_type, is_registry_type, norm_header, registry_mapping
from chainkg.ingest.readers import read_tables
from chainkg.ingest.registry_export import convert


@dataclass
class ColumnUse:
    """What one header becomes."""

    header: str
    field: str | None
    zh: str
    becomes: str


@dataclass
class TableExplanation:
    """How one table would be read."""

    source: str
    type: str | None
    why: str
    rows: int
    preamble: list[str] = field(default_factory=list)
    columns: list[ColumnUse] = field(default_factory=list)


_GIVEN = N_("given with --type")
_BY_LOADER = N_("ignored: filled in by the loader")


def _its(reason: str) -> Msg:
    """Why a table is of a type, told by its columns: ``its registry columns: ...``."""
    return Msg("its {reason}", reason=reason)


def _zh(label: str, fld: str) -> str:
    if fld in FIELD_ZH:
        return FIELD_ZH[fld]
    try:
        return node_type(label).prop(fld).zh
    except KeyError:
        return ""


def explain_file(path: Path | str, type_name: str | None = None) -> list[TableExplanation]:
    """How each table of ``path`` would be read (see the module's doc)."""
    p = Path(path)
    if not p.is_file():
        raise InvalidInputError(Msg("there is no file at {path}", path=str(p)), file=str(p))
    out: list[TableExplanation] = []
    for t in read_tables(p, p.name):
        ex = TableExplanation(
            t.source, None, "", len(t.rows), [Msg("line {line}: {text}", line=n, text=s[:80]) for n, s in t.preamble]
        )
        out.append(ex)
        if t.empty:
            ex.why = Msg("the table is empty")
            continue
        registry = is_registry_type(type_name)
        s = None
        if type_name and not registry:
            s = spec(type_name)
            ex.why = Msg(_GIVEN)
        elif not registry:
            if is_alias_name(t.type_hint):
                ex.type, ex.why = "aliases", Msg("its name says it is an alias table")
                continue
            s = spec_for_name(t.type_hint)
            ex.why = Msg("its name '{name}'", name=t.type_hint) if s is not None else ""
        found = detect_type(t.header) if not type_name and (s is None or s.name == "Enterprise") else None
        if registry or (found is not None and found.type == REGISTRY_TYPE):
            ex.type = Msg("Enterprise (registry export 企业名录)")
            ex.why = Msg(_GIVEN) if registry else _its(found.reason) if found else ""
            conv = convert(t)
            ex.rows = len(conv.table.rows)
            ex.preamble += conv.notes  # footer rows below the table
            mapping = registry_mapping(t.header)
            for h in t.header:
                if not h:
                    continue
                fld = mapping.get(h)
                if fld is None:
                    what = Msg(_BY_LOADER) if norm_header(h) in PROVENANCE_COLUMNS else Msg("kept in extra (其他字段)")
                    ex.columns.append(ColumnUse(h, None, "", what))
                elif fld == "_seq":
                    ex.columns.append(ColumnUse(h, None, FIELD_ZH[fld], Msg("not loaded: a row number")))
                elif fld.startswith("_"):
                    code = Msg("GB/T 4754 code → Industry")
                    ex.columns.append(ColumnUse(h, "gb4754", _zh("Enterprise", fld), code))
                else:
                    uses: dict[str, str] = {
                        "reg_capital": Msg("reg_capital + reg_capital_currency (万, ISO code)"),
                        "paid_capital": Msg("paid_capital + paid_capital_currency (万, ISO code)"),
                        "reg_status": Msg("reg_status (+ defunct when 注销/吊销)"),
                        "main_products": Msg("main_products; known products named in it → MAKES (with evidence)"),
                        "scope": Msg("scope; known products it says the firm makes → MAKES (with evidence)"),
                        "former_names": Msg("former_names (曾用名), used to match the firm"),
                        "gb4754": Msg("gb4754 → Industry GB4754:<code>"),
                    }
                    becomes = uses.get(fld, fld)
                    ex.columns.append(ColumnUse(h, fld, _zh("Enterprise", fld), becomes))
            continue
        if s is None and found is not None and found.type is not None:
            s = spec(found.type)
            ex.why = _its(found.reason)
        if s is None:
            ex.why = Msg(
                "{why}; it would not be loaded: say the type with --type",
                why=found.reason if found is not None else Msg("its name is no type"),
            )
            continue
        ex.type = s.name
        used: set[str] = set()
        for h in t.header:
            if not h:
                continue
            col = map_header(s.name, h)
            if col is None or col in used:
                what = (
                    Msg(_BY_LOADER)
                    if norm_header(h) in PROVENANCE_COLUMNS
                    else (
                        Msg("ignored (reported): no such column in this format")
                        if col is None
                        else Msg("repeats {column}: the right-most such column is used", column=col)
                    )
                )
                ex.columns.append(ColumnUse(h, None, "", what))
                continue
            used.add(col)
            ex.columns.append(ColumnUse(h, col, s.column(col).zh, col))
    return out
