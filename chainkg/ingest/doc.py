"""The reference part of docs/ingest.md, generated from the table formats and the demo files.

``docs/ingest.md`` keeps hand-written guidance above the marker line and this generated
reference below it; ``python -m chainkg.ingest.doc docs/ingest.md`` rewrites the reference,
and a test fails when the two drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

from chainkg.graph.model import PropType
from chainkg.ingest.formats import CHOICE_SYNONYMS, DERIVED_KEYS, TypeSpec, all_specs, choice_key
from chainkg.ingest.readers import SUPPORTED_SUFFIXES, RawTable, read_tables

MARKER = "<!-- generated reference below: python -m chainkg.ingest.doc docs/ingest.md -->"

_TYPE_NAMES = {
    PropType.STRING: "text",
    PropType.INT: "whole number",
    PropType.FLOAT: "number",
    PropType.BOOL: "yes/no",
    PropType.STRING_LIST: "list (`;` between items)",
}


def _demo_examples() -> dict[str, RawTable]:
    """The first demo table of each type, for example rows."""
    from chainkg.ingest.demo import DEMO_DIR
    from chainkg.ingest.formats import spec_for_name

    out: dict[str, RawTable] = {}
    for f in sorted(DEMO_DIR.rglob("*")):
        if f.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        for t in read_tables(f, f.relative_to(DEMO_DIR).as_posix()):
            s = spec_for_name(t.type_hint)
            if s is not None and s.name not in out and t.rows:
                out[s.name] = t
    return out


def _cell(v: object) -> str:
    text = "" if v is None else str(v)
    return text.replace("|", "\\|").replace("\n", " ")


def _spec_section(s: TypeSpec, example: RawTable | None) -> list[str]:
    names = ", ".join(f"`{n}`" for n in s.file_names)
    out = [f"### {s.name} ({s.zh})", ""]
    if s.kind == "node" and s.node is not None:
        out.append(s.node.doc)
    elif s.rel is not None:
        pairs = ", ".join(f"{a} → {b}" for a, b in s.rel.pairs)
        out.append(f"{s.rel.doc} ({pairs})")
    out += ["", f"File or sheet names: {names}.", ""]
    out += ["| column | 中文 | type | required | meaning |", "|---|---|---|---|---|"]
    for c in s.columns:
        extra = ""
        if c.choices:
            extra = f" One of: {', '.join(c.choices)}."
            key = choice_key(s.name, c)
            zh = sorted(k for k, v in CHOICE_SYNONYMS.get(key or "", {}).items() if not k.isascii())
            if zh:
                extra += f" Chinese accepted: {', '.join(zh)}."
        derived = c.name == "key" and s.name in DERIVED_KEYS
        req = "no (derived)" if derived else ("yes" if c.required else "")
        synonyms = [x for x in c.synonyms if x != c.zh]
        also = f" Also: {', '.join(synonyms)}." if synonyms else ""
        out.append(f"| `{c.name}` | {c.zh} | {_TYPE_NAMES[c.type]} | {req} | {c.doc}.{extra}{also} |")
    if example is not None:
        header = example.header
        out += ["", f"Example (from the demo's `{example.source}`):", ""]
        out.append("| " + " | ".join(_cell(h) for h in header) + " |")
        out.append("|" + "---|" * len(header))
        for _line, row in example.rows[:2]:
            out.append("| " + " | ".join(_cell(row.get(h)) for h in header) + " |")
    out.append("")
    return out


def render_reference() -> str:
    """The generated reference: one section per node type, then per relationship type."""
    examples = _demo_examples()
    out = ["## Node tables", ""]
    for s in all_specs():
        if s.kind == "node":
            out += _spec_section(s, examples.get(s.name))
    out += ["## Relationship tables", ""]
    for s in all_specs():
        if s.kind == "rel":
            out += _spec_section(s, examples.get(s.name))
    return "\n".join(out).rstrip() + "\n"


def write_doc(path: Path) -> None:
    """Replace everything below the marker line of ``path`` with the generated reference."""
    text = path.read_text(encoding="utf-8")
    head = text.split(MARKER)[0].rstrip() + "\n\n"
    path.write_text(head + MARKER + "\n\n" + render_reference(), encoding="utf-8")


if __name__ == "__main__":
    write_doc(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/ingest.md"))
