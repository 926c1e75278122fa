"""The match report of a chain map as Markdown (docs/maps/<key>.md), for reviewing a map.

Per segment: its rules, how many products each rule matched and a sample of them, and the
enterprises nationwide; a segment matching nothing is flagged as a defect of the map.

Run ``chainkg maps-report --out docs/maps`` against a
store holding the maps and the public data.
"""

from __future__ import annotations

from chainkg.queries.chainengine.segments import MapReport

RULE_ZH = {
    "products": "产品",
    "keywords": "关键词",
    "exclude": "排除",
    "taxonomy": "产品大类",
    "industries": "行业",
    "gb4754": "国标行业",
    "enterprises": "指定企业",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_map_report(r: MapReport, *, data_note: str = "") -> str:
    """The report of one map as Markdown (Chinese first, English alongside)."""
    m = r.map
    out = [
        f"# {m.name}（{m.key}）匹配报告 — match report",
        "",
        f"{m.name_en or ''} · version {m.version or '-'} · {m.stages} stages, {m.segments} segments.",
        "",
    ]
    if data_note:
        out += [data_note, ""]
    if r.unexplained:
        out += [
            f"**Defects 缺陷**: {len(r.unexplained)} segment(s) match no product and no enterprise, unexplained: "
            + ", ".join(f"`{k}`" for k in r.unexplained),
            "",
        ]
    if r.explained:
        out += [
            f"Explained 已说明: {len(r.explained)} segment(s) match nothing, and the map says why: "
            + ", ".join(f"`{k}`" for k in r.explained),
            "",
        ]
    if not r.defects:
        out += ["No defects: every segment matches at least one product or enterprise. 无缺陷。", ""]
    out += [
        "| stage 阶段 | segment 环节 | products 产品 | enterprises 企业(全国) | rules 规则 | defect 缺陷 |",
        "|---|---|---:|---:|---|---|",
    ]
    for s in r.segments:
        name = f"└ {s.name}" if s.parent else s.name
        rules = "; ".join(f"{RULE_ZH.get(k, k)}: {len(v)}" for k, v in s.rules.items()) or "(children)"
        out.append(
            f"| {_cell(s.stage_name)} | {_cell(name)} `{s.key}` | {s.products_count} | {s.enterprises_count} "
            f"| {_cell(rules)} | {('explained 已说明' if s.unmatched_note else '**yes**') if s.defect else ''} |"
        )
    out.append("")
    for s in r.segments:
        out += [f"## {s.name} `{s.key}`", ""]
        for k, v in s.rules.items():
            out.append(f"- {RULE_ZH.get(k, k)} ({k}): {_cell('、'.join(v))}")
        by_rule = ", ".join(f"{k} {n}" for k, n in sorted(s.product_rules.items()))
        out.append(f"- products matched 匹配产品: {s.products_count}" + (f" ({by_rule})" if by_rule else ""))
        if s.products:
            more = " …" if s.products_count > len(s.products) else ""
            out.append(f"  - {_cell('、'.join(s.products))}{more}")
        out.append(f"- enterprises nationwide 全国企业: {s.enterprises_count}")
        for f in s.enterprises:
            place = f.city or f.province or ""
            out.append(f"  - {_cell(f.name)}（{_cell(place)}）: {f.rule} {_cell(f.via)}")
        if s.defect and s.unmatched_note:
            out.append(f"- matches nothing, explained 未匹配说明: {_cell(s.unmatched_note)}")
        elif s.defect:
            out.append("- **defect 缺陷**: matches nothing in the data; fix the rules or explain it in the map.")
        out.append("")
    return "\n".join(out)
