"""Colours, shapes, legends and tooltip text shared by every view.

Colours are chosen to stay apart for the common kinds of colour blindness (covered green vs
gap red also differ in shape and lightness), and every colour used in a view appears in its
legend with a bilingual label.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chainkg.graph.model import node_type, rel_type
from chainkg.i18n import Msg, _, get_locale, in_language, value

LABEL_STYLE: dict[str, tuple[str, str]] = {
    # label -> (colour, vis-network shape)
    "Base": ("#6a3d9a", "star"),
    "Enterprise": ("#1f78b4", "dot"),
    "ResearchOrg": ("#33a02c", "triangle"),
    "Alliance": ("#e31a1c", "hexagon"),
    "PatentPool": ("#ff7f00", "diamond"),
    "Patent": ("#b2a27a", "square"),
    "Industry": ("#8c564b", "box"),
    "Product": ("#17becf", "ellipse"),
    "TechField": ("#bcbd22", "triangleDown"),
    "Platform": ("#7f7f7f", "hexagon"),
}

STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    # status -> (colour, Chinese, English)
    "covered": ("#2e9d5b", "已覆盖", "covered"),
    "weak": ("#f0a030", "薄弱环节", "weak link (one enterprise)"),
    "gap": ("#d64541", "缺口", "gap (no enterprise)"),
}

ROLE_STYLE: dict[str, tuple[str, str, str]] = {
    "chair": ("#b8001f", "理事长单位", "chair"),
    "vice_chair": ("#e4572e", "副理事长单位", "vice chair"),
    "secretariat": ("#f3a712", "秘书处", "secretariat"),
    "member": ("#4c78a8", "成员", "member"),
}

STAGE_ORDER: dict[str, int] = {"upstream": 0, "midstream": 1, "downstream": 2}
STAGE_ZH: dict[str, str] = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}

COMMUNITY_COLOURS: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)

# Properties worth a line in a tooltip; everything else of the model is left to exports.
_FACT_SKIP = frozenset({"key", "name", "source", "source_row", "loaded_at"})


@dataclass(frozen=True)
class LegendItem:
    """One legend entry: a swatch colour and shape with a bilingual label."""

    color: str
    zh: str
    en: str
    shape: str = "dot"


def label_legend(labels: list[str]) -> list[LegendItem]:
    """Legend entries for node labels, in the order given, each once."""
    out: list[LegendItem] = []
    for label in dict.fromkeys(labels):
        colour, shape = LABEL_STYLE.get(label, ("#999999", "dot"))
        try:
            nt = node_type(label)
            out.append(LegendItem(colour, nt.zh, nt.en, shape))
        except KeyError:
            out.append(LegendItem(colour, label, label, shape))
    return out


def status_legend() -> list[LegendItem]:
    """Legend entries for chain segment status: covered, weak link, gap."""
    return [LegendItem(c, zh, en) for c, zh, en in STATUS_STYLE.values()]


def role_legend(roles: list[str]) -> list[LegendItem]:
    """Legend entries for alliance roles present in a view."""
    return [LegendItem(*ROLE_STYLE[r]) for r in ROLE_STYLE if r in roles]


def legend_item(color: str, message: str, shape: str = "dot") -> LegendItem:
    """A legend entry whose label is a catalog message (``message`` in English, marked with ``N_``, or a
    :class:`~chainkg.i18n.Msg` when it needs a context)."""
    if isinstance(message, Msg):
        return LegendItem(color, message.text("zh"), message.text("en"), shape)
    return LegendItem(color, in_language("zh", message), in_language("en", message), shape)


def type_line(label: str) -> str:
    """``"企业"`` (``"Enterprise"`` in English) for a model label (the label itself if the model lacks it)."""
    return _model_word(node_type, label)


def rel_line(type_: str) -> str:
    """``"主营产品"`` (``"makes"`` in English) for a relationship type (the type itself if unknown)."""
    return _model_word(rel_type, type_)


def _model_word(lookup: Callable[[str], Any], name: str) -> str:
    """The model's name of a node or relationship type in the current language (``name`` if unknown)."""
    try:
        t = lookup(name)
    except KeyError:
        return name
    return str(t.en if get_locale() == "en" else t.zh)


def key_line(label: str, key: Any) -> str:
    """The second line of a tooltip: the node's type and key."""
    return _("{type} · key {key}").format(type=type_line(label), key=key)


_value = value


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(_value(value))
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def provenance_line(props: Mapping[str, Any]) -> str:
    """``"来源：demo/enterprises.csv，第 12 行"`` or ``""`` when nothing is known."""
    src = props.get("source")
    if not src:
        return ""
    row = props.get("source_row")
    if row is None:
        return _("Source: {source}").format(source=src)
    return _("Source: {source}, row {row}").format(source=src, row=row)


def node_tooltip(label: str, key: str, props: Mapping[str, Any], extra: list[str] | None = None) -> str:
    """Plain-text tooltip: type, name, key, the stored facts with their Chinese names, provenance.

    The text is shown with ``textContent`` in the browser, so it is never parsed as HTML.

    Examples
    --------
    >>> facts = {"name": "甲公司", "city": "深圳市", "source": "a.csv", "source_row": 3}
    >>> print(node_tooltip("Enterprise", "e1", facts))
    甲公司
    企业 · 编号 e1
    城市：深圳市
    来源：a.csv，第 3 行
    """
    name = props.get("name") or props.get("title") or key
    lines = [str(name), key_line(label, key)]
    try:
        nt = node_type(label)
        facts = [(p.name, p.zh) for p in nt.all_props if p.name not in _FACT_SKIP]
    except KeyError:
        facts = [(k, "") for k in props if k not in _FACT_SKIP]
    for pname, zh in facts:
        v = props.get(pname)
        if v is None or v == "" or v == []:
            continue
        if pname == "title" and v == name:
            continue
        shown = zh if zh and get_locale() != "en" else pname
        lines.append(_("{field}: {value}").format(field=shown, value=_fmt(v)))
    lines.extend(extra or [])
    prov = provenance_line(props)
    if prov:
        lines.append(prov)
    return "\n".join(lines)


PLATFORM_KIND_ZH_EN: dict[str, str] = {
    "rnd": "研发 R&D",
    "information": "信息 information",
    "certification": "认证 certification",
    "training": "培训 training",
    "incubator": "孵化器 incubator",
    "testing": "检测 testing",
}
"""Platform kinds with bilingual captions, for pages."""

INDICATOR_ZH: dict[str, str] = {
    "enterprises": "企业数",
    "own_ip_share": "自主知识产权占比",
    "own_brand_share": "自主品牌占比",
    "export_share": "出口导向占比",
    "chain_completeness": "产业链完整度",
    "gaps": "缺口",
    "weak_links": "薄弱环节",
    "alliances": "联盟",
    "pools": "专利池",
    "platform_types": "平台类型",
    "cooperation_links": "产学研合作",
    "patents_per_enterprise": "企均专利",
}
"""Chinese names of the ranking's indicators (chainkg.queries.indicators.INDICATORS)."""
