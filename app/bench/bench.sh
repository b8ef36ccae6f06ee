#!/usr/bin/env bash
# Benchmark of the visit counter -- NOT a test, nothing here is asserted.
#
# Starts a throw-away redis-server and ONE uvicorn process on free loopback
# ports, with a random password as deployed (Redis: an included config file;
# the app: REDIS_PASSWORD_FILE), warms up, then measures with wrk (64 connections):
#   GET /healthz  (no Redis)  and  GET /  (one INCR per request)
# and redis-server's own INCR rate with redis-benchmark, all on this machine.
# Prints requests/s and p99 latency, the / : /healthz ratio, and checks the
# aims: counter rate >= 0.5 x healthz rate, p99 < 25 ms at 64 connections.
#
#   app/bench/bench.sh                      # from anywhere
#   DURATION=30s CONNECTIONS=128 app/bench/bench.sh
#   UVICORN_ARGS="--loop asyncio --http h11" app/bench/bench.sh   # pure-Python paths
#   BENCH_OUT=/some/dir app/bench/bench.sh  # keep the raw wrk/redis output
#
# Needs: wrk, redis-server, redis-cli, redis-benchmark (scripts/setup.sh installs them) and the
# app's virtual environment .tools/app-venv that setup builds from app/requirements.lock -- the
# packages the image ships, uvloop and httptools included (set PYTHON=... for another Python).
# Every process it starts is stopped on exit (trap), also on Ctrl-C or error.
set -euo pipefail
if [ "$#" -gt 0 ]; then
    echo "bench:app: takes no arguments (got: $*); set DURATION, CONNECTIONS, UVICORN_ARGS or BENCH_OUT instead" >&2
    exit 2
fi

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
APP_DIR=$(cd "$HERE/.." && pwd)
PYTHON=${PYTHON:-$(cd "$APP_DIR/.." && pwd)/.tools/app-venv/bin/python}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
REQUESTS=${REQUESTS:-200000}          # redis-benchmark -n
UVICORN_ARGS=${UVICORN_ARGS:-}

for tool in wrk redis-server redis-cli redis-benchmark "$PYTHON"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: '$tool' not found" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/counter-bench.XXXXXX")
PIDS=()
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid tries alive
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for ((tries = 0; tries < 100; tries++)); do   # up to 10 s for a clean exit
        alive=0
        for pid in "${PIDS[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        ((alive)) || break
        sleep 0.1
    done
    for pid in "${PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ -n "${BENCH_OUT:-}" ]]; then
        mkdir -p "$BENCH_OUT" && cp "$WORK"/* "$BENCH_OUT"/ 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() {  # wait_for <seconds> <command...>
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

http_ok() {
    "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$1"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
REDIS_PORT=$(free_port)
APP_PORT=$(free_port)
BASE="http://127.0.0.1:$APP_PORT"

# The password reaches each process the way the deployment gives it, never on a command line:
# Redis through an included config file, the app through REDIS_PASSWORD_FILE, redis-cli through
# REDISCLI_AUTH (its environment, not its argv).
(
    umask 077
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/redis-password"
    printf 'requirepass "%s"\n' "$(cat "$WORK/redis-password")" >"$WORK/redis-auth.conf"
)
REDISCLI_AUTH=$(cat "$WORK/redis-password")
export REDISCLI_AUTH

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$WORK" --daemonize no --include "$WORK/redis-auth.conf" >"$WORK/redis-server.log" 2>&1 &
PIDS+=($!)
wait_for 10 sh -c "redis-cli -p $REDIS_PORT ping | grep -q PONG" || { echo "redis-server did not start" >&2; exit 1; }
env -u REDISCLI_AUTH redis-cli -p "$REDIS_PORT" ping 2>&1 | grep -q NOAUTH ||
    { echo "bench: redis-server does not require the password" >&2; exit 1; }

# shellcheck disable=SC2086  # UVICORN_ARGS is a list of words on purpose
REDIS_HOST=127.0.0.1 REDIS_PORT=$REDIS_PORT REDIS_PASSWORD_FILE="$WORK/redis-password" \
    "$PYTHON" -m uvicorn main:app --app-dir "$APP_DIR" --host 127.0.0.1 --port "$APP_PORT" \
    --log-level warning --no-access-log $UVICORN_ARGS >"$WORK/uvicorn.log" 2>&1 &
PIDS+=($!)
wait_for 15 http_ok "$BASE/readyz" || { echo "uvicorn did not become ready:" >&2; cat "$WORK/uvicorn.log" >&2; exit 1; }

versions=$("$PYTHON" - <<'EOF'
import importlib, sys
out = ["python " + sys.version.split()[0]]
for name in ("fastapi", "starlette", "uvicorn", "redis", "httpx"):
    try:
        out.append(f"{name} {importlib.import_module(name).__version__}")
    except Exception:
        pass
for name in ("uvloop", "httptools", "hiredis"):
    try:
        mod = importlib.import_module(name)
        out.append(f"{name} {getattr(mod, '__version__', 'installed')}")
    except Exception:
        out.append(f"{name} -")
print(", ".join(out))
EOF
)
redis_version=$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')

# --- wrk -------------------------------------------------------------------------
to_ms() {  # wrk prints 850.00us / 12.34ms / 1.20s
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n }'
}

warm_up() {  # warm_up <name> <path>
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$BASE$2" >"$WORK/warmup-$1.txt"
}
measure() {  # measure <name> <path>
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE$2" >"$WORK/wrk-$1.txt"
}
field() {  # field <file> <what>
    case $2 in
        rps)      awk '/^Requests\/sec:/ {print $2}' "$1" ;;
        p50)      to_ms "$(awk '$1 == "50%" {print $2}' "$1")" ;;
        p99)      to_ms "$(awk '$1 == "99%" {print $2}' "$1")" ;;
        total)    awk '/requests in/ {print $1}' "$1" ;;
        non2xx)   awk '/Non-2xx or 3xx responses:/ {print $NF} END {}' "$1" | tail -1 ;;
        errors)   awk '/Socket errors:/ {sub(/.*Socket errors: /, ""); print}' "$1" ;;
    esac
}

warm_up healthz /healthz
measure healthz /healthz
warm_up counter /
sleep 0.5  # let requests still in flight after the warm-up finish
hits_before=$(redis-cli -p "$REDIS_PORT" get hits)
measure counter /
sleep 0.5
hits_after=$(redis-cli -p "$REDIS_PORT" get hits)

# redis-benchmark reads no REDISCLI_AUTH and takes a password only as -a (its argv): drop the
# throw-away server's password for this last, Redis-only figure (AUTH is once per connection,
# so it does not change the INCR rate anyway).
redis-cli -p "$REDIS_PORT" config set requirepass "" >/dev/null
redis-benchmark -p "$REDIS_PORT" -t incr -q -n "$REQUESTS" >"$WORK/redis-benchmark.txt" 2>&1
# "INCR: 123456.79 requests per second, p50=0.199 msec" (older: no p50 part)
incr_rps=$(tr '\r' '\n' <"$WORK/redis-benchmark.txt" | awk -F'[: ]+' '/^INCR:/ {v = $2} END {print v}')

h_rps=$(field "$WORK/wrk-healthz.txt" rps); h_p99=$(field "$WORK/wrk-healthz.txt" p99); h_p50=$(field "$WORK/wrk-healthz.txt" p50)
c_rps=$(field "$WORK/wrk-counter.txt" rps); c_p99=$(field "$WORK/wrk-counter.txt" p99); c_p50=$(field "$WORK/wrk-counter.txt" p50)
c_total=$(field "$WORK/wrk-counter.txt" total)
ratio=$(awk -v a="$c_rps" -v b="$h_rps" 'BEGIN {printf "%.2f", a / b}')

verdict() { [[ $1 == 1 ]] && echo "met" || echo "NOT met"; }
aim_ratio=$(awk -v r="$ratio" 'BEGIN {print (r >= 0.5) ? 1 : 0}')
aim_p99=$(awk -v a="$h_p99" -v b="$c_p99" 'BEGIN {print (a < 25 && b < 25) ? 1 : 0}')

echo
echo "visit-counter benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')  on $(nproc) CPU(s)"
echo "  $versions, redis-server $redis_version"
echo "  load average (1/5/15 min) before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)" \
     "-- includes this run; anything else running skews the figures"
echo "  wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (after a $WARMUP warm-up); one uvicorn process${UVICORN_ARGS:+ ($UVICORN_ARGS)}"
echo
printf '  %-26s %12s %12s %12s\n' "endpoint" "requests/s" "p50 (ms)" "p99 (ms)"
printf '  %-26s %12s %12s %12s\n' "GET /healthz" "$h_rps" "$h_p50" "$h_p99"
printf '  %-26s %12s %12s %12s\n' "GET /  (INCR)" "$c_rps" "$c_p50" "$c_p99"
printf '  %-26s %12s\n' "ratio / : /healthz" "$ratio"
printf '  %-26s %12s\n' "redis-benchmark INCR" "$incr_rps"
echo
for name in healthz counter; do
    n=$(field "$WORK/wrk-$name.txt" non2xx); e=$(field "$WORK/wrk-$name.txt" errors)
    [[ -n "$n" || -n "$e" ]] && echo "  WARNING $name: non-2xx=${n:-0} socket errors: ${e:-none}"
done
echo "  counter check: wrk completed $c_total requests to /, Redis counted $((hits_after - hits_before))" \
     "(may exceed wrk's count by up to $CONNECTIONS requests in flight when wrk stopped)"
echo "  aim counter >= 0.5 x healthz: $(verdict "$aim_ratio")   aim p99 < 25 ms: $(verdict "$aim_p99")"
