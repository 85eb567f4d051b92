#!/usr/bin/env bash
# Memory per IDLE connection and the cost of an idle server (issue 17), AkkaImap alone:
#   1. N connections (default 10,000; 10 per user) log in, SELECT INBOX and IDLE over plain text;
#      PSS and RSS per connection (server's growth over the warmed-up baseline), then EXISTS
#      latency for 100 deliveries;
#   2. the same over implicit TLS (a second listener with ssl = on, the self-signed certificate);
#   3. a server with no connection at all: CPU over SECONDS (default 60) after 120 s to settle.
# Each on a freshly started server. With --gcdump, a heap snapshot of the managed heap is taken
# while the connections idle (dotnet-gcdump, installed as a dotnet tool when missing) and its
# largest types are printed: what each connection holds. The last line is
#   idle-kb-per-conn=K idle-tls-kb-per-conn=T idle-p99-ms=P idle-tls-p99-ms=Q idle-cpu-pct=C connections=N
# Usage: bench/idle-memory.sh [--connections N] [--seconds S] [--gcdump] [--keep]
set -euo pipefail
trap 'echo "idle-memory.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR
. "$(dirname "$0")/lib.sh"
CONNECTIONS=10000
SECONDS_IDLE=60
GCDUMP=0
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) CONNECTIONS=$2; shift 2 ;;
    --seconds) SECONDS_IDLE=$2; shift 2 ;;
    --gcdump) GCDUMP=1; shift ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--connections N] [--seconds S] [--gcdump] [--keep]" >&2; exit 2 ;;
  esac
done
PER_USER=10
USERS=$(( (CONNECTIONS + PER_USER - 1) / PER_USER ))
PASSWORD="bench-Secret-1"
SOURCES=8   # client source addresses 127.0.0.2-9: 8 ephemeral port ranges for 10,000+ connections
# Each connection is a descriptor in the server and one in the load tool.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
make_work akkaimap-idle-memory
cleanup() {
  stop_server
  bench_clean
}
trap cleanup EXIT
log "load average at start: $LOAD_BEFORE ($(nproc) cores); file descriptors $(ulimit -n)"
log "building AkkaImap and the load tool (Release)"
build_akkaimap --r2r
build_bench
if [ "$GCDUMP" = 1 ] && ! command -v dotnet-gcdump >/dev/null 2>&1; then
  PATH="$PATH:$HOME/.dotnet/tools"
  command -v dotnet-gcdump >/dev/null 2>&1 || dotnet tool install -g dotnet-gcdump >/dev/null
fi
PORT=$(free_port)
TLS_PORT=$(free_port)
CONF="$WORK/akkaimap.conf"
akkaimap_conf "$PORT" "$WORK/data" "alternate-port { enabled = on, port = $TLS_PORT, ssl = on }" >"$CONF"
akkaimap_users "$CONF" 1 "$USERS" "$PASSWORD"
start() { start_akkaimap_conf "$CONF" "$PORT" "$WORK/akkaimap.log"; }

idle() { # PORT NAME [--tls]
  local port=$1 name=$2 probe=()
  shift 2
  start
  # The heap snapshot is taken right after the memory sample, while the connections still idle.
  [ "$GCDUMP" = 0 ] || probe=(--probe "dotnet-gcdump collect -p {pid} -o $WORK/$name.gcdump")
  log "$name: $CONNECTIONS IDLE connections on port $port (load $(load_avg))"
  "${BENCH[@]}" idle --port "$port" --user "user{0}@example.com" --password "$PASSWORD" --pid "$SERVER_PID" --sources "$SOURCES" \
    --connections "$CONNECTIONS" --per-user "$PER_USER" --first-user 1 --notify 100 --settle 10 --out "$WORK/$name.json" "${probe[@]}" "$@"
  stop_server "$PORT" "$TLS_PORT"
  if [ "$GCDUMP" = 1 ]; then
    echo "$name: the managed heap's largest types with $CONNECTIONS connections:"
    dotnet-gcdump report "$WORK/$name.gcdump" | head -n 30
  fi
}

idle "$PORT" plain
idle "$TLS_PORT" tls --tls
start
log "no connections: CPU over ${SECONDS_IDLE}s after 120 s to settle (load $(load_avg))"
"${BENCH[@]}" idle-cpu --pid "$SERVER_PID" --out "$WORK/cpu.json" --seconds "$SECONDS_IDLE"
stop_server "$PORT" "$TLS_PORT"
LOAD_AFTER=$(load_avg)
log "load average at end: $LOAD_AFTER"

figure() { # FILE NAME-SUFFIX
  python3 -c 'import json,sys; rows=json.load(open(sys.argv[1])); print(next(("%.2f" % r["Value"]) for r in rows if r["Name"].endswith(sys.argv[2])))' "$1" "$2"
}
for f in plain tls; do
  python3 -c 'import json,sys; [print("  %s: %.2f %s" % (r["Name"], r["Value"], r["Unit"])) for r in json.load(open(sys.argv[1]))]' "$WORK/$f.json"
done
echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER; $(nproc) cores"
echo "idle-kb-per-conn=$(figure "$WORK/plain.json" "memory per connection (PSS delta)") idle-tls-kb-per-conn=$(figure "$WORK/tls.json" "memory per connection (PSS delta)") idle-p99-ms=$(figure "$WORK/plain.json" "EXISTS heard p99") idle-tls-p99-ms=$(figure "$WORK/tls.json" "EXISTS heard p99") idle-cpu-pct=$(figure "$WORK/cpu.json" ": CPU with no connections") connections=$CONNECTIONS"
