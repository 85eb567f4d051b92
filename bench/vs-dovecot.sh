#!/usr/bin/env bash
# AkkaImap vs Dovecot on the same machine, in one run (issue 7).
#
#   bench/vs-dovecot.sh [--quick] [--keep]
#
# Installs Dovecot from Debian's packages if missing, builds AkkaImap and the load tool in Release,
# gives both servers the same users (SCRAM-SHA-256 secrets, 4096 PBKDF2 iterations, one password,
# an authentication cache on both) and the same mail (bench/gen_mbox.py), runs the idle-cpu, mixed
# (with LOGIN in the loop and without), idle and large scenarios on loopback, and writes
# bench/RESULTS.md and bench/results.png. The mixed scenarios run ROUNDS times (3), alternating
# which server goes first; the table gives medians and spreads. The last line printed is
#   mixed-ratio=R mixed-nologin-ratio=N mixed-tls-ratio=T p50-worst-ratio=W idle-kb-per-conn=K
#   idle-p99-ms=P select-100k-ms=S fetch-flags-100k-ms=F idle-cpu-pct=C search-body-100k-ms=B
#   mixed-starttls-ratio=T2
# (mixed-tls-ratio: implicit TLS; mixed-starttls-ratio: STARTTLS; both with LOGIN in the loop, 50 clients.)
# Full run: 60 s with no connections, mixed at 50 and 200 clients, long-lived sessions at one
# offered load for both, 10,000 IDLE connections, a 100,000-message folder (about 40 min on 2
# cores). --quick: 20 s with no connections, 50 clients, 1,000 IDLE connections, 10,000 messages
# (about 13 min).
# (Budgets for an otherwise idle machine.) --keep leaves the scratch folder (data, configs, logs)
# for inspection. BENCH_RESULTS=DIR writes the results there instead of bench/.
set -euo pipefail
trap 'echo "vs-dovecot.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR

. "$(dirname "$0")/lib.sh"
QUICK=0
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --keep) KEEP=1 ;;
    *) echo "usage: $0 [--quick] [--keep]" >&2; exit 2 ;;
  esac
done

if [ "$QUICK" = 1 ]; then
  MIXED_CLIENTS="50"; IDLE_CONNECTIONS=1000; LARGE_MESSAGES=10000; MIXED_SECONDS=15; IDLE_CPU_SECONDS=20; MODE="quick"
else
  MIXED_CLIENTS="50 200"; IDLE_CONNECTIONS=10000; LARGE_MESSAGES=100000; MIXED_SECONDS=30; IDLE_CPU_SECONDS=60; MODE="full"
fi
PER_USER=10
IDLE_USERS=$((IDLE_CONNECTIONS / PER_USER))
MAX_CLIENTS=$(echo "$MIXED_CLIENTS" | tr ' ' '\n' | sort -n | tail -1)
USERS=$(( IDLE_USERS > MAX_CLIENTS ? IDLE_USERS : MAX_CLIENTS ))   # user1..userN; user0 holds the large folder
PASSWORD="bench-Secret-1"
# Free loopback ports picked now (other servers may run on this machine).
AKKA_PORT=${AKKA_PORT:-$(free_port)}
DOVECOT_PORT=${DOVECOT_PORT:-$(free_port)}
while [ "$DOVECOT_PORT" = "$AKKA_PORT" ]; do DOVECOT_PORT=$(free_port); done
# Implicit TLS (RFC 8314) on a second port of each server; the main port offers STARTTLS.
AKKA_TLS_PORT=${AKKA_TLS_PORT:-$(free_port)}
while [ "$AKKA_TLS_PORT" = "$AKKA_PORT" ] || [ "$AKKA_TLS_PORT" = "$DOVECOT_PORT" ]; do AKKA_TLS_PORT=$(free_port); done
DOVECOT_TLS_PORT=${DOVECOT_TLS_PORT:-$(free_port)}
while [ "$DOVECOT_TLS_PORT" = "$AKKA_PORT" ] || [ "$DOVECOT_TLS_PORT" = "$DOVECOT_PORT" ] || [ "$DOVECOT_TLS_PORT" = "$AKKA_TLS_PORT" ]; do DOVECOT_TLS_PORT=$(free_port); done
GEN_MBOX=${GEN_MBOX:-$HERE/gen_mbox.py}
ROUNDS=${ROUNDS:-3}
# The equal-load scenario's pace: loops a second per session (Dovecot sustained 1.5-1.7 at 200
# clients on 2 cores, AkkaImap 4.6; bench/README.md).
EQUAL_LOAD_PER_SESSION=${EQUAL_LOAD_PER_SESSION:-1.25}
SOURCES=8   # client source addresses 127.0.0.2-9: 8 ephemeral port ranges for 10,000+ connections

# 10,000 connections need as many descriptors in the servers and in the load tool.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "file descriptors: $(ulimit -n)"

make_work akkaimap-bench
cleanup() {
  stop_both
  bench_clean
}
trap cleanup EXIT
log "load average at start: $LOAD_BEFORE ($(nproc) cores)"

# --- tools -----------------------------------------------------------------------------------
need_packages dovecot dovecot-imapd
# The package may start its own instance on 143/993; ours uses its own config and ports.
log "building AkkaImap and the load tool (Release)"
build_akkaimap --r2r
build_bench
python3 "$GEN_MBOX" "$WORK/sample.mbox" 400 20240601 >/dev/null
# One throwaway certificate for both servers (same key type and size: the same handshake cost).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -keyout "$WORK/tls-key.pem" -out "$WORK/tls-cert.pem" >/dev/null 2>&1
chmod 644 "$WORK/tls-key.pem" "$WORK/tls-cert.pem"

# --- AkkaImap setup ----------------------------------------------------------------------------
AKKA_CONF="$WORK/akkaimap.conf"
akkaimap_conf "$AKKA_PORT" "$WORK/akkaimap-data" \
  "alternate-port { enabled = on, port = $AKKA_TLS_PORT, ssl = on }" \
  "tls { certificate = \"$WORK/tls-cert.pem\", key = \"$WORK/tls-key.pem\" }" >"$AKKA_CONF"
log "creating $((USERS + 1)) AkkaImap mailboxes through the CLI"
akkaimap_users "$AKKA_CONF" 0 "$USERS" "$PASSWORD"

# --- Dovecot setup -----------------------------------------------------------------------------
# Every IDLE connection of Dovecot holds an inotify instance (in imap, then imap-hibernate); the
# kernel's default of 128 per user disables inotify, and with it hibernation and prompt EXISTS.
# Its documentation says to raise the limit; only ever raised here, never lowered.
NEED_INOTIFY=$((IDLE_CONNECTIONS * 2 + 1024))
if [ "$(cat /proc/sys/fs/inotify/max_user_instances)" -lt "$NEED_INOTIFY" ]; then
  echo "$NEED_INOTIFY" >/proc/sys/fs/inotify/max_user_instances || echo "warning: cannot raise fs.inotify.max_user_instances" >&2
fi
if [ "$(cat /proc/sys/fs/inotify/max_user_watches)" -lt "$((NEED_INOTIFY * 8))" ]; then
  echo "$((NEED_INOTIFY * 8))" >/proc/sys/fs/inotify/max_user_watches || echo "warning: cannot raise fs.inotify.max_user_watches" >&2
fi
D="$WORK/dovecot"
dovecot_conf "$D" "$DOVECOT_PORT" 0 "$USERS" "$PASSWORD" "" "$DOVECOT_TLS_PORT" "$WORK/tls-cert.pem" "$WORK/tls-key.pem"

# --- scenarios ---------------------------------------------------------------------------------
# Each scenario runs on a freshly started server, so that one scenario's leftovers (heap, cached
# processes) do not show in the next one's memory figures. The mixed scenarios run in ROUNDS
# rounds, alternating which server goes first, so that a change in the machine's load hits both;
# every other scenario runs once per server. Round r's figures go to NAME-rR.json.
common_args() { # PORT OUT
  echo --port "$1" --user "user{0}@example.com" --password "$PASSWORD" --mbox "$WORK/sample.mbox" --sources "$SOURCES" --out "$2"
}

scenario_idle_cpu() { # NAME PORT OUT START-FUNCTION
  local name=$1 out=$3 start=$4
  "$start"
  # What the server costs when nobody uses it: no client connects; 120 s to finish starting
  # (and for .NET to finish recompiling the periodic tasks' code: bench/AkkaImap.Bench/IdleCpu.cs).
  log "$name: idle CPU, no connections, ${IDLE_CPU_SECONDS}s"
  "${BENCH[@]}" idle-cpu --pid "$SERVER_PID" --out "$out" --seconds "$IDLE_CPU_SECONDS"
  stop_both
}

FILLED=""
scenario_mixed() { # NAME PORT OUT START-FUNCTION ROUND TLS-PORT
  local name=$1 port=$2 out=$3 start=$4 round=$5 tls_port=$6
  local common tls_common
  read -r -a common <<<"$(common_args "$port" "$out")"
  read -r -a tls_common <<<"$(common_args "$tls_port" "$out")"
  "$start"
  if [[ " $FILLED " != *" $name "* ]]; then
    log "$name: filling $MAX_CLIENTS INBOXes with 30 messages each"
    "${BENCH[@]}" fill "${common[@]}" --pid "$SERVER_PID" --users "$MAX_CLIENTS" --first-user 1 --per-user 30
    FILLED="$FILLED $name"
  fi
  for clients in $MIXED_CLIENTS; do
    # 15 s of warm-up for both: a service runs for days, and the .NET runtime spends its first
    # ~30 s of load recompiling hot code (tiered JIT, measured at 10% of AkkaImap's CPU then).
    log "$name (round $round): mixed load with LOGIN, $clients clients, ${MIXED_SECONDS}s (load $(cut -d' ' -f1 /proc/loadavg))"
    "${BENCH[@]}" mixed "${common[@]}" --pid "$SERVER_PID" --clients "$clients" --first-user 1 --warmup 15 --seconds "$MIXED_SECONDS"
    log "$name (round $round): mixed load, long-lived sessions (no LOGIN), $clients clients, ${MIXED_SECONDS}s (load $(cut -d' ' -f1 /proc/loadavg))"
    "${BENCH[@]}" mixed "${common[@]}" --pid "$SERVER_PID" --clients "$clients" --first-user 1 --warmup 15 --seconds "$MIXED_SECONDS" --no-login
  done
  # The same long-lived sessions at one offered load for both servers (EQUAL_LOAD_PER_SESSION loops a
  # second each, below what either sustains here), at the highest client count: latency at equal
  # load, where the closed loop above compares each server at its own saturation.
  clients=${MIXED_CLIENTS##* }
  local rate
  rate=$(awk -v c="$clients" -v r="$EQUAL_LOAD_PER_SESSION" 'BEGIN { printf "%.0f", c * r }')
  log "$name (round $round): long-lived sessions at $rate loops a second, $clients clients, ${MIXED_SECONDS}s (load $(cut -d' ' -f1 /proc/loadavg))"
  "${BENCH[@]}" mixed "${common[@]}" --pid "$SERVER_PID" --clients "$clients" --first-user 1 --warmup 15 --seconds "$MIXED_SECONDS" --no-login --loops-per-second "$rate"
  # Over TLS, as real clients connect, at the lowest client count: the LOGIN loop, a new
  # connection (and handshake) per session, on the implicit-TLS port and with STARTTLS.
  clients=${MIXED_CLIENTS%% *}
  log "$name (round $round): mixed load over implicit TLS, $clients clients, ${MIXED_SECONDS}s (load $(cut -d' ' -f1 /proc/loadavg))"
  "${BENCH[@]}" mixed "${tls_common[@]}" --pid "$SERVER_PID" --clients "$clients" --first-user 1 --warmup 15 --seconds "$MIXED_SECONDS" --tls implicit
  log "$name (round $round): mixed load over STARTTLS, $clients clients, ${MIXED_SECONDS}s (load $(cut -d' ' -f1 /proc/loadavg))"
  "${BENCH[@]}" mixed "${common[@]}" --pid "$SERVER_PID" --clients "$clients" --first-user 1 --warmup 15 --seconds "$MIXED_SECONDS" --tls starttls
  stop_both
}

scenario_rest() { # NAME PORT OUT START-FUNCTION
  local name=$1 port=$2 out=$3 start=$4
  local common
  read -r -a common <<<"$(common_args "$port" "$out")"
  "$start"
  log "$name: $IDLE_CONNECTIONS IDLE connections"
  "${BENCH[@]}" idle "${common[@]}" --pid "$SERVER_PID" --connections "$IDLE_CONNECTIONS" --per-user "$PER_USER" --first-user 1 --notify 100 --settle 10
  stop_both
  "$start"
  log "$name: large folder, $LARGE_MESSAGES messages"
  "${BENCH[@]}" large "${common[@]}" --pid "$SERVER_PID" --messages "$LARGE_MESSAGES" --user-index 0 --folder Big
  stop_both
}

start_akkaimap() {
  log "starting AkkaImap on 127.0.0.1:$AKKA_PORT"
  start_akkaimap_conf "$AKKA_CONF" "$AKKA_PORT" "$WORK/akkaimap.log"
}

start_dovecot() {
  log "starting Dovecot on 127.0.0.1:$DOVECOT_PORT"
  start_dovecot_conf "$D" "$DOVECOT_PORT"
}

# Every process of the server's session, then its ports, must be gone before the next start.
stop_both() { stop_server "$AKKA_PORT" "$DOVECOT_PORT" "$AKKA_TLS_PORT" "$DOVECOT_TLS_PORT"; }

for port in "$AKKA_PORT" "$DOVECOT_PORT" "$AKKA_TLS_PORT" "$DOVECOT_TLS_PORT"; do
  if port_in_use "$port"; then echo "port $port is already in use" >&2; exit 1; fi
done

A=(AkkaImap "$AKKA_PORT" "$WORK/akkaimap-r1.json" start_akkaimap)
DV=(Dovecot "$DOVECOT_PORT" "$WORK/dovecot-r1.json" start_dovecot)
ONLY=${ONLY:-}   # ONLY=mixed: only the mixed scenarios (with TLS), for a quick before/after
if [ "$ONLY" != mixed ]; then
  scenario_idle_cpu "${A[@]}"
  scenario_idle_cpu "${DV[@]}"
fi
AKKA_RUNS=""; DOVECOT_RUNS=""
for round in $(seq 1 "$ROUNDS"); do
  A[2]="$WORK/akkaimap-r$round.json"; DV[2]="$WORK/dovecot-r$round.json"
  AKKA_RUNS="$AKKA_RUNS${AKKA_RUNS:+,}${A[2]}"; DOVECOT_RUNS="$DOVECOT_RUNS${DOVECOT_RUNS:+,}${DV[2]}"
  if [ $((round % 2)) = 1 ]; then
    scenario_mixed "${A[@]}" "$round" "$AKKA_TLS_PORT"; scenario_mixed "${DV[@]}" "$round" "$DOVECOT_TLS_PORT"
  else
    scenario_mixed "${DV[@]}" "$round" "$DOVECOT_TLS_PORT"; scenario_mixed "${A[@]}" "$round" "$AKKA_TLS_PORT"
  fi
done
A[2]="$WORK/akkaimap-r1.json"; DV[2]="$WORK/dovecot-r1.json"
if [ "$ONLY" != mixed ]; then
  scenario_rest "${A[@]}"
  scenario_rest "${DV[@]}"
fi
LOAD_AFTER=$(load_avg)
log "load average at end: $LOAD_AFTER"

# --- report ------------------------------------------------------------------------------------
ELAPSED=$(( $(date +%s) - START ))
PREFACE="Mode: **$MODE** (${IDLE_CPU_SECONDS} s with no connections, $MIXED_CLIENTS mixed clients with and without LOGIN in the loop, long-lived sessions paced at $EQUAL_LOAD_PER_SESSION loops a second each at the highest count, $ROUNDS rounds alternating the servers, $IDLE_CONNECTIONS IDLE connections, $LARGE_MESSAGES-message folder), measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, load average before the run: $LOAD_BEFORE, at its end: $LOAD_AFTER, whole run ${ELAPSED}s. Dovecot $(dovecot --version | cut -d' ' -f1). Produced by \`bench/vs-dovecot.sh$( [ "$QUICK" = 1 ] && echo ' --quick' || true)\`. A load average well above the core count means other work shared the CPU: throughput and latency are then noisy and worse for both servers; commands per server-CPU-second holds up best. How the figures are taken: [README.md](README.md).

![AkkaImap advantage over Dovecot](results.png)"
RESULTS=${BENCH_RESULTS:-$HERE}   # where RESULTS.md, results.png and the raw figures go
mkdir -p "$RESULTS"
python3 - "$RESULTS/results-akkaimap.json" "${AKKA_RUNS//,/ }" <<'PY'
import json, sys
json.dump([json.load(open(p)) for p in sys.argv[2].split()], open(sys.argv[1], "w"), indent=1)
PY
python3 - "$RESULTS/results-dovecot.json" "${DOVECOT_RUNS//,/ }" <<'PY'
import json, sys
json.dump([json.load(open(p)) for p in sys.argv[2].split()], open(sys.argv[1], "w"), indent=1)
PY
"${BENCH[@]}" report --akka "$AKKA_RUNS" --dovecot "$DOVECOT_RUNS" \
  --md "$RESULTS/RESULTS.md" --png "$RESULTS/results.png" --title "# AkkaImap vs Dovecot: latest table" --preface "$PREFACE"
