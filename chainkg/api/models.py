"""Response models of the API that are not query results: resources, pages, errors, health.

Resource models are generated from :mod:`chainkg.graph.model`, one per node type, so a
property added to the model appears in the API and its OpenAPI document by itself.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from chainkg.graph.model import MODEL, PYTHON_TYPES, NodeType, Prop

# One plausible example value per property name, for the OpenAPI document.
_EXAMPLES: dict[str, dict[str, Any]] = {
    "Base": {"key": "sz-led", "name": "深圳LED创新基地", "province": "广东省", "city": "深圳市", "level": "national"},
    "Enterprise": {
        "key": "914403001922038216",
        "name": "比亚迪",
        "full_name": "比亚迪股份有限公司",
        "stock_code": "002594.SZ",
        "province": "广东省",
        "city": "深圳市",
    },
    "ResearchOrg": {"key": "name:清华大学", "name": "清华大学", "kind": "university", "province": "北京市"},
    "Alliance": {"key": "al-led", "name": "半导体照明产业联盟", "founded_year": 2004},
    "PatentPool": {"key": "pp-5g", "name": "5G专利池", "founded_year": 2020},
    "Patent": {"key": "CN112345678A", "title": "一种LED封装结构", "ipc_codes": ["H01L 33/48"], "year": 2021},
    "Industry": {"key": "SW2021:270100", "name": "半导体", "code": "270100", "scheme": "SW2021", "level": 2},
    "Product": {"key": "LED芯片", "name": "LED芯片"},
    "TechField": {"key": "H01L", "name": "半导体器件"},
    "Platform": {"key": "pf-sz-test", "name": "深圳LED检测平台", "kind": "testing", "province": "广东省"},
}


def _field(p: Prop) -> tuple[Any, Any]:
    desc = f"{p.zh} / {p.doc}" if p.zh else p.doc
    if p.choices:
        desc += f" (one of: {', '.join(p.choices)})"
    if p.name == "key":
        return (str, Field(..., description=desc))
    return (PYTHON_TYPES[p.type] | None, Field(None, description=desc))


def _resource_model(node: NodeType) -> type[BaseModel]:
    fields: dict[str, Any] = {p.name: _field(p) for p in node.all_props}
    example = {p.name: None for p in node.all_props} | _EXAMPLES.get(node.label, {"key": "k"})
    model: type[BaseModel] = create_model(
        node.label,
        __config__=ConfigDict(
            frozen=True,
            title=node.label,
            json_schema_extra={"description": f"{node.zh} / {node.en}: {node.doc}", "examples": [example]},
        ),
        **fields,
    )
    return model


RESOURCE_MODELS: dict[str, type[BaseModel]] = {n.label: _resource_model(n) for n in MODEL.nodes}
"""Label -> pydantic model of one node of that type (all properties, provenance included)."""

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list. Pass ``next_cursor`` back as ``cursor`` for the next page."""

    items: list[T] = Field(..., description="The rows of this page, ordered by key / 按主键排序")
    next_cursor: str | None = Field(None, description="Cursor of the next page; null on the last page / 下一页游标")
    limit: int = Field(..., description="Page size asked for / 每页条数")


class SearchHit(BaseModel, Generic[T]):
    """One search result: the node and how its name matched the text."""

    match: Literal["key", "exact", "prefix", "substring", "normalized"] = Field(
        ...,
        description="How it matched, best first: key, exact name, name prefix, substring, normalized form / 匹配方式",
    )
    item: T


class SearchResult(BaseModel, Generic[T]):
    """Search results, best match first."""

    q: str = Field(..., description="The text searched for / 检索词")
    normalized: str = Field(..., description="Its normalized form (suffixes like 有限公司 removed) / 规范化形式")
    hits: list[SearchHit[T]]


class ErrorBody(BaseModel):
    """Every error answer: a plain message, a machine code, and the field at fault where known."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"detail": "No innovation base (创新基地) has the key 'nope'.", "code": "not_found", "field": None}
            ]
        }
    )

    detail: str = Field(..., description="What went wrong and what to do, in plain words / 错误说明")
    code: str = Field(..., description="not_found, invalid_input, unauthorized, too_large, store_unavailable, ...")
    field: str | None = Field(None, description="The parameter or column at fault / 出错字段")
    errors: list[dict[str, Any]] | None = Field(None, description="Every problem, for several bad parameters")


class Health(BaseModel):
    """The process answers."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok", "version": "0.1.0"}]})

    status: Literal["ok"] = "ok"
    version: str


class Ready(BaseModel):
    """The store answers and holds the model's schema."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ready", "store": "ladybug", "schema_present": True}]}
    )

    status: Literal["ready"] = "ready"
    store: str = Field(..., description="ladybug or neo4j")
    schema_present: bool


class ResourceType(BaseModel):
    """One resource collection of the API and the filters its list accepts."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "path": "/platforms",
                    "label": "Platform",
                    "zh": "公共服务平台",
                    "en": "Public service platform",
                    "filters": {"province": "省份 / Province, e.g. 广东省", "kind": "类型 / ...", "base": "..."},
                    "count": 12,
                }
            ]
        }
    )

    path: str
    label: str
    zh: str
    en: str
    filters: dict[str, str] = Field(..., description="Filter name -> what it matches / 可用筛选条件")
    count: int | None = Field(None, description="How many nodes the store holds / 数量")
