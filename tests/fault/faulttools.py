"""Helpers for the fault tests: varied test data, a private Neo4j, a live API (the dump is ingesttools').

Imported as a plain module (tests/ is not a package), as pytest puts this folder on the path.
"""

from __future__ import annotations

import csv
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from ingesttools import Dump
from servertools import free_port, live_server

ROOT = Path(__file__).resolve().parents[2]
NEO4J_SERVER = ROOT / "tools" / "neo4j-server"


def dump_size(dump: Dump) -> int:
    """Rows in a dump: nodes plus relationships."""
    return sum(len(v) for v in dump.values())


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows([["" if v is None else v for v in r] for r in rows])


def varied_data(folder: Path, scale: int = 1) -> Path:
    """A folder of every common kind of table and property: text, numbers, yes/no, lists, dates.

    About ``2,600 * scale`` rows in 14 files; each relationship table refers to the node tables.
    """
    folder.mkdir(parents=True, exist_ok=True)
    nb, ne, no, na, npr, npa = 10, 150 * scale, 30, 8, 600 * scale, 150 * scale
    cities = ["深圳市", "苏州市", "合肥市", "上海市", "北京市"]
    _write_csv(
        folder / "base.csv",
        ["key", "name", "province", "city", "level", "approved_year"],
        [
            [f"b{i}", f"基地{i}", "广东省", cities[i % 5], ("national", "provincial")[i % 2], 2000 + i]
            for i in range(nb)
        ],
    )
    _write_csv(
        folder / "enterprise.csv",
        ["key", "name", "full_name", "employees", "revenue_musd", "high_tech", "listing_date", "size"],
        [
            [
                f"E{i:05d}",
                f"企业{i}",
                f"企业{i}科技股份有限公司",
                i * 7,
                round(i * 1.25, 2),
                "是" if i % 3 else "否",
                f"20{10 + i % 10}-0{1 + i % 9}-1{i % 9}",
                ("large", "medium", "small", "micro")[i % 4],
            ]
            for i in range(ne)
        ],
    )
    _write_csv(
        folder / "research_org.csv",
        ["key", "name", "kind", "city"],
        [[f"U{i}", f"研究机构{i}", ("university", "institute")[i % 2], cities[i % 5]] for i in range(no)],
    )
    _write_csv(
        folder / "alliance.csv",
        ["key", "name", "founded_year"],
        [[f"al-{i}", f"产业联盟{i}", 2005 + i] for i in range(na)],
    )
    _write_csv(folder / "product.csv", ["name", "name_en"], [[f"产品{i}", f"product {i}"] for i in range(npr)])
    _write_csv(
        folder / "patent.csv",
        ["key", "title", "ipc_codes", "year"],
        [[f"CN{i:07d}A", f"一种装置{i}", f"H01L {i % 90 + 1}/00; G06F", 2010 + i % 12] for i in range(npa)],
    )
    _write_csv(folder / "located_in.csv", ["src", "dst"], [[f"E{i:05d}", f"b{i % nb}"] for i in range(0, ne, 2)])
    _write_csv(
        folder / "makes.csv",
        ["src", "dst", "share"],
        [[f"E{i % ne:05d}", f"产品{i}", round((i % 97) / 97, 4)] for i in range(npr)],
    )
    _write_csv(folder / "input_to.csv", ["src", "dst"], [[f"产品{i}", f"产品{i + 1}"] for i in range(npr - 1)])
    _write_csv(
        folder / "member_of.csv",
        ["src", "dst", "role", "since"],
        [[f"E{i:05d}", f"al-{i % na}", ("member", "chair")[i % 40 == 0], 2010 + i % 10] for i in range(0, ne, 3)],
    )
    _write_csv(folder / "holds_patent.csv", ["src", "dst"], [[f"E{i % ne:05d}", f"CN{i:07d}A"] for i in range(npa)])
    _write_csv(folder / "in_field.csv", ["src", "dst"], [[f"CN{i:07d}A", "H01L"] for i in range(npa)])
    _write_csv(folder / "tech_field.csv", ["key", "name"], [["H01L", "半导体器件"], ["G06F", "电数字数据处理"]])
    _write_csv(
        folder / "cooperates_with.csv",
        ["src", "dst", "kind", "since"],
        [[f"E{i:05d}", f"U{i % no}", "joint_lab", 2015] for i in range(0, ne, 5)],
    )
    return folder


# -- a private Neo4j server ---------------------------------------------------------------------------


def neo4j_classpath() -> str:
    """The test server's class path, built with Maven if needed; skips the test when it cannot be had."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed: the private Neo4j of this fault test cannot run (CI has it)")
    cp_file = NEO4J_SERVER / "target" / "classpath.txt"
    cls = NEO4J_SERVER / "target" / "classes" / "chainkg" / "Neo4jTestServer.class"
    if not (cp_file.is_file() and cls.is_file()):
        if shutil.which("mvn") is None:
            pytest.skip("Maven is not installed and tools/neo4j-server is not built (CI has both)")
        subprocess.run(["mvn", "-q", "-B", "-f", str(NEO4J_SERVER / "pom.xml"), "compile"], check=True, timeout=900)
    return f"{NEO4J_SERVER / 'target' / 'classes'}:{cp_file.read_text().strip()}"


def bolt_answers(port: int) -> bool:
    """True when something on ``port`` answers the Bolt handshake."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.settimeout(5)
            s.sendall(bytes.fromhex("6060b017" + "00000405" + "00000004" + "00000003" + "00000000"))
            return len(s.recv(4)) == 4
    except OSError:
        return False


class PrivateNeo4j:
    """A Neo4j 5.26 of this test only (the shared test server is never stopped), on a fixed port
    and data folder, so it can be killed and started again as the same database."""

    # Auth off: the server sets its password with ALTER USER at every start, which Neo4j refuses
    # on a restart over the same data ("old password and new password cannot be the same").
    PASSWORD = ""

    def __init__(self, home: Path, port: int | None = None) -> None:
        self.home = home
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = home / "server.log"
        self.classpath = neo4j_classpath()

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def start(self, timeout: float = 240.0) -> float:
        """Start the server and wait until Bolt answers; returns the seconds it took."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.home.mkdir(parents=True, exist_ok=True)
        port_file = self.home / "port"
        port_file.unlink(missing_ok=True)
        t0 = time.monotonic()
        cmd = [
            shutil.which("java") or "java",
            "-Xms128m",
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-cp",
            self.classpath,
            "chainkg.Neo4jTestServer",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.home / "db"),
            "--port-file",
            str(port_file),
            "--pagecache",
            "32m",
            "--no-auth",
        ]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        while not (port_file.is_file() and bolt_answers(self.port)):
            if self.proc.poll() is not None:
                raise RuntimeError(f"Neo4j exited during start: {self.log.read_text(errors='replace')[-3000:]}")
            if time.monotonic() - t0 > timeout:
                self.kill()
                raise RuntimeError(f"Neo4j did not answer within {timeout:.0f} s")
            time.sleep(0.2)
        return time.monotonic() - t0

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the server and wait for it to end."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


live_api = live_server  # a live uvicorn server (30 s to start, 15 s to stop), under the fault tests' name
