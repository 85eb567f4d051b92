#!/usr/bin/env bash
# One AkkaImap node on PostgreSQL against one on SQLite: the same mixed load (bench/README.md,
# the `mixed` scenario) at 50 clients, one store after the other on this machine.
#   bench/store-pg.sh [--seconds N] [--clients N] [--keep] [--baseline REV] [--profile]
# --baseline REV: also runs the AkkaImap of git revision REV on PostgreSQL (its own database), between
# the two, so that a change is measured before and after under the same load.
# --profile: PostgreSQL counts its statements (pg_stat_statements) during each mixed load; the report
# lists, per PostgreSQL run, statements and commits per IMAP command and the most frequent statements.
# SKIP_BUILD=1 reuses the Release build already in bench/.build (lib-pg.sh's bench_build 0).
# Prints the runs' figures and a table (also written to bench/RESULTS-postgresql.md, or to
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
BASELINE=""
PROFILE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_MEASURED=$2; shift ;;
    --clients) CLIENTS=$2; shift ;;
    --keep) KEEP=1 ;;
    --baseline) BASELINE=$2; shift ;;
    --profile) PROFILE=1 ;;
    *) echo "usage: $0 [--seconds N] [--clients N] [--keep] [--baseline REV] [--profile]" >&2; exit 2 ;;
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

bench_build "$( [ "${SKIP_BUILD:-0}" = 1 ] && echo 0 || echo 1)"
BASELINE_AKKAIMAP=()
if [ -n "$BASELINE" ]; then
  log "building the baseline AkkaImap ($BASELINE, Release)"
  BASELINE_REV=$(git -C "$REPO" rev-parse --short "$BASELINE")
  mkdir -p "$WORK/baseline-src"
  git -C "$REPO" archive "$BASELINE" | tar -x -C "$WORK/baseline-src"
  # lib.sh's build, of the baseline's sources into a folder of its own (AKKAIMAP stays this build's).
  build_baseline() { local REPO="$WORK/baseline-src" OUT="$WORK/baseline-build" AKKAIMAP=(); build_akkaimap --r2r; BASELINE_AKKAIMAP=("${AKKAIMAP[@]}"); }
  build_baseline
fi
pg_start "$( [ "$PROFILE" = 1 ] && echo "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all")"
psql_pg() { PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }
psql_do "CREATE DATABASE akkaimap"
if [ -n "$BASELINE" ]; then psql_do "CREATE DATABASE akkaimap_baseline"; fi
if [ "$PROFILE" = 1 ]; then psql_pg -d akkaimap -qc "CREATE EXTENSION pg_stat_statements" >/dev/null; fi

# --- one run per store -----------------------------------------------------------------------------

run_store() { # NAME [SETTING] [AKKAIMAP COMMAND...]
  local name=$1 storage=$2 port conf pids
  shift 2
  local AKKAIMAP=("${@:-${AKKAIMAP[@]}}")
  port=$(free_port)
  conf="$WORK/$name.conf"
  akkaimap_conf "$port" "$WORK/$name-data" "$storage" >"$conf"
  akkaimap_users "$conf" 0 "$CLIENTS" "$PASSWORD"
  log "$name: starting AkkaImap on 127.0.0.1:$port"
  setsid "${AKKAIMAP[@]}" serve --config "$conf" >>"$WORK/$name.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 240); do port_in_use "$port" && break; sleep 0.25; done
  pids=$SERVER_PID
  if [ "$name" != sqlite ]; then pids="$SERVER_PID,$PG_PID"; fi
  local common=(--port "$port" --user "user{0}@example.com" --password "$PASSWORD" --mbox "$WORK/sample.mbox" --out "$WORK/$name.json")
  log "$name: filling $CLIENTS INBOXes with 30 messages each"
  "${BENCH[@]}" fill "${common[@]}" --pid "$pids" --users "$CLIENTS" --first-user 1 --per-user 30 >/dev/null
  log "$name: mixed load, $CLIENTS clients, 15 s warm-up, ${SECONDS_MEASURED}s measured"
  local akka0 pg0 akka1 pg1
  akka0=$(cpu_ticks "$SERVER_PID"); pg0=$(pg_ticks)
  if [ "$PROFILE" = 1 ] && [ "$name" != sqlite ]; then
    psql_pg -d akkaimap -qAtc "SELECT pg_stat_statements_reset()" >/dev/null
    psql_pg -d "$(db_of "$name")" -qAtc "SELECT pg_stat_reset()" >/dev/null
  fi
  local started=$SECONDS
  "${BENCH[@]}" mixed "${common[@]}" --pid "$pids" --clients "$CLIENTS" --first-user 1 --warmup 15 --seconds "$SECONDS_MEASURED" \
    --label "$name" | tee "$WORK/$name.txt"
  akka1=$(cpu_ticks "$SERVER_PID"); pg1=$(pg_ticks)
  if [ "$name" != sqlite ]; then
    echo "$(( (pg1 - pg0) * 100 / ( (akka1 - akka0) + (pg1 - pg0) ) ))" >"$WORK/$name-pg-share"
  fi
  if [ "$PROFILE" = 1 ] && [ "$name" != sqlite ]; then profile "$name" "$(( SECONDS - started ))"; fi
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

# What PostgreSQL ran for one mixed load, per IMAP command (the commands/s of the measured part
# times the load's whole duration, warm-up included, estimates how many commands it served).
db_of() { if [ "$1" = postgresql-baseline ]; then echo akkaimap_baseline; else echo akkaimap; fi; }
profile() { # NAME SECONDS
  local name=$1 seconds=$2 db commands
  db=$(db_of "$name")
  commands=$(awk -v r="$(grep -F "  $name: commands/s " "$WORK/$name.txt" | awk '{print $(NF-1)}')" -v s="$seconds" 'BEGIN { printf "%d", r * s }')
  psql_pg -d akkaimap -qAt -F ' | ' >"$WORK/$name-profile.md" <<SQL
SELECT '**$name**: ' || round(sum(calls) / $commands, 2) || ' statements and '
  || (SELECT round((xact_commit)::numeric / $commands, 2) FROM pg_stat_database WHERE datname = '$db')
  || ' transactions (reads included) per IMAP command (about $commands commands in ${seconds} s); the most frequent statements:'
  FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '$db';
SELECT '' ;
SELECT '| calls per IMAP command | ms per call | statement |';
SELECT '| ---: | ---: | --- |';
SELECT '| ' || round(calls::numeric / $commands, 3) || ' | ' || round((total_exec_time / calls)::numeric, 3) || ' | \`'
  || left(regexp_replace(query, '\s+', ' ', 'g'), 110) || '\` |'
  FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '$db'
  ORDER BY calls DESC LIMIT 15;
SQL
  cat "$WORK/$name-profile.md"
}

run_store sqlite ""
if [ -n "$BASELINE" ]; then
  run_store postgresql-baseline "$(pg_storage akkaimap_baseline)" "${BASELINE_AKKAIMAP[@]}"
fi
run_store postgresql "$(pg_storage akkaimap)"

# --- report -----------------------------------------------------------------------------------------
figure() { grep -F "  $1: $2 " "$WORK/$1.txt" | awk '{print $(NF-1)}'; }
ratio() { awk -v s="$1" -v p="$2" 'BEGIN { if (s > 0) printf "%.2f×", p / s; else print "–" }'; }
row() { # LABEL METRIC
  local s p b
  s=$(figure sqlite "$2"); p=$(figure postgresql "$2")
  if [ -n "$BASELINE" ]; then
    b=$(figure postgresql-baseline "$2")
    echo "| $1 | $s | $b | $(ratio "$s" "$b") | $p | $(ratio "$s" "$p") |"
  else
    echo "| $1 | $s | $p | $(ratio "$s" "$p") |"
  fi
}
RESULTS=${BENCH_RESULTS:-$HERE}/RESULTS-postgresql.md
mkdir -p "$(dirname "$RESULTS")"
{
  echo "# One node on PostgreSQL vs one node on SQLite"
  echo
  echo "Mixed load (bench/README.md), $CLIENTS clients, 15 s warm-up then ${SECONDS_MEASURED} s measured, each store on a freshly started server;" \
    "measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)." \
    "PostgreSQL $(pg_version) private on loopback, its defaults (fsync on); AkkaImap storage.fsync = on." \
    "Server CPU of a PostgreSQL run is AkkaImap's plus PostgreSQL's; PostgreSQL's share of it: $(cat "$WORK/postgresql-pg-share")%" \
    "$( [ -n "$BASELINE" ] && echo "(baseline $BASELINE_REV: $(cat "$WORK/postgresql-baseline-pg-share")%)")." \
    "$( [ "$PROFILE" = 1 ] && echo "PostgreSQL ran with pg_stat_statements (--profile) in both PostgreSQL runs.")" \
    "Produced by \`bench/store-pg.sh$( [ -n "$BASELINE" ] && echo " --baseline $BASELINE")$( [ "$PROFILE" = 1 ] && echo " --profile")\`."
  echo
  if [ -n "$BASELINE" ]; then
    echo "| figure | SQLite | PostgreSQL, baseline $BASELINE_REV | baseline/SQLite | PostgreSQL, this build | this build/SQLite |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  else
    echo "| figure | SQLite | PostgreSQL | PostgreSQL/SQLite |"
    echo "| --- | ---: | ---: | ---: |"
  fi
  row "commands/s" "commands/s"
  row "commands per server CPU-s" "commands per server CPU-s"
  row "server CPU (cores busy)" "server CPU (cores busy)"
  row "latency p50 (ms)" "latency p50 all"
  row "latency p99 (ms)" "latency p99 all"
  row "APPEND p50 (ms)" "APPEND p50"
  row "APPEND p99 (ms)" "APPEND p99"
  row "errors" "errors"
  if [ "$PROFILE" = 1 ]; then
    for name in postgresql-baseline postgresql; do
      if [ -f "$WORK/$name-profile.md" ]; then echo; cat "$WORK/$name-profile.md"; fi
    done
  fi
} >"$RESULTS"
cat "$RESULTS"
log "done"
