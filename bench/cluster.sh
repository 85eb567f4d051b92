#!/usr/bin/env bash
# Cluster mode on this machine: the same mixed load (bench/README.md, `mixed`) on one node with
# SQLite, one node with PostgreSQL and three nodes with PostgreSQL (the clients split evenly over
# the three), then the time from a `kill -9` of one node to the first successful APPEND on every
# account through a survivor (bench/failover_probe.py).
#   bench/cluster.sh [--seconds N] [--clients N] [--failover 'PAUSE:STABLE[:MARGIN] ...'] [--failover-only] [--no-build] [--keep]
# ("defaults": the shipped values of reference.conf; a value left out is reference.conf's)
# (--failover-only skips the load runs; --no-build reuses bench/.build as it is)
# Prints the figures and a table (also written to bench/RESULTS-cluster.md, or to
# $BENCH_RESULTS/RESULTS-cluster.md). Server CPU counts every AkkaImap node and, on PostgreSQL,
# the database's processes. The load runs with the tests' shortened failure detection
# (acceptable-heartbeat-pause = 4s, split-brain-resolver.stable-after = 3s); failover is measured
# on a fresh three-node cluster for each PAUSE:STABLE given (default "defaults 4s:3s": the shipped
# values, 3s:2s with a 250ms margin, and the tests' timings). PostgreSQL is a private instance
# (bench/lib-pg.sh).
# Mail comes from bench/gen_mbox.py (or GEN_MBOX=path). NODE_LOG_LEVEL=debug puts Akka's cluster
# and sharding lines in the nodes' logs, as JSON with millisecond timestamps (with --keep, to read the
# failover's timeline in them).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SECONDS_MEASURED=15
CLIENTS=30
KEEP=0
FAILOVER_TIMINGS="defaults 4s:3s"
BUILD=1
LOAD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_MEASURED=$2; shift ;;
    --clients) CLIENTS=$2; shift ;;
    --failover) FAILOVER_TIMINGS=$2; shift ;;
    --keep) KEEP=1 ;;
    --no-build) BUILD=0 ;;
    --failover-only) LOAD=0 ;;
    *) echo "usage: $0 [--seconds N] [--clients N] [--failover 'PAUSE:STABLE[:MARGIN] ...'] [--failover-only] [--no-build] [--keep]" >&2; exit 2 ;;
  esac
  shift
done
PASSWORD="bench-Secret-1"
# shellcheck source=bench/lib-pg.sh
. "$HERE/lib-pg.sh"
bench_init cluster
NODE_PIDS=()
stop_nodes() {
  local p
  for p in "${NODE_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${NODE_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  NODE_PIDS=()
}
cleanup() {
  stop_nodes
  pg_stop
  bench_clean
}
trap cleanup EXIT

bench_build "$BUILD"
pg_start

NODE_LOGGING=
if [ -n "${NODE_LOG_LEVEL:-}" ]; then NODE_LOGGING="logging { level = $NODE_LOG_LEVEL, format = json }"; fi

# start_nodes NAME COUNT STORAGE-HOCON: COUNT nodes (a cluster when more than one); sets PORTS[], NODE_PIDS[]
start_nodes() {
  local name=$1 count=$2 storage=$3 i seeds="" conf
  PORTS=(); REMOTING=()
  for i in $(seq 0 $((count - 1))); do PORTS+=("$(free_port)"); REMOTING+=("$(free_port)"); done
  if [ "$count" -gt 1 ]; then
    for i in $(seq 0 $((count - 1))); do seeds="$seeds${seeds:+, }\"akka.tcp://akkaimap@127.0.0.1:${REMOTING[$i]}\""; done
  fi
  for i in $(seq 0 $((count - 1))); do
    conf="$WORK/$name-$i.conf"
    akkaimap_conf "${PORTS[$i]}" "$WORK/$name-$i-data" "$storage" "$NODE_LOGGING" >"$conf"
    if [ "$count" -gt 1 ]; then
      cat >>"$conf" <<EOF
akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = ${REMOTING[$i]} }
akka.cluster {
  seed-nodes = [$seeds]
  seed-node-timeout = 2s
}
EOF
      # The failure detection the run asks for; without it, the shipped defaults (reference.conf).
      if [ -n "$PAUSE" ]; then echo "akka.cluster.failure-detector.acceptable-heartbeat-pause = $PAUSE" >>"$conf"; fi
      if [ -n "$STABLE" ]; then echo "akka.cluster.split-brain-resolver.stable-after = $STABLE" >>"$conf"; fi
      if [ -n "$MARGIN" ]; then echo "akka.cluster.down-removal-margin = $MARGIN" >>"$conf"; fi
    fi
  done
  akkaimap_users "$WORK/$name-0.conf" 0 "$CLIENTS" "$PASSWORD"
  log "$name: starting $count node(s) on 127.0.0.1:${PORTS[*]}"
  NODE_PIDS=()
  for i in $(seq 0 $((count - 1))); do
    setsid "${AKKAIMAP[@]}" serve --config "$WORK/$name-$i.conf" >>"$WORK/$name-$i.log" 2>&1 &
    NODE_PIDS+=($!)
  done
  for i in $(seq 0 $((count - 1))); do
    for _ in $(seq 1 480); do port_in_use "${PORTS[$i]}" && break; sleep 0.25; done
  done
}

# run NAME COUNT STORAGE-HOCON: fill, then the mixed load split over the nodes
run() {
  local name=$1 count=$2 storage=$3 i per pids first
  start_nodes "$name" "$count" "$storage"
  pids=$(IFS=,; echo "${NODE_PIDS[*]}")
  if [ -n "$storage" ]; then pids="$pids,$PG_PID"; fi
  log "$name: filling $CLIENTS INBOXes with 30 messages each"
  "${BENCH[@]}" fill --port "${PORTS[0]}" --user "user{0}@example.com" --password "$PASSWORD" --mbox "$WORK/sample.mbox" \
    --out "$WORK/$name-fill.json" --pid "$pids" --users "$CLIENTS" --first-user 1 --per-user 30 >/dev/null
  per=$((CLIENTS / count))
  log "$name: mixed load, $CLIENTS clients over $count node(s), 5 s warm-up, ${SECONDS_MEASURED}s measured"
  local t0 t1 node0=() node1=() pg0 pg1 load=()
  for i in $(seq 0 $((count - 1))); do node0+=("$(cpu_ticks "${NODE_PIDS[$i]}")"); done
  pg0=$(pg_ticks)
  t0=$(date +%s.%N)
  for i in $(seq 0 $((count - 1))); do
    first=$((1 + i * per))
    "${BENCH[@]}" mixed --port "${PORTS[$i]}" --user "user{0}@example.com" --password "$PASSWORD" --mbox "$WORK/sample.mbox" \
      --out "$WORK/$name-$i.json" --pid "$pids" --clients "$per" --first-user "$first" --warmup 5 --seconds "$SECONDS_MEASURED" \
      --label "$name-$i" >"$WORK/$name-$i.txt" &
    load+=($!)
  done
  for i in "${load[@]}"; do wait "$i"; done
  t1=$(date +%s.%N)
  for i in $(seq 0 $((count - 1))); do node1+=("$(cpu_ticks "${NODE_PIDS[$i]}")"); done
  pg1=$(pg_ticks)
  for i in $(seq 0 $((count - 1))); do cat "$WORK/$name-$i.txt"; done
  {
    for i in $(seq 0 $((count - 1))); do
      echo "node$i $(awk -v a="${node0[$i]}" -v b="${node1[$i]}" -v t0="$t0" -v t1="$t1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz / (t1 - t0) }')"
    done
    if [ -n "$storage" ]; then echo "postgresql $(awk -v a="$pg0" -v b="$pg1" -v t0="$t0" -v t1="$t1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz / (t1 - t0) }')"; fi
  } >"$WORK/$name-cpu.txt"
  log "$name: cores busy (whole run, warm-up included): $(tr '\n' ' ' <"$WORK/$name-cpu.txt")"
}

# sum NAME METRIC / worst NAME METRIC over the load processes of a run
sum() { cat "$WORK/$1"-[0-9].txt | grep -F ": $2 " | awk '{s += $(NF-1)} END {printf "%.1f", s}'; }
worst() { cat "$WORK/$1"-[0-9].txt | grep -F ": $2 " | awk '{if ($(NF-1) > m) m = $(NF-1)} END {printf "%.1f", m}'; }

# The load runs with the tests' timings; failover is measured with each of these (pause:stable-after).
TIMINGS=4s:3s; PAUSE=4s; STABLE=3s; MARGIN=
if [ "$LOAD" = 1 ]; then
  run sqlite 1 ""
  stop_nodes
  psql_do "CREATE DATABASE one"
  run pg1 1 "$(pg_storage one)"
  stop_nodes
  psql_do "CREATE DATABASE three"
  run pg3 3 "$(pg_storage three)"
fi
stop_nodes

# Failover, once per timing (a fresh three-node cluster each): every account APPENDs through
# node 0 in a loop, node 2 is killed, and the probe times each account's first success after it.
: >"$WORK/failover.txt"
n=0
for TIMINGS in $FAILOVER_TIMINGS; do
  if [ "$TIMINGS" = defaults ]; then PAUSE=; STABLE=; MARGIN=; else IFS=: read -r PAUSE STABLE MARGIN <<<"$TIMINGS"; fi
  n=$((n + 1))
  psql_do "CREATE DATABASE failover$n"
  start_nodes "failover$n" 3 "$(pg_storage "failover$n")"
  log "failover$n (acceptable-heartbeat-pause ${PAUSE:-default}, stable-after ${STABLE:-default}, down-removal-margin ${MARGIN:-default}): kill -9 of node 2 while $CLIENTS accounts APPEND through node 0"
  {
    echo "acceptable-heartbeat-pause ${PAUSE:-default}, split-brain-resolver.stable-after ${STABLE:-default}, down-removal-margin ${MARGIN:-default}:"
    # shellcheck disable=SC2046
    python3 "$HERE/failover_probe.py" "${PORTS[0]}" "$PASSWORD" $(seq -f 'user%g@example.com' 1 "$CLIENTS") \
      --kill "${NODE_PIDS[2]}" --before 5 --bound 90
  } | tee -a "$WORK/failover.txt"
  unset 'NODE_PIDS[2]'
  stop_nodes
done

# --- report -----------------------------------------------------------------------------------------
if [ "$LOAD" = 0 ]; then
  cat "$WORK/failover.txt"
  log "done (failover only: nothing written to RESULTS-cluster.md)"
  exit 0
fi
RESULTS=${BENCH_RESULTS:-$HERE}/RESULTS-cluster.md
row() { # LABEL METRIC sum|worst
  local a b c
  a=$($3 sqlite "$2"); b=$($3 pg1 "$2"); c=$($3 pg3 "$2")
  echo "| $1 | $a | $b | $c | $(awk -v s="$a" -v p="$b" 'BEGIN { if (s > 0) printf "%.2f×", p / s; else print "–" }') | $(awk -v s="$a" -v p="$c" 'BEGIN { if (s > 0) printf "%.2f×", p / s; else print "–" }') |"
}
{
  echo "# Cluster mode: one node on SQLite, one and three nodes on PostgreSQL"
  echo
  echo "Mixed load (bench/README.md), $CLIENTS clients (split evenly over the nodes), 5 s warm-up then ${SECONDS_MEASURED} s measured," \
    "measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)." \
    "Server CPU is every node's plus PostgreSQL's. Produced by \`bench/cluster.sh\`."
  echo
  echo "| figure | 1 node SQLite | 1 node PostgreSQL | 3 nodes PostgreSQL | 1 PG / SQLite | 3 PG / SQLite |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  row "commands/s" "commands/s" sum
  row "commands per server CPU-s" "commands per server CPU-s" sum
  row "latency p50 (ms, worst node)" "latency p50 all" worst
  row "latency p99 (ms, worst node)" "latency p99 all" worst
  row "errors" "errors" sum
  echo
  echo "Cores busy per process over each whole run (warm-up included):"
  echo
  for n in sqlite pg1 pg3; do echo "- $n: $(tr '\n' ' ' <"$WORK/$n-cpu.txt")"; done
  echo
  echo "Failover (a fresh 3-node cluster per timing, kill -9 of node 2, $CLIENTS accounts APPENDing through node 0, one connection per attempt, 0.5 s timeout):"
  echo
  echo '```'
  cat "$WORK/failover.txt"
  echo '```'
} >"$RESULTS"
cat "$RESULTS"
log "done"
