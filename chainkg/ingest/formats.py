"""The input format of each node and relationship type, derived from the graph model.

A table (a CSV or JSONL file, or a sheet of a workbook) holds one type. Its type comes from
the file or sheet name (``enterprise.csv``, ``企业.xlsx``, ``03_member_of.jsonl``, sheet
``MEMBER_OF``); its columns are the type's properties, named in English or in Chinese as the
model names them. ``docs/ingest.md`` is the human version of this module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from chainkg.graph.model import (
    CURRENCIES,
    JURISDICTIONS,
    MODEL,
    PLATFORM_KIND_ZH,
    NodeType,
    Prop,
    PropType,
    RelType,
)

ALIAS_TYPE = "aliases"
"""Pseudo-type of an alias table (``aliases.csv`` / ``别名.csv``): alias -> canonical name."""

# Node types whose key may be left empty: the loader derives it (see ``derived_key_doc``).
DERIVED_KEYS: dict[str, str] = {
    "Enterprise": "USCC if given, else the stock code (600000.SH), else 'name:' + normalized name",
    "ResearchOrg": "USCC if given, else 'name:' + normalized name",
    "Industry": "scheme:code, e.g. SW2021:270100",
    "Product": "the name, verbatim",
    "EnterpriseYear": "enterprise key + '@' + year",
    "ExchangeRate": "currency:year, e.g. USD:2021",
    "FinancingEvent": "enterprise:instrument:year:amount",
    "NationalTotal": "measure:industry:year (industry '*' for the whole economy)",
}

# Extra spellings of enumeration values, so planners may write the Chinese word.
CHOICE_SYNONYMS: dict[str, dict[str, str]] = {
    "kind_platform": {zh: en for en, zh in PLATFORM_KIND_ZH.items()}
    | {"研发平台": "rnd", "信息平台": "information", "认证平台": "certification", "培训平台": "training"}
    | {"孵化": "incubator", "检测平台": "testing", "检验检测": "testing", "r&d": "rnd"},
    "kind_org": {"大学": "university", "高校": "university", "科研机构": "institute", "研究所": "institute"}
    | {"研究院": "institute", "科研院所": "institute"},
    "size": {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"},
    "level": {"国家级": "national", "省级": "provincial", "市级": "municipal"},
    "role": {"理事长单位": "chair", "理事长": "chair", "副理事长单位": "vice_chair", "副理事长": "vice_chair"}
    | {"秘书处": "secretariat", "秘书长单位": "secretariat", "成员": "member", "会员": "member"}
    | {"成员单位": "member", "vice chair": "vice_chair"},
    "level_standard": {"国际标准": "international", "国际": "international", "国家标准": "national"}
    | {"国家": "national", "行业标准": "industry", "行业": "industry", "地方标准": "local", "地方": "local"}
    | {"团体标准": "group", "团体": "group", "企业标准": "enterprise", "企业": "enterprise"},
    "jurisdiction": {c.lower(): c for c in JURISDICTIONS}
    | {"中国": "CN", "wo": "PCT", "国际": "PCT", "pct国际": "PCT", "美国": "US", "欧洲": "EP"}
    | {"欧专局": "EP", "日本": "JP", "韩国": "KR", "德国": "DE", "英国": "GB", "法国": "FR", "其他": "other"},
    "instrument": {"产业基金": "fund", "基金": "fund", "投资基金": "fund", "贷款": "loan", "银行贷款": "loan"}
    | {"知识产权质押": "ip_pledge", "知识产权质押融资": "ip_pledge", "专利质押": "ip_pledge"}
    | {"出口信用保险": "credit_insurance", "信用保险": "credit_insurance", "担保": "guarantee"}
    | {"股权融资": "equity", "股权": "equity", "其他": "other", "其它": "other"},
    "role_drafting": {"主起草": "lead", "牵头": "lead", "主编": "lead", "参与": "participant", "参编": "participant"}
    | {"参与起草": "participant"},
    "currency": {c.lower(): c for c in CURRENCIES}
    | {"美元": "USD", "欧元": "EUR", "日元": "JPY", "港元": "HKD", "港币": "HKD", "英镑": "GBP"}
    | {"韩元": "KRW"},
    "measure": {"产值": "output", "工业总产值": "output", "营业收入": "revenue", "出口额": "exports"}
    | {"高新技术产品出口额": "exports_high_tech", "自主知识产权产品出口额": "exports_own_ip"},
    "kind_coop": {"联合实验室": "joint_lab", "共建实验室": "joint_lab", "联合项目": "joint_project"}
    | {"合作项目": "joint_project", "技术许可": "licensing", "许可": "licensing", "培训": "training"}
    | {"咨询": "consulting", "其他": "other", "其它": "other"},
}

# More column names people use for the same property.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "key": ("id", "编号", "主键", "标准编号", "标准号"),
    "name": ("名称", "简称", "名字"),
    "full_name": ("全称", "企业全称", "企业名称", "单位名称"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "credit_code"),
    "stock_code": ("股票代码", "证券代码", "code_stock"),
    "src": ("from", "from_key", "source_key", "起点", "起点名称", "主体", "企业名称", "公司名称", "企业"),
    "dst": ("to", "to_key", "target", "target_key", "终点", "终点名称", "客体"),
    "src_type": ("from_type", "from_label", "起点类型", "主体类型"),
    "year": ("年份", "年度", "统计年度"),
    "enterprise": ("企业", "企业名称", "单位名称"),
    "output": ("工业总产值", "总产值"),
    "rnd_spending": ("研发经费", "R&D经费", "研发费用"),
    "employees": ("员工数", "从业人员", "职工人数"),
    "cny_per_unit": ("汇率", "人民币汇率", "年平均汇率"),
}

# Headers naming the end of one relationship type only (企业名称,主营产品 is a MAKES table).
DST_SYNONYMS: dict[str, tuple[str, ...]] = {"MAKES": ("主营产品", "产品", "产品名称", "主要产品")}

REL_SRC_ZH = "起点"
REL_DST_ZH = "终点"


@dataclass(frozen=True)
class Column:
    """One column of a table format."""

    name: str
    zh: str
    type: PropType
    required: bool
    doc: str
    choices: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class TypeSpec:
    """The table format of one node label or relationship type."""

    name: str
    kind: Literal["node", "rel"]
    zh: str
    columns: tuple[Column, ...]
    node: NodeType | None = None
    rel: RelType | None = None
    file_names: tuple[str, ...] = field(default=())

    @property
    def from_labels(self) -> tuple[str, ...]:
        """Labels a relationship may start from (in the model's order)."""
        assert self.rel is not None
        return tuple(dict.fromkeys(a for a, _ in self.rel.pairs))

    @property
    def to_label(self) -> str:
        """The label a relationship ends at (every type of the model has exactly one)."""
        assert self.rel is not None
        return self.rel.pairs[0][1]

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)

    @property
    def order(self) -> int:
        """Load order: node types first, then relationship types, each in the model's order."""
        if self.kind == "node":
            return [n.label for n in MODEL.nodes].index(self.name)
        return 100 + [r.type for r in MODEL.rels].index(self.name)


def choice_key(owner: str, prop: Prop | Column) -> str | None:
    """Which synonym table applies to an enumerated property."""
    if not prop.choices:
        return None
    if prop.name == "kind":
        return {"Platform": "kind_platform", "ResearchOrg": "kind_org", "COOPERATES_WITH": "kind_coop"}.get(owner)
    if (owner, prop.name) in (("Standard", "level"), ("DRAFTED", "role")):
        return {"level": "level_standard", "role": "role_drafting"}[prop.name]
    return prop.name if prop.name in CHOICE_SYNONYMS else None


def _snake(label: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()


def _plural(word: str) -> str:
    if word.endswith("y"):
        return word[:-1] + "ies"
    return word + "s"


def _prop_column(p: Prop, *, required: bool | None = None) -> Column:
    return Column(
        name=p.name,
        zh=p.zh,
        type=p.type,
        required=p.required if required is None else required,
        doc=p.doc,
        choices=p.choices,
        synonyms=COLUMN_SYNONYMS.get(p.name, ()),
    )


def _node_spec(n: NodeType) -> TypeSpec:
    key_doc = n.key_doc + (" (may be left empty: it is then derived)" if n.label in DERIVED_KEYS else "")
    key = Column("key", "主键", PropType.STRING, n.label not in DERIVED_KEYS, key_doc, synonyms=COLUMN_SYNONYMS["key"])
    cols = (key, *(_prop_column(p) for p in n.props))
    snake = _snake(n.label)
    names = (n.label.lower(), snake, _plural(snake), snake.replace("_", ""), _plural(snake.replace("_", "")), n.zh)
    extra = {
        "ResearchOrg": ("大学", "科研机构", "research_orgs", "orgs"),
        "Base": ("基地",),
        "RDCentre": ("rd_centre", "rd_centres", "rd_center", "rd_centers", "外资研发中心"),
        "EnterpriseYear": ("enterprise_figures", "企业年度统计", "年度数据"),
        "FinancingEvent": ("financing", "融资"),
        "Standard": ("标准清单",),
        # A registry export (企业名录) is enterprises; its columns are read by ingest/headers.py.
        "Enterprise": ("企业名录", "名录", "registry"),
    }.get(n.label, ())
    return TypeSpec(n.label, "node", n.zh, cols, node=n, file_names=tuple(dict.fromkeys((*names, *extra))))


def _rel_spec(r: RelType) -> TypeSpec:
    froms = tuple(dict.fromkeys(a for a, _ in r.pairs))
    to = r.pairs[0][1]
    src = Column(
        "src",
        REL_SRC_ZH,
        PropType.STRING,
        True,
        f"The {' or '.join(froms)} it starts from: its key, or its name (organizations also by USCC or stock code)",
        synonyms=COLUMN_SYNONYMS["src"],
    )
    dst = Column(
        "dst",
        REL_DST_ZH,
        PropType.STRING,
        True,
        f"The {to} it points to: its key, or its name",
        synonyms=COLUMN_SYNONYMS["dst"] + DST_SYNONYMS.get(r.type, ()),
    )
    cols: list[Column] = [src, dst]
    if len(froms) > 1:
        cols.append(
            Column(
                "src_type",
                "起点类型",
                PropType.STRING,
                False,
                f"{' or '.join(froms)}; needed only when a name exists as both",
                choices=froms,
                synonyms=COLUMN_SYNONYMS["src_type"],
            )
        )
    cols += [_prop_column(p) for p in r.props]
    names = (r.type.lower(), r.type.lower().replace("_", ""), r.zh)
    return TypeSpec(r.type, "rel", r.zh, tuple(cols), rel=r, file_names=names)


CHAIN_MAP_TYPES = frozenset(
    {"ChainMap", "ChainStage", "ChainSegment", "HAS_STAGE", "HAS_SEGMENT", "PART_OF", "FEEDS", "IN_SEGMENT"}
)
"""Types with no table format of their own: a chain map is loaded whole from its map file (see
:mod:`chainkg.ingest.chainmap`), and ``IN_SEGMENT`` is derived from the maps' match rules."""


@cache
def all_specs() -> tuple[TypeSpec, ...]:
    """Every table format: node types, then relationship types, in the model's order."""
    nodes = tuple(_node_spec(n) for n in MODEL.nodes if n.label not in CHAIN_MAP_TYPES)
    return nodes + tuple(_rel_spec(r) for r in MODEL.rels if r.type not in CHAIN_MAP_TYPES)


def spec(name: str) -> TypeSpec:
    """The format of the type called ``name`` (label, relationship type or a file-name alias)."""
    found = spec_for_name(name)
    if found is None:
        raise KeyError(name)
    return found


def _norm_name(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[\s\-]+", "_", t)


@cache
def _name_index() -> dict[str, TypeSpec]:
    index: dict[str, TypeSpec] = {}
    for s in all_specs():
        # Node names win where a relationship's Chinese name collides (技术领域 is TechField).
        for n in (s.name, *s.file_names):
            index.setdefault(_norm_name(n), s)
    return index


_PREFIX_RE = re.compile(r"^\d+[_\-. ]*")
_ALIAS_NAMES = frozenset({"aliases", "alias", "别名", "别名表"})


def spec_for_name(name: str) -> TypeSpec | None:
    """The format a file or sheet name stands for, or ``None``.

    Case, spaces, a leading number (``03_``) and a trailing plural do not matter.

    Examples
    --------
    >>> spec_for_name("03_member_of").name, spec_for_name("企业").name, spec_for_name("Enterprises").name
    ('MEMBER_OF', 'Enterprise', 'Enterprise')
    """
    n = _norm_name(_PREFIX_RE.sub("", name.strip()))
    return _name_index().get(n)


def is_alias_name(name: str) -> bool:
    """True for the name of an alias table (``aliases``, ``别名``)."""
    return _norm_name(_PREFIX_RE.sub("", name.strip())) in _ALIAS_NAMES


@cache
def column_lookup(type_name: str) -> dict[str, str]:
    """Header text (normalized) -> column name, for one type."""
    s = spec(type_name)
    out: dict[str, str] = {}
    for c in s.columns:
        for alias in (c.name, c.zh, *c.synonyms):
            if alias:
                out.setdefault(_norm_name(alias), c.name)
    return out


def map_header(type_name: str, header: str) -> str | None:
    """The column a header names, or ``None`` when the type has no such column."""
    return column_lookup(type_name).get(_norm_name(str(header)))


PROVENANCE_COLUMNS = frozenset({"source", "source_row", "loaded_at", "来源", "来源行", "载入时间"})
"""Columns the loader fills itself; a file's own values for them are ignored."""
