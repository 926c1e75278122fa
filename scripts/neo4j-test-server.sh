#!/usr/bin/env bash
# Start / stop a throw-away embedded Neo4j 5.26 Community server for chainkg's tests.
#
#   eval "$(scripts/neo4j-test-server.sh start)"   # builds (Maven), starts, prints export lines
#   scripts/neo4j-test-server.sh status
#   scripts/neo4j-test-server.sh stop
#
# Only the `export ...` lines go to stdout; everything else goes to stderr.
# State lives in <repo>/.neo4j-test/ (server.log, pid, port, env, datadir).
#
# Environment knobs (all optional):
#   CHAINKG_TEST_NEO4J_PASSWORD   password for user neo4j (default: chainkg-test)
#   NEO4J_TEST_NO_AUTH=1          disable authentication (no USER/PASSWORD lines printed)
#   NEO4J_TEST_PORT               Bolt port (default: a free port on 127.0.0.1)
#   NEO4J_TEST_HEAP               JVM max heap (default: 1g)
#   NEO4J_TEST_PAGECACHE          Neo4j page cache (default: 128m)
#   NEO4J_TEST_START_TIMEOUT      seconds to wait for Bolt (default: 120)
#   NEO4J_TEST_MVN_ARGS           extra Maven arguments (e.g. -o)
#   NEO4J_TEST_GDS=1              add the Graph Data Science 2.13 procedures (Maven profile gds;
#                                 ~17 MB more on the first build, ~4-6 s more per start)
#   JAVA_HOME                     Java 17+ to use (default: java on PATH)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVER_DIR="$ROOT/tools/neo4j-server"
STATE_DIR="$ROOT/.neo4j-test"
LOG="$STATE_DIR/server.log"
PID_FILE="$STATE_DIR/pid"
PORT_FILE="$STATE_DIR/port"
ENV_FILE="$STATE_DIR/env"
DATADIR_FILE="$STATE_DIR/datadir"
MAIN_CLASS="chainkg.Neo4jTestServer"
# With GDS the class path is written to its own file, so the plain and GDS builds coexist.
if [[ "${NEO4J_TEST_GDS:-0}" == "1" ]]; then
    CLASSPATH_FILE="$SERVER_DIR/target/classpath-gds.txt"
    MVN_PROFILE=(-Pgds)
    GDS_ARGS=(--gds)
else
    CLASSPATH_FILE="$SERVER_DIR/target/classpath.txt"
    MVN_PROFILE=()
    GDS_ARGS=()
fi

log() { echo "neo4j-test-server: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

java_bin() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        echo "$JAVA_HOME/bin/java"
    else
        command -v java || die "java not found (need Java 17+)"
    fi
}

# Is the pid in the pid file alive and really our server?
running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r "/proc/$pid/cmdline" ]]; then
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$MAIN_CLASS" || return 1
    fi
    echo "$pid"
}

# Bolt handshake: send the magic preamble + 4 version proposals, expect 4 bytes back.
bolt_answers() {
    python3 - "$1" <<'PY' 2>/dev/null
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
    s.settimeout(5)
    s.sendall(bytes.fromhex("6060b017")
              + bytes.fromhex("00000405") + bytes.fromhex("00000004")
              + bytes.fromhex("00000003") + bytes.fromhex("00000000"))
    data = b""
    while len(data) < 4:
        chunk = s.recv(4 - len(data))
        if not chunk:
            break
        data += chunk
    s.close()
    sys.exit(0 if len(data) == 4 and data != b"\x00\x00\x00\x00" else 1)
except Exception:
    sys.exit(1)
PY
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Compile the server and write target/classpath.txt (classpath-gds.txt with GDS); skipped when up to date.
build() {
    command -v mvn >/dev/null || die "mvn not found (need Maven 3.6+)"
    local stamp="$CLASSPATH_FILE"
    local cls="$SERVER_DIR/target/classes/chainkg/Neo4jTestServer.class"
    if [[ -s "$stamp" && -f "$cls" ]] \
        && [[ -z "$(find "$SERVER_DIR/pom.xml" "$SERVER_DIR/src" -newer "$stamp" -print -quit)" ]] \
        && [[ -z "$(find "$SERVER_DIR/src" -newer "$cls" -print -quit)" ]] \
        && all_jars_present "$stamp"; then
        log "server build is up to date"
        return 0
    fi
    log "building $SERVER_DIR with Maven${MVN_PROFILE[*]:+ ${MVN_PROFILE[*]}} (first run downloads Neo4j, ~100 MB) ..."
    local t0=$SECONDS
    # shellcheck disable=SC2086
    if ! mvn -q -B -Dstyle.color=never -f "$SERVER_DIR/pom.xml" ${NEO4J_TEST_MVN_ARGS:-} "${MVN_PROFILE[@]}" compile >&2; then
        die "Maven build failed"
    fi
    [[ -s "$stamp" ]] || die "Maven did not write $stamp"
    touch "$stamp"
    log "build done in $((SECONDS - t0)) s"
}

all_jars_present() {
    local IFS=':' jar
    for jar in $(cat "$1"); do
        [[ -f "$jar" ]] || return 1
    done
}

print_env() {
    cat "$ENV_FILE"
}

cmd_start() {
    mkdir -p "$STATE_DIR"
    local pid
    if pid="$(running_pid)"; then
        if [[ -s "$ENV_FILE" && -s "$PORT_FILE" ]] && bolt_answers "$(cat "$PORT_FILE")"; then
            log "already running (pid $pid)"
            grep -m1 -E '^Neo4j .* started' "$LOG" >&2 || true
            if [[ ${#GDS_ARGS[@]} -gt 0 ]] && ! grep -q -E '^Neo4j .* started.*GDS ' "$LOG"; then
                log "WARNING: the running server has no GDS; run 'stop', then 'start' again with NEO4J_TEST_GDS=1"
            fi
            print_env
            return 0
        fi
        log "pid $pid is running but not answering; stopping it first"
        cmd_stop
    fi
    cleanup_state

    build

    local java heap pagecache timeout
    java="$(java_bin)"
    heap="${NEO4J_TEST_HEAP:-1g}"
    pagecache="${NEO4J_TEST_PAGECACHE:-128m}"
    timeout="${NEO4J_TEST_START_TIMEOUT:-120}"

    local auth_args=() password=""
    if [[ "${NEO4J_TEST_NO_AUTH:-0}" == "1" ]]; then
        auth_args=(--no-auth)
    else
        password="${CHAINKG_TEST_NEO4J_PASSWORD:-chainkg-test}"
        ((${#password} >= 8)) || die "CHAINKG_TEST_NEO4J_PASSWORD must have at least 8 characters"
    fi

    local cp
    cp="$SERVER_DIR/target/classes:$(cat "$CLASSPATH_FILE")"

    # The free port is picked before Java binds it; if another process grabs it in between,
    # retry with a new port (only when the port was not fixed by NEO4J_TEST_PORT).
    local attempt port datadir t0 deadline
    for attempt in 1 2 3; do
        port="${NEO4J_TEST_PORT:-$(free_port)}"
        datadir="$(mktemp -d "${TMPDIR:-/tmp}/chainkg-neo4j-test.XXXXXX")"
        echo "$datadir" >"$DATADIR_FILE"
        log "starting Neo4j on 127.0.0.1:$port (data in $datadir, log in $LOG)"
        t0=$SECONDS
        # The password goes through the environment, not the command line (visible in ps).
        CHAINKG_TEST_NEO4J_PASSWORD="$password" nohup "$java" \
            -Xms256m "-Xmx$heap" \
            -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+ExitOnOutOfMemoryError \
            -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true \
            -Dlog4j2.disable.jmx=true \
            --add-opens=java.base/java.nio=ALL-UNNAMED \
            --add-opens=java.base/java.io=ALL-UNNAMED \
            --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
            --add-opens=java.base/java.lang=ALL-UNNAMED \
            -cp "$cp" "$MAIN_CLASS" \
            --host 127.0.0.1 --port "$port" --data-dir "$datadir" --port-file "$PORT_FILE" \
            --pagecache "$pagecache" "${auth_args[@]}" "${GDS_ARGS[@]}" \
            </dev/null >"$LOG" 2>&1 &
        pid=$!
        echo "$pid" >"$PID_FILE"

        # Ready = the server wrote its port file (after setting the password) and Bolt answers.
        deadline=$((SECONDS + timeout))
        while :; do
            if ! kill -0 "$pid" 2>/dev/null; then
                wait "$pid" 2>/dev/null || true
                rm -f "$PID_FILE"
                remove_datadir
                if [[ -z "${NEO4J_TEST_PORT:-}" && $attempt -lt 3 ]] \
                    && grep -q 'Address already in use' "$LOG"; then
                    log "port $port was taken meanwhile; retrying with another port"
                    continue 2
                fi
                log "server process $pid exited during startup; last log lines:"
                tail -n 40 "$LOG" >&2 || true
                exit 1
            fi
            if [[ -s "$PORT_FILE" ]] && bolt_answers "$(cat "$PORT_FILE")"; then
                break 2
            fi
            if ((SECONDS >= deadline)); then
                log "Bolt did not answer within ${timeout}s; last log lines:"
                tail -n 40 "$LOG" >&2 || true
                cmd_stop || true
                exit 1
            fi
            sleep 0.5
        done
    done
    port="$(cat "$PORT_FILE")"
    log "ready in $((SECONDS - t0)) s (pid $pid)"
    grep -m1 -E '^Neo4j .* started' "$LOG" >&2 || true

    # CHAINKG_TEST_NEO4J_* point the tests' Neo4j leg at this server; CHAINKG_NEO4J_* are the
    # variables the app reads, so `CHAINKG_STORE=neo4j chainkg status` reaches the same server.
    {
        echo "export CHAINKG_TEST_NEO4J_URI=bolt://127.0.0.1:$port"
        echo "export CHAINKG_NEO4J_URI=bolt://127.0.0.1:$port"
        if [[ -n "$password" ]]; then
            echo "export CHAINKG_TEST_NEO4J_USER=neo4j"
            printf 'export CHAINKG_TEST_NEO4J_PASSWORD=%q\n' "$password"
            echo "export CHAINKG_NEO4J_USER=neo4j"
            printf 'export CHAINKG_NEO4J_PASSWORD=%q\n' "$password"
        fi
    } >"$ENV_FILE"
    log "user neo4j, password ${password:-(none: auth off)}; for the CLI and API: export CHAINKG_STORE=neo4j"
    print_env
}

remove_datadir() {
    if [[ -s "$DATADIR_FILE" ]]; then
        local d
        d="$(cat "$DATADIR_FILE")"
        case "$d" in
            */chainkg-neo4j-test.*) rm -rf -- "$d" ;;
        esac
        rm -f "$DATADIR_FILE"
    fi
}

cleanup_state() {
    rm -f "$PID_FILE" "$PORT_FILE" "$ENV_FILE"
    remove_datadir
}

cmd_stop() {
    local pid
    if ! pid="$(running_pid)"; then
        log "not running"
        cleanup_state
        return 0
    fi
    log "stopping pid $pid ..."
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 120; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "still running after 60 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 1
    fi
    # Reap if it is our child (it never is across invocations, but harmless).
    wait "$pid" 2>/dev/null || true
    cleanup_state
    log "stopped"
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        log "running (pid $pid)"
        grep -m1 -E '^Neo4j .* started' "$LOG" >&2 || true
        [[ -s "$ENV_FILE" ]] && print_env
        return 0
    fi
    log "not running"
    return 3
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    build) build ;;
    *)
        echo "usage: $0 {start|stop|status|build}" >&2
        exit 2
        ;;
esac
