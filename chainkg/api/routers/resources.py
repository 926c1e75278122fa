"""Resource routes, generated from the model: list with filters, search by name, get by key.

For every node type of :mod:`chainkg.graph.model` (paths in :data:`RESOURCE_PATHS`):

- ``GET /<path>`` — a page ordered by key, filtered by the type's filters
  (:func:`chainkg.queries.resources.filters_for`), JSON or CSV;
- ``GET /<path>/search?q=`` — nodes whose name contains the text, raw or normalized;
- ``GET /<path>/{key}`` — one node (keys may hold ``:`` or ``/``; ``search`` is reserved).

``GET /resources`` lists the collections, their filters and node counts.
"""

# No "from __future__ import annotations": FastAPI must see the closures' real parameter types.
import inspect
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from chainkg.api.deps import CacheDep, FormatDep, PagingDep, StoreDep, encode_cursor, require_read
from chainkg.api.errors import AUTH, ERROR_RESPONSES, NOT_FOUND
from chainkg.api.models import _EXAMPLES, RESOURCE_MODELS, Page, ResourceType, SearchResult
from chainkg.api.output import CSV_RESPONSE, respond
from chainkg.graph.model import MODEL, NodeType, PropType, node_type
from chainkg.queries.resources import Filter, filters_for, get_node, list_nodes, normalize_name, search_nodes

RESOURCE_PATHS: dict[str, str] = {
    "Base": "bases",
    "Enterprise": "enterprises",
    "ResearchOrg": "research-orgs",
    "Alliance": "alliances",
    "PatentPool": "patent-pools",
    "Patent": "patents",
    "Industry": "industries",
    "Product": "products",
    "TechField": "tech-fields",
    "Platform": "platforms",
    "ChainMap": "chain-maps",
    "ChainStage": "chain-stages",
    "ChainSegment": "chain-segments",
}
"""Model label -> URL path segment of its collection."""

router = APIRouter(dependencies=[Depends(require_read)], responses={**ERROR_RESPONSES, **AUTH})
"""The routes of every collection (each collection has its own router, included here) and /resources."""

COLLECTION_ROUTERS: dict[str, APIRouter] = {}
"""Label -> the router of that collection (list, search, get)."""


def _example(label: str) -> dict[str, Any]:
    node = node_type(label)
    return {p.name: None for p in node.all_props} | _EXAMPLES.get(label, {"key": "k"})


def _filter_param(f: Filter) -> inspect.Parameter:
    """A keyword-only query parameter for one filter, typed so FastAPI validates it."""
    annotation: Any = str
    if f.prop is not None:
        if f.prop.choices:
            annotation = Literal[f.prop.choices]
        elif f.prop.type is PropType.INT:
            annotation = int
    if annotation is str:
        query = Query(description=f.doc, max_length=200)
    elif annotation is int:  # the stores hold 64-bit integers; a larger one cannot even be compared
        query = Query(description=f.doc, ge=-(2**63), le=2**63 - 1)
    else:
        query = Query(description=f.doc)
    return inspect.Parameter(
        f.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[annotation | None, query],
    )


def _with_filters(func: Callable[..., Any], filters: tuple[Filter, ...]) -> Callable[..., Any]:
    """Give ``func`` (which takes ``**filters``) a signature listing each filter."""
    sig = inspect.signature(func)
    fixed = [p for p in sig.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
    func.__signature__ = sig.replace(parameters=[*fixed, *(_filter_param(f) for f in filters)])  # type: ignore[attr-defined]
    return func


def _collection_router(label: str, path: str) -> APIRouter:
    """The router of one collection: ``GET /<path>``, ``/<path>/search``, ``/<path>/{key}``."""
    node: NodeType = node_type(label)
    router = APIRouter()
    model = RESOURCE_MODELS[label]
    filters = filters_for(label)
    example = _example(label)
    example_q = str(example.get("name") or example["key"])
    plural = path.replace("-", "_")
    filter_doc = "; ".join(f"`{f.name}`: {f.doc}" for f in filters) or "none"

    def list_(request: Request, store: StoreDep, cache: CacheDep, page: PagingDep, fmt: FormatDep, **kw: Any) -> Any:
        def compute() -> dict[str, Any]:
            result = list_nodes(store, label, kw, limit=page.limit, after=page.after)
            nxt = encode_cursor(result.next_after) if result.next_after is not None else None
            return {"items": result.items, "next_cursor": nxt, "limit": page.limit}

        return respond(request, cache, fmt, compute, table=lambda r: r["items"], name=plural)

    router.add_api_route(
        f"/{path}",
        _with_filters(list_, filters),
        methods=["GET"],
        response_model=Page[model],  # type: ignore[valid-type]
        summary=f"List {node.en.lower()} nodes / {node.zh}列表",
        description=(
            f"{node.zh} / {node.doc} A page ordered by key; pass `next_cursor` back as `cursor` for the next "
            f"page. Filters: {filter_doc}. `?format=csv` (or `Accept: text/csv`) answers a CSV table."
        ),
        operation_id=f"list_{plural}",
        tags=[f"{node.en} / {node.zh}"],
        responses={
            200: {
                "content": {
                    "application/json": {"example": {"items": [example], "next_cursor": "c3otbGVk", "limit": 20}},
                    **CSV_RESPONSE[200]["content"],
                }
            }
        },
    )

    def search(
        request: Request,
        store: StoreDep,
        cache: CacheDep,
        q: Annotated[
            str,
            Query(min_length=1, max_length=200, description="Name or part of it / 名称或其一部分", examples=["比亚迪"]),
        ],
        limit: Annotated[int, Query(ge=1, le=100, description="At most this many hits / 最多返回条数")] = 20,
    ) -> Any:
        def compute() -> dict[str, Any]:
            hits = search_nodes(store, label, q, limit=limit)
            return {"q": q, "normalized": normalize_name(q), "hits": [{"match": m, "item": r} for r, m in hits]}

        return respond(request, cache, "json", compute)

    router.add_api_route(
        f"/{path}/search",
        search,
        methods=["GET"],
        response_model=SearchResult[model],  # type: ignore[valid-type]
        summary=f"Search {node.en.lower()} nodes by name / 按名称检索{node.zh}",
        description=(
            "Finds names containing the text, case-free, and names containing its normalized form "
            "(full-width to half-width, spaces and brackets dropped, suffixes such as 股份有限公司 / 有限公司 / "
            "集团 removed). Best matches first: key, exact name, prefix, substring, normalized."
        ),
        operation_id=f"search_{plural}",
        tags=[f"{node.en} / {node.zh}"],
        responses={
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "q": example_q,
                            "normalized": normalize_name(example_q),
                            "hits": [{"match": "exact", "item": example}],
                        }
                    }
                }
            }
        },
    )

    def get(
        request: Request,
        store: StoreDep,
        cache: CacheDep,
        key: Annotated[str, Path(description=f"{node.key_doc} / 主键", examples=[example["key"]])],
    ) -> Any:
        return respond(request, cache, "json", lambda: get_node(store, label, key))

    router.add_api_route(
        f"/{path}/{{key:path}}",
        get,
        methods=["GET"],
        response_model=model,
        summary=f"Get one {node.en.lower()} by key / 按主键查询{node.zh}",
        description=f"{node.zh} / {node.doc} Key: {node.key_doc}. 404 when no node has the key.",
        operation_id=f"get_{plural}",
        tags=[f"{node.en} / {node.zh}"],
        responses={**NOT_FOUND, 200: {"content": {"application/json": {"example": example}}}},
    )
    return router


@router.get(
    "/resources",
    response_model=list[ResourceType],
    summary="The resource collections and their filters / 资源类型与筛选条件",
    operation_id="list_resource_types",
    tags=["Resources / 资源"],
    responses={
        200: {"content": {"application/json": {"example": ResourceType.model_json_schema()["examples"]}}},
    },
)
def resource_types(store: StoreDep, request: Request, cache: CacheDep) -> Response:
    """Every collection: its path, node label (中文 and English), list filters and node count."""

    def compute() -> list[ResourceType]:
        return [
            ResourceType(
                path=f"/{RESOURCE_PATHS[n.label]}",
                label=n.label,
                zh=n.zh,
                en=n.en,
                filters={f.name: f.doc for f in filters_for(n.label)},
                count=store.count_nodes(n.label),
            )
            for n in MODEL.nodes
        ]

    return respond(request, cache, "json", compute)


for _node in MODEL.nodes:
    COLLECTION_ROUTERS[_node.label] = _collection_router(_node.label, RESOURCE_PATHS[_node.label])
    router.include_router(COLLECTION_ROUTERS[_node.label])
