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
from typing import Any


class PropType(StrEnum):
    """Property value types, named as LadybugDB names them (Neo4j is schema-free)."""

    STRING = "STRING"
    INT = "INT64"
    FLOAT = "DOUBLE"
    BOOL = "BOOLEAN"
    STRING_LIST = "STRING[]"


#: The Python type of a value of each property type (row models and API schemas use it).
PY_TYPES: dict[PropType, Any] = {
    PropType.STRING: str,
    PropType.INT: int,
    PropType.FLOAT: float,
    PropType.BOOL: bool,
    PropType.STRING_LIST: list[str],
}


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
    unit: str = ""


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
JURISDICTIONS: tuple[str, ...] = ("CN", "PCT", "US", "EP", "JP", "KR", "DE", "GB", "FR", "TW", "HK", "other")
"""Patent offices and routes; every one but CN counts as international IP (§6(二))."""
STANDARD_LEVELS: tuple[str, ...] = ("international", "national", "industry", "local", "group", "enterprise")
DRAFTING_ROLES: tuple[str, ...] = ("lead", "participant")
FINANCING_INSTRUMENTS: tuple[str, ...] = (
    "fund",
    "loan",
    "ip_pledge",
    "credit_insurance",
    "guarantee",
    "equity",
    "other",
)
"""Financing named by the notice's §5: industry funds, loans, IP pledges, export credit insurance."""
CURRENCIES: tuple[str, ...] = ("USD", "EUR", "JPY", "HKD", "GBP", "KRW")
NATIONAL_MEASURES: tuple[str, ...] = ("output", "revenue", "exports", "exports_high_tech", "exports_own_ip")
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
            _p("founded", S, "Founding date: YYYY or YYYY-MM-DD", "成立日期"),
            _p("closed", S, "Closing (deregistration) date: YYYY or YYYY-MM-DD; empty while active", "注销日期"),
            _p("foreign_invested", B, "Foreign-invested enterprise (外商投资企业)", "外商投资"),
            # Registry-export facts (企查查, 天眼查, 启信宝, 国家企业信用信息公示系统).
            _p("aliases", SL, "Other spellings of the name met in loaded files (never lost)", "别名"),
            _p("former_names", SL, "Former registered names (曾用名)", "曾用名"),
            _p("legal_rep", S, "Legal representative as registered", "法定代表人"),
            _p("reg_capital", F, "Registered capital, in 万 (10,000) of reg_capital_currency", "注册资本(万)"),
            _p("reg_capital_currency", S, "Currency of the registered capital, ISO 4217 (CNY, USD)", "注册资本币种"),
            _p("paid_capital", F, "Paid-in capital, in 万 (10,000) of paid_capital_currency", "实缴资本(万)"),
            _p("paid_capital_currency", S, "Currency of the paid-in capital, ISO 4217", "实缴资本币种"),
            _p("reg_status", S, "Registration status as registered, e.g. 存续, 在业, 注销, 吊销", "登记状态"),
            _p("defunct", B, "Deregistered or licence revoked (注销/吊销/撤销): covers no segment", "已注销或吊销"),
            _p("company_type", S, "Company type as registered, e.g. 有限责任公司", "企业类型"),
            _p("district", S, "District or county, e.g. 南山区", "区县"),
            _p("reg_no", S, "Business registration number (注册号), before the USCC", "注册号"),
            _p("org_code", S, "Organization code (组织机构代码)", "组织机构代码"),
            _p("gb4754", S, "GB/T 4754-2017 industry code, digits only (小类 where known), e.g. 3976", "行业代码"),
            _p("insured", INT, "Employees with social insurance (参保人数)", "参保人数"),
            _p("scope", S, "Business scope as registered (经营范围)", "经营范围"),
            _p("main_products", S, "Main products as written in the source (主营产品)", "主营产品"),
            _p("address", S, "Registered address", "地址"),
            _p("website", S, "Website", "网址"),
            _p("extra", S, "Source columns chainkg has no property for, as JSON {header: value}", "其他字段"),
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
            _p(
                "jurisdiction",
                S,
                "Office or route: CN, PCT, US, EP, JP, KR ...; derived from the number's prefix when empty",
                "法域",
                choices=JURISDICTIONS,
            ),
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
        (
            Prop("name", PropType.STRING, "Display name in Chinese", "名称", required=True),
            _NAME_EN,
            # Written by the product quality pass (chainkg.ingest.product_quality); nothing is deleted.
            _p("canonical_name", S, "The name in one spelling (NFKC, half width, / for \\, spaces)", "规范名称"),
            _p("synonym_group", S, "Name of the synonym group the product belongs to (itself if none)", "同义词组"),
            _p(
                "flags", SL, "Why it is not a product: segment, sales_service, brand, fragment, unspecified", "质量标记"
            ),
            _p("flag_reasons", SL, "Why each flag: msgid and parameters as JSON (shown translated)", "标记原因"),
            _p("quality_source", S, "The rules and synonyms file that set the fields above", "质量来源"),
        ),
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
_UNTIL = _p("until", INT, "Last year the tie held; empty while it holds", "截止年份")

REL_TYPES: tuple[RelType, ...] = (
    RelType(
        "LOCATED_IN",
        "位于",
        "located in",
        tuple((o, "Base") for o in _ORGS),
        (_SINCE, _UNTIL),
        "An organization is located in a base (from ``since`` to ``until``, both years included).",
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
        (
            _p("share", F, "Share of revenue (may be zero or negative in public data)", "营收占比"),
            _p("evidence", S, "Why the link was drawn from registry text: which phrase matched which product", "依据"),
            _SINCE,
            _UNTIL,
        ),
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
        (_p("role", S, "chair, vice_chair, secretariat or member", "角色", choices=MEMBER_ROLES), _SINCE, _UNTIL),
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

# -- The policy's own measures (issue 14): yearly figures, national totals, rates, standards,
# certifications, R&D centres, financing and key enterprises. Money is held in one canonical
# unit per currency (``unit``); the ingest converts other units by the rule in
# chainkg/ingest/units.py.
_YEAR = _p("year", INT, "Calendar year the figure is for", "年份", required=True)
_DATA_SOURCE = _p("data_source", S, "Where the figure comes from (statistics office, annual report ...)", "数据来源")


def _money(name: str, doc: str, zh: str, unit: str) -> Prop:
    return _p(name, F, f"{doc}, in {unit}", zh, unit=unit)


MEASURE_NODE_TYPES: tuple[NodeType, ...] = (
    NodeType(
        "ExchangeRate",
        "汇率",
        "Exchange rate",
        "currency:year, e.g. 'USD:2021' (may be left empty: it is then derived)",
        (
            _p(
                "currency",
                S,
                "Foreign currency: USD, EUR, JPY, HKD, GBP or KRW",
                "币种",
                required=True,
                choices=CURRENCIES,
            ),
            _YEAR,
            _p(
                "cny_per_unit", F, "Yuan per one unit of the currency, annual average", "汇率（元/单位）", required=True
            ),
            _DATA_SOURCE,
        ),
        "The annual exchange rate used to convert between yuan and another currency; never assumed.",
    ),
    NodeType(
        "EnterpriseYear",
        "企业年度数据",
        "Enterprise-year figures",
        "enterprise key + '@' + year (may be left empty: it is then derived)",
        (
            _p("enterprise", S, "The enterprise: key, name, USCC or stock code", "企业", required=True),
            _YEAR,
            _money("revenue", "Operating revenue", "营业收入", "万元"),
            _money("output", "Output value (gross industrial output)", "产值", "万元"),
            _money("exports", "Exports", "出口额", "万美元"),
            _money("exports_own_ip", "Exports of products with own IP", "自主知识产权产品出口额", "万美元"),
            _money("exports_high_tech", "High-tech product exports", "高新技术产品出口额", "万美元"),
            _money(
                "exports_high_tech_own_ip",
                "High-tech product exports with own IP",
                "自主知识产权高新技术产品出口额",
                "万美元",
            ),
            _money("rnd_spending", "R&D spending", "研发投入", "万元"),
            _p("employees", INT, "Employees at year end, in persons (人)", "从业人员", unit="人"),
            _p("patents_filed", INT, "Patent applications filed in the year (件)", "专利申请数", unit="件"),
            _p("patents_granted", INT, "Patents granted in the year (件)", "专利授权数", unit="件"),
            _DATA_SOURCE,
        ),
        "One enterprise's figures for one year (企业年度统计), each in its stated unit.",
    ),
    NodeType(
        "NationalTotal",
        "全国总量",
        "National total",
        "measure:industry:year, industry '*' for all (may be left empty: it is then derived)",
        (
            _p(
                "measure",
                S,
                "output, revenue, exports, exports_high_tech or exports_own_ip",
                "指标",
                required=True,
                choices=NATIONAL_MEASURES,
            ),
            _p("industry", S, "The industry (key or name); empty for the whole economy", "行业"),
            _YEAR,
            _p("value", F, "The total, in 万元 (yuan measures) or 万美元 (export measures)", "数值", required=True),
            _p("unit", S, "Unit of the value as given, e.g. 亿元 or 亿美元; converted on load", "单位"),
            _DATA_SOURCE,
        ),
        "A national total per industry and year, the denominator of the §2 shares.",
    ),
    NodeType(
        "Standard",
        "标准",
        "Standard",
        "Standard number, e.g. 'GB/T 24823-2017'",
        (
            _p("name", S, "Title of the standard", "标准名称", required=True, indexed=True),
            _p(
                "level",
                S,
                "international, national, industry, local, group or enterprise",
                "标准级别",
                choices=STANDARD_LEVELS,
            ),
            _p("year", INT, "Year issued", "发布年份"),
        ),
        "A standard (国际/国家/行业/地方/团体标准) drafted by enterprises, universities or alliances.",
    ),
    NodeType(
        "Certification",
        "认证",
        "Certification",
        "Scheme code, e.g. 'CE', 'UL', 'CCC'",
        (
            _NAME,
            _p("region", S, "Market the scheme opens, e.g. EU, US, CN", "适用市场"),
            _p("international", B, "A certification for foreign markets (not CN only)", "国际认证"),
        ),
        "A product or system certification scheme (CCC, CE, UL, FDA ...).",
    ),
    NodeType(
        "RDCentre",
        "研发中心",
        "R&D centre",
        "Centre id, e.g. 'rdc-sz-01'",
        (
            _NAME,
            _p("base", S, "The base it is sited in: key or name", "所在基地", required=True),
            _p("parent", S, "The company or institution that runs it", "所属机构"),
            _p("country", S, "Home country of the parent", "母国"),
            _p("foreign", B, "Run by a foreign parent (外资研发中心)", "外资"),
            _p("founded", INT, "Year opened", "设立年份"),
            _p("closed", INT, "Year closed; empty while open", "关闭年份"),
        ),
        "An R&D centre sited in a base, foreign-run or domestic (§3(四)).",
    ),
    NodeType(
        "FinancingEvent",
        "融资事件",
        "Financing event",
        "Event id (may be left empty: it is then derived from enterprise, instrument, year and amount)",
        (
            _p("enterprise", S, "The enterprise financed: key, name, USCC or stock code", "企业", required=True),
            _p(
                "instrument",
                S,
                "fund, loan, ip_pledge, credit_insurance, guarantee, equity or other",
                "融资方式",
                required=True,
                choices=FINANCING_INSTRUMENTS,
            ),
            _money("amount", "Amount", "金额", "万元"),
            _p("year", INT, "Year of the event", "年份", required=True),
            _p("provider", S, "Fund, bank or insurer", "提供方"),
            _DATA_SOURCE,
        ),
        "A financing event of an enterprise (§5: 产业链金融, 知识产权质押, 出口信用保险).",
    ),
)

MEASURE_REL_TYPES: tuple[RelType, ...] = (
    RelType(
        "REPORTS",
        "年度数据",
        "reports",
        (("Enterprise", "EnterpriseYear"),),
        (),
        "An enterprise reports its figures for a year (made by the loader from the figure's enterprise).",
    ),
    RelType(
        "DRAFTED",
        "起草标准",
        "drafted",
        (("Enterprise", "Standard"), ("ResearchOrg", "Standard"), ("Alliance", "Standard")),
        (_p("role", S, "lead or participant", "起草角色", choices=DRAFTING_ROLES),),
        "An enterprise, university or alliance drafted a standard.",
    ),
    RelType(
        "CERTIFIED",
        "获得认证",
        "certified",
        (("Enterprise", "Certification"),),
        (_SINCE, _UNTIL, _p("certificate_no", S, "Certificate number", "证书编号")),
        "An enterprise holds a certification (from ``since`` to ``until``).",
    ),
    RelType(
        "SITED_IN",
        "设于",
        "sited in",
        (("RDCentre", "Base"),),
        (),
        "An R&D centre is sited in a base (made by the loader from the centre's base).",
    ),
    RelType(
        "RECEIVED",
        "获得融资",
        "received",
        (("Enterprise", "FinancingEvent"),),
        (),
        "An enterprise received financing (made by the loader from the event's enterprise).",
    ),
    RelType(
        "KEY_ENTERPRISE_OF",
        "重点企业",
        "key enterprise of",
        (("Enterprise", "Base"),),
        (
            _p("contact", S, "Contact person at the enterprise", "联系人"),
            _p("contact_role", S, "The contact's position, e.g. 副总经理", "联系人职务"),
            _p("liaison", S, "The base's own liaison for this enterprise", "基地联络人"),
            _SINCE,
            _UNTIL,
        ),
        "An enterprise is one of the base's key enterprises (重点企业联系制度, §7), with its contact.",
    ),
)

NODE_TYPES = NODE_TYPES + MEASURE_NODE_TYPES
REL_TYPES = REL_TYPES + MEASURE_REL_TYPES

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
