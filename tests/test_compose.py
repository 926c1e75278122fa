"""docker-compose.yml comes up: rendered as `docker compose config` would, checked against each container.

No Docker engine runs on the development machines, so the file is rendered here with compose's
interpolation rules (``$$``, ``$VAR``, ``${VAR}``, ``${VAR:-d}``, ``${VAR-d}``, ``${VAR:?e}``,
``${VAR?e}``, ``${VAR:+r}``, ``${VAR+r}``), and every healthcheck and command is checked
against the environment its container has (its ``environment`` plus the image's ``ENV``); the
Neo4j healthcheck is run by a real shell with that environment and a stand-in cypher-shell.
The file before issue 18 (tests/data/compose/) must fail these checks: its healthcheck read a
variable the Neo4j container never had, so the API never started.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
BEFORE = Path(__file__).resolve().parent / "data" / "compose"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# What every Linux container has without being told (set by the runtime or the base image).
BASELINE = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOSTNAME": "c0ffee", "HOME": "/root"}
ENV = {"NEO4J_PASSWORD": "s3cret-pw"}  # what README tells the operator to export, nothing more


class InterpolationError(ValueError):
    """What `docker compose config` refuses: a required variable unset, or a malformed ``$``."""


# -- compose interpolation ------------------------------------------------------------------


def interpolate(s: str, env: Mapping[str, str], warnings: list[str]) -> str:
    """``s`` with compose's variable substitution applied (``$$`` is a literal ``$``)."""
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        if s[i] != "$":
            out.append(s[i])
            i += 1
            continue
        nxt = s[i + 1] if i + 1 < n else ""
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "{":
            end = _closing(s, i + 2)
            out.append(_braced(s[i + 2 : end], env, warnings, s))
            i = end + 1
        elif m := NAME.match(s, i + 1):
            out.append(_lookup(m.group(), env, warnings))
            i = m.end()
        else:
            raise InterpolationError(f"invalid interpolation format in {s!r}: a lone '$' (write '$$')")
    return "".join(out)


def _closing(s: str, start: int) -> int:
    depth, i = 1, start
    while i < len(s):
        if s.startswith("${", i):
            depth += 1
            i += 2
            continue
        if s[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise InterpolationError(f"invalid interpolation format in {s!r}: '${{' without '}}'")


def _lookup(name: str, env: Mapping[str, str], warnings: list[str]) -> str:
    if name not in env:
        warnings.append(f"The {name!r} variable is not set. Defaulting to a blank string.")
        return ""
    return env[name]


def _braced(body: str, env: Mapping[str, str], warnings: list[str], whole: str) -> str:
    m = NAME.match(body)
    if not m:
        raise InterpolationError(f"invalid interpolation format in {whole!r}: ${{{body}}}")
    name, rest = m.group(), body[m.end() :]
    is_set, value = name in env, env.get(name, "")
    if rest == "":
        return _lookup(name, env, warnings)
    for op in (":-", "-", ":?", "?", ":+", "+"):
        if rest.startswith(op):
            arg = rest[len(op) :]
            colon = op.startswith(":")
            present = is_set and (value != "" or not colon)
            if op.endswith("-"):
                return value if present else interpolate(arg, env, warnings)
            if op.endswith("?"):
                if not present:
                    raise InterpolationError(f"required variable {name} is missing a value: {arg}")
                return value
            return interpolate(arg, env, warnings) if present else ""
    raise InterpolationError(f"invalid interpolation format in {whole!r}: ${{{body}}}")


def render(path: Path, env: Mapping[str, str], warnings: list[str] | None = None) -> dict[str, Any]:
    """The compose file as `docker compose config` sees it: YAML (anchors merged), then values interpolated."""
    warn = warnings if warnings is not None else []

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return interpolate(v, env, warn)
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    doc = walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert isinstance(doc, dict)
    return doc


# -- the image and each container's environment ----------------------------------------------


def dockerfile_final_stage(path: Path) -> dict[str, Any]:
    """ENV, USER, HEALTHCHECK and RUN lines of the last stage of a Dockerfile."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    stage: dict[str, Any] = {}
    for line in text.splitlines():
        word, _, rest = line.strip().partition(" ")
        word = word.upper()
        if word == "FROM":
            stage = {"env": dict(BASELINE), "user": "root", "healthcheck": None, "run": []}
        elif word == "ENV":
            for pair in shlex.split(rest):
                k, _, v = pair.partition("=")
                known = stage["env"]
                known[k] = re.sub(r"\$\{?(\w+)\}?", lambda m, known=known: known.get(m.group(1), ""), v)
        elif word == "USER":
            stage["user"] = rest.strip()
        elif word == "HEALTHCHECK":
            stage["healthcheck"] = rest.strip()
        elif word == "RUN":
            stage["run"].append(rest)
    return stage


def container_env(service: dict[str, Any], image: dict[str, Any]) -> dict[str, str]:
    """What a service's process sees: the image's ENV (built images) or the baseline, then ``environment``."""
    env = dict(image["env"]) if service.get("build") else dict(BASELINE)
    given = service.get("environment") or {}
    if isinstance(given, list):
        given = dict(item.partition("=")[::2] for item in given)
    env.update({k: "" if v is None else str(v) for k, v in given.items()})
    return env


SHELL_REF = re.compile(r"\$(?:\{(\w+)([^}]*)\}|(\w+))")
PY_REF = re.compile(r"os\.environ\[['\"](\w+)['\"]\]|os\.(?:environ\.get|getenv)\(['\"](\w+)['\"]\s*\)")


def command_problems(where: str, cmd: Any, env: Mapping[str, str]) -> list[str]:
    """Variables a healthcheck or command reads that its container lacks, and commands that cannot run."""
    from chainkg.cli.main import COMMANDS

    problems = []
    if isinstance(cmd, str):
        cmd = ["CMD-SHELL", cmd]
    form, args = (cmd[0], cmd[1:]) if cmd and cmd[0] in ("CMD", "CMD-SHELL") else ("CMD", list(cmd))
    text = " ".join(args)
    for m in SHELL_REF.finditer(text):
        name, modifier = m.group(1) or m.group(3), m.group(2) or ""
        if form == "CMD":
            problems.append(f"{where}: exec form has no shell, so '{m.group()}' is passed literally")
        elif name not in env and not modifier.startswith((":-", "-")):
            problems.append(f"{where}: reads ${name}, which the container does not have")
        elif name in env and env[name] == "" and not modifier:
            problems.append(f"{where}: reads ${name}, which is empty in the container")
    for m in PY_REF.finditer(text):
        if m.group(1) and m.group(1) not in env:
            problems.append(f"{where}: reads os.environ[{m.group(1)!r}], which the container does not have")
    words = shlex.split(text) if form == "CMD-SHELL" else args
    if words and words[0] == "chainkg" and len(words) > 1 and words[1] not in {e.name for e in COMMANDS}:
        problems.append(f"{where}: 'chainkg {words[1]}' is not a chainkg command")
    return problems


def problems(compose: Path, dockerfile: Path, env: Mapping[str, str] = ENV) -> list[str]:
    """Everything that would keep the stack from coming up and serving as the README says."""
    doc = render(compose, env)
    image = dockerfile_final_stage(dockerfile)
    services: dict[str, Any] = doc["services"]
    found: list[str] = []
    for name, svc in services.items():
        env_c = container_env(svc, image)
        hc = svc.get("healthcheck", {}).get("test")
        if hc is None and svc.get("build") and image["healthcheck"]:
            body = image["healthcheck"].removeprefix("CMD").strip()
            hc = yaml.safe_load(body) if body.startswith("[") else ["CMD-SHELL", body]
            hc = ["CMD", *hc] if isinstance(hc, list) and hc[0] not in ("CMD", "CMD-SHELL") else hc
        if hc is not None:
            found += command_problems(f"{name} healthcheck", hc, env_c)
        for key in ("command", "entrypoint"):
            if svc.get(key):
                found += command_problems(f"{name} {key}", svc[key], env_c)
        for dep, cond in (svc.get("depends_on") or {}).items():
            target = services.get(dep)
            if target is None:
                found.append(f"{name} depends on {dep}, which is not a service")
            elif cond.get("condition") == "service_healthy" and not (
                target.get("healthcheck") or (target.get("build") and image["healthcheck"])
            ):
                found.append(f"{name} waits for {dep} to be healthy, but {dep} has no healthcheck")
        for vol in svc.get("volumes") or []:
            src = vol.split(":")[0]
            if not src.startswith((".", "/", "~")) and src not in (doc.get("volumes") or {}):
                found.append(f"{name}: volume {src} is not declared")
    return found


# -- the checks ------------------------------------------------------------------------------


def test_interpolation_follows_compose_rules() -> None:
    env = {"SET": "v", "EMPTY": ""}
    w: list[str] = []
    cases = {
        "$$SET": "$SET",
        "$${SET}": "${SET}",
        "$SET/x": "v/x",
        "${SET}": "v",
        "${EMPTY:-d}": "d",
        "${EMPTY-d}": "",
        "${UNSET-d}": "d",
        "${UNSET:-${SET}x}": "vx",
        "${SET:+r}": "r",
        "${EMPTY:+r}": "",
        "${EMPTY+r}": "r",
        "${SET:?needed}": "v",
        "${EMPTY?needed}": "",
    }
    for given, want in cases.items():
        assert interpolate(given, env, w) == want, given
    assert w == []
    assert interpolate("a${UNSET}b", env, w) == "ab" and "UNSET" in w[0]
    bad_cases = (("${EMPTY:?set it}", "set it"), ("${UNSET?set it}", "set it"), ("${1X}", "invalid"), ("$ x", "lone"))
    for bad, msg in bad_cases:
        with pytest.raises(InterpolationError, match=msg):
            interpolate(bad, env, w)


def test_the_file_before_issue_18_fails() -> None:
    found = problems(BEFORE / "docker-compose.before.yml", BEFORE / "Dockerfile.before")
    assert "neo4j healthcheck: reads $NEO4J_PASSWORD, which the container does not have" in found, found


def test_healthchecks_and_commands_match_their_containers() -> None:
    assert problems(ROOT / "docker-compose.yml", ROOT / "Dockerfile") == []


def test_rendering_needs_the_password_and_nothing_else() -> None:
    with pytest.raises(InterpolationError, match="NEO4J_PASSWORD"):
        render(ROOT / "docker-compose.yml", {})
    warnings: list[str] = []
    render(ROOT / "docker-compose.yml", ENV, warnings)
    assert warnings == [], "every other variable has a default"


def _run_shell_healthcheck(test: list[str], env: dict[str, str], tmp_path: Path) -> list[str]:
    """Run a CMD-SHELL healthcheck with ``env`` and a cypher-shell that records its arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "cypher-shell"
    fake.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$ARGS_OUT"\n', encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    out = tmp_path / "args"
    run_env = env | {"PATH": f"{bin_dir}:/usr/bin:/bin", "ARGS_OUT": str(out)}
    assert test[0] == "CMD-SHELL"
    proc = subprocess.run(["/bin/sh", "-c", test[1]], env=run_env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return out.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("which", ["now", "before"])
def test_neo4j_healthcheck_logs_in_with_the_password(which: str, tmp_path: Path) -> None:
    compose = ROOT / "docker-compose.yml" if which == "now" else BEFORE / "docker-compose.before.yml"
    neo4j = render(compose, ENV)["services"]["neo4j"]
    args = _run_shell_healthcheck(neo4j["healthcheck"]["test"], container_env(neo4j, {"env": {}}), tmp_path)
    password = args[args.index("-p") + 1]
    if which == "now":
        assert password == ENV["NEO4J_PASSWORD"] and "RETURN 1" in args
    else:
        assert password == "", "the old healthcheck sent an empty password: Neo4j never became healthy"


def test_api_healthcheck_reaches_the_api(tmp_path: Path) -> None:
    """The API's exec-form healthcheck, run with the API container's environment, asks the API."""
    hits: list[str] = []

    class Ready(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ready)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        doc = render(ROOT / "docker-compose.yml", ENV)
        api = doc["services"]["api"]
        env = container_env(api, dockerfile_final_stage(ROOT / "Dockerfile"))
        env["CHAINKG_PORT"] = str(server.server_address[1])  # the container's port, here a free one
        test = api["healthcheck"]["test"]
        assert test[0] == "CMD" and test[1] == "python"
        # The image's python is this one here; everything else comes from the container's environment.
        proc = subprocess.run([sys.executable, *test[2:]], env=env | {"PATH": os.environ["PATH"]}, timeout=30)
        assert proc.returncode == 0 and hits == ["/ready"]
    finally:
        server.shutdown()


def test_the_stack_keeps_data_and_reports_and_loads_data() -> None:
    doc = render(ROOT / "docker-compose.yml", ENV)
    s = doc["services"]
    api, loader, neo4j = s["api"], s["loader"], s["neo4j"]
    assert neo4j["image"].startswith("neo4j:5.26")
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert loader["depends_on"]["neo4j"]["condition"] == "service_healthy"
    image = dockerfile_final_stage(ROOT / "Dockerfile")
    for svc in (api, loader):
        env = container_env(svc, image)
        assert env["CHAINKG_STORE"] == "neo4j" and env["CHAINKG_NEO4J_PASSWORD"] == ENV["NEO4J_PASSWORD"]
        mounts = {v.split(":")[1]: v.split(":")[0] for v in svc["volumes"]}
        assert mounts.get(env["CHAINKG_DATA_DIR"]) == "chainkg-data", "the data folder is on a named volume"
        assert env["CHAINKG_REPORTS_DIR"].startswith(env["CHAINKG_DATA_DIR"] + "/"), "reports outlive the container"
    assert loader["command"] == ["chainkg", "ingest-demo"] and loader["profiles"] == ["load"]
    assert "/data" in {v.split(":")[1] for v in neo4j["volumes"]}


def test_no_upload_key_means_uploads_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """With CHAINKG_API_KEY unset on the host, the API's settings hold no write key (403, not 401)."""
    from chainkg.settings import Settings

    api = render(ROOT / "docker-compose.yml", ENV)["services"]["api"]
    assert api["environment"]["CHAINKG_API_KEY"] == ""
    for k, v in api["environment"].items():
        monkeypatch.setenv(k, str(v))
    cfg = Settings(_env_file=None)  # type: ignore[call-arg]
    assert cfg.api_key is None and cfg.store == "neo4j"
    keyed = render(ROOT / "docker-compose.yml", ENV | {"CHAINKG_API_KEY": "k"})["services"]["api"]
    assert keyed["environment"]["CHAINKG_API_KEY"] == "k"


def test_image_is_unprivileged_and_locked() -> None:
    image = dockerfile_final_stage(ROOT / "Dockerfile")
    assert image["user"] not in ("", "root", "0"), "the image runs as an unprivileged user"
    build = dockerfile_final_stage_all_runs(ROOT / "Dockerfile")
    assert any("--constraint requirements.lock" in r or "-c requirements.lock" in r for r in build)
    assert image["env"]["CHAINKG_DATA_DIR"] and "chainkg" in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def dockerfile_final_stage_all_runs(path: Path) -> list[str]:
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    return [line.strip()[4:] for line in text.splitlines() if line.strip().upper().startswith("RUN ")]


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_lock_pins_every_dependency_within_its_range() -> None:
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = lock_pins()
    assert len(pins) > len(deps), "the lock pins the dependencies of the dependencies too"
    for dep in deps:
        req = Requirement(dep)
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        assert name in pins, f"{req.name} is not in requirements.lock (regenerate it: see its header)"
        assert req.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} is outside {req.specifier}"
