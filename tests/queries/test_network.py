"""The innovation network's brokers and communities: by hand, on both stores, on both engines, CLI and API.

The hand-built network (see :func:`build`)::

    广东省 K4: a1 a2 a3 ua          北京市 K4: b1 b2 b3 ub
        a2 ── pp (pool)                 │
        a1 ──────── al (alliance) ──── b1
                     │
                     uc (上海市)

plus z1 (天津市) with no tie, and a base that a3 and b3 are located in (not a network tie,
so it must not join the two groups). 11 nodes, 16 edges.

Betweenness by hand (unordered pairs whose only shortest path runs through the node; every
shortest path here is unique). Normalized by (n-1)(n-2)/2 = 45:

- al: the 16 A–B pairs, uc with A (4) and with B (4), pp with uc (1) and with B (4) = 29
- a1: A\\{a1} with B (12), with al (3), with uc (3); pp with al, uc (2) and B (4) = 24
- b1: B\\{b1} with A (12), with al (3), with uc (3); pp with B\\{b1} (3) = 21
- a2: pp with a1, a3, ua (3), with al, uc (2) and B (4) = 9

Communities: Louvain's best split has modularity 0.475 (m = 16): A + pp (7 inner edges,
degree 15), B (6, 13), al + uc (1, 4); folding al + uc into either side scores lower
(0.436 and 0.420).

Province 广东省 keeps the K4 of A, a2–pp and a1–al (6 nodes, normalizer 10): a1 and a2 each
lie on the 4 paths from al or pp into the rest, 0.4 each. 北京市 keeps the K4 of B and b1–al:
b1 lies on 3 of 6 pairs, 0.5.

The GDS tests need a Neo4j with the Graph Data Science procedures
(``NEO4J_TEST_GDS=1 scripts/neo4j-test-server.sh start``); without it they skip with a reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from storetools import BACKENDS, NEO4J_PASSWORD, NEO4J_SKIP, NEO4J_URI, NEO4J_USER, fresh_store
from typer.testing import CliRunner

import chainkg.cli.common as common
from chainkg.api.main import create_app
from chainkg.cli.main import app as cli_app
from chainkg.errors import InvalidInputError, NotFoundError
from chainkg.graph.analytics.backend import AnalyticsBackend, NetworkxBackend, open_backend
from chainkg.graph.analytics.gds_backend import GdsBackend, gds_version
from chainkg.graph.store import GraphStore
from chainkg.queries.network import NETWORK_EDGES, network_brokers, network_communities
from chainkg.settings import Settings

GD, BJ, SH, TJ = "广东省", "北京市", "上海市", "天津市"


def build(store: GraphStore) -> None:
    """The network drawn in the module text."""
    ent = [
        ("a1", "华南电子", GD),
        ("a2", "岭南光电", GD),
        ("a3", "珠江材料", GD),
        ("b1", "京北芯片", BJ),
        ("b2", "燕山材料", BJ),
        ("b3", "长城装备", BJ),
        ("z1", "津门孤岛", TJ),
    ]
    store.merge_nodes("Enterprise", [{"key": k, "name": n, "province": p} for k, n, p in ent])
    store.merge_nodes(
        "ResearchOrg",
        [
            {"key": "ua", "name": "华南理工大学", "kind": "university", "province": GD},
            {"key": "ub", "name": "北京微电子所", "kind": "institute", "province": BJ},
            {"key": "uc", "name": "上海交通大学", "kind": "university", "province": SH},
        ],
    )
    store.merge_nodes("Alliance", [{"key": "al", "name": "第三代半导体联盟", "province": BJ}])
    store.merge_nodes("PatentPool", [{"key": "pp", "name": "显示专利池"}])
    store.merge_nodes("Base", [{"key": "base", "name": "某基地", "province": GD}])
    sup = [("a1", "a2"), ("a2", "a3"), ("a3", "a1"), ("b1", "b2"), ("b2", "b3"), ("b3", "b1")]
    coop = [(e, "ua") for e in ("a1", "a2", "a3")] + [(e, "ub") for e in ("b1", "b2", "b3")]
    rels: list[tuple[str, str, str, list[tuple[str, str]]]] = [
        ("SUPPLIES", "Enterprise", "Enterprise", sup),
        ("COOPERATES_WITH", "Enterprise", "ResearchOrg", coop),
        ("MEMBER_OF", "Enterprise", "Alliance", [("a1", "al"), ("b1", "al")]),
        ("MEMBER_OF", "ResearchOrg", "Alliance", [("uc", "al")]),
        ("LICENSOR_OF", "Enterprise", "PatentPool", [("a2", "pp")]),
        # Not a network tie: a shared base must not join the two groups.
        ("LOCATED_IN", "Enterprise", "Base", [("a3", "base"), ("b3", "base")]),
    ]
    for rel, src, dst, pairs in rels:
        res = store.merge_rels(rel, src, dst, [{"src": a, "dst": b} for a, b in pairs])
        assert not res.skipped


BROKERS = [
    ("Alliance:al", "第三代半导体联盟", 29 / 45),
    ("Enterprise:a1", "华南电子", 24 / 45),
    ("Enterprise:b1", "京北芯片", 21 / 45),
    ("Enterprise:a2", "岭南光电", 9 / 45),
]
PROVINCE_BROKERS = {
    GD: [("Enterprise:a1", 0.4), ("Enterprise:a2", 0.4)],  # a tie: by node id
    BJ: [("Enterprise:b1", 0.5)],
    SH: [],  # uc–al only: nobody in between
    TJ: [],  # z1 has no tie at all
}
GROUP_A = {"Enterprise:a1", "Enterprise:a2", "Enterprise:a3", "ResearchOrg:ua", "PatentPool:pp"}
GROUP_B = {"Enterprise:b1", "Enterprise:b2", "Enterprise:b3", "ResearchOrg:ub"}
GROUP_C = {"Alliance:al", "ResearchOrg:uc"}


def brokers_of(found: list[Any]) -> list[tuple[str, float]]:
    return [(b["node"], b["betweenness"]) if isinstance(b, dict) else (b.node, b.betweenness) for b in found]


def assert_brokers(got: list[tuple[str, float]], expected: list[tuple[str, float]]) -> None:
    assert [n for n, _ in got] == [n for n, _ in expected]
    for (_, a), (_, b) in zip(got, expected, strict=True):
        assert a == pytest.approx(b, abs=1e-9)


# -- the questions, networkx on both stores --------------------------------------------------


def test_network_holds_only_collaboration_ties(store: GraphStore) -> None:
    build(store)
    rows = store.run(NETWORK_EDGES, {"province": None})
    assert {r["rel"] for r in rows} == {"SUPPLIES", "COOPERATES_WITH", "MEMBER_OF", "LICENSOR_OF"}
    assert len(rows) == 6 + 6 + 3 + 1
    assert all(r["weight"] is None for r in rows)


def test_brokers_by_hand(store: GraphStore) -> None:
    build(store)
    found = network_brokers(store, NetworkxBackend(store))
    assert_brokers(brokers_of(found), [(n, v) for n, _, v in BROKERS])
    assert [b.name for b in found] == [name for _, name, _ in BROKERS]
    assert [b.rank for b in found] == [1, 2, 3, 4]
    al = found[0]
    assert (al.label, al.label_zh, al.key, al.province) == ("Alliance", "产业联盟", "al", BJ)
    assert found[1].province == GD
    assert [b.node for b in network_brokers(store, NetworkxBackend(store), limit=2)] == ["Alliance:al", "Enterprise:a1"]


def test_communities_by_hand(store: GraphStore) -> None:
    build(store)
    found = network_communities(store, NetworkxBackend(store))
    assert [c.index for c in found] == [0, 1, 2]
    assert [c.size for c in found] == [5, 4, 2]
    assert [(c.enterprises, c.research_orgs, c.alliances, c.patent_pools) for c in found] == [
        (3, 1, 0, 1),
        (3, 1, 0, 0),
        (0, 1, 1, 0),
    ]
    # Members listed enterprises first, then research orgs, alliances, pools; by key within.
    assert found[0].members == ["Enterprise:a1", "Enterprise:a2", "Enterprise:a3", "ResearchOrg:ua", "PatentPool:pp"]
    assert found[0].names == ["华南电子", "岭南光电", "珠江材料", "华南理工大学", "显示专利池"]
    assert found[2].names == ["上海交通大学", "第三代半导体联盟"]
    assert len(network_communities(store, NetworkxBackend(store), limit=1)) == 1


def test_province_filter(store: GraphStore) -> None:
    build(store)
    backend = NetworkxBackend(store)
    for province, expected in PROVINCE_BROKERS.items():
        assert_brokers(brokers_of(network_brokers(store, backend, province=province)), expected)
    assert_brokers(brokers_of(network_brokers(store, backend, province=f" {BJ} ")), PROVINCE_BROKERS[BJ])
    # Beijing: its K4 and the alliance b1 belongs to; how Louvain splits five nodes is not the point here.
    found = network_communities(store, backend, province=BJ)
    assert sum(c.size for c in found) == 5
    assert {m for c in found for m in c.members} == GROUP_B | {"Alliance:al"}
    assert network_communities(store, backend, province=TJ) == []
    with pytest.raises(NotFoundError, match="火星省"):
        network_brokers(store, backend, province="火星省")
    with pytest.raises(NotFoundError, match="Write the province in full"):
        network_communities(store, backend, province="广东")


def test_invalid_input(store: GraphStore) -> None:
    backend = NetworkxBackend(store)
    with pytest.raises(InvalidInputError, match="at least 1") as exc:
        network_brokers(store, backend, limit=0)
    assert exc.value.field == "limit"
    with pytest.raises(InvalidInputError, match="empty") as exc:
        network_communities(store, backend, province="  ")
    assert exc.value.field == "province"
    assert network_brokers(store, backend) == [] and network_communities(store, backend) == []


def test_values_travel_as_parameters(store: GraphStore) -> None:
    build(store)
    hostile = "广东省' OR 1=1 //"
    with pytest.raises(NotFoundError):
        network_brokers(store, NetworkxBackend(store), province=hostile)
    assert store.count_nodes("Enterprise") == 7


# -- GDS inside Neo4j gives the same answers ------------------------------------------------

_schema_ready = False


@pytest.fixture
def gds_store() -> Iterator[GraphStore]:
    """The emptied test Neo4j, when it has GDS; skips with a reason otherwise."""
    from chainkg.graph.store.neo4j_store import Neo4jStore

    global _schema_ready
    if not NEO4J_URI:
        pytest.skip("GDS tests skipped: CHAINKG_TEST_NEO4J_URI is not set")
    s = Neo4jStore(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD)
    try:
        if gds_version(s) is None:
            pytest.skip(
                "GDS tests skipped: the Neo4j under test has no gds.* procedures "
                "(start it with NEO4J_TEST_GDS=1 scripts/neo4j-test-server.sh start)"
            )
        if not _schema_ready:
            s.ensure_schema()
            _schema_ready = True
        s.clear()
        yield s
    finally:
        s.close()


def leftover_graphs(store: GraphStore) -> list[str]:
    rows = store.execute("CALL gds.graph.list() YIELD graphName RETURN graphName")
    return [r["graphName"] for r in rows if str(r["graphName"]).startswith("chainkg_")]


@pytest.mark.neo4j
def test_gds_equals_networkx(gds_store: GraphStore) -> None:
    build(gds_store)
    nxb, gds = NetworkxBackend(gds_store), GdsBackend(gds_store)
    assert open_backend(gds_store, "auto").name == "gds"
    for province in (None, *PROVINCE_BROKERS):
        assert_brokers(
            brokers_of(network_brokers(gds_store, gds, province=province)),
            brokers_of(network_brokers(gds_store, nxb, province=province)),
        )
    assert_brokers(brokers_of(network_brokers(gds_store, gds)), [(n, v) for n, _, v in BROKERS])
    # The whole network's split is clear-cut, so both Louvains find it and number it alike.
    assert network_communities(gds_store, gds) == network_communities(gds_store, nxb)
    assert [set(c.members) for c in network_communities(gds_store, gds)][1:] == [GROUP_B, GROUP_C]
    with pytest.raises(NotFoundError):
        network_brokers(gds_store, gds, province="火星省")
    assert leftover_graphs(gds_store) == []


# -- through the CLI -------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def cli(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CLI runner whose settings point at a store holding the hand-built network."""
    if request.param == "ladybug":
        settings = Settings(_env_file=None, store="ladybug", data_dir=tmp_path)  # type: ignore[call-arg]
        store: GraphStore = fresh_store("ladybug", settings.ladybug_path)
    else:
        if not NEO4J_URI:
            pytest.skip(NEO4J_SKIP)
        store = fresh_store("neo4j", tmp_path)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, store="neo4j", neo4j_uri=NEO4J_URI, neo4j_user=NEO4J_USER, neo4j_password=NEO4J_PASSWORD
        )
    try:
        build(store)
    finally:
        store.close()  # the CLI opens the store itself
    monkeypatch.setattr(common, "_SETTINGS", settings)
    yield CliRunner()


def test_cli_brokers_and_communities(cli: CliRunner) -> None:
    out = cli.invoke(cli_app, ["network-brokers", "--json"])
    assert out.exit_code == 0, out.output
    assert_brokers(brokers_of(json.loads(out.stdout)), [(n, v) for n, _, v in BROKERS])
    out = cli.invoke(
        cli_app, ["network-brokers", "--province", GD, "--limit", "1", "--analytics", "networkx", "--json"]
    )
    assert out.exit_code == 0, out.output
    assert [b["key"] for b in json.loads(out.stdout)] == ["a1"]
    table = cli.invoke(cli_app, ["network-brokers"])
    assert table.exit_code == 0, table.output
    for text in ("第三代半导体联盟", "产业联盟", "0.6444", "计算引擎：networkx"):  # Chinese by default
        assert text in table.stdout
    out = cli.invoke(cli_app, ["network-communities", "--json"])
    assert out.exit_code == 0, out.output
    assert [c["size"] for c in json.loads(out.stdout)] == [5, 4, 2]
    table = cli.invoke(cli_app, ["network-communities", "--province", BJ])
    assert table.exit_code == 0, table.output
    # The runner's terminal is narrow, so member names are cut: check the title and the JSON instead.
    assert "创新网络社群 — 北京市" in table.stdout and "计算引擎：networkx" in table.stdout
    out = cli.invoke(cli_app, ["network-communities", "--province", BJ, "--json"])
    members = {m for c in json.loads(out.stdout) for m in c["members"]}
    assert members == GROUP_B | {"Alliance:al"}


def test_cli_errors(cli: CliRunner) -> None:
    out = cli.invoke(cli_app, ["network-brokers", "--analytics", "spark"])
    assert out.exit_code == 4 and "networkx, gds, auto" in out.output
    out = cli.invoke(cli_app, ["network-communities", "--province", "火星省"])
    assert out.exit_code == 3 and "火星省" in out.output
    out = cli.invoke(cli_app, ["network-brokers", "--analytics", "gds"])
    if common.settings().store == "ladybug":
        assert out.exit_code == 5 and "runs inside Neo4j" in out.output
    else:
        assert out.exit_code in (0, 5)
        if out.exit_code == 5:
            assert "no Graph Data Science plugin" in out.output


# -- through the API -------------------------------------------------------------------------


def client(store: GraphStore, tmp_path: Path, analytics: str = "networkx") -> TestClient:
    """A client on a fresh app serving ``store``, caching off, with the given analytics setting."""
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", analytics=analytics)  # type: ignore[call-arg, arg-type]
    return TestClient(create_app(settings, store=store, cache_ttl_s=0), raise_server_exceptions=False)


def test_api_brokers_and_communities(store: GraphStore, tmp_path: Path) -> None:
    build(store)
    with client(store, tmp_path) as c:
        r = c.get("/network/brokers")
        assert r.status_code == 200, r.text
        assert r.headers["x-chainkg-analytics"] == "networkx"
        assert_brokers(brokers_of(r.json()), [(n, v) for n, _, v in BROKERS])
        r = c.get("/network/brokers", params={"province": GD, "limit": 1})
        assert [b["node"] for b in r.json()] == ["Enterprise:a1"]
        r = c.get("/network/communities")
        assert r.status_code == 200, r.text
        assert [(x["size"], x["enterprises"], x["patent_pools"]) for x in r.json()] == [(5, 3, 1), (4, 3, 0), (2, 0, 0)]
        csv = c.get("/network/brokers", params={"format": "csv"})
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        # Chinese headers by default
        assert csv.text.lstrip("\ufeff").startswith("节点,类型,类型（中文）,编号,名称,省份,排名,中介性")
        assert "第三代半导体联盟" in csv.text
        assert c.get("/network/brokers", params={"province": "火星省"}).status_code == 404
        bad = c.get("/network/communities", params={"limit": 0})
        assert bad.status_code == 422 and bad.json()["field"] == "limit"


def test_api_gds_without_gds_is_a_plain_503(store: GraphStore, tmp_path: Path) -> None:
    build(store)
    if gds_version(store) is not None:
        pytest.skip("this Neo4j has GDS: the refusal cannot be shown on it")
    with client(store, tmp_path, analytics="gds") as c:
        r = c.get("/network/brokers")
        assert r.status_code == 503, r.text
        body = r.json()
        assert body["code"] == "store_unavailable"
        assert "networkx analytics backend" in body["detail"] and "Traceback" not in r.text
        # A setting to change, not an outage: the rest of the API keeps answering.
        assert c.get("/ready").status_code == 200
        assert c.get("/analytics/platform-coverage").status_code == 200
    with client(store, tmp_path, analytics="auto") as c:
        r = c.get("/network/brokers")
        assert r.status_code == 200 and r.headers["x-chainkg-analytics"] == "networkx"


@pytest.mark.neo4j
def test_api_and_cli_run_on_gds(gds_store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(gds_store)
    backend: AnalyticsBackend = NetworkxBackend(gds_store)
    expected = [b.model_dump() for b in network_brokers(gds_store, backend)]
    with client(gds_store, tmp_path, analytics="auto") as c:
        r = c.get("/network/brokers")
        assert r.status_code == 200, r.text
        assert r.headers["x-chainkg-analytics"] == "gds"
        assert_brokers(brokers_of(r.json()), brokers_of(expected))
        r = c.get("/network/communities")
        assert r.json() == [x.model_dump() for x in network_communities(gds_store, backend)]
    assert NEO4J_URI
    monkeypatch.setattr(
        common,
        "_SETTINGS",
        Settings(  # type: ignore[call-arg]
            _env_file=None, store="neo4j", neo4j_uri=NEO4J_URI, neo4j_user=NEO4J_USER, neo4j_password=NEO4J_PASSWORD
        ),
    )
    out = CliRunner().invoke(cli_app, ["network-brokers", "--analytics", "gds"])
    assert out.exit_code == 0, out.output
    assert "计算引擎：gds" in out.stdout and "第三代半导体联盟" in out.stdout  # Chinese by default
    out = CliRunner().invoke(cli_app, ["--lang", "en", "network-brokers", "--analytics", "gds"])
    assert out.exit_code == 0, out.output
    assert "Computed by gds" in out.stdout and "第三代半导体联盟" in out.stdout
    assert leftover_graphs(gds_store) == []
