#!/usr/bin/env bash
# Indexed SEARCH on a large folder: fills one folder with N synthetic messages (default 100,000;
# the `large` scenario of vs-dovecot.sh, 1% of bodies hold "zebracorn"), then times SEARCH FROM
# (median of three) and SEARCH BODY with the full-text index on, restarts the same server with
# search.full-text-index = off and times them again (every message scanned), for a ratio measured
# within one run. Prints the machine's load with the figures; the last line is
#   search-body-ms=B search-from-ms=F scan-body-ms=SB scan-from-ms=SF messages=N
# Usage: bench/search.sh [MESSAGES]. Needs only dotnet; scratch folder under /tmp, removed at exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
MESSAGES=${1:-100000}
WORK=$(mktemp -d /tmp/akkaimap-search.XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "[$(date -u +%H:%M:%S)] $* (load $(cut -d' ' -f1-3 /proc/loadavg))"; }

OUT="$HERE/.build"
log "building AkkaImap and the load tool (Release)"
dotnet publish -c Release "$REPO/src/AkkaImap.Host" -o "$OUT/akkaimap" -v quiet -nologo >/dev/null
dotnet publish -c Release "$REPO/bench/AkkaImap.Bench" -o "$OUT/bench" -v quiet -nologo >/dev/null
AKKAIMAP=(dotnet "$OUT/akkaimap/akkaimap.dll")
BENCH=(dotnet "$OUT/bench/akkaimap-bench.dll")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PASSWORD="bench-Secret-1"

configure() { # on|off
  cat >"$WORK/akkaimap.conf" <<EOF
akka-imap {
  port = $PORT
  bind = ["127.0.0.1"]
  storage { path = "$WORK/data", fsync = on }
  search { full-text-index = $1 }
}
EOF
}
start() {
  "${AKKAIMAP[@]}" serve --config "$WORK/akkaimap.conf" >>"$WORK/akkaimap.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 240); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$WORK/akkaimap.log" >&2; return 1; }
    sleep 0.25
  done
  return 1
}
stop() { kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""; }
figure() { # FILE NAME → the value of the metric whose name ends with NAME
  python3 -c 'import json,sys; rows=json.load(open(sys.argv[1])); print(next(("%.1f" % r["Value"]) for r in rows if r["Name"].endswith(sys.argv[2])))' "$1" "$2"
}

configure on
"${AKKAIMAP[@]}" postoffice add example.com --config "$WORK/akkaimap.conf" >/dev/null
echo "user0@example.com $PASSWORD" | "${AKKAIMAP[@]}" mailbox import - --config "$WORK/akkaimap.conf" >/dev/null
start
log "filling and searching $MESSAGES messages with the index"
"${BENCH[@]}" large --port "$PORT" --password "$PASSWORD" --messages "$MESSAGES" --user-index 0 --folder Big --label indexed --out "$WORK/indexed.json"
stop
configure off
start
log "searching again with search.full-text-index = off (every message scanned)"
"${BENCH[@]}" large --port "$PORT" --password "$PASSWORD" --messages "$MESSAGES" --user-index 0 --folder Big --label scanned --rounds 1 --out "$WORK/scanned.json"
stop
log "done; store $(du -sh "$WORK/data" | cut -f1)"
echo "search-body-ms=$(figure "$WORK/indexed.json" ": SEARCH BODY") search-from-ms=$(figure "$WORK/indexed.json" ": SEARCH FROM") scan-body-ms=$(figure "$WORK/scanned.json" ": SEARCH BODY") scan-from-ms=$(figure "$WORK/scanned.json" ": SEARCH FROM") messages=$MESSAGES"
