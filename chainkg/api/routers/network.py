"""Network routes: whole-network questions about the innovation network of organizations.

Unlike the per-base or per-alliance analytics, these look at the whole network (or one
province of it) at once, so they run on the analytics backend chosen by
``CHAINKG_ANALYTICS``: networkx in this process, or Graph Data Science inside Neo4j (see
docs/network.md). Each answer says which engine computed it in the ``X-Chainkg-Analytics``
header; the answer itself is the same either way.
"""

# No "from __future__ import annotations": FastAPI reads the routes' parameter types at runtime.
from collections.abc import Sequence
from typing import Annotated, Any, Protocol

from fastapi import Query, Response

from chainkg.api.deps import AnalyticsDep
from chainkg.api.errors import NOT_FOUND
from chainkg.api.output import CSV_RESPONSE, Answer, AnswerDep
from chainkg.api.routing import QuestionRouter
from chainkg.graph.analytics.backend import AnalyticsBackend
from chainkg.graph.store import GraphStore
from chainkg.queries.network import NetworkBroker, NetworkCommunity, network_brokers, network_communities

TAG = "Network / 创新网络"
MAX_RESULTS = 100
"""Most brokers or communities one answer may hold."""
ENGINE_HEADER = "X-Chainkg-Analytics"
"""Response header naming the engine that ran the algorithm: networkx or gds."""

router = QuestionRouter(TAG, prefix="/network")

# Real answers on the demo data ('chainkg ingest-demo'), networkx, first two rows.
BROKERS_EXAMPLE: list[dict[str, Any]] = [
    {
        "node": "Enterprise:000063.SZ",
        "label": "Enterprise",
        "label_zh": "企业",
        "key": "000063.SZ",
        "name": "中兴通讯",
        "province": "广东省",
        "rank": 1,
        "betweenness": 0.378326177,
    },
    {
        "node": "Enterprise:002916.SZ",
        "label": "Enterprise",
        "label_zh": "企业",
        "key": "002916.SZ",
        "name": "深南电路",
        "province": "广东省",
        "rank": 2,
        "betweenness": 0.314749545,
    },
]
COMMUNITIES_EXAMPLE: list[dict[str, Any]] = [
    {
        "index": 0,
        "size": 17,
        "enterprises": 13,
        "research_orgs": 2,
        "alliances": 1,
        "patent_pools": 1,
        "members": [
            "Enterprise:002008.SZ",
            "Enterprise:002449.SZ",
            "Enterprise:002587.SZ",
            "Enterprise:002745.SZ",
            "Enterprise:002916.SZ",
        ],
        "names": ["大族激光", "国星光电", "奥拓电子", "木林森", "深南电路"],
    },
    {
        "index": 1,
        "size": 14,
        "enterprises": 10,
        "research_orgs": 2,
        "alliances": 1,
        "patent_pools": 1,
        "members": [
            "Enterprise:000063.SZ",
            "Enterprise:002463.SZ",
            "Enterprise:300308.SZ",
            "Enterprise:300394.SZ",
            "Enterprise:300408.SZ",
        ],
        "names": ["中兴通讯", "沪电股份", "中际旭创", "天孚通信", "三环集团"],
    },
]


def _responses(example: Any) -> dict[int | str, dict[str, Any]]:
    content: dict[str, Any] = {"application/json": {"example": example}}
    content.update(CSV_RESPONSE[200]["content"])
    headers = {
        ENGINE_HEADER: {"description": "Engine that ran the algorithm: networkx or gds", "schema": {"type": "string"}}
    }
    return {200: {"content": content, "headers": headers}, **NOT_FOUND}


class _Question(Protocol):
    def __call__(
        self, store: GraphStore, backend: AnalyticsBackend, *, province: str | None, limit: int
    ) -> Sequence[Any]: ...


def _answer(
    ans: Answer, backend: AnalyticsBackend, ask: _Question, province: str | None, limit: int, name: str
) -> Response:
    """The answer of ``ask`` (cached, JSON or CSV), saying which engine computed it."""
    out = ans.send(lambda: ask(ans.store, backend, province=province, limit=limit), name=name)
    out.headers[ENGINE_HEADER] = backend.name
    return out


Province = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=100,
        description="Only organizations of this province, written in full (e.g. 广东省); all when left out / 省份",
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_RESULTS, description=f"Most rows to return, at most {MAX_RESULTS} / 条数")]

_WHAT = (
    "The network: enterprises and universities / institutes tied by supply (SUPPLIES) and 产学研 cooperation "
    "(COOPERATES_WITH), and by membership of alliances (MEMBER_OF) and patent pools (LICENSOR_OF, LICENSEE_OF), "
    "each alliance or pool a node of its own. With `province`, organizations of that province only (alliances "
    "and pools they belong to stay in)."
)


@router.get(
    "/brokers",
    response_model=list[NetworkBroker],
    summary="Brokers of the innovation network / 创新网络枢纽",
    description=(
        "Nodes that lie on the most shortest paths between two others (betweenness centrality, 0–1, by hops), "
        "highest first; only nodes with a positive score. A broker links groups that would otherwise not reach "
        f"each other. {_WHAT} 404 when no organization is recorded in the province."
    ),
    operation_id="network_brokers",
    responses=_responses(BROKERS_EXAMPLE),
)
def brokers(ans: AnswerDep, backend: AnalyticsDep, province: Province = None, limit: Limit = 20) -> Response:
    """Brokers of the network (see the description)."""
    return _answer(ans, backend, network_brokers, province, limit, "network-brokers")


@router.get(
    "/communities",
    response_model=list[NetworkCommunity],
    summary="Communities of the innovation network / 创新网络社群",
    description=(
        "Groups of organizations, alliances and pools more densely tied to each other than to the rest (Louvain, "
        "weighted by the number of ties between two nodes), largest first: size, how many enterprises, research "
        f"organizations, alliances and pools, and up to five members with their names. {_WHAT} 404 when no "
        "organization is recorded in the province."
    ),
    operation_id="network_communities",
    responses=_responses(COMMUNITIES_EXAMPLE),
)
def communities(ans: AnswerDep, backend: AnalyticsDep, province: Province = None, limit: Limit = 20) -> Response:
    """Communities of the network (see the description)."""
    return _answer(ans, backend, network_communities, province, limit, "network-communities")
