"""Tables of indicators, §2 targets, rankings and policy objects, Chinese first.

A value that is missing shows as ``n/a`` (never as 0 or an empty cell), and the reason is
listed under the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from chainkg.i18n import column, pick, value
from chainkg.queries.indicators import INDICATORS, BaseIndicators, BaseRank
from chainkg.queries.policy import PolicyProfile
from chainkg.queries.targets import BaseTargets

Kind = Literal["pct", "int", "num", "wan_cny", "wan_usd", "signed_pct"]

# (field, Chinese label, English label, how to show it); the order of the table.
INDICATOR_ROWS: tuple[tuple[str, str, str, Kind], ...] = (
    ("enterprises", "企业数", "enterprises", "int"),
    ("research_orgs", "高校院所", "research orgs", "int"),
    ("own_ip_share", "自主知识产权企业占比", "own IP share", "pct"),
    ("own_brand_share", "自主品牌企业占比", "own brand share", "pct"),
    ("export_share", "出口导向企业占比", "export-oriented share", "pct"),
    ("triple_enterprises", "自主知识产权+自主品牌+出口企业", "own IP + brand + exports", "int"),
    ("triple_share", "其占比", "their share", "pct"),
    ("revenue", "营业收入（万元）", "revenue, 10k CNY", "wan_cny"),
    ("output", "产值（万元）", "output value, 10k CNY", "wan_cny"),
    ("output_growth", "产值同比", "output, year on year", "signed_pct"),
    ("exports", "出口额（万美元）", "exports, 10k USD", "wan_usd"),
    ("exports_growth", "出口同比", "exports, year on year", "signed_pct"),
    ("own_ip_export_share", "自主知识产权产品出口占比", "own-IP export share", "pct"),
    ("exports_high_tech", "高新技术产品出口（万美元）", "high-tech exports, 10k USD", "wan_usd"),
    ("export_intensity", "出口占营业收入比重", "exports ÷ revenue", "pct"),
    ("rnd_intensity", "研发投入强度", "R&D ÷ revenue", "pct"),
    ("patents_filed", "专利申请数（当年）", "patents filed (year)", "int"),
    ("patents_granted", "专利授权数（当年）", "patents granted (year)", "int"),
    ("patents_per_enterprise", "企均专利", "patents per enterprise", "num"),
    ("intl_patents", "国际专利", "international patents", "int"),
    ("intl_ip_share", "拥有国际专利企业占比", "share with international IP", "pct"),
    ("intl_cert_share", "获国际认证企业占比", "share with international certification", "pct"),
    ("standards", "参与制定标准", "standards drafted", "int"),
    ("foreign_invested_share", "外商投资企业占比", "foreign-invested share", "pct"),
    ("foreign_rd_centres", "外资研发中心", "foreign R&D centres", "int"),
    ("financing_amount", "当年融资（万元）", "financing in the year, 10k CNY", "wan_cny"),
    ("key_enterprises", "重点企业", "key enterprises", "int"),
    ("key_contacts", "有联系人的重点企业", "key enterprises with a contact", "int"),
    ("chain_completeness", "产业链完整度", "chain completeness", "pct"),
    ("chain_segments", "产业链环节", "chain segments", "int"),
    ("gaps", "缺口", "gaps", "int"),
    ("weak_links", "薄弱环节", "weak links", "int"),
    ("alliances", "产业联盟", "alliances", "int"),
    ("alliance_share", "加入联盟企业占比", "share in an alliance", "pct"),
    ("pools", "专利池", "patent pools", "int"),
    ("platform_types", "平台类型（共6类）", "platform types (of 6)", "int"),
    ("cooperation_links", "产学研合作", "产学研 links", "int"),
)
NA = "n/a"


def show(v: Any, kind: Kind) -> str:
    """One value as text: percentages with %, money with thousands separators, None as n/a.

    Examples
    --------
    >>> show(0.356, "pct"), show(0.0008, "pct"), show(None, "pct"), show(2418337.0, "wan_cny")
    ('35.6%', '0.08%', 'n/a', '2,418,337')
    """
    if v is None:
        return NA
    if kind == "pct":
        # Small national shares (0.08 %) would all read 0.1 % with one decimal.
        return f"{100 * v:.2f}%" if 0 < abs(v) < 0.01 else f"{100 * v:.1f}%"
    if kind == "signed_pct":
        return f"{100 * v:+.1f}%"
    if kind == "int":
        return f"{int(v):,}"
    if kind in ("wan_cny", "wan_usd"):
        return f"{v:,.0f}"
    return f"{v:.3g}"


def indicator_table(found: Sequence[BaseIndicators], heads: Sequence[str]) -> list[dict[str, str]]:
    """One row per indicator (指标), one column per base or year."""
    rows = []
    for name, zh, en, kind in INDICATOR_ROWS:
        row = {column("indicator"): pick(zh, en)}
        for h, i in zip(heads, found, strict=True):
            row[h] = show(getattr(i, name), kind)
        rows.append(row)
    return rows


def change_table(now: BaseIndicators, before: BaseIndicators | None) -> list[dict[str, str]]:
    """The indicators of one base this year and last year, with the change (同比)."""
    rows = []
    for name, zh, en, kind in INDICATOR_ROWS:
        a = getattr(now, name)
        b = getattr(before, name) if before is not None else None
        if a is None or b is None:
            delta = NA
        elif kind in ("pct", "signed_pct"):
            delta = f"{100 * (a - b):+.1f} " + pick("个百分点", "points")
        else:
            delta = f"{a - b:+,.4g}"
        rows.append(
            {
                column("indicator"): pick(zh, en),
                str(now.year): show(a, kind),
                str(now.year - 1 if now.year else "") or pick("上年", "year before"): show(b, kind),
                column("change"): delta,
            }
        )
    return rows


def missing_lines(found: Sequence[BaseIndicators]) -> list[str]:
    """'n/a' reasons, one line per indicator and base or year."""
    labels = {n: zh for n, zh, _, _ in INDICATOR_ROWS}
    out = []
    for i in found:
        where = str(i.year) if i.year is not None else i.base
        for k, why in i.missing.items():
            if k in labels:
                out.append(f"{where} {labels[k]}: n/a — {why}")
    return out


def target_rows(bt: BaseTargets) -> list[dict[str, str]]:
    """The three §2 targets: threshold, value, all-bases total, met or not."""
    rows = []
    for t in bt.targets:
        kind: Kind = "pct" if t.unit == "%" else "int"
        thr = f"≥ {show(t.threshold, kind)}" + ("" if t.unit == "%" else f" {t.unit}")
        rows.append(
            {
                "目标 target": f"{t.code} {t.name}",
                "范围 scope": "本基地 base" if t.scope == "base" else "全国（本基地贡献）national (base's share)",
                "门槛 threshold": thr,
                "本基地 value": show(t.value, kind),
                "全部基地 all bases": "—" if t.scope == "base" else show(t.total, kind),
                "结论 status": t.status,
            }
        )
    return rows


def target_details(bt: BaseTargets) -> list[str]:
    """The inputs each target used, and what is missing, as lines."""
    out = []
    for t in bt.targets:
        out.append(f"{t.code} ({t.clause}) 输入 inputs:")
        for x in t.inputs:
            kind: Kind = "pct" if x.unit == "" and x.value is not None and x.value <= 1 else "num"
            if kind == "pct":
                value = show(x.value, kind)
            else:
                value = NA if x.value is None else (f"{x.value:,.0f}" if abs(x.value) >= 100 else f"{x.value:,.4g}")
            src = f" [{x.source}]" if x.source else ""
            out.append(f"  · {x.name}: {value} {x.unit}{src}")
        for m in t.missing:
            out.append(f"  ✗ n/a — 缺少输入 missing input: {m}")
        if t.note:
            out.append(f"  注 note: {t.note}")
    return out


def ranking_rows(ranked: Sequence[BaseRank]) -> list[dict[str, str]]:
    """The ranking with the previous year's rank and the change of score."""
    rows = []
    for r in ranked:
        top = sorted(r.contributions.items(), key=lambda x: -x[1])[:3]
        rows.append(
            {
                "#": str(r.rank),
                "基地 base": f"{r.name} ({r.base})",
                "企业数 enterprises": str(r.enterprises),
                "得分 score": f"{r.score:.3f}",
                "上年排名 last year": NA if r.previous_rank is None else str(r.previous_rank),
                "得分变化 change": NA if r.score_change is None else f"{r.score_change:+.3f}",
                "主要贡献 top contributions": ", ".join(f"{INDICATORS[k].zh or k} {v:.3f}" for k, v in top),
            }
        )
    return rows


def weights_line(weights: Mapping[str, float]) -> str:
    """The weights used, named in Chinese and English."""
    return "权重 weights: " + ", ".join(f"{INDICATORS[k].zh}({k})={v:.3g}" for k, v in weights.items())


def profile_sections(p: PolicyProfile) -> dict[str, list[dict[str, Any]]]:
    """The policy objects of a base as titled tables."""
    level_zh = {"international": "国际", "national": "国家", "industry": "行业", "local": "地方", "group": "团体"}
    inst_zh = {"fund": "产业基金", "loan": "贷款", "ip_pledge": "知识产权质押", "credit_insurance": "出口信用保险"}
    return {
        "标准 Standards (§4(二))": [
            {
                "标准号": s.standard,
                "名称": s.name,
                "级别": level_zh.get(s.level or "", s.level or NA),
                "年份": s.year,
                "起草单位": "、".join(s.drafters),
                "主起草": value(bool(s.lead)),
            }
            for s in p.standards
        ],
        "国际专利 International patents (§6(二))": [
            {"专利": x.patent, "法域": x.jurisdiction, "年份": x.year, "权利人": x.holder}
            for x in p.international_patents
        ],
        "认证 Certifications (§6(二))": [
            {
                "企业": c.enterprise,
                "认证": c.certification,
                "名称": c.name,
                "市场": c.region,
                "国际": value(bool(c.international)),
                "起始": c.since,
            }
            for c in p.certifications
        ],
        "外资研发中心与外商投资企业 Foreign R&D centres and foreign-invested firms (§3(四))": [
            {
                "名称": r.name,
                "母公司": r.parent,
                "母国": r.country,
                "外资": value(bool(r.foreign)),
                "设立": r.founded,
            }
            for r in p.rd_centres
        ]
        + [{"名称": n, "母公司": "", "母国": "", "外资": "外商投资企业", "设立": ""} for n in p.foreign_invested],
        "融资 Financing (§5)": [
            {
                "企业": f.enterprise,
                "方式": inst_zh.get(f.instrument, f.instrument),
                "金额（万元）": show(f.amount, "wan_cny"),
                "年份": f.year,
                "提供方": f.provider,
            }
            for f in p.financing
        ],
        "重点企业 Key enterprises (§7 重点企业联系制度)": [
            {
                "企业": k.name,
                "联系人": k.contact or "（缺）missing",
                "职务": k.contact_role or "",
                "基地联络人": k.liaison or "",
                "起始": k.since,
            }
            for k in p.key_enterprises
        ],
    }
