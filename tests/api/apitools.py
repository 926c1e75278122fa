"""Helpers shared by the API tests (imported as a plain module: tests/ is not a package)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import servertools
from fastapi import FastAPI
from fastapi.testclient import TestClient

from chainkg.api.main import create_app
from chainkg.graph.store import GraphStore
from chainkg.settings import Settings

WRITE_KEY = "test-write-key-0123456789"
READ_KEY = "test-read-key"


def make_settings(tmp_path: Path, **kw: Any) -> Settings:
    """Settings that read nothing from the environment or a .env file."""
    return Settings(_env_file=None, data_dir=tmp_path / "data", **kw)  # type: ignore[call-arg]


def client_for(store: GraphStore, settings: Settings, **kw: Any) -> TestClient:
    """A TestClient on a fresh app serving ``store`` (caching off, so each call hits the store)."""
    app = create_app(settings, store=store, cache_ttl_s=kw.pop("cache_ttl_s", 0), **kw)
    return TestClient(app, raise_server_exceptions=False)


def seed_small(store: GraphStore) -> None:
    """A few nodes of each kind the resource tests filter on."""
    store.merge_nodes(
        "Base",
        [
            {"key": "sz-led", "name": "深圳LED创新基地", "province": "广东省", "city": "深圳市", "level": "national"},
            {"key": "bj-ic", "name": "北京集成电路基地", "province": "北京市", "level": "provincial"},
        ],
    )
    store.merge_nodes(
        "Industry",
        [
            {"key": "SW2021:270000", "name": "电子", "code": "270000", "scheme": "SW2021", "level": 1},
            {"key": "SW2021:270100", "name": "半导体", "code": "270100", "scheme": "SW2021", "level": 2},
            {"key": "SW2021:270102", "name": "集成电路", "code": "270102", "scheme": "SW2021", "level": 3},
        ],
    )
    store.merge_rels(
        "SUB_INDUSTRY_OF",
        "Industry",
        "Industry",
        [{"src": "SW2021:270100", "dst": "SW2021:270000"}, {"src": "SW2021:270102", "dst": "SW2021:270100"}],
    )
    store.merge_nodes(
        "Enterprise",
        [
            {"key": "e-byd", "name": "比亚迪", "full_name": "比亚迪股份有限公司", "province": "广东省"},
            {"key": "e-tcl", "name": "TCL 科技", "full_name": "TCL科技集团股份有限公司", "province": "广东省"},
            {"key": "e-smic", "name": "中芯国际", "full_name": "中芯国际集成电路制造有限公司", "province": "上海市"},
        ],
    )
    store.merge_rels(
        "IN_INDUSTRY",
        "Enterprise",
        "Industry",
        [{"src": "e-smic", "dst": "SW2021:270102"}, {"src": "e-tcl", "dst": "SW2021:270100"}],
    )
    store.merge_rels("LOCATED_IN", "Enterprise", "Base", [{"src": "e-byd", "dst": "sz-led"}])
    store.merge_nodes(
        "ResearchOrg",
        [
            {"key": "u-thu", "name": "清华大学", "kind": "university", "province": "北京市"},
            {"key": "i-ime", "name": "中国科学院微电子研究所", "kind": "institute", "province": "北京市"},
        ],
    )
    store.merge_nodes(
        "Platform",
        [
            {"key": "pf-sz-test", "name": "深圳LED检测平台", "kind": "testing", "province": "广东省"},
            {"key": "pf-bj-rnd", "name": "北京集成电路研发平台", "kind": "rnd", "province": "北京市"},
        ],
    )
    store.merge_rels("SERVES", "Platform", "Base", [{"src": "pf-sz-test", "dst": "sz-led"}])
    store.merge_nodes("Product", [{"key": f"产品{i:02d}", "name": f"产品{i:02d}"} for i in range(25)])
    store.merge_nodes("Product", [{"key": 'd\'zzit \\ "q"', "name": 'd\'zzit \\ "q"'}, {"key": "a/b", "name": "a/b"}])
    store.merge_nodes(
        "Patent", [{"key": "CN1A", "title": "一种LED封装结构", "ipc_codes": ["H01L 33/48"], "year": 2021}]
    )


def live_server(app: FastAPI) -> AbstractContextManager[str]:
    """Serve ``app`` with uvicorn on a free loopback port in a thread; yields the base URL.

    :func:`servertools.live_server` with the API tests' timings (20 s to start, 10 s to stop).
    """
    return servertools.live_server(app, start_timeout=20, stop_timeout=10)
