"""The graph model of chainkg, written down once.

Every node type, relationship type and property lives here as plain data. The schema DDL
of both stores, the uniqueness constraints, the ingest row models and ``docs/model.md`` are
generated from it, and labels or relationship types reach a query only through
:func:`node_type` and :func:`rel_type`, which refuse names the model does not define.

This module imports nothing of chainkg's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class PropType(StrEnum):
    """Property value types, named as LadybugDB names them (Neo4j is schema-free)."""

    STRING = "STRING"
    INT = "INT64"
    FLOAT = "DOUBLE"
    BOOL = "BOOLEAN"
    STRING_LIST = "STRING[]"


@dataclass(frozen=True)
class Prop:
    """One property of a node or relationship type."""

    name: str
    type: PropType
    doc: str
    zh: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    indexed: bool = False


@dataclass(frozen=True)
class NodeType:
    """A node label with its natural key (always stored as the ``key`` property)."""

    label: str
    zh: str
    en: str
    key_doc: str
    props: tuple[Prop, ...]
    doc: str

    @property
    def all_props(self) -> tuple[Prop, ...]:
        """The key, the type's own properties and the provenance properties, in order."""
        key = Prop("key", PropType.STRING, self.key_doc, zh="主键", required=True)
        return (key, *self.props, *PROVENANCE)

    def prop(self, name: str) -> Prop:
        """The property called ``name``; raises ``KeyError`` for an unknown one."""
        for p in self.all_props:
            if p.name == name:
                return p
        raise KeyError(f"{self.label} has no property {name!r}")


@dataclass(frozen=True)
class RelType:
    """A relationship type and the (from label, to label) pairs it may join."""

    type: str
    zh: str
    en: str
    pairs: tuple[tuple[str, str], ...]
    props: tuple[Prop, ...]
    doc: str

    @property
    def all_props(self) -> tuple[Prop, ...]:
        """The type's own properties followed by the provenance properties."""
        return (*self.props, *PROVENANCE)


# Provenance travels on every node and relationship so any fact can be traced to its file.
PROVENANCE: tuple[Prop, ...] = (
    Prop("source", PropType.STRING, "File or data set the fact came from", zh="来源"),
    Prop("source_row", PropType.INT, "Line or row in that file", zh="来源行"),
    Prop("loaded_at", PropType.STRING, "ISO-8601 UTC time of the load", zh="载入时间"),
)

PLATFORM_KINDS: tuple[str, ...] = (
    "rnd",
    "information",
    "certification",
    "training",
    "incubator",
    "testing",
)
"""Public service platform types named by the policy (研发, 信息, 认证, 培训, 孵化, 检测)."""

PLATFORM_KIND_ZH: dict[str, str] = {
    "rnd": "研发",
    "information": "信息",
    "certification": "认证",
    "training": "培训",
    "incubator": "孵化器",
    "testing": "检测",
}

ORG_KINDS: tuple[str, ...] = ("university", "institute")
ENTERPRISE_SIZES: tuple[str, ...] = ("large", "medium", "small", "micro")
BASE_LEVELS: tuple[str, ...] = ("national", "provincial", "municipal")
MEMBER_ROLES: tuple[str, ...] = ("chair", "vice_chair", "secretariat", "member")
COOPERATION_KINDS: tuple[str, ...] = (
    "joint_lab",
    "joint_project",
    "licensing",
    "training",
    "consulting",
    "other",
)


def _p(name: str, type_: PropType, doc: str, zh: str = "", **kw: object) -> Prop:
    return Prop(name, type_, doc, zh, **kw)  # type: ignore[arg-type]


S, INT, F, B, SL = (
    PropType.STRING,
    PropType.INT,
    PropType.FLOAT,
    PropType.BOOL,
    PropType.STRING_LIST,
)

_NAME = _p("name", S, "Display name in Chinese", "名称", required=True, indexed=True)
_NAME_EN = _p("name_en", S, "Display name in English", "英文名")
_PROVINCE = _p("province", S, "Province, e.g. 广东省", "省份", indexed=True)
_CITY = _p("city", S, "City, e.g. 深圳市", "城市")
_USCC = _p("uscc", S, "Unified social credit code (18 chars, GB 32100-2015)", "统一社会信用代码")

NODE_TYPES: tuple[NodeType, ...] = (
    NodeType(
        "Base",
        "创新基地",
        "Innovation base",
        "Base id chosen by its planners, e.g. 'sz-hitech'",
        (
            _NAME,
            _NAME_EN,
            _PROVINCE,
            _CITY,
            _p("level", S, "national, provincial or municipal", "级别", choices=BASE_LEVELS),
            _p("approved_year", INT, "Year the base was approved", "批准年份"),
            _p("description", S, "What the base is about", "简介"),
        ),
        "A Science-and-Technology Trade Innovation Base (科技兴贸创新基地).",
    ),
    NodeType(
        "Enterprise",
        "企业",
        "Enterprise",
        "USCC where known, else the stock code (600000.SH), else 'name:' + normalized name",
        (
            _NAME,
            _p("full_name", S, "Full legal name", "全称", indexed=True),
            _NAME_EN,
            _USCC,
            _p("stock_code", S, "Stock code with exchange suffix, e.g. 000001.SZ", "股票代码"),
            _p("exchange", S, "Stock exchange the company is listed on", "交易所"),
            _p("listing_date", S, "Listing date, YYYY-MM-DD", "上市日期"),
            _PROVINCE,
            _CITY,
            _p("size", S, "large, medium, small or micro", "规模", choices=ENTERPRISE_SIZES),
            _p("employees", INT, "Number of employees", "员工数"),
            _p("revenue_musd", F, "Annual revenue in million USD", "营收(百万美元)"),
            _p("high_tech", B, "Certified high-tech enterprise", "高新技术企业"),
            _p("export_oriented", B, "Exports a large share of its output", "出口导向"),
            _p("own_brand", B, "Sells under its own brand", "自主品牌"),
            _p("own_ip", B, "Holds its own core IP", "自主知识产权"),
        ),
        "A company: listed, private or state-owned.",
    ),
    NodeType(
        "ResearchOrg",
        "大学/科研机构",
        "University or research institute",
        "USCC where known, else 'name:' + normalized name",
        (
            _NAME,
            _NAME_EN,
            _p("kind", S, "university or institute", "类型", required=True, choices=ORG_KINDS),
            _USCC,
            _PROVINCE,
            _CITY,
        ),
        "A university (大学) or research institute (科研机构), partner in 产学研 cooperation.",
    ),
    NodeType(
        "Alliance",
        "产业联盟",
        "Industry alliance",
        "Alliance id, e.g. 'al-led'",
        (_NAME, _NAME_EN, _PROVINCE, _p("founded_year", INT, "Year founded", "成立年份")),
        "An industry alliance (产业联盟) of enterprises and research organizations.",
    ),
    NodeType(
        "PatentPool",
        "专利池",
        "Patent pool",
        "Pool id, e.g. 'pp-5g'",
        (_NAME, _NAME_EN, _p("founded_year", INT, "Year founded", "成立年份")),
        "A patent pool (专利池) that licenses its members' patents together.",
    ),
    NodeType(
        "Patent",
        "专利",
        "Patent",
        "Publication or application number, e.g. CN112345678A",
        (
            _p("title", S, "Title", "标题", required=True),
            _p("ipc_codes", SL, "IPC codes, e.g. H01L 33/00", "IPC分类号"),
            _p("year", INT, "Application year", "申请年份"),
        ),
        "A patent; its IPC subclasses are its tech fields.",
    ),
    NodeType(
        "Industry",
        "行业",
        "Industry",
        "scheme + ':' + code, e.g. 'SW2021:270100'",
        (
            _NAME,
            _NAME_EN,
            _p("code", S, "Code within the scheme", "行业代码", required=True),
            _p("scheme", S, "Classification scheme: SW2021 or GB4754", "分类标准", required=True),
            _p("level", INT, "Level in the scheme, 1 = top", "层级"),
        ),
        "An industry in a classification scheme (Shenwan 2021, GB/T 4754).",
    ),
    NodeType(
        "Product",
        "产品",
        "Product",
        "The product name, verbatim",
        # The key already is the name and carries the unique index; a second index on name
        # only slows bulk loads (measured: 20–30 % of product creation on Neo4j).
        (Prop("name", PropType.STRING, "Display name in Chinese", "名称", required=True), _NAME_EN),
        "A product or chain segment (产业链环节).",
    ),
    NodeType(
        "TechField",
        "技术领域",
        "Tech field",
        "IPC subclass, e.g. H01L",
        (_NAME, _NAME_EN),
        "A technology field, identified by its IPC subclass.",
    ),
    NodeType(
        "Platform",
        "公共服务平台",
        "Public service platform",
        "Platform id, e.g. 'pf-sz-test'",
        (
            _NAME,
            _NAME_EN,
            _p(
                "kind",
                S,
                "rnd, information, certification, training, incubator or testing",
                "类型",
                required=True,
                choices=PLATFORM_KINDS,
            ),
            _PROVINCE,
            _CITY,
        ),
        "A public service platform (公共服务平台) serving one or more bases.",
    ),
    NodeType(
        "ChainMap",
        "产业链图谱",
        "Chain map",
        "Map key, [a-z0-9-]+, e.g. 'led'",
        (
            _NAME,
            _NAME_EN,
            _p("version", S, "Version of the map, e.g. 2026.1", "版本"),
            _p("description", S, "What the chain covers", "简介"),
            _p("scope_note", S, "What the map leaves out, and why", "范围说明"),
            _p(
                "references",
                SL,
                "Public sources the map rests on, one 'title | publisher | year | url' each",
                "参考来源",
            ),
            _p(
                "serves_industries",
                SL,
                "SW2021 industry keys the map serves (default map of bases leading there)",
                "服务行业",
            ),
        ),
        "A chain map (产业链图谱): the stages and segments of one industry chain, loaded from a map file.",
    ),
    NodeType(
        "ChainStage",
        "产业链阶段",
        "Chain stage",
        "map key + '/' + stage key, e.g. 'led/upstream'",
        (
            _NAME,
            _NAME_EN,
            _p("map", S, "Key of the chain map", "图谱", indexed=True),
            _p("position", INT, "Order of the stage within the map, 1 = most upstream", "顺序"),
        ),
        "A stage of a chain map (上游/中游/下游), in order.",
    ),
    NodeType(
        "ChainSegment",
        "产业链环节",
        "Chain segment",
        "map key + '/' + segment key, e.g. 'led/substrate'",
        (
            _NAME,
            _NAME_EN,
            _p("description", S, "What the segment holds", "简介"),
            _p("map", S, "Key of the chain map", "图谱", indexed=True),
            _p("stage", S, "Key of its stage (ChainStage key)", "阶段"),
            _p("parent", S, "Key of the parent segment, for a nested segment", "上级环节"),
            _p("position", INT, "Order of the segment within the map (stage by stage)", "顺序"),
            _p("match_products", SL, "Rule: exact product names (canonicalised)", "匹配产品"),
            _p("match_keywords", SL, "Rule: a product whose canonical name contains one of these", "匹配关键词"),
            _p("match_exclude", SL, "Rule: ... unless it contains one of these", "排除关键词"),
            _p("match_taxonomy", SL, "Rule: these products and their sub-classes (SUBTYPE_OF)", "匹配产品大类"),
            _p("match_industries", SL, "Rule: enterprises in these industries (or sub-industries)", "匹配行业"),
            _p("match_gb4754", SL, "Rule: enterprises with these GB/T 4754 code prefixes", "匹配国标行业"),
            _p("match_enterprises", SL, "Rule: these enterprises, by key", "指定企业"),
            _p("unmatched_note", S, "Why the segment may match nothing in the data (reviewed)", "未匹配说明"),
        ),
        "A segment (环节) of a chain map, with the rules saying which products and firms belong to it.",
    ),
)

_ORGS = ("Enterprise", "ResearchOrg")
_SINCE = _p("since", INT, "Year the tie began", "起始年份")

REL_TYPES: tuple[RelType, ...] = (
    RelType(
        "LOCATED_IN",
        "位于",
        "located in",
        tuple((o, "Base") for o in _ORGS),
        (),
        "An organization is located in a base.",
    ),
    RelType(
        "IN_INDUSTRY",
        "所属行业",
        "in industry",
        (("Enterprise", "Industry"),),
        (),
        "An enterprise belongs to an industry.",
    ),
    RelType(
        "MAKES",
        "主营产品",
        "makes",
        (("Enterprise", "Product"),),
        (_p("share", F, "Share of revenue (may be zero or negative in public data)", "营收占比"),),
        "An enterprise makes a product.",
    ),
    RelType(
        "INPUT_TO",
        "上游材料",
        "is input to",
        (("Product", "Product"),),
        (),
        "The from-product is an upstream material or input of the to-product.",
    ),
    RelType(
        "SUBTYPE_OF",
        "产品小类",
        "subtype of",
        (("Product", "Product"),),
        (),
        "The from-product is a sub-class of the to-product.",
    ),
    RelType(
        "SUB_INDUSTRY_OF",
        "上级行业",
        "sub-industry of",
        (("Industry", "Industry"),),
        (),
        "The from-industry is a sub-industry of the to-industry.",
    ),
    RelType(
        "UPSTREAM_OF",
        "上游行业",
        "upstream of",
        (("Industry", "Industry"),),
        (_p("weight", F, "How strongly the to-industry draws on the from-industry", "权重"),),
        "The from-industry supplies the to-industry.",
    ),
    RelType(
        "SUPPLIES",
        "供应",
        "supplies",
        (("Enterprise", "Enterprise"),),
        (_p("product", S, "What is supplied", "供应产品"),),
        "The from-enterprise supplies the to-enterprise.",
    ),
    RelType(
        "MEMBER_OF",
        "联盟成员",
        "member of",
        tuple((o, "Alliance") for o in _ORGS),
        (_p("role", S, "chair, vice_chair, secretariat or member", "角色", choices=MEMBER_ROLES), _SINCE),
        "An organization is a member of an alliance.",
    ),
    RelType(
        "HOLDS_PATENT",
        "持有专利",
        "holds patent",
        tuple((o, "Patent") for o in _ORGS),
        (),
        "An organization holds (or co-holds) a patent.",
    ),
    RelType(
        "IN_FIELD",
        "技术领域",
        "in tech field",
        (("Patent", "TechField"),),
        (),
        "A patent falls in a tech field (IPC subclass).",
    ),
    RelType(
        "NEEDS_FIELD",
        "所需技术",
        "needs tech field",
        (("Product", "TechField"),),
        (),
        "Making the product needs technology from the field.",
    ),
    RelType(
        "IN_POOL",
        "入池专利",
        "in pool",
        (("Patent", "PatentPool"),),
        (),
        "A patent is licensed through a patent pool.",
    ),
    RelType(
        "LICENSOR_OF",
        "许可方",
        "licensor of",
        tuple((o, "PatentPool") for o in _ORGS),
        (_SINCE,),
        "An organization contributes patents to a pool.",
    ),
    RelType(
        "LICENSEE_OF",
        "被许可方",
        "licensee of",
        tuple((o, "PatentPool") for o in _ORGS),
        (_SINCE,),
        "An organization takes a licence from a pool.",
    ),
    RelType(
        "COOPERATES_WITH",
        "产学研合作",
        "cooperates with",
        (("Enterprise", "ResearchOrg"),),
        (
            _p(
                "kind",
                S,
                "joint_lab, joint_project, licensing, training, consulting or other",
                "合作类型",
                choices=COOPERATION_KINDS,
            ),
            _SINCE,
        ),
        "An enterprise cooperates with a university or institute.",
    ),
    RelType("SERVES", "服务", "serves", (("Platform", "Base"),), (), "A public service platform serves a base."),
    RelType(
        "FOCUSES_ON",
        "聚焦行业",
        "focuses on",
        (("Alliance", "Industry"),),
        (),
        "An alliance focuses on an industry.",
    ),
    RelType(
        "LEADS_IN",
        "主导产业",
        "leads in",
        (("Base", "Industry"),),
        (),
        "An industry is one of the base's leading industries.",
    ),
    RelType(
        "HAS_STAGE",
        "包含阶段",
        "has stage",
        (("ChainMap", "ChainStage"),),
        (),
        "A chain map has a stage.",
    ),
    RelType(
        "HAS_SEGMENT",
        "包含环节",
        "has segment",
        (("ChainStage", "ChainSegment"),),
        (),
        "A stage of a chain map has a segment (nested segments too).",
    ),
    RelType(
        "PART_OF",
        "子环节",
        "part of",
        (("ChainSegment", "ChainSegment"),),
        (),
        "The from-segment is nested in the to-segment.",
    ),
    RelType(
        "FEEDS",
        "环节供给",
        "feeds",
        (("ChainSegment", "ChainSegment"),),
        (),
        "The from-segment supplies the to-segment (the map's own flow).",
    ),
    RelType(
        "IN_SEGMENT",
        "属于环节",
        "in segment",
        (("Product", "ChainSegment"), ("Enterprise", "ChainSegment")),
        (
            _p("rule", S, "The match rule that put it there: product, keyword, taxonomy, makes, industry, ...", "规则"),
            _p("via", S, "The evidence: the keyword, product or industry that matched", "依据"),
            _p("weight", INT, "For an enterprise: how many of the segment's products it makes", "产品数"),
        ),
        "Derived after each load from the segments' match rules: a product or enterprise belongs to a segment.",
    ),
    RelType(
        "USES_MAP",
        "采用图谱",
        "uses map",
        (("Base", "ChainMap"),),
        (),
        "A base names a chain map of one of its leading industries.",
    ),
)

_NODES = {n.label: n for n in NODE_TYPES}
_RELS = {r.type: r for r in REL_TYPES}


def node_type(label: str) -> NodeType:
    """The node type called ``label``; raises ``KeyError`` for a label the model lacks."""
    try:
        return _NODES[label]
    except KeyError:
        raise KeyError(f"unknown node label {label!r}; known: {', '.join(_NODES)}") from None


def rel_type(type_: str) -> RelType:
    """The relationship type called ``type_``; raises ``KeyError`` for an unknown one."""
    try:
        return _RELS[type_]
    except KeyError:
        raise KeyError(f"unknown relationship type {type_!r}; known: {', '.join(_RELS)}") from None


def check_pair(rel: RelType, from_label: str, to_label: str) -> None:
    """Raise ``KeyError`` unless ``rel`` may join ``from_label`` to ``to_label``."""
    if (from_label, to_label) not in rel.pairs:
        allowed = ", ".join(f"{a}->{b}" for a, b in rel.pairs)
        raise KeyError(f"{rel.type} cannot join {from_label}->{to_label}; allowed: {allowed}")


@dataclass(frozen=True)
class Model:
    """The whole model, for generators that walk it."""

    nodes: tuple[NodeType, ...] = field(default=NODE_TYPES)
    rels: tuple[RelType, ...] = field(default=REL_TYPES)


MODEL = Model()
