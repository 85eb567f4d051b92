#!/usr/bin/env bash
# One AkkaImap node on PostgreSQL against one on SQLite: the same mixed load (bench/README.md,
# the `mixed` scenario) at 50 clients, one store after the other on this machine.
#   bench/store-pg.sh [--seconds N] [--clients N] [--keep]
# Prints both runs' figures and a table (also written to bench/RESULTS-postgresql.md, or to
# $BENCH_RESULTS/RESULTS-postgresql.md). The server CPU of the PostgreSQL run counts AkkaImap and
# PostgreSQL's processes together (the server is both); the table also gives PostgreSQL's share.
# PostgreSQL is a private instance (Debian's package) in the scratch folder with its defaults
# (fsync on), started as the system user akkaimap-test when run as root; AkkaImap runs with
# storage.fsync = on for both stores. Mail comes from bench/gen_mbox.py (or GEN_MBOX=path).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SECONDS_MEASURED=30
CLIENTS=50
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_MEASURED=$2; shift ;;
    --clients) CLIENTS=$2; shift ;;
    --keep) KEEP=1 ;;
    *) echo "usage: $0 [--seconds N] [--clients N] [--keep]" >&2; exit 2 ;;
  esac
  shift
done
PASSWORD="bench-Secret-1"
# shellcheck source=bench/lib-pg.sh
. "$HERE/lib-pg.sh"
bench_init pg
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  pg_stop
  bench_clean
}
trap cleanup EXIT

bench_build
pg_start
psql_do "CREATE DATABASE akkaimap"

# --- one run per store -----------------------------------------------------------------------------

run_store() { # NAME [SETTING]
  local name=$1 storage=$2 port conf pids
  port=$(free_port)
  conf="$WORK/$name.conf"
  akkaimap_conf "$port" "$WORK/$name-data" "$storage" >"$conf"
  akkaimap_users "$conf" 0 "$CLIENTS" "$PASSWORD"
  log "$name: starting AkkaImap on 127.0.0.1:$port"
  setsid "${AKKAIMAP[@]}" serve --config "$conf" >>"$WORK/$name.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 240); do port_in_use "$port" && break; sleep 0.25; done
  pids=$SERVER_PID
  if [ "$name" = postgresql ]; then pids="$SERVER_PID,$PG_PID"; fi
  local common=(--port "$port" --user "user{0}@example.com" --password "$PASSWORD" --mbox "$WORK/sample.mbox" --out "$WORK/$name.json")
  log "$name: filling $CLIENTS INBOXes with 30 messages each"
  "${BENCH[@]}" fill "${common[@]}" --pid "$pids" --users "$CLIENTS" --first-user 1 --per-user 30 >/dev/null
  log "$name: mixed load, $CLIENTS clients, 15 s warm-up, ${SECONDS_MEASURED}s measured"
  local akka0 pg0 akka1 pg1
  akka0=$(cpu_ticks "$SERVER_PID"); pg0=$(pg_ticks)
  "${BENCH[@]}" mixed "${common[@]}" --pid "$pids" --clients "$CLIENTS" --first-user 1 --warmup 15 --seconds "$SECONDS_MEASURED" \
    --label "$name" | tee "$WORK/$name.txt"
  akka1=$(cpu_ticks "$SERVER_PID"); pg1=$(pg_ticks)
  if [ "$name" = postgresql ]; then
    echo "$(( (pg1 - pg0) * 100 / ( (akka1 - akka0) + (pg1 - pg0) ) ))" >"$WORK/pg-share"
  fi
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

run_store sqlite ""
run_store postgresql "$(pg_storage akkaimap)"

# --- report -----------------------------------------------------------------------------------------
figure() { grep -F "  $1: $2 " "$WORK/$1.txt" | awk '{print $(NF-1)}'; }
row() { # LABEL METRIC
  local s p
  s=$(figure sqlite "$2"); p=$(figure postgresql "$2")
  echo "| $1 | $s | $p | $(awk -v s="$s" -v p="$p" 'BEGIN { if (s > 0) printf "%.2f×", p / s; else print "–" }') |"
}
RESULTS=${BENCH_RESULTS:-$HERE}/RESULTS-postgresql.md
{
  echo "# One node on PostgreSQL vs one node on SQLite"
  echo
  echo "Mixed load (bench/README.md), $CLIENTS clients, 15 s warm-up then ${SECONDS_MEASURED} s measured, each store on a freshly started server;" \
    "measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)." \
    "PostgreSQL $(pg_version) private on loopback, its defaults (fsync on); AkkaImap storage.fsync = on." \
    "Server CPU of the PostgreSQL run is AkkaImap's plus PostgreSQL's; PostgreSQL's share of it: $(cat "$WORK/pg-share")%." \
    "Produced by \`bench/store-pg.sh\`."
  echo
  echo "| figure | SQLite | PostgreSQL | PostgreSQL/SQLite |"
  echo "| --- | ---: | ---: | ---: |"
  row "commands/s" "commands/s"
  row "commands per server CPU-s" "commands per server CPU-s"
  row "server CPU (cores busy)" "server CPU (cores busy)"
  row "latency p50 (ms)" "latency p50 all"
  row "latency p99 (ms)" "latency p99 all"
  row "APPEND p50 (ms)" "APPEND p50"
  row "APPEND p99 (ms)" "APPEND p99"
  row "errors" "errors"
} >"$RESULTS"
cat "$RESULTS"
log "done"
