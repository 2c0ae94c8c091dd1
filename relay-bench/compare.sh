#!/usr/bin/env bash
# Measures our relay, nats-server and redis-server with the same generator, in the same run, on this
# machine, and prints one table: each server's median, the best peer's, and ours / best peer. All
# servers listen on 127.0.0.1 only and are stopped on exit.
#
#   relay-bench/compare.sh                       # the standard matrix: median of 3 runs of 10 s after 3 s warm-up
#   SCALING=1 relay-bench/compare.sh             # also 1 -> 1000 subscribers and payloads of 32 B and 1 KiB
#   RUNS=1 DURATION=3 relay-bench/compare.sh     # a quick look
#   WINDOW_MODES=total relay-bench/compare.sh    # the max-rate rows in one window mode only
#   PEERS=nats relay-bench/compare.sh            # against one peer only
#   ONLY='1x10' relay-bench/compare.sh           # only the rows whose name contains this (a grep -E pattern)
#   RELAY_JAR=/tmp/old.jar RELAY_ARGS='--io-threads 4' relay-bench/compare.sh   # another build, other options
#
# The max-rate rows run in each of WINDOW_MODES (default: both). slowest keeps a publisher within
# WINDOW messages of the slowest reader of its room; total within WINDOW × readers deliveries of them
# all in sum, as real publishers do, so one reader may fall far behind for a while. The relay cuts a
# reader only past its hard limit (64 MiB), when it stays over 1 MiB for 5 s while reading less than
# 1 MiB in that time, or when the server-wide memory budget needs it; redis-server cuts a pub/sub reader
# past its default client-output-buffer-limit (32 MiB, or 8 MiB for 60 s); nats-server a slow consumer
# past its pending limit. A cut reader shows as loss.
#
# ratio is ours / best peer, where the best peer is the higher for rates and the lower for latencies,
# times and memory: above 1 is better for msgs_per_s and mb_per_s, below 1 is better for p99_us,
# connect_ms and rss_mib (the "goal" column says which). The loss column is the messages lost in sum
# over each server's measured runs (relay/nats/redis): a median may hide a run that lost.
#
# Needs nats-server and redis-server (Debian: apt-get install -y nats-server redis-server), Java 17+
# and Maven. Every run's full output is kept under relay-bench/target/compare/, with each phase's
# server logs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
WINDOW=${WINDOW:-2000}
WINDOW_MODES=${WINDOW_MODES:-${WINDOW_MODE:-slowest total}}
# 4 KiB messages: a window that keeps what is in flight to a subscriber under the relay's 1 MiB soft limit
# (in slowest mode; in total mode a reader may be up to window × readers messages behind)
WINDOW_4K=${WINDOW_4K:-200}
SCALING=${SCALING:-0}
PEERS=${PEERS:-nats redis}
ONLY=${ONLY:-.}
RELAY_PORT=${RELAY_PORT:-17777}
NATS_PORT=${NATS_PORT:-14222}
REDIS_PORT=${REDIS_PORT:-16379}
STORM=${STORM:-10000}
# The server JVM options README.md recommends; leak detection is for tests, not for measuring.
RELAY_JAR=${RELAY_JAR:-relay-server/target/relay-server.jar}
RELAY_ARGS=${RELAY_ARGS:-}
RELAY_JAVA_OPTS=${RELAY_JAVA_OPTS:-"-Xms32m -Xmx512m -XX:+UseSerialGC -Dio.netty.leakDetection.level=disabled"}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-"-Xmx1g -Dio.netty.leakDetection.level=disabled"}
OUT=${OUT:-"$root/relay-bench/target/compare"}

for mode in $WINDOW_MODES; do
    case "$mode" in
        slowest | total) ;;
        *) echo "compare.sh: WINDOW_MODES takes slowest and total, not '$mode'" >&2; exit 2 ;;
    esac
done
for peer in $PEERS; do
    case "$peer" in
        nats | redis) ;;
        *) echo "compare.sh: PEERS takes nats and redis, not '$peer'" >&2; exit 2 ;;
    esac
    if ! command -v "$peer-server" >/dev/null; then
        echo "compare.sh: $peer-server is not on the PATH; install it first (Debian: apt-get install -y $peer-server)" >&2
        exit 2
    fi
done
targets="relay $PEERS"
ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    mvn -B -ntp -q package -DskipTests
fi
mkdir -p "$OUT"

declare -A pids=()
stop_servers() {
    for target in "${!pids[@]}"; do
        kill "${pids[$target]}" 2>/dev/null || true
        wait "${pids[$target]}" 2>/dev/null || true
    done
    pids=()
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

port_of() {
    case "$1" in
        nats) echo "$NATS_PORT" ;;
        redis) echo "$REDIS_PORT" ;;
        *) echo "$RELAY_PORT" ;;
    esac
}

# start_server TARGET PHASE: one server, logging to $OUT/TARGET-server-PHASE.log.
start_server() {
    local target=$1 phase=$2 log="$OUT/$1-server-$2.log"
    case "$target" in
        relay)
            # Limits stay on; the per-connection message rate limit and the per-address connection cap are
            # raised, since every bench connection comes from 127.0.0.1 and publishes flat out.
            # shellcheck disable=SC2086
            java $RELAY_JAVA_OPTS -jar "$RELAY_JAR" --host 127.0.0.1 --port "$RELAY_PORT" \
                --rate 0 --max-connections-per-ip 0 $RELAY_ARGS >"$log" 2>&1 &
            ;;
        nats)
            nats-server -a 127.0.0.1 -p "$NATS_PORT" >"$log" 2>&1 &
            ;;
        redis)
            # no persistence (a relay keeps nothing either), room for the storm's connections; the rest,
            # the pub/sub output buffer limits included, as shipped
            redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
                --maxclients $((STORM + 1000)) --daemonize no >"$log" 2>&1 &
            ;;
    esac
    pids[$target]=$!
    wait_port "$(port_of "$target")"
}

start_servers() {
    for target in $targets; do
        start_server "$target" "$1"
    done
}

rss_mib() {
    awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

# bench TARGET LOG ARGS...: one generator run; prints its RESULT line.
bench() {
    local target=$1 log=$2
    shift 2
    # shellcheck disable=SC2086
    java $BENCH_JAVA_OPTS -jar relay-bench/target/relay-bench.jar --target "$target" --port "$(port_of "$target")" \
        "$@" >"$log" 2>&1 \
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

higher_is_better() {
    case "$1" in
        msgs_per_s | mb_per_s) return 0 ;;
        *) return 1 ;;
    esac
}

# row NAME METRIC LOSS VALUES...: VALUES in the order of $targets (ours first).
row() {
    local name=$1 metric=$2 loss=$3 ours=$4 best="" goal
    shift 4
    for value in "$@"; do
        if [ -z "$best" ] || awk -v v="$value" -v b="$best" -v h="$(higher_is_better "$metric" && echo 1 || echo 0)" \
            'BEGIN { exit !((h && v > b) || (!h && v < b)) }'; then
            best=$value
        fi
    done
    goal=$(higher_is_better "$metric" && echo '>=1' || echo '<=1')
    local values
    values=$(printf ' %12s' "$ours" "$@")
    printf '%-28s %-10s%s %8s %5s  %s' "$name" "$metric" "$values" \
        "$(awk -v a="$ours" -v b="$best" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" "$goal" "$loss"
}

header() {
    local names
    names=$(for target in $targets; do printf ' %12s' "$target"; done)
    printf '%-28s %-10s%s %8s %5s  %s\n' case metric "$names" ours/best goal "loss ($(echo $targets | tr ' ' /))"
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print v[int((NR + 1) / 2)] }'
}

rows=()
# measure NAME METRIC ARGS...: RUNS runs per server, the median of METRIC for each, and the ratio.
measure() {
    local name=$1 metric=$2 key target
    shift 2
    echo "$name" | grep -Eq -- "$ONLY" || return 0
    key=$(echo "$name" | tr -c 'A-Za-z0-9\n' '_')
    local values=() losses=()
    for target in $targets; do
        for run in $(seq "$RUNS"); do
            bench "$target" "$OUT/$key-$target-$run.log" -w "$WARMUP" -d "$DURATION" "$@" | field "$metric"
        done | median >"$OUT/$key-$target.median"
        values+=("$(cat "$OUT/$key-$target.median")")
        losses+=("$(loss_sum "$key" "$target")")
    done
    rows+=("$(row "$name" "$metric" "$(IFS=/; echo "${losses[*]}")" "${values[@]}")")
    echo "${rows[-1]}"
}

# storm NAME ARRIVAL: STORM connections into 100 rooms at once, fresh servers per run: the time until
# every connection is confirmed in its room (connect_ms), and the server's RSS once they all sit idle.
# ARRIVAL is how relay clients come in: hello (the arrival line) or guest (then /join); peers come in
# the one way they have.
storm() {
    local name=$1 arrival=$2 target pid rss connect key
    echo "$name" | grep -Eq -- "$ONLY" || return 0
    key=$(echo "$name" | tr -c 'A-Za-z0-9\n' '_')
    rm -f "$OUT/$key"-*.samples
    for target in $targets; do
        for run in $(seq "$RUNS"); do
            start_server "$target" "storm-$key-$run"
            pid=${pids[$target]}
            # warm-up: 2,000 connections come and go, so the JVM has compiled the connect path
            bench "$target" "$OUT/$key-$target-$run-warmup.log" -P 0 -S 2000 --rooms 100 -d 0.1 \
                --relay-arrival "$arrival" >/dev/null
            bench "$target" "$OUT/$key-$target-$run.log" -P 0 -S "$STORM" --rooms 100 -d 4 \
                --relay-arrival "$arrival" --ready-file "$OUT/ready" >/dev/null &
            local bench_pid=$!
            for _ in $(seq 1200); do [ -e "$OUT/ready" ] && break; sleep 0.05; done
            sleep 2
            rss=$(rss_mib "$pid")
            wait "$bench_pid" || true
            rm -f "$OUT/ready"
            connect=$(grep '^RESULT' "$OUT/$key-$target-$run.log" | field connect_ms | tail -1)
            echo "$rss ${connect:-nan}" >>"$OUT/$key-$target.samples"
            stop_servers
        done
    done
    for metric in connect_ms rss_mib; do
        local col values=()
        col=$([ $metric = rss_mib ] && echo 1 || echo 2)
        for target in $targets; do
            values+=("$(awk -v c="$col" '{ print $c }' "$OUT/$key-$target.samples" | median)")
        done
        rows+=("$(row "$name" "$metric" - "${values[@]}")")
        echo "${rows[-1]}"
    done
}

rm -f "$OUT"/*.median "$OUT"/*.samples "$OUT/ready"
echo "$(nproc) cores, $(java -version 2>&1 | head -1)$(for peer in $PEERS; do printf ', %s' "$("$peer-server" --version | head -1)"; done)"
echo "median of $RUNS runs of ${DURATION}s after ${WARMUP}s warm-up; max-rate window $WINDOW messages per publisher ($WINDOW_4K for 4 KiB), window modes: $WINDOW_MODES"
header
start_servers throughput
for target in $targets; do # warm-up, not measured
    bench "$target" "$OUT/warmup-$target.log" -P 1 -S 100 -s 100 -w 0 -d "$DURATION" >/dev/null
done
for mode in $WINDOW_MODES; do
    m="--window-mode $mode"
    # shellcheck disable=SC2086
    {
        measure "1x10 100B $mode"     msgs_per_s -P 1 -S 10 -s 100 --window "$WINDOW" $m
        measure "1x100 100B $mode"    msgs_per_s -P 1 -S 100 -s 100 --window "$WINDOW" $m
        measure "10x100 100B $mode"   msgs_per_s -P 10 -S 100 -s 100 --window "$WINDOW" $m
        measure "1x100 4KiB $mode"    mb_per_s   -P 1 -S 100 -s 4096 --window "$WINDOW_4K" $m
        if [ "$SCALING" = 1 ]; then
            measure "1x1000 100B $mode" msgs_per_s -P 1 -S 1000 -s 100 --window "$WINDOW" $m
            measure "1x100 32B $mode"   msgs_per_s -P 1 -S 100 -s 32 --window "$WINDOW" $m
            measure "1x100 1KiB $mode"  mb_per_s   -P 1 -S 100 -s 1024 --window 1000 $m
        fi
    }
done
measure "1x1000 50/s"  p99_us -P 1 -S 1000 -s 100 --rate 50
measure "1x1000 200/s" p99_us -P 1 -S 1000 -s 100 --rate 200
stop_servers
storm "${STORM} storm, arrival line" hello
storm "${STORM} storm, guest + /join" guest
echo
header | tee "$OUT/results.txt"
printf '%s\n' "${rows[@]}" | tee -a "$OUT/results.txt"
