#!/usr/bin/env bash
# Measures our relay and nats-server with the same generator, in the same run, on this machine, and
# prints a table of ours / NATS. Both servers listen on 127.0.0.1 only and are stopped on exit.
#
#   relay-bench/compare.sh                 # the standard matrix: median of 3 runs of 10 s after a 3 s warm-up
#   SCALING=1 relay-bench/compare.sh       # also 1 -> 10/100/1000 subscribers and payloads 32 B to 4 KiB
#   RUNS=1 DURATION=3 relay-bench/compare.sh   # a quick look
#   WINDOW_MODE=total relay-bench/compare.sh   # max-rate windows over all of a room's readers together
#
# WINDOW_MODE (slowest or total, default slowest) is passed to every run as --window-mode: slowest keeps
# a publisher within WINDOW messages of the slowest reader of its room; total within WINDOW × readers
# deliveries of them all in sum, as real publishers do, so one reader may fall far behind for a while.
# The relay cuts a reader only past its hard limit (64 MiB, what a window can run into), when it stays
# over 1 MiB for 5 s while reading less than 1 MiB in that time, or when the server-wide memory budget
# needs it; a cut reader shows as loss.
#
# The loss column is the messages lost in sum over each server's measured runs (relay/nats): a median
# may hide a run that lost.
#
# Needs nats-server on the PATH (Debian: apt-get install -y nats-server), Java 17+ and Maven.
# Every run's full output is kept under relay-bench/target/compare/, with each phase's server logs
# (relay-server-throughput.log, relay-server-idle-TARGET-RUN.log, and the same for nats-server).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
WINDOW=${WINDOW:-2000}
WINDOW_MODE=${WINDOW_MODE:-slowest}
# 4 KiB messages: a window that keeps what is in flight to a subscriber under the relay's 1 MiB soft limit
# (in slowest mode; in total mode a reader may be up to window × readers messages behind)
WINDOW_4K=${WINDOW_4K:-200}
SCALING=${SCALING:-0}
RELAY_PORT=${RELAY_PORT:-17777}
NATS_PORT=${NATS_PORT:-14222}
# The server JVM options README.md recommends; leak detection is for tests, not for measuring.
RELAY_JAVA_OPTS=${RELAY_JAVA_OPTS:-"-Xms32m -Xmx512m -XX:+UseSerialGC -Dio.netty.leakDetection.level=disabled"}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-"-Xmx1g -Dio.netty.leakDetection.level=disabled"}
OUT=${OUT:-"$root/relay-bench/target/compare"}

case "$WINDOW_MODE" in
    slowest | total) ;;
    *) echo "compare.sh: WINDOW_MODE must be slowest or total, not '$WINDOW_MODE'" >&2; exit 2 ;;
esac
if ! command -v nats-server >/dev/null; then
    echo "compare.sh: nats-server is not on the PATH; install it first (Debian: apt-get install -y nats-server)" >&2
    exit 2
fi
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    mvn -B -ntp -q package -DskipTests
fi
mkdir -p "$OUT"

relay_pid=
nats_pid=
stop_servers() {
    for pid in $relay_pid $nats_pid; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    relay_pid=
    nats_pid=
}
trap stop_servers EXIT

wait_port() {
    for _ in $(seq 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    echo "compare.sh: nothing listening on 127.0.0.1:$1" >&2
    return 1
}

# start_servers PHASE: both servers, logging to $OUT/relay-server-PHASE.log and nats-server-PHASE.log.
start_servers() {
    local phase=$1
    # Limits stay on; the per-connection message rate limit and the per-address connection cap are
    # raised, since every bench connection comes from 127.0.0.1 and publishes flat out.
    # shellcheck disable=SC2086
    java $RELAY_JAVA_OPTS -jar relay-server/target/relay-server.jar --host 127.0.0.1 --port "$RELAY_PORT" \
        --rate 0 --max-connections-per-ip 0 >"$OUT/relay-server-$phase.log" 2>&1 &
    relay_pid=$!
    nats-server -a 127.0.0.1 -p "$NATS_PORT" >"$OUT/nats-server-$phase.log" 2>&1 &
    nats_pid=$!
    wait_port "$RELAY_PORT"
    wait_port "$NATS_PORT"
}

rss_mib() {
    awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

# bench TARGET LOG ARGS...: one generator run; prints its RESULT line.
bench() {
    local target=$1 log=$2 port
    shift 2
    port=$([ "$target" = nats ] && echo "$NATS_PORT" || echo "$RELAY_PORT")
    # shellcheck disable=SC2086
    java $BENCH_JAVA_OPTS -jar relay-bench/target/relay-bench.jar --target "$target" --port "$port" \
        --window-mode "$WINDOW_MODE" "$@" >"$log" 2>&1 \
        || echo "compare.sh: the generator reported a problem, see $log" >&2
    grep '^RESULT' "$log" || echo "RESULT failed"
}

field() { # field NAME < RESULT line
    sed -n "s/.* $1=\([0-9.]*\).*/\1/p"
}

# loss_sum KEY TARGET: the messages lost in sum over KEY's measured runs on TARGET; ? for a run
# without a RESULT line.
loss_sum() {
    local sum=0 loss run
    for run in $(seq "$RUNS"); do
        loss=$(grep '^RESULT' "$OUT/$1-$2-$run.log" 2>/dev/null | field loss || true)
        if [ -z "$loss" ]; then
            echo "?"
            return
        fi
        sum=$((sum + loss))
    done
    echo "$sum"
}

row() { # row NAME METRIC OURS THEIRS LOSS
    printf '%-22s %-12s %14s %14s %8s  %s' "$1" "$2" "$3" "$4" \
        "$(awk -v a="$3" -v b="$4" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" "$5"
}

header() {
    printf '%-22s %-12s %14s %14s %8s  %s\n' case metric relay nats-server ratio 'loss relay/nats'
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print v[int((NR + 1) / 2)] }'
}

rows=()
# measure NAME METRIC ARGS...: RUNS runs per server, the median of METRIC for each, and the ratio.
measure() {
    local name=$1 metric=$2 key
    shift 2
    key=$(echo "$name" | tr -c 'A-Za-z0-9\n' '_')
    local ours theirs
    for target in relay nats; do
        for run in $(seq "$RUNS"); do
            bench "$target" "$OUT/$key-$target-$run.log" -w "$WARMUP" -d "$DURATION" "$@" | field "$metric"
        done | median >"$OUT/$key-$target.median"
    done
    ours=$(cat "$OUT/$key-relay.median")
    theirs=$(cat "$OUT/$key-nats.median")
    rows+=("$(row "$name" "$metric" "$ours" "$theirs" "$(loss_sum "$key" relay)/$(loss_sum "$key" nats)")")
    echo "${rows[-1]}"
}

# idle NAME: 10,000 connections in 100 rooms, fresh servers per run; server RSS and time to connect.
idle() {
    local name=$1 target pid rss connect key
    key=$(echo "$name" | tr -c 'A-Za-z0-9\n' '_')
    for target in relay nats; do
        for run in $(seq "$RUNS"); do
            start_servers "idle-$target-$run"
            pid=$([ "$target" = nats ] && echo "$nats_pid" || echo "$relay_pid")
            # warm-up: 2,000 connections come and go, so the JVM has compiled the connect path
            bench "$target" "$OUT/$key-$target-$run-warmup.log" -P 0 -S 2000 --rooms 100 -d 0.1 >/dev/null
            bench "$target" "$OUT/$key-$target-$run.log" -P 0 -S 10000 --rooms 100 -d 4 --ready-file "$OUT/ready" >/dev/null &
            local bench_pid=$!
            for _ in $(seq 600); do [ -e "$OUT/ready" ] && break; sleep 0.05; done
            sleep 2
            rss=$(rss_mib "$pid")
            wait "$bench_pid" || true
            rm -f "$OUT/ready"
            connect=$(field connect_ms <"$OUT/$key-$target-$run.log" | tail -1)
            echo "$rss $connect" >>"$OUT/$key-$target.samples"
            stop_servers
        done
    done
    for metric in rss_mib connect_ms; do
        local col=$([ $metric = rss_mib ] && echo 1 || echo 2) ours theirs
        ours=$(awk -v c="$col" '{ print $c }' "$OUT/$key-relay.samples" | median)
        theirs=$(awk -v c="$col" '{ print $c }' "$OUT/$key-nats.samples" | median)
        rows+=("$(row "$name" "$metric" "$ours" "$theirs" -)")
        echo "${rows[-1]}"
    done
}

rm -f "$OUT"/*.median "$OUT"/*.samples "$OUT/ready"
echo "$(nproc) cores, $(java -version 2>&1 | head -1), $(nats-server --version)"
echo "median of $RUNS runs of ${DURATION}s after ${WARMUP}s warm-up; max-rate window $WINDOW messages per publisher ($WINDOW_4K for 4 KiB), window mode $WINDOW_MODE"
header
start_servers throughput
for target in relay nats; do # warm-up, not measured
    bench "$target" "$OUT/warmup-$target.log" -P 1 -S 100 -s 100 -w 0 -d "$DURATION" >/dev/null
done
measure "1x100 100B"   msgs_per_s -P 1 -S 100 -s 100 --window "$WINDOW"
measure "10x100 100B"  msgs_per_s -P 10 -S 100 -s 100 --window "$WINDOW"
measure "1x1000 200/s" p99_us     -P 1 -S 1000 -s 100 --rate 200
measure "1x100 4KiB"   mb_per_s   -P 1 -S 100 -s 4096 --window "$WINDOW_4K"
if [ "$SCALING" = 1 ]; then
    measure "1x10 100B"    msgs_per_s -P 1 -S 10 -s 100 --window "$WINDOW"
    measure "1x1000 100B"  msgs_per_s -P 1 -S 1000 -s 100 --window "$WINDOW"
    measure "1x100 32B"    msgs_per_s -P 1 -S 100 -s 32 --window "$WINDOW"
    measure "1x100 1KiB"   mb_per_s   -P 1 -S 100 -s 1024 --window 1000
fi
stop_servers
idle "10k idle, 100 rooms"
echo
header | tee "$OUT/results.txt"
printf '%s\n' "${rows[@]}" | tee -a "$OUT/results.txt"
