"""docs/model.md, generated from the model: a diagram and one table per type."""

from __future__ import annotations

from chainkg.graph.model import MODEL, Model, Prop


def _prop_rows(props: tuple[Prop, ...]) -> list[str]:
    rows = []
    for p in props:
        extra = f" One of: {', '.join(p.choices)}." if p.choices else ""
        req = "yes" if p.required else ""
        rows.append(f"| `{p.name}` | {p.zh} | {p.type.value} | {req} | {p.doc}.{extra} |")
    return rows


def render_model_doc(model: Model = MODEL) -> str:
    """The Markdown text of docs/model.md (Mermaid diagram, node and relationship tables)."""
    out = [
        "# The chainkg graph model",
        "",
        "Generated from `chainkg/graph/model.py` by `chainkg model-doc`; do not edit by hand.",
        "Every node has a unique `key` (its natural key) and every node and relationship carries",
        "provenance: `source` (file), `source_row` (line) and `loaded_at` (UTC time).",
        "",
        "```mermaid",
        "flowchart LR",
    ]
    for n in model.nodes:
        out.append(f'    {n.label}["{n.label}<br/>{n.zh}"]')
    for r in model.rels:
        for a, b in r.pairs:
            out.append(f"    {a} -->|{r.type}| {b}")
    out += ["```", "", "## Node types", ""]
    out += ["| label | 中文 | English | key | meaning |", "|---|---|---|---|---|"]
    for n in model.nodes:
        out.append(f"| `{n.label}` | {n.zh} | {n.en} | {n.key_doc} | {n.doc} |")
    for n in model.nodes:
        out += ["", f"### {n.label} ({n.zh})", "", n.doc, ""]
        out += ["| property | 中文 | type | required | meaning |", "|---|---|---|---|---|"]
        out += _prop_rows(n.all_props)
    out += ["", "## Relationship types", ""]
    out += ["| type | 中文 | from → to | properties | meaning |", "|---|---|---|---|---|"]
    for r in model.rels:
        pairs = "<br/>".join(f"{a} → {b}" for a, b in r.pairs)
        props = ", ".join(f"`{p.name}` ({p.type.value})" for p in r.props) or "—"
        out.append(f"| `{r.type}` | {r.zh} | {pairs} | {props} | {r.doc} |")
    return "\n".join(out) + "\n"
